/* The policy cache (profile_cache.c): the profiles of a call loaded again
 * from what the last identical load read, while every file and directory
 * it looked at is unchanged. */
#ifndef LANDJAIL_PROFILE_CACHE_H
#define LANDJAIL_PROFILE_CACHE_H

#include "diag.h"
#include "policy.h"

/* profile_load() of each of names, in order, into p (as policy_init left
 * it), from the cache when it can be, and stored in it when the load had
 * no problem; -v says which. */
void profile_cache_load(struct policy *p, const struct strv *names, struct errlist *el);

#endif
