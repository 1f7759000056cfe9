/* The interface between the profile reader and the code that understands
 * one section.  Each section is a row in profile.c's section table: its
 * name and a key handler.  A handler gets every key = value line of its
 * section, records what it understood in the policy, and reports anything
 * else with key_error(), which adds "file:line: " for it. */
#ifndef LANDJAIL_SECTION_H
#define LANDJAIL_SECTION_H

#include <stdbool.h>

#include "policy.h"

struct keyctx; /* one profile line being read */

typedef void (*section_key_fn)(struct keyctx *k, const char *key, const char *value);

struct policy *key_policy(struct keyctx *k);
struct origin key_origin(struct keyctx *k);
void key_error(struct keyctx *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The value as words (quotes, escapes and ${VAR} handled); false, with
 * the error reported, when it is malformed or empty. */
bool key_words(struct keyctx *k, const char *key, const char *value, struct strv *out);

/* yes/true/on/1 → 1, no/false/off/0 → 0, anything else → -1. */
int key_bool(const char *s);

/* "unknown key "x" in [section] (known: a b c)" for a handler's fallback. */
void key_unknown(struct keyctx *k, const char *section, const char *key, const char *known);

/* The handlers of the sections that live in their mechanism's file. */
void filesystem_profile_key(struct keyctx *k, const char *key, const char *value);
void environment_profile_key(struct keyctx *k, const char *key, const char *value);

#endif
