/* The filter cache's admission check (filter_cache_rules.c), for
 * filter_cache_admit(), and what callfiles.c tells it. */
#ifndef LANDJAIL_FILTER_CACHE_RULES_H
#define LANDJAIL_FILTER_CACHE_RULES_H

#include <sys/stat.h>

#include "policy.h"

/* -EPERM with *msg when some writable rule of p reaches the cache at
 * canon (its canonical path; dir: its inode, NULL when it does not
 * exist), -errno with *msg when that cannot be told; else 0. */
int filter_cache_check_rules(const struct policy *p, const char *canon, const struct stat *dir,
			     char **msg);

/* Before filter_cache_admit(): dir is the scratch directory landjail has
 * just created, empty, for this call (callfiles.c).  Nothing can be
 * beneath it, so its rule needs no look at the mount table. */
void filter_cache_new_scratch(const char *dir);

#endif
