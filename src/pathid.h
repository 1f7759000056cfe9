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
 * which a caller may add with an index of its own, before the first
 * pathid_set_covering() (which remembers what it found clear). */
struct pathid_set {
	struct pathid *id;
	ssize_t *rule; /* the index in p->fs of each (or the caller's) */
	size_t n;
	ssize_t hit;
	/* Directories known to have no target at or above them (a memo of
	 * earlier walks), and the current walk's directories. */
	struct pathid clear[64], walked[32];
	size_t n_clear, n_walked;
	bool overflow;
};
void pathid_set_writable(const struct policy *p, struct pathid_set *t);
/* The rule covering dir (an open directory), or -1. */
ssize_t pathid_set_covering(struct pathid_set *t, int dir);
void pathid_set_free(struct pathid_set *t);

/* The first writable rule (rw, rwx, dev) of p whose resolved target is
 * dir or one of dir's ancestors, by device and inode: its index, or -1.
 * dir is an open directory.  After policy_open_paths(). */
ssize_t pathid_writable_rule_covering(const struct policy *p, int dir);

#endif
