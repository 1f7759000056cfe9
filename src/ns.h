/* The namespace backend: for kernels without Landlock.
 *
 * The child enters a new user namespace (mapping only the caller's own
 * uid and gid), then new mount, IPC, UTS and network namespaces, builds a
 * root on a tmpfs that holds nothing but the policy's paths as bind mounts
 * (read-only unless written to, noexec unless executed, nosuid, nodev
 * outside /dev), pivots into it and drops every capability before exec.
 *
 * The parent probes whether this can work (ns_probe) and computes the
 * mount plan (ns_plan); the child only makes syscalls (ns_enter). */
#ifndef LANDJAIL_NS_H
#define LANDJAIL_NS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "policy.h"

enum backend { BACKEND_AUTO, BACKEND_LANDLOCK, BACKEND_NAMESPACES };

const char *backend_name(enum backend b);
bool backend_from_name(const char *name, enum backend *out);

/* Can this caller create a user namespace and map itself into it?
 * Returns 0, or -errno with *why set to a static sentence that names the
 * cause and what an administrator can do about it. */
int ns_probe(const char **why);
/* The same for an unprivileged caller (as nobody when run as root), for
 * --status; not cached. */
int ns_probe_unprivileged(const char **why);

struct ns_mount {
	const struct fs_rule *rule;
	unsigned long attr; /* MOUNT_ATTR_* to set on the bind mount */
	bool is_dir;
	int fd; /* the child's own O_PATH descriptor, in its mount namespace */
};

struct ns_plan {
	struct ns_mount *m; /* parents before the paths beneath them */
	size_t n;
	bool share_net;     /* keep the caller's network namespace */
	bool use_userns;    /* false for root, who may unshare the rest directly */
	uid_t uid;
	gid_t gid;
	char *cwd;          /* working directory to return to, or NULL */
	struct ns_link {
		char *name, *target;
	} *links;           /* the symbolic links in / (merged /usr: /lib, /bin...) */
	size_t n_links;
	/* Filled by the child on failure (it shares our memory until exec). */
	char err[256];
};

/* In the parent: the bind mounts for p, in mount order.  The network
 * namespace is private unless the policy allows network (the [network]
 * section, once it exists, sets share_net). */
void ns_plan_build(struct ns_plan *plan, const struct policy *p);
void ns_plan_free(struct ns_plan *plan);

/* In the child, before no_new_privs: enter the namespaces, build the new
 * root, pivot into it, drop capabilities.  Returns 0, or -errno with
 * plan->err describing the step that failed. */
int ns_enter(struct ns_plan *plan);

#endif
