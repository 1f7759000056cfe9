#include "supervise_start.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "abi.h"
#include "diag.h"
#include "guard.h"
#include "reaper.h"

/* The program must not be able to end, stop or starve landjail, which
 * would leave it running past the timeout and unreported:
 * - the guard filter (guard.h) refuses the calls that reach our pid;
 * - non-dumpable once the child has started (see supervise_undumpable);
 * - SIGPIPE blocked: a report to a stderr the program shut down must
 *   fail with EPIPE, not kill us.  Blocked rather than ignored, since
 *   the program starts with the caller's mask (saved in sb->sigmask)
 *   while an ignored disposition would be inherited across execve. */
bool supervise_protect(struct sandbox *sb, pid_t reaper)
{
	const struct net_policy *net = &sb->policy->net;
	unsigned flags = (sb->landlock_abi < ABI_SCOPE ? GUARD_SIGNALS : 0) |
			 (sb->keep_session ? GUARD_SAME_GROUP : 0) |
			 (net->mode == NET_TCP && !net->n_bind ? GUARD_NO_LISTEN : 0) |
			 (sb->policy->limits.set[LIMIT_SANDBOX_PROCESSES] ? GUARD_NO_SUBREAPER : 0);
	pid_t caller = reaper ? reaper_caller() : getppid();
	int err = guard_build(&sb->guard, sb->supervisor, reaper, caller, getpgrp(), flags);
	if (err < 0) {
		diag_error("cannot build the supervisor guard: %s", strerror(-err));
		return false;
	}
	sigset_t pipe;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigaddset(&pipe, SIGTTOU); /* a report to the terminal from a background group */
	sigprocmask(SIG_BLOCK, &pipe, NULL);
	return true;
}

/* Out of reach of ptrace, process_vm_writev and pidfd_getfd from a
 * same-uid process: the namespace backend has no Landlock to scope them.
 * Only after the child has started: until its execve it shares our
 * memory, and it must still write its own /proc/self/uid_map, which a
 * non-dumpable process cannot.  The main filter refuses ptrace and
 * process_vm_* and the guard pidfd_getfd from the program's first
 * instruction; this is the second wall. */
bool supervise_undumpable(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
		return true;
	diag_error("PR_SET_DUMPABLE: %s", strerror(errno));
	return false;
}

/* The child runs on its own stack while sharing our memory until it execs
 * (as posix_spawn does): no page tables to copy, which is most of the cost
 * of a fork.  We are suspended meanwhile (CLONE_VFORK), so the child may
 * use this stack and libc freely, and it can leave a failure after its
 * filter in *sb for us to report.  The same path in every build, the
 * sanitizer builds included: it is the one that must not hang.
 *
 * Nothing in the child can wait for us while we are suspended: the only
 * call it makes between its seccomp filter and execve is the listener
 * handover, which every filter allows (seccomp_args.c), so no
 * notification is raised before the program runs. */
static char child_stack[64 * 1024] __attribute__((aligned(16)));

SANDBOX_CHILD static int child_main(void *arg)
{
	sandbox_exec(arg);
}

pid_t supervise_start_child(struct sandbox *sb)
{
	return clone(child_main, child_stack + sizeof(child_stack),
		     CLONE_VM | CLONE_VFORK | SIGCHLD, sb);
}

