#include "syscall_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "filter_cache.h"
#include "hostenv.h"
#include "netpolicy.h"
#include "report.h"
#include "syscall_groups.h"

/* Denied unless a profile allows them by name or group: each lets a
 * confined program escape or weaken the confinement (DESIGN.md §6). */
static const char always_denied[] =
	"@io-uring @keyring @module @mount @namespace @reboot @file-metadata bpf "
	"perf_event_open userfaultfd ptrace process_vm_readv process_vm_writev";

/* Calls the child makes after loading the filter; they cannot be denied. */
static const char *const needed_to_start[] = { "execve", "exit", "exit_group" };

#define CLONE_NEW_ANY (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
		       CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define LOW32 0xffffffffULL
#define LANDLOCK_ABI_TRUNCATE 3

static const char *const default_names[] = {
	[SYS_KILL] = "kill", [SYS_ERRNO] = "errno", [SYS_LOG] = "log",
};

/* ---- [syscalls] ------------------------------------------------------------ */

static bool known_name(struct keyctx *k, const char *key, const char *name)
{
	if (name[0] == '@') {
		if (syscall_group_find(name))
			return true;
		key_error(k, "%s: unknown syscall group \"%s\" (groups are listed in "
			  "landjail.profile(5))", key, name);
		return false;
	}
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) {
		key_error(k, "%s: unknown syscall \"%s\"", key, name);
		return false;
	}
	if (nr < 0)
		diag_info("%s:%u: syscall %s does not exist on this architecture",
			  key_origin(k).file, key_origin(k).line, name);
	return true;
}

void syscalls_key(struct keyctx *k, const char *key, const char *value)
{
	struct policy *p = key_policy(k);
	if (strcmp(key, "default") == 0) {
		for (int i = 0; i < (int)ARRAY_SIZE(default_names); i++) {
			if (strcmp(value, default_names[i]) == 0) {
				p->sys.dflt = i;
				p->sys.default_at = key_origin(k);
				return;
			}
		}
		key_error(k, "default must be kill, errno or log, not \"%s\"", value);
		return;
	}
	if (strcmp(key, "fork") == 0) {
		int b = key_bool(value);
		if (b < 0)
			key_error(k, "fork must be yes or no, not \"%s\"", value);
		else
			p->sys.fork = b;
		return;
	}
	bool allow = strcmp(key, "allow") == 0;
	if (!allow && strcmp(key, "deny") != 0) {
		key_unknown(k, "syscalls", key, "default allow deny fork");
		return;
	}
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	for (size_t i = 0; i < words.n; i++) {
		const char *name = words.v[i];
		bool needed = false;
		for (size_t j = 0; j < ARRAY_SIZE(needed_to_start); j++)
			needed |= strcmp(name, needed_to_start[j]) == 0;
		if (!allow && needed) {
			key_error(k, "deny: %s cannot be denied: landjail needs it to start "
				  "the program", name);
			continue;
		}
		if (!known_name(k, key, name))
			continue;
		struct sys_policy *s = &p->sys;
		s->rules = grow_array(s->rules, sizeof(*s->rules), s->n_rules, &s->cap_rules);
		s->rules[s->n_rules++] = (struct sys_rule){
			.name = xstrdup(name), .allow = allow, .at = key_origin(k),
		};
	}
	strv_free(&words);
}

void syscalls_print_ini(FILE *out, const struct policy *p)
{
	const struct sys_policy *s = &p->sys;
	if (s->dflt == SYS_UNSET && !s->n_rules && s->fork < 0)
		return;
	fputs("[syscalls]\n", out);
	if (s->dflt != SYS_UNSET)
		fprintf(out, "default = %s\n", default_names[s->dflt]);
	if (s->fork >= 0)
		fprintf(out, "fork = %s\n", s->fork ? "yes" : "no");
	for (size_t i = 0; i < s->n_rules; i++)
		fprintf(out, "%s = %s\n", s->rules[i].allow ? "allow" : "deny", s->rules[i].name);
}

/* ---- name sets ------------------------------------------------------------- */

/* Mark every syscall that name (a syscall or an @group) stands for. */
static void mark(unsigned char *set, const char *name, int depth)
{
	if (name[0] != '@') {
		int nr = seccomp_syscall_resolve_name(name);
		if (nr >= 0 && nr < SECCOMP_MAX_NR)
			set[nr] = 1;
		return;
	}
	const struct syscall_group *g = syscall_group_find(name);
	if (!g || depth > 8)
		return;
	char *copy = xstrdup(g->members), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		mark(set, w, depth + 1);
	free(copy);
}

static void mark_list(unsigned char *set, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		mark(set, w, 0);
	free(copy);
}

static bool test_hook(const char *name)
{
#ifdef LANDJAIL_TEST_HOOKS
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
#else
	(void)name;
	return false;
#endif
}

static bool user_notif_available(void)
{
	unsigned action = SECCOMP_RET_USER_NOTIF;
	if (test_hook("LANDJAIL_TEST_NO_USER_NOTIF"))
		return false;
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

static void plan_sets(const struct policy *p, int abi, struct seccomp_plan *plan)
{
	unsigned char allowed[SECCOMP_MAX_NR] = { 0 };
	memset(plan->permitted, 0, sizeof(plan->permitted));
	memset(plan->denied, 0, sizeof(plan->denied));
	for (size_t i = 0; i < p->sys.n_rules; i++)
		mark(p->sys.rules[i].allow ? allowed : plan->denied, p->sys.rules[i].name, 0);
	memset(plan->hard, 0, sizeof(plan->hard));
	mark_list(plan->hard, always_denied);
	plan->allowlist = p->sys.dflt != SYS_UNSET;
	plan->fork = p->sys.fork >= 0 ? p->sys.fork : !plan->allowlist;
	plan->abi = abi;
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
		if (allowed[nr])
			plan->hard[nr] = 0;
		if (plan->denied[nr])
			allowed[nr] = 0;
		bool ok = plan->allowlist ? allowed[nr] : !plan->denied[nr] && !plan->hard[nr];
		plan->permitted[nr] = ok;
	}
	for (size_t i = 0; i < ARRAY_SIZE(needed_to_start); i++) {
		int nr = seccomp_syscall_resolve_name(needed_to_start[i]);
		plan->permitted[nr] = 1;
		plan->hard[nr] = plan->denied[nr] = 0;
	}
}

/* ---- building the filter ----------------------------------------------------- */

struct build {
	scmp_filter_ctx ctx;
	uint32_t dflt;   /* for calls no rule names */
	uint32_t viol;   /* a forbidden call (reported) */
	uint32_t sock;   /* a forbidden socket family or type */
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
				      .datum_a = LOW32, .datum_b = v & LOW32 };
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

/* socket() and socketpair(): which families [network] lets the program create. */
static void socket_rules(struct build *b, const struct seccomp_plan *plan, int nr)
{
	const struct policy *p = plan->p;
	bool tcp = plan->tcp;
	uint64_t fam[3];
	size_t n = 0;
	if (net_mode(p) == NET_UNRESTRICTED) {
		if (!net_unix_allowed(p))
			fam[n++] = AF_UNIX;
		struct scmp_arg_cmp c = { 0 };
		if (plan->allowlist)
			not_in32(b, SCMP_ACT_ALLOW, nr, 0, fam, n, &c, 0);
		for (size_t i = 0; i < n; i++) {
			c = eq32(0, fam[i]);
			rule(b, b->sock, nr, 1, &c);
		}
		return;
	}
	if (net_unix_allowed(p))
		fam[n++] = AF_UNIX;
	if (tcp) {
		fam[n++] = AF_INET;
		fam[n++] = AF_INET6;
	}
	struct scmp_arg_cmp none = { 0 };
	not_in32(b, b->sock, nr, 0, fam, n, &none, 0);
	for (size_t i = 0; i < n; i++) {
		struct scmp_arg_cmp c[3] = { eq32(0, fam[i]) };
		if (fam[i] == AF_UNIX) {
			if (plan->allowlist)
				rule(b, SCMP_ACT_ALLOW, nr, 1, c);
			continue;
		}
		/* TCP only: a stream socket with protocol 0 or IPPROTO_TCP. */
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
		if (plan->allowlist) {
			for (size_t j = 0; j < 2; j++) {
				c[2] = eq32(2, tcp_protocols[j]);
				rule(b, SCMP_ACT_ALLOW, nr, 3, c);
			}
		}
	}
}

/* TCP Fast Open connects from inside sendto()/sendmsg() without passing
 * the connect hook that Landlock's TCP port rules use: with mode = tcp
 * the flag is refused, and the program falls back to connect(). */
static const struct {
	const char *name;
	unsigned flags_arg;
} fastopen_calls[] = { { "sendto", 3 }, { "sendmsg", 2 }, { "sendmmsg", 3 } };

static bool is_fastopen_call(int nr)
{
	/* Resolved once: the filter build asks for every syscall number. */
	static int nrs[ARRAY_SIZE(fastopen_calls)];
	static bool resolved;
	if (!resolved) {
		for (size_t i = 0; i < ARRAY_SIZE(fastopen_calls); i++)
			nrs[i] = seccomp_syscall_resolve_name(fastopen_calls[i].name);
		resolved = true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(nrs); i++)
		if (nr == nrs[i])
			return true;
	return false;
}

static void fastopen_rules(struct build *b, const struct seccomp_plan *plan)
{
	for (size_t i = 0; i < ARRAY_SIZE(fastopen_calls); i++) {
		int nr = seccomp_syscall_resolve_name(fastopen_calls[i].name);
		if (nr < 0 || !plan->permitted[nr])
			continue;
		struct scmp_arg_cmp c = { .arg = fastopen_calls[i].flags_arg,
					  .op = SCMP_CMP_MASKED_EQ, .datum_a = MSG_FASTOPEN,
					  .datum_b = MSG_FASTOPEN };
		rule(b, b->sock, nr, 1, &c);
		if (plan->allowlist) {
			c.datum_b = 0;
			rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
		}
	}
}

/* prlimit64 on any process but itself (pid 0) would let the sandbox
 * change the limits of landjail's supervisor and starve it (Landlock does
 * not govern prlimit): only pid 0. */
static void prlimit_rules(struct build *b, const struct seccomp_plan *plan, uint32_t hard)
{
	int nr = SCMP_SYS(prlimit64);
	if (!plan->permitted[nr])
		return;
	static const uint64_t self[] = { 0 };
	struct scmp_arg_cmp none = { 0 };
	not_in32(b, hard, nr, 0, self, 1, &none, 0);
	if (plan->allowlist) {
		struct scmp_arg_cmp c = eq32(0, 0);
		rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
	}
}

/* The calls whose arguments decide: sockets, ioctl, clone, prlimit. */
static void argument_rules(struct build *b, const struct seccomp_plan *plan, uint32_t hard)
{
	prlimit_rules(b, plan, hard);
	if (plan->tcp)
		fastopen_rules(b, plan);
	int nr_socket = SCMP_SYS(socket), nr_pair = SCMP_SYS(socketpair);
	if (plan->permitted[nr_socket])
		socket_rules(b, plan, nr_socket);
	if (plan->permitted[nr_pair])
		socket_rules(b, plan, nr_pair);

	int nr = SCMP_SYS(ioctl);
	static const uint64_t injecting[] = { TIOCSTI, TIOCLINUX };
	if (plan->permitted[nr]) {
		struct scmp_arg_cmp none = { 0 };
		if (plan->allowlist)
			not_in32(b, SCMP_ACT_ALLOW, nr, 1, injecting, 2, &none, 0);
		for (size_t i = 0; i < ARRAY_SIZE(injecting); i++) {
			struct scmp_arg_cmp c = eq32(1, injecting[i]);
			rule(b, hard, nr, 1, &c);
		}
	}

	nr = SCMP_SYS(clone);
	if (plan->permitted[nr]) {
		struct scmp_arg_cmp c = { .arg = 0, .op = SCMP_CMP_MASKED_EQ };
		if (plan->allowlist) {
			c.datum_a = CLONE_NEW_ANY | (plan->fork ? 0 : CLONE_THREAD);
			c.datum_b = plan->fork ? 0 : CLONE_THREAD;
			rule(b, SCMP_ACT_ALLOW, nr, 1, &c);
		}
		for (int bit = 0; bit < 64; bit++) {
			if (!((uint64_t)CLONE_NEW_ANY & (1ULL << bit)))
				continue;
			c.datum_a = c.datum_b = 1ULL << bit;
			rule(b, hard, nr, 1, &c);
		}
		if (!plan->fork) {
			c.datum_a = CLONE_THREAD;
			c.datum_b = 0;
			rule(b, hard, nr, 1, &c);
		}
	}
	/* clone3 passes its flags in memory, out of a filter's reach: ENOSYS
	 * makes libc fall back to clone, whose flags are checked above. */
	rule(b, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL);
}

static uint32_t native_action(int dflt)
{
	switch (dflt) {
	case SYS_KILL:
		return SCMP_ACT_KILL_PROCESS;
	case SYS_LOG:
		return SCMP_ACT_LOG;
	default:
		return SCMP_ACT_ERRNO(EPERM);
	}
}

static int build_ctx(const struct policy *p, struct seccomp_plan *plan, scmp_filter_ctx *out)
{
	struct build b = { 0 };
	uint32_t hard;
	if (plan->notify) {
		b.viol = b.sock = hard = SCMP_ACT_NOTIFY;
	} else {
		b.viol = native_action(plan->allowlist ? p->sys.dflt : SYS_ERRNO);
		b.sock = SCMP_ACT_ERRNO(EACCES);
		hard = p->sys.dflt == SYS_KILL ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(EPERM);
	}
	b.dflt = plan->allowlist ? b.viol : SCMP_ACT_ALLOW;
	b.ctx = seccomp_init(b.dflt);
	if (!b.ctx)
		return -ENOMEM;
	/* A 64-bit process can still enter the 32-bit table: kill it. */
	int rc = seccomp_attr_set(b.ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (!rc)
		rc = seccomp_attr_set(b.ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (!rc)
		rc = seccomp_attr_set(b.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0) {
		seccomp_release(b.ctx);
		return rc;
	}
	static const char *const by_args[] = { "socket", "socketpair", "ioctl", "clone",
					       "clone3", "fork", "vfork", "truncate", "utimensat",
					       "prlimit64" };
	unsigned char special[SECCOMP_MAX_NR] = { 0 };
	for (size_t i = 0; i < ARRAY_SIZE(by_args); i++)
		special[seccomp_syscall_resolve_name(by_args[i])] = 1;
	bool truncate_by_seccomp = plan->abi < LANDLOCK_ABI_TRUNCATE;
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
		if (special[nr] && !((nr == SCMP_SYS(fork) || nr == SCMP_SYS(vfork)) && plan->fork) &&
		    !(nr == SCMP_SYS(truncate) && !truncate_by_seccomp))
			continue;
		if (plan->tcp && is_fastopen_call(nr))
			continue; /* fastopen_rules() */
		if (plan->allowlist && plan->permitted[nr])
			rule(&b, SCMP_ACT_ALLOW, nr, 0, NULL);
		else if (!plan->allowlist && plan->hard[nr])
			rule(&b, hard, nr, 0, NULL);
		else if (!plan->allowlist && plan->denied[nr])
			rule(&b, hard, nr, 0, NULL);
		else if (plan->allowlist && plan->hard[nr] && p->sys.dflt == SYS_LOG)
			rule(&b, hard, nr, 0, NULL); /* log mode must not let these through */
	}
	if (!plan->fork) {
		rule(&b, hard, SCMP_SYS(fork), 0, NULL);
		rule(&b, hard, SCMP_SYS(vfork), 0, NULL);
	} else if (plan->allowlist) {
		/* fork = yes means every way of making a process: clone (by its
		 * flags, above), fork and vfork, whatever the allow lines say. */
		rule(&b, SCMP_ACT_ALLOW, SCMP_SYS(fork), 0, NULL);
		rule(&b, SCMP_ACT_ALLOW, SCMP_SYS(vfork), 0, NULL);
	}
	/* Before Landlock ABI 3 nothing else stops truncate() of a file the
	 * policy only lets the program read; ftruncate() needs a writable fd. */
	if (truncate_by_seccomp && plan->permitted[SCMP_SYS(truncate)])
		rule(&b, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(truncate), 0, NULL);
	argument_rules(&b, plan, hard);
	/* utimensat(fd, NULL, ...) is futimens(): it changes only a file the
	 * program already opened, so only the by-path form is always denied. */
	int nr_ut = SCMP_SYS(utimensat);
	if (plan->permitted[nr_ut]) {
		if (plan->allowlist)
			rule(&b, SCMP_ACT_ALLOW, nr_ut, 0, NULL);
	} else if (plan->hard[nr_ut] || plan->denied[nr_ut]) {
		struct scmp_arg_cmp c = { .arg = 1, .op = SCMP_CMP_EQ, .datum_a = 0 };
		if (plan->allowlist && plan->hard[nr_ut] && !plan->denied[nr_ut])
			rule(&b, SCMP_ACT_ALLOW, nr_ut, 1, &c);
		c.op = SCMP_CMP_NE;
		rule(&b, hard, nr_ut, 1, &c);
	}
	/* What the child does after loading the filter: hand over the listener
	 * and report a failed execve. */
	int nr_sendmsg = SCMP_SYS(sendmsg), nr_write = SCMP_SYS(write);
	if (plan->notify && !plan->permitted[nr_sendmsg]) {
		struct scmp_arg_cmp c = { .arg = 0, .op = SCMP_CMP_EQ, .datum_a = (uint64_t)plan->sock[1] };
		if (plan->allowlist)
			rule(&b, SCMP_ACT_ALLOW, nr_sendmsg, 1, &c);
		else {
			c.op = SCMP_CMP_NE;
			rule(&b, hard, nr_sendmsg, 1, &c);
		}
	} else if (!plan->allowlist && !plan->permitted[nr_sendmsg]) {
		rule(&b, hard, nr_sendmsg, 0, NULL);
	}
	if (!plan->permitted[nr_write]) {
		struct scmp_arg_cmp c = { .arg = 0, .op = SCMP_CMP_EQ, .datum_a = 2 };
		if (plan->allowlist)
			rule(&b, SCMP_ACT_ALLOW, nr_write, 1, &c);
		else {
			c.op = SCMP_CMP_NE;
			rule(&b, hard, nr_write, 1, &c);
		}
	}
	if (b.err) {
		seccomp_release(b.ctx);
		return b.err;
	}
	*out = b.ctx;
	return 0;
}

static int plan_init(const struct policy *p, int abi, struct seccomp_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->p = p;
	plan->sock[0] = plan->sock[1] = -1;
	plan_sets(p, abi, plan);
	plan->tcp = net_tcp_sockets(p, abi);
	plan->notify = user_notif_available();
	/* SEQPACKET, not DGRAM: a child that dies before sending must give the
	 * parent end-of-file, not a recvmsg() that waits for ever. */
	if (plan->notify && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, plan->sock) < 0)
		return -errno;
	return 0;
}

/* Everything build_ctx() reads, in one canonical block: the key of the
 * filter cache. */
struct filter_inputs {
	char version[16];
	char arch[16];
	unsigned libseccomp[3];
	uint64_t exe[4]; /* this very binary: a rebuild or an upgrade misses */
	uint8_t allowlist, fork, notify, truncate, dflt, mode, unix_ok, tcp;
	int32_t sock;
	unsigned char permitted[SECCOMP_MAX_NR], hard[SECCOMP_MAX_NR], denied[SECCOMP_MAX_NR];
};

static void filter_inputs(const struct seccomp_plan *plan, struct filter_inputs *in)
{
	memset(in, 0, sizeof(*in));
	snprintf(in->version, sizeof(in->version), "%s", LANDJAIL_VERSION);
	snprintf(in->arch, sizeof(in->arch), "%08x", (unsigned)seccomp_arch_native());
	const struct scmp_version *v = seccomp_version();
	in->libseccomp[0] = v->major;
	in->libseccomp[1] = v->minor;
	in->libseccomp[2] = v->micro;
	struct stat st;
	if (stat("/proc/self/exe", &st) == 0) {
		in->exe[0] = st.st_dev;
		in->exe[1] = st.st_ino;
		in->exe[2] = (uint64_t)st.st_size;
		in->exe[3] = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
	}
	in->allowlist = plan->allowlist;
	in->fork = plan->fork;
	in->notify = plan->notify;
	in->truncate = plan->abi < LANDLOCK_ABI_TRUNCATE;
	in->dflt = (uint8_t)(plan->p->sys.dflt + 1);
	in->mode = (uint8_t)net_mode(plan->p);
	in->unix_ok = net_unix_allowed(plan->p);
	in->tcp = plan->tcp;
	in->sock = plan->sock[1];
	memcpy(in->permitted, plan->permitted, sizeof(in->permitted));
	memcpy(in->hard, plan->hard, sizeof(in->hard));
	memcpy(in->denied, plan->denied, sizeof(in->denied));
}

/* Whether this run may use the filter cache was decided, with the
 * reasons, by filter_cache_admit() before the plan. */
static int cache_usable(const struct seccomp_plan *plan, bool *usable, char **msg)
{
	(void)plan;
	(void)msg;
	*usable = filter_cache_enabled();
	return 0;
}

int seccomp_prepare(const struct policy *p, int abi, struct seccomp_plan *plan, char **msg)
{
	scmp_filter_ctx ctx = NULL;
	int err = plan_init(p, abi, plan);
	struct filter_inputs *in = NULL;
	bool use_cache = false;
	if (!err && cache_usable(plan, &use_cache, msg) < 0) {
		seccomp_plan_free(plan);
		return -EPERM;
	}
	if (use_cache) {
		in = xmalloc(sizeof(*in));
		filter_inputs(plan, in);
		if (filter_cache_load(in, sizeof(*in), &plan->insns, &plan->len)) {
			plan->cached = true;
			free(in);
			return 0;
		}
	}
	if (!err)
		err = build_ctx(p, plan, &ctx);
	int fd = -1;
	if (!err) {
		fd = memfd_create("landjail-bpf", MFD_CLOEXEC);
		err = fd < 0 ? -errno : seccomp_export_bpf(ctx, fd);
	}
	struct stat st;
	if (!err && fstat(fd, &st) < 0)
		err = -errno;
	if (!err) {
		size_t size = (size_t)st.st_size;
		plan->insns = xmalloc(size ? size : 1);
		if (pread(fd, plan->insns, size, 0) != (ssize_t)size)
			err = -EIO;
		plan->len = (unsigned short)(size / sizeof(struct sock_filter));
	}
	if (!err && use_cache)
		filter_cache_store(in, sizeof(*in), plan->insns, plan->len);
	free(in);
	if (fd >= 0)
		close(fd);
	if (ctx)
		seccomp_release(ctx);
	if (err)
		*msg = xasprintf("cannot build the seccomp filter: %s", strerror(-err));
	return err;
}

void seccomp_plan_free(struct seccomp_plan *plan)
{
	free(plan->insns);
	plan->insns = NULL;
	close_fd(&plan->sock[0]);
	close_fd(&plan->sock[1]);
}

int seccomp_dump(const struct policy *p, int abi, FILE *out, char **msg)
{
	struct seccomp_plan *plan = xmalloc(sizeof(*plan));
	scmp_filter_ctx ctx = NULL;
	int err = plan_init(p, abi, plan);
	if (!err)
		err = build_ctx(p, plan, &ctx);
	if (!err) {
		fflush(out);
		fprintf(out, "# landjail %s, Landlock ABI %d, %s\n", LANDJAIL_VERSION, abi,
			plan->notify ? "violations go to the supervisor (NOTIFY)"
				     : "no user notification: violations act directly");
		fflush(out);
		err = seccomp_export_pfc(ctx, fileno(out));
	}
	if (ctx)
		seccomp_release(ctx);
	if (err)
		*msg = xasprintf("cannot build the seccomp filter: %s", strerror(-err));
	seccomp_plan_free(plan);
	free(plan);
	return err;
}

/* ---- in the child ------------------------------------------------------------ */

int seccomp_enter(const struct seccomp_plan *plan, char **msg)
{
	struct sock_fprog prog = { .len = plan->len, .filter = plan->insns };
	unsigned flags = plan->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0) {
		int err = -errno;
		*msg = xasprintf("cannot load the seccomp filter: %s", strerror(errno));
		return err;
	}
	if (!plan->notify)
		return 0;
	/* The listener is close-on-exec; the parent gets its own copy.  Only
	 * sendmsg on this very socket is allowed here if the profile does
	 * not allow sendmsg. */
	char data = 'L';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	int ifd = (int)fd;
	memcpy(CMSG_DATA(cm), &ifd, sizeof(int));
	if (sendmsg(plan->sock[1], &mh, MSG_NOSIGNAL) != 1) {
		int err = -errno;
		*msg = xasprintf("cannot pass the seccomp listener to landjail: %s",
				 strerror(errno));
		return err;
	}
	return 0;
}

/* ---- in the supervisor --------------------------------------------------------- */

int seccomp_listener_receive(struct seccomp_plan *plan)
{
	if (!plan->notify)
		return -1;
	close_fd(&plan->sock[1]);
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	ssize_t n;
	do
		n = recvmsg(plan->sock[0], &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	close_fd(&plan->sock[0]);
	struct cmsghdr *cm = n == 1 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1; /* the child failed before loading the filter */
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void proc_name(pid_t pid, char *out, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, out, size - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		n = snprintf(out, size, "?");
	out[n] = '\0';
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static const char *family_name(uint64_t f)
{
	switch (f & LOW32) {
	case AF_UNIX: return "AF_UNIX";
	case AF_INET: return "AF_INET";
	case AF_INET6: return "AF_INET6";
	case AF_NETLINK: return "AF_NETLINK";
	case AF_PACKET: return "AF_PACKET";
	case AF_VSOCK: return "AF_VSOCK";
	case AF_BLUETOOTH: return "AF_BLUETOOTH";
	case AF_ALG: return "AF_ALG";
	default: return NULL;
	}
}

static const char *type_name(uint64_t t)
{
	static const char *const names[] = { [SOCK_STREAM] = "SOCK_STREAM",
		[SOCK_DGRAM] = "SOCK_DGRAM", [SOCK_RAW] = "SOCK_RAW", [SOCK_RDM] = "SOCK_RDM",
		[SOCK_SEQPACKET] = "SOCK_SEQPACKET", [SOCK_PACKET] = "SOCK_PACKET" };
	t &= 0xf;
	return t < ARRAY_SIZE(names) && names[t] ? names[t] : "?";
}

/* "in imagemagick-convert.ini" or "of a profile". */
static char *where_default(const struct policy *p)
{
	if (p->sys.dflt != SYS_UNSET && p->sys.default_at.file)
		return xasprintf("in %s", base_name(p->sys.default_at.file));
	return xstrdup("of a profile");
}

static const char *mode_origin(const struct policy *p)
{
	if (p->net.mode == NET_UNSET)
		return "the default";
	return p->net.mode_at.file ? base_name(p->net.mode_at.file) : "the command line";
}

#define MAX_VIOLATION_REPORTS 100

/* report(), unless the sandbox has already had its share of reports. */
#define vreport(quiet, ...)                     \
	do {                                    \
		if (!(quiet))                   \
			report(LOG_WARNING, __VA_ARGS__); \
	} while (0)

bool seccomp_handle(const struct seccomp_plan *plan, int listener)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return false;
	const struct policy *p = plan->p;
	/* A program looping on a forbidden call must not flood the log. */
	static unsigned seen;
	bool quiet = ++seen > MAX_VIOLATION_REPORTS;
	if (seen == MAX_VIOLATION_REPORTS + 1)
		report(LOG_WARNING, "more than %d violations in this sandbox: the rest are "
		       "handled but not reported", MAX_VIOLATION_REPORTS);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	int nr = req.data.nr;
	char comm[32];
	proc_name((pid_t)req.pid, comm, sizeof(comm));
	char *name = seccomp_syscall_resolve_num_arch(req.data.arch, nr);
	const char *sys = name ? name : "unknown";
	bool in_range = nr >= 0 && nr < SECCOMP_MAX_NR;
	bool kill_all = false;
	char *where = where_default(p);
	if (plan->tcp && is_fastopen_call(nr)) {
		vreport(quiet,  "%s[%u] was denied: %s with MSG_FASTOPEN: TCP Fast Open would "
		       "skip the TCP port rules of network mode tcp (from %s); the program may "
		       "connect() instead", comm, req.pid, sys, mode_origin(p));
		resp.error = -EOPNOTSUPP;
	} else if (nr == SCMP_SYS(socket) || nr == SCMP_SYS(socketpair)) {
		const char *fam = family_name(req.data.args[0]);
		char famnum[32];
		snprintf(famnum, sizeof(famnum), "family %u", (unsigned)(req.data.args[0] & LOW32));
		vreport(quiet,  "%s[%u] was denied: %s(%s, %s): network mode %s%s (from %s); "
		       "to allow it change [network] or --net", comm, req.pid, sys,
		       fam ? fam : famnum, type_name(req.data.args[1]),
		       (const char *[]){ "none", "tcp", "unrestricted" }[net_mode(p)],
		       net_unix_allowed(p) ? "" : ", unix = deny", mode_origin(p));
		resp.error = -EACCES;
	} else {
		bool by_args = in_range && plan->permitted[nr];
		bool hard = by_args || (in_range && (plan->hard[nr] || plan->denied[nr])) ||
			    nr == SCMP_SYS(fork) || nr == SCMP_SYS(vfork);
		bool stop = p->sys.dflt == SYS_KILL;
		bool log_only = !hard && p->sys.dflt == SYS_LOG;
		const char *verb = stop ? "was stopped" : log_only ? "was allowed (default = log)"
								  : "was denied";
		if (by_args && nr == SCMP_SYS(prlimit64))
			vreport(quiet, "%s[%u] %s: forbidden prlimit64 on process %lld: a sandboxed "
				"program may change only its own limits", comm, req.pid, verb,
				(long long)(int32_t)(req.data.args[0] & LOW32));
		else if (by_args && nr == SCMP_SYS(ioctl))
			vreport(quiet,  "%s[%u] %s: forbidden ioctl %s on fd %u (terminal "
			       "input injection is never allowed)", comm, req.pid, verb,
			       (req.data.args[1] & LOW32) == TIOCSTI ? "TIOCSTI" : "TIOCLINUX",
			       (unsigned)req.data.args[0]);
		else if (by_args && nr == SCMP_SYS(clone) &&
			 (req.data.args[0] & (uint64_t)CLONE_NEW_ANY))
			vreport(quiet,  "%s[%u] %s: forbidden syscall clone (%d) with namespace "
			       "flags 0x%llx (new namespaces are never allowed)", comm, req.pid, verb,
			       nr, (unsigned long long)req.data.args[0]);
		else if (by_args || nr == SCMP_SYS(fork) || nr == SCMP_SYS(vfork))
			vreport(quiet,  "%s[%u] %s: forbidden new process: %s (%d); to allow "
			       "it add \"fork = yes\" to [syscalls] %s", comm, req.pid, verb, sys, nr,
			       where);
		else if (in_range && plan->denied[nr])
			vreport(quiet,  "%s[%u] %s: forbidden syscall %s (%d); it is denied by "
			       "a \"deny\" line in [syscalls] %s", comm, req.pid, verb, sys, nr, where);
		else
			vreport(quiet,  "%s[%u] %s: forbidden syscall %s (%d); to allow it add "
			       "\"allow = %s\" to [syscalls] %s", comm, req.pid, verb, sys, nr, sys,
			       where);
		if (stop)
			kill_all = true;
		else if (log_only)
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else
			resp.error = -EPERM;
	}
	free(where);
	free(name);
	if (kill_all) {
		/* The caller is blocked in this very call while its notification
		 * is pending, so its pid cannot have been reused yet. */
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) == 0)
			kill((pid_t)req.pid, SIGKILL);
		return true;
	}
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	return false;
}

void seccomp_report_sigsys(const struct seccomp_plan *plan, const char *program)
{
	if (plan->notify) {
		/* Every other forbidden call is reported by name as it happens. */
		if (host_filtered())
			report(LOG_WARNING, "%s was stopped by SIGSYS, and not by landjail's "
			       "filter: landjail itself runs under a seccomp filter (a unit's "
			       "SystemCallFilter=, a container's profile) that kills a call the "
			       "program makes, or it used another architecture's syscall table",
			       base_name(program));
		else
			report(LOG_WARNING, "%s was stopped: a system call through another "
			       "architecture's table (such as int 0x80 from a 64-bit program) is "
			       "never allowed", base_name(program));
		return;
	}
	char *where = where_default(plan->p);
	report(LOG_WARNING, "%s was stopped: a forbidden syscall (this kernel cannot tell "
	       "landjail which; see the kernel log or run with default = log); allow it "
	       "in [syscalls] %s", base_name(program), where);
	free(where);
}
