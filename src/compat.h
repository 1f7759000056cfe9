/* Landlock definitions newer than the kernel headers we build against.
 *
 * Debian 12 ships the 6.1 uapi headers (Landlock ABI 2).  Everything up to
 * ABI 7 is defined here under our own names where the layout differs, and
 * under the kernel's names (guarded) where it is a plain constant, so the
 * binary built on 6.1 headers uses every right a newer kernel offers. */
#ifndef LANDJAIL_COMPAT_H
#define LANDJAIL_COMPAT_H

#include <linux/types.h>
#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* ABI 2 */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
/* ABI 3 */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
/* ABI 4: TCP ports */
#define LJ_LANDLOCK_RULE_PATH_BENEATH 1
#define LJ_LANDLOCK_RULE_NET_PORT 2
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
/* ABI 5 */
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
/* ABI 6: scoping */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
/* ABI 7: audit logging flags for landlock_restrict_self() */
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)
#endif

/* The ruleset attribute grew with ABI 4 (handled_access_net) and ABI 6
 * (scoped); the kernel takes the size we pass, so pass only what the
 * running ABI knows (see lj_ruleset_attr_size()). */
struct lj_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;
	__u64 scoped;
};

struct lj_path_beneath_attr {
	__u64 allowed_access;
	__s32 parent_fd;
} __attribute__((packed));

struct lj_net_port_attr {
	__u64 allowed_access;
	__u64 port;
};

static inline int lj_landlock_create_ruleset(const struct lj_ruleset_attr *attr,
					     size_t size, __u32 flags)
{
	return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static inline int lj_landlock_add_rule(int ruleset_fd, int rule_type,
				       const void *attr, __u32 flags)
{
	return (int)syscall(__NR_landlock_add_rule, ruleset_fd, rule_type, attr, flags);
}

static inline int lj_landlock_restrict_self(int ruleset_fd, __u32 flags)
{
	return (int)syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

/* memfd_create(2) flags from Linux 6.3 (linux/memfd.h). */
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

/* System calls newer than the libseccomp (2.5.4 in Debian 12) and kernel
 * headers we build against.  From 424 on the numbers are the same on
 * every architecture landjail supports (x86_64, aarch64, riscv64; i386
 * too): syscall_names.c resolves these names through this table when
 * libseccomp does not know them. */
#define LJ_NR_setxattrat 463     /* 6.13 */
#define LJ_NR_getxattrat 464     /* 6.13 */
#define LJ_NR_listxattrat 465    /* 6.13 */
#define LJ_NR_removexattrat 466  /* 6.13 */
#define LJ_NR_open_tree_attr 467 /* 6.15 */
#define LJ_NR_file_getattr 468   /* 6.17 */
#define LJ_NR_file_setattr 469   /* 6.17 */

#endif
