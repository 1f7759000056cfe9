/* Where profiles live (profile_dirs.c): the directories searched for a
 * bare name, and where a local change to a shipped profile goes. */
#ifndef LANDJAIL_PROFILE_DIRS_H
#define LANDJAIL_PROFILE_DIRS_H

#include <stdbool.h>

#include "policy.h"

/* The directories searched for a bare profile name, in order. */
void profile_search_path(struct strv *out);

/* The system directory of local profiles and drop-ins (/etc/landjail/profiles). */
const char *profile_etc_dir(void);

/* Is path a profile of the installed data directory (a shipped one)? */
bool profile_is_shipped(const char *path);

/* Where to add a line that changes what file (a profile p read) says:
 * "in FILE", or for a shipped file, the drop-in to create.  Free it. */
char *profile_fix_location(const struct policy *p, const char *file);

/* $XDG_CONFIG_HOME/landjail/profiles or ~/.config/...; NULL without
 * either.  Free it. */
char *profile_user_dir(void);

#endif
