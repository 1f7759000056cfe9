/* The supervisor: forks the sandbox, forwards signals to it, waits, and
 * turns how it ended into landjail's exit status. */
#ifndef LANDJAIL_SUPERVISE_H
#define LANDJAIL_SUPERVISE_H

#include "sandbox.h"

/* Split off the reaper (reaper.h) with the supervisor's signals blocked,
 * as early in a run as the policy is read: returns 1 in the supervisor
 * (or when there is no reaper), -errno after saying why; the reaper
 * itself never returns.  supervise() does it itself when it was not
 * done. */
int supervise_begin(void);

/* Run sb and wait for it.  Returns the exit status landjail should use:
 * the program's own, or 128+N when it died of signal N; 125 (with a
 * message) when it could not be started. */
int supervise(struct sandbox *sb);

#endif
