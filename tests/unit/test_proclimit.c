/* sandbox-processes in the compiled filter (proclimit.h), run by the
 * classic-BPF interpreter: every way of making a process goes to the
 * supervisor, threads do not; clone3 stays ENOSYS; namespace flags stay
 * refused; and nothing changes without the bound, without user
 * notification (the run is refused instead) or under fork = no. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "bpf_interp.h"
#include "limit.h"
#include "proclimit.h"
#include "syscall_filter.h"
#include "tap.h"

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
		      CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static uint32_t action(const struct seccomp_plan *plan, const char *name, uint64_t a0)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.arch = seccomp_arch_native();
	d.nr = sysname_nr(name);
	d.args[0] = a0;
	return bpf_run(plan->insns, plan->len, &d) & SECCOMP_RET_ACTION_FULL;
}

static bool answer_continues(const struct seccomp_plan *plan, const char *name, uint64_t a0)
{
	struct seccomp_data d = { .nr = sysname_nr(name), .args = { a0 } };
	int err;
	return seccomp_answer(plan, &d, &err) == ANSWER_CONTINUE;
}

static void policy_with(struct policy *p, int fork, unsigned long long bound)
{
	policy_init(p);
	p->sys.fork = fork;
	if (bound)
		limit_set(p, LIMIT_SANDBOX_PROCESSES, bound, (struct origin){ "t.ini", 3 });
}

int main(void)
{
	struct policy p;
	struct seccomp_plan plan;
	policy_with(&p, 1, 8);
	TAP_OK(seccomp_compile(&p, 7, true, &plan) == 0, "compiles with sandbox-processes = 8");
	static const char *const makers[] = { "fork", "vfork" };
	for (size_t i = 0; i < 2; i++) {
		TAP_OK(action(&plan, makers[i], 0) == SECCOMP_RET_USER_NOTIF,
		       "%s goes to the supervisor", makers[i]);
		TAP_OK(answer_continues(&plan, makers[i], 0), "...whose table lets it go on");
	}
	TAP_OK(action(&plan, "clone", SIGCHLD) == SECCOMP_RET_USER_NOTIF,
	       "clone of a process goes to the supervisor");
	TAP_OK(action(&plan, "clone", CLONE_VM | CLONE_VFORK | SIGCHLD) == SECCOMP_RET_USER_NOTIF,
	       "...and posix_spawn's clone(CLONE_VM | CLONE_VFORK)");
	TAP_OK(action(&plan, "clone", THREAD_FLAGS) == SECCOMP_RET_ALLOW,
	       "clone of a thread passes in the filter");
	TAP_OK(action(&plan, "clone3", 0) == SECCOMP_RET_ERRNO, "clone3 stays ENOSYS");
	TAP_OK(!answer_continues(&plan, "clone", CLONE_NEWUSER | SIGCHLD),
	       "clone with a namespace flag stays refused");
	struct errlist el = { 0 };
	TAP_OK(proclimit_plan(&p, plan.notify, false, &el) && !el.n,
	       "with user notification the bound can be counted");
	seccomp_plan_free(&plan);

	TAP_OK(seccomp_compile(&p, 7, false, &plan) == 0, "compiles without user notification");
	TAP_OK(action(&plan, "fork", 0) == SECCOMP_RET_ALLOW &&
	       action(&plan, "clone", SIGCHLD) == SECCOMP_RET_ALLOW,
	       "...where nothing is counted (fork and clone are allowed)");
	TAP_OK(!proclimit_plan(&p, plan.notify, false, &el) && el.n == 1,
	       "...so the plan refuses the run");
	errlist_free(&el);
	p.best_effort = true;
	TAP_OK(proclimit_plan(&p, plan.notify, false, &el) && !el.n, "...unless --best-effort");
	seccomp_plan_free(&plan);
	policy_free(&p);

	policy_with(&p, 1, 0);
	TAP_OK(seccomp_compile(&p, 7, true, &plan) == 0, "control: compiles without the bound");
	TAP_OK(action(&plan, "fork", 0) == SECCOMP_RET_ALLOW &&
	       action(&plan, "clone", SIGCHLD) == SECCOMP_RET_ALLOW,
	       "control: without the bound fork and clone are plain allows");
	seccomp_plan_free(&plan);
	policy_free(&p);

	policy_with(&p, 0, 8);
	TAP_OK(seccomp_compile(&p, 7, true, &plan) == 0, "compiles with fork = no and the bound");
	TAP_OK(!answer_continues(&plan, "fork", 0) && !answer_continues(&plan, "clone", SIGCHLD),
	       "fork = no still refuses every new process");
	TAP_OK(plan.why[sysname_nr("fork")] != WHY_COUNTED, "...and counts nothing");
	TAP_OK(proclimit_plan(&p, false, false, &el) && !el.n,
	       "...and needs no count, even without user notification");
	seccomp_plan_free(&plan);
	policy_free(&p);
	return tap_done();
}
