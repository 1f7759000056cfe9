/* The seccomp program (syscall_filter.h).  libseccomp compiles every call
 * to a comparison of its own, a few instructions each, and attaching a
 * filter costs time per instruction.  Most of the table is plain: one
 * action whatever the arguments, and the calls of one action lie in runs
 * of consecutive numbers.  So the program starts with landjail's own
 * search over the number line cut into segments of one action, which
 * returns those itself, and jumps to libseccomp's program of the calls
 * whose arguments decide (seccomp_build with args_only), appended as it
 * is: that part loads the architecture and the number again and answers
 * exactly as the whole libseccomp filter would (test_seccomp compares
 * the two on every number).
 *
 * The program is built from its end backwards, so that every jump's
 * target is already placed when the jump is: a conditional jump reaches
 * 255 instructions, and a target further away gets a JA (which reaches
 * anywhere) right behind the comparison. */
#include "syscall_filter.h"

#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* On x86_64 this bit selects the x32 table: left to libseccomp's part. */
#define X32_BIT 0x40000000u

/* Single numbers inside a segment with an outcome of their own: in a
 * deny list most refused calls lie alone between allowed ones, and one
 * comparison for equality is shorter than two range bounds. */
#define MAX_SINGLES 4

struct segment {
	uint32_t start;  /* up to the next segment's start, or 2^32 */
	int64_t outcome; /* a SECCOMP_RET_* value, SECCOMP_DEFER, or switch_of() */
	unsigned n_singles;
	uint32_t single[MAX_SINGLES];
	int64_t single_outcome[MAX_SINGLES];
};

/* A switch call is a segment of its own: an outcome per number. */
static int64_t switch_of(uint32_t nr)
{
	return SECCOMP_SWITCH - (int64_t)nr;
}

static bool is_switch(int64_t outcome)
{
	return outcome <= SECCOMP_SWITCH;
}

/* At most one segment per table entry, the numbers past it, and x32. */
#define MAX_SEGMENTS (SECCOMP_MAX_NR + 2)

static bool native_has_x32(void)
{
	return seccomp_arch_native() == SCMP_ARCH_X86_64;
}

/* The number line [0, 2^32) in segments: the table's plain actions,
 * consecutive numbers with the same one merged; the numbers past the
 * table get the default, as no rule names them; x32 is deferred. */
static size_t segments(const struct seccomp_plan *plan, struct segment *s)
{
	int64_t *action = xmalloc(SECCOMP_MAX_NR * sizeof(*action));
	uint32_t dflt;
	seccomp_plain_actions(plan, action, &dflt);
	size_t n = 0;
	for (uint32_t nr = 0; nr <= SECCOMP_MAX_NR; nr++) {
		int64_t o = nr < SECCOMP_MAX_NR ? action[nr] : (int64_t)dflt;
		if (o == SECCOMP_SWITCH)
			o = switch_of(nr);
		if (n == 0 || s[n - 1].outcome != o)
			s[n++] = (struct segment){ .start = nr, .outcome = o };
	}
	if (native_has_x32() && s[n - 1].outcome != SECCOMP_DEFER)
		s[n++] = (struct segment){ .start = X32_BIT, .outcome = SECCOMP_DEFER };
	free(action);
	return n;
}

/* A segment of one number between two of the same outcome becomes a
 * single of the first, which takes in the second. */
static size_t fold_singles(struct segment *s, size_t n)
{
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		struct segment *prev = out >= 2 ? &s[out - 2] : NULL;
		struct segment *last = out >= 2 ? &s[out - 1] : NULL;
		if (prev && last->n_singles == 0 && s[i].start - last->start == 1 &&
		    prev->outcome == s[i].outcome && prev->n_singles < MAX_SINGLES) {
			prev->single[prev->n_singles] = last->start;
			prev->single_outcome[prev->n_singles++] = last->outcome;
			out--; /* last is now a single of prev, and s[i] part of prev */
			continue;
		}
		s[out++] = s[i];
	}
	return out;
}

#define MAX_NEAR 16

struct emitter {
	const struct seccomp_plan *plan;
	struct sock_filter *buf; /* buf[pos..end) is placed, in program order */
	unsigned pos, end;       /* end: where libseccomp's part begins */
	unsigned near_enough; /* a target this far from pos is within a
			       * conditional jump's reach with two JAs between */
	bool full;
	struct {
		int64_t outcome;
		unsigned at;
	} near[MAX_NEAR]; /* the latest instruction that gives each outcome */
	unsigned n_near;
};

static unsigned put(struct emitter *e, struct sock_filter in)
{
	if (e->pos == 0) {
		e->full = true;
		return 0;
	}
	e->buf[--e->pos] = in;
	return e->pos;
}

static unsigned ja(struct emitter *e, unsigned to)
{
	return put(e, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, to - e->pos));
}

/* A comparison that jumps to t when true and to f when false. */
static unsigned cond(struct emitter *e, uint16_t op, uint32_t k, unsigned t, unsigned f)
{
	if (t - e->pos > e->near_enough)
		t = ja(e, t);
	if (f - e->pos > e->near_enough)
		f = ja(e, f);
	if (e->pos == 0) {
		e->full = true;
		return 0;
	}
	unsigned at = e->pos - 1;
	return put(e, (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k,
						   (uint8_t)(t - at - 1), (uint8_t)(f - at - 1)));
}

static void remember(struct emitter *e, int64_t outcome, unsigned at)
{
	for (unsigned i = 0; i < e->n_near; i++) {
		if (e->near[i].outcome == outcome) {
			e->near[i].at = at;
			return;
		}
	}
	if (e->n_near < MAX_NEAR) {
		e->near[e->n_near].outcome = outcome;
		e->near[e->n_near++].at = at;
	}
}

/* An instruction that gives outcome: one already placed within reach,
 * or a new RET K (a JA to libseccomp's part for a deferred segment). */
static unsigned outcome_at(struct emitter *e, int64_t outcome)
{
	for (unsigned i = 0; i < e->n_near; i++)
		if (e->near[i].outcome == outcome && e->near[i].at - e->pos <= e->near_enough)
			return e->near[i].at;
	unsigned at = outcome == SECCOMP_DEFER
			      ? ja(e, e->end)
			      : put(e, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (uint32_t)outcome));
	remember(e, outcome, at);
	return at;
}

static struct sock_filter load(uint32_t offset)
{
	return (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset);
}

/* The low half of argument n: the kernel reads these arguments as int. */
static uint32_t low_half(unsigned n)
{
	uint32_t at = (uint32_t)offsetof(struct seccomp_data, args) + 8 * n;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	at += 4;
#endif
	return at;
}

/* One test: load the argument (and mask it), one comparison per value,
 * then the rest.  Every way out is a return, a later test (which loads
 * its own argument) or libseccomp's part (which loads what it reads). */
static unsigned test_at(struct emitter *e, const struct seccomp_test *t, const unsigned *entry)
{
	unsigned next = t->next_otherwise ? entry[t->next_otherwise]
					  : outcome_at(e, t->otherwise);
	for (unsigned i = t->n; i-- > 0;) {
		unsigned hit = t->next[i] ? entry[t->next[i]] : outcome_at(e, t->action[i]);
		next = cond(e, BPF_JEQ, t->value[i], hit, next);
	}
	if (next != e->pos)
		ja(e, next);
	if (t->mask != UINT32_MAX)
		put(e, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, t->mask));
	return put(e, load(low_half(t->arg)));
}

/* The tests of nr's switch, the last first: each names only later ones. */
static unsigned switch_at(struct emitter *e, uint32_t nr)
{
	struct seccomp_switch sw;
	unsigned entry[SECCOMP_SWITCH_TESTS] = { 0 };
	if (!seccomp_arg_switch(e->plan, (int)nr, &sw) || sw.n_tests == 0) {
		e->full = true; /* cannot happen: the segment came from this table */
		return e->pos;
	}
	for (unsigned j = sw.n_tests; j-- > 0;) {
		const struct seccomp_test *t = &sw.test[j];
		for (unsigned i = 0; i < t->n; i++)
			if (t->next[i] && (t->next[i] <= j || t->next[i] >= sw.n_tests))
				e->full = true;
		if (t->next_otherwise && (t->next_otherwise <= j || t->next_otherwise >= sw.n_tests))
			e->full = true;
		if (e->full)
			return e->pos;
		entry[j] = test_at(e, t, entry);
	}
	return entry[0];
}

static unsigned target(struct emitter *e, uint32_t nr, int64_t outcome)
{
	return is_switch(outcome) ? switch_at(e, nr) : outcome_at(e, outcome);
}

/* One segment: its singles compared for equality, then its outcome. */
static unsigned leaf(struct emitter *e, const struct segment *s)
{
	unsigned next = target(e, s->start, s->outcome);
	for (unsigned i = s->n_singles; i-- > 0;) {
		unsigned hit = target(e, s->single[i], s->single_outcome[i]);
		next = cond(e, BPF_JEQ, s->single[i], hit, next);
	}
	return next;
}

/* Segments lo..hi as a balanced search: nr >= the middle start goes up. */
static unsigned node(struct emitter *e, const struct segment *s, size_t lo, size_t hi)
{
	if (lo == hi)
		return leaf(e, &s[lo]);
	size_t mid = lo + (hi - lo + 1) / 2;
	unsigned up = node(e, s, mid, hi);
	unsigned down = node(e, s, lo, mid - 1);
	return cond(e, BPF_JGE, s[mid].start, up, down);
}

/* The dispatch, first to last: load arch, another one to libseccomp's
 * part (which gives it the bad-architecture action); load nr; search. */
static void dispatch(struct emitter *e, const struct segment *s, size_t n)
{
	unsigned root = node(e, s, 0, n - 1);
	if (root != e->pos)
		ja(e, root);
	unsigned nr = put(e, load(offsetof(struct seccomp_data, nr)));
	unsigned foreign = outcome_at(e, SECCOMP_DEFER);
	cond(e, BPF_JEQ, seccomp_arch_native(), nr, foreign);
	put(e, load(offsetof(struct seccomp_data, arch)));
}

int seccomp_ranges_program(const struct seccomp_plan *plan, const struct sock_filter *part,
			   unsigned part_len, unsigned reach, struct sock_filter **insns,
			   unsigned short *len)
{
	if (reach < 2 || reach > SECCOMP_JUMP_REACH)
		return -EINVAL;
	struct segment *s = xmalloc(MAX_SEGMENTS * sizeof(*s));
	size_t n = fold_singles(s, segments(plan, s));
	struct emitter e = { .plan = plan, .buf = xmalloc(BPF_MAXINSNS * sizeof(*e.buf)),
			     .pos = BPF_MAXINSNS, .end = BPF_MAXINSNS, .near_enough = reach - 2 };
	remember(&e, SECCOMP_DEFER, e.end);
	dispatch(&e, s, n);
	unsigned head = e.end - e.pos;
	int err = e.full || head + part_len > BPF_MAXINSNS ? -E2BIG : 0;
	if (!err) {
		*insns = xmalloc((head + part_len) * sizeof(**insns));
		memcpy(*insns, e.buf + e.pos, head * sizeof(**insns));
		memcpy(*insns + head, part, part_len * sizeof(**insns));
		*len = (unsigned short)(head + part_len);
	}
	free(e.buf);
	free(s);
	return err;
}

/* ---- --dump-seccomp ------------------------------------------------------- */

static void action_name(int64_t outcome, char *buf, size_t size)
{
	uint32_t a = (uint32_t)outcome;
	if (outcome == SECCOMP_DEFER)
		snprintf(buf, size, "libseccomp");
	else if (a == SECCOMP_RET_ALLOW)
		snprintf(buf, size, "ALLOW");
	else if (a == SECCOMP_RET_LOG)
		snprintf(buf, size, "LOG");
	else if (a == SECCOMP_RET_USER_NOTIF)
		snprintf(buf, size, "NOTIFY");
	else if (a == SECCOMP_RET_KILL_PROCESS)
		snprintf(buf, size, "KILL_PROCESS");
	else if ((a & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
		snprintf(buf, size, "ERRNO(%u)", a & SECCOMP_RET_DATA);
	else
		snprintf(buf, size, "%#x", a);
}

/* The calls of [first, last]: a name or a number each. */
static void calls_name(uint32_t first, uint64_t last, char *buf, size_t size)
{
	const char *name = first < SECCOMP_MAX_NR ? sysname_name((int)first) : NULL;
	int n = name ? snprintf(buf, size, "%s", name) : snprintf(buf, size, "%u", first);
	if (last == first || n < 0 || (size_t)n >= size)
		return;
	name = last < SECCOMP_MAX_NR ? sysname_name((int)last) : NULL;
	if (name)
		snprintf(buf + n, size - (size_t)n, "..%s", name);
	else
		snprintf(buf + n, size - (size_t)n, "..%llu", (unsigned long long)last);
}

static void dump_switch(const struct seccomp_plan *plan, uint32_t nr, FILE *out)
{
	struct seccomp_switch sw;
	char act[32];
	if (!seccomp_arg_switch(plan, (int)nr, &sw))
		return;
	for (unsigned j = 0; j < sw.n_tests; j++) {
		const struct seccomp_test *t = &sw.test[j];
		fprintf(out, "#   test %u: argument %u (low 32 bits)", j, t->arg);
		if (t->mask != UINT32_MAX)
			fprintf(out, " & %#x", t->mask);
		fprintf(out, ":");
		for (unsigned i = 0; i < t->n; i++) {
			if (t->next[i])
				snprintf(act, sizeof(act), "test %u", t->next[i]);
			else
				action_name(t->action[i], act, sizeof(act));
			fprintf(out, " %#x %s,", t->value[i], act);
		}
		if (t->next_otherwise)
			snprintf(act, sizeof(act), "test %u", t->next_otherwise);
		else
			action_name(t->otherwise, act, sizeof(act));
		fprintf(out, " else %s\n", act);
	}
}

void seccomp_ranges_dump(const struct seccomp_plan *plan, FILE *out)
{
	struct segment *s = xmalloc(MAX_SEGMENTS * sizeof(*s));
	size_t n = segments(plan, s);
	fprintf(out, "# landjail's range dispatch, the start of the program: arch %#x (any "
		"other: libseccomp's part), then %zu ranges of syscall numbers:\n",
		(unsigned)seccomp_arch_native(), n);
	fprintf(out, "# %-10s %-10s %-12s %s\n", "from", "to", "action", "calls");
	for (size_t i = 0; i < n; i++) {
		uint64_t last = i + 1 < n ? (uint64_t)s[i + 1].start - 1 : 0xffffffffu;
		char act[32], calls[96];
		if (is_switch(s[i].outcome))
			snprintf(act, sizeof(act), "argument");
		else
			action_name(s[i].outcome, act, sizeof(act));
		calls_name(s[i].start, last, calls, sizeof(calls));
		fprintf(out, "# %-10u %-10llu %-12s %s\n", s[i].start, (unsigned long long)last, act,
			calls);
		if (is_switch(s[i].outcome))
			dump_switch(plan, s[i].start, out);
	}
	fprintf(out, "# then libseccomp's part: the calls marked libseccomp above (their "
		"argument rules), other architectures%s\n",
		native_has_x32() ? ", x32 numbers" : "");
	free(s);
}
