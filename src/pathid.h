/* Paths compared as Landlock compares them: by the device and inode a
 * path resolves to, after symbolic links, /proc/self/... magic links and
 * bind mounts, never by spelling.  A Landlock rule on a directory covers
 * every file whose path, walked up to the root, passes through that
 * directory's inode; so a rule covers a directory D when its target is D
 * or one of D's ancestors. */
#ifndef LANDJAIL_PATHID_H
#define LANDJAIL_PATHID_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

struct pathid {
	dev_t dev;
	ino_t ino;
};

/* The identity of what fd refers to; false if fstat fails. */
bool pathid_of_fd(int fd, struct pathid *out);

/* The identity of path (magic links followed in this process, which
 * shares the program's root); false if it cannot be reached. */
bool pathid_of_path(const char *path, struct pathid *out);

/* Call fn for fd's directory and each ancestor up to the root (".." at
 * each step, across mount points as the kernel walks them), until fn
 * returns true; true if it did.  fd must be a directory (O_PATH will do).
 * One fstatat per level. */
bool pathid_walk_up(int fd, bool (*fn)(const struct pathid *id, void *arg), void *arg);

/* The resolved targets of p's writable rules (rw, rwx, dev), to test
 * many directories against them.  Allocated with room for one more entry,
 * which a caller may add with an index of its own. */
struct pathid_set {
	struct pathid *id;
	ssize_t *rule; /* the index in p->fs of each (or the caller's) */
	size_t n;
};
void pathid_set_writable(const struct policy *p, struct pathid_set *t);
/* The rule (or the caller's index) of the first target that is id, or -1. */
ssize_t pathid_set_find(const struct pathid_set *t, const struct pathid *id);
void pathid_set_free(struct pathid_set *t);

/* The first writable rule (rw, rwx, dev) of p whose resolved target is
 * dir or one of dir's ancestors, by device and inode: its index, or -1.
 * dir is an open directory.  After policy_open_paths(). */
ssize_t pathid_writable_rule_covering(const struct policy *p, int dir);

/* Many walks up in one check, sharing what they look up (the forbid
 * check walks up from a dozen directories and rules that share their
 * upper levels).  A path without a symbolic link, ".", ".." or empty
 * component on the way is looked up one prefix at a time with statx(2),
 * each prefix once per check: its prefixes are the directories its walk
 * up by ".." passes.  Any other path is opened and walked up by "..", as
 * pathid_walk_up() does.  What a walk found is a chain of nodes: each
 * node's identity, and the node ".." leads to. */
enum pathid_kind { PATHID_DIR, PATHID_FILE, PATHID_OTHER };

struct pathid_node {
	struct pathid id;
	enum pathid_kind kind; /* PATHID_OTHER: a symbolic link, or statx failed */
	int parent;            /* the node above: itself at the root, -1 unknown */
	int up;                /* the prefix walk's key: the directory's node, */
	char *name;            /* and the component in it (NULL: from a ".." walk) */
};

struct pathid_walks {
	struct pathid_node *node;
	size_t n, cap;
	int *slot; /* (up, name) -> node + 1, open addressing */
	size_t n_slot, n_named;
	int root;
};
void pathid_walks_init(struct pathid_walks *w);
void pathid_walks_free(struct pathid_walks *w);

/* The node of the directory path names, as open(path, O_PATH|O_DIRECTORY)
 * would reach it, with its walk up to the root known; -1 if that open would
 * fail. */
int pathid_walks_dir(struct pathid_walks *w, const char *path);
/* The node of the directory dirfd refers to (walked up by ".."), or -1. */
int pathid_walks_fd(struct pathid_walks *w, int dirfd);
/* The node (a directory or a file, whose parent is the directory it is in)
 * of path if the prefix walk can look it up: a clean absolute path, no
 * symbolic link on the way, the last component included; else -1. */
int pathid_walks_clean(struct pathid_walks *w, const char *path);
/* The same, without a system call: only if every prefix was looked up. */
int pathid_walks_known(const struct pathid_walks *w, const char *path);
/* The node above node on its walk, or -1 at the root (or where the walk
 * could not go on). */
int pathid_walks_up(const struct pathid_walks *w, int node);

#endif
