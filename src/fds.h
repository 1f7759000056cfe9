/* Which file descriptors reach the program: 0, 1, 2 and those named with
 * --keep-fd.  An inherited descriptor is access Landlock never checks. */
#ifndef LANDJAIL_FDS_H
#define LANDJAIL_FDS_H

#include <stddef.h>

/* In the child: close every descriptor from 3 up except the sorted
 * keep[0..n), which are made inheritable, and extra (-1: none), which
 * landjail itself still needs and stays close-on-exec.  Really closed,
 * not only marked: the resource limits that follow count what is open.
 * Returns 0 or -errno. */
int fds_close_others(const int *keep, size_t n, int extra);

/* The number of descriptors the child needs under RLIMIT_NOFILE once
 * only 0-2, keep[0..n) and extra are open, when it must open one more
 * (the seccomp listener): one above the lowest free number. */
unsigned fds_needed(const int *keep, size_t n, int extra, unsigned more);

#endif
