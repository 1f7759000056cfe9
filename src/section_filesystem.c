/* [filesystem]: path rules and forbidden directories. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "section.h"
#include "words.h"

static void key_forbid(struct keyctx *k, const char *key, const char *value, int beneath)
{
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	for (size_t i = 0; i < words.n; i++) {
		if (words.v[i][0] != '/')
			key_error(k, "%s: \"%s\" is not an absolute path", key, words.v[i]);
		else
			policy_add_forbid(key_policy(k), words.v[i], beneath != 0, key_origin(k));
	}
	strv_free(&words);
}

/* isolate = DIR: one directory; a later profile's replaces an earlier's. */
static void key_isolate(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)arg;
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	struct policy *p = key_policy(k);
	if (words.n != 1 || words.v[0][0] != '/') {
		key_error(k, "isolate: expected one absolute directory, got \"%s\"", value);
	} else {
		free(p->isolate);
		p->isolate = xstrdup(words.v[0]);
		p->isolate_at = key_origin(k);
	}
	strv_free(&words);
}

static void key_scratch_env(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)arg;
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	struct policy *p = key_policy(k);
	for (size_t i = 0; i < words.n; i++) {
		const char *w = words.v[i];
		bool ok = !isdigit((unsigned char)w[0]);
		for (const char *c = w; ok && *c; c++)
			ok = *c == '_' || isalnum((unsigned char)*c);
		if (!ok)
			key_error(k, "scratch-env: \"%s\" is not a variable name", w);
		else if (!strv_contains(&p->scratch_env, w))
			strv_push(&p->scratch_env, xstrdup(w));
	}
	strv_free(&words);
}

/* named-files = regular | any (namedfiles.h). */
static void key_named_files(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key;
	(void)arg;
	if (strcmp(value, "regular") == 0 || strcmp(value, "any") == 0)
		key_policy(k)->named_regular = strcmp(value, "regular") == 0;
	else
		key_error(k, "named-files must be regular or any, not \"%s\"", value);
}

/* ro-from-env = VAR...: each VAR, when set, is a colon-separated list of
 * directories, as PATH is (MAGICK_CONFIGURE_PATH, say): each is granted
 * ro, optionally, so that the program finds the configuration its caller
 * chose.  A relative entry is an error: the program would look for it in
 * a directory landjail cannot know, and silently miss it. */
static void key_ro_from_env(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)arg;
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	for (size_t i = 0; i < words.n; i++) {
		const char *name = words.v[i], *c = name;
		while (*c && (c == name ? is_name_start(*c) : is_name_char(*c)))
			c++;
		if (*c || !*name) {
			key_error(k, "ro-from-env: \"%s\" is not a variable name", name);
			continue;
		}
		const char *list = getenv(name);
		char *copy = xstrdup(list ? list : ""), *save = NULL;
		for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			if (dir[0] != '/')
				key_error(k, "ro-from-env: %s holds \"%s\", not an absolute path",
					  words.v[i], dir);
			else
				policy_add_fs(key_policy(k), dir, FS_RO, true, key_origin(k));
		}
		free(copy);
	}
	strv_free(&words);
}

/* ro = PATH..., rox, rw, rwx, dev: a path rule of that access class;
 * "?PATH" is optional (absent on this machine is no error). */
static void key_rule(struct keyctx *k, const char *key, const char *value, int access)
{
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	for (size_t i = 0; i < words.n; i++) {
		const char *path = words.v[i];
		bool optional = path[0] == '?';
		path += optional;
		if (path[0] != '/')
			key_error(k, "%s: \"%s\" is not an absolute path", key, words.v[i]);
		else
			policy_add_fs(key_policy(k), path, (enum fs_access)access, optional,
				      key_origin(k));
	}
	strv_free(&words);
}

/* The access classes' keys are their names in policy.c's fs_access_table
 * (a unit test holds the two together). */
static const struct section_key keys[] = {
	{ "ro", key_rule, FS_RO },
	{ "rox", key_rule, FS_ROX },
	{ "rw", key_rule, FS_RW },
	{ "rwx", key_rule, FS_RWX },
	{ "dev", key_rule, FS_DEV },
	{ "forbid", key_forbid, false },
	{ "forbid-beneath", key_forbid, true },
	{ "isolate", key_isolate, 0 },
	{ "scratch-env", key_scratch_env, 0 },
	{ "ro-from-env", key_ro_from_env, 0 },
	{ "named-files", key_named_files, 0 },
};

const struct section_spec section_filesystem = { "filesystem", keys, ARRAY_SIZE(keys) };
