#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fds.h"
#include "landlock.h"
#include "syscall_filter.h"
#include "limit.h"
#include "phase.h"

/* Before the seccomp filter: the child may still format and print. */
SANDBOX_CHILD static noreturn void fail(struct sandbox *sb, int status, char *msg)
{
	sb->not_started = 1;
	diag_error("%s", msg);
	_exit(status);
}

/* After the filter the child only execs: a failure is two stores into
 * the memory it shares with the parent, and _exit (always allowed). */
SANDBOX_CHILD static noreturn void fail_late(struct sandbox *sb, enum sandbox_late step, int err, int status)
{
	sb->not_started = 1;
	sb->late_err = err;
	sb->late_step = step;
	_exit(status);
}

static int listener_slot(const struct sandbox *sb)
{
	return sb->seccomp && sb->seccomp->notify ? sb->seccomp->sock[1] : -1;
}

/* RLIMIT_NOFILE must leave room for what the child still opens: the
 * seccomp listener, once every other descriptor is closed. */
SANDBOX_CHILD static void check_open_files(struct sandbox *sb)
{
	const struct policy *p = sb->policy;
	if (!p->limits.set[LIMIT_OPEN_FILES] || listener_slot(sb) < 0)
		return;
	unsigned need = fds_needed(sb->keep_fds, sb->n_keep_fds, listener_slot(sb), 1);
	if (p->limits.value[LIMIT_OPEN_FILES] >= need)
		return;
	const struct origin *at = &p->limits.at[LIMIT_OPEN_FILES];
	char *where = at->file ? xasprintf("%s:%u:", at->file, at->line) : xstrdup("[limits]");
	fail(sb, 125, xasprintf("%s open-files = %llu is too low: landjail needs %u descriptors "
				"to start the program (0-2, --keep-fd, and the seccomp "
				"listener); set open-files to %u or more", where,
				p->limits.value[LIMIT_OPEN_FILES], need, need));
}

SANDBOX_CHILD /* Nothing the child does after its filter can trap (the unit tests
 * prove it for every filter), but if something ever did, the supervisor,
 * suspended in vfork, could neither answer nor time out.  So the
 * [limits] timeout is also a POSIX timer of the child's own: execve
 * deletes it, and until then it ends the child with SIGKILL. */
SANDBOX_CHILD static void arm_watchdog(struct sandbox *sb)
{
	const struct policy *p = sb->policy;
	if (!p->limits.set[LIMIT_TIMEOUT])
		return;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGKILL };
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)p->limits.value[LIMIT_TIMEOUT] } };
	timer_t t;
	if (timer_create(CLOCK_MONOTONIC, &ev, &t) < 0 || timer_settime(t, 0, &its, NULL) < 0)
		fail(sb, 125, xasprintf("[limits] timeout: cannot arm it before exec: %s",
					strerror(errno)));
}

SANDBOX_CHILD noreturn void sandbox_exec(struct sandbox *sb)
{
	char *msg = NULL;
	phase_mark("child");

	/* Die with the supervisor: a sandbox nobody watches must not live on.
	 * If it died before prctl() took effect, we are already orphaned. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail(sb, 125, xasprintf("PR_SET_PDEATHSIG: %s", strerror(errno)));
	if (getppid() != sb->supervisor)
		_exit(125);

	/* The supervisor blocked the signals it forwards; the program must
	 * start with the mask its caller gave landjail. */
	sigprocmask(SIG_SETMASK, &sb->sigmask, NULL);

	/* A session of its own: no controlling terminal, so no TIOCSTI
	 * keystrokes into the caller's shell, and no signals from its tty. */
	if (!sb->keep_session && setsid() < 0)
		fail(sb, 125, xasprintf("setsid: %s", strerror(errno)));

	/* [process]: before Landlock, which may not grant the directory. */
	if (sb->policy->workdir && chdir(sb->policy->workdir) < 0)
		fail(sb, 125, xasprintf("%s:%u: directory %s: %s", sb->policy->workdir_at.file,
					sb->policy->workdir_at.line, sb->policy->workdir,
					strerror(errno)));
	if (sb->policy->umask >= 0)
		umask((mode_t)sb->policy->umask);

	/* 1. Namespaces (kernels without Landlock): a new root holding only
	 * the policy's paths.  First: it opens descriptors and mounts, which
	 * the resource limits and the filter below could forbid; before
	 * no_new_privs, which it does not need. */
	if (sb->ns && ns_enter(sb->ns) < 0)
		fail(sb, 125, xasprintf("%s", sb->ns->err));

	/* No set-uid or file-capability gain across execve: required by
	 * Landlock and seccomp for an unprivileged caller, and wanted anyway. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(sb, 125, xasprintf("PR_SET_NO_NEW_PRIVS: %s", strerror(errno)));

	/* 2. Filesystem rules; after this the program's own files are all it
	 * can open (descriptors already open, such as 0-2, stay usable).  It
	 * needs the ruleset descriptor and may open /proc/self rules. */
	if (sb->landlock_abi > 0 &&
	    landlock_enter(sb->policy, sb->landlock_abi, sb->ruleset_fd, &msg) < 0)
		fail(sb, 125, msg);

	phase_mark("child-landlock");
	/* The relay's pipes on 1 and 2 (relay.h), before the closing below. */
	int rc = sb->relay ? relay_child(sb->relay) : 0;
	if (rc < 0)
		fail(sb, 125, xasprintf("standard output through landjail: %s", strerror(-rc)));

	/* 3. Only 0, 1, 2 and --keep-fd reach the program: an inherited
	 * descriptor is access that Landlock never checks.  Really closed
	 * (the ruleset and landjail's own too), so that the limits below
	 * count only what the program gets; the listener socket stays, as
	 * close-on-exec, for the handover. */
	rc = fds_close_others(sb->keep_fds, sb->n_keep_fds, listener_slot(sb));
	if (rc < 0)
		fail(sb, 125, xasprintf("closing inherited descriptors: %s", strerror(-rc)));

	/* 4. Resource limits, and no capability left that could lift them:
	 * after the namespaces and the closing, before anything the limits
	 * would make fail silently (the listener needs one descriptor). */
	check_open_files(sb);
	const char *what = NULL;
	rc = limits_apply(sb->policy, &what);
	if (rc < 0)
		fail(sb, 125, xasprintf("[limits] %s: %s", what, strerror(-rc)));

	phase_mark("child-limits");
	/* 5. Below Landlock ABI 6 nothing else keeps the program from
	 * signalling landjail itself (and so escaping the timeout). */
	if (guard_enter(&sb->guard) < 0)
		fail(sb, 125, xasprintf("cannot protect the supervisor: %s", strerror(errno)));

	phase_mark("child-guard");
	arm_watchdog(sb);
	/* A test of the watchdog: a call after the filter that the test's
	 * profile refuses (test builds only). */
	bool trap = sb->test_trap;

	phase_mark("child-filter");
	/* 6. Syscall filter, last but exec: a failure to load it can still be
	 * printed.  From here on the child makes only calls every filter
	 * allows: the listener handover (one sendmsg on its own socket),
	 * execveat(AT_FDCWD, ..., 0) and _exit. */
	if (sb->seccomp) {
		bool loaded = false;
		rc = seccomp_enter(sb->seccomp, &loaded);
		if (rc < 0 && !loaded)
			fail(sb, 125, xasprintf("cannot load the seccomp filter: %s", strerror(-rc)));
		if (rc < 0)
			fail_late(sb, LATE_HANDOVER, -rc, 125);
	}

	if (trap)
		syscall(SYS_getppid);

	/* 7. The program, by execveat(AT_FDCWD, path, argv, envp, 0) rather
	 * than execve: every filter lets this one form through, and with user
	 * notification sends the program's own execs to the supervisor, which
	 * names a target the policy cannot run (seccomp_args.c, exec_rules). */
	syscall(SYS_execveat, AT_FDCWD, sb->path, sb->argv, sb->envp, 0);
	fail_late(sb, LATE_EXEC, errno, errno == ENOENT ? 127 : 126);
}

int sandbox_late_report(const struct sandbox *sb, int status)
{
	int err = sb->late_err;
	switch (sb->late_step) {
	case LATE_HANDOVER:
		diag_error("cannot load the seccomp filter or pass its listener to landjail: %s",
			   strerror(err));
		return 125;
	case LATE_EXEC:
		break;
	default:
		return status;
	}
	/* The program was found before the fork: ENOENT now means its #!
	 * interpreter or ELF loader is missing, which is 126, as for a shell. */
	if (err == ENOENT && access(sb->path, F_OK) == 0) {
		diag_error("%s: bad interpreter or loader: %s", sb->path, strerror(err));
		return 126;
	}
	if (err == ENOENT) {
		diag_error("%s: %s", sb->path, strerror(err));
		return 127;
	}
	if (err == EACCES)
		diag_error("%s: %s (denied inside the sandbox: does the policy grant execute "
			   "on it and on its interpreter?)", sb->path, strerror(err));
	else
		diag_error("%s: cannot execute: %s", sb->path, strerror(err));
	return 126;
}
