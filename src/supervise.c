#include "supervise.h"
#include "phase.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <sys/signalfd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abi.h"
#include "exitcode.h"
#include "syscall_filter.h"
#include "disklimit.h"
#include "fdguard.h"
#include "limit.h"
#include "proclimit.h"
#include "proctree.h"
#include "reaper.h"
#include "report.h"
#include "supervise_start.h"

/* Signals a person or a service manager sends to stop or poke a job. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM };

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
		return EXIT_SIGNAL_BASE + WTERMSIG(wstatus);
	return EXIT_LANDJAIL;
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
	struct rusage child_usage; /* the program's own, from wait4 */
	int timer_fd;              /* [limits] timeout, else -1 */
	int timed_out;             /* 0; 1 after SIGTERM; 2 after SIGKILL */
	const struct sandbox *sb;
	size_t n_watch;
	struct pollfd pfd[MAX_WATCHES];
	watch_fn fn[MAX_WATCHES];
	struct seccomp_plan *seccomp;
	struct reaper *reaper;
	struct relay *relay;
	bool orphaned; /* the reaper, landjail's first process, was killed */
	bool sigsys; /* a forbidden syscall ended the sandbox */
	bool failed; /* the supervisor could not go on: exit 125 */
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
	struct rusage ru;
	while ((pid = wait4(-1, &wstatus, WNOHANG, &ru)) > 0) {
		if (pid == sv->child) {
			sv->wstatus = wstatus;
			sv->child_usage = ru;
			sv->done = true;
		}
	}
}

/* In a session of its own the program leads its own process group: a
 * signal goes to that whole group, as a terminal would send it. */
static void forward(struct supervisor *sv, int sig)
{
	if (sv->same_pgrp || sv->sb->keep_session || kill(-sv->child, sig) < 0)
		kill(sv->child, sig);
}

static void on_signal(struct supervisor *sv, int fd)
{
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap(sv);
		else if (should_forward(si.ssi_code, sv->same_pgrp))
			forward(sv, (int)si.ssi_signo);
	}
}

/* The wall-clock limit: SIGTERM to every process of the sandbox, then,
 * TIMEOUT_GRACE seconds later, SIGKILL. */
#define TIMEOUT_GRACE 2

static void arm(int fd, time_t seconds)
{
	struct itimerspec its = { .it_value = { .tv_sec = seconds } };
	timerfd_settime(fd, 0, &its, NULL);
}

static void on_timer(struct supervisor *sv, int fd)
{
	uint64_t n;
	if (read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return;
	char lim[32];
	limit_format(lim, sizeof(lim), LIMIT_TIMEOUT, sv->sb->policy->limits.value[LIMIT_TIMEOUT]);
	if (!sv->timed_out) {
		sv->timed_out = 1;
		size_t k = proctree_signal(SIGTERM);
		report(LOG_WARNING, "timeout: %s ran longer than %s; sent SIGTERM to %zu "
		       "process%s of the sandbox, SIGKILL in %d s", sv->sb->path, lim, k,
		       k == 1 ? "" : "es", TIMEOUT_GRACE);
		arm(fd, TIMEOUT_GRACE);
	} else if (sv->timed_out == 1) {
		sv->timed_out = 2;
		size_t k = proctree_signal(SIGKILL);
		report(LOG_WARNING, "timeout: %zu process%s of %s still running after the "
		       "%d s grace: SIGKILL", k, k == 1 ? "" : "es", sv->sb->path, TIMEOUT_GRACE);
	}
}

/* We were suspended until the child exec'd or died: if the timeout ran
 * out meanwhile, the child's own watchdog (sandbox.c) has ended it. */
static void timeout_before_exec(struct supervisor *sv)
{
	struct itimerspec left;
	if (sv->timer_fd < 0 || timerfd_gettime(sv->timer_fd, &left) < 0 ||
	    left.it_value.tv_sec || left.it_value.tv_nsec)
		return;
	char lim[32];
	limit_format(lim, sizeof(lim), LIMIT_TIMEOUT, sv->sb->policy->limits.value[LIMIT_TIMEOUT]);
	sv->timed_out = 2;
	proctree_signal(SIGKILL); /* in case it exec'd right at the deadline */
	report(LOG_WARNING, "timeout: %s did not start within %s; the sandbox was killed "
	       "before exec", sv->sb->path, lim);
}

/* Kill whatever the program left behind, until nothing is left: being a
 * subreaper, we inherit every orphan of the tree, so "no children" means
 * "no descendants".  Returns how many processes were killed; costs one
 * wait4 when there is nothing to kill. */
static void reap_supervised(void *sv)
{
	reap(sv);
}

static size_t sweep(struct supervisor *sv)
{
	return proctree_kill_all(reap_supervised, sv);
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
	static const seccomp_notify_hook hooks[] = { proclimit_handle, NULL };
	if (seccomp_handle(sv->seccomp, fd, hooks)) {
		kill(sv->child, SIGKILL);
		sv->sigsys = true;
	}
}

/* The caller killed landjail, which is the reaper (reaper.h): nobody
 * waits for this run any more, so end it now, as the timeout would. */
static void on_reaper(struct supervisor *sv, int fd)
{
	if (!reaper_gone(sv->reaper))
		return;
	for (size_t i = 0; i < sv->n_watch; i++)
		if (sv->pfd[i].fd == fd)
			sv->pfd[i].fd = -1;
	sv->orphaned = true;
	size_t k = proctree_signal(SIGKILL);
	report(LOG_WARNING, "landjail (pid %d) was killed: sent SIGKILL to the %zu process%s "
	       "of the sandbox", (int)sv->reaper->pid, k, k == 1 ? "" : "es");
}

/* The program's stdout or stderr has something for the application's
 * pipe, or that full pipe has room again (relay.h). */
static void on_relay(struct supervisor *sv, int fd)
{
	struct relay *r = sv->relay;
	int i = 0;
	while (i < r->n && r->p[i].from != fd && r->p[i].to != fd)
		i++;
	size_t w = 0;
	while (w < sv->n_watch && sv->pfd[w].fd != fd)
		w++;
	if (i == r->n || w == sv->n_watch)
		return;
	if (!relay_pump(r, i))
		sv->pfd[w].fd = -1;
	else if (r->p[i].blocked)
		sv->pfd[w] = (struct pollfd){ .fd = r->p[i].to, .events = POLLOUT };
	else
		sv->pfd[w] = (struct pollfd){ .fd = r->p[i].from, .events = POLLIN };
}

/* [limits] disk: time to add up the call's files (disklimit.h). */
static void on_disk(struct supervisor *sv, int fd)
{
	(void)sv;
	disklimit_event(fd);
}

/* Run the event loop until the program has ended. */
static void wait_for(struct supervisor *sv)
{
	while (!sv->done) {
		if (poll(sv->pfd, sv->n_watch, -1) < 0) {
			if (errno == EINTR)
				continue; /* a stop/continue */
			/* Something changed our limits or state under us: give
			 * up on the sandbox rather than spin without watching. */
			diag_error("cannot watch the sandbox any more (poll: %s): ending it",
				   strerror(errno));
			kill(sv->child, SIGKILL);
			sweep(sv);
			sv->failed = true;
			sv->done = true;
			return;
		}
		for (size_t i = 0; i < sv->n_watch && !sv->done; i++)
			if (sv->pfd[i].revents)
				sv->fn[i](sv, sv->pfd[i].fd);
		/* Reports of what was just done, as far as stderr takes them. */
		report_flush();
	}
}

/* Which limit ended the program, if one did: reported like a violation. */
static const char *ended_by(const struct supervisor *sv)
{
	const struct policy *p = sv->sb->policy;
	if (sv->timed_out)
		return "timeout";
	/* A shell reports a child's death by signal N as status 128+N. */
	int sig = WIFSIGNALED(sv->wstatus) ? WTERMSIG(sv->wstatus)
		  : WIFEXITED(sv->wstatus) && WEXITSTATUS(sv->wstatus) > 128
			  ? WEXITSTATUS(sv->wstatus) - 128 : 0;
	if (!sig)
		return NULL;
	const struct rusage *ru = &sv->child_usage;
	if (p->limits.set[LIMIT_CPU] &&
	    (sig == SIGXCPU || (sig == SIGKILL && (unsigned long long)(ru->ru_utime.tv_sec +
			ru->ru_stime.tv_sec) >= p->limits.value[LIMIT_CPU])))
		return "cpu";
	if (p->limits.set[LIMIT_FILE_SIZE] && sig == SIGXFSZ)
		return "file-size";
	return NULL;
}

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* How the run ended, for the person who asked (-v) and, when a limit
 * ended it, for monitoring (report()). */
static void summarize(const struct supervisor *sv, const struct timespec *started,
		      size_t leftover, int status)
{
	const char *limit = ended_by(sv);
	if (limit && strcmp(limit, "timeout") != 0) {
		char lim[32];
		int i = strcmp(limit, "cpu") == 0 ? LIMIT_CPU : LIMIT_FILE_SIZE;
		limit_format(lim, sizeof(lim), i, sv->sb->policy->limits.value[i]);
		report(LOG_WARNING, "%s limit: %s ended with status %d, a death by SIG%s, "
		       "at %s = %s", limit, sv->sb->path, status,
		       limit[0] == 'c' ? "XCPU or SIGKILL" : "XFSZ", limit, lim);
	}
	if (leftover)
		diag_info("killed %zu process%s left behind by %s", leftover,
			  leftover == 1 ? "" : "es", sv->sb->path);
	if (diag_verbosity < VERB_VERBOSE)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double wall = (double)(now.tv_sec - started->tv_sec) +
		      (double)(now.tv_nsec - started->tv_nsec) / 1e9;
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	diag_info("summary: exit status %d; wall %.3f s; cpu %.3f s user, %.3f s system; "
		  "peak memory %ld KiB; ended by %s", status, wall, seconds(ru.ru_utime),
		  seconds(ru.ru_stime), ru.ru_maxrss, limit ? limit : "its own exit");
}


static int supervise_tree(struct sandbox *sb, const sigset_t *watched, struct reaper *r)
{
	sigset_t set = *watched;
	sb->supervisor = getpid();
	/* A process group apart from the reaper's: a signal to landjail's
	 * group (GNU timeout's way of ending a job) then kills the reaper
	 * only, and we end the tree.  Not with --keep-session, where the
	 * program shares the caller's group, the terminal's foreground. */
	if (r->pid && !sb->keep_session && setpgid(0, 0) < 0)
		diag_info("setpgid: %s: a signal to landjail's process group ends the supervisor "
			  "too", strerror(errno));
	if (!supervise_protect(sb, r->pid))
		return EXIT_LANDJAIL;

	int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		diag_error("signalfd: %s", strerror(errno));
		return EXIT_LANDJAIL;
	}
	/* Orphans of the sandbox become our children, not init's. */
	int err = proctree_subreaper();
	if (err < 0) {
		diag_error("PR_SET_CHILD_SUBREAPER: %s", strerror(-err));
		close(sigfd);
		return EXIT_LANDJAIL;
	}
	int timer_fd = -1;
	if (sb->policy->limits.set[LIMIT_TIMEOUT]) {
		timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (timer_fd < 0) {
			diag_error("timerfd_create: %s", strerror(errno));
			close(sigfd);
			return EXIT_LANDJAIL;
		}
		arm(timer_fd, (time_t)sb->policy->limits.value[LIMIT_TIMEOUT]);
	}
	struct timespec started;
	clock_gettime(CLOCK_MONOTONIC, &started);
	sb->test_trap = test_hook("LANDJAIL_TEST_TRAP_BEFORE_EXEC");
	struct relay relay;
	err = relay_prepare(&relay);
	if (err < 0) {
		diag_error("cannot pass standard output through landjail: %s", strerror(-err));
		close(sigfd);
		close_fd(&timer_fd);
		return EXIT_LANDJAIL;
	}
	sb->relay = &relay;
	phase_mark("fork");
	struct supervisor sv = { .child = supervise_start_child(sb), .timer_fd = timer_fd, .sb = sb,
				 .relay = &relay };
	if (sv.child > 0)
		timeout_before_exec(&sv);
	if (sv.child < 0) {
		diag_error("cannot start the sandbox: %s", strerror(errno));
		relay_finish(&relay, 0);
		close(sigfd);
		close_fd(&sv.timer_fd);
		return EXIT_LANDJAIL;
	}
	phase_mark("execd");
	relay_started(&relay);
	if (!supervise_undumpable()) {
		kill(sv.child, SIGKILL);
		sweep(&sv);
		relay_finish(&relay, 0);
		close(sigfd);
		close_fd(&sv.timer_fd);
		return EXIT_LANDJAIL;
	}
	sv.same_pgrp = sb->keep_session && getpgid(sv.child) == getpgrp();
	watch(&sv, sigfd, on_signal);
	sv.reaper = r;
	if (r->fd >= 0)
		watch(&sv, r->fd, on_reaper);
	sv.seccomp = sb->seccomp;
	int listener = sb->seccomp ? seccomp_listener_receive(sb->seccomp) : -1;
	if (listener >= 0)
		watch(&sv, listener, on_seccomp);
	fdguard_inherited(sb->keep_fds, sb->n_keep_fds);
	if (disklimit_fd() >= 0)
		watch(&sv, disklimit_fd(), on_disk);
	if (sv.timer_fd >= 0)
		watch(&sv, sv.timer_fd, on_timer);
	for (int i = 0; i < relay.n; i++)
		watch(&sv, relay.p[i].from, on_relay);
	reap(&sv); /* a SIGCHLD may be pending already: the signalfd shows it too */
	report_defer(true);
	phase_mark("waiting");
	wait_for(&sv);
	phase_mark("exited");
	size_t leftover = sweep(&sv);
	/* What the program wrote last, before landjail's own last words. */
	relay_finish(&relay, 2000);
	report_defer(false);
	close(sigfd);
	if (listener >= 0)
		close(listener);
	close_fd(&sv.timer_fd);
	int wstatus = sv.wstatus;
	int status = sv.failed	  ? EXIT_LANDJAIL
		     : sv.orphaned  ? EXIT_SIGNAL_BASE + SIGKILL
		     : sv.timed_out ? EXIT_TIMEOUT
		     : sv.sigsys  ? EXIT_SIGNAL_BASE + SIGSYS
				  : exit_status(wstatus);
	if (!sv.failed && !sv.timed_out)
		status = sandbox_late_report(sb, status);
	if (!sv.sigsys && sb->seccomp && WIFSIGNALED(wstatus) &&
	    WTERMSIG(wstatus) == SIGSYS)
		seccomp_report_sigsys(sb->seccomp, sb->path);
	if (sb->not_started)
		diag_info("%s was not started: landjail failed to set up the sandbox (status %d)",
			  sb->path, status);
	else if (WIFSIGNALED(wstatus))
		diag_info("%s was killed by signal %d (%s): exit status %d", sb->path,
			  WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)), status);
	else
		diag_info("%s exited with status %d", sb->path, status);
	summarize(&sv, &started, leftover, status);
	phase_mark("reported");
	return status;
}

/* The split (reaper.h), done once: by main as soon as the policy is read,
 * else here (--explain). */
static struct {
	bool split;
	sigset_t set;         /* what the supervisor watches: blocked since */
	sigset_t caller_mask; /* the program starts with it (sandbox.c) */
	struct reaper r;
} st;

int supervise_begin(void)
{
	if (st.split)
		return 1;
	/* Block before the fork so no signal is lost between fork and wait. */
	watched_set(&st.set);
	if (sigprocmask(SIG_BLOCK, &st.set, &st.caller_mask) < 0) {
		int err = -errno;
		diag_error("sigprocmask: %s", strerror(-err));
		return err;
	}
	signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would auto-reap */
	fflush(NULL);
	int rc = reaper_split(&st.r, &st.set);
	if (rc < 0 && rc != -ENOSYS) {
		diag_error("cannot start the reaper that outlives a SIGKILL of landjail: %s",
			   strerror(-rc));
		return rc;
	}
	st.split = true;
	return 1;
}

int supervise(struct sandbox *sb)
{
	/* Every run has a reaper, even one whose program may start no process:
	 * its parent-death signal alone would not do, as a thread's execve or
	 * a change of its ids clears that signal. */
	int rc = supervise_begin();
	if (rc < 0)
		return EXIT_LANDJAIL;
	sb->sigmask = st.caller_mask;
	return supervise_tree(sb, &st.set, &st.r);
}
