/* A per-user cache of compiled seccomp filters.
 *
 * Compiling a long allowlist with libseccomp costs about half a
 * millisecond, more than the rest of a launch; the compiled program only
 * depends on the filter's inputs.  Files live in $XDG_CACHE_HOME/landjail
 * (0700, owned by the user), named by a keyed hash of the inputs, and hold
 * the inputs, the program and a SipHash-2-4 MAC.  The key is random and
 * kept in the user's kernel keyring, which sandboxed programs cannot
 * reach (the keyring calls are always denied unless a profile allows
 * them, and such a policy does not use the cache): a sandbox that may
 * write to the cache directory still cannot forge an entry. */
#ifndef LANDJAIL_FILTER_CACHE_H
#define LANDJAIL_FILTER_CACHE_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t siphash24(const uint8_t key[16], const void *msg, size_t n);

/* A hit fills *insns (malloc'd) and *len. */
bool filter_cache_load(const void *inputs, size_t n, struct sock_filter **insns,
		       unsigned short *len);
void filter_cache_store(const void *inputs, size_t n, const struct sock_filter *insns,
			unsigned short len);

/* Where the cache is, or would be (canonical as far as it exists; malloc'd),
 * or NULL when there is no home for it. */
char *filter_cache_location(void);

/* Forget the key: every cached entry becomes invalid. */
void filter_cache_invalidate(void);

#endif
