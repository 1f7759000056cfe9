/* The path rules on this machine: each opened once, O_PATH, before the
 * fork (so the enforcement and the exec checks work on the very inodes
 * the rules named), and the forbidden directories checked against them
 * by inode. */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathid.h"

void policy_open_paths(struct policy *p, struct errlist *el)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		struct fs_rule *r = &p->fs[i];
		if (r->fd >= 0 || r->missing)
			continue;
		if (policy_path_per_process(r->path)) {
			/* Checked here, opened by the child (see landlock_enter). */
			if (access(r->path, F_OK) == 0)
				continue;
		} else {
			r->fd = openat(AT_FDCWD, r->path, O_PATH | O_CLOEXEC);
			if (r->fd >= 0)
				continue;
		}
		if ((errno == ENOENT || errno == ENOTDIR) && r->optional) {
			r->missing = true;
			continue;
		}
		if (errno == ENOENT)
			errlist_add(el, r->at.file, r->at.line,
				    "%s does not exist (prefix it with ? if it is optional)", r->path);
		else
			errlist_add(el, r->at.file, r->at.line, "cannot open %s: %s", r->path,
				    strerror(errno));
	}
}

/* The forbid check.  Every walk up goes through one struct pathid_walks,
 * so that the directories the forbidden ones and the rules share (/, /var,
 * a home) are looked up once, by their spelling; what the walks compare
 * is the device and inode of each directory passed. */
struct check {
	const struct policy *p;
	struct pathid_walks walks;
	struct pathid_set writable; /* the writable targets, then the isolated directory */
	struct errlist *el;
};

/* In the set of writable targets, the isolated directory's index. */
#define ISOLATE_TARGET (-2)

/* The first writable target at node or above it: the lowest level wins,
 * then the first target at that level.  Its rule, ISOLATE_TARGET or -1. */
static ssize_t covering(const struct check *c, int node)
{
	for (int n = node; n >= 0; n = pathid_walks_up(&c->walks, n)) {
		ssize_t r = pathid_set_find(&c->writable, &c->walks.node[n].id);
		if (r != -1)
			return r;
	}
	return -1;
}

/* forbid: no writable rule may cover the directory (be it, or one of its
 * ancestors), compared by inode as Landlock compares. */
static void check_forbid_above(struct check *c, const struct fs_forbid *f)
{
	const struct policy *p = c->p;
	int node = pathid_walks_dir(&c->walks, f->path);
	if (node < 0)
		return; /* nothing there to protect on this machine */
	ssize_t i = covering(c, node);
	if (i == ISOLATE_TARGET)
		errlist_add(c->el, p->isolate_at.file, p->isolate_at.line,
			    "isolate = %s would make files in %s writable, which %s:%u forbids "
			    "(point it at a directory of the application's own)",
			    p->isolate, f->path, f->at.file, f->at.line);
	if (i >= 0) {
		const struct fs_rule *r = &p->fs[i];
		int dir = openat(AT_FDCWD, f->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		char *canon = dir >= 0 ? fd_realpath(dir) : NULL;
		if (dir >= 0)
			close(dir);
		errlist_add(c->el, r->at.file, r->at.line,
			    "%s = %s would make %s writable, which %s:%u forbids "
			    "(point it at a directory of the application's own)",
			    fs_access_name(r->access), r->path, canon ? canon : f->path,
			    f->at.file, f->at.line);
		free(canon);
	}
}

/* forbid-beneath: the identities of what its patterns name now. */
struct beneath {
	struct {
		struct pathid id;
		char *path;
		const struct fs_forbid *from;
	} *e;
	size_t n, cap;
	size_t hit;
};

static void beneath_push(struct beneath *b, const struct pathid *id, const char *path,
			 const struct fs_forbid *f)
{
	b->e = grow_array(b->e, sizeof(*b->e), b->n, &b->cap);
	b->e[b->n].id = *id;
	b->e[b->n].path = xstrdup(path);
	b->e[b->n++].from = f;
}

/* Would glob(3) read a directory for the pattern, or return another
 * spelling of it ("//etc" as "/etc", "/etc/passwd/" as "/etc/passwd")? */
static bool glob_special(const char *pattern)
{
	size_t n = strlen(pattern);
	return strpbrk(pattern, "*?[\\") || strstr(pattern, "//") ||
	       (n > 1 && pattern[n - 1] == '/');
}

/* The identity of what a pattern's match leads to, unless that is a
 * device: a dot-entry linked to one (~/.bash_history -> /dev/null, to keep
 * no history) holds no file of the home, and the /dev/null that every
 * converter writes must stay allowed.  Devices are the [filesystem] dev
 * rules' business. */
static bool holds_files(const char *path, struct pathid *id)
{
	struct stat st;
	if (stat(path, &st) < 0 || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return false;
	*id = (struct pathid){ .dev = st.st_dev, .ino = st.st_ino };
	return true;
}

static void beneath_add(struct check *c, struct beneath *b, const struct fs_forbid *f)
{
	struct pathid id;
	if (!glob_special(f->path)) {
		/* glob(3) would return the pattern itself when lstat finds it,
		 * and stat finds only what lstat finds.  A directory the walks
		 * looked up already (/etc, /usr) is known. */
		int n = pathid_walks_known(&c->walks, f->path);
		if (n >= 0)
			beneath_push(b, &c->walks.node[n].id, f->path, f);
		else if (pathid_of_path(f->path, &id))
			beneath_push(b, &id, f->path, f);
		return;
	}
	glob_t g;
	if (glob(f->path, GLOB_NOSORT, NULL, &g) != 0)
		return; /* nothing matches on this machine */
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (holds_files(g.gl_pathv[i], &id))
			beneath_push(b, &id, g.gl_pathv[i], f);
	globfree(&g);
}

static bool beneath_match(const struct pathid *id, struct beneath *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->e[i].id.dev == id->dev && b->e[i].id.ino == id->ino) {
			b->hit = i;
			return true;
		}
	return false;
}

/* Is node, or a directory above it, something a pattern names? */
static bool beneath_above(const struct check *c, int node, struct beneath *b)
{
	for (int n = node; n >= 0; n = pathid_walks_up(&c->walks, n))
		if (beneath_match(&c->walks.node[n].id, b))
			return true;
	return false;
}

/* The node of the directory a rule's target is in, or of the target if a
 * directory; *hit if the target, a file, is itself named by a pattern. */
static int rule_dir(struct check *c, size_t i, struct beneath *b, bool *hit)
{
	const struct fs_rule *r = &c->p->fs[i];
	const struct pathid_set *t = &c->writable;
	size_t k = 0;
	while (k < t->n && t->rule[k] != (ssize_t)i)
		k++; /* its descriptor's identity, if fstat answered */
	struct pathid id = k < t->n ? t->id[k] : (struct pathid){ 0 };
	if (r->fd >= 0 && k < t->n) {
		/* The rule's own spelling, looked up as the check's other paths
		 * are, is where its descriptor was opened unless some link or
		 * change on the way says otherwise: then the descriptor decides. */
		int n = pathid_walks_clean(&c->walks, r->path);
		if (n >= 0 && c->walks.node[n].id.dev == id.dev && c->walks.node[n].id.ino == id.ino) {
			if (c->walks.node[n].kind == PATHID_DIR)
				return n;
			*hit = beneath_match(&id, b);
			return c->walks.node[n].parent;
		}
	}
	int fd = r->fd >= 0 ? fcntl(r->fd, F_DUPFD_CLOEXEC, 0)
			    : openat(AT_FDCWD, r->path, O_PATH | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		int n = pathid_walks_fd(&c->walks, fd);
		close(fd);
		return n;
	}
	/* A file: itself, then walk from its directory. */
	id = (struct pathid){ .dev = st.st_dev, .ino = st.st_ino };
	*hit = beneath_match(&id, b);
	char *canon = fd_realpath(fd);
	close(fd);
	if (!canon)
		return -1;
	char *slash = strrchr(canon, '/');
	if (slash)
		slash[slash == canon] = '\0';
	int n = pathid_walks_dir(&c->walks, canon);
	free(canon);
	return n;
}

static void check_forbid_beneath(struct check *c, struct beneath *b)
{
	const struct policy *p = c->p;
	for (size_t i = 0; i < p->n_fs && b->n; i++) {
		const struct fs_rule *r = &p->fs[i];
		if (!fs_access_writes(r->access) || r->missing)
			continue;
		bool hit = false;
		int dir = rule_dir(c, i, b, &hit);
		if (!hit && dir >= 0)
			hit = beneath_above(c, dir, b);
		if (hit)
			errlist_add(c->el, r->at.file, r->at.line,
				    "%s = %s is in %s, where %s:%u forbids writable rules "
				    "(point it at a directory of the application's own)",
				    fs_access_name(r->access), r->path, b->e[b->hit].path,
				    b->e[b->hit].from->at.file, b->e[b->hit].from->at.line);
	}
}

/* forbid-beneath from above: a writable rule on a directory that holds
 * what a pattern names (rw = /home/alice, when HOME is some other
 * directory) makes it writable as surely as a rule inside it.  Checked
 * once per distinct directory holding a match; one error per rule. */
static void check_beneath_covered(struct check *c, const struct beneath *b)
{
	const struct policy *p = c->p;
	struct strv done = { 0 };
	bool *said = calloc(p->n_fs + 1, sizeof(*said));
	for (size_t i = 0; i < b->n && said; i++) {
		char *dir = xstrdup(b->e[i].path);
		char *slash = strrchr(dir, '/');
		if (slash)
			slash[slash == dir] = '\0';
		if (!slash || strv_contains(&done, dir)) {
			free(dir);
			continue;
		}
		strv_push(&done, dir);
		int node = pathid_walks_dir(&c->walks, dir);
		ssize_t r = node >= 0 ? covering(c, node) : -1;
		size_t slot = r == ISOLATE_TARGET ? p->n_fs : (size_t)r;
		if ((r < 0 && r != ISOLATE_TARGET) || said[slot])
			continue;
		said[slot] = true;
		if (r == ISOLATE_TARGET)
			errlist_add(c->el, p->isolate_at.file, p->isolate_at.line,
				    "isolate = %s would make %s writable, which %s:%u forbids "
				    "(point it at a directory of the application's own)", p->isolate,
				    b->e[i].path, b->e[i].from->at.file, b->e[i].from->at.line);
		else
			errlist_add(c->el, p->fs[r].at.file, p->fs[r].at.line,
				    "%s = %s would make %s writable, which %s:%u forbids "
				    "(point it at a directory of the application's own)",
				    fs_access_name(p->fs[r].access), p->fs[r].path, b->e[i].path,
				    b->e[i].from->at.file, b->e[i].from->at.line);
	}
	free(said);
	strv_free(&done);
}

/* The isolated directory, as stat(2) finds it: a target like the rules'. */
static void add_isolated(struct check *c)
{
	struct pathid_set *t = &c->writable;
	int n = pathid_walks_clean(&c->walks, c->p->isolate);
	if (n >= 0)
		t->id[t->n] = c->walks.node[n].id;
	else if (!pathid_of_path(c->p->isolate, &t->id[t->n]))
		return;
	t->rule[t->n++] = ISOLATE_TARGET;
}

void policy_check_forbidden(const struct policy *p, struct errlist *el)
{
	if (!p->n_forbid)
		return;
	struct check c = { .p = p, .el = el };
	struct beneath b = { 0 };
	pathid_walks_init(&c.walks);
	pathid_set_writable(p, &c.writable); /* room for one more: the isolated directory */
	if (p->isolate)
		add_isolated(&c);
	/* Only the forbid walks report here: the patterns' matches come
	 * after them, when the walks know /etc and /usr. */
	for (size_t f = 0; f < p->n_forbid; f++)
		if (!p->forbid[f].beneath)
			check_forbid_above(&c, &p->forbid[f]);
	for (size_t f = 0; f < p->n_forbid; f++)
		if (p->forbid[f].beneath)
			beneath_add(&c, &b, &p->forbid[f]);
	check_beneath_covered(&c, &b);
	check_forbid_beneath(&c, &b);
	/* The isolated directory: its calls create and write files there. */
	int iso = p->isolate && b.n ? pathid_walks_dir(&c.walks, p->isolate) : -1;
	if (iso >= 0 && beneath_above(&c, iso, &b))
		errlist_add(el, p->isolate_at.file, p->isolate_at.line,
			    "isolate = %s is in %s, where %s:%u forbids writable rules "
			    "(point it at a directory of the application's own)", p->isolate,
			    b.e[b.hit].path, b.e[b.hit].from->at.file, b.e[b.hit].from->at.line);
	pathid_set_free(&c.writable);
	pathid_walks_free(&c.walks);
	for (size_t i = 0; i < b.n; i++)
		free(b.e[i].path);
	free(b.e);
}
