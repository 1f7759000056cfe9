#include "reaper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "exitcode.h"
#include "fds.h"
#include "hostenv.h"
#include "proctree.h"
#include "util.h"

/* The supervisor has ended: whatever is left below us is the sandbox
 * orphaned by a supervisor that died (after a normal end it swept its
 * tree, and this finds nothing, at the cost of one waitid). */
static int supervisor_ended(int wstatus)
{
	size_t killed = proctree_kill_all(NULL, NULL);
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	int sig = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	diag_error("the supervisor died (signal %d, %s); killed the %zu process%s it left "
		   "in the sandbox", sig, strsignal(sig), killed, killed == 1 ? "" : "es");
	/* SIGSYS under a filter of the host: that filter kills a call the
	 * supervisor makes (the program's own run has its own status). */
	if (sig == SIGSYS && host_filtered())
		diag_error("a seccomp filter of the host (a unit's SystemCallFilter=, a "
			   "container's profile) killed a call landjail needs: %s; "
			   "`landjail --status` run the same way names each call", host_fix());
	return EXIT_LANDJAIL;
}

/* The supervisor's last word (reaper_hand_over): its exit status,
 * written on the socket between us, which only the supervisor holds the
 * other end of, then a real-time signal to wake us.  The signal carries
 * nothing: rt_sigqueueinfo(2) lets any process of the same user send one
 * with whatever si_pid and si_code it likes. */
static int handoff_signal(void)
{
	return SIGRTMIN + 3;
}

/* In the supervisor: our reaper's pid (0 elsewhere) and our end of the
 * socket between us. */
static pid_t our_reaper, our_caller;
static int our_fd = -1;

/* Wait for the supervisor; pass on what is sent to landjail.  A
 * terminal's signal (SI_KERNEL) went to the whole process group: passed
 * on only when the supervisor has a group of its own (supervise.c), else
 * it would arrive twice.  The supervisor's hand-over ends the wait at
 * once: its own exit (its memory torn down, the SIGCHLD) is then no
 * longer on the caller's path. */
static int reaper_loop(pid_t supervisor, const sigset_t *watched, int fd)
{
	sigset_t set = *watched;
	sigaddset(&set, handoff_signal());
	for (;;) {
		siginfo_t si;
		if (sigwaitinfo(&set, &si) < 0)
			continue; /* EINTR: a stop/continue */
		if (si.si_signo == handoff_signal()) {
			int status;
			if (recv(fd, &status, sizeof(status), MSG_DONTWAIT) == sizeof(status))
				return status;
			continue; /* a wake-up without a status: not the supervisor's */
		}
		if (si.si_signo != SIGCHLD) {
			if (si.si_code != SI_KERNEL || getpgid(supervisor) != getpgrp())
				kill(supervisor, si.si_signo);
			continue;
		}
		int wstatus;
		pid_t pid;
		while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0)
			if (pid == supervisor)
				return supervisor_ended(wstatus);
	}
}

/* The reaper keeps nothing of landjail's but stderr and its end of the
 * socket: no descriptor of the sandbox's (the seccomp socket, the
 * ruleset) stays open in it, and nothing in it can be traced. */
static void become_reaper(int wfd)
{
	fds_close_others(NULL, 0, wfd);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int reaper_split(struct reaper *r, const sigset_t *watched, int *status)
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
	 * carries the status at the end; p[1] the reaper's. */
	int p[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) < 0)
		return -errno;
	/* Blocked from before the fork, so that a hand-over sent the instant
	 * the supervisor starts waits for sigwaitinfo.  The supervisor's
	 * program gets the caller's mask back (sandbox.c). */
	sigset_t handoff, old;
	sigemptyset(&handoff);
	sigaddset(&handoff, handoff_signal());
	sigprocmask(SIG_BLOCK, &handoff, &old);
	pid_t self = getpid(), caller = getppid();
	pid_t child = fork();
	if (child < 0) {
		err = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (child > 0) {
		close(p[0]);
		become_reaper(p[1]);
		*status = reaper_loop(child, watched, p[1]);
		close(p[1]);
		return 0;
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

void reaper_hand_over(int status)
{
	if (!our_reaper)
		return;
	fflush(NULL);
	/* A reaper that is gone already (killed) has left us to init: nothing
	 * waits for the status then. */
	if (send(our_fd, &status, sizeof(status), MSG_NOSIGNAL | MSG_DONTWAIT) == sizeof(status))
		sigqueue(our_reaper, handoff_signal(), (union sigval){ .sival_int = 0 });
	close_fd(&our_fd);
	our_reaper = 0;
}

bool reaper_gone(struct reaper *r)
{
	char c;
	ssize_t n = read(r->fd, &c, 1);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}
