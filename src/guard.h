/* A small seccomp filter that keeps the sandbox's hands off landjail
 * itself where Landlock cannot (signal scoping needs ABI 6): no signal
 * and no pidfd for the supervisor, its process group, or every process
 * at once (kill -1).  Without it a program could kill landjail and leave
 * its own processes running past the timeout.
 *
 * Written by hand rather than with libseccomp: it depends on the
 * supervisor's pid, so it is built afresh for every run (a handful of
 * instructions), while the main filter stays cacheable. */
#ifndef LANDJAIL_GUARD_H
#define LANDJAIL_GUARD_H

#include <linux/filter.h>
#include <stdbool.h>
#include <sys/types.h>

#define GUARD_MAX_INSNS 32

struct guard {
	struct sock_filter insns[GUARD_MAX_INSNS];
	unsigned short len; /* 0: no guard needed */
};

/* Build the guard for a supervisor pid and process group; with
 * same_group the program shares that group (--keep-session), so kill(0)
 * is refused too. */
void guard_build(struct guard *g, pid_t supervisor, pid_t pgrp, bool same_group);

/* In the child, after no_new_privs: install it.  0 or -errno. */
int guard_enter(const struct guard *g);

#endif
