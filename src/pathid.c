#include "pathid.h"

#include <fcntl.h>
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

bool pathid_walk_up(int fd, bool (*fn)(const struct pathid *id, void *arg), void *arg)
{
	struct pathid id, up;
	if (!pathid_of_fd(fd, &id))
		return false;
	int cur = dup(fd);
	bool found = false;
	while (cur >= 0 && !(found = fn(&id, arg))) {
		int parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(cur);
		cur = parent;
		/* The root is its own parent. */
		if (cur < 0 || !pathid_of_fd(cur, &up) || same(&up, &id))
			break;
		id = up;
	}
	if (cur >= 0)
		close(cur);
	return found;
}

/* A writable rule's target, as the program will resolve it. */
static bool rule_target(const struct fs_rule *r, struct pathid *out)
{
	if (r->fd >= 0)
		return pathid_of_fd(r->fd, out);
	/* /proc/self/...: opened by the child itself; its root is ours. */
	return !r->missing && policy_path_per_process(r->path) && pathid_of_path(r->path, out);
}

static bool in_set(const struct pathid *id, void *arg)
{
	struct pathid_set *t = arg; /* the first match wins, walking up */
	for (size_t i = 0; i < t->n; i++)
		if (same(&t->id[i], id)) {
			t->hit = t->rule[i];
			return true;
		}
	return false;
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
	if (t->n)
		pathid_walk_up(dir, in_set, t);
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
