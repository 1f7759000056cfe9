#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fds.h"
#include "landlock.h"
#include "syscall_filter.h"
#include "limit.h"

static noreturn void fail(int status, char *msg)
{
	diag_error("%s", msg);
	_exit(status);
}

noreturn void sandbox_exec(const struct sandbox *sb)
{
	char *msg = NULL;

	/* Die with the supervisor: a sandbox nobody watches must not live on.
	 * If it died before prctl() took effect, we are already orphaned. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail(125, xasprintf("PR_SET_PDEATHSIG: %s", strerror(errno)));
	if (getppid() != sb->supervisor)
		_exit(125);

	/* The supervisor blocked the signals it forwards; the program must
	 * start with the mask its caller gave landjail. */
	sigprocmask(SIG_SETMASK, &sb->sigmask, NULL);

	/* A session of its own: no controlling terminal, so no TIOCSTI
	 * keystrokes into the caller's shell, and no signals from its tty. */
	if (!sb->keep_session && setsid() < 0)
		fail(125, xasprintf("setsid: %s", strerror(errno)));

	/* Resource limits, and no capability left that could lift them. */
	const char *what = NULL;
	int rc = limits_apply(sb->policy, &what);
	if (rc < 0)
		fail(125, xasprintf("[limits] %s: %s", what, strerror(-rc)));

	/* Only 0, 1, 2 and --keep-fd reach the program: an inherited
	 * descriptor is access that Landlock never checks. */
	rc = fds_close_others(sb->keep_fds, sb->n_keep_fds);
	if (rc < 0)
		fail(125, xasprintf("closing inherited descriptors: %s", strerror(-rc)));

	/* [process]: before Landlock, which may not grant the directory. */
	if (sb->policy->workdir && chdir(sb->policy->workdir) < 0)
		fail(125, xasprintf("%s:%u: directory %s: %s", sb->policy->workdir_at.file,
				    sb->policy->workdir_at.line, sb->policy->workdir,
				    strerror(errno)));
	if (sb->policy->umask >= 0)
		umask((mode_t)sb->policy->umask);

	/* Namespace backend (kernels without Landlock): a new root holding
	 * only the policy's paths.  Before no_new_privs, which it does not
	 * need, and before seccomp, which could forbid its mount calls. */
	if (sb->ns && ns_enter(sb->ns) < 0)
		fail(125, xasprintf("%s", sb->ns->err));

	/* No set-uid or file-capability gain across execve: required by
	 * Landlock and seccomp for an unprivileged caller, and wanted anyway. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(125, xasprintf("PR_SET_NO_NEW_PRIVS: %s", strerror(errno)));

	/* Filesystem rules; after this the program's own files are all it
	 * can open (descriptors already open, such as 0-2, stay usable). */
	if (sb->landlock_abi > 0 &&
	    landlock_enter(sb->policy, sb->landlock_abi, sb->ruleset_fd, &msg) < 0)
		fail(125, msg);

	/* Below Landlock ABI 6 nothing else keeps the program from signalling
	 * landjail itself (and so escaping the timeout). */
	if (guard_enter(&sb->guard) < 0)
		fail(125, xasprintf("cannot protect the supervisor: %s", strerror(errno)));

	/* Syscall filter, last: from here on only what the filter allows
	 * (the listener handover and execve) happens before the program. */
	if (sb->seccomp && seccomp_enter(sb->seccomp, &msg) < 0)
		fail(125, msg);

	/* execveat with AT_FDCWD and no flags, not execve: the filter lets
	 * this one form through, and sends the program's own execve calls to
	 * the supervisor for a report (syscall_filter.c, exec_rules). */
	syscall(SYS_execveat, AT_FDCWD, sb->path, sb->argv, sb->envp, 0);

	int err = errno;
	/* The program was found before the fork: ENOENT now means its #!
	 * interpreter or ELF loader is missing, which is 126, as for a shell. */
	if (err == ENOENT && access(sb->path, F_OK) == 0)
		fail(126, xasprintf("%s: bad interpreter or loader: %s", sb->path, strerror(err)));
	if (err == ENOENT)
		fail(127, xasprintf("%s: %s", sb->path, strerror(err)));
	if (err == EACCES)
		fail(126, xasprintf("%s: %s (denied inside the sandbox: does the policy "
				    "grant execute on it and on its interpreter?)",
				    sb->path, strerror(err)));
	fail(126, xasprintf("%s: cannot execute: %s", sb->path, strerror(err)));
}
