#include "wrappers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "profile.h"
#include "util.h"

/* ---- how landjail was started ------------------------------------------- */

bool wrappers_called_as(const char *argv0, char **name, char **dir)
{
	/* AT_EXECFN is the path the caller handed to execve (the link found on
	 * PATH, as a shell script sees it in $0), whatever argv[0] says. */
	const char *fn = (const char *)getauxval(AT_EXECFN);
	if (!fn || !*fn)
		fn = argv0;
	if (!fn || !*fn)
		return false;
	const char *slash = strrchr(fn, '/');
	const char *base = slash ? slash + 1 : fn;
	if (!*base || strncmp(base, "landjail", 8) == 0)
		return false;
	*name = xstrdup(base);
	*dir = !slash ? xstrdup(".") : slash == fn ? xstrdup("/") : xstrndup(fn, (size_t)(slash - fn));
	return true;
}

static bool same_inode(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

bool wrappers_is_self_stat(const struct stat *st)
{
	struct stat self;
	return self_exe_stat(&self) && self.st_dev == st->st_dev && self.st_ino == st->st_ino;
}

bool wrappers_is_self(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && wrappers_is_self_stat(&st);
}

/* ---- the map --------------------------------------------------------------- */

struct wmap {
	struct strv prog, prof; /* parallel; the first entry of a program wins */
};

static void wmap_free(struct wmap *m)
{
	strv_free(&m->prog);
	strv_free(&m->prof);
}

static bool valid_word(const char *w)
{
	return *w && w[0] != '.' && !strchr(w, '/');
}

/* Like a profile, the map decides what confines a program: only root or
 * the user running landjail may be able to change it. */
static bool trusted_map(FILE *f, const char *file, struct errlist *el)
{
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		errlist_add(el, file, 0, "not a regular file");
		return false;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		errlist_add(el, file, 0, "refusing a map that group or others can write "
			    "(mode %04o); run: chmod go-w %s", (unsigned)(st.st_mode & 07777), file);
		return false;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		errlist_add(el, file, 0, "refusing a map owned by uid %u: it must belong to "
			    "root or to the user running landjail", (unsigned)st.st_uid);
		return false;
	}
	return true;
}

/* One "PROGRAM PROFILE" line (comments already cut) into m. */
static void parse_line(char *line, const char *file, unsigned n, struct wmap *m,
		       struct errlist *el)
{
	char *save, *w[3];
	w[0] = strtok_r(line, " \t\r\n", &save);
	if (!w[0])
		return;
	w[1] = strtok_r(NULL, " \t\r\n", &save);
	w[2] = w[1] ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	if (!w[1] || w[2]) {
		errlist_add(el, file, n, "want PROGRAM PROFILE");
		return;
	}
	if (!valid_word(w[0]) || !valid_word(w[1])) {
		errlist_add(el, file, n, "\"%s %s\": names, not paths, please", w[0], w[1]);
		return;
	}
	if (strv_contains(&m->prog, w[0]))
		return;
	strv_push(&m->prog, xstrdup(w[0]));
	strv_push(&m->prof, xstrdup(w[1]));
}

/* Adds dir's map to m.  Returns false when there is none. */
static bool read_map(const char *dir, struct wmap *m, struct errlist *el)
{
	char *file = xasprintf("%s/%s", dir, WRAPPERS_MAP);
	FILE *f = fopen(file, "re");
	if (!f) {
		if (errno != ENOENT && errno != ENOTDIR)
			errlist_add(el, file, 0, "cannot read it: %s", strerror(errno));
		free(file);
		return false;
	}
	if (trusted_map(f, file, el)) {
		char *line = NULL;
		size_t cap = 0;
		for (unsigned n = 1; getline(&line, &cap, f) >= 0; n++) {
			line[strcspn(line, "#")] = '\0';
			parse_line(line, file, n, m, el);
		}
		free(line);
	}
	fclose(f);
	free(file);
	return true;
}

static ssize_t wmap_find(const struct wmap *m, const char *prog)
{
	for (size_t i = 0; i < m->prog.n; i++)
		if (strcmp(m->prog.v[i], prog) == 0)
			return (ssize_t)i;
	return -1;
}

int wrappers_profile_for(const char *name, char **profile, struct errlist *el)
{
	struct strv dirs = { 0 };
	struct wmap m = { 0 };
	profile_search_path(&dirs);
	ssize_t at = -1;
	/* The search path's order: a user's or the administrator's map is read
	 * first, and the first one that names the program decides. */
	for (size_t i = 0; i < dirs.n && at < 0 && !el->n; i++)
		if (read_map(dirs.v[i], &m, el))
			at = wmap_find(&m, name);
	int rc = el->n ? -EINVAL : at < 0 ? -ENOENT : 0;
	if (rc == 0)
		*profile = xstrdup(m.prof.v[at]);
	if (rc == -ENOENT) {
		char *where = strv_join(&dirs, ", ");
		errlist_add(el, name, 0, "landjail was started as \"%s\", but no %s in %s "
			    "maps it to a profile", name, WRAPPERS_MAP, where);
		free(where);
	}
	wmap_free(&m);
	strv_free(&dirs);
	return rc;
}

static int load_whole_map(struct wmap *m, struct errlist *el)
{
	struct strv dirs = { 0 };
	profile_search_path(&dirs);
	for (size_t i = 0; i < dirs.n; i++)
		read_map(dirs.v[i], m, el);
	strv_free(&dirs);
	return el->n ? -1 : 0;
}

/* ---- keeping a directory in step ------------------------------------------ */

struct sync {
	const char *dir, *path_env;
	char *self; /* this landjail, the links' target */
	bool remove_all;
};

/* Is dir/name a symbolic link that leads to this landjail? */
static bool is_our_link(const struct sync *s, const char *link)
{
	struct stat st;
	return lstat(link, &st) == 0 && S_ISLNK(st.st_mode) && same_inode(link, s->self);
}

static bool link_points_at(const char *link, const char *target)
{
	char buf[4096];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, target) == 0;
}

/* A new link replaces the old one in one rename: a caller never finds the
 * program missing halfway. */
static int make_link(const struct sync *s, const char *prog, const char *link)
{
	char *tmp = xasprintf("%s/.%s.landjail-new", s->dir, prog);
	unlink(tmp);
	int rc = 0;
	if (symlink(s->self, tmp) < 0 || rename(tmp, link) < 0) {
		rc = -errno;
		diag_error("cannot create the wrapper %s: %s", link, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

static int remove_link(const char *link, const char *why)
{
	if (unlink(link) < 0) {
		diag_error("cannot remove the wrapper %s: %s", link, strerror(errno));
		return -errno;
	}
	if (diag_verbosity >= VERB_NORMAL)
		printf("removed %s (%s)\n", link, why);
	return 0;
}

/* Where the real program is, or NULL: the next one on PATH after dir,
 * unless that is a landjail wrapper too. */
static char *installed(const struct sync *s, const char *prog)
{
	char *found = NULL;
	if (s->remove_all || command_resolve(prog, s->path_env, s->dir, &found) < 0)
		return NULL;
	if (wrappers_is_self(found)) {
		free(found);
		return NULL;
	}
	return found;
}

static int sync_one(const struct sync *s, const char *prog, const char *profile)
{
	char *link = xasprintf("%s/%s", s->dir, prog);
	char *real = installed(s, prog);
	bool ours = is_our_link(s, link);
	struct stat st;
	int rc = 0;
	if (real && ours && link_points_at(link, s->self)) {
		/* already right */
	} else if (real && (ours || lstat(link, &st) < 0)) {
		rc = make_link(s, prog, link);
		if (!rc && diag_verbosity >= VERB_NORMAL)
			printf("added %s (%s, profile %s)\n", link, real, profile);
	} else if (real) {
		diag_warn("%s exists and is not a link to landjail: left as it is", link);
	} else if (ours) {
		rc = remove_link(link, s->remove_all ? "removing all" : "not installed");
	}
	free(real);
	free(link);
	return rc;
}

/* Links to landjail under names the map no longer has. */
static int sync_strays(const struct sync *s, const struct wmap *m)
{
	DIR *d = opendir(s->dir);
	if (!d) {
		diag_error("cannot read the wrapper directory %s: %s", s->dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || wmap_find(m, e->d_name) >= 0)
			continue;
		char *link = xasprintf("%s/%s", s->dir, e->d_name);
		if (is_our_link(s, link) && remove_link(link, "not in the map") < 0)
			rc = -1;
		free(link);
	}
	closedir(d);
	return rc;
}

int wrappers_sync(const char *dir, const char *path_env, bool remove_all,
		  struct errlist *el)
{
	struct wmap m = { 0 };
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		diag_error("%s: not a directory", dir);
		return -1;
	}
	if (!remove_all && load_whole_map(&m, el) < 0) {
		wmap_free(&m);
		return -1;
	}
	struct sync s = { .dir = dir, .path_env = path_env, .remove_all = remove_all,
			  .self = realpath("/proc/self/exe", NULL) };
	int rc = s.self ? 0 : -1;
	if (!s.self)
		diag_error("cannot find this landjail's own path: %s", strerror(errno));
	for (size_t i = 0; s.self && i < m.prog.n; i++)
		if (sync_one(&s, m.prog.v[i], m.prof.v[i]) < 0)
			rc = -1;
	if (s.self && sync_strays(&s, &m) < 0)
		rc = -1;
	free(s.self);
	wmap_free(&m);
	return rc;
}
