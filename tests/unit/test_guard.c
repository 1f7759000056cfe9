/* The guard (guard.h) as compiled, against its rule table evaluated
 * directly (guard_refuses): for every combination of the run's options,
 * for the pids of a run with and without a reaper, every call number up
 * to 1100 and each rule's call with every value that matters in each of
 * its first three arguments (the pids, the table's values and their
 * neighbours, with and without high bits), the program must refuse
 * exactly what the table refuses (and for x32's numbers and the far end
 * of the range); a call of another architecture is not the guard's to
 * judge; and cases written out by hand check the table and the pid list
 * themselves, which the reference shares with the program. */
#include <linux/audit.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf_interp.h"
#include "compat.h" /* MFD_NOEXEC_SEAL */
#include "guard.h"
#include "tap.h"

#define DENY (SECCOMP_RET_ERRNO | 1u) /* EPERM */

struct run {
	pid_t supervisor, reaper, caller, pgrp;
};

static uint32_t verdict(const struct guard *g, uint32_t arch, int nr, const uint64_t args[6])
{
	struct seccomp_data d = { .nr = nr, .arch = arch };
	for (int i = 0; i < 6; i++)
		d.args[i] = args[i];
	return bpf_run(g->insns, g->len, &d);
}

static bool is_rule_nr(int nr)
{
	for (size_t i = 0; i < guard_rule_count(); i++)
		if (guard_rule_nr(i) == nr)
			return true;
	return false;
}

/* The values worth trying as an argument of a call with rules. */
static size_t candidates(const struct run *r, uint64_t *v)
{
	static const uint64_t fixed[] = { 0, 1, 2, 3, 4, 8, 9, 10, 15, 16, 35, 36, 37, 0x8901, 0x8902,
					  0x5410, 0x540f, 1024, 1025, 1026, 0x7fffffff,
					  0xffffffff, 0xfffffffe };
	size_t n = 0;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		v[n++] = fixed[i];
	const pid_t pids[] = { r->supervisor, r->reaper, r->caller, r->pgrp, getpgid(r->reaper) };
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		v[n++] = (uint32_t)pids[i];
		v[n++] = (uint32_t)-pids[i];
		v[n++] = (uint32_t)pids[i] + 1;
	}
	return n;
}

/* Every number below 1100, then x32's and the far end. */
static int call_number(int i)
{
	static const int far[] = { 0x40000000 | 62, 0x40000000 | 157, 0x7fffffff, -1, -2 };
	return i < 1100 ? i : far[i - 1100];
}

static size_t disagreements(const struct guard *g, const struct run *r, unsigned flags)
{
	uint32_t native = seccomp_arch_native();
	uint64_t vals[64];
	size_t nv = candidates(r, vals), bad = 0;
	for (int c = 0; c < 1105; c++) {
		int nr = call_number(c);
		uint64_t args[6] = { 0 };
		size_t tries = is_rule_nr(nr) ? nv : 1;
		for (unsigned a = 0; a < 3; a++) {
			for (size_t i = 0; i < tries; i++) {
				for (int high = 0; high < 2; high++) {
					args[a] = vals[i] | (high ? 0xdead00000000ull : 0);
					bool want = guard_refuses(r->supervisor, r->reaper, r->caller,
								  r->pgrp, flags, nr, args);
					uint32_t got = verdict(g, native, nr, args);
					if (got != (want ? DENY : SECCOMP_RET_ALLOW)) {
						if (bad++ < 3)
							printf("# nr %d arg%u=%#llx: got %#x, the table says %s\n",
							       nr, a, (unsigned long long)args[a], got,
							       want ? "refuse" : "allow");
					}
				}
				args[a] = 0;
			}
		}
	}
	return bad;
}

static bool foreign_allowed(const struct guard *g)
{
	uint64_t args[6] = { 0 };
	for (size_t i = 0; i < guard_rule_count(); i++)
		if (verdict(g, AUDIT_ARCH_I386, guard_rule_nr(i), args) != SECCOMP_RET_ALLOW)
			return false;
	return true;
}

/* Cases written out by hand, so that a wrong table entry or pid list,
 * which the reference above shares with the program, shows too. */
static uint32_t call(const struct guard *g, int nr, uint64_t a0, uint64_t a1)
{
	uint64_t args[6] = { a0, a1 };
	return verdict(g, seccomp_arch_native(), nr, args);
}

static void by_hand(void)
{
	const pid_t sup = 4321, reaper = 4320, caller = 4000, pgrp = 4321;
	struct guard all, sched;
	bool ok = guard_build(&all, sup, reaper, caller, pgrp, GUARD_SIGNALS | GUARD_SAME_GROUP |
			      GUARD_NO_LISTEN | GUARD_NO_SUBREAPER) == 0 &&
		  guard_build(&sched, sup, reaper, caller, pgrp, 0) == 0;
	TAP_OK(ok, "both guards build");
	if (!ok)
		return;
	TAP_OK(call(&all, SYS_kill, (uint32_t)sup, 9) == DENY &&
	       call(&all, SYS_kill, (uint32_t)reaper, 9) == DENY &&
	       call(&all, SYS_kill, (uint32_t)caller, 9) == DENY &&
	       call(&all, SYS_kill, (uint32_t)-1, 9) == DENY &&
	       call(&all, SYS_kill, (uint32_t)-pgrp, 9) == DENY &&
	       call(&all, SYS_kill, 0, 9) == DENY &&
	       call(&all, SYS_kill, 4322, 9) == SECCOMP_RET_ALLOW,
	       "with the signal rules: kill of the supervisor, the reaper, the caller, everyone, "
	       "the group, and (shared group) 0 is refused; of another pid allowed");
	TAP_OK(call(&all, SYS_tkill, 0, 9) == SECCOMP_RET_ALLOW &&
	       call(&all, SYS_tgkill, (uint32_t)sup, sup) == DENY,
	       "tkill(0) is the caller itself (allowed); tgkill of the supervisor is refused");
	TAP_OK(call(&sched, SYS_kill, (uint32_t)sup, 9) == SECCOMP_RET_ALLOW &&
	       call(&sched, SYS_pidfd_send_signal, 3, 9) == SECCOMP_RET_ALLOW,
	       "without the signal rules (Landlock scopes signals) kill and pidfd_send_signal pass");
	TAP_OK(call(&sched, SYS_setpriority, 0, (uint32_t)sup) == DENY &&
	       call(&sched, SYS_setpriority, 1, 77) == DENY &&
	       call(&sched, SYS_setpriority, 0, 0) == SECCOMP_RET_ALLOW &&
	       call(&sched, SYS_sched_setaffinity, (uint32_t)reaper, 0) == DENY &&
	       call(&sched, SYS_sched_setaffinity, 0, 0) == SECCOMP_RET_ALLOW,
	       "on every ABI: setpriority of the supervisor or a whole group, and affinity of the "
	       "reaper, are refused; of the program itself allowed");
	TAP_OK(call(&sched, SYS_memfd_create, 0, 0) == DENY &&
	       call(&sched, SYS_memfd_create, 0, MFD_NOEXEC_SEAL) == SECCOMP_RET_ALLOW,
	       "memfd_create must ask for MFD_NOEXEC_SEAL");
	TAP_OK(call(&all, SYS_prctl, PR_SET_CHILD_SUBREAPER, 1) == DENY &&
	       call(&sched, SYS_prctl, PR_SET_CHILD_SUBREAPER, 1) == SECCOMP_RET_ALLOW &&
	       call(&all, SYS_prctl, PR_SET_NAME, 0) == SECCOMP_RET_ALLOW &&
	       call(&all, SYS_listen, 3, 1) == DENY && call(&sched, SYS_listen, 3, 1) ==
	       SECCOMP_RET_ALLOW,
	       "a subreaper and listen() are refused only when the run asks for it");
}

int main(void)
{
	by_hand();
	/* With a reaper whose group is not landjail's (a seventh pid value),
	 * without a reaper, and with the caller as its own parent. */
	const struct run runs[] = {
		{ 4321, getpid(), getppid(), 4321 },
		{ 1234, 0, 1000, 1234 },
		{ 1234, 1233, 1, 99 },
	};
	for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		for (unsigned flags = 0; flags < 16; flags++) {
			struct guard g;
			int rc = guard_build(&g, runs[r].supervisor, runs[r].reaper, runs[r].caller,
					     runs[r].pgrp, flags);
			size_t bad = rc == 0 ? disagreements(&g, &runs[r], flags) : 1;
			TAP_OK(rc == 0 && g.len > 0 && !bad && foreign_allowed(&g),
			       "run %zu, flags %#x: %u instructions, the table's verdict on every call "
			       "tried (%zu disagree)", r, flags, g.len, bad);
		}
	}
	return tap_done();
}
