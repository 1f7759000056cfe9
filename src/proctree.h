/* Every process started inside the sandbox, found without a PID
 * namespace: the supervisor is a child subreaper, so that whatever the
 * program leaves behind (double forks, setsid) is re-parented to it, and
 * the tree under it is read from /proc/PID/task/TID/children. */
#ifndef LANDJAIL_PROCTREE_H
#define LANDJAIL_PROCTREE_H

#include <stddef.h>
#include <sys/types.h>

/* Make the calling process a child subreaper.  Returns 0 or -errno. */
int proctree_subreaper(void);

/* Send sig to every descendant of the calling process, deepest first
 * discovered last.  Returns how many processes it was sent to. */
size_t proctree_signal(int sig);

/* How many descendants the calling process has, none missed when one
 * is re-parented to it meanwhile. */
size_t proctree_count(void);

/* SIGKILL every descendant and reap them, until none is left (being a
 * subreaper, no child left means no descendant left): with reap(arg),
 * which must reap every child that has ended, or with waitpid when reap
 * is NULL.  Returns how many were killed; one waitid when there is none. */
size_t proctree_kill_all(void (*reap)(void *arg), void *arg);

/* From now on every walk uses storage, for cap pids, and allocates
 * nothing: for the reaper, once a supervisor that shared its memory has
 * died, perhaps inside malloc.  A tree larger than that is signalled in
 * rounds (proctree_kill_all); proctree_count is not for this mode. */
void proctree_no_alloc(pid_t *storage, size_t cap);

#endif
