/* The learned profile: grown by each run's observations, written as a
 * profile a person can read and edit, and read back for the next run.
 *
 * Growing never shrinks: a run adds what it needed and was not granted.
 * Re-running the same command on the same input adds nothing, so the
 * file stays byte-identical (nothing in it depends on timing except the
 * limits, which are rounded up coarsely and only ever raised). */
#include "learn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netpolicy.h"
#include "syscall_groups.h"
#include "trace_decode.h"
#include "trace_policy.h"
#include "words.h"

/* Where the files of one installed package live: a file read beneath
 * one of these is granted with its whole package directory
 * (/usr/share/perl5, /etc/ImageMagick-6), not file by file. */
const char *const learn_package_roots[] = {
	"/etc", "/opt", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libexec",
	"/usr/local/etc", "/usr/local/lib", "/usr/local/share", "/usr/share", "/var/cache",
	"/var/lib", NULL,
};

/* Places a learned grant is flagged in: writing them, or reading the
 * home directory, exposes other programs' files. */
static const char *const shared_dirs[] = { "/tmp", "/var/tmp", "/dev/shm", "/run", "/home",
					   "/root" };
static const char *const shells[] = { "/usr/bin/dash", "/usr/bin/bash", "/usr/bin/sh",
				      "/usr/bin/zsh", "/usr/bin/ksh93", "/usr/bin/busybox" };

/* Groups learn never grants whole: each is always denied unless a profile
 * names it (DESIGN.md §6), or is too broad to stand for what was seen. */
const char *const learn_unsafe_groups[] = {
	"@clock", "@debug", "@file-metadata", "@file-system", "@io-uring", "@keyring",
	"@module", "@mount", "@namespace", "@raw-io", "@reboot", "@sandbox", "@setuid",
	"@swap", "@system-service", NULL,
};
/* Calls landjail denies unless allowed by name: granted with a warning. */
static const char *const unsafe_calls[] = {
	"bpf", "chmod", "chown", "fchmodat", "fchownat", "futimesat", "lchown", "perf_event_open",
	"process_vm_readv", "process_vm_writev", "ptrace", "setxattr", "lsetxattr", "userfaultfd",
	"utime", "utimensat", "utimes", "io_uring_setup", "io_uring_enter", "unshare", "setns",
	"mount", "keyctl", "add_key", "request_key",
};

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

void learned_free(struct learned *l)
{
	strv_free(&l->runs);
	strv_free(&l->includes);
	for (size_t i = 0; i < l->n_g; i++)
		free(l->g[i].path);
	free(l->g);
	strv_free(&l->notes);
	strv_free(&l->allow);
	free(l->connect);
	free(l->bind);
	memset(l, 0, sizeof(*l));
}

static void note(struct learned *l, char *owned, bool warn)
{
	if (warn)
		diag_warn("%s", strncmp(owned, "warning: ", 9) ? owned : owned + 9);
	if (strv_contains(&l->notes, owned))
		free(owned);
	else
		strv_push(&l->notes, owned);
}

/* ---- filesystem ------------------------------------------------------------- */

static void grant_add(struct learned *l, const char *path, enum fs_access a, uint64_t runs)
{
	for (size_t i = 0; i < l->n_g; i++)
		if (strcmp(l->g[i].path, path) == 0 && l->g[i].access == a) {
			l->g[i].runs |= runs;
			return;
		}
	l->g = grow_array(l->g, sizeof(*l->g), l->n_g, &l->cap_g);
	l->g[l->n_g++] = (struct learn_grant){ .path = xstrdup(path), .access = a, .runs = runs };
}

/* In /proc, /sys and /dev a rule names the file itself. */
static bool is_special(const char *path)
{
	return !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6) ||
	       !strncmp(path, "/sys/", 5);
}

/* The longest package root above path, or NULL; /usr/lib/<triplet>
 * (x86_64-linux-gnu) counts as a root of its own, into root. */
static const char *package_root(const char *path, char *root)
{
	const char *best = NULL;
	for (size_t i = 0; learn_package_roots[i]; i++)
		if (path_covers(learn_package_roots[i], path) &&
		    (!best || strlen(learn_package_roots[i]) > strlen(best)))
			best = learn_package_roots[i];
	if (!best || strcmp(best, "/usr/lib") != 0)
		return best;
	const char *next = path + strlen(best) + 1, *end = strchr(next, '/');
	if (!end || !memmem(next, (size_t)(end - next), "-linux-", 7))
		return best;
	snprintf(root, PATH_MAX, "%.*s", (int)(end - path), path);
	return root;
}

void learn_read_root(const char *path, char *out)
{
	char multiarch[PATH_MAX];
	const char *root = package_root(path, multiarch);
	if (is_special(path)) {
		snprintf(out, PATH_MAX, "%s", path);
		return;
	}
	if (!root) {
		path_dirname(path, out); /* a work directory, say */
		return;
	}
	const char *next = path + strlen(root) + 1, *end = strchr(next, '/');
	if (!end)
		snprintf(out, PATH_MAX, "%s", path); /* a file right in /etc */
	else
		snprintf(out, PATH_MAX, "%.*s", (int)(end - path), path);
}

/* The rule a person would write for one observed file. */
static enum fs_access propose(const struct learn_file *f, char *out)
{
	if (f->rights & TR_EXEC) {
		snprintf(out, PATH_MAX, "%s", f->path);
		return FS_ROX;
	}
	if (f->rights & (TR_CREATE | TR_REMOVE | TR_WRITE | TR_TRUNC)) {
		if (is_special(f->path))
			snprintf(out, PATH_MAX, "%s", f->path);
		else
			path_dirname(f->path, out);
		return FS_RW;
	}
	if (f->rights & TR_LIST)
		snprintf(out, PATH_MAX, "%s", f->path);
	else
		learn_read_root(f->path, out);
	return FS_RO;
}

/* A writable grant over a directory the base forbids: "base.ini:12". */
static char *forbidden_by(const struct policy *base, const char *grant)
{
	for (size_t i = 0; i < base->n_forbid; i++) {
		char *dir = realpath(base->forbid[i].path, NULL);
		bool hit = dir && path_covers(grant, dir);
		free(dir);
		if (hit)
			return xasprintf("%s:%u forbids making %s writable", base->forbid[i].at.file,
					 base->forbid[i].at.line, base->forbid[i].path);
	}
	return NULL;
}

static const char *run_label(int run)
{
	static char buf[32];
	snprintf(buf, sizeof(buf), "run %d", run + 1);
	return buf;
}

/* Grant what the base does not, except what it forbids. */
static void grow_files(struct learned *l, const struct learn_obs *o, const struct policy *base,
		       int run)
{
	struct grant_set gs;
	grant_set_build(base, &gs);
	const char *home = getenv("HOME");
	for (size_t i = 0; i < o->n_f; i++) {
		const struct learn_file *f = &o->f[i];
		if (grant_set_allows(&gs, f->path, f->rights))
			continue;
		char path[PATH_MAX];
		enum fs_access a = propose(f, path);
		char *why = fs_access_writes(a) ? forbidden_by(base, path) : NULL;
		if (why) {
			note(l, xasprintf("not granted: %s = %s (%s needed to %s %s): %s",
					  fs_access_name(a), path, run_label(run),
					  rights_words(f->rights), f->path, why), true);
			free(why);
			continue;
		}
		bool shared = false;
		for (size_t k = 0; k < ARRAY_SIZE(shared_dirs); k++)
			shared |= strcmp(path, shared_dirs[k]) == 0;
		if (home && *home && strcmp(home, "/") && path_covers(path, home))
			shared = true;
		if (shared && (fs_access_writes(a) || (home && path_covers(path, home))))
			note(l, xasprintf("warning: %s = %s grants a directory other programs "
					  "share (%s: %s %s); narrow it if you can",
					  fs_access_name(a), path, run_label(run),
					  rights_words(f->rights), f->path), true);
		if (a == FS_ROX && in_list(shells, ARRAY_SIZE(shells), path))
			note(l, xasprintf("warning: rox = %s grants a shell (%s); with a shell, "
					  "a hostile input that reaches it runs commands", path,
					  run_label(run)), true);
		grant_add(l, path, a, 1ULL << run);
	}
	grant_set_free(&gs);
}

/* The least access class that holds both. */
static enum fs_access access_join(enum fs_access a, enum fs_access b)
{
	static const enum fs_access order[] = { FS_RO, FS_ROX, FS_RW, FS_RWX };
	if (a == FS_DEV || b == FS_DEV)
		return a == b ? a : FS_RW;
	unsigned need = access_rights(a) | access_rights(b);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if ((access_rights(order[i]) & need) == need)
			return order[i];
	return FS_RWX;
}

static int grant_order(const void *a, const void *b)
{
	const struct learn_grant *x = a, *y = b;
	if (x->access != y->access)
		return (int)x->access - (int)y->access;
	return strcmp(x->path, y->path);
}

static void grant_drop(struct learned *l, size_t i)
{
	free(l->g[i].path);
	l->g[i] = l->g[--l->n_g];
}

/* One rule per path, none that another already holds, in order. */
static void normalize_grants(struct learned *l)
{
	for (size_t i = 0; i < l->n_g; i++)
		for (size_t j = i + 1; j < l->n_g; j++)
			if (strcmp(l->g[i].path, l->g[j].path) == 0) {
				l->g[i].access = access_join(l->g[i].access, l->g[j].access);
				l->g[i].runs |= l->g[j].runs;
				grant_drop(l, j--);
			}
	for (size_t i = 0; i < l->n_g; i++)
		for (size_t j = 0; j < l->n_g; j++) {
			const struct learn_grant *in = &l->g[i], *over = &l->g[j];
			unsigned need = access_rights(in->access);
			if (i == j || !path_covers(over->path, in->path) ||
			    (access_rights(over->access) & need) != need)
				continue;
			l->g[j].runs |= in->runs;
			grant_drop(l, i);
			i = (size_t)-1;
			break;
		}
	qsort(l->g, l->n_g, sizeof(*l->g), grant_order);
}

/* ---- system calls ---------------------------------------------------------------- */

/* Every call name that word (a call or an @group) stands for. */
static void expand(const char *word, struct strv *out, int depth)
{
	if (word[0] != '@') {
		if (!strv_contains(out, word))
			strv_push(out, xstrdup(word));
		return;
	}
	const struct syscall_group *g = syscall_group_find(word);
	if (!g || depth > 8)
		return;
	char *copy = xstrdup(g->members), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		expand(w, out, depth + 1);
	free(copy);
}

static void observed_calls(const struct learn_obs *o, struct strv *seen)
{
	for (int nr = 0; nr < LEARN_MAX_CALLS; nr++) {
		if (!o->calls[nr])
			continue;
		const char *name = trace_syscall_name(nr);
		/* The filter answers clone3 with ENOSYS so that libc falls back
		 * to clone, whose flags it can check. */
		if (strcmp(name, "clone3") == 0)
			name = "clone";
		if (strncmp(name, "syscall-", 8) && !strv_contains(seen, name))
			strv_push(seen, xstrdup(name));
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What nearly every program uses: these groups fit as soon as three of
 * their calls are still to be granted, so that a profile reads as the
 * groups plus what is particular to its program. */
const char *const learn_common_groups[] = { "@basic-io", "@default", "@file-read", "@signal",
					    NULL };

/* A group fits when the run used at least half of it, and two or more of
 * the calls still to be granted (a common group: three). */
static bool group_fits(const struct syscall_group *g, const struct strv *seen,
		       const struct strv *todo)
{
	struct strv members = { 0 };
	expand(g->name, &members, 0);
	size_t used = 0, wanted = 0;
	for (size_t i = 0; i < members.n; i++) {
		used += strv_contains(seen, members.v[i]);
		wanted += strv_contains(todo, members.v[i]);
	}
	bool common = in_list(learn_common_groups, ARRAY_SIZE(learn_common_groups), g->name);
	bool fits = common ? wanted >= 3 : wanted >= 2 && used * 2 >= members.n;
	strv_free(&members);
	return fits;
}

static void strv_remove_all(struct strv *from, const struct strv *what)
{
	size_t k = 0;
	for (size_t i = 0; i < from->n; i++) {
		if (strv_contains(what, from->v[i]))
			free(from->v[i]);
		else
			from->v[k++] = from->v[i];
	}
	from->n = k;
	if (from->v)
		from->v[k] = NULL;
}

/* A call the base denies by name stays denied (a deny line wins over
 * any allow): say so instead of writing an allow line that cannot work. */
static void drop_denied(struct learned *l, struct strv *todo, const struct policy *base, int run)
{
	for (size_t i = 0; i < base->sys.n_rules; i++) {
		const struct sys_rule *r = &base->sys.rules[i];
		struct strv names = { 0 };
		if (!r->allow)
			expand(r->name, &names, 0);
		for (size_t j = 0; j < names.n; j++)
			if (strv_contains(todo, names.v[j]))
				note(l, xasprintf("not granted: allow = %s (%s called it): %s:%u denies "
						  "it", names.v[j], run_label(run), r->at.file,
						  r->at.line), true);
		strv_remove_all(todo, &names);
		strv_free(&names);
	}
}

static void grow_calls(struct learned *l, const struct learn_obs *o, const struct policy *base,
		       int run)
{
	struct strv seen = { 0 }, have = { 0 }, todo = { 0 };
	observed_calls(o, &seen);
	for (size_t i = 0; i < base->sys.n_rules; i++)
		if (base->sys.rules[i].allow)
			expand(base->sys.rules[i].name, &have, 0);
	for (size_t i = 0; i < l->allow.n; i++)
		expand(l->allow.v[i], &have, 0);
	for (size_t i = 0; i < seen.n; i++)
		if (!strv_contains(&have, seen.v[i]))
			strv_push(&todo, xstrdup(seen.v[i]));
	drop_denied(l, &todo, base, run);
	for (size_t i = 0; i < syscall_groups_count && todo.n; i++) {
		const struct syscall_group *g = &syscall_groups[i];
		if (in_list(learn_unsafe_groups, ARRAY_SIZE(learn_unsafe_groups), g->name) ||
		    !group_fits(g, &seen, &todo))
			continue;
		struct strv members = { 0 };
		expand(g->name, &members, 0);
		strv_remove_all(&todo, &members);
		strv_free(&members);
		strv_push(&l->allow, xstrdup(g->name));
	}
	if (todo.n)
		qsort(todo.v, todo.n, sizeof(*todo.v), cmp_str);
	for (size_t i = 0; i < todo.n; i++) {
		if (in_list(unsafe_calls, ARRAY_SIZE(unsafe_calls), todo.v[i]))
			note(l, xasprintf("warning: allow = %s: landjail denies it unless a "
					  "profile names it, and %s called it", todo.v[i],
					  run_label(run)), true);
		strv_push(&l->allow, xstrdup(todo.v[i]));
	}
	l->fork |= o->fork;
	strv_free(&seen);
	strv_free(&have);
	strv_free(&todo);
}

/* ---- network and limits ---------------------------------------------------------- */

static void grow_net(struct learned *l, const struct learn_obs *o, const struct policy *base,
		     int run)
{
	int mode = o->other_family >= 0 ? NET_UNRESTRICTED : o->inet_stream ? NET_TCP : NET_NONE;
	if (o->other_family >= 0)
		note(l, xasprintf("warning: mode = unrestricted: %s used a socket of family "
				  "%d, which mode tcp does not allow", run_label(run),
				  o->other_family), true);
	if (mode > NET_NONE && base->net.mode == NET_NONE && base->net.mode_at.file)
		note(l, xasprintf("warning: the base (%s:%u) says mode = none; %s used the "
				  "network", base->net.mode_at.file, base->net.mode_at.line,
				  run_label(run)), true);
	if (mode > l->net_mode)
		l->net_mode = mode;
	if (o->unix_used) {
		char *paths = strv_join(&o->unix_paths, " ");
		l->unix_allow = true;
		note(l, xasprintf("warning: unix = allow: %s used a unix socket%s%s; Landlock "
				  "does not confine connecting to one", run_label(run),
				  *paths ? " at " : "", paths), true);
		free(paths);
	}
	for (size_t i = 0; i < o->n_connect; i++)
		port_add(&l->connect, &l->n_connect, &l->cap_connect, o->connect[i]);
	for (size_t i = 0; i < o->n_bind; i++)
		port_add(&l->bind, &l->n_bind, &l->cap_bind, o->bind[i]);
}

/* The first step of a coarse ladder at or above v: a rerun that takes a
 * little longer lands on the same step. */
static unsigned long long ladder(unsigned long long v, const unsigned long long *steps,
				 size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (steps[i] >= v)
			return steps[i];
	return v;
}

static unsigned long long pow2_at_least(unsigned long long v, unsigned long long min)
{
	unsigned long long p = min;
	while (p < v)
		p <<= 1;
	return p;
}

/* Limit i becomes wanted unless it already leaves room for needed (the
 * least headroom a run must have): a rerun that is a little slower or
 * larger, as runs on a busy machine are, leaves the file as it was. */
static void raise_limit(struct learned *l, int i, unsigned long long needed,
			unsigned long long wanted)
{
	if (l->has_limit[i] && l->limit[i] >= needed)
		return;
	if (!l->has_limit[i] || l->limit[i] < wanted)
		l->limit[i] = wanted;
	l->has_limit[i] = true;
}

/* Headroom: ten times the time, four times the address space and twice
 * the descriptors a run used, above a floor most runs stay far below;
 * kept while a run uses less than a third of the time, half the address
 * space and all but eight of the descriptors. */
static void grow_limits(struct learned *l, const struct trace_stats *s)
{
	static const unsigned long long secs[] = { 10, 30, 60, 120, 300, 600, 1800, 3600 };
	unsigned long long wall = (unsigned long long)(s->wall_seconds * 10) + 1;
	unsigned long long cpu = (unsigned long long)(s->cpu_seconds * 10) + 1;
	unsigned long long fds = (unsigned long long)s->peak_fd + 1;
	raise_limit(l, LIMIT_TIMEOUT, wall * 3 / 10 + 1,
		    ladder(wall > 30 ? wall : 30, secs, ARRAY_SIZE(secs)));
	raise_limit(l, LIMIT_CPU, cpu * 3 / 10 + 1,
		    ladder(cpu > 10 ? cpu : 10, secs, ARRAY_SIZE(secs)));
	raise_limit(l, LIMIT_MEMORY, s->peak_vm * 2, pow2_at_least(s->peak_vm * 4, 256ULL << 20));
	raise_limit(l, LIMIT_OPEN_FILES, fds + 8, pow2_at_least(fds * 2, 64));
}

static int run_index(struct learned *l, const char *cmdline)
{
	for (size_t i = 0; i < l->runs.n; i++)
		if (strcmp(l->runs.v[i], cmdline) == 0)
			return (int)i;
	strv_push(&l->runs, xstrdup(cmdline));
	return (int)l->runs.n - 1;
}

void learned_grow(struct learned *l, const struct learn_obs *obs, const struct policy *base,
		  const char *cmdline)
{
	int run = run_index(l, cmdline);
	if (run >= LEARN_MAX_RUNS)
		run = LEARN_MAX_RUNS - 1;
	grow_files(l, obs, base, run);
	normalize_grants(l);
	grow_calls(l, obs, base, run);
	grow_net(l, obs, base, run);
	grow_limits(l, &obs->stats);
}
