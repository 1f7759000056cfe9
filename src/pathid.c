#include "pathid.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool pathid_of_fd(int fd, struct pathid *out)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return false;
	*out = (struct pathid){ .dev = st.st_dev, .ino = st.st_ino };
	return true;
}

bool pathid_of_path(const char *path, struct pathid *out)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return false;
	*out = (struct pathid){ .dev = st.st_dev, .ino = st.st_ino };
	return true;
}

static bool same(const struct pathid *a, const struct pathid *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* How a walk ended: fn matched, fn knew the rest to be clear, the root
 * was reached, or a step failed (the rest is unknown). */
enum walk_end { WALK_MATCH, WALK_CLEAR, WALK_ROOT, WALK_FAILED };

/* fn for fd's directory and each ancestor up to the root, until fn says
 * WALK_MATCH or WALK_CLEAR (WALK_ROOT: go on).  One fstatat per level:
 * a path of n ".." components from fd resolves exactly as n successive
 * openat(..., "..") would, across mount points as the kernel walks them,
 * without a descriptor per level.  Past PATH_MAX/3 levels the walk goes
 * on from a descriptor of the deepest one reached. */
static enum walk_end walk(int fd, enum walk_end (*fn)(const struct pathid *id, void *arg),
			  void *arg)
{
	struct pathid id, up;
	if (!pathid_of_fd(fd, &id))
		return WALK_FAILED;
	char rel[PATH_MAX];
	size_t n = 0;
	int base = fd;
	enum walk_end end;
	while ((end = fn(&id, arg)) == WALK_ROOT) {
		if (n + sizeof("/..") > sizeof(rel)) {
			int next = openat(base, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (base != fd)
				close(base);
			base = next, n = 0;
			if (base < 0) {
				end = WALK_FAILED;
				break;
			}
		}
		memcpy(rel + n, n ? "/.." : "..", n ? sizeof("/..") : sizeof(".."));
		n += n ? 3 : 2;
		struct stat st;
		if (fstatat(base, rel, &st, 0) < 0) {
			end = WALK_FAILED;
			break;
		}
		up = (struct pathid){ .dev = st.st_dev, .ino = st.st_ino };
		if (same(&up, &id))
			break; /* the root is its own parent */
		id = up;
	}
	if (base != fd && base >= 0)
		close(base);
	return end;
}

struct match_fn {
	bool (*fn)(const struct pathid *id, void *arg);
	void *arg;
};

static enum walk_end call_match(const struct pathid *id, void *arg)
{
	const struct match_fn *m = arg;
	return m->fn(id, m->arg) ? WALK_MATCH : WALK_ROOT;
}

bool pathid_walk_up(int fd, bool (*fn)(const struct pathid *id, void *arg), void *arg)
{
	struct match_fn m = { fn, arg };
	return walk(fd, call_match, &m) == WALK_MATCH;
}

/* A writable rule's target, as the program will resolve it. */
static bool rule_target(const struct fs_rule *r, struct pathid *out)
{
	if (r->fd >= 0)
		return pathid_of_fd(r->fd, out);
	/* /proc/self/...: opened by the child itself; its root is ours. */
	return !r->missing && policy_path_per_process(r->path) && pathid_of_path(r->path, out);
}

static bool has(const struct pathid *v, size_t n, const struct pathid *id)
{
	for (size_t i = 0; i < n; i++)
		if (same(&v[i], id))
			return true;
	return false;
}

/* The first match wins, walking up.  A directory that an earlier walk
 * passed without a match has no matching ancestor either: the walk can
 * stop there (the forbid check walks up from a dozen directories that
 * share their upper levels). */
static enum walk_end in_set(const struct pathid *id, void *arg)
{
	struct pathid_set *t = arg;
	for (size_t i = 0; i < t->n; i++)
		if (same(&t->id[i], id)) {
			t->hit = t->rule[i];
			return WALK_MATCH;
		}
	if (has(t->clear, t->n_clear, id))
		return WALK_CLEAR;
	if (t->n_walked < ARRAY_SIZE(t->walked))
		t->walked[t->n_walked++] = *id;
	else
		t->overflow = true;
	return WALK_ROOT;
}

void pathid_set_writable(const struct policy *p, struct pathid_set *t)
{
	*t = (struct pathid_set){ .id = xcalloc(p->n_fs + 1, sizeof(*t->id)),
				  .rule = xcalloc(p->n_fs + 1, sizeof(*t->rule)), .hit = -1 };
	for (size_t i = 0; i < p->n_fs; i++)
		if (fs_access_writes(p->fs[i].access) && rule_target(&p->fs[i], &t->id[t->n]))
			t->rule[t->n++] = (ssize_t)i;
}

ssize_t pathid_set_covering(struct pathid_set *t, int dir)
{
	t->hit = -1;
	if (!t->n)
		return -1;
	t->n_walked = 0;
	t->overflow = false;
	enum walk_end end = walk(dir, in_set, t);
	/* Only a whole walk without a match proves what it passed clear. */
	if ((end == WALK_ROOT || end == WALK_CLEAR) && !t->overflow)
		for (size_t i = 0; i < t->n_walked && t->n_clear < ARRAY_SIZE(t->clear); i++)
			t->clear[t->n_clear++] = t->walked[i];
	return t->hit;
}

void pathid_set_free(struct pathid_set *t)
{
	free(t->id);
	free(t->rule);
	memset(t, 0, sizeof(*t));
}

ssize_t pathid_writable_rule_covering(const struct policy *p, int dir)
{
	struct pathid_set t;
	pathid_set_writable(p, &t);
	ssize_t hit = pathid_set_covering(&t, dir);
	pathid_set_free(&t);
	return hit;
}
