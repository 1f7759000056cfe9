/* The host landjail runs in: a systemd unit, a container, a pod.
 *
 * Such hosts put their own seccomp filter around the application (a
 * unit's SystemCallFilter=, an engine's default profile).  landjail cannot
 * survive a call that such a filter kills, so its launch path makes only
 * calls that common hosts allow (landjail(1), SYSTEM CALLS); where a host
 * answers a needed call with an error instead, the probes here turn that
 * into a refusal that names the setting to change. */
#ifndef LANDJAIL_HOSTENV_H
#define LANDJAIL_HOSTENV_H

#include <stdbool.h>
#include <stdio.h>

/* The calls that systemd 252's @system-service lacks and landjail needs. */
#define HOST_ADD_BACK "landlock_create_ruleset landlock_add_rule landlock_restrict_self seccomp"

/* /proc/self/status: seccomp mode (0 none, 1 strict, 2 filter; -1
 * unknown), the number of filters, and no_new_privs. */
struct host_seccomp {
	int mode;
	int filters;
	int no_new_privs;
};
void host_seccomp_read(struct host_seccomp *h);

/* Does a seccomp filter of the host confine landjail itself (parent)? */
bool host_filtered(void);

/* A cheap check before any work, in the parent: does seccomp(2) work,
 * and if landlock_err (landlock_abi()'s result, 0 when
 * fine) is an error, is the host's filter the reason?  Returns 0, or
 * -EPERM with *msg (malloc'd) naming the setting that blocks landjail. */
int host_probe(int landlock_err, char **msg);

/* What to change so that a host's filter lets landjail run (one
 * sentence: a unit's SystemCallFilter= line, a container's profile). */
const char *host_fix(void);

/* What a host's filter does to one call, found out in a child that may
 * die of it: "allowed", "killed (SIGSYS)", "EPERM"... (static). */
const char *host_try_call(const char *name);

/* --status: the host section, each needed call tried in a child; false
 * when the host's filter kills one of them (probing further would kill
 * the caller too). */
bool host_describe(FILE *out);

#endif
