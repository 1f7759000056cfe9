/* Which rules could let a sandboxed program write the filter cache
 * (filter_cache.h says why none may): by device and inode, the cache
 * directory, every directory above it, and every other place a bind
 * mount shows it in (/proc/self/mountinfo), with theirs. */
#include "filter_cache_rules.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct ino_set {
	struct { dev_t dev; ino_t ino; } v[256];
	size_t n;
	bool full; /* more than fit: the check must fail closed */
};

static void set_add_path(struct ino_set *s, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (s->n == ARRAY_SIZE(s->v))
		s->full = true;
	else
		s->v[s->n].dev = st.st_dev, s->v[s->n++].ino = st.st_ino;
}

static bool set_has(const struct ino_set *s, const struct stat *st)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].dev == st->st_dev && s->v[i].ino == st->st_ino)
			return true;
	return false;
}

/* path and every directory above it, as far as they exist. */
static void set_add_ancestors(struct ino_set *s, const char *path)
{
	char *p = xstrdup(path);
	for (;;) {
		set_add_path(s, p[0] ? p : "/");
		char *slash = strrchr(p, '/');
		if (!slash || !p[0])
			break;
		*slash = '\0';
	}
	free(p);
}

/* Is prefix equal to path or a directory above it (as strings)? */
static size_t under(const char *prefix, const char *path)
{
	size_t n = strlen(prefix);
	if (n == 1 && prefix[0] == '/')
		return path[0] == '/' ? 0 : (size_t)-1;
	return strncmp(prefix, path, n) == 0 && (path[n] == '/' || !path[n]) ? n : (size_t)-1;
}

/* mountinfo escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++, o++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
			*o = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o = *s;
		}
	}
	*o = '\0';
}

/* One line of mountinfo, its fields pointing into the line itself (the
 * read buffer, which is ours to cut up). */
struct mnt {
	unsigned major, minor;
	const char *root, *point;
};

/* The next blank-separated field of *s, cut off in place, or NULL. */
static char *field(char **s)
{
	char *f = *s + strspn(*s, " ");
	if (!*f)
		return NULL;
	char *end = f + strcspn(f, " ");
	*s = *end ? end + 1 : end;
	*end = '\0';
	return f;
}

/* "ID PARENT MAJOR:MINOR ROOT POINT ...": a line is parsed once, in
 * place (no copies of 4 KiB fields; this runs on every launch). */
static bool mnt_parse(char *line, struct mnt *m)
{
	char *s = line, *dev;
	if (!field(&s) || !field(&s) || !(dev = field(&s)) ||
	    sscanf(dev, "%u:%u", &m->major, &m->minor) != 2)
		return false;
	char *root = field(&s), *point = field(&s);
	if (!root || !point)
		return false;
	unescape(root);
	unescape(point);
	m->root = root;
	m->point = point;
	return true;
}

/* /proc/self/mountinfo in one piece (malloc'd), or NULL: one or two
 * reads instead of a stdio buffer's many. */
static char *read_mountinfo(void)
{
	int fd = openat(AT_FDCWD, "/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = read_whole(fd, 0, NULL);
	close(fd);
	return buf;
}

/* Every other place where the directory canon (canonical) is visible: a
 * bind mount of it or of a directory above it elsewhere.  The directories
 * above each such place go into s too.  -errno when mountinfo cannot be
 * read: then bind mounts cannot be ruled out. */
static int set_add_aliases(struct ino_set *s, const char *canon)
{
	char *info = read_mountinfo();
	if (!info)
		return -errno;
	size_t lines = 0;
	for (char *c = info; *c; c++)
		if (*c == '\n')
			lines++;
	struct mnt *m = xcalloc(lines ? lines : 1, sizeof(*m));
	size_t n = 0;
	for (char *line = info, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		if (mnt_parse(line, &m[n]))
			n++;
	}
	/* First the mount canon lies on: the longest mount point above it
	 * (the last such line wins: it is mounted over the others). */
	const struct mnt *home = NULL;
	size_t best = 0;
	for (size_t i = 0; i < n; i++)
		if (under(m[i].point, canon) != (size_t)-1 && strlen(m[i].point) >= best) {
			best = strlen(m[i].point);
			home = &m[i];
		}
	char *rel = home ? xasprintf("%s%s", strcmp(home->root, "/") ? home->root : "",
				     canon + under(home->point, canon))
			 : xstrdup("");
	if (!rel[0]) {
		free(rel);
		rel = xstrdup("/");
	}
	for (size_t i = 0; home && i < n; i++) {
		size_t k;
		if (m[i].major != home->major || m[i].minor != home->minor ||
		    (k = under(m[i].root, rel)) == (size_t)-1)
			continue;
		char *alias = xasprintf("%s%s", strcmp(m[i].point, "/") ? m[i].point : "", rel + k);
		if (strcmp(alias, canon))
			set_add_ancestors(s, alias[0] ? alias : "/");
		free(alias);
	}
	free(rel);
	free(m);
	free(info);
	return 0;
}

/* The scratch directory of this call (callfiles.c), once created. */
static struct {
	bool set;
	dev_t dev;
	ino_t ino;
} scratch;

void filter_cache_new_scratch(const char *dir)
{
	struct stat st;
	scratch.set = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	scratch.dev = st.st_dev;
	scratch.ino = st.st_ino;
}

/* A directory that landjail has just created for this call, empty, has
 * nothing beneath it: it can hold neither the cache nor a mount of it (a
 * mount there takes a privilege that could write the cache anyway). */
static bool is_scratch(const struct stat *st)
{
	return scratch.set && S_ISDIR(st->st_mode) && st->st_dev == scratch.dev &&
	       st->st_ino == scratch.ino;
}

/* May rule r (its inode: st) let the program change what the cache
 * directory (dir, with the directories above it and their aliases in s)
 * holds?  A directory rule does when it names one of them; a file rule
 * when the file is an entry, that is sits in the cache directory itself. */
static bool rule_reaches(const struct fs_rule *r, const struct stat *st, const struct ino_set *s,
			 const struct stat *dir)
{
	if (S_ISDIR(st->st_mode))
		return set_has(s, st);
	if (!S_ISREG(st->st_mode) || !dir)
		return false;
	char *real = r->fd >= 0 ? fd_realpath(r->fd) : realpath(r->path, NULL);
	char *slash = real ? strrchr(real, '/') : NULL;
	struct stat parent;
	bool in = false;
	if (slash) {
		*slash = '\0';
		in = stat(real[0] ? real : "/", &parent) == 0 && parent.st_dev == dir->st_dev &&
		     parent.st_ino == dir->st_ino;
	}
	free(real);
	return in;
}

static char *rule_refused(const struct fs_rule *r, const char *canon)
{
	char *rule = r->at.line ? xasprintf("%s:%u: %s %s", r->at.file, r->at.line,
					    fs_access_name(r->access), r->path)
				: xstrdup(r->at.file);
	char *msg = xasprintf("%s lets the program write landjail's filter cache (%s): it "
			      "could plant a filter that a later run loads; refusing (narrow "
			      "the rule, or move the cache out of its reach with "
			      "XDG_CACHE_HOME)", rule, canon);
	free(rule);
	return msg;
}

/* -EPERM with *msg when some rule of p reaches the cache at canon (dir:
 * its inode, NULL when it does not exist). */
int filter_cache_check_rules(const struct policy *p, const char *canon, const struct stat *dir,
			     char **msg)
{
	struct ino_set *s = xcalloc(1, sizeof(*s));
	struct stat *st = xcalloc(p->n_fs ? p->n_fs : 1, sizeof(*st));
	bool *writes = xcalloc(p->n_fs ? p->n_fs : 1, sizeof(*writes)), dirs = false;
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		writes[i] = !r->missing && fs_access_writes(r->access) &&
			    (r->fd >= 0 ? fstat(r->fd, &st[i]) : stat(r->path, &st[i])) == 0 &&
			    !is_scratch(&st[i]);
		dirs |= writes[i] && S_ISDIR(st[i].st_mode);
	}
	int err = 0;
	if (dirs) {
		set_add_ancestors(s, canon);
		err = set_add_aliases(s, canon);
	}
	if (!err && s->full)
		err = -E2BIG;
	if (err < 0)
		*msg = xasprintf("%s, so landjail cannot tell whether this policy's writable "
				 "directories hold its filter cache (%s); refusing",
				 err == -E2BIG ? "the cache directory is visible in more places "
						 "than landjail tracks (bind mounts)"
					       : "cannot read /proc/self/mountinfo", canon);
	for (size_t i = 0; !err && i < p->n_fs; i++)
		if (writes[i] && rule_reaches(&p->fs[i], &st[i], s, dir)) {
			*msg = rule_refused(&p->fs[i], canon);
			err = -EPERM;
		}
	free(writes);
	free(st);
	free(s);
	return err;
}
