#include "pathid.h"

#include "libc_compat.h"
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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

/* How a walk ended: fn matched, the root was reached, or a step failed
 * (the rest is unknown). */
enum walk_end { WALK_MATCH, WALK_ROOT, WALK_FAILED };

/* fn for fd's directory and each ancestor up to the root, until fn says
 * WALK_MATCH (WALK_ROOT: go on).  One fstatat per level:
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

void pathid_set_writable(const struct policy *p, struct pathid_set *t)
{
	*t = (struct pathid_set){ .id = xcalloc(p->n_fs + 1, sizeof(*t->id)),
				  .rule = xcalloc(p->n_fs + 1, sizeof(*t->rule)) };
	for (size_t i = 0; i < p->n_fs; i++)
		if (fs_access_writes(p->fs[i].access) && rule_target(&p->fs[i], &t->id[t->n]))
			t->rule[t->n++] = (ssize_t)i;
}

ssize_t pathid_set_find(const struct pathid_set *t, const struct pathid *id)
{
	for (size_t i = 0; i < t->n; i++)
		if (same(&t->id[i], id))
			return t->rule[i];
	return -1;
}

void pathid_set_free(struct pathid_set *t)
{
	free(t->id);
	free(t->rule);
	memset(t, 0, sizeof(*t));
}

/* The first target met walking up from dir: the lowest level wins, then
 * the first target at that level. */
struct set_walk {
	const struct pathid_set *t;
	ssize_t hit;
};

static enum walk_end in_set(const struct pathid *id, void *arg)
{
	struct set_walk *s = arg;
	s->hit = pathid_set_find(s->t, id);
	return s->hit == -1 ? WALK_ROOT : WALK_MATCH;
}

ssize_t pathid_writable_rule_covering(const struct policy *p, int dir)
{
	struct pathid_set t;
	pathid_set_writable(p, &t);
	struct set_walk s = { &t, -1 };
	if (t.n)
		walk(dir, in_set, &s);
	pathid_set_free(&t);
	return s.hit;
}

/* ---- many walks up in one check: struct pathid_walks ------------------------ */

/* A path the prefix walk leaves to open() and "..": relative, with an
 * empty, "." or ".." component or a trailing slash, deeper than
 * CLEAN_DEPTH, or with a symbolic link or anything statx(2) would not
 * answer on the way. */
#define FALLBACK INT_MIN
#define CLEAN_DEPTH 32

static int new_node(struct pathid_walks *w, enum pathid_kind kind, const struct pathid *id)
{
	w->node = grow_array(w->node, sizeof(*w->node), w->n, &w->cap);
	w->node[w->n] = (struct pathid_node){ .id = *id, .kind = kind, .parent = -1, .up = -1 };
	return (int)w->n++;
}

static uint32_t key_hash(int up, const char *name, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)up;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h * 16777619u;
}

static bool key_is(const struct pathid_node *n, int up, const char *name, size_t len)
{
	return n->up == up && strncmp(n->name, name, len) == 0 && n->name[len] == '\0';
}

/* The node of component name in directory node up, if looked up already. */
static int find_child(const struct pathid_walks *w, int up, const char *name, size_t len)
{
	size_t mask = w->n_slot - 1;
	for (size_t i = w->n_slot ? key_hash(up, name, len) & mask : 0; w->n_slot; i = (i + 1) & mask) {
		int s = w->slot[i];
		if (!s)
			break;
		if (key_is(&w->node[s - 1], up, name, len))
			return s - 1;
	}
	return -1;
}

static void put_slot(struct pathid_walks *w, int node)
{
	const struct pathid_node *n = &w->node[node];
	size_t mask = w->n_slot - 1;
	size_t i = key_hash(n->up, n->name, strlen(n->name)) & mask;
	while (w->slot[i])
		i = (i + 1) & mask;
	w->slot[i] = node + 1;
}

static void add_child(struct pathid_walks *w, int node)
{
	if (2 * (w->n_named + 1) > w->n_slot) {
		free(w->slot);
		w->n_slot = w->n_slot ? 2 * w->n_slot : 64;
		w->slot = xcalloc(w->n_slot, sizeof(*w->slot));
		for (size_t i = 0; i < w->n; i++)
			if (w->node[i].name && (int)i != node)
				put_slot(w, (int)i);
	}
	put_slot(w, node);
	w->n_named++;
}

static bool stat_nofollow(const char *path, struct pathid *id, enum pathid_kind *kind)
{
	struct statx sx;
	/* No AT_NO_AUTOMOUNT: an automount point is looked up as
	 * open(O_DIRECTORY) looks it up, mounted. */
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO, &sx) < 0 ||
	    (sx.stx_mask & (STATX_TYPE | STATX_INO)) != (STATX_TYPE | STATX_INO))
		return false;
	*id = (struct pathid){ .dev = makedev(sx.stx_dev_major, sx.stx_dev_minor),
			       .ino = sx.stx_ino };
	*kind = S_ISDIR(sx.stx_mode) ? PATHID_DIR : S_ISLNK(sx.stx_mode) ? PATHID_OTHER
										: PATHID_FILE;
	return true;
}

static int root_node(struct pathid_walks *w, bool peek)
{
	if (w->root == -1 && !peek) {
		struct pathid id;
		enum pathid_kind kind;
		w->root = stat_nofollow("/", &id, &kind) && kind == PATHID_DIR
				  ? new_node(w, PATHID_DIR, &id) : FALLBACK;
		if (w->root >= 0)
			w->node[w->root].parent = w->root;
	}
	return w->root == -1 ? FALLBACK : w->root;
}

/* path[0, end) is the component name[0, len) in directory node up. */
static int look_up(struct pathid_walks *w, int up, const char *path, size_t end,
		   const char *name, size_t len)
{
	char prefix[PATH_MAX];
	memcpy(prefix, path, end);
	prefix[end] = '\0';
	struct pathid id = { 0 };
	enum pathid_kind kind;
	if (!stat_nofollow(prefix, &id, &kind))
		kind = PATHID_OTHER;
	int n = new_node(w, kind, &id);
	w->node[n].up = up;
	w->node[n].name = xstrndup(name, len);
	if (kind != PATHID_OTHER)
		w->node[n].parent = up;
	add_child(w, n);
	return n;
}

/* The prefix walk: each prefix of a clean absolute path is what the ".."
 * walk from the whole path passes on its way up, mount points included
 * (".." from a mount's root leads to the directory holding the mount
 * point, the prefix one shorter), so a node keyed by its spelling is one
 * place in the tree with one directory above it.  Keyed by inode instead,
 * a directory that a bind mount shows in two places would lend one place's
 * walk up to the other. */
static int clean_walk(struct pathid_walks *w, const char *path, bool peek)
{
	size_t depth = 0, len = 0;
	for (; path[len]; len++)
		depth += path[len] == '/';
	if (path[0] != '/' || len >= PATH_MAX || depth > CLEAN_DEPTH)
		return FALLBACK;
	int at = root_node(w, peek);
	const char *s = path + 1;
	while (at >= 0 && *s) {
		const char *end = strchrnul(s, '/');
		size_t n_len = (size_t)(end - s);
		if (!n_len || (n_len == 1 && s[0] == '.') || (n_len == 2 && s[0] == '.' && s[1] == '.') ||
		    w->node[at].kind != PATHID_DIR)
			return FALLBACK;
		int n = find_child(w, at, s, n_len);
		if (n < 0 && peek)
			return FALLBACK;
		if (n < 0)
			n = look_up(w, at, path, (size_t)(end - path), s, n_len);
		if (w->node[n].kind == PATHID_OTHER)
			return FALLBACK;
		at = n;
		if (*end && !end[1])
			return FALLBACK; /* a trailing slash */
		s = *end ? end + 1 : end;
	}
	return at;
}

struct collect {
	struct pathid_walks *w;
	int first, last;
};

static enum walk_end collect(const struct pathid *id, void *arg)
{
	struct collect *c = arg;
	int n = new_node(c->w, PATHID_DIR, id);
	if (c->last >= 0)
		c->w->node[c->last].parent = n;
	else
		c->first = n;
	c->last = n;
	return WALK_ROOT;
}

void pathid_walks_init(struct pathid_walks *w)
{
	*w = (struct pathid_walks){ .root = -1 };
}

void pathid_walks_free(struct pathid_walks *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->node[i].name);
	free(w->node);
	free(w->slot);
	pathid_walks_init(w);
}

int pathid_walks_fd(struct pathid_walks *w, int dirfd)
{
	struct collect c = { w, -1, -1 };
	if (walk(dirfd, collect, &c) == WALK_ROOT && c.last >= 0)
		w->node[c.last].parent = c.last;
	return c.first;
}

int pathid_walks_dir(struct pathid_walks *w, const char *path)
{
	int n = clean_walk(w, path, false);
	if (n != FALLBACK)
		return w->node[n].kind == PATHID_DIR ? n : -1;
	int fd = openat(AT_FDCWD, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pathid_walks_fd(w, fd);
	close(fd);
	return n;
}

int pathid_walks_clean(struct pathid_walks *w, const char *path)
{
	int n = clean_walk(w, path, false);
	return n == FALLBACK ? -1 : n;
}

int pathid_walks_known(const struct pathid_walks *w, const char *path)
{
	int n = clean_walk((struct pathid_walks *)w, path, true);
	return n == FALLBACK ? -1 : n;
}

int pathid_walks_up(const struct pathid_walks *w, int node)
{
	int up = w->node[node].parent;
	return up == node ? -1 : up;
}
