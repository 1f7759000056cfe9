/* The Landlock ABI versions, each named by what it brought (landlock(7);
 * the kernel's include/uapi/linux/landlock.h).  Every comparison of an
 * ABI number in landjail uses one of these names. */
#ifndef LANDJAIL_ABI_H
#define LANDJAIL_ABI_H

#define ABI_FS 1        /* Linux 5.13: filesystem access control */
#define ABI_REFER 2     /* 5.19: rename and link across directories */
#define ABI_TRUNCATE 3  /* 6.2: truncate (before: seccomp refuses truncate()) */
#define ABI_NET_TCP 4   /* 6.7: TCP bind and connect rules, by port */
#define ABI_IOCTL_DEV 5 /* 6.10: ioctl on device files */
#define ABI_SCOPE 6     /* 6.12: abstract unix sockets and signals scoped */
#define ABI_AUDIT 7     /* 6.15: audit logging flags */
#define ABI_TSYNC 8     /* restricting every thread at once */
#define ABI_UNIX_PATH 9 /* connecting to pathname unix sockets */

#endif
