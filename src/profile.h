/* INI profiles → struct policy.
 *
 * Every problem is collected as "file:line: message" in an errlist; the
 * caller prints them all and gives up if there was any. */
#ifndef LANDJAIL_PROFILE_H
#define LANDJAIL_PROFILE_H

#include "diag.h"
#include "policy.h"
#include "profile_dirs.h"
#include "words.h"

#define PROFILE_MAX_INCLUDE_DEPTH 8

/* Load the profile NAME (a bare name looked up in the profile path, or a
 * path when it contains '/') and everything it includes into p. */
void profile_load(struct policy *p, const char *name, struct errlist *el);

/* Same, with variables looked up through lookup (tests use their own). */
void profile_load_with(struct policy *p, const char *name, env_lookup_fn lookup,
		       struct errlist *el);

#endif
