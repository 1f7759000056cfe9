/* A small seccomp filter that keeps the sandbox's hands off landjail
 * itself.  Below Landlock ABI 6 (signal scoping) and in the namespace
 * backend: no signal, pidfd signal or file-owner signal (F_SETOWN,
 * F_SETSIG, leases, dnotify, FIOSETOWN, SIOCSPGRP) for the supervisor,
 * the reaper, the process that started landjail, their process group, or
 * every process at once (kill -1).  On every ABI:
 * no change to the supervisor's scheduling, nice value, I/O priority,
 * CPU affinity or memory placement, which Landlock never governs.  And,
 * under network mode tcp without a bind port, no listen() (an unbound
 * socket would listen on an ephemeral port).  Under sandbox-processes,
 * no subreaper of the sandbox's own (proctree_count must see every
 * orphan come to the supervisor).
 * Without it a program could kill landjail, leave its own processes
 * running past the timeout, or starve the supervisor.
 *
 * Written by hand rather than with libseccomp: it depends on the
 * supervisor's pid, so it is built afresh for every run (a hundred-odd
 * instructions, no allocation), while the main filter stays cacheable.
 * A search on the call number, not a chain of compares: attaching a
 * filter runs it once for every call number (guard.c). */
#ifndef LANDJAIL_GUARD_H
#define LANDJAIL_GUARD_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GUARD_MAX_INSNS 255

struct guard {
	struct sock_filter insns[GUARD_MAX_INSNS];
	unsigned short len; /* 0: no guard */
};

/* What a run needs besides the scheduling rules, which are always in. */
enum {
	GUARD_SIGNALS = 1,    /* the signal rules: below Landlock ABI 6 */
	GUARD_SAME_GROUP = 2, /* the program shares our group (--keep-session): kill(0) too */
	GUARD_NO_LISTEN = 4,  /* refuse listen(): mode = tcp without a bind port */
	GUARD_NO_SUBREAPER = 8, /* refuse PR_SET_CHILD_SUBREAPER: sandbox-processes counts */
};

/* Build the guard for a supervisor pid, the reaper's (reaper.h; 0: none),
 * the caller's (the process that started landjail) and their process
 * group.  0, or -E2BIG when the table outgrew the
 * filter. */
int guard_build(struct guard *g, pid_t supervisor, pid_t reaper, pid_t caller, pid_t pgrp,
		unsigned flags);

/* The rule table, for the unit test: how many rules, and each one's call. */
size_t guard_rule_count(void);
int guard_rule_nr(size_t i);

/* What the guard built with the same arguments must decide for a call
 * of this architecture: the table evaluated directly, which the unit
 * test holds the compiled program to. */
bool guard_refuses(pid_t supervisor, pid_t reaper, pid_t caller, pid_t pgrp, unsigned flags,
		   int nr, const uint64_t args[6]);

/* In the child, after no_new_privs: install it.  0 or -errno. */
int guard_enter(const struct guard *g);

#endif
