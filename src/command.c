#include "command.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* 0 if runnable (with its stat in *st), -ENOENT if absent, -EACCES if
 * present but not runnable. */
static int runnable(const char *path, struct stat *st)
{
	if (stat(path, st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -EACCES;
	if (!S_ISREG(st->st_mode) || access(path, X_OK) < 0)
		return -EACCES;
	return 0;
}

/* A directory's identity: device and inode number.  Two PATH entries
 * name the same directory exactly when these match, whatever symbolic
 * links or bind mounts lead there; one stat, no path resolution. */
struct dir_id {
	dev_t dev;
	ino_t ino;
};

static bool dir_id_of(const char *path, struct dir_id *id)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	*id = (struct dir_id){ .dev = st.st_dev, .ino = st.st_ino };
	return true;
}

/* The directory "after" (the wrappers' directory) and which PATH entries
 * are it: each entry is looked up at most once per resolution, and not
 * at all when it is spelt as "after" is (then it is that directory). */
struct after {
	const char *path;
	struct dir_id id;
	signed char is[64]; /* by entry number: 1 yes, 0 no, -1 not looked up yet */
};

/* Is the PATH entry number i, d[0..len), the directory "after"? */
static bool same_dir(struct after *a, size_t i, const char *d, size_t len)
{
	if (i < sizeof(a->is) && a->is[i] >= 0)
		return a->is[i];
	bool same;
	if (len && strlen(a->path) == len && memcmp(d, a->path, len) == 0) {
		same = true; /* the same spelling: the same lookup */
	} else {
		char *dir = len ? xstrndup(d, len) : xstrdup(".");
		struct dir_id id;
		same = dir_id_of(dir, &id) && id.dev == a->id.dev && id.ino == a->id.ino;
		free(dir);
	}
	if (i < sizeof(a->is))
		a->is[i] = same;
	return same;
}

/* One walk along PATH.  With after set, entries up to and including the
 * directory "after" are skipped (if "after" is not on PATH, only it is). */
static int search_path(const char *name, const char *dirs, struct after *after,
		       bool after_on_path, char **resolved, struct stat *st)
{
	int best = -ENOENT;
	bool searching = !after || !after_on_path;
	size_t i = 0;
	for (const char *d = dirs;; d++, i++) {
		const char *end = strchrnul(d, ':');
		size_t len = (size_t)(end - d);
		bool is_after = after && same_dir(after, i, d, len);
		if (searching && !is_after) {
			/* An empty PATH entry means the current directory, as for execvp. */
			char *cand = len ? xasprintf("%.*s/%s", (int)len, d, name)
					 : xasprintf("./%s", name);
			int rc = runnable(cand, st);
			if (rc == 0) {
				*resolved = cand;
				return 0;
			}
			free(cand);
			if (rc == -EACCES)
				best = rc;
		}
		if (is_after)
			searching = true;
		if (!*end)
			return best;
		d = end;
	}
}

static bool on_path(const char *dirs, struct after *after)
{
	size_t i = 0;
	for (const char *d = dirs;; d++, i++) {
		const char *end = strchrnul(d, ':');
		if (same_dir(after, i, d, (size_t)(end - d)))
			return true;
		if (!*end)
			return false;
		d = end;
	}
}

int command_resolve_stat(const char *name, const char *path_env, const char *after,
			 char **resolved, struct stat *st)
{
	*resolved = NULL;
	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		int rc = runnable(name, st);
		if (rc == 0)
			*resolved = xstrdup(name);
		return rc;
	}
	const char *dirs = path_env && *path_env ? path_env : DEFAULT_PATH;
	struct after a = { .path = after };
	memset(a.is, -1, sizeof(a.is));
	if (!after || !dir_id_of(after, &a.id))
		return search_path(name, dirs, NULL, false, resolved, st);
	return search_path(name, dirs, &a, on_path(dirs, &a), resolved, st);
}

int command_resolve(const char *name, const char *path_env, const char *after,
		    char **resolved)
{
	struct stat st;
	return command_resolve_stat(name, path_env, after, resolved, &st);
}

char *command_path_without(const char *path_env, const char *dir)
{
	struct after a = { .path = dir };
	memset(a.is, -1, sizeof(a.is));
	bool known = dir_id_of(dir, &a.id);
	char *out = xstrdup("");
	size_t i = 0;
	for (const char *d = path_env;; d++, i++) {
		const char *end = strchrnul(d, ':');
		size_t len = (size_t)(end - d);
		if (!known || !same_dir(&a, i, d, len)) {
			char *next = xasprintf("%s%s%.*s", out, *out ? ":" : "", (int)len, d);
			free(out);
			out = next;
		}
		if (!*end)
			break;
		d = end;
	}
	return out;
}

/* A rule that grants execute: Landlock ties a rule to the inode its path
 * led to, so a file rule grants exactly the file with that device and
 * inode number (one fstat, no path resolution); a directory rule grants
 * what lies beneath it, compared by canonical path, read only when
 * needed. */
struct exec_rule {
	int fd;
	dev_t dev;
	ino_t ino;
	bool dir;
	char *canon; /* a directory's canonical path, or NULL until needed */
};

struct exec_rules {
	const struct policy *p;
	struct exec_rule *v;
	size_t n;
	bool read;
};

/* The rules' identities, read when a program is not one of them by name. */
static void exec_rules_read(struct exec_rules *out)
{
	const struct policy *p = out->p;
	out->read = true;
	out->v = xcalloc(p->n_fs ? p->n_fs : 1, sizeof(*out->v));
	out->n = 0;
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		struct stat st;
		if (r->fd < 0 || !fs_access_executes(r->access) || fstat(r->fd, &st) < 0)
			continue;
		out->v[out->n++] = (struct exec_rule){ .fd = r->fd, .dev = st.st_dev,
						       .ino = st.st_ino, .dir = S_ISDIR(st.st_mode) };
	}
}

static void exec_rules_free(struct exec_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->v[i].canon);
	free(rs->v);
}

/* A rule that executes, opened from this very spelling of path: its
 * descriptor is the inode the path leads to, so it grants it as
 * grants_by_inode() would, without a stat of either. */
static bool granted_by_name(const struct exec_rules *rs, const char *path)
{
	for (size_t i = 0; i < rs->p->n_fs; i++) {
		const struct fs_rule *r = &rs->p->fs[i];
		if (r->fd >= 0 && fs_access_executes(r->access) && strcmp(r->path, path) == 0)
			return true;
	}
	return false;
}

static bool grants_by_inode(const struct exec_rules *rs, const struct stat *st)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!rs->v[i].dir && rs->v[i].dev == st->st_dev && rs->v[i].ino == st->st_ino)
			return true;
	return false;
}

static bool grants_by_path(struct exec_rules *rs, const char *canon)
{
	for (size_t i = 0; i < rs->n; i++) {
		struct exec_rule *r = &rs->v[i];
		if (r->dir && !r->canon)
			r->canon = fd_realpath(r->fd);
		if (r->dir && r->canon && path_covers(r->canon, canon))
			return true;
	}
	return false;
}

/* The first page of a file to execute, and the file still open for what
 * lies beyond it: the #! line and the ELF headers are read from one read. */
struct head {
	int fd;
	ssize_t n;
	unsigned char buf[4096];
};

static bool head_open(const char *path, struct head *h)
{
	h->fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	h->n = h->fd >= 0 ? read(h->fd, h->buf, sizeof(h->buf)) : -1;
	if (h->n >= 0)
		return true;
	if (h->fd >= 0)
		close(h->fd);
	return false;
}

/* n bytes at off: from the page read already, else from the file. */
static bool head_get(const struct head *h, void *out, size_t n, uint64_t off)
{
	if (off <= (uint64_t)h->n && n <= (uint64_t)h->n - off) {
		memcpy(out, h->buf + off, n);
		return true;
	}
	return off <= (uint64_t)INT64_MAX && pread(h->fd, out, n, (off_t)off) == (ssize_t)n;
}

static char *script_interpreter(const struct head *h)
{
	char line[256];
	size_t n = (size_t)h->n < sizeof(line) - 1 ? (size_t)h->n : sizeof(line) - 1;
	if (n < 3 || h->buf[0] != '#' || h->buf[1] != '!')
		return NULL;
	memcpy(line, h->buf, n);
	line[n] = '\0';
	char *s = line + 2;
	s += strspn(s, " \t");
	size_t len = strcspn(s, " \t\n");
	return len ? xstrndup(s, len) : NULL;
}

static char *elf_interpreter(const struct head *h)
{
	Elf64_Ehdr eh;
	if (!head_get(h, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phnum > 256)
		return NULL;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (!head_get(h, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph)))
			break;
		if (ph.p_type != PT_INTERP || ph.p_filesz < 2 || ph.p_filesz > PATH_MAX)
			continue;
		char *interp = xcalloc(1, ph.p_filesz + 1);
		if (head_get(h, interp, ph.p_filesz, ph.p_offset))
			return interp;
		free(interp);
		break;
	}
	return NULL;
}

/* What find() reads in the head of the file at path, or NULL. */
static char *from_head(const char *path, char *(*find)(const struct head *h))
{
	struct head h;
	if (!head_open(path, &h))
		return NULL;
	char *interp = find(&h);
	close(h.fd);
	return interp;
}

char *command_script_interpreter(const char *path)
{
	return from_head(path, script_interpreter);
}

char *command_elf_interpreter(const char *path)
{
	return from_head(path, elf_interpreter);
}

static bool check_one(struct exec_rules *rs, const char *path, char **hint)
{
	struct stat st;
	if (granted_by_name(rs, path))
		return true;
	if (stat(path, &st) < 0)
		return true; /* execve will report it */
	if (!rs->read)
		exec_rules_read(rs);
	if (grants_by_inode(rs, &st))
		return true;
	char *canon = realpath(path, NULL);
	if (!canon)
		return true;
	bool ok = grants_by_path(rs, canon);
	if (!ok) {
		char *from = strcmp(canon, path) ? xasprintf(" (resolved from %s)", path)
						 : xstrdup("");
		*hint = xasprintf("the policy does not allow executing %s%s: add "
				  "\"--rox %s\", or a rox or rwx rule for a directory above it",
				  canon, from, canon);
		free(from);
	}
	free(canon);
	return ok;
}

bool command_executable_under(const struct policy *p, const char *resolved, char **hint)
{
	*hint = NULL;
	struct exec_rules rs = { .p = p };
	/* A script's interpreter, and an ELF program's (or that interpreter's)
	 * dynamic loader, are opened for execution by the kernel as well. */
	char *interp = NULL, *loader = NULL;
	bool ok = check_one(&rs, resolved, hint);
	struct head h;
	if (ok && head_open(resolved, &h)) {
		interp = script_interpreter(&h);
		loader = interp ? NULL : elf_interpreter(&h);
		close(h.fd);
	}
	if (ok && interp)
		ok = check_one(&rs, interp, hint);
	if (ok && interp)
		loader = command_elf_interpreter(interp);
	if (ok && loader)
		ok = check_one(&rs, loader, hint);
	free(loader);
	free(interp);
	exec_rules_free(&rs);
	return ok;
}
