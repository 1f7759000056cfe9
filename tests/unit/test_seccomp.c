/* The seccomp compiler, run on synthetic system calls by a classic-BPF
 * interpreter (bpf_interp.h):
 *  - the compiled filter agrees with the verdict table, call by call;
 *  - monotonicity: over the shipped profiles and generated ones, every
 *    network mode, Landlock ABIs 2 and 7 and with or without user
 *    notification, adding a deny line never turns a refused call (with
 *    any of the argument vectors the argument rules look at) allowed;
 *  - the always-denied set is refused in every combination;
 *  - what the child does between the filter and the program's start
 *    (execveat(AT_FDCWD, path, argv, envp, 0)) is allowed in every
 *    combination (nothing can trap before the program runs);
 *  - other architectures' tables are killed;
 *  - the program (landjail's range dispatch, then libseccomp's part)
 *    returns what the whole filter compiled by libseccomp alone returns,
 *    for every number, argument vector and architecture tried, and is
 *    shorter;
 *  - every metadata-changing call libseccomp or compat.h knows is in the
 *    always-denied set. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "bpf_interp.h"
#include "fdguard.h"
#include "profile.h"
#include "syscall_filter.h"
#include "tap.h"

#define NOTIFY_FD 3 /* seccomp_compile()'s stand-in handover socket */

/* ---- outcomes ------------------------------------------------------------- */

/* Does the call happen?  A notification is answered as the supervisor
 * would (seccomp_answer). */
static bool allowed(const struct seccomp_plan *plan, uint32_t ret, const struct seccomp_data *d)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return true;
	case SECCOMP_RET_USER_NOTIF: {
		int err;
		return seccomp_answer(plan, d, &err) == ANSWER_CONTINUE;
	}
	default:
		return false;
	}
}

static uint32_t native_arch(void)
{
#if defined(__x86_64__)
	return AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	return AUDIT_ARCH_AARCH64;
#else
	return seccomp_arch_native();
#endif
}

/* ---- argument vectors ------------------------------------------------------- */

#define MAX_VECTORS 256
struct vectors {
	uint64_t a[MAX_VECTORS][4];
	unsigned n;
};

static void add(struct vectors *v, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	if (v->n < MAX_VECTORS) {
		uint64_t *a = v->a[v->n++];
		a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
	}
}

/* The values the argument rules compare, in every argument position, and
 * for the socket calls every family x type x protocol they tell apart. */
static void vectors_for(int nr, struct vectors *v)
{
	static const uint64_t values[] = {
		0, 1, 2, 3, NOTIFY_FD, TIOCSTI, TIOCLINUX, TIOCGWINSZ, CLONE_NEWUSER | SIGCHLD,
		CLONE_NEWNET, CLONE_THREAD | CLONE_VM | CLONE_SIGHAND, SIGCHLD, MSG_FASTOPEN,
		MSG_FASTOPEN | MSG_NOSIGNAL, MSG_NOSIGNAL, 0x7fff0000, 0xffffffff,
		0x100000000ULL | TIOCSTI, 0xffffffff00000000ULL,
		/* personas: PER_LINUX32, UNAME26, ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC */
		8, 0x20000, 0x20008, 0x40000, 0x400000, 0x100000000ULL | 0x40000,
	};
	v->n = 0;
	add(v, 0, 0, 0, 0);
	bool rich = nr == sysname_nr("socket") || nr == sysname_nr("socketpair") ||
		    nr == sysname_nr("ioctl") || nr == sysname_nr("clone") ||
		    nr == sysname_nr("prlimit64") || nr == sysname_nr("sendto") ||
		    nr == sysname_nr("sendmsg") || nr == sysname_nr("sendmmsg") ||
		    nr == sysname_nr("utimensat") || nr == sysname_nr("truncate") ||
		    nr == sysname_nr("personality");
	if (!rich) {
		add(v, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);
		add(v, NOTIFY_FD, 1, 2, 3);
		return;
	}
	for (unsigned pos = 0; pos < 4; pos++)
		for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
			uint64_t a[4] = { 0 };
			a[pos] = values[i];
			add(v, a[0], a[1], a[2], a[3]);
		}
	if (nr == sysname_nr("socket") || nr == sysname_nr("socketpair")) {
		static const uint64_t fam[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET,
						40 /* AF_VSOCK */, 0x100000000ULL | AF_INET6 };
		static const uint64_t type[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_RAW,
						 SOCK_STREAM | SOCK_CLOEXEC };
		static const uint64_t proto[] = { 0, IPPROTO_TCP, IPPROTO_UDP };
		for (size_t f = 0; f < ARRAY_SIZE(fam); f++)
			for (size_t t = 0; t < ARRAY_SIZE(type); t++)
				for (size_t p = 0; p < ARRAY_SIZE(proto); p++)
					add(v, fam[f], type[t], proto[p], 0);
	}
}

static struct seccomp_data data(uint32_t arch, int nr, const uint64_t *a)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = arch;
	for (int i = 0; i < 4; i++)
		d.args[i] = a[i];
	return d;
}

/* ---- policies ---------------------------------------------------------------- */

static void add_rule(struct policy *p, const char *name, bool allow)
{
	struct sys_policy *s = &p->sys;
	s->rules = grow_array(s->rules, sizeof(*s->rules), s->n_rules, &s->cap_rules);
	s->rules[s->n_rules++] = (struct sys_rule){ .name = xstrdup(name), .allow = allow };
}

static const char *fake_env(const char *name)
{
	if (strcmp(name, "LANDJAIL_WORKDIR") == 0 || strcmp(name, "TMPDIR") == 0)
		return "/tmp/work";
	if (strcmp(name, "HOME") == 0)
		return "/home/user";
	return NULL;
}

#define MAX_BASES 24
static struct policy bases[MAX_BASES];
static const char *base_names[MAX_BASES];
static size_t n_bases;

static struct policy *new_base(const char *name)
{
	struct policy *p = &bases[n_bases];
	base_names[n_bases++] = name;
	policy_init(p);
	return p;
}

#define EVERY_OTHER "(every other call, default = errno)"

static void generated_bases(void)
{
	static const char *const minimal =
		"@default @basic-io @file-read @signal @io-event madvise";
	static const struct {
		const char *name;
		int dflt, fork;
		const char *allow;
	} gen[] = {
		{ "(no [syscalls])", SYS_UNSET, -1, NULL },
		{ "(fork = no)", SYS_UNSET, 0, NULL },
		{ "(allow @io-uring, no default)", SYS_UNSET, -1, "@io-uring chmod" },
		{ "(default = kill)", SYS_KILL, -1, NULL },
		{ "(default = errno, @system-service, fork)", SYS_ERRNO, 1, "@system-service personality" },
		{ "(default = log)", SYS_LOG, -1, NULL },
		{ "(default = kill, network, fork)", SYS_KILL, 1, "@network-io @process @threads" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(gen); i++) {
		struct policy *p = new_base(gen[i].name);
		p->sys.dflt = gen[i].dflt;
		p->sys.fork = gen[i].fork;
		if (gen[i].dflt != SYS_UNSET)
			add_rule(p, minimal, true);
		if (gen[i].allow)
			add_rule(p, gen[i].allow, true);
	}
	/* Every other call allowed: the most ranges a table can have, each
	 * number alone between two of the other action. */
	struct policy *p = new_base(EVERY_OTHER);
	p->sys.dflt = SYS_ERRNO;
	add_rule(p, minimal, true);
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr += 2)
		if (sysname_name(nr))
			add_rule(p, sysname_name(nr), true);
}

/* add_rule takes one name: split a list. */
static void fix_lists(struct policy *p)
{
	size_t n = p->sys.n_rules;
	for (size_t i = 0; i < n; i++) {
		if (!strchr(p->sys.rules[i].name, ' '))
			continue;
		char *list = p->sys.rules[i].name, *save = NULL;
		bool allow = p->sys.rules[i].allow;
		char *first = strtok_r(list, " ", &save);
		p->sys.rules[i].name = xstrdup(first);
		for (char *w = strtok_r(NULL, " ", &save); w; w = strtok_r(NULL, " ", &save))
			add_rule(p, w, allow);
		free(list);
	}
}

static void shipped_bases(const char *dir)
{
	static const char *const names[] = {
		"base-converter.ini", "base-dynamic.ini", "ffmpeg.ini", "ffprobe.ini", "file.ini",
		"graphicsmagick.ini", "imagemagick-convert.ini", "imagemagick-identify.ini",
		"imagemagick.ini", "vips.ini",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct policy *p = new_base(names[i]);
		struct errlist el = { 0 };
		char *path = xasprintf("%s/%s", dir, names[i]);
		profile_load_with(p, path, fake_env, &el);
		TAP_OK(el.n == 0, "shipped profile %s loads", names[i]);
		for (size_t j = 0; j < el.n; j++)
			printf("#   %s\n", el.msg[j]);
		free(path);
	}
}

/* ---- the properties ------------------------------------------------------------- */

struct compiled {
	struct seccomp_plan plan;
	int err;
};

static void compile(struct compiled *c, const struct policy *p, int abi, bool notify)
{
	c->err = seccomp_compile(p, abi, notify, &c->plan);
}

static uint32_t run(const struct compiled *c, uint32_t arch, int nr, const uint64_t *a)
{
	struct seccomp_data d = data(arch, nr, a);
	return bpf_run(c->plan.insns, c->plan.len, &d);
}

static bool run_allowed(const struct compiled *c, int nr, const uint64_t *a)
{
	struct seccomp_data d = data(native_arch(), nr, a);
	return allowed(&c->plan, bpf_run(c->plan.insns, c->plan.len, &d), &d);
}

static unsigned failures;

static void fail(const char *what, const char *base, const char *deny, int mode, int abi,
		 bool notify, int nr, const uint64_t *a)
{
	if (++failures > 20)
		return;
	printf("#   %s: %s + deny = %s, mode %d, ABI %d, notify %d: %s (%d) args "
	       "%#llx %#llx %#llx %#llx\n", what, base, deny ? deny : "-", mode, abi, notify,
	       sysname_name(nr) ? sysname_name(nr) : "?", nr, (unsigned long long)a[0],
	       (unsigned long long)a[1], (unsigned long long)a[2], (unsigned long long)a[3]);
}

/* The numbers to try: every call of the native table, and a few beyond. */
static bool tried(int nr)
{
	return sysname_name(nr) != NULL || nr % 97 == 0;
}

/* The filter does what the table says, on the all-zero arguments. */
static void check_agrees(const struct compiled *c, const char *base, int mode, int abi)
{
	static const uint64_t zero[4] = { 0 };
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
		if (!tried(nr))
			continue;
		enum verdict v = seccomp_verdict_of(&c->plan, nr);
		uint32_t ret = run(c, native_arch(), nr, zero);
		struct seccomp_data d = data(native_arch(), nr, zero);
		bool ok = ret != BPF_INTERP_BAD;
		if (v == VERDICT_ALLOW || v == VERDICT_LOG)
			ok &= allowed(&c->plan, ret, &d);
		else if (v == VERDICT_REFUSE)
			ok &= !allowed(&c->plan, ret, &d);
		else if (v == VERDICT_ENOSYS)
			ok &= ret == (SECCOMP_RET_ERRNO | ENOSYS);
		else if (v == VERDICT_EACCES)
			ok &= ret == (SECCOMP_RET_ERRNO | EACCES);
		if (!ok)
			fail("the filter disagrees with the table", base, NULL, mode, abi,
			     c->plan.notify, nr, zero);
	}
}

/* What the child does between loading the filter and the program:
 * the listener handover (sendmsg on its socket), the program's start
 * (execveat(AT_FDCWD, path, argv, envp, 0)), and exit or exit_group on
 * a failure.  Each must be allowed outright, never trapped: the
 * supervisor is suspended in vfork until the child execs and could not
 * answer. */
static void check_prelude(const struct compiled *c, const char *base, const char *deny,
			  int mode, int abi)
{
	static const char *const prelude[] = { "exit", "exit_group" };
	uint64_t a[4] = { NOTIFY_FD, 0, MSG_NOSIGNAL, 0 };
	if (c->plan.notify && run(c, native_arch(), sysname_nr("sendmsg"), a) != SECCOMP_RET_ALLOW)
		fail("the listener handover is not allowed", base, deny, mode, abi, 1,
		     sysname_nr("sendmsg"), a);
	uint64_t start[4] = { (uint64_t)(int64_t)-100 /* AT_FDCWD */, 0x1000, 0x2000, 0x3000 };
	if (run(c, native_arch(), sysname_nr("execveat"), start) != SECCOMP_RET_ALLOW)
		fail("the program's start, execveat(AT_FDCWD, ..., 0), is not allowed", base, deny,
		     mode, abi, c->plan.notify, sysname_nr("execveat"), start);
	for (size_t i = 0; i < ARRAY_SIZE(prelude); i++) {
		int nr = sysname_nr(prelude[i]);
		if (run(c, native_arch(), nr, a) != SECCOMP_RET_ALLOW)
			fail("a call the child needs before the program is not allowed", base,
			     deny, mode, abi, c->plan.notify, nr, a);
	}
}

/* Every always-denied call the profile does not allow by name stays
 * refused, whatever the arguments (but futimens, utimensat's NULL path). */
static void check_always(const struct compiled *c, const char *base, const char *deny,
			 int mode, int abi)
{
	struct vectors v;
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
		if (!seccomp_always_denied(nr) || c->plan.why[nr] == WHY_ALLOWED)
			continue;
		vectors_for(nr, &v);
		for (unsigned i = 0; i < v.n; i++) {
			bool futimens = nr == sysname_nr("utimensat") && v.a[i][1] == 0 &&
					c->plan.why[nr] == WHY_ALWAYS;
			if (!futimens && run_allowed(c, nr, v.a[i]))
				fail("an always-denied call got through", base, deny, mode, abi,
				     c->plan.notify, nr, v.a[i]);
		}
	}
}

/* Adding the deny line never turns a refused call allowed, and refuses
 * the named calls outright. */
static void check_monotone(const struct compiled *without, const struct compiled *with,
			   const char *base, const char *deny, int mode, int abi)
{
	struct vectors v;
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
		if (!tried(nr))
			continue;
		vectors_for(nr, &v);
		bool named = nr < SECCOMP_MAX_NR && with->plan.why[nr] == WHY_DENIED;
		for (unsigned i = 0; i < v.n; i++) {
			bool after = run_allowed(with, nr, v.a[i]);
			if (after && !run_allowed(without, nr, v.a[i]))
				fail("a deny line widened the filter", base, deny, mode, abi,
				     with->plan.notify, nr, v.a[i]);
			bool handover = with->plan.notify && nr == sysname_nr("sendmsg") &&
					v.a[i][0] == NOTIFY_FD;
			if (named && after && !handover)
				fail("a denied call got through", base, deny, mode, abi,
				     with->plan.notify, nr, v.a[i]);
		}
	}
}

/* Another architecture's table: killed (i386 and x32 on x86_64). */
static void check_foreign(const struct compiled *c, const char *base)
{
	static const uint64_t zero[4] = { 0 };
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
#if defined(__x86_64__)
		uint32_t ret = run(c, AUDIT_ARCH_I386, nr, zero);
		if (ret != SECCOMP_RET_KILL_PROCESS)
			fail("an i386 call was not killed", base, NULL, 0, 0, c->plan.notify, nr, zero);
		ret = run(c, AUDIT_ARCH_X86_64, nr | 0x40000000, zero);
		if ((ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
			fail("an x32 call was allowed", base, NULL, 0, 0, c->plan.notify, nr, zero);
#elif defined(__aarch64__)
		uint32_t ret = run(c, AUDIT_ARCH_ARM, nr, zero);
		if (ret != SECCOMP_RET_KILL_PROCESS)
			fail("an arm32 call was not killed", base, NULL, 0, 0, c->plan.notify, nr, zero);
#else
		(void)c, (void)base, (void)zero, (void)nr;
#endif
	}
}

/* ---- the program against libseccomp's whole filter ----------------------------- */

/* The filter as landjail compiled it before the range dispatch: every
 * call a libseccomp rule (seccomp_build without args_only). */
struct reference {
	struct sock_filter *insns;
	unsigned short len;
	int err;
};

static void reference_of(const struct compiled *c, struct reference *r)
{
	struct seccomp_plan plan = c->plan;
	plan.sock[1] = plan.notify ? NOTIFY_FD : -1; /* as seccomp_compile() builds */
	r->insns = NULL;
	r->err = seccomp_libseccomp_program(&plan, false, &r->insns, &r->len);
}

static unsigned diff_failures, diff_runs, longer, short_reach, beyond_reach;

/* The conditional jumps of the dispatch (prog[0..n)) that go further
 * than reach: a JA should have taken them there. */
static unsigned jumps_beyond(const struct sock_filter *prog, unsigned n, unsigned reach)
{
	unsigned far = 0;
	for (unsigned pc = 0; pc < n; pc++)
		if (BPF_CLASS(prog[pc].code) == BPF_JMP && BPF_OP(prog[pc].code) != BPF_JA)
			far += prog[pc].jt > reach || prog[pc].jf > reach;
	return far;
}

/* A program to compare with libseccomp's whole filter, and where from. */
struct trial {
	const struct sock_filter *insns;
	unsigned len;
	const struct compiled *c;
	const struct reference *r;
	const char *base, *deny;
	int mode, abi;
	unsigned reach;
};

static void same(const struct trial *t, uint32_t arch, uint32_t nr, const uint64_t *a)
{
	struct seccomp_data d = data(arch, (int)nr, a);
	uint32_t ours = bpf_run(t->insns, t->len, &d);
	uint32_t theirs = bpf_run(t->r->insns, t->r->len, &d);
	diff_runs++;
	if (ours == theirs && ours != BPF_INTERP_BAD)
		return;
	if (++diff_failures > 20)
		return;
	printf("#   the program (jump reach %u) returns %#x, libseccomp's whole filter %#x: "
	       "arch %#x nr %#x: ", t->reach, ours, theirs, arch, nr);
	fail("the program differs from libseccomp's", t->base, t->deny, t->mode, t->abi,
	     t->c->plan.notify, nr < SECCOMP_MAX_NR ? (int)nr : -1, a);
}

/* fcntl: descriptor x command x flags, each with high bits too. */
static void fcntl_vectors(struct vectors *v)
{
	static const uint64_t fd[] = { 0, 1, 2, 3, 0x100000002ULL };
	static const uint64_t cmd[] = { F_SETFL, 0x100000000ULL | F_SETFL, F_GETFL, F_SETFL + 1 };
	static const uint64_t flags[] = { 0, O_APPEND, O_APPEND | O_NONBLOCK, O_NONBLOCK,
					  0x100000000ULL, 0x100000000ULL | O_APPEND };
	for (size_t f = 0; f < ARRAY_SIZE(fd); f++)
		for (size_t c = 0; c < ARRAY_SIZE(cmd); c++)
			for (size_t l = 0; l < ARRAY_SIZE(flags); l++)
				add(v, fd[f], cmd[c], flags[l], 0);
}

/* More argument vectors than the rules' own values: each switch value
 * of ioctl (fdguard.h) and its neighbours, with and without high bits. */
static void more_vectors(struct vectors *v)
{
	uint64_t vals[3 * 8 + 6];
	size_t n = 0;
	static const uint64_t more[] = { TIOCSTI, TIOCLINUX, 0x4 /* F_SETFL */, 02000 /* O_APPEND */,
					 0x10000000, 0x80000000 };
	for (size_t i = 0; i < fdguard_n_ioctls && i < 8; i++) {
		vals[n++] = fdguard_ioctls[i];
		vals[n++] = fdguard_ioctls[i] + 1;
		vals[n++] = (fdguard_ioctls[i] - 1) | 0xdead00000000ULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(more); i++)
		vals[n++] = more[i];
	for (unsigned pos = 0; pos < 3; pos++)
		for (size_t i = 0; i < n; i++) {
			uint64_t a[4] = { 0 };
			a[pos] = vals[i];
			if (pos == 1)
				a[2] = 02000;
			add(v, a[0], a[1], a[2], a[3]);
		}
}

/* Every number of the table and past it with every vector; a sample of
 * the rest of 2^32, the x32 numbers and other architectures' tables. */
static void sweep(const struct trial *t)
{
	static const uint64_t zero[4] = { 0 };
	struct vectors v;
	uint32_t native = native_arch();
	for (uint32_t nr = 0; nr < SECCOMP_MAX_NR + 64; nr++) {
		vectors_for(nr < SECCOMP_MAX_NR ? (int)nr : -1, &v);
		if (v.n > 3 || (nr < SECCOMP_MAX_NR && t->c->plan.verdict[nr] == VERDICT_ARGS))
			more_vectors(&v);
		if ((int)nr == sysname_nr("fcntl"))
			fcntl_vectors(&v);
		for (unsigned i = 0; i < v.n; i++)
			same(t, native, nr, v.a[i]);
		same(t, native, nr | 0x40000000u, zero);
		same(t, AUDIT_ARCH_I386, nr, zero);
		same(t, AUDIT_ARCH_ARM, nr, zero);
		same(t, native == AUDIT_ARCH_X86_64 ? AUDIT_ARCH_AARCH64 : AUDIT_ARCH_X86_64, nr, zero);
	}
	static const uint32_t edges[] = { 0x3ffffffe, 0x3fffffff, 0x40000000, 0x40000001,
					  0x7fffffff, 0x80000000, 0xbfffffff, 0xc0000000,
					  0xfffffffe, 0xffffffff };
	for (size_t i = 0; i < ARRAY_SIZE(edges); i++) {
		same(t, native, edges[i], zero);
		same(t, native, edges[i], (uint64_t[4]){ 0xffffffff, TIOCSTI, 3, 4 });
	}
	uint32_t x = 2463534242u; /* xorshift32: the same sample every run */
	for (unsigned i = 0; i < 512; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		same(t, native, x, zero);
		same(t, x, x & 0x3ff, zero); /* any architecture at all */
	}
}

/* The program against libseccomp's whole filter; without a deny line
 * also the same dispatch with short conditional jumps, so that the JAs
 * to far targets (which real tables seldom need) are compared too. */
static void check_same(const struct compiled *c, const char *base, const char *deny, int mode,
		       int abi)
{
	struct reference r;
	reference_of(c, &r);
	if (r.err) {
		fail("libseccomp's whole filter does not compile", base, deny, mode, abi,
		     c->plan.notify, -1, (uint64_t[4]){ 0 });
		return;
	}
	/* libseccomp's part repeats the loads of arch and nr and the x32
	 * test: a deny list of few rules may come out a little longer. */
	longer += c->plan.len > r.len + 8;
	struct trial t = { c->plan.insns, c->plan.len, c, &r, base, deny, mode, abi,
			   SECCOMP_JUMP_REACH };
	sweep(&t);
	static const unsigned reaches[] = { 2, 5, 40 };
	for (size_t i = 0; i < ARRAY_SIZE(reaches) && !deny; i++) {
		struct seccomp_plan plan = c->plan;
		struct sock_filter *part = NULL, *prog = NULL;
		unsigned short part_len = 0, len = 0;
		plan.sock[1] = plan.notify ? NOTIFY_FD : -1;
		if (seccomp_libseccomp_program(&plan, true, &part, &part_len) != 0 ||
		    seccomp_ranges_program(&plan, part, part_len, reaches[i], &prog, &len) != 0) {
			fail("the program does not compile with short jumps", base, deny, mode, abi,
			     c->plan.notify, -1, (uint64_t[4]){ 0 });
		} else {
			t.insns = prog, t.len = len, t.reach = reaches[i];
			sweep(&t);
			short_reach += len > c->plan.len;
			beyond_reach += jumps_beyond(prog, len - part_len, reaches[i]);
		}
		free(part);
		free(prog);
	}
	free(r.insns);
}

/* The converter profile's program, as a run gets it (its own network
 * mode, ABI 7, user notification): at most a third of libseccomp's
 * whole filter (608 instructions on x86_64), and at most 200: its ~120
 * ranges cost one comparison each (fewer where a lone number is
 * compared for equality), the ioctl, prlimit64 and fcntl tests ~15,
 * libseccomp's part for clone, execve(at), open(at) and the handover's
 * sendmsg ~50. */
static void check_length(void)
{
	struct policy *p = NULL;
	for (size_t b = 0; b < n_bases; b++)
		if (strcmp(base_names[b], "imagemagick-convert.ini") == 0)
			p = &bases[b];
	if (!p) {
		TAP_OK(false, "imagemagick-convert.ini is among the bases (PROFILES)");
		return;
	}
	struct compiled c;
	compile(&c, p, 7, true);
	struct reference r = { .err = -1 };
	if (!c.err)
		reference_of(&c, &r);
	TAP_OK(!c.err && !r.err && c.plan.len <= 200 && 3 * c.plan.len <= r.len,
	       "imagemagick-convert: the program has %u instructions (at most 200), libseccomp's "
	       "whole filter %u", c.plan.len, r.len);
	free(r.insns);
	seccomp_plan_free(&c.plan);
}

static const char *const deny_lines[] = {
	"socket", "socketpair", "clone", "fork", "vfork", "clone3", "truncate", "utimensat",
	"prlimit64", "ioctl", "sendto", "sendmsg", "sendmmsg", "@process", "@network-io",
	"@file-metadata", "write", "msync", "chmod", "@default", "personality",
};

static void combinations(bool quick)
{
	static const int modes[] = { NET_NONE, NET_TCP, NET_UNRESTRICTED };
	static const int abis[] = { 2, 7 };
	unsigned combos = 0, build_errors = 0;
	for (size_t b = 0; b < n_bases; b++) {
		for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
			for (size_t ai = 0; ai < ARRAY_SIZE(abis); ai++) {
				for (int notify = 0; notify < 2; notify++) {
					if (quick && (m != (b % 3) || ai != (size_t)notify))
						continue;
					struct policy *p = &bases[b];
					int saved_mode = p->net.mode;
					p->net.mode = modes[m];
					struct compiled without;
					compile(&without, p, abis[ai], notify);
					build_errors += without.err != 0;
					if (without.err)
						continue;
					check_agrees(&without, base_names[b], modes[m], abis[ai]);
					check_always(&without, base_names[b], NULL, modes[m], abis[ai]);
					check_prelude(&without, base_names[b], NULL, modes[m], abis[ai]);
					check_same(&without, base_names[b], NULL, modes[m], abis[ai]);
					if (ai == 0 && m == 0)
						check_foreign(&without, base_names[b]);
					for (size_t d = 0; d < ARRAY_SIZE(deny_lines); d++) {
						add_rule(p, deny_lines[d], false);
						struct compiled with;
						compile(&with, p, abis[ai], notify);
						build_errors += with.err != 0;
						if (!with.err) {
							check_monotone(&without, &with, base_names[b],
								       deny_lines[d], modes[m], abis[ai]);
							check_always(&with, base_names[b], deny_lines[d],
								     modes[m], abis[ai]);
							check_prelude(&with, base_names[b], deny_lines[d],
								      modes[m], abis[ai]);
							check_same(&with, base_names[b], deny_lines[d],
								   modes[m], abis[ai]);
						}
						seccomp_plan_free(&with.plan);
						p->sys.n_rules--;
						free(p->sys.rules[p->sys.n_rules].name);
						combos++;
					}
					seccomp_plan_free(&without.plan);
					p->net.mode = saved_mode;
				}
			}
		}
	}
	TAP_OK(build_errors == 0, "every combination compiles (%u errors)", build_errors);
	TAP_OK(failures == 0, "%u (profile, deny line, network mode, ABI, notification) "
	       "combinations: no deny line widens the filter, the always-denied set is "
	       "refused, nothing traps before exec, the filter agrees with the table "
	       "(%u failures)", combos, failures);
	TAP_OK(diff_failures == 0 && diff_runs > 0, "in every combination the program returns "
	       "what libseccomp's whole filter returns (%u runs, %u differ)", diff_runs,
	       diff_failures);
	TAP_OK(longer == 0, "the program is never more than 8 instructions longer than "
	       "libseccomp's whole filter (%u longer)", longer);
	TAP_OK(short_reach > 0 && beyond_reach == 0, "%u programs built with short jumps needed "
	       "JAs, and were compared; %u conditional jumps went further than asked", short_reach,
	       beyond_reach);
}

/* ---- the always-denied family ---------------------------------------------------- */

/* Calls that change a file's mode, owner, times, xattrs or attributes. */
static bool metadata_call(const char *name)
{
	static const char *const stems[] = { "chmod", "chown", "setxattr", "removexattr",
					     "utime" };
	for (size_t i = 0; i < ARRAY_SIZE(stems); i++)
		if (strstr(name, stems[i]))
			return true;
	/* Not sched_setattr or mq_getsetattr: file attributes only. */
	return strncmp(name, "file_", 5) == 0 && strstr(name, "setattr");
}

/* fchmod, fchown, fsetxattr, fremovexattr: the f twin of a path call acts
 * on a descriptor the program opened with the rights Landlock gave it. */
static bool descriptor_twin(const char *name)
{
	return name[0] == 'f' && seccomp_syscall_resolve_name(name + 1) != __NR_SCMP_ERROR;
}

static void check_family(void)
{
	unsigned missing = 0, seen = 0;
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
		const char *name = sysname_name(nr);
		if (!name || !metadata_call(name) || descriptor_twin(name))
			continue;
		seen++;
		if (!seccomp_always_denied(nr)) {
			missing++;
			printf("#   %s (%d) changes metadata by path and is not always denied\n",
			       name, nr);
		}
	}
	TAP_OK(missing == 0 && seen >= 10, "all %u metadata calls known to libseccomp and "
	       "compat.h are always denied (%u missing)", seen, missing);
	static const char *const required[] = { "fchmodat2", "setxattrat", "removexattrat",
						"file_setattr", "fchmodat", "utimensat" };
	bool all = true;
	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		int nr = sysname_nr(required[i]);
		all &= nr >= 0 && seccomp_always_denied(nr);
		if (nr < 0 || !seccomp_always_denied(nr))
			printf("#   %s is missing\n", required[i]);
	}
	TAP_OK(all, "fchmodat2, setxattrat, removexattrat and file_setattr are always denied");
	for (unsigned i = 0; i < sysname_compat_count(); i++) {
		int nr;
		const char *name = sysname_compat(i, &nr);
		TAP_OK(seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR ||
		       seccomp_syscall_resolve_name(name) == nr,
		       "compat.h's %s (%d) agrees with libseccomp", name, nr);
	}
	/* The test itself: a metadata call missing from the set is caught. */
	TAP_OK(metadata_call("fchmodat2") && metadata_call("file_setattr") &&
	       !descriptor_twin("fchmodat2") && descriptor_twin("fchmod") &&
	       !metadata_call("openat"), "the family test tells the calls apart");
}

/* ---- the interpreter itself ------------------------------------------------------ */

static void check_interpreter(void)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 4, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	uint64_t a[4] = { 0, 4, 0, 0 };
	struct seccomp_data d = data(native_arch(), 7, a);
	TAP_OK(bpf_run(prog, ARRAY_SIZE(prog), &d) == (SECCOMP_RET_ERRNO | 1),
	       "interpreter: jeq taken");
	d.nr = 8;
	TAP_OK(bpf_run(prog, ARRAY_SIZE(prog), &d) == SECCOMP_RET_KILL_PROCESS,
	       "interpreter: jset taken");
	d.args[1] = 0;
	TAP_OK(bpf_run(prog, ARRAY_SIZE(prog), &d) == SECCOMP_RET_ALLOW,
	       "interpreter: jset not taken");
	struct sock_filter off_end[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0) };
	TAP_OK(bpf_run(off_end, 1, &d) == BPF_INTERP_BAD, "interpreter: falling off the end is bad");
	struct sock_filter outside[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
					 BPF_STMT(BPF_RET | BPF_K, 0) };
	TAP_OK(bpf_run(outside, 2, &d) == BPF_INTERP_BAD, "interpreter: a load outside is bad");
}

/* ---- the table's own invariants ----------------------------------------------------- */

/* The program's execs: with user notification an allowed execve goes to
 * the supervisor, which lets it continue after its report; landjail's own
 * execveat(AT_FDCWD, ..., 0) passes outright; an execveat that a deny line
 * refuses stays refused in every other form. */
static void check_exec_rules(void)
{
	struct policy p;
	policy_init(&p);
	add_rule(&p, "execveat", false);
	struct seccomp_plan plan;
	TAP_OK(seccomp_compile(&p, 7, true, &plan) == 0, "deny = execveat compiles");
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.arch = native_arch();
	d.nr = sysname_nr("execve");
	int err;
	TAP_OK(bpf_run(plan.insns, plan.len, &d) == SECCOMP_RET_USER_NOTIF &&
	       seccomp_answer(&plan, &d, &err) == ANSWER_CONTINUE,
	       "the program's execve goes to the supervisor, which lets it continue");
	d.nr = sysname_nr("execveat");
	d.args[0] = (uint64_t)(int64_t)-100; /* AT_FDCWD */
	TAP_OK(bpf_run(plan.insns, plan.len, &d) == SECCOMP_RET_ALLOW,
	       "execveat(AT_FDCWD, ..., 0), landjail's start of the program, passes");
	d.args[0] = 3;
	TAP_OK(bpf_run(plan.insns, plan.len, &d) == SECCOMP_RET_USER_NOTIF &&
	       seccomp_answer(&plan, &d, &err) != ANSWER_CONTINUE,
	       "deny = execveat: execveat on a descriptor is refused");
	d.args[0] = (uint64_t)(int64_t)-100;
	d.args[4] = 0x1000; /* AT_EMPTY_PATH */
	TAP_OK(bpf_run(plan.insns, plan.len, &d) == SECCOMP_RET_USER_NOTIF &&
	       seccomp_answer(&plan, &d, &err) != ANSWER_CONTINUE,
	       "deny = execveat: execveat with flags is refused");
	seccomp_plan_free(&plan);
	policy_free(&p);
}

/* personality: the Linux personas and the query pass, a flag that
 * weakens what the program execs next does not, whatever the high half;
 * with and without a supervisor to report it. */
static void check_personality(void)
{
	static const struct {
		uint64_t value;
		bool allowed;
	} cases[] = {
		{ 0xffffffff, true }, { 0, true }, { 8, true }, { 0x20000, true },
		{ 0x20008, true }, { 0x100000000ULL, true }, { 0x40000, false } /* ADDR_NO_RANDOMIZE */,
		{ 0x400000, false } /* READ_IMPLIES_EXEC */, { 0x100000 , false } /* MMAP_PAGE_ZERO */,
		{ 0x40008, false }, { 0xffffffff00040000ULL, false }, { 0xfffffffe, false },
	};
	for (int notify = 0; notify < 2; notify++) {
		struct policy p;
		policy_init(&p);
		struct seccomp_plan plan;
		if (seccomp_compile(&p, 7, notify, &plan) != 0) {
			TAP_OK(false, "an ad hoc policy compiles (notify %d)", notify);
			policy_free(&p);
			continue;
		}
		struct seccomp_data d;
		memset(&d, 0, sizeof(d));
		d.arch = native_arch();
		d.nr = sysname_nr("personality");
		unsigned wrong = 0;
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			d.args[0] = cases[i].value;
			uint32_t ret = bpf_run(plan.insns, plan.len, &d);
			int err;
			bool passes = ret == SECCOMP_RET_ALLOW ||
				      (ret == SECCOMP_RET_USER_NOTIF &&
				       seccomp_answer(&plan, &d, &err) == ANSWER_CONTINUE);
			wrong += passes != cases[i].allowed;
		}
		TAP_OK(wrong == 0, "personality (notify %d): PER_LINUX, PER_LINUX32, UNAME26 and the "
		       "query pass, ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC and MMAP_PAGE_ZERO do not "
		       "(%u of %zu wrong)", notify, wrong, ARRAY_SIZE(cases));
		seccomp_plan_free(&plan);
		policy_free(&p);
	}
}

static void check_table(void)
{
	struct policy p;
	policy_init(&p);
	add_rule(&p, "execve", false); /* refused by the section reader; the table still allows */
	add_rule(&p, "@default", false);
	struct seccomp_plan plan;
	TAP_OK(seccomp_compile(&p, 7, true, &plan) == 0, "deny = @default compiles");
	TAP_OK(plan.why[sysname_nr("execve")] == WHY_NEEDED &&
	       plan.verdict[sysname_nr("exit_group")] == VERDICT_ALLOW,
	       "execve and exit_group stay allowed: the child needs them");
	TAP_OK(plan.verdict[sysname_nr("brk")] == VERDICT_REFUSE &&
	       plan.why[sysname_nr("brk")] == WHY_DENIED, "the rest of @default is refused");
	seccomp_plan_free(&plan);
	policy_free(&p);
	check_exec_rules();
	check_personality();
	/* No pseudo-number ever reaches a table: names this architecture
	 * lacks resolve to -1 (fork on aarch64, socketcall on x86_64). */
	TAP_OK(sysname_nr("socketcall") < SECCOMP_MAX_NR, "a foreign name is no index");
	TAP_OK(sysname_nr("no_such_call") == -1, "an unknown name is -1");
#if defined(__aarch64__)
	TAP_OK(sysname_nr("fork") == -1 && sysname_nr("vfork") == -1,
	       "aarch64: fork and vfork do not exist");
#endif
}

int main(void)
{
	const char *dir = getenv("PROFILES");
	bool quick = getenv("LANDJAIL_TEST_QUICK") != NULL;
	/* Under qemu-user (the aarch64 run) the seccomp syscall is not
	 * emulated and libseccomp would see API level 1, without the kill
	 * and notify actions; the program it compiles does not depend on the
	 * level otherwise.  Natively this machine's kernel says 6 already. */
	if (seccomp_api_get() < 5)
		seccomp_api_set(5);
	check_interpreter();
	check_table();
	check_family();
	generated_bases();
	if (dir)
		shipped_bases(dir);
	for (size_t b = 0; b < n_bases; b++)
		fix_lists(&bases[b]);
	combinations(quick);
	if (dir)
		check_length();
	for (size_t b = 0; b < n_bases; b++)
		policy_free(&bases[b]);
	return tap_done();
}
