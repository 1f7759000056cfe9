/* The supervisor: forks the sandbox, forwards signals to it, waits, and
 * turns how it ended into landjail's exit status. */
#ifndef LANDJAIL_SUPERVISE_H
#define LANDJAIL_SUPERVISE_H

#include "sandbox.h"

/* Run sb and wait for it.  Returns the exit status landjail should use:
 * the program's own, or 128+N when it died of signal N; 125 (with a
 * message) when it could not be started. */
int supervise(struct sandbox *sb);

#endif
