#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <sys/signalfd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall_filter.h"

/* Signals a person or a service manager sends to stop or poke a job. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void watched_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(set, forwarded[i]);
}

/* While the program shares our process group, a terminal's ^C (sent by
 * the kernel to the whole group) has reached it already: forwarding it
 * would deliver it twice.  Signals sent to landjail alone are passed on. */
static bool should_forward(int si_code, bool same_pgrp)
{
	return !same_pgrp || si_code != SI_KERNEL;
}

static int exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 125;
}

/* The supervisor's state while the program runs.  Event sources are
 * descriptors polled together: the signalfd first, then whatever a
 * mechanism adds with watch(). */
#define MAX_WATCHES 8

struct supervisor;
typedef void (*watch_fn)(struct supervisor *sv, int fd);

struct supervisor {
	pid_t child;
	bool same_pgrp;
	bool done;
	int wstatus;
	size_t n_watch;
	struct pollfd pfd[MAX_WATCHES];
	watch_fn fn[MAX_WATCHES];
	struct seccomp_plan *seccomp;
	bool sigsys; /* a forbidden syscall ended the sandbox */
};

static void watch(struct supervisor *sv, int fd, watch_fn fn)
{
	sv->pfd[sv->n_watch] = (struct pollfd){ .fd = fd, .events = POLLIN };
	sv->fn[sv->n_watch++] = fn;
}

static void reap(struct supervisor *sv)
{
	int wstatus;
	pid_t pid;
	while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
		if (pid == sv->child) {
			sv->wstatus = wstatus;
			sv->done = true;
		}
	}
}

static void on_signal(struct supervisor *sv, int fd)
{
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap(sv);
		else if (should_forward(si.ssi_code, sv->same_pgrp))
			kill(sv->child, (int)si.ssi_signo);
	}
}

/* A forbidden syscall: report it, and with default = kill end the
 * sandbox.  When the last confined process is gone the listener hangs up
 * and is dropped from the loop. */
static void on_seccomp(struct supervisor *sv, int fd)
{
	for (size_t i = 0; i < sv->n_watch; i++) {
		if (sv->pfd[i].fd != fd)
			continue;
		if (!(sv->pfd[i].revents & POLLIN)) {
			sv->pfd[i].fd = -1;
			return;
		}
	}
	if (seccomp_handle(sv->seccomp, fd)) {
		kill(sv->child, SIGKILL);
		sv->sigsys = true;
	}
}

/* Run the event loop until the program has ended. */
static void wait_for(struct supervisor *sv)
{
	while (!sv->done) {
		if (poll(sv->pfd, sv->n_watch, -1) < 0)
			continue; /* EINTR from a stop/continue */
		for (size_t i = 0; i < sv->n_watch && !sv->done; i++)
			if (sv->pfd[i].revents)
				sv->fn[i](sv, sv->pfd[i].fd);
	}
}


/* AddressSanitizer cannot follow a child that runs on a stack of its own
 * in our memory: sanitizer builds use a plain fork. */
#if defined(__SANITIZE_ADDRESS__)
static pid_t start_child(struct sandbox *sb)
{
	pid_t pid = fork();
	if (pid == 0)
		sandbox_exec(sb);
	return pid;
}
#else
/* The child runs on its own stack while sharing our memory until it execs
 * (as posix_spawn does): no page tables to copy, which is most of the cost
 * of a fork.  We are suspended meanwhile (CLONE_VFORK), so the child may
 * use this stack and libc freely. */
static char child_stack[64 * 1024] __attribute__((aligned(16), unused));

static int child_main(void *arg)
{
	sandbox_exec(arg);
}

static pid_t start_child(struct sandbox *sb)
{
	return clone(child_main, child_stack + sizeof(child_stack),
		     CLONE_VM | CLONE_VFORK | SIGCHLD, sb);
}
#endif

int supervise(struct sandbox *sb)
{
	sigset_t set;
	watched_set(&set);
	/* Block before fork so no signal is lost between fork and wait. */
	if (sigprocmask(SIG_BLOCK, &set, &sb->sigmask) < 0) {
		diag_error("sigprocmask: %s", strerror(errno));
		return 125;
	}
	signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would auto-reap */
	sb->supervisor = getpid();
	fflush(NULL);

	int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		diag_error("signalfd: %s", strerror(errno));
		return 125;
	}
	struct supervisor sv = { .child = start_child(sb) };
	if (sv.child < 0) {
		diag_error("cannot start the sandbox: %s", strerror(errno));
		close(sigfd);
		return 125;
	}
	sv.same_pgrp = getpgid(sv.child) == getpgrp();
	watch(&sv, sigfd, on_signal);
	sv.seccomp = sb->seccomp;
	int listener = sb->seccomp ? seccomp_listener_receive(sb->seccomp) : -1;
	if (listener >= 0)
		watch(&sv, listener, on_seccomp);
	reap(&sv); /* a SIGCHLD may be pending already: the signalfd shows it too */
	wait_for(&sv);
	close(sigfd);
	if (listener >= 0)
		close(listener);
	int wstatus = sv.wstatus;
	int status = sv.sigsys ? 128 + SIGSYS : exit_status(wstatus);
	if (!sv.sigsys && sb->seccomp && WIFSIGNALED(wstatus) &&
	    WTERMSIG(wstatus) == SIGSYS)
		seccomp_report_sigsys(sb->seccomp, sb->path);
	if (WIFSIGNALED(wstatus))
		diag_info("%s was killed by signal %d (%s): exit status %d", sb->path,
			  WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)), status);
	else
		diag_info("%s exited with status %d", sb->path, status);
	return status;
}
