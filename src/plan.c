/* The plan (plan.h): per-kernel decisions and every refusal, in order.
 * Each step returns false after adding its refusal to the error list;
 * the first refusal ends the plan, as it ends a run. */
#include "plan.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi.h"
#include "disklimit.h"
#include "filter_cache.h"
#include "hostenv.h"
#include "landlock.h"
#include "proclimit.h"
#include "syscall_filter.h"

/* Refusals that no one line of the policy decides read as landjail's. */
#define SELF "landjail"

static const char *where(struct origin at)
{
	return at.file ? at.file : "the command line";
}

/* ---- [limits] ---------------------------------------------------------------- */

static bool plan_limits(const struct policy *p, const struct plan_request *rq,
			struct errlist *el)
{
	if (!p->limits.set[LIMIT_PROCESSES])
		return true;
	/* fork() ignores RLIMIT_NPROC for uid 0 whatever its capabilities:
	 * there is no limit to set. */
	if (getuid() != 0)
		return true;
	char at[32];
	limit_format(at, sizeof(at), LIMIT_PROCESSES, p->limits.value[LIMIT_PROCESSES]);
	if (!p->best_effort) {
		errlist_add(el, SELF, 0, "processes = %s cannot be enforced for root: the kernel "
			    "does not apply RLIMIT_NPROC to uid 0; run landjail as an unprivileged "
			    "user (--best-effort runs it without the limit)", at);
		return false;
	}
	if (rq->run)
		diag_loud("processes = %s is NOT enforced: the kernel does not apply RLIMIT_NPROC "
			  "to uid 0 (--best-effort)", at);
	return true;
}

/* [limits] disk: what it cannot measure is refused (disklimit.h). */
static bool plan_disk(const struct policy *p, const struct plan_request *rq,
		      struct errlist *el)
{
	return disklimit_plan(p, rq->run, el);
}

/* ---- the host's own seccomp filter ------------------------------------------ */

/* Refuse where the host's own seccomp filter answers a call landjail
 * needs with an error (a kill, it cannot survive). */
static bool plan_host(const struct policy *p, struct errlist *el)
{
	char *msg = NULL;
	int abi = landlock_abi();
	if (host_probe(abi < 0 && !p->best_effort ? abi : 0, &msg) < 0) {
		errlist_add(el, SELF, 0, "%s", msg);
		free(msg);
		return false;
	}
	return true;
}

/* The bounds the supervisor keeps by answering the program's calls:
 * without user notification they cannot hold (after plan_host, which
 * names a host filter that refuses seccomp altogether). */
static bool plan_notify(const struct policy *p, const struct plan_request *rq,
			struct errlist *el)
{
	bool notify = seccomp_notify_available();
	return proclimit_plan(p, notify, rq->run, el) &&
	       disklimit_plan_notify(p, notify, rq->run, el);
}

/* ---- the backend --------------------------------------------------------------- */

/* Which backend confines this run: Landlock when asked for or, with auto,
 * when the kernel has it; otherwise the namespace backend when this caller
 * may create a user namespace.  With neither, refuse, naming both causes
 * and what an administrator can do -- or, with --best-effort, run without
 * filesystem confinement after a loud warning (BACKEND_AUTO). */
static bool plan_backend(const struct policy *p, const struct plan_request *rq,
			 struct plan *plan, struct errlist *el)
{
	int abi = landlock_abi();
	plan->backend = BACKEND_LANDLOCK;
	if (rq->backend == BACKEND_LANDLOCK || (rq->backend == BACKEND_AUTO && abi >= 0))
		return true;
	const char *why;
	plan->backend = BACKEND_NAMESPACES;
	if (ns_probe(&why) == 0)
		return true;
	plan->backend = BACKEND_AUTO;
	char *cause = rq->backend == BACKEND_NAMESPACES
			      ? xasprintf("user namespaces: %s", why)
			      : xasprintf("no Landlock: %s; and no user namespaces for the "
					  "fallback: %s", landlock_unavailable_hint(abi), why);
	bool ok = p->best_effort;
	if (!ok)
		errlist_add(el, SELF, 0, "cannot confine %s: %s; refusing to run it unconfined "
			    "(--best-effort runs it anyway)", rq->program, cause);
	else if (rq->run)
		diag_loud("%s: running %s WITHOUT filesystem confinement because of --best-effort",
			  cause, rq->program);
	free(cause);
	return ok;
}

/* ---- the Landlock ABI ------------------------------------------------------------ */

static bool policy_grants_devices(const struct policy *p)
{
	for (size_t i = 0; i < p->n_fs; i++)
		if (!p->fs[i].missing && strncmp(p->fs[i].path, "/dev", 4) == 0 &&
		    (p->fs[i].path[4] == '/' || p->fs[i].path[4] == '\0'))
			return true;
	return false;
}

/* Decide whether to go on without (part of) Landlock: plan->abi is the
 * ABI to use (0: none). */
static bool plan_landlock(const struct policy *p, const struct plan_request *rq,
			  struct plan *plan, struct errlist *el)
{
	int abi = landlock_abi();
	plan->abi = 0;
	if (abi < 0) {
		if (!p->best_effort) {
			errlist_add(el, SELF, 0, "cannot confine %s: %s; refusing to run it "
				    "unconfined (--best-effort runs it anyway)", rq->program,
				    landlock_unavailable_hint(abi));
			return false;
		}
		if (rq->run)
			diag_loud("Landlock is unavailable (%s): running %s WITHOUT filesystem "
				  "confinement because of --best-effort",
				  landlock_unavailable_hint(abi), rq->program);
		return true;
	}
	plan->abi = abi;
	if (rq->run && abi < ABI_TRUNCATE)
		diag_info("Landlock ABI %d cannot stop truncate(): seccomp refuses every "
			  "truncate() call of %s (ftruncate() on a writable descriptor works)",
			  abi, rq->program);
	if (rq->run && abi < ABI_IOCTL_DEV && policy_grants_devices(p))
		diag_warn("Landlock ABI %d cannot restrict ioctl on device files: %s may "
			  "issue any ioctl on the devices it opens (ABI 5, Linux 6.10, can)",
			  abi, rq->program);
	return true;
}

/* ---- [network] ------------------------------------------------------------------ */

static bool has_ports(const struct policy *p)
{
	return p->net.n_connect + p->net.n_bind > 0;
}

/* Ports mean nothing unless the mode is tcp: the line that gives them is
 * the one to change. */
static bool plan_network_mode(const struct policy *p, struct errlist *el)
{
	if (policy_net_mode(p) == NET_TCP || !has_ports(p))
		return true;
	const struct port_range *r = p->net.n_connect ? p->net.connect : p->net.bind;
	errlist_add(el, where(r->at), r->at.line, "TCP ports are given but the network mode "
		    "is %s: add \"mode = tcp\" to [network] (or --net tcp)",
		    policy_net_mode_name(policy_net_mode(p)));
	return false;
}

/* What this ABI cannot enforce of [network]: refuse, or say so. */
static bool plan_network(const struct policy *p, const struct plan_request *rq, int abi,
			 struct errlist *el)
{
	if (policy_net_mode(p) == NET_TCP && has_ports(p) && abi < ABI_NET_TCP) {
		if (!p->best_effort) {
			errlist_add(el, SELF, 0, "the policy allows only some TCP ports, but this "
				    "kernel's Landlock (ABI %d) has no network rules (ABI 4, Linux "
				    "6.7) and seccomp cannot filter by port; refusing to run %s "
				    "(--best-effort allows every TCP port)", abi, rq->program);
			return false;
		}
		if (rq->run)
			diag_loud("Landlock ABI %d has no network rules: %s may connect to and bind "
				  "ANY TCP port (--best-effort)", abi, rq->program);
	}
	if (abi >= ABI_SCOPE)
		return true;
	const char *what = policy_net_unix_allowed(p)
		? "signals and abstract unix sockets reach processes outside the sandbox"
		: "signals reach processes outside the sandbox";
	if (p->net.isolation == 1) {
		errlist_add(el, where(p->net.isolation_at), p->net.isolation_at.line,
			    "isolation = required, but with Landlock ABI %d %s (scoping needs "
			    "ABI 6, Linux 6.12); refusing to run %s", abi, what, rq->program);
		return false;
	}
	if (rq->run)
		diag_info("not isolated (Landlock ABI %d < 6): %s", abi, what);
	return true;
}

/* ---- the filter cache ------------------------------------------------------------ */

/* The filter cache is trusted only because no sandbox can write it:
 * refuse a policy that would let the program do so (filter_cache.h). */
static bool plan_filter_cache(const struct policy *p, const struct plan *plan,
			      struct errlist *el)
{
	char *msg = NULL;
	if (filter_cache_admit(p, plan->backend != BACKEND_AUTO, &msg) < 0) {
		errlist_add(el, SELF, 0, "%s", msg);
		free(msg);
		return false;
	}
	return true;
}

bool plan_make(const struct policy *p, const struct plan_request *rq, struct plan *plan,
	       struct errlist *el)
{
	*plan = (struct plan){ .backend = BACKEND_AUTO, .abi = 0 };
	if (!plan_network_mode(p, el) || !plan_limits(p, rq, el) || !plan_disk(p, rq, el) ||
	    !plan_host(p, el) || !plan_notify(p, rq, el) ||
	    !plan_backend(p, rq, plan, el))
		return false;
	if (plan->backend == BACKEND_LANDLOCK && !plan_landlock(p, rq, plan, el))
		return false;
	return plan_network(p, rq, plan->abi, el) && plan_filter_cache(p, plan, el);
}

void plan_print_kernel_note(FILE *out)
{
	int abi = landlock_abi();
	const char *why;
	if (abi < 0 && ns_probe(&why) == 0)
		fprintf(out, "; on this kernel: no Landlock: the namespace backend enforces "
			"the above (see landjail(1) for how it differs)\n");
	else if (abi < 0)
		fprintf(out, "; on this kernel: no Landlock (%s) and no user namespaces (%s): "
			"landjail refuses to run this policy without --best-effort\n",
			landlock_unavailable_hint(abi), why);
	else if (abi < ABI_TRUNCATE)
		fprintf(out, "; on this kernel: Landlock ABI %d cannot stop truncate(): "
			"seccomp refuses every truncate() (EACCES; ftruncate() still works)\n", abi);
	else
		fprintf(out, "; on this kernel: Landlock ABI %d enforces all of the above\n", abi);
}
