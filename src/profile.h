/* INI profiles → struct policy.
 *
 * Every problem is collected as "file:line: message" in an errlist; the
 * caller prints them all and gives up if there was any. */
#ifndef LANDJAIL_PROFILE_H
#define LANDJAIL_PROFILE_H

#include "diag.h"
#include "policy.h"

#define PROFILE_MAX_INCLUDE_DEPTH 8

typedef const char *(*env_lookup_fn)(const char *name);

/* Load the profile NAME (a bare name looked up in the profile path, or a
 * path when it contains '/') and everything it includes into p. */
void profile_load(struct policy *p, const char *name, struct errlist *el);

/* Same, with variables looked up through lookup (tests use their own). */
void profile_load_with(struct policy *p, const char *name, env_lookup_fn lookup,
		       struct errlist *el);

/* The directories searched for a bare profile name, in order. */
void profile_search_path(struct strv *out);

/* Split a value into words: blanks separate words, "double quotes" and
 * backslashes protect them, ${VAR} and ${VAR:-default} expand (never into
 * more than one word), $$ is a dollar sign.  Returns 0, or -1 with *err
 * set to a malloc'd message. */
int profile_split_words(const char *in, env_lookup_fn lookup, struct strv *out,
			char **err);

#endif
