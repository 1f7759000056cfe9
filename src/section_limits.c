/* [limits]: timeout and the rlimits.  Units and resources are in
 * limit_table (policy_limits.c; a unit test keeps its names equal to
 * these keys); limit.c enforces them. */
#include "section.h"

#include <string.h>

static void key_limit(struct keyctx *k, const char *key, const char *value, int i)
{
	unsigned long long v;
	const char *why;
	if (!limit_parse(value, limit_table[i].unit, &v, &why)) {
		key_error(k, "%s must be %s, not \"%s\"", key, why, value);
		return;
	}
	/* Zero would stop the program before it starts; only "no core
	 * files" is a sensible zero. */
	if (v == 0 && i != LIMIT_CORE) {
		key_error(k, "%s = 0 would forbid what every program needs (only core may be 0)", key);
		return;
	}
	limit_set(key_policy(k), i, v, key_origin(k));
}

static const struct section_key keys[] = {
	{ "timeout", key_limit, LIMIT_TIMEOUT },
	{ "cpu", key_limit, LIMIT_CPU },
	{ "memory", key_limit, LIMIT_MEMORY },
	{ "file-size", key_limit, LIMIT_FILE_SIZE },
	{ "open-files", key_limit, LIMIT_OPEN_FILES },
	{ "processes", key_limit, LIMIT_PROCESSES },
	{ "sandbox-processes", key_limit, LIMIT_SANDBOX_PROCESSES },
	{ "core", key_limit, LIMIT_CORE },
	{ "stack", key_limit, LIMIT_STACK },
	{ "disk", key_limit, LIMIT_DISK },
};

const struct section_spec section_limits = { "limits", keys, ARRAY_SIZE(keys) };
