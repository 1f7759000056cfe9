/* The Landlock ABI versions landjail's decisions depend on, by what each
 * one brought (landlock(7); the kernel's include/uapi/linux/landlock.h).
 * One name for each step, used everywhere an ABI number is compared. */
#ifndef LANDJAIL_ABI_H
#define LANDJAIL_ABI_H

/* ABI 3 (Linux 6.2): truncate() of a read-only file is stopped (before,
 * the seccomp filter refuses every truncate() with EACCES). */
#define ABI_TRUNCATE 3
/* ABI 4 (Linux 6.7): TCP bind and connect rules, by port. */
#define ABI_NET_TCP 4
/* ABI 5 (Linux 6.10): ioctl on device files is restricted. */
#define ABI_IOCTL_DEV 5
/* ABI 6 (Linux 6.12): scoping: abstract unix sockets and signals do not
 * reach processes outside the sandbox. */
#define ABI_SCOPE 6

#endif
