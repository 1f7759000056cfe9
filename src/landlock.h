/* Filesystem confinement with Landlock.
 *
 * The parent probes the ABI and builds the ruleset from the policy's open
 * path descriptors; the child only adds its /proc/self rules and calls
 * landlock_restrict_self(), so the fork-to-exec window stays short. */
#ifndef LANDJAIL_LANDLOCK_H
#define LANDJAIL_LANDLOCK_H

#include <stdint.h>
#include <stdio.h>

#include "policy.h"

/* The Landlock ABI of the running kernel, or -errno (ENOSYS: not built,
 * EOPNOTSUPP: disabled at boot).  Probed once. */
int landlock_abi(void);

/* What a person can do about a missing Landlock (err as above). */
const char *landlock_unavailable_hint(int err);

/* Every filesystem right this ABI can handle. */
uint64_t landlock_handled_fs(int abi);

/* The rights an access class grants, before masking by ABI and file type. */
uint64_t landlock_access_rights(enum fs_access a);

/* Names of the rights in mask, space separated (malloc'd). */
char *landlock_rights_string(uint64_t mask);

/* Print one line per ABI step: what this kernel has and lacks. */
void landlock_describe(FILE *out, int abi);

/* Build a ruleset for every opened path rule of p.  Returns the ruleset
 * descriptor (close-on-exec) or -errno with *msg set (malloc'd). */
int landlock_build(const struct policy *p, int abi, char **msg);

/* In the child: add the per-process rules, then restrict.  The caller has
 * set no_new_privs.  Returns 0 or -errno with *msg set to a static or
 * malloc'd message. */
int landlock_enter(const struct policy *p, int abi, int ruleset_fd, char **msg);

#endif
