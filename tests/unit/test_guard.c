/* The guard (guard.h) as compiled, against its rule table evaluated
 * directly (guard_refuses): for every combination of the run's options,
 * for the pids of a run with and without a reaper, every call number up
 * to 1100 and each rule's call with every value that matters in each of
 * its first three arguments (the pids, the table's values and their
 * neighbours, with and without high bits), the program must refuse
 * exactly what the table refuses; and a call of another architecture is
 * not the guard's to judge. */
#include <linux/audit.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "bpf_interp.h"
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
	static const uint64_t fixed[] = { 0, 1, 2, 3, 4, 8, 9, 10, 15, 16, 0x8901, 0x8902,
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

static size_t disagreements(const struct guard *g, const struct run *r, unsigned flags)
{
	uint32_t native = seccomp_arch_native();
	uint64_t vals[64];
	size_t nv = candidates(r, vals), bad = 0;
	for (int nr = 0; nr < 1100; nr++) {
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

int main(void)
{
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
