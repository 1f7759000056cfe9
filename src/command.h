/* Finding the program to run, and checking the policy lets it run, before
 * anything is confined: a person gets "not found" or "the policy does not
 * allow executing X" instead of an EACCES from inside the sandbox. */
#ifndef LANDJAIL_COMMAND_H
#define LANDJAIL_COMMAND_H

#include <sys/stat.h>

#include "policy.h"

/* Resolve name as execvp() would, on path_env (the caller's PATH).  With
 * after (a directory, or NULL), only the PATH entries that follow it are
 * searched, and never "after" itself: a wrapper script in that directory
 * finds the real program, not itself.  Returns 0 with *resolved
 * (malloc'd), -ENOENT (exit 127) or -EACCES (found but not executable:
 * exit 126). */
int command_resolve(const char *name, const char *path_env, const char *after,
		    char **resolved);
/* The same, and what stat(2) said of the program found. */
int command_resolve_stat(const char *name, const char *path_env, const char *after,
			 char **resolved, struct stat *st);

/* path_env without the entries that are the directory dir (malloc'd):
 * the PATH a wrapped program gets, so that a program it runs by name is
 * the real one, not a wrapper it could not execute anyway. */
char *command_path_without(const char *path_env, const char *dir);

/* Does p grant execute on the program and, for a "#!" script, on its
 * interpreter?  If not, *hint says what to add (malloc'd). */
bool command_executable_under(const struct policy *p, const char *resolved, char **hint);

/* The interpreter named on a script's "#!" line, or NULL (malloc'd). */
char *command_script_interpreter(const char *path);

/* The dynamic loader a 64-bit ELF program asks for (PT_INTERP), or NULL
 * (malloc'd): the kernel opens it for execution too, so it needs execute
 * as well. */
char *command_elf_interpreter(const char *path);

#endif
