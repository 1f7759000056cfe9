/* Which file descriptors reach the program: 0, 1, 2 and those named with
 * --keep-fd.  An inherited descriptor is access Landlock never checks. */
#ifndef LANDJAIL_FDS_H
#define LANDJAIL_FDS_H

#include <stddef.h>

/* In the child: mark every descriptor from 3 up close-on-exec except the
 * sorted keep[0..n), which are made inheritable.  Returns 0 or -errno. */
int fds_close_others(const int *keep, size_t n);

#endif
