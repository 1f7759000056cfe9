/* Named groups of syscalls for [syscalls] allow/deny: one sorted const
 * table, each row a name, a line of help and its members; a member that
 * starts with '@' is another group. */
#ifndef LANDJAIL_SYSCALL_GROUPS_H
#define LANDJAIL_SYSCALL_GROUPS_H

#include <stddef.h>

struct syscall_group {
	const char *name; /* with the leading '@' */
	const char *help;
	const char *members; /* space separated names and @groups */
};

extern const struct syscall_group syscall_groups[];
extern const size_t syscall_groups_count;

/* The group called name ("@file-read"), or NULL. */
const struct syscall_group *syscall_group_find(const char *name);

#endif
