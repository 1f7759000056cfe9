/* The policy cache: a load of the profiles done again from what the last
 * identical load read, without opening or parsing a file.
 *
 * An entry is a trace (profile.h): the lines the reader handed to the
 * sections, and the identity (device, inode, size, mtime, ctime, mode,
 * owner) of every profile file, drop-in directory and searched directory
 * the load looked at, including the directories where a name was looked
 * for and not found.  It is used while a stat of each still gives the
 * same identity; its lines then go through the same handlers as a real
 * load's, so every check and every ${VAR} runs again, live.  Nothing of
 * struct policy is stored, so nothing of it can be forgotten.
 *
 * The entries share the filter cache's directory, format and reasons to
 * trust it (filter_cache.h: the caller's own 0700 directory that no
 * sandboxed program may write, entries of the caller's own, mode 0600,
 * one link, checked by a SHA-256).  Whatever goes wrong costs a full load,
 * never a run, and -v says what happened. */
#include "profile_cache.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "filter_cache.h"
#include "profile.h"
#include "util.h"

static const char pol_magic[8] = "LJPOL01\n";

/* A file changed this recently may change again within the same tick of
 * the filesystem's clock without its ctime moving: such a load is not
 * stored (git's "racy" entries).  Generous: file times come from the
 * coarse clock, up to a tick (1 to 10 ms) behind. */
#define RACY_NS 50000000ull

/* ---- bytes in, bytes out ---------------------------------------------------- */

struct out {
	uint8_t *b;
	size_t n, cap;
};

static void put(struct out *o, const void *v, size_t n)
{
	while (o->n + n > o->cap) {
		o->cap = o->cap ? 2 * o->cap : 4096;
		o->b = xrealloc(o->b, o->cap);
	}
	memcpy(o->b + o->n, v, n);
	o->n += n;
}

static void put_u32(struct out *o, uint32_t v)
{
	put(o, &v, sizeof(v));
}

/* NULL is length 0xffffffff; a string is followed by its NUL, so that a
 * replay can use it where it lies. */
static void put_str(struct out *o, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
	put_u32(o, n);
	if (s)
		put(o, s, (size_t)n + 1);
}

struct in {
	const uint8_t *b;
	size_t left;
	bool bad;
};

static void get(struct in *i, void *v, size_t n)
{
	if (i->bad || i->left < n) {
		i->bad = true;
		memset(v, 0, n);
		return;
	}
	memcpy(v, i->b, n);
	i->b += n;
	i->left -= n;
}

static uint32_t get_u32(struct in *i)
{
	uint32_t v;
	get(i, &v, sizeof(v));
	return v;
}

/* A string of the entry, in the entry's buffer. */
static char *get_str(struct in *i)
{
	uint32_t n = get_u32(i);
	if (i->bad || n == UINT32_MAX)
		return NULL;
	if (n >= i->left || i->b[n] != '\0' || memchr(i->b, '\0', n)) {
		i->bad = true;
		return NULL;
	}
	char *s = (char *)i->b;
	i->b += (size_t)n + 1;
	i->left -= (size_t)n + 1;
	return s;
}

static void trace_write(struct out *o, const struct profile_trace *tr)
{
	put_u32(o, (uint32_t)tr->n_seen);
	for (size_t i = 0; i < tr->n_seen; i++) {
		put_str(o, tr->seen[i].path);
		put(o, &tr->seen[i].st, sizeof(tr->seen[i].st));
	}
	put_u32(o, (uint32_t)tr->n_ev);
	for (size_t i = 0; i < tr->n_ev; i++) {
		const struct profile_event *e = &tr->ev[i];
		put_u32(o, e->kind);
		put_u32(o, e->section);
		put_u32(o, e->line);
		put_u32(o, e->top);
		put_str(o, e->file);
		put_str(o, e->key);
		put_str(o, e->value);
	}
}

/* False when the payload is not a whole trace (then tr holds a part).
 * Its strings stay in the entry's buffer (trace_forget). */
static bool trace_read(struct in *i, struct profile_trace *tr)
{
	uint32_t n = get_u32(i);
	for (uint32_t k = 0; k < n && !i->bad; k++) {
		tr->seen = grow_array(tr->seen, sizeof(*tr->seen), tr->n_seen, &tr->cap_seen);
		struct profile_seen *s = &tr->seen[tr->n_seen++];
		s->path = get_str(i);
		get(i, &s->st, sizeof(s->st));
		i->bad = i->bad || !s->path;
	}
	n = get_u32(i);
	for (uint32_t k = 0; k < n && !i->bad; k++) {
		tr->ev = grow_array(tr->ev, sizeof(*tr->ev), tr->n_ev, &tr->cap_ev);
		struct profile_event *e = &tr->ev[tr->n_ev++];
		e->kind = get_u32(i);
		e->section = get_u32(i);
		e->line = get_u32(i);
		e->top = get_u32(i);
		e->file = get_str(i);
		e->key = get_str(i);
		e->value = get_str(i);
		i->bad = i->bad || !e->file;
	}
	return !i->bad && i->left == 0;
}

/* A trace_read() trace: its arrays, not the strings it points to. */
static void trace_forget(struct profile_trace *tr)
{
	free(tr->ev);
	free(tr->seen);
	strv_free(&tr->absent);
	memset(tr, 0, sizeof(*tr));
}

/* ---- the key ------------------------------------------------------------------ */

/* Everything a load reads that is not in a file: this binary, the
 * caller, the names asked for in order, and the directories searched
 * (profile_dirs.c: from XDG_CONFIG_HOME or HOME and the build). */
static void entry_key(const struct strv *names, uint8_t key[SHA256_BYTES])
{
	struct out o = { 0 };
	uint64_t exe[4];
	filter_cache_exe_id(exe);
	put_str(&o, LANDJAIL_VERSION);
	put(&o, exe, sizeof(exe));
	put_u32(&o, (uint32_t)geteuid());
	put_u32(&o, (uint32_t)names->n);
	for (size_t i = 0; i < names->n; i++)
		put_str(&o, names->v[i]);
	struct strv dirs = { 0 };
	profile_search_path(&dirs);
	put_u32(&o, (uint32_t)dirs.n);
	for (size_t i = 0; i < dirs.n; i++)
		put_str(&o, dirs.v[i]);
	strv_free(&dirs);
	char *user = profile_user_dir();
	put_str(&o, profile_etc_dir());
	put_str(&o, user);
	free(user);
	sha256(o.b, o.n, key);
	free(o.b);
}

/* ---- one call ------------------------------------------------------------------ */

struct call {
	char *dir;   /* the cache directory, or NULL */
	int dirfd;
	uint8_t key[SHA256_BYTES];
	char name[FILTER_CACHE_NAME_MAX];
	char why[400]; /* why the entry was not used, or "" */
	char note[820]; /* for -v */
};

__attribute__((format(printf, 2, 3))) static void say_why(struct call *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* The profiles were read: -v says why, and what became of the entry. */
__attribute__((format(printf, 2, 3))) static void say_read(struct call *c, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(c->note, sizeof(c->note), "read; %s%s%s", c->why, c->why[0] ? "; " : "", what);
}

/* The first recorded file or directory that is not as it was, or NULL. */
static const char *changed(const struct profile_trace *tr)
{
	for (size_t i = 0; i < tr->n_seen; i++) {
		struct stat st;
		struct profile_stat now;
		if (stat(tr->seen[i].path, &st) < 0)
			return tr->seen[i].path;
		profile_stat_of(&st, &now);
		if (memcmp(&now, &tr->seen[i].st, sizeof(now)) != 0)
			return tr->seen[i].path;
	}
	return NULL;
}

static void errlist_move(struct errlist *to, struct errlist *from)
{
	for (size_t i = 0; i < from->n; i++) {
		to->msg = grow_array(to->msg, sizeof(*to->msg), to->n, &to->cap);
		to->msg[to->n++] = from->msg[i];
	}
	free(from->msg);
	memset(from, 0, sizeof(*from));
}

/* The entry, replayed into p: true when it was used. */
static bool from_entry(struct call *c, struct policy *p, struct errlist *el)
{
	size_t size = 0, count = 0;
	uint8_t *buf = filter_cache_entry_read(c->dirfd, c->name, &size);
	const uint8_t *body = NULL;
	if (!buf)
		return false;
	struct profile_trace tr = { 0 };
	struct in in = { 0 };
	bool ok = filter_cache_unseal(pol_magic, c->key, buf, size, &body, &count);
	if (ok) {
		in = (struct in){ .b = body, .left = count };
		ok = trace_read(&in, &tr);
	}
	const char *what = ok ? changed(&tr) : NULL;
	struct errlist mine = { 0 };
	if (!ok) {
		say_why(c, "the entry %s/%s was damaged", c->dir, c->name);
	} else if (what) {
		say_why(c, "the entry %s/%s is out of date (%s changed)", c->dir, c->name, what);
		ok = false;
	} else if (!profile_replay(p, &tr, &mine)) {
		say_why(c, "the entry %s/%s is out of date (an include names another file)", c->dir,
			c->name);
		policy_free(p);
		policy_init(p);
		errlist_free(&mine);
		ok = false;
	} else {
		snprintf(c->note, sizeof(c->note), "from the policy cache %s (%zu files and "
			 "directories unchanged)", c->dir, tr.n_seen);
		errlist_move(el, &mine);
	}
	trace_forget(&tr);
	free(buf);
	return ok;
}

/* The first recorded file changed too recently to be told from a change
 * to come, or NULL. */
static const char *racy(const struct profile_trace *tr, const struct timespec *start)
{
	uint64_t t0 = (uint64_t)start->tv_sec * 1000000000u + (uint64_t)start->tv_nsec;
	if (test_hook("LANDJAIL_TEST_RACY_PROFILES"))
		return tr->n_seen ? tr->seen[0].path : NULL;
	for (size_t i = 0; i < tr->n_seen; i++)
		if (tr->seen[i].st.ctime + RACY_NS >= t0)
			return tr->seen[i].path;
	return NULL;
}

static void store(struct call *c, const struct profile_trace *tr, const struct timespec *start)
{
	const char *r = racy(tr, start);
	if (tr->unusable) {
		say_read(c, "not stored in the policy cache: %s", tr->unusable);
		return;
	}
	if (r) {
		say_read(c, "not stored in the policy cache: %s changed too recently to tell it "
			 "from a change to come", r);
		return;
	}
	struct stat st;
	char why[512] = "";
	if (c->dirfd < 0)
		c->dirfd = filter_cache_dir_open("policy cache", c->dir, true, &st, why, sizeof(why));
	if (c->dirfd < 0) {
		say_read(c, "%s", why);
		return;
	}
	struct out o = { 0 };
	trace_write(&o, tr);
	size_t size = 0;
	uint8_t *entry = filter_cache_seal(pol_magic, c->key, o.b, o.n, &size);
	int err = entry ? filter_cache_entry_write(c->dirfd, c->name, entry, size) : -EFBIG;
	if (err < 0)
		say_read(c, "the policy cache %s cannot be written (%s)", c->dir, strerror(-err));
	else if (c->why[0])
		say_read(c, "replaced");
	else
		snprintf(c->note, sizeof(c->note), "read, then stored in the policy cache %s",
			 c->dir);
	free(entry);
	free(o.b);
}

void profile_cache_load(struct policy *p, const struct strv *names, struct errlist *el)
{
	if (!names->n)
		return;
	struct call c = { .dirfd = -1 };
	const char *why = NULL;
	struct stat st;
	c.dir = filter_cache_location(&why);
	if (c.dir) {
		entry_key(names, c.key);
		filter_cache_entry_name(c.key, ".pol", c.name);
		/* Missing or not fit for use: store() says which. */
		c.dirfd = filter_cache_dir_open("policy cache", c.dir, false, &st, c.note,
						sizeof(c.note));
	} else {
		say_read(&c, "no policy cache: %s", why);
	}
	if (c.dirfd < 0 || !from_entry(&c, p, el)) {
		struct timespec start;
		clock_gettime(CLOCK_REALTIME, &start);
		struct profile_trace tr = { 0 };
		size_t errors = el->n;
		for (size_t i = 0; i < names->n; i++)
			profile_load_traced(p, names->v[i], el, c.dir ? &tr : NULL);
		if (el->n == errors && c.dir)
			store(&c, &tr, &start);
		else if (c.dir)
			say_read(&c, "not stored in the policy cache: the profiles have problems");
		profile_trace_free(&tr);
	}
	diag_info("profiles: %s", c.note);
	if (c.dirfd >= 0)
		close(c.dirfd);
	free(c.dir);
}
