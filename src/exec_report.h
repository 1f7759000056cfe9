/* Reporting the programs a confined program tries to execute that the
 * policy does not let it run (ImageMagick's ghostscript delegate, a shell):
 * by name, with the opt-in profile or the line that would allow it.
 *
 * Reporting only: the supervisor sees execve through a seccomp
 * notification and lets the call continue; Landlock refuses it. */
#ifndef LANDJAIL_EXEC_REPORT_H
#define LANDJAIL_EXEC_REPORT_H

#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

/* One execve or execveat, as the notification gives it. */
struct exec_call {
	pid_t pid;
	int dirfd;          /* AT_FDCWD for execve */
	uint64_t path_addr; /* in the caller's memory */
};

/* Report c when p does not let its target execute; silent otherwise. */
void exec_report(const struct policy *p, const struct exec_call *c, const char *comm);

/* The opt-in profile of advice_table row i ("" for none; NULL past the
 * end), for the test that every one is shipped. */
const char *exec_advice_profile(size_t i);

#endif
