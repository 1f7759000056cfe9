/* The confined process: everything the child does between fork and exec,
 * in one place and in the order that matters. */
#ifndef LANDJAIL_SANDBOX_H
#define LANDJAIL_SANDBOX_H

#include <signal.h>
#include <stdbool.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "ns.h"
#include "guard.h"
#include "policy.h"

struct sandbox {
	const struct policy *policy;
	const char *path;  /* the resolved program */
	char *const *argv;
	char *const *envp;
	int landlock_abi;  /* > 0 when Landlock is used */
	int ruleset_fd;    /* built by the parent, -1 without Landlock */
	sigset_t sigmask;  /* the caller's signal mask, restored before exec */
	pid_t supervisor;  /* the parent's pid, to notice its early death */
	struct ns_plan *ns; /* the namespace backend's plan, or NULL */
	struct seccomp_plan *seccomp; /* compiled by the parent, or NULL */
	struct guard guard;  /* the supervisor's protection below ABI 6 */
	const int *keep_fds; /* --keep-fd, sorted: inherited besides 0-2 */
	size_t n_keep_fds;
	bool keep_session; /* --keep-session: stay in the caller's session */
};

/* Runs in the forked child: confine, then execve.  On failure prints why
 * and _exits with 125 (confinement), 126 (cannot execute) or 127. */
noreturn void sandbox_exec(const struct sandbox *sb);

#endif
