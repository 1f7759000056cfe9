/* [limits]: resource limits (setrlimit in the child; the timeout is the
 * supervisor's).  Their table, units and values are plain data in
 * policy.h (policy_limits.c). */
#ifndef LANDJAIL_LIMIT_H
#define LANDJAIL_LIMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"

/* In the child, between clone and execve: only syscalls.  Returns 0, or
 * -errno with *what naming the limit that could not be set. */
int limits_apply(const struct policy *p, const char **what);

#endif
