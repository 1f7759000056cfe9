/* [process]: the program's working directory and umask (sandbox.c
 * applies them in the child). */
#include "section.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void key_umask(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	char *end;
	errno = 0;
	long m = strtol(value, &end, 8);
	if (errno || end == value || *end || m < 0 || m > 0777)
		key_error(k, "umask must be octal, 0 to 0777, not \"%s\"", value);
	else
		key_policy(k)->umask = (int)m;
}

static void key_directory(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)arg;
	struct policy *p = key_policy(k);
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	if (words.n != 1 || words.v[0][0] != '/')
		key_error(k, "directory must be one absolute path, not \"%s\"", value);
	else {
		p->workdir = policy_label(p, words.v[0]);
		p->workdir_at = key_origin(k);
	}
	strv_free(&words);
}

static const struct section_key keys[] = {
	{ "directory", key_directory, 0 },
	{ "umask", key_umask, 0 },
};

const struct section_spec section_process = { "process", keys, ARRAY_SIZE(keys) };
