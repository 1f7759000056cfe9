/* When the compiled filter may come from the filter cache, and under
 * which key (seccomp_cache.c). */
#ifndef LANDJAIL_SECCOMP_CACHE_H
#define LANDJAIL_SECCOMP_CACHE_H

#include "syscall_filter.h"

/* Whether plan may use the cache (*usable).  A policy that allows the
 * keyring calls does not; if it can also write the cache directory it
 * is refused: -EPERM with *msg (malloc'd). */
int seccomp_cache_usable(const struct seccomp_plan *plan, bool *usable, char **msg);

/* Look plan's filter up by the policy's inputs, before any syscall name
 * is resolved (plan holds seccomp_plan_basics() only); *key (malloc'd,
 * *key_len bytes) is the key to store it under after a miss.  A hit
 * fills the verdict table, plan->insns and plan->len. */
bool seccomp_cache_load(struct seccomp_plan *plan, void **key, size_t *key_len);
void seccomp_cache_store(const void *key, size_t key_len, const struct seccomp_plan *plan);

#endif
