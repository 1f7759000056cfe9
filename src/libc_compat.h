/* What glibc declares and musl does not, for a build against musl
 * (packaging/musl: landjail's own start-up then runs no CPUID).  Each one
 * is the kernel's call or the C library's portable function; under glibc
 * this header adds nothing. */
#ifndef LANDJAIL_LIBC_COMPAT_H
#define LANDJAIL_LIBC_COMPAT_H

#include <unistd.h> /* first: its <features.h> says whether this is glibc */

#ifndef __GLIBC__
#include <linux/mount.h>
#include <linux/stat.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int close_range(unsigned first, unsigned last, int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

static inline int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *sx)
{
	return (int)syscall(SYS_statx, dirfd, path, flags, mask, sx);
}

static inline int mount_setattr(int dirfd, const char *path, unsigned flags,
				struct mount_attr *attr, size_t size)
{
	return (int)syscall(SYS_mount_setattr, dirfd, path, flags, attr, size);
}

/* musl's strsignal takes no lock and allocates nothing. */
static inline const char *sigdescr_np(int sig)
{
	return strsignal(sig);
}
#endif

#endif
