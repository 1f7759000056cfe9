/* [syscalls] and the seccomp filter that enforces it together with the
 * socket-family part of [network] and the always-denied calls.
 *
 * The parent builds and compiles the filter (seccomp_prepare); the child
 * only loads the finished program (seccomp_enter) as its last step before
 * execve; the supervisor answers the filter's user notifications
 * (seccomp_handle) and reports each forbidden call by name. */
#ifndef LANDJAIL_SYSCALL_FILTER_H
#define LANDJAIL_SYSCALL_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdio.h>

#include "policy.h"
#include "section.h"

/* Syscall numbers this many and above are not tracked per call. */
#define SECCOMP_MAX_NR 1024

struct seccomp_plan {
	const struct policy *p;
	struct sock_filter *insns;
	unsigned short len;
	bool notify;     /* SECCOMP_RET_USER_NOTIF with a listener */
	int sock[2];     /* the listener travels from child [1] to parent [0] */
	int abi;
	bool allowlist;  /* a default is set: unlisted calls are violations */
	bool fork;       /* new processes allowed */
	bool tcp;        /* TCP sockets may be created */
	bool cached;     /* the program came from the filter cache */
	unsigned char permitted[SECCOMP_MAX_NR]; /* allowed by name */
	unsigned char hard[SECCOMP_MAX_NR];      /* always denied, not allowed */
	unsigned char denied[SECCOMP_MAX_NR];    /* named by a deny line */
};

void syscalls_key(struct keyctx *k, const char *key, const char *value);
void syscalls_print_ini(FILE *out, const struct policy *p);

/* Build and compile the filter for p at this Landlock ABI (0: none).
 * Returns 0 or -errno with *msg (malloc'd). */
int seccomp_prepare(const struct policy *p, int abi, struct seccomp_plan *plan, char **msg);
void seccomp_plan_free(struct seccomp_plan *plan);

/* libseccomp's readable form of the filter, for --dump-seccomp. */
int seccomp_dump(const struct policy *p, int abi, FILE *out, char **msg);

/* In the child, last before execve: load the filter and hand the
 * listener to the parent.  Returns 0 or -errno with *msg. */
int seccomp_enter(const struct seccomp_plan *plan, char **msg);

/* In the parent once the child has exec'd (or died): the listener, or -1. */
int seccomp_listener_receive(struct seccomp_plan *plan);

/* Answer one notification on the listener; true when the whole sandbox
 * must be killed (default = kill). */
bool seccomp_handle(const struct seccomp_plan *plan, int listener);

/* Without user notification: say what a death by SIGSYS means. */
void seccomp_report_sigsys(const struct seccomp_plan *plan, const char *program);

#endif
