/* [limits] sandbox-processes: how many processes of the sandbox's own
 * may be alive at once, for root as for anyone else (unlike processes =,
 * RLIMIT_NPROC, which counts every process of the user and which the
 * kernel ignores for root).
 *
 * The filter sends every fork, vfork and clone without CLONE_THREAD to
 * the supervisor (seccomp_verdict.c, counted_verdicts; clone3 is ENOSYS
 * so that libc falls back to clone).  The supervisor, the subreaper of
 * the whole tree, counts the processes below it (proctree.h) plus the
 * creations it let go on that may not have finished yet, and answers
 * EAGAIN when one more would pass the bound: the count never passes it.
 * A creation it let go on counts until its thread is seen in another
 * system call or is gone.  No process of the sandbox may become a
 * subreaper (guard.h), so that every orphan comes to the supervisor,
 * whose own list the count reads again until it is stable. */
#ifndef LANDJAIL_PROCLIMIT_H
#define LANDJAIL_PROCLIMIT_H

#include <linux/seccomp.h>
#include <stdbool.h>

#include "policy.h"
#include "syscall_filter.h"

/* The plan (plan.c): false, with the refusal naming the line in el, when
 * the bound is set but cannot be counted because there is no user
 * notification (a host filter that refuses it, an old kernel);
 * --best-effort runs without it, said loudly when run. */
bool proclimit_plan(const struct policy *p, bool notify, bool run, struct errlist *el);

/* In the supervisor: answer req if it is a new process that the bound
 * governs (true), else leave it to the verdict table (false). */
bool proclimit_handle(const struct seccomp_plan *plan, int listener,
		      const struct seccomp_notif *req);

#endif
