/* What a policy grants, in the trace events' terms: the filesystem rules
 * as canonical paths with their rights, so that --learn can leave out
 * what the base already grants and --explain can tell what the real
 * policy would refuse. */
#ifndef LANDJAIL_TRACE_POLICY_H
#define LANDJAIL_TRACE_POLICY_H

#include "policy.h"
#include "trace.h"

struct grant_set {
	char **path;            /* canonical; /proc/self kept as written */
	unsigned *rights;       /* enum trace_right bits */
	const struct fs_rule **rule;
	size_t n;
};

/* The rights an access class gives beneath its path. */
unsigned access_rights(enum fs_access a);

/* After policy_open_paths(). */
void grant_set_build(const struct policy *p, struct grant_set *g);
void grant_set_free(struct grant_set *g);

/* The rights the rules give on path (the union along its ancestors). */
unsigned grant_set_rights(const struct grant_set *g, const char *path);

/* Does the policy allow the file event's rights?  CREATE and REMOVE are
 * checked on the directory that holds the path, as Landlock does. */
bool grant_set_allows(const struct grant_set *g, const char *path, unsigned rights);

/* "read", "write, create" ...: the rights in words (static buffer). */
const char *rights_words(unsigned rights);

/* The directory part of path ("/" for "/x"), into out (PATH_MAX). */
void path_dirname(const char *path, char *out);

#endif
