/* The syscall group table: sorted (it is searched with bsearch), every
 * group helped, every member a syscall libseccomp knows or another group,
 * no group reaching itself, and the members the docs promise present. */
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "syscall_groups.h"
#include "syscall_names.h"
#include "tap.h"
#include "util.h"

/* Whether group g reaches target through its @members. */
static bool reaches(const struct syscall_group *g, const char *target, int depth)
{
	if (depth > 16)
		return true; /* deeper than any sane nesting: treat as a cycle */
	char *copy = xstrdup(g->members), *save = NULL;
	bool found = false;
	for (char *w = strtok_r(copy, " ", &save); w && !found; w = strtok_r(NULL, " ", &save)) {
		if (w[0] != '@')
			continue;
		const struct syscall_group *sub = syscall_group_find(w);
		found = strcmp(w, target) == 0 || (sub && reaches(sub, target, depth + 1));
	}
	free(copy);
	return found;
}

static bool has_member(const char *group, const char *name)
{
	const struct syscall_group *g = syscall_group_find(group);
	if (!g)
		return false;
	char *copy = xstrdup(g->members), *save = NULL;
	bool found = false;
	for (char *w = strtok_r(copy, " ", &save); w && !found; w = strtok_r(NULL, " ", &save))
		found = strcmp(w, name) == 0;
	free(copy);
	return found;
}

int main(void)
{
	bool sorted = true, helped = true, resolved = true, acyclic = true;
	for (size_t i = 0; i < syscall_groups_count; i++) {
		const struct syscall_group *g = &syscall_groups[i];
		if (i && strcmp(syscall_groups[i - 1].name, g->name) >= 0) {
			sorted = false;
			printf("# %s comes after %s\n", g->name, syscall_groups[i - 1].name);
		}
		if (g->name[0] != '@' || !g->help || !*g->help)
			helped = false;
		char *copy = xstrdup(g->members), *save = NULL;
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			bool ok = w[0] == '@' ? syscall_group_find(w) != NULL
					      : sysname_known(w);
			if (!ok) {
				resolved = false;
				printf("# %s: unknown member %s\n", g->name, w);
			}
		}
		free(copy);
		if (reaches(g, g->name, 0)) {
			acyclic = false;
			printf("# %s includes itself\n", g->name);
		}
	}
	TAP_OK(syscall_groups_count >= 10, "the table has groups (%zu)", syscall_groups_count);
	TAP_OK(sorted, "the table is sorted by name");
	TAP_OK(helped, "every group has an @name and a line of help");
	TAP_OK(resolved, "every member is a syscall libseccomp knows or a group");
	TAP_OK(acyclic, "no group includes itself");
	TAP_OK(syscall_group_find("@file-read") && !syscall_group_find("@nope") &&
		       !syscall_group_find("file-read"),
	       "lookup finds a group by its @name only");
	TAP_OK(has_member("@io-uring", "io_uring_setup") && has_member("@debug", "ptrace") &&
		       has_member("@file-metadata", "chmod") && has_member("@memory", "msync"),
	       "the groups the docs name hold the calls they promise");
	TAP_OK(has_member("@sysv-ipc", "shmat") && has_member("@sysv-ipc", "msgsnd") &&
		       has_member("@sysv-ipc", "semop") && !has_member("@ipc", "shmget"),
	       "System V IPC is @sysv-ipc's, not @ipc's");
	TAP_OK(!has_member("@default", "ptrace") && !has_member("@system-service", "@io-uring") &&
		       !has_member("@system-service", "shmat") && !has_member("@system-service", "msgget"),
	       "the broad groups leave the always-denied calls out");
	return tap_done();
}
