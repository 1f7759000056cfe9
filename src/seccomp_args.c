/* The BPF builder: the verdict table into libseccomp rules, and the
 * argument rules that refine a call the table allows (VERDICT_ARGS).
 * A call the table refuses gets no argument rule: a deny is the last
 * word, and nothing here can widen it. */
#include "syscall_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include "fdguard.h"
#include "netpolicy.h"

struct build {
	scmp_filter_ctx ctx;
	const struct seccomp_plan *plan;
	uint32_t dflt;   /* for calls no rule names */
	uint32_t hard;   /* a refused call or form (VERDICT_REFUSE) */
	uint32_t logged; /* VERDICT_LOG */
	uint32_t sock;   /* a forbidden socket family or type, or Fast Open */
	int nr_sendmsg;  /* the handover's call, resolved once */
	int nr_ioctl, nr_prlimit, nr_fcntl, nr_personality; /* the calls whose rules are a switch */
	int err;
};

static void rule(struct build *b, uint32_t action, int nr, unsigned n,
		 const struct scmp_arg_cmp *cmp)
{
	if (b->err || action == b->dflt)
		return; /* falls to the default anyway; libseccomp refuses it */
	int rc = seccomp_rule_add_exact_array(b->ctx, action, nr, n, cmp);
	if (rc < 0)
		b->err = rc;
}

static struct scmp_arg_cmp eq32(unsigned arg, uint64_t v)
{
	return (struct scmp_arg_cmp){ .arg = arg, .op = SCMP_CMP_MASKED_EQ,
				      .datum_a = SECCOMP_LOW32, .datum_b = v & SECCOMP_LOW32 };
}

/* Rules (action) for every value whose low 32 bits are NOT in set: the
 * kernel reads these arguments as int, so the high half must not matter.
 * Walks the bits from the top; a branch that no member of set takes is
 * one masked comparison.  pre[0..npre) are conditions on other arguments. */
static void not_in(struct build *b, uint32_t action, int nr, unsigned arg,
		   const uint64_t *set, size_t n, const struct scmp_arg_cmp *pre, unsigned npre,
		   int bit, uint64_t mask, uint64_t value)
{
	size_t match = 0;
	for (size_t i = 0; i < n; i++)
		match += (set[i] & mask) == value;
	if (match == 0 || bit < 0) {
		if (match)
			return; /* exactly a member */
		struct scmp_arg_cmp c[4];
		memcpy(c, pre, npre * sizeof(*c));
		c[npre] = (struct scmp_arg_cmp){ .arg = arg, .op = SCMP_CMP_MASKED_EQ,
						 .datum_a = mask, .datum_b = value };
		rule(b, action, nr, npre + 1, c);
		return;
	}
	uint64_t m = mask | (1ULL << bit);
	not_in(b, action, nr, arg, set, n, pre, npre, bit - 1, m, value);
	not_in(b, action, nr, arg, set, n, pre, npre, bit - 1, m, value | (1ULL << bit));
}

static void not_in32(struct build *b, uint32_t action, int nr, unsigned arg,
		     const uint64_t *set, size_t n, const struct scmp_arg_cmp *pre, unsigned npre)
{
	not_in(b, action, nr, arg, set, n, pre, npre, 31, 0, 0);
}

/* A stream socket with protocol 0 or IPPROTO_TCP, and nothing else. */
static void tcp_family_rules(struct build *b, int nr, uint64_t family)
{
	struct scmp_arg_cmp c[3] = { eq32(0, family) };
	for (uint64_t t = 0; t < 16; t++) {
		c[1] = (struct scmp_arg_cmp){ .arg = 1, .op = SCMP_CMP_MASKED_EQ,
					      .datum_a = 0xf, .datum_b = t };
		if (t != SOCK_STREAM)
			rule(b, b->sock, nr, 2, c);
	}
	c[1] = (struct scmp_arg_cmp){ .arg = 1, .op = SCMP_CMP_MASKED_EQ,
				      .datum_a = 0xf, .datum_b = SOCK_STREAM };
	static const uint64_t tcp_protocols[] = { 0, IPPROTO_TCP };
	not_in32(b, b->sock, nr, 2, tcp_protocols, 2, c, 2);
	for (size_t j = 0; j < 2; j++) {
		c[2] = eq32(2, tcp_protocols[j]);
		rule(b, SCMP_ACT_ALLOW, nr, 3, c);
	}
}

/* socket() and socketpair(): which families [network] lets the program create. */
static void socket_rules(struct build *b, int nr)
{
	const struct policy *p = b->plan->p;
	uint64_t fam[3];
	size_t n = 0;
	struct scmp_arg_cmp none = { 0 };
	if (policy_net_mode(p) == NET_UNRESTRICTED) {
		fam[n++] = AF_UNIX; /* unix = deny: only AF_UNIX is refused */
		not_in32(b, SCMP_ACT_ALLOW, nr, 0, fam, n, &none, 0);
		struct scmp_arg_cmp c = eq32(0, AF_UNIX);
		rule(b, b->sock, nr, 1, &c);
		return;
	}
	if (policy_net_unix_allowed(p))
		fam[n++] = AF_UNIX;
	if (b->plan->tcp) {
		fam[n++] = AF_INET;
		fam[n++] = AF_INET6;
	}
	not_in32(b, b->sock, nr, 0, fam, n, &none, 0);
	for (size_t i = 0; i < n; i++) {
		struct scmp_arg_cmp c = eq32(0, fam[i]);
		if (fam[i] == AF_UNIX)
			rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
		else
			tcp_family_rules(b, nr, fam[i]);
	}
}

/* TCP Fast Open connects from inside sendto()/sendmsg() without passing
 * the connect hook that Landlock's TCP port rules use: with mode = tcp
 * the flag is refused, and the program falls back to connect(). */
static unsigned fastopen_flags_arg(int nr)
{
	return nr == sysname_nr("sendmsg") ? 2 : 3;
}

static void fastopen_rules(struct build *b, int nr)
{
	struct scmp_arg_cmp c = { .arg = fastopen_flags_arg(nr), .op = SCMP_CMP_MASKED_EQ,
				  .datum_a = MSG_FASTOPEN, .datum_b = MSG_FASTOPEN };
	rule(b, b->sock, nr, 1, &c);
	c.datum_b = 0;
	rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
}

/* prlimit64 on any process but itself (pid 0) would let the sandbox
 * change the limits of landjail's supervisor and starve it (Landlock does
 * not govern prlimit): only pid 0. */
static void prlimit_rules(struct build *b, int nr)
{
	static const uint64_t self[] = { 0 };
	struct scmp_arg_cmp none = { 0 }, c = eq32(0, 0);
	not_in32(b, b->hard, nr, 0, self, 1, &none, 0);
	rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
}

/* The personas a program may set: Linux, with the 32-bit uname and the
 * 2.6 version number that old builds ask for, and the query.  Every
 * other persona or flag (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC,
 * MMAP_PAGE_ZERO, ADDR_LIMIT_*, ...) is inherited by what the program
 * execs and weakens its memory protections; the kernel reads the
 * argument as unsigned int.  The set Docker's default profile allows;
 * systemd's LockPersonality= is stricter still. */
static const uint64_t personas[] = { PER_LINUX, PER_LINUX32, UNAME26, UNAME26 | PER_LINUX32,
				     0xffffffffU };

static void personality_rules(struct build *b, int nr)
{
	struct scmp_arg_cmp none = { 0 };
	not_in32(b, b->hard, nr, 0, personas, ARRAY_SIZE(personas), &none, 0);
	for (size_t i = 0; i < ARRAY_SIZE(personas); i++) {
		struct scmp_arg_cmp c = eq32(0, personas[i]);
		rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
	}
}

static uint32_t fd_check(const struct build *b);

/* Terminal input injection is never allowed; the requests that set a
 * file's attributes are checked like fchmod (fdguard.h). */
static const uint64_t injecting[] = { TIOCSTI, TIOCLINUX };

static void ioctl_rules(struct build *b, int nr)
{
	uint64_t set[8];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(injecting); i++)
		set[n++] = injecting[i];
	for (size_t i = 0; i < fdguard_n_ioctls && n < ARRAY_SIZE(set); i++)
		set[n++] = fdguard_ioctls[i];
	struct scmp_arg_cmp none = { 0 };
	not_in32(b, SCMP_ACT_ALLOW, nr, 1, set, n, &none, 0);
	for (size_t i = 0; i < n; i++) {
		struct scmp_arg_cmp c = eq32(1, set[i]);
		rule(b, i < ARRAY_SIZE(injecting) ? b->hard : fd_check(b), nr, 1, &c);
	}
}

/* fork and vfork under sandbox-processes: to the supervisor, which counts. */
static void counted_rules(struct build *b, int nr)
{
	rule(b, b->plan->why[nr] == WHY_COUNTED ? SCMP_ACT_NOTIFY : SCMP_ACT_ALLOW, nr, 0, NULL);
}

/* No namespace flag ever; without fork = yes, threads only; under
 * sandbox-processes, threads pass and a new process goes to the
 * supervisor. */
static void clone_rules(struct build *b, int nr)
{
	bool fork = b->plan->fork;
	bool counted = b->plan->why[nr] == WHY_COUNTED;
	struct scmp_arg_cmp c = { .arg = 0, .op = SCMP_CMP_MASKED_EQ };
	/* Threads, always; with fork = yes a new process too, with a
	 * descriptor table of its own (below), and under sandbox-processes
	 * it goes to the supervisor, which counts. */
	c.datum_a = SECCOMP_CLONE_NEW_ANY | CLONE_THREAD;
	c.datum_b = CLONE_THREAD;
	rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
	if (fork) {
		c.datum_a = SECCOMP_CLONE_NEW_ANY | CLONE_THREAD | CLONE_FILES;
		c.datum_b = 0;
		rule(b, counted ? SCMP_ACT_NOTIFY : SCMP_ACT_ALLOW, nr, 1, &c);
	}
	for (int bit = 0; bit < 64; bit++) {
		if (!((uint64_t)SECCOMP_CLONE_NEW_ANY & (1ULL << bit)))
			continue;
		c.datum_a = c.datum_b = 1ULL << bit;
		rule(b, b->hard, nr, 1, &c);
	}
	if (!fork) {
		c.datum_a = CLONE_THREAD;
		c.datum_b = 0;
		rule(b, b->hard, nr, 1, &c);
		return;
	}
	/* A process sharing the caller's descriptor table could switch a
	 * descriptor under a call the supervisor has checked (fdguard.h):
	 * CLONE_FILES only for threads. */
	c.datum_a = SECCOMP_CLONE_NEW_ANY | CLONE_THREAD | CLONE_FILES;
	c.datum_b = CLONE_FILES;
	rule(b, b->hard, nr, 1, &c);
}

/* A metadata or size change through a descriptor (fdguard.h): to the
 * supervisor, which checks the file behind it; without a supervisor to
 * ask, refused on every descriptor. */
static uint32_t fd_check(const struct build *b)
{
	return b->plan->notify ? SCMP_ACT_NOTIFY : SCMP_ACT_ERRNO(EPERM);
}

/* The *at forms act on their descriptor with AT_EMPTY_PATH; without it
 * they go by path, which the table allowed. */
static void fdguard_rules(struct build *b, int nr)
{
	const struct fdguard_call *g = fdguard_call_of(nr);
	if (g->flags_arg < 0) {
		rule(b, fd_check(b), nr, 0, NULL);
		return;
	}
	struct scmp_arg_cmp c = { .arg = (unsigned)g->flags_arg, .op = SCMP_CMP_MASKED_EQ,
				  .datum_a = AT_EMPTY_PATH, .datum_b = AT_EMPTY_PATH };
	rule(b, fd_check(b), nr, 1, &c);
	c.datum_b = 0;
	rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
}

/* [limits] disk (disklimit.h): a name leaves the scratch directory only
 * once the supervisor holds the file; no unnamed file (O_TMPFILE), which
 * no watch would see. */
static void removal_rules(struct build *b, int nr)
{
	rule(b, SCMP_ACT_NOTIFY, nr, 0, NULL);
}

#define LJ_O_TMPFILE_BIT (O_TMPFILE & ~O_DIRECTORY)

static void tmpfile_rules(struct build *b, int nr)
{
	struct scmp_arg_cmp c = { .arg = nr == sysname_nr("open") ? 1 : 2,
				  .op = SCMP_CMP_MASKED_EQ, .datum_a = LJ_O_TMPFILE_BIT,
				  .datum_b = LJ_O_TMPFILE_BIT };
	rule(b, SCMP_ACT_ERRNO(EOPNOTSUPP), nr, 1, &c);
	c.datum_b = 0;
	rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
}

/* fcntl(F_SETFL) without O_APPEND (fdguard_unappends): to the supervisor;
 * without one, refused on 0-2, which may be the application's log (a
 * copy under another number is then out of reach: -v says so). */
static void fcntl_rules(struct build *b, int nr)
{
	static const uint64_t setfl[] = { F_SETFL };
	struct scmp_arg_cmp none = { 0 };
	not_in32(b, SCMP_ACT_ALLOW, nr, 1, setfl, 1, &none, 0);
	struct scmp_arg_cmp c[3] = { eq32(1, F_SETFL),
				     { .arg = 2, .op = SCMP_CMP_MASKED_EQ, .datum_a = O_APPEND,
				       .datum_b = O_APPEND } };
	rule(b, SCMP_ACT_ALLOW, nr, 2, c);
	c[1].datum_b = 0;
	if (b->plan->notify) {
		rule(b, SCMP_ACT_NOTIFY, nr, 2, c);
		return;
	}
	static const uint64_t std[] = { 0, 1, 2 };
	not_in32(b, SCMP_ACT_ALLOW, nr, 0, std, 3, c, 2);
	for (size_t i = 0; i < ARRAY_SIZE(std); i++) {
		c[2] = eq32(0, std[i]);
		rule(b, SCMP_ACT_ERRNO(EPERM), nr, 3, c);
	}
}

/* utimensat with a NULL path is futimens: checked like the other
 * descriptor forms.  By path it is always denied, unless a profile
 * allows it, and then its AT_EMPTY_PATH form is checked too. */
static void utimensat_rules(struct build *b, int nr)
{
	struct scmp_arg_cmp c[2] = { { .arg = 1, .op = SCMP_CMP_EQ, .datum_a = 0 } };
	rule(b, fd_check(b), nr, 1, c);
	c[0].op = SCMP_CMP_NE;
	if (b->plan->why[nr] == WHY_ALWAYS) {
		rule(b, b->hard, nr, 1, c);
		return;
	}
	c[1] = (struct scmp_arg_cmp){ .arg = 3, .op = SCMP_CMP_MASKED_EQ,
				      .datum_a = AT_EMPTY_PATH, .datum_b = AT_EMPTY_PATH };
	rule(b, fd_check(b), nr, 2, c);
	c[1].datum_b = 0;
	rule(b, SCMP_ACT_ALLOW, nr, 2, c);
}

/* The program's execs (exec_verdicts in seccomp_verdict.c): one the table
 * allows goes to the supervisor for a report, if there is one; one it
 * refuses gets the refusal. */
static uint32_t exec_action(struct build *b, int nr)
{
	const struct seccomp_plan *plan = b->plan;
	if (seccomp_exec_allowed(plan, nr))
		return plan->notify ? SCMP_ACT_NOTIFY : SCMP_ACT_ALLOW;
	if (plan->why[nr] == WHY_UNLISTED && plan->p->sys.dflt == SYS_LOG)
		return b->logged;
	return b->hard;
}

static void execve_rules(struct build *b, int nr)
{
	rule(b, exec_action(b, nr), nr, 0, NULL);
}

/* landjail's own execveat(AT_FDCWD, path, argv, envp, 0) of the program
 * (sandbox.c) passes in every filter: the supervisor is still suspended
 * in vfork and could not answer.  The program may use the same form to
 * skip the report, not Landlock, which still decides. */
static void execveat_rules(struct build *b, int nr)
{
	uint32_t other = exec_action(b, nr);
	/* The kernel reads the descriptor as an int: compare the low half. */
	struct scmp_arg_cmp first[2] = {
		eq32(0, (uint64_t)(int64_t)AT_FDCWD),
		{ .arg = 4, .op = SCMP_CMP_EQ, .datum_a = 0 },
	};
	rule(b, SCMP_ACT_ALLOW, nr, 2, first);
	static const uint64_t cwd[] = { (uint64_t)(uint32_t)AT_FDCWD };
	not_in32(b, other, nr, 0, cwd, 1, first, 0);
	struct scmp_arg_cmp flags = { .arg = 4, .op = SCMP_CMP_NE, .datum_a = 0 };
	rule(b, other, nr, 1, &flags);
}

/* The argument rules, by call: the table seccomp_verdict.c's refined[]
 * and utimensat name (test_seccomp checks that every VERDICT_ARGS call
 * has one). */
static const struct {
	const char *name;
	void (*emit)(struct build *b, int nr);
} arg_rules[] = {
	{ "clone", clone_rules },       { "execve", execve_rules },
	{ "fork", counted_rules },      { "vfork", counted_rules },
	{ "execveat", execveat_rules }, { "ioctl", ioctl_rules },
	{ "prlimit64", prlimit_rules }, { "sendmmsg", fastopen_rules },
	{ "personality", personality_rules },
	{ "sendmsg", fastopen_rules },  { "sendto", fastopen_rules },
	{ "socket", socket_rules },     { "socketpair", socket_rules },
	{ "utimensat", utimensat_rules },
	{ "fchmod", fdguard_rules },    { "fchown", fdguard_rules },
	{ "ftruncate", fdguard_rules }, { "fallocate", fdguard_rules },
	{ "fsetxattr", fdguard_rules }, { "fremovexattr", fdguard_rules },
	{ "fchownat", fdguard_rules },  { "fchmodat2", fdguard_rules },
	{ "setxattrat", fdguard_rules }, { "removexattrat", fdguard_rules },
	{ "file_setattr", fdguard_rules },
	{ "fcntl", fcntl_rules },
	{ "unlink", removal_rules },    { "unlinkat", removal_rules },
	{ "rename", removal_rules },    { "renameat", removal_rules },
	{ "renameat2", removal_rules }, { "open", tmpfile_rules },
	{ "openat", tmpfile_rules },
};

static bool refine(struct build *b, int nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(arg_rules); i++) {
		if (sysname_nr(arg_rules[i].name) == nr) {
			arg_rules[i].emit(b, nr);
			return true;
		}
	}
	return false;
}

/* The child hands the listener over with one sendmsg on plan->sock[1]
 * after loading the filter: that call must never be refused or trapped
 * (a trap would wait for a supervisor suspended in vfork).  Only that
 * descriptor: sendmsg on any other stays refused. */
static bool handover(struct build *b, int nr, uint32_t action)
{
	const struct seccomp_plan *plan = b->plan;
	if (!plan->notify || nr != b->nr_sendmsg)
		return false;
	struct scmp_arg_cmp c = { .arg = 0, .op = SCMP_CMP_EQ,
				  .datum_a = (uint64_t)(uint32_t)plan->sock[1] };
	rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
	c.op = SCMP_CMP_NE;
	rule(b, action, nr, 1, &c);
	return true;
}

static void emit(struct build *b, int nr)
{
	switch ((enum verdict)b->plan->verdict[nr]) {
	case VERDICT_ALLOW:
		rule(b, SCMP_ACT_ALLOW, nr, 0, NULL);
		break;
	case VERDICT_LOG:
		if (!handover(b, nr, b->logged))
			rule(b, b->logged, nr, 0, NULL);
		break;
	case VERDICT_ARGS:
		if (!refine(b, nr))
			b->err = -EINVAL; /* a table without its rule: fail closed */
		break;
	case VERDICT_ENOSYS:
		rule(b, SCMP_ACT_ERRNO(ENOSYS), nr, 0, NULL);
		break;
	case VERDICT_EACCES:
		rule(b, SCMP_ACT_ERRNO(EACCES), nr, 0, NULL);
		break;
	default:
		if (!handover(b, nr, b->hard))
			rule(b, b->hard, nr, 0, NULL);
		break;
	}
}

static void actions(struct build *b)
{
	const struct seccomp_plan *plan = b->plan;
	int dflt = plan->p->sys.dflt;
	if (plan->notify) {
		b->hard = b->logged = b->sock = SCMP_ACT_NOTIFY;
	} else {
		b->hard = dflt == SYS_KILL ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(EPERM);
		b->logged = SCMP_ACT_LOG;
		b->sock = SCMP_ACT_ERRNO(EACCES);
	}
	b->dflt = !plan->allowlist ? SCMP_ACT_ALLOW : dflt == SYS_LOG ? b->logged : b->hard;
}

/* The one action nr gets whatever its arguments, as the kernel's return
 * value, exactly what the rules of emit() come to; false when arguments
 * decide (VERDICT_ARGS, the handover's sendmsg).  A number without a
 * name gets no rule, so the default. */
static bool plain_action(const struct build *b, int nr, uint32_t *action)
{
	*action = b->dflt;
	if (nr < 0 || nr >= SECCOMP_MAX_NR || !sysname_name(nr))
		return true;
	bool handover = b->plan->notify && nr == b->nr_sendmsg;
	switch ((enum verdict)b->plan->verdict[nr]) {
	case VERDICT_ALLOW: *action = SCMP_ACT_ALLOW; return true;
	case VERDICT_LOG: *action = b->logged; return !handover;
	case VERDICT_ARGS: return false;
	case VERDICT_ENOSYS: *action = SCMP_ACT_ERRNO(ENOSYS); return true;
	case VERDICT_EACCES: *action = SCMP_ACT_ERRNO(EACCES); return true;
	default: *action = b->hard; return !handover;
	}
}

/* Does nr need a rule of its own?  Most of the table is what the
 * default action does anyway; of the rest, only numbers this
 * architecture has (libseccomp knows them, or compat.h) get rules. */
static bool needs_rule(const struct build *b, int nr)
{
	uint32_t action;
	return !plain_action(b, nr, &action) || action != b->dflt;
}

/* ---- the same rules as switches (syscall_filter.h) ----------------------
 * for the range dispatch, which compares these arguments itself.  The
 * rules above stay libseccomp's whole filter, which test_seccomp runs
 * against the program: the two forms must agree on every vector. */

static struct seccomp_test *test_add(struct seccomp_switch *sw, unsigned arg, uint32_t mask,
				     uint32_t otherwise, unsigned next_otherwise)
{
	if (sw->n_tests == SECCOMP_SWITCH_TESTS) {
		sw->overflow = true;
		return &sw->test[SECCOMP_SWITCH_TESTS - 1];
	}
	struct seccomp_test *t = &sw->test[sw->n_tests++];
	*t = (struct seccomp_test){ .arg = arg, .mask = mask, .otherwise = otherwise,
				    .next_otherwise = next_otherwise };
	return t;
}

static void case_add(struct seccomp_switch *sw, struct seccomp_test *t, uint64_t value,
		     uint32_t action, unsigned next)
{
	if (t->n == SECCOMP_SWITCH_MAX) {
		sw->overflow = true; /* a value left out would be let through */
		return;
	}
	t->value[t->n] = (uint32_t)value;
	t->action[t->n] = action;
	t->next[t->n++] = next;
}

static void prlimit_switch(const struct build *b, struct seccomp_switch *sw)
{
	struct seccomp_test *t = test_add(sw, 0, UINT32_MAX, b->hard, 0);
	case_add(sw, t, 0, SCMP_ACT_ALLOW, 0);
}

static void personality_switch(const struct build *b, struct seccomp_switch *sw)
{
	struct seccomp_test *t = test_add(sw, 0, UINT32_MAX, b->hard, 0);
	for (size_t i = 0; i < ARRAY_SIZE(personas); i++)
		case_add(sw, t, personas[i], SCMP_ACT_ALLOW, 0);
}

static void ioctl_switch(const struct build *b, struct seccomp_switch *sw)
{
	struct seccomp_test *t = test_add(sw, 1, UINT32_MAX, SCMP_ACT_ALLOW, 0);
	for (size_t i = 0; i < ARRAY_SIZE(injecting); i++)
		case_add(sw, t, injecting[i], b->hard, 0);
	for (size_t i = 0; i < fdguard_n_ioctls; i++)
		case_add(sw, t, fdguard_ioctls[i], fd_check(b), 0);
}

/* fcntl_rules: F_SETFL (1) without O_APPEND (2) to the supervisor, or
 * refused on 0-2 (3). */
static void fcntl_switch(const struct build *b, struct seccomp_switch *sw)
{
	struct seccomp_test *cmd = test_add(sw, 1, UINT32_MAX, SCMP_ACT_ALLOW, 0);
	case_add(sw, cmd, F_SETFL, 0, 1);
	bool notify = b->plan->notify;
	struct seccomp_test *append = test_add(sw, 2, O_APPEND, SCMP_ACT_NOTIFY, notify ? 0 : 2);
	case_add(sw, append, O_APPEND, SCMP_ACT_ALLOW, 0);
	if (notify)
		return;
	struct seccomp_test *fd = test_add(sw, 0, UINT32_MAX, SCMP_ACT_ALLOW, 0);
	for (uint64_t i = 0; i < 3; i++)
		case_add(sw, fd, i, SCMP_ACT_ERRNO(EPERM), 0);
}

/* Are nr's argument rules a switch (ioctl, prlimit64, fcntl, personality)?  Then *sw. */
static bool arg_switch(const struct build *b, int nr, struct seccomp_switch *sw)
{
	if (nr < 0 || nr >= SECCOMP_MAX_NR || b->plan->verdict[nr] != VERDICT_ARGS ||
	    !sysname_name(nr))
		return false;
	*sw = (struct seccomp_switch){ 0 };
	if (nr == b->nr_ioctl)
		ioctl_switch(b, sw);
	else if (nr == b->nr_prlimit)
		prlimit_switch(b, sw);
	else if (nr == b->nr_fcntl)
		fcntl_switch(b, sw);
	else if (nr == b->nr_personality)
		personality_switch(b, sw);
	else
		return false;
	return !sw->overflow;
}

static void build_init(struct build *b, const struct seccomp_plan *plan)
{
	*b = (struct build){ .plan = plan, .nr_sendmsg = sysname_nr("sendmsg"),
			     .nr_ioctl = sysname_nr("ioctl"), .nr_prlimit = sysname_nr("prlimit64"),
			     .nr_fcntl = sysname_nr("fcntl"),
			     .nr_personality = sysname_nr("personality") };
	actions(b);
}

void seccomp_plain_actions(const struct seccomp_plan *plan, int64_t *action, uint32_t *dflt)
{
	struct build b;
	build_init(&b, plan);
	*dflt = b.dflt;
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
		uint32_t a;
		struct seccomp_switch sw;
		if (plain_action(&b, nr, &a))
			action[nr] = a;
		else
			action[nr] = arg_switch(&b, nr, &sw) ? SECCOMP_SWITCH : SECCOMP_DEFER;
	}
}

bool seccomp_arg_switch(const struct seccomp_plan *plan, int nr, struct seccomp_switch *sw)
{
	struct build b;
	build_init(&b, plan);
	return arg_switch(&b, nr, sw);
}

int seccomp_build(const struct seccomp_plan *plan, bool args_only, void **out)
{
	struct build b;
	build_init(&b, plan);
	b.ctx = seccomp_init(b.dflt);
	if (!b.ctx)
		return -ENOMEM;
	/* A 64-bit process can still enter the 32-bit table: kill it. */
	int rc = seccomp_attr_set(b.ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (!rc)
		rc = seccomp_attr_set(b.ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (!rc)
		rc = seccomp_attr_set(b.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (int nr = 0; nr < SECCOMP_MAX_NR && !rc && !b.err; nr++) {
		uint32_t plain;
		struct seccomp_switch sw;
		if (args_only ? !plain_action(&b, nr, &plain) && !arg_switch(&b, nr, &sw)
			      : needs_rule(&b, nr))
			emit(&b, nr);
	}
	if (!rc)
		rc = b.err;
	if (rc < 0) {
		seccomp_release(b.ctx);
		return rc;
	}
	*out = b.ctx;
	return 0;
}
