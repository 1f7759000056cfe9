#include "syscall_names.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "util.h"

/* Calls libseccomp 2.5.4 does not know, by their generic numbers. */
static const struct {
	const char *name;
	int nr;
} compat_calls[] = {
	{ "setxattrat", LJ_NR_setxattrat },
	{ "getxattrat", LJ_NR_getxattrat },
	{ "listxattrat", LJ_NR_listxattrat },
	{ "removexattrat", LJ_NR_removexattrat },
	{ "open_tree_attr", LJ_NR_open_tree_attr },
	{ "file_getattr", LJ_NR_file_getattr },
	{ "file_setattr", LJ_NR_file_setattr },
};

static int compat_nr(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(compat_calls); i++)
		if (strcmp(compat_calls[i].name, name) == 0)
			return compat_calls[i].nr;
	return __NR_SCMP_ERROR;
}

int sysname_nr(const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		nr = compat_nr(name);
	return nr >= 0 && nr < SYSNAME_MAX_NR ? nr : -1;
}

bool sysname_known(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR ||
	       compat_nr(name) != __NR_SCMP_ERROR;
}

const char *sysname_name(int nr)
{
	static char buf[64];
	char *s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	if (s) {
		snprintf(buf, sizeof(buf), "%s", s);
		free(s);
		return buf;
	}
	for (size_t i = 0; i < ARRAY_SIZE(compat_calls); i++)
		if (compat_calls[i].nr == nr)
			return compat_calls[i].name;
	return NULL;
}

unsigned sysname_compat_count(void)
{
	return ARRAY_SIZE(compat_calls);
}

const char *sysname_compat(unsigned i, int *nr)
{
	if (i >= ARRAY_SIZE(compat_calls))
		return NULL;
	*nr = compat_calls[i].nr;
	return compat_calls[i].name;
}
