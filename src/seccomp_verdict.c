/* The verdict table: one verdict per system call, from the profile's
 * allow and deny lines, the always-denied set, fork =, the network mode
 * and the Landlock ABI.  Pure data work: no descriptor, no kernel call. */
#include "syscall_filter.h"

#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "disklimit.h"
#include "fdguard.h"
#include "limit.h"
#include "netpolicy.h"
#include "syscall_groups.h"

/* Denied unless a profile allows them by name or group: each lets a
 * confined program escape or weaken the confinement (DESIGN.md §6). */
const char seccomp_always_denied_list[] =
	"@io-uring @keyring @module @mount @namespace @reboot @file-metadata @sysv-ipc bpf "
	"perf_event_open userfaultfd ptrace process_vm_readv process_vm_writev";

/* Calls the child makes after loading the filter: allowed whatever a
 * group in a deny line holds (section_syscalls.c refuses them by name). */
static const char *const needed_to_start[] = { "execve", "exit", "exit_group" };

/* Calls whose arguments decide, when the table allows them: the rule
 * that refines them is in seccomp_args.c under the same name. */
enum refine { REFINE_ALWAYS, REFINE_TCP, REFINE_SOCKETS };
static const struct {
	const char *name;
	enum refine when;
} refined[] = {
	{ "clone", REFINE_ALWAYS },      /* no new namespaces; threads only without fork */
	{ "ioctl", REFINE_ALWAYS },      /* no terminal input injection */
	{ "prlimit64", REFINE_ALWAYS },  /* only the caller's own limits */
	{ "personality", REFINE_ALWAYS }, /* no persona that weakens what it execs */
	{ "socket", REFINE_SOCKETS },    /* the families [network] allows */
	{ "socketpair", REFINE_SOCKETS },
	{ "sendto", REFINE_TCP },        /* no TCP Fast Open past Landlock's ports */
	{ "sendmsg", REFINE_TCP },
	{ "sendmmsg", REFINE_TCP },
};

static const char *const verdict_names[VERDICT_COUNT] = {
	[VERDICT_ALLOW] = "allow", [VERDICT_LOG] = "log", [VERDICT_ARGS] = "allow-args",
	[VERDICT_ENOSYS] = "enosys", [VERDICT_EACCES] = "eacces", [VERDICT_REFUSE] = "refuse",
};
static const char *const why_names[WHY_COUNT] = {
	[WHY_ALLOWED] = "allowed", [WHY_NEEDED] = "needed-to-start",
	[WHY_UNLISTED] = "not-allowed", [WHY_DENIED] = "deny-line",
	[WHY_ALWAYS] = "always-denied", [WHY_FORK] = "fork=no", [WHY_ABI] = "landlock-abi",
	[WHY_COUNTED] = "sandbox-processes",
	[WHY_DISK] = "disk-limit",
};

const char *seccomp_verdict_name(enum verdict v)
{
	return v < VERDICT_COUNT ? verdict_names[v] : "?";
}

const char *seccomp_why_name(enum verdict_why w)
{
	return w < WHY_COUNT ? why_names[w] : "?";
}

/* Mark every syscall that name (a syscall or an @group) stands for. */
static void mark(unsigned char *set, const char *name, int depth)
{
	if (name[0] != '@') {
		int nr = sysname_nr(name);
		if (nr >= 0)
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

bool seccomp_always_denied(int nr)
{
	static unsigned char set[SECCOMP_MAX_NR];
	static bool built;
	if (!built) {
		mark_list(set, seccomp_always_denied_list);
		built = true;
	}
	return nr >= 0 && nr < SECCOMP_MAX_NR && set[nr];
}

static void set(struct seccomp_plan *plan, int nr, enum verdict v, enum verdict_why w)
{
	if (nr < 0)
		return; /* not on this architecture */
	plan->verdict[nr] = (unsigned char)v;
	plan->why[nr] = (unsigned char)w;
}

static void set_name(struct seccomp_plan *plan, const char *name, enum verdict v,
		     enum verdict_why w)
{
	set(plan, sysname_nr(name), v, w);
}

/* The verdict the allow and deny lines and the always-denied set give. */
static void base_verdicts(const struct policy *p, struct seccomp_plan *plan,
			  const unsigned char *allowed, const unsigned char *denied)
{
	enum verdict unlisted = p->sys.dflt == SYS_LOG ? VERDICT_LOG : VERDICT_REFUSE;
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
		if (denied[nr])
			set(plan, nr, VERDICT_REFUSE, WHY_DENIED);
		else if (seccomp_always_denied(nr) && !allowed[nr])
			set(plan, nr, VERDICT_REFUSE, WHY_ALWAYS);
		else if (plan->allowlist && !allowed[nr])
			set(plan, nr, unlisted, WHY_UNLISTED);
		else
			set(plan, nr, VERDICT_ALLOW, WHY_ALLOWED);
	}
}

/* landjail starts the program with execveat(AT_FDCWD, path, argv, envp,
 * 0) (sandbox.c), a form every filter lets through (seccomp_args.c).
 * With user notification the program's own execs go to the supervisor,
 * which names a target the policy cannot run (exec_report.c) and lets the
 * call go on for Landlock to decide; execveat's other forms keep the
 * verdict the table gives them. */
static void exec_verdicts(struct seccomp_plan *plan)
{
	int nr = sysname_nr("execve");
	if (nr >= 0 && plan->notify)
		plan->verdict[nr] = VERDICT_ARGS;
	nr = sysname_nr("execveat");
	if (nr >= 0 && (plan->notify || plan->verdict[nr] != VERDICT_ALLOW))
		plan->verdict[nr] = VERDICT_ARGS;
}

/* [limits] sandbox-processes: every way of making a process, allowed by
 * the table, goes to the supervisor, which counts the sandbox's own
 * (proclimit.h); threads (clone with CLONE_THREAD) pass in the filter.
 * Without user notification there is no count: the supervisor refuses
 * to run (proclimit_plan, in the plan). */
static void counted_verdicts(struct seccomp_plan *plan)
{
	if (!plan->notify || !plan->fork || !plan->p->limits.set[LIMIT_SANDBOX_PROCESSES])
		return;
	static const char *const makers[] = { "fork", "vfork", "clone" };
	for (size_t i = 0; i < ARRAY_SIZE(makers); i++) {
		int nr = sysname_nr(makers[i]);
		if (nr < 0 || (plan->verdict[nr] != VERDICT_ALLOW && plan->verdict[nr] != VERDICT_ARGS))
			continue;
		if (plan->verdict[nr] == VERDICT_ARGS && plan->why[nr] != WHY_ALLOWED &&
		    plan->why[nr] != WHY_NEEDED)
			continue;
		plan->verdict[nr] = VERDICT_ARGS;
		plan->why[nr] = WHY_COUNTED;
	}
}

/* The calls with a rule of their own; a deny line stays the last word. */
static void special_verdicts(struct seccomp_plan *plan, const unsigned char *denied)
{
	/* fork = yes means every way of making a process, whatever the allow
	 * lines say; fork = no refuses fork and vfork outright. */
	static const char *const forks[] = { "fork", "vfork" };
	for (size_t i = 0; i < ARRAY_SIZE(forks); i++) {
		int nr = sysname_nr(forks[i]);
		if (nr >= 0 && !denied[nr])
			set(plan, nr, plan->fork ? VERDICT_ALLOW : VERDICT_REFUSE,
			    plan->fork ? WHY_ALLOWED : WHY_FORK);
	}
	/* clone3 passes its flags in memory, out of a filter's reach: ENOSYS
	 * makes libc fall back to clone, whose flags are checked. */
	int nr = sysname_nr("clone3");
	if (nr >= 0 && !denied[nr])
		set(plan, nr, VERDICT_ENOSYS, WHY_ALWAYS);
	/* Before Landlock ABI 3 nothing else stops truncate() of a file the
	 * policy only lets the program read; ftruncate() needs a writable fd. */
	nr = sysname_nr("truncate");
	if (nr >= 0 && plan->abi < ABI_TRUNCATE && plan->verdict[nr] == VERDICT_ALLOW)
		set(plan, nr, VERDICT_EACCES, WHY_ABI);
	/* utimensat(fd, NULL, ...) is futimens(): it changes only a file the
	 * program already opened, so the always-denied set refuses only the
	 * by-path form.  A deny line refuses both. */
	nr = sysname_nr("utimensat");
	if (nr >= 0 && plan->verdict[nr] == VERDICT_REFUSE && plan->why[nr] == WHY_ALWAYS)
		plan->verdict[nr] = VERDICT_ARGS;
	/* Metadata and size changes through a descriptor: the supervisor
	 * checks the file behind it (fdguard.h); a refused call stays so. */
	for (size_t i = 0; i <= fdguard_n_calls; i++) {
		nr = sysname_nr(i < fdguard_n_calls ? fdguard_calls[i].name : "fcntl");
		if (nr >= 0 && plan->verdict[nr] == VERDICT_ALLOW)
			plan->verdict[nr] = VERDICT_ARGS;
	}
	for (size_t i = 0; i < ARRAY_SIZE(refined); i++) {
		nr = sysname_nr(refined[i].name);
		if (nr < 0 || plan->verdict[nr] != VERDICT_ALLOW)
			continue;
		bool applies = refined[i].when == REFINE_ALWAYS ||
			       (refined[i].when == REFINE_TCP && plan->tcp) ||
			       (refined[i].when == REFINE_SOCKETS &&
				!(policy_net_mode(plan->p) == NET_UNRESTRICTED && policy_net_unix_allowed(plan->p)));
		if (applies)
			plan->verdict[nr] = VERDICT_ARGS;
	}
	for (size_t i = 0; i < ARRAY_SIZE(needed_to_start); i++)
		set_name(plan, needed_to_start[i], VERDICT_ALLOW, WHY_NEEDED);
	exec_verdicts(plan);
	counted_verdicts(plan);
}

/* [limits] disk (disklimit.h): names leave the scratch directory through
 * the supervisor, which holds their files first; no subdirectory and no
 * unnamed file escapes its one watch. */
static void disk_verdicts(struct seccomp_plan *plan)
{
	static const char *const watched[] = { "unlink", "unlinkat", "rename", "renameat",
						"renameat2", "open", "openat" };
	static const char *const mkdirs[] = { "mkdir", "mkdirat" };
	if (!disklimit_enforced(plan->p, plan->notify))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(watched); i++) {
		int nr = sysname_nr(watched[i]);
		if (nr >= 0 && plan->verdict[nr] == VERDICT_ALLOW)
			plan->verdict[nr] = VERDICT_ARGS;
	}
	for (size_t i = 0; i < ARRAY_SIZE(mkdirs); i++) {
		int nr = sysname_nr(mkdirs[i]);
		if (nr >= 0 && plan->verdict[nr] == VERDICT_ALLOW)
			set(plan, nr, VERDICT_EACCES, WHY_DISK);
	}
	int nr = sysname_nr("openat2");
	if (nr >= 0 && plan->verdict[nr] == VERDICT_ALLOW)
		set(plan, nr, VERDICT_ENOSYS, WHY_DISK);
}

bool seccomp_policy_forks(const struct policy *p)
{
	return p->sys.fork >= 0 ? p->sys.fork : p->sys.dflt == SYS_UNSET;
}

void seccomp_plan_basics(const struct policy *p, int abi, bool notify, struct seccomp_plan *plan)
{
	plan->p = p;
	plan->abi = abi;
	plan->notify = notify;
	plan->allowlist = p->sys.dflt != SYS_UNSET;
	plan->fork = seccomp_policy_forks(p);
	plan->tcp = netpolicy_tcp_sockets(p, abi);
}

void seccomp_verdicts(const struct policy *p, int abi, bool notify, struct seccomp_plan *plan)
{
	unsigned char *allowed = xcalloc(2, SECCOMP_MAX_NR), *denied = allowed + SECCOMP_MAX_NR;
	for (size_t i = 0; i < p->sys.n_rules; i++)
		mark(p->sys.rules[i].allow ? allowed : denied, p->sys.rules[i].name, 0);
	seccomp_plan_basics(p, abi, notify, plan);
	base_verdicts(p, plan, allowed, denied);
	special_verdicts(plan, denied);
	disk_verdicts(plan);
	free(allowed);
}

bool seccomp_exec_allowed(const struct seccomp_plan *plan, int nr)
{
	if (nr < 0 || nr >= SECCOMP_MAX_NR)
		return false;
	enum verdict_why w = (enum verdict_why)plan->why[nr];
	return (nr == sysname_nr("execve") || nr == sysname_nr("execveat")) &&
	       (w == WHY_ALLOWED || w == WHY_NEEDED);
}

enum verdict seccomp_verdict_of(const struct seccomp_plan *plan, int nr)
{
	if (nr >= 0 && nr < SECCOMP_MAX_NR)
		return (enum verdict)plan->verdict[nr];
	if (!plan->allowlist)
		return VERDICT_ALLOW;
	return plan->p->sys.dflt == SYS_LOG ? VERDICT_LOG : VERDICT_REFUSE;
}
