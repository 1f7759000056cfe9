/* The supervisor's first steps (supervise.c): shield itself from the
 * program, start the child that becomes the sandbox (sandbox.c), and
 * then leave ptrace's reach. */
#ifndef LANDJAIL_SUPERVISE_START_H
#define LANDJAIL_SUPERVISE_START_H

#include <stdbool.h>
#include <sys/types.h>

#include "sandbox.h"

/* The guard filter for the child, and SIGPIPE/SIGTTOU blocked here;
 * false after saying why. */
bool supervise_protect(struct sandbox *sb, pid_t reaper);

/* Non-dumpable, once the child has started; false after saying why. */
bool supervise_undumpable(void);

/* clone() the child running sandbox_exec(sb): its pid, or -1 (errno). */
pid_t supervise_start_child(struct sandbox *sb);

#endif
