/* No survivors when landjail itself is SIGKILLed.
 *
 * The process the caller started (and kills: an application's own
 * timeout, kill -9, the OOM killer) splits before the sandbox exists and
 * stays behind as the reaper: a child subreaper that does nothing but
 * wait.  The child goes on as the supervisor (supervise.c), itself a
 * subreaper, parent of the program.  On x86_64 the two share their
 * memory (clone(CLONE_VM), no page tables copied, none torn down at the
 * reaper's exit), and the reaper makes only raw system calls
 * (rawcall.h) while the supervisor lives; elsewhere the reaper forks.  Each one ends the tree when the
 * other dies:
 * - the reaper killed: the supervisor sees the socket between them hang up
 *   and kills every process below it, as the timeout would;
 * - the supervisor killed: its orphans, the whole sandbox, are
 *   re-parented to the reaper, which kills them all.
 * Both find the tree by parentage (proctree.h), not by process group or
 * session: setsid() stays allowed, and no pid that may have been reused
 * is ever signalled (an unreaped child's pid cannot be).  Neither lies in
 * the sandbox's Landlock domain; below ABI 6 and in the namespace
 * backend the guard (guard.h) refuses every signal to either pid.
 * The supervisor has a process group of its own (but with --keep-session),
 * so a kill of landjail's group (GNU timeout's) kills the reaper only.
 * Only killing both at once leaves the tree to the parent-death signal
 * of the program alone.  At a normal end the supervisor hands its status
 * to the reaper (reaper_hand_over), which exits with it at once; the
 * supervisor, sharing its memory, exits after it, so that tearing that
 * memory down is not on the caller's path. */
#ifndef LANDJAIL_REAPER_H
#define LANDJAIL_REAPER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct reaper {
	pid_t pid; /* the reaper, 0 when there is none */
	int fd;    /* in the supervisor: hangs up when the reaper is gone; else -1 */
};

/* Split into reaper and supervisor, with the signals in *watched blocked
 * (the reaper forwards those sent to it).  Returns 1 in the supervisor,
 * with *r filled in; never returns in the reaper, which exits with the
 * supervisor's status once it has ended; -errno when there is no reaper
 * (the caller goes on as the supervisor alone and says so). */
int reaper_split(struct reaper *r, const sigset_t *watched);

/* In the supervisor, once the run's after-work is done (the scratch
 * directory, the named files) and status is final: the reaper exits with
 * it at once, without waiting for the supervisor's own exit.  A no-op
 * outside a supervisor that has a reaper. */
void reaper_hand_over(int status);

/* In the supervisor: the reaper's parent, the process that started
 * landjail (for the guard, guard.h). */
pid_t reaper_caller(void);

/* In the supervisor: has the reaper died?  Reads its socket, on which
 * the reaper never writes.  The socket stays open until the hand-over. */
bool reaper_gone(struct reaper *r);

#endif
