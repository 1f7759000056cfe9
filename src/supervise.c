#include "supervise.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
static bool should_forward(const siginfo_t *si, bool same_pgrp)
{
	return !same_pgrp || si->si_code != SI_KERNEL;
}

static int exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 125;
}

/* Wait for the program, passing signals on; returns its wait status. */
static int wait_for(pid_t child, const sigset_t *set)
{
	bool same_pgrp = getpgid(child) == getpgrp();
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);
		if (sig < 0)
			continue; /* EINTR from a stop/continue */
		if (sig != SIGCHLD) {
			if (should_forward(&si, same_pgrp))
				kill(child, sig);
			continue;
		}
		int wstatus;
		pid_t pid;
		while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0)
			if (pid == child)
				return wstatus;
	}
}

/* The child runs on its own stack while sharing our memory until it execs
 * (as posix_spawn does): no page tables to copy, which is most of the cost
 * of a fork.  We are suspended meanwhile (CLONE_VFORK), so the child may
 * use this stack and libc freely. */
static char child_stack[64 * 1024] __attribute__((aligned(16)));

static int child_main(void *arg)
{
	sandbox_exec(arg);
}

/* AddressSanitizer cannot follow a child that runs on a stack of its own
 * in our memory: sanitizer builds use a plain fork. */
#if defined(__SANITIZE_ADDRESS__)
static pid_t start_child(struct sandbox *sb)
{
	(void)child_main;
	pid_t pid = fork();
	if (pid == 0)
		sandbox_exec(sb);
	return pid;
}
#else
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

	pid_t child = start_child(sb);
	if (child < 0) {
		diag_error("cannot start the sandbox: %s", strerror(errno));
		return 125;
	}

	int wstatus = wait_for(child, &set);
	int status = exit_status(wstatus);
	if (WIFSIGNALED(wstatus))
		diag_info("%s was killed by signal %d (%s): exit status %d", sb->path,
			  WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)), status);
	else
		diag_info("%s exited with status %d", sb->path, status);
	return status;
}
