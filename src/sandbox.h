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
#include "relay.h"

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
	bool test_trap;    /* LANDJAIL_TEST_TRAP_BEFORE_EXEC: getppid after the filter */
	const struct relay *relay; /* stdout, stderr through the supervisor (relay.h) */
	/* Written by the child in the memory it shares with the parent
	 * (CLONE_VM), read by the parent once the child has exec'd or died:
	 * after its seccomp filter the child cannot print, so the parent
	 * says what went wrong. */
	volatile int not_started; /* the child ended before execve succeeded */
	volatile int late_step;   /* enum sandbox_late: what failed after the filter */
	volatile int late_err;    /* its errno */
};

enum sandbox_late { LATE_NONE, LATE_HANDOVER, LATE_EXEC };

/* The child runs on a stack of its own that AddressSanitizer does not
 * know (supervise.c).  Its entry and exit functions are not instrumented:
 * an instrumented noreturn call there asks ASan to unwind a stack it
 * cannot find (a false warning), and after the seccomp filter that
 * request would even make system calls the filter may forbid. */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_CHILD __attribute__((no_sanitize_address))
#else
#define SANDBOX_CHILD
#endif

/* Runs in the forked child: confine, then execve.  On failure prints why
 * and _exits with 125 (confinement), 126 (cannot execute) or 127. */
SANDBOX_CHILD noreturn void sandbox_exec(struct sandbox *sb);

/* In the parent after the child has ended: if it failed after loading
 * its filter, say why and return the status that failure means (126,
 * 127 or 125); otherwise return status. */
int sandbox_late_report(const struct sandbox *sb, int status);

#endif
