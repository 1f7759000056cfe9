/* Clock marks along a run's launch path, for bench/phases.  Built in only
 * with -Dphase_marks=true; otherwise every call here is empty and the
 * variable LANDJAIL_PHASE_MARKS means nothing.
 *
 * A mark is a name and the CLOCK_MONOTONIC time it was reached, kept in
 * static memory: the supervisor shares it with the reaper (clone(CLONE_VM))
 * and with the child until its execve (CLONE_VFORK), so the child's marks
 * land in the same list.  The supervisor writes the list once the caller
 * has its status (phase_write), off the caller's path.  The child marks
 * nothing after its seccomp filter: it only execs there. */
#ifndef LANDJAIL_PHASE_H
#define LANDJAIL_PHASE_H

#include "config.h"

#ifdef LANDJAIL_PHASE_MARKS
void phase_mark(const char *name);
/* Append the marks as one line "NAME NS NAME NS ..." to the file named by
 * LANDJAIL_PHASE_MARKS, if it is set. */
void phase_write(void);
#else
static inline void phase_mark(const char *name)
{
	(void)name;
}

static inline void phase_write(void)
{
}
#endif

#endif
