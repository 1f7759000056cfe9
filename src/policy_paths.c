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
			r->fd = open(r->path, O_PATH | O_CLOEXEC);
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

/* forbid: no writable rule may cover the directory (be it, or one of its
 * ancestors), compared by inode as Landlock compares. */
/* In the set of writable targets, the isolated directory's index. */
#define ISOLATE_TARGET (-2)

static void check_forbid_above(const struct policy *p, const struct fs_forbid *f,
			       struct pathid_set *writable, struct errlist *el)
{
	int dir = open(f->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return; /* nothing there to protect on this machine */
	ssize_t i = pathid_set_covering(writable, dir);
	if (i == ISOLATE_TARGET)
		errlist_add(el, p->isolate_at.file, p->isolate_at.line,
			    "isolate = %s would make files in %s writable, which %s:%u forbids "
			    "(point it at a directory of the application's own)",
			    p->isolate, f->path, f->at.file, f->at.line);
	if (i >= 0) {
		const struct fs_rule *r = &p->fs[i];
		char *canon = fd_realpath(dir);
		errlist_add(el, r->at.file, r->at.line,
			    "%s = %s would make %s writable, which %s:%u forbids "
			    "(point it at a directory of the application's own)",
			    fs_access_name(r->access), r->path, canon ? canon : f->path,
			    f->at.file, f->at.line);
		free(canon);
	}
	close(dir);
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

static void beneath_add(struct beneath *b, const struct fs_forbid *f)
{
	glob_t g;
	if (glob(f->path, GLOB_NOSORT, NULL, &g) != 0)
		return; /* nothing matches on this machine */
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct pathid id;
		if (!pathid_of_path(g.gl_pathv[i], &id))
			continue;
		b->e = grow_array(b->e, sizeof(*b->e), b->n, &b->cap);
		b->e[b->n].id = id;
		b->e[b->n].path = xstrdup(g.gl_pathv[i]);
		b->e[b->n++].from = f;
	}
	globfree(&g);
}

static bool beneath_match(const struct pathid *id, void *arg)
{
	struct beneath *b = arg;
	for (size_t i = 0; i < b->n; i++)
		if (b->e[i].id.dev == id->dev && b->e[i].id.ino == id->ino) {
			b->hit = i;
			return true;
		}
	return false;
}

/* The directory a rule's target is in, or the target if a directory. */
static int rule_dir(const struct fs_rule *r, struct beneath *b, bool *hit)
{
	int fd = r->fd >= 0 ? fcntl(r->fd, F_DUPFD_CLOEXEC, 0)
			    : open(r->path, O_PATH | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode))
		return fd;
	/* A file: itself, then walk from its directory. */
	struct pathid id = { .dev = st.st_dev, .ino = st.st_ino };
	*hit = beneath_match(&id, b);
	char *canon = fd_realpath(fd);
	close(fd);
	if (!canon)
		return -1;
	char *slash = strrchr(canon, '/');
	if (slash)
		slash[slash == canon] = '\0';
	fd = open(canon, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(canon);
	return fd;
}

static void check_forbid_beneath(const struct policy *p, struct beneath *b, struct errlist *el)
{
	for (size_t i = 0; i < p->n_fs && b->n; i++) {
		const struct fs_rule *r = &p->fs[i];
		if (!fs_access_writes(r->access) || r->missing)
			continue;
		bool hit = false;
		int dir = rule_dir(r, b, &hit);
		if (!hit && dir >= 0)
			hit = pathid_walk_up(dir, beneath_match, b);
		if (dir >= 0)
			close(dir);
		if (hit)
			errlist_add(el, r->at.file, r->at.line,
				    "%s = %s is in %s, where %s:%u forbids writable rules "
				    "(point it at a directory of the application's own)",
				    fs_access_name(r->access), r->path, b->e[b->hit].path,
				    b->e[b->hit].from->at.file, b->e[b->hit].from->at.line);
	}
}

void policy_check_forbidden(const struct policy *p, struct errlist *el)
{
	if (!p->n_forbid)
		return;
	struct beneath b = { 0 };
	struct pathid_set writable;
	pathid_set_writable(p, &writable); /* room for one more: the isolated directory */
	if (p->isolate && pathid_of_path(p->isolate, &writable.id[writable.n]))
		writable.rule[writable.n++] = ISOLATE_TARGET;
	for (size_t f = 0; f < p->n_forbid; f++) {
		if (p->forbid[f].beneath)
			beneath_add(&b, &p->forbid[f]);
		else
			check_forbid_above(p, &p->forbid[f], &writable, el);
	}
	pathid_set_free(&writable);
	check_forbid_beneath(p, &b, el);
	/* The isolated directory: its calls create and write files there. */
	int isofd = p->isolate && b.n ? open(p->isolate, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (isofd >= 0 && pathid_walk_up(isofd, beneath_match, &b))
		errlist_add(el, p->isolate_at.file, p->isolate_at.line,
			    "isolate = %s is in %s, where %s:%u forbids writable rules "
			    "(point it at a directory of the application's own)", p->isolate,
			    b.e[b.hit].path, b.e[b.hit].from->at.file, b.e[b.hit].from->at.line);
	if (isofd >= 0)
		close(isofd);
	for (size_t i = 0; i < b.n; i++)
		free(b.e[i].path);
	free(b.e);
}
