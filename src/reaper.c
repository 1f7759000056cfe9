#include "reaper.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "exitcode.h"
#include "fds.h"
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
	return EXIT_LANDJAIL;
}

/* Wait for the supervisor; pass on what is sent to landjail.  A
 * terminal's signal (SI_KERNEL) went to the whole process group: passed
 * on only when the supervisor has a group of its own (supervise.c), else
 * it would arrive twice. */
static int reaper_loop(pid_t supervisor, const sigset_t *watched)
{
	for (;;) {
		siginfo_t si;
		if (sigwaitinfo(watched, &si) < 0)
			continue; /* EINTR: a stop/continue */
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
 * pipe: no descriptor of the sandbox's (the seccomp socket, the
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
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t self = getpid();
	pid_t child = fork();
	if (child < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (child > 0) {
		close(p[0]);
		become_reaper(p[1]);
		*status = reaper_loop(child, watched);
		close(p[1]);
		return 0;
	}
	close(p[1]);
	*r = (struct reaper){ .pid = self, .fd = p[0] };
	return 1;
}

bool reaper_gone(struct reaper *r)
{
	char c;
	ssize_t n = read(r->fd, &c, 1);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

void reaper_close(struct reaper *r)
{
	close_fd(&r->fd);
}
