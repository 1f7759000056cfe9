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

static void emit(struct guard *g, struct sock_filter insn)
{
	if (g->len < GUARD_MAX_INSNS)
		g->insns[g->len] = insn;
	g->len++; /* counted past the end: guard_build notices */
}

#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JEQ(k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf))

/* The values that, as a pid argument, reach landjail. */
struct pidset {
	uint32_t v[7];
	size_t n;
	bool group0; /* v[n - 1] is 0, for kill(0) */
};

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

static size_t rule_len(const struct guard_rule *r, const struct pidset *ps)
{
	const uint32_t *v;
	if (r->kind == GUARD_UNSET)
		return 5;
	return r->kind == GUARD_ALWAYS ? 1 : 3 + rule_values(r, ps, &v);
}

/* nr matches: load the argument, keep the bits, none set: refuse. */
static void emit_unset(struct guard *g, const struct guard_rule *r, size_t deny_at)
{
	emit(g, JEQ((uint32_t)r->nr, 0, 4));
	emit(g, STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(r->arg)));
	emit(g, STMT(BPF_ALU | BPF_AND | BPF_K, r->values[0]));
	size_t to = deny_at - (g->len + 1);
	emit(g, JEQ(0, (uint8_t)to, 0));
	emit(g, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
}

/* One rule's test, entered with nr loaded: when nr matches, load the
 * argument and compare; a match jumps to the shared refusal at the end. */
static void emit_rule(struct guard *g, const struct guard_rule *r, const struct pidset *ps,
		      size_t deny_at)
{
	if (r->kind == GUARD_UNSET) {
		emit_unset(g, r, deny_at);
		return;
	}
	const uint32_t *v;
	size_t n = r->kind == GUARD_ALWAYS ? 0 : rule_values(r, ps, &v);
	/* On a mismatch skip the load, the n compares and the reload of nr. */
	size_t skip = r->kind == GUARD_ALWAYS ? 0 : n + 2;
	if (r->kind == GUARD_ALWAYS) {
		size_t to = deny_at - (g->len + 1);
		emit(g, JEQ((uint32_t)r->nr, (uint8_t)to, 0));
		return;
	}
	emit(g, JEQ((uint32_t)r->nr, 0, (uint8_t)skip));
	emit(g, STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)ARG_LO(r->arg)));
	for (size_t i = 0; i < n; i++) {
		size_t to = deny_at - (g->len + 1);
		emit(g, JEQ(v[i], (uint8_t)to, 0));
	}
	emit(g, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
}

static bool wanted(const struct guard_rule *r, unsigned flags)
{
	return !r->when || (r->when & flags);
}

int guard_build(struct guard *g, pid_t supervisor, pid_t reaper, pid_t caller, pid_t pgrp,
		unsigned flags)
{
	bool same_group = flags & GUARD_SAME_GROUP;
	struct pidset ps = { .n = 0 };
	ps.v[ps.n++] = (uint32_t)supervisor;
	if (reaper > 0) {
		ps.v[ps.n++] = (uint32_t)reaper; /* the process the caller started: reaper.h */
		pid_t rg = getpgid(reaper);       /* its group, when ours is another */
		if (rg > 0 && rg != pgrp)
			ps.v[ps.n++] = (uint32_t)-rg;
	}
	/* The application that started landjail: the program must not end
	 * or starve the job's own process (its group is the reaper's). */
	if (caller > 1 && caller != supervisor && caller != reaper)
		ps.v[ps.n++] = (uint32_t)caller;
	ps.v[ps.n++] = (uint32_t)-1;    /* every process the user may signal */
	ps.v[ps.n++] = (uint32_t)-pgrp; /* landjail's process group */
	if (same_group) {
		ps.v[ps.n++] = 0;       /* the caller's own group, landjail's too */
		ps.group0 = true;
	}

	memset(g, 0, sizeof(*g));
	size_t total = 4 + 2; /* header, then allow and deny */
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (wanted(&rules[i], flags))
			total += rule_len(&rules[i], &ps);
	if (total > GUARD_MAX_INSNS || total > 255)
		return -E2BIG; /* jumps are 8 bits: the table outgrew the layout */
	size_t deny_at = total - 1;

	/* Another architecture: not ours to judge (the main filter kills it). */
	emit(g, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
	emit(g, JEQ(seccomp_arch_native(), 1, 0));
	emit(g, STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(g, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (wanted(&rules[i], flags))
			emit_rule(g, &rules[i], &ps, deny_at);
	emit(g, STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(g, STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)));
	return g->len == total ? 0 : -EFAULT;
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
