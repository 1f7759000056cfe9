/* Drop-in wrappers that are landjail itself.
 *
 * A wrapper is a symbolic link to landjail named after the program it
 * confines, in a directory put first on PATH.  Started through such a
 * link, landjail reads the program-to-profile map (wrappers.list, looked
 * up like a profile) and runs the next program of that name on PATH with
 * that profile: no shell in between.  --sync-wrappers keeps a directory
 * holding a link for exactly the mapped programs that are installed. */
#ifndef LANDJAIL_WRAPPERS_H
#define LANDJAIL_WRAPPERS_H

#include <stdbool.h>
#include <sys/stat.h>

#include "diag.h"

#define WRAPPERS_MAP "wrappers.list"

/* Was landjail started through a wrapper link?  The name is the one the
 * kernel executed (AT_EXECFN, else argv0); a name starting with
 * "landjail" is landjail itself.  When true, *name and *dir (the link's
 * directory, "." for a bare name) are malloc'd. */
bool wrappers_called_as(const char *argv0, char **name, char **dir);

/* The profile the map gives name: 0 with *profile (malloc'd), -ENOENT
 * when no map lists it, -EINVAL after adding the problems to el. */
int wrappers_profile_for(const char *name, char **profile, struct errlist *el);

/* Does path lead to this very landjail binary?  (_stat: the file
 * stat(2) found there.) */
bool wrappers_is_self(const char *path);
bool wrappers_is_self_stat(const struct stat *st);

/* Make dir hold a link to this landjail for each mapped program that is
 * found on path_env (skipping dir itself), and no other link to landjail;
 * with remove_all, no link to landjail at all.  Other files in dir are
 * left alone.  Prints each change unless quiet.  Returns 0, or -1 after
 * saying what went wrong (map problems go to el). */
int wrappers_sync(const char *dir, const char *path_env, bool remove_all,
		  struct errlist *el);

#endif
