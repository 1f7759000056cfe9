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

bool learn_in_list(const char *const *list, size_t n, const char *s)
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

void learn_note(struct learned *l, char *owned, bool warn)
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

const char *learn_run_label(int run)
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
			learn_note(l, xasprintf("not granted: %s = %s (%s needed to %s %s): %s",
					  fs_access_name(a), path, learn_run_label(run),
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
			learn_note(l, xasprintf("warning: %s = %s grants a directory other programs "
					  "share (%s: %s %s); narrow it if you can",
					  fs_access_name(a), path, learn_run_label(run),
					  rights_words(f->rights), f->path), true);
		if (a == FS_ROX && learn_in_list(shells, ARRAY_SIZE(shells), path))
			learn_note(l, xasprintf("warning: rox = %s grants a shell (%s); with a shell, "
					  "a hostile input that reaches it runs commands", path,
					  learn_run_label(run)), true);
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

/* ---- network and limits ---------------------------------------------------------- */

static void grow_net(struct learned *l, const struct learn_obs *o, const struct policy *base,
		     int run)
{
	int mode = o->other_family >= 0 ? NET_UNRESTRICTED : o->inet_stream ? NET_TCP : NET_NONE;
	if (o->other_family >= 0)
		learn_note(l, xasprintf("warning: mode = unrestricted: %s used a socket of family "
				  "%d, which mode tcp does not allow", learn_run_label(run),
				  o->other_family), true);
	if (mode > NET_NONE && base->net.mode == NET_NONE && base->net.mode_at.file)
		learn_note(l, xasprintf("warning: the base (%s:%u) says mode = none; %s used the "
				  "network", base->net.mode_at.file, base->net.mode_at.line,
				  learn_run_label(run)), true);
	if (mode > l->net_mode)
		l->net_mode = mode;
	if (o->unix_used) {
		char *paths = strv_join(&o->unix_paths, " ");
		l->unix_allow = true;
		learn_note(l, xasprintf("warning: unix = allow: %s used a unix socket%s%s; Landlock "
				  "does not confine connecting to one", learn_run_label(run),
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
	learn_grow_calls(l, obs, base, run);
	grow_net(l, obs, base, run);
	grow_limits(l, &obs->stats);
}
