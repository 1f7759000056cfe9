/* Syscall names and numbers on the native architecture: libseccomp's
 * table, completed by compat.h for calls newer than libseccomp.
 *
 * Architecture guard: libseccomp answers a name this architecture lacks
 * (fork on aarch64) with a negative pseudo-number.  sysname_nr() never
 * returns one, so no table is ever indexed by it. */
#ifndef LANDJAIL_SYSCALL_NAMES_H
#define LANDJAIL_SYSCALL_NAMES_H

#include <stdbool.h>

/* Syscall numbers this many and above are not tracked per call. */
#define SYSNAME_MAX_NR 1024

/* The native number of name, or -1 when this architecture has no such
 * call (or libseccomp knows only a pseudo-number for it). */
int sysname_nr(const char *name);

/* Is name a syscall on some architecture (libseccomp or compat.h)? */
bool sysname_known(const char *name);

/* The name of native number nr (static storage), or NULL. */
const char *sysname_name(int nr);

/* The calls compat.h adds, for tests and --dump-seccomp: count, and the
 * i-th name and number. */
unsigned sysname_compat_count(void);
const char *sysname_compat(unsigned i, int *nr);

#endif
