#include "guard.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat.h"
#include "util.h"

#ifndef F_SETSIG
#define F_SETSIG 10
#endif
#ifndef F_SETOWN_EX
#define F_SETOWN_EX 15
#endif
#ifndef F_SETLEASE
#define F_SETLEASE 1024
#endif
#ifndef F_NOTIFY
#define F_NOTIFY 1026
#endif
/* ioprio_set(2) "which": a process group, every process of a user. */
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3

/* What makes a call one to refuse. */
enum guard_kind {
	GUARD_PID,    /* args[arg] names the supervisor, its group, or everyone */
	GUARD_VALUE,  /* args[arg] is one of values[] */
	GUARD_ALWAYS, /* the call itself: no argument tells its target */
	GUARD_UNSET,  /* args[arg] lacks every bit of values[0] */
};

struct guard_rule {
	int nr;
	enum guard_kind kind;
	unsigned arg;
	uint32_t values[6]; /* GUARD_VALUE; 0 ends the list (no value here is 0) */
	unsigned when;      /* 0: always; else the GUARD_* flag that asks for it */
};

/* Every call that can direct a signal at a process, or slow it down,
 * without Landlock's say.  Signals (GUARD_SIGNALS) need the guard only
 * below ABI 6; scheduling and limits, which no Landlock ABI governs, on
 * every ABI.  ptrace and process_vm_* are refused by the main filter, and
 * prlimit64 on another process too (with a report, which an EPERM here
 * would pre-empt: seccomp's strictest action wins); the supervisor is
 * non-dumpable as well. */
static const struct guard_rule rules[] = {
	{ __NR_kill, GUARD_PID, 0, { 0 }, GUARD_SIGNALS },
	{ __NR_tkill, GUARD_PID, 0, { 0 }, GUARD_SIGNALS },
	{ __NR_tgkill, GUARD_PID, 0, { 0 }, GUARD_SIGNALS },
	{ __NR_rt_sigqueueinfo, GUARD_PID, 0, { 0 }, GUARD_SIGNALS },
	{ __NR_rt_tgsigqueueinfo, GUARD_PID, 0, { 0 }, GUARD_SIGNALS },
	{ __NR_pidfd_open, GUARD_PID, 0, { 0 }, GUARD_SIGNALS },
	/* A pidfd can also come from open("/proc/PID"): no pid to check. */
	{ __NR_pidfd_send_signal, GUARD_ALWAYS, 0, { 0 }, GUARD_SIGNALS },
	/* Descriptors out of another process: Landlock scopes it as ptrace
	 * on every ABI, the namespace backend does not. */
	{ __NR_pidfd_getfd, GUARD_ALWAYS, 0, { 0 }, GUARD_SIGNALS },
	/* The owner of a file gets its SIGIO (or F_SETSIG's signal, even
	 * SIGKILL), lease breaks and directory notifications. */
	{ __NR_fcntl, GUARD_VALUE, 1,
	  { F_SETOWN, F_SETOWN_EX, F_SETSIG, F_SETLEASE, F_NOTIFY }, GUARD_SIGNALS },
	/* The same owner through ioctl; TIOCSPGRP moves a shared terminal's
	 * foreground away from landjail, which SIGTTOU would then stop. */
	{ __NR_ioctl, GUARD_VALUE, 1, { FIOSETOWN, SIOCSPGRP, TIOCSPGRP }, GUARD_SIGNALS },
	{ __NR_setpriority, GUARD_VALUE, 0, { PRIO_PGRP, PRIO_USER }, 0 },
	{ __NR_setpriority, GUARD_PID, 1, { 0 }, 0 },
	{ __NR_ioprio_set, GUARD_VALUE, 0, { IOPRIO_WHO_PGRP, IOPRIO_WHO_USER }, 0 },
	{ __NR_ioprio_set, GUARD_PID, 1, { 0 }, 0 },
	{ __NR_sched_setscheduler, GUARD_PID, 0, { 0 }, 0 },
	{ __NR_sched_setparam, GUARD_PID, 0, { 0 }, 0 },
	{ __NR_sched_setattr, GUARD_PID, 0, { 0 }, 0 },
	{ __NR_sched_setaffinity, GUARD_PID, 0, { 0 }, 0 },
	{ __NR_migrate_pages, GUARD_PID, 0, { 0 }, 0 },
	{ __NR_move_pages, GUARD_PID, 0, { 0 }, 0 },
	/* An executable memfd holds a copy of any readable file, and Landlock
	 * never governs executing it: only sealed non-executable ones. */
	{ __NR_memfd_create, GUARD_UNSET, 1, { MFD_NOEXEC_SEAL }, 0 },
	/* listen() on an unbound socket binds an ephemeral port, which no
	 * Landlock TCP rule governs: a server under mode = tcp. */
	{ __NR_listen, GUARD_ALWAYS, 0, { 0 }, GUARD_NO_LISTEN },
	/* Orphans go to the supervisor, which counts the sandbox's processes
	 * (proclimit.h) by its tree, and never to a subreaper inside. */
	{ __NR_prctl, GUARD_VALUE, 0, { PR_SET_CHILD_SUBREAPER }, GUARD_NO_SUBREAPER },
};

size_t guard_rule_count(void)
{
	return ARRAY_SIZE(rules);
}

int guard_rule_nr(size_t i)
{
	return rules[i].nr;
}

/* The low 32 bits of an argument: pid_t and the commands are ints. */
#if __BYTE_ORDER == __LITTLE_ENDIAN
#define ARG_LO(i) (offsetof(struct seccomp_data, args[0]) + 8 * (i))
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args[0]) + 8 * (i) + 4)
#endif

#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(op, k) ((struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, k, 0, 0))

/* The values that, as a pid argument, reach landjail. */
struct pidset {
	uint32_t v[7];
	size_t n;
	bool group0; /* v[n - 1] is 0, for kill(0) */
	bool full;   /* a value did not fit */
};

static void pidset_add(struct pidset *ps, uint32_t v)
{
	if (ps->n < ARRAY_SIZE(ps->v))
		ps->v[ps->n++] = v;
	else
		ps->full = true; /* guard_build refuses rather than guard less */
}

static void pidset_make(struct pidset *ps, pid_t supervisor, pid_t reaper, pid_t caller,
			pid_t pgrp, unsigned flags)
{
	memset(ps, 0, sizeof(*ps));
	pidset_add(ps, (uint32_t)supervisor);
	if (reaper > 0) {
		pidset_add(ps, (uint32_t)reaper); /* the process the caller started: reaper.h */
		pid_t rg = getpgid(reaper);        /* its group, when ours is another */
		if (rg > 0 && rg != pgrp)
			pidset_add(ps, (uint32_t)-rg);
	}
	/* The application that started landjail: the program must not end
	 * or starve the job's own process (its group is the reaper's). */
	if (caller > 1 && caller != supervisor && caller != reaper)
		pidset_add(ps, (uint32_t)caller);
	pidset_add(ps, (uint32_t)-1);    /* every process the user may signal */
	pidset_add(ps, (uint32_t)-pgrp); /* landjail's process group */
	if (flags & GUARD_SAME_GROUP) {
		pidset_add(ps, 0);       /* the caller's own group, landjail's too */
		ps->group0 = true;
	}
}

static size_t rule_values(const struct guard_rule *r, const struct pidset *ps,
			  const uint32_t **v)
{
	size_t n = 0;
	if (r->kind == GUARD_PID) {
		*v = ps->v;
		/* pid 0 names the caller's group only for kill(); elsewhere
		 * it is the caller itself, which is its own business. */
		return ps->n - (ps->group0 && r->nr != __NR_kill);
	}
	*v = r->values;
	while (n < ARRAY_SIZE(r->values) && r->values[n])
		n++;
	return n;
}

static bool wanted(const struct guard_rule *r, unsigned flags)
{
	return !r->when || (r->when & flags);
}

/* The table itself, as the filter must decide: the reference the unit
 * test holds the compiled program to. */
static bool rule_refuses(const struct guard_rule *r, const struct pidset *ps,
			 const uint64_t args[6])
{
	uint32_t a = (uint32_t)args[r->arg];
	const uint32_t *v;
	switch (r->kind) {
	case GUARD_ALWAYS:
		return true;
	case GUARD_UNSET:
		return !(a & r->values[0]);
	default:
		for (size_t i = 0, n = rule_values(r, ps, &v); i < n; i++)
			if (a == v[i])
				return true;
		return false;
	}
}

bool guard_refuses(pid_t supervisor, pid_t reaper, pid_t caller, pid_t pgrp, unsigned flags,
		   int nr, const uint64_t args[6])
{
	struct pidset ps;
	pidset_make(&ps, supervisor, reaper, caller, pgrp, flags);
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].nr == nr && wanted(&rules[i], flags) && rule_refuses(&rules[i], &ps, args))
			return true;
	return false;
}

/* ---- the program ------------------------------------------------------------
 *
 * A search on the call number, then one block per call that has rules.
 * When a filter is attached the kernel runs it once for every call
 * number, to learn which calls it always allows (and then skips it for
 * those): a chain of twenty compares costs that walk twenty steps per
 * number, a tree of them five.  Jumps are forward and 8-bit: a label is
 * a position known only once it is emitted, so jumps to it are noted and
 * patched at the end. */

#define MAX_LABELS 64
#define MAX_FIXES 192

struct emitter {
	struct guard *g;
	size_t label_at[MAX_LABELS];
	int n_labels;
	struct { size_t at; int label; } fix[MAX_FIXES];
	size_t n_fix;
	bool overflow;
};

static void emit(struct emitter *e, struct sock_filter insn)
{
	if (e->g->len < GUARD_MAX_INSNS)
		e->g->insns[e->g->len] = insn;
	else
		e->overflow = true;
	e->g->len++;
}

static int new_label(struct emitter *e)
{
	if (e->n_labels == MAX_LABELS) {
		e->overflow = true;
		return 0;
	}
	return e->n_labels++;
}

static void place(struct emitter *e, int label)
{
	e->label_at[label] = e->g->len;
}

/* A compare whose true branch goes to label; false falls through. */
static void emit_jump_to(struct emitter *e, uint16_t op, uint32_t k, int label)
{
	if (e->n_fix == MAX_FIXES) {
		e->overflow = true;
		return;
	}
	e->fix[e->n_fix].at = e->g->len;
	e->fix[e->n_fix++].label = label;
	emit(e, JUMP(op, k));
}

static bool resolve(struct emitter *e)
{
	for (size_t i = 0; i < e->n_fix; i++) {
		size_t at = e->fix[i].at, to = e->label_at[e->fix[i].label];
		if (at >= GUARD_MAX_INSNS || to <= at || to - at - 1 > 255)
			return false;
		e->g->insns[at].jt = (uint8_t)(to - at - 1);
	}
	return true;
}

#define RET_ALLOW STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define RET_DENY STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define LD_ARG(i) STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(i))

/* The calls with rules, in order, and where each one's block starts. */
struct calls {
	int nr[ARRAY_SIZE(rules)];
	int block[ARRAY_SIZE(rules)];
	size_t n;
};

/* nr[lo..hi) by halves; a leaf of up to three compares, then allow. */
static void emit_search(struct emitter *e, const struct calls *c, size_t lo, size_t hi)
{
	if (hi - lo <= 3) {
		for (size_t i = lo; i < hi; i++)
			emit_jump_to(e, BPF_JEQ, (uint32_t)c->nr[i], c->block[i]);
		emit(e, RET_ALLOW);
		return;
	}
	size_t mid = lo + (hi - lo) / 2;
	int upper = new_label(e);
	emit_jump_to(e, BPF_JGE, (uint32_t)c->nr[mid], upper);
	emit_search(e, c, lo, mid);
	place(e, upper);
	emit_search(e, c, mid, hi);
}

/* One rule's test: on a match, on to the refusal. */
static void emit_rule(struct emitter *e, const struct guard_rule *r, const struct pidset *ps,
		      int deny)
{
	const uint32_t *v;
	switch (r->kind) {
	case GUARD_ALWAYS:
		emit(e, RET_DENY);
		return;
	case GUARD_UNSET:
		emit(e, LD_ARG(r->arg));
		emit(e, STMT(BPF_ALU | BPF_AND | BPF_K, r->values[0]));
		emit_jump_to(e, BPF_JEQ, 0, deny);
		return;
	default:
		emit(e, LD_ARG(r->arg));
		for (size_t i = 0, n = rule_values(r, ps, &v); i < n; i++)
			emit_jump_to(e, BPF_JEQ, v[i], deny);
	}
}

static void calls_of(struct calls *c, unsigned flags)
{
	c->n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		if (!wanted(&rules[i], flags))
			continue;
		size_t k = 0;
		while (k < c->n && c->nr[k] < rules[i].nr)
			k++;
		if (k < c->n && c->nr[k] == rules[i].nr)
			continue;
		memmove(&c->nr[k + 1], &c->nr[k], (c->n - k) * sizeof(c->nr[0]));
		c->nr[k] = rules[i].nr;
		c->n++;
	}
}

int guard_build(struct guard *g, pid_t supervisor, pid_t reaper, pid_t caller, pid_t pgrp,
		unsigned flags)
{
	struct pidset ps;
	pidset_make(&ps, supervisor, reaper, caller, pgrp, flags);
	memset(g, 0, sizeof(*g));
	struct emitter e = { .g = g };
	struct calls c;
	calls_of(&c, flags);
	for (size_t i = 0; i < c.n; i++)
		c.block[i] = new_label(&e);
	int deny = new_label(&e);

	/* Another architecture: not ours to judge (the main filter kills it). */
	emit(&e, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
	emit(&e, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native(), 1, 0));
	emit(&e, RET_ALLOW);
	emit(&e, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
	emit_search(&e, &c, 0, c.n);
	/* Each call's block: its rules in the table's order, then allow. */
	for (size_t i = 0; i < c.n; i++) {
		place(&e, c.block[i]);
		for (size_t r = 0; r < ARRAY_SIZE(rules); r++)
			if (rules[r].nr == c.nr[i] && wanted(&rules[r], flags))
				emit_rule(&e, &rules[r], &ps, deny);
		emit(&e, RET_ALLOW);
	}
	place(&e, deny);
	emit(&e, RET_DENY);
	if (ps.full || e.overflow || !resolve(&e)) {
		g->len = 0;
		return -E2BIG; /* the table outgrew the layout */
	}
	return 0;
}

int guard_enter(const struct guard *g)
{
	if (!g->len)
		return 0;
	struct sock_fprog prog = { .len = g->len, .filter = (struct sock_filter *)g->insns };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}
