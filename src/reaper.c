#include "reaper.h"

#include "libc_compat.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "exitcode.h"
#include "fds.h"
#include "hostenv.h"
#include "proctree.h"
#include "rawcall.h"
#include "util.h"

/* The reaper's state, set before the split: its stack (rawcall.h) holds
 * nothing but its own frames. */
static struct {
	sigset_t wait;      /* the signals forwarded, the hand-over's, SIGCHLD */
	int handoff;        /* the hand-over's signal number */
	int fd;             /* the reaper's end of the socket */
	pid_t supervisor;
	unsigned fd_limit;  /* for a kernel without close_range(2) */
	bool shared;        /* split with CLONE_VM: libc is the supervisor's */
} rp;

/* The supervisor has ended (its memory, if shared, is ours alone now, so
 * libc may be used again, but for its heap and locale): whatever is left below us is the sandbox
 * orphaned by a supervisor that died (after a normal end it swept its
 * tree, and this finds nothing, at the cost of one waitid). */
static _Noreturn void supervisor_ended(int wstatus)
{
	/* It may have died inside malloc: its heap, now ours, is then no
	 * heap to allocate from. */
	static pid_t queue[4096];
	if (rp.shared)
		proctree_no_alloc(queue, sizeof(queue) / sizeof(queue[0]));
	size_t killed = proctree_kill_all(NULL, NULL);
	if (WIFEXITED(wstatus))
		_exit(WEXITSTATUS(wstatus));
	int sig = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	diag_error("the supervisor died (signal %d, %s); killed the %zu process%s it left "
		   "in the sandbox", sig, sig ? sigdescr_np(sig) : "none", killed,
		   killed == 1 ? "" : "es");
	/* SIGSYS under a filter of the host: that filter kills a call the
	 * supervisor makes (the program's own run has its own status). */
	if (sig == SIGSYS && host_filtered())
		diag_error("a seccomp filter of the host (a unit's SystemCallFilter=, a "
			   "container's profile) killed a call landjail needs: %s; "
			   "`landjail --status` run the same way names each call", host_fix());
	_exit(EXIT_LANDJAIL);
}

/* The supervisor's last word (reaper_hand_over): its exit status,
 * written on the socket between us, which only the supervisor holds the
 * other end of, then a real-time signal to wake us.  The signal carries
 * nothing: rt_sigqueueinfo(2) lets any process of the same user send one
 * with whatever si_pid and si_code it likes. */
static int handoff_signal(void)
{
	/* Real-time signal 37, whatever the C library: SIGRTMIN+3 under
	 * glibc (SIGRTMIN 34), SIGRTMIN+2 under musl (35); both leave it to
	 * the program, and tests can name it (exit.sh). */
	return SIGRTMIN <= 37 ? 37 : SIGRTMIN + 3;
}

/* In the supervisor: our reaper's pid (0 elsewhere) and our end of the
 * socket between us. */
static pid_t our_reaper, our_caller;
static int our_fd = -1;

/* The reaper keeps nothing of landjail's but stdin, stdout, stderr and
 * its end of the socket: no descriptor of the sandbox's stays open in it. */
static void keep_only_socket(void)
{
	long lo = 3, fd = rp.fd;
	long err = fd > lo ? rawcall4(SYS_close_range, lo, fd - 1, 0, 0) : 0;
	if (!err)
		err = rawcall4(SYS_close_range, fd + 1, ~0U, 0, 0);
	if (err != -ENOSYS)
		return;
	for (long i = lo; i < (long)rp.fd_limit; i++)
		if (i != fd)
			rawcall4(SYS_close, i, 0, 0, 0);
}

/* Wait for the supervisor; pass on what is sent to landjail.  A
 * terminal's signal (SI_KERNEL) went to the whole process group: passed
 * on only when the supervisor has a group of its own (supervise.c), else
 * it would arrive twice.  The supervisor's hand-over ends the wait at
 * once: its own exit (its memory torn down, the SIGCHLD) is then no
 * longer on the caller's path.  Only raw calls until the supervisor is
 * gone (rawcall.h); the exit too, as the supervisor flushes its own
 * stdio. */
static _Noreturn void reaper_main(long supervisor)
{
	rp.supervisor = (pid_t)supervisor;
	keep_only_socket();
	for (;;) {
		siginfo_t si;
		if (rawcall4(SYS_rt_sigtimedwait, (long)&rp.wait, (long)&si, 0, (_NSIG - 1) / 8) < 0)
			continue; /* EINTR: a stop/continue */
		if (si.si_signo == rp.handoff) {
			int status;
			if (rawcall4(SYS_read, rp.fd, (long)&status, sizeof(status), 0) ==
			    sizeof(status))
				rawcall4(SYS_exit_group, status, 0, 0, 0);
			continue; /* a wake-up without a status: not the supervisor's */
		}
		if (si.si_signo != SIGCHLD) {
			if (si.si_code != SI_KERNEL ||
			    rawcall4(SYS_getpgid, rp.supervisor, 0, 0, 0) != rawcall4(SYS_getpgid, 0, 0, 0, 0))
				rawcall4(SYS_kill, rp.supervisor, si.si_signo, 0, 0);
			continue;
		}
		int wstatus;
		long pid;
		while ((pid = rawcall4(SYS_wait4, -1, (long)&wstatus, WNOHANG, 0)) > 0)
			if (pid == rp.supervisor)
				supervisor_ended(wstatus);
	}
}

/* The reaper's own stack when it shares the supervisor's memory: the
 * supervisor goes on on the one we have.  A guard page below it. */
enum { REAPER_GUARD = 4096, REAPER_STACK = 256 * 1024 };

static void *reaper_stack(void)
{
	char *m = mmap(NULL, REAPER_GUARD + REAPER_STACK, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	if (mprotect(m, REAPER_GUARD, PROT_NONE) < 0) {
		munmap(m, REAPER_GUARD + REAPER_STACK);
		return NULL;
	}
	return m + REAPER_GUARD + REAPER_STACK;
}

/* Split, the reaper in the process the caller started.  With CLONE_VM
 * the supervisor copies no page tables and takes no copy-on-write fault
 * for the rest of its set-up, and the reaper's exit tears down no
 * memory: both are on the caller's path.  The reaper is then a second
 * user of the supervisor's memory that runs no libc at all until the
 * supervisor is gone.  Its stack, and the state in rp, the supervisor
 * never touches.  Returns 0 in the supervisor, or -errno. */
static long split(void)
{
	void *stack = RAWCALL_SPLIT && !test_hook("LANDJAIL_TEST_REAPER_FORK") ? reaper_stack() : NULL;
#if RAWCALL_SPLIT
	if (stack) {
		rp.shared = true;
		long rc = rawcall_split(CLONE_VM | SIGCHLD, stack, reaper_main);
		if (rc == 0)
			return 0;
		/* Refused (qemu's user-mode emulation allows CLONE_VM only
		 * to start a thread): fork, as where there is no split. */
		rp.shared = false;
		munmap((char *)stack - REAPER_STACK - REAPER_GUARD, REAPER_STACK + REAPER_GUARD);
	}
#endif
	(void)stack;
	pid_t child = fork();
	if (child < 0)
		return -errno;
	if (child > 0) {
		/* Nothing in a reaper with memory of its own can be traced.
		 * (The shared one is as traceable as its supervisor.) */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		reaper_main(child);
	}
	return 0;
}

int reaper_split(struct reaper *r, const sigset_t *watched)
{
	*r = (struct reaper){ .pid = 0, .fd = -1 };
	if (test_hook("LANDJAIL_TEST_NO_REAPER"))
		return -ENOSYS;
	/* Before the fork: an orphan must find a subreaper from the first
	 * instant the supervisor could die. */
	int err = proctree_subreaper();
	if (err < 0)
		return err;
	/* p[0] the supervisor's end: hangs up when the reaper dies, and
	 * carries the status at the end; p[1] the reaper's, which it reads
	 * without blocking. */
	int p[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) < 0)
		return -errno;
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	struct rlimit nofile;
	rp.fd_limit = getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < 65536
			      ? (unsigned)nofile.rlim_cur : 65536;
	rp.handoff = handoff_signal();
	rp.fd = p[1];
	/* The watched signals are blocked already (supervise.c); the
	 * hand-over's is blocked from before the split, so that one sent the
	 * instant the supervisor starts waits for the reaper's sigwait.  The
	 * supervisor's program gets the caller's mask back (sandbox.c). */
	sigset_t handoff, old;
	sigemptyset(&handoff);
	sigaddset(&handoff, rp.handoff);
	sigprocmask(SIG_BLOCK, &handoff, &old);
	rp.wait = *watched;
	sigaddset(&rp.wait, rp.handoff);
	pid_t self = getpid(), caller = getppid();
	err = (int)split();
	if (err < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(p[0]);
		close(p[1]);
		return err;
	}
	close(p[1]);
	sigprocmask(SIG_SETMASK, &old, NULL);
	*r = (struct reaper){ .pid = self, .fd = p[0] };
	our_reaper = self;
	our_caller = caller;
	our_fd = p[0];
	return 1;
}

pid_t reaper_caller(void)
{
	return our_caller;
}

/* The memory we share goes with the last of us to exit, and the reaper's
 * exit is on the caller's path: so we stay until it is gone (its end of
 * the socket closes after it let go of the memory), and the teardown
 * happens in our exit, after the caller has its status.  Some 25 us of a
 * call (bench/ab).  Not forever: a reaper stopped by the caller stays. */
static void wait_reaper_exit(void)
{
	struct pollfd pf = { .fd = our_fd, .events = POLLIN };
	poll(&pf, 1, 1000);
}

void reaper_hand_over(int status)
{
	if (!our_reaper)
		return;
	fflush(NULL);
	/* A reaper that is gone already (killed) has left us to init: nothing
	 * waits for the status then. */
	if (send(our_fd, &status, sizeof(status), MSG_NOSIGNAL | MSG_DONTWAIT) == sizeof(status) &&
	    sigqueue(our_reaper, handoff_signal(), (union sigval){ .sival_int = 0 }) == 0 &&
	    rp.shared)
		wait_reaper_exit();
	close_fd(&our_fd);
	our_reaper = 0;
}

bool reaper_gone(struct reaper *r)
{
	char c;
	ssize_t n = read(r->fd, &c, 1);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}
