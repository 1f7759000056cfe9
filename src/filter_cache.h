/* A per-user cache of compiled seccomp filters.
 *
 * Compiling a long allowlist with libseccomp costs about half a
 * millisecond, more than the rest of a launch; the compiled program only
 * depends on the filter's inputs.  Entries live in $XDG_CACHE_HOME/landjail
 * (or $HOME/.cache/landjail), a directory of the caller's own with mode
 * 0700, named by the SHA-256 of the inputs, each holding that digest, the
 * verdict table and the program, and a SHA-256 of all before it (torn or
 * truncated files fail it).
 *
 * Why a planted entry cannot be loaded: no secret is involved (the kernel
 * keyring, which the old design used, is denied inside most service
 * sandboxes).  Instead no sandboxed program ever gets to write there:
 * filter_cache_admit() refuses every run whose policy grants a write,
 * make, remove or refer right on the cache directory, on any directory
 * above it (by device and inode, so /proc/self/root and bind mounts of it
 * or of its ancestors count), or on an entry.  What only landjail itself,
 * outside any sandbox, can write needs no key.  A cache that cannot be
 * used (HOME unset or not the caller's, a read-only filesystem) costs a
 * compile, never a run; filter_cache_note() says which for -v. */
#ifndef LANDJAIL_FILTER_CACHE_H
#define LANDJAIL_FILTER_CACHE_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "policy.h"

#define SHA256_BYTES 32

/* With the CPU's SHA extensions where they compute (glibc's CPU data, or
 * under musl a probe of the instructions themselves: filter_cache.c). */
void sha256(const void *msg, size_t n, uint8_t out[SHA256_BYTES]);
/* Always the portable rounds (for the unit test to compare). */
void sha256_portable(const void *msg, size_t n, uint8_t out[SHA256_BYTES]);

/* Before the filter is prepared: may this run's program write the cache?
 * Returns -EPERM with *msg (malloc'd) when it may: the run must be
 * refused.  Otherwise 0, and the cache is enabled for this run when it
 * can be used (fs_confined: the program's filesystem access is confined
 * at all; without it the cache is not used). */
int filter_cache_admit(const struct policy *p, bool fs_confined, char **msg);

/* Was the cache enabled by filter_cache_admit()? */
bool filter_cache_enabled(void);

/* An entry holds an opaque payload (seccomp_cache.c: the verdict table
 * and the program) under the SHA-256 of its inputs.  A hit fills
 * *payload (malloc'd) and *size. */
bool filter_cache_load(const void *inputs, size_t n, void **payload, size_t *size);
void filter_cache_store(const void *inputs, size_t n, const void *payload, size_t size);
/* The caller found a loaded payload unusable: -v says so. */
void filter_cache_damaged(void);

/* For -v: where this run's filter came from or why the cache was not
 * used ("from the filter cache /home/u/.cache/landjail", ...). */
const char *filter_cache_note(void);

/* Where the cache is, or would be (malloc'd), or NULL when the
 * environment gives it no place; *why then says so. */
char *filter_cache_location(const char **why);

/* ---- what the policy cache (profile_cache.c) shares ---- */

/* The cache directory dir, opened when it is the caller's own with mode
 * 0700 (created, 0700, when create and missing), with its inode in *st;
 * -1 with the reason in why ("the WHAT DIR is not used: ..."). */
int filter_cache_dir_open(const char *what, const char *dir, bool create, struct stat *st,
			  char *why, size_t n);

/* An entry's name: the digest in hex and the suffix (".bpf"). */
#define FILTER_CACHE_NAME_MAX (2 * SHA256_BYTES + 8)
void filter_cache_entry_name(const uint8_t digest[SHA256_BYTES], const char *suffix,
			     char name[FILTER_CACHE_NAME_MAX]);

/* The bytes of entry name in dirfd (malloc'd, *size), or NULL unless it is
 * a regular file of the caller's own, mode 0600 or less, with one link. */
uint8_t *filter_cache_entry_read(int dirfd, const char *name, size_t *size);

/* magic | u32 payload bytes | u32 zero | key | payload | SHA-256 of all
 * before it.  seal: the entry (malloc'd, *size), NULL when the payload is
 * empty or too big; unseal: is buf such an entry for this magic and key
 * (then *payload points into buf)? */
uint8_t *filter_cache_seal(const char magic[8], const uint8_t key[SHA256_BYTES],
			   const void *payload, size_t payload_size, size_t *size);
bool filter_cache_unseal(const char magic[8], const uint8_t key[SHA256_BYTES], const uint8_t *buf,
			 size_t size, const uint8_t **payload, size_t *payload_size);

/* Write the entry atomically (a private name, then a rename): 0 or -errno. */
int filter_cache_entry_write(int dirfd, const char *name, const void *buf, size_t size);

/* This very binary (device, inode, size, mtime): part of every key, so
 * that a rebuild or an upgrade misses. */
void filter_cache_exe_id(uint64_t out[4]);

#endif
