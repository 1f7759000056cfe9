/* The plan: what this kernel and this caller mean for a policy, decided
 * once, before anything is built or forked.
 *
 * Every refusal is an entry of the error list ("landjail: ..." or
 * "file:line: ..." where a line of the policy decides it), so that
 * `landjail --check` refuses exactly what a run would refuse, with the
 * same words.  What only deserves a warning (or a loud one, with
 * --best-effort) is said on standard error when the plan is for a run.
 *
 *   step                 refuses                            decided by
 *   limits               processes = N as root              plan_limits()
 *   disk                 disk = without isolate, or next to plan_disk()
 *                        another writable rule
 *   host filter          a host seccomp filter in the way   host_probe()
 *   user notification    sandbox-processes or disk without   proclimit_plan(),
 *                        it                                 disklimit_plan_notify()
 *   backend              no Landlock and no user namespaces plan_backend()
 *   Landlock ABI         truncate, ioctl (warnings)         plan_landlock()
 *   network              ports without mode = tcp; ports    plan_network()
 *                        below ABI 4; isolation below ABI 6
 *   filter cache         a rule that makes the cache        filter_cache_admit()
 *                        writable
 */
#ifndef LANDJAIL_PLAN_H
#define LANDJAIL_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include "ns.h"
#include "policy.h"

struct plan_request {
	enum backend backend; /* --backend */
	const char *program;  /* as messages name it */
	bool run;             /* for a run: warnings are said now */
};

struct plan {
	enum backend backend; /* BACKEND_AUTO: none (--best-effort) */
	int abi;              /* the Landlock ABI in use; 0 without Landlock */
};

/* Fill plan; false, with the refusal in el, when landjail must refuse. */
bool plan_make(const struct policy *p, const struct plan_request *rq, struct plan *plan,
	       struct errlist *el);

/* --check's last line: what this kernel enforces of the policy. */
void plan_print_kernel_note(FILE *out);

#endif
