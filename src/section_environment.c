/* [environment]: clear, keep, set (environ.c builds the environment). */
#include "section.h"

#include <stdlib.h>
#include <string.h>

#include "words.h"

static bool valid_env_glob(const char *g)
{
	if (!*g)
		return false;
	for (const char *c = g; *c; c++)
		if (!is_name_char(*c) && !strchr("*?[]!", *c))
			return false;
	return true;
}

static bool valid_env_name(const char *n, size_t len)
{
	if (!len || !is_name_start(n[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_name_char(n[i]))
			return false;
	return true;
}

static void key_env_set(struct keyctx *k, const char *word)
{
	const char *eq = strchr(word, '=');
	if (!eq || !valid_env_name(word, (size_t)(eq - word))) {
		key_error(k, "set: expected NAME=VALUE, got \"%s\"", word);
		return;
	}
	char *name = xstrndup(word, (size_t)(eq - word));
	policy_add_env_set(key_policy(k), name, eq + 1, key_origin(k));
	free(name);
}

static void key_clear(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	struct policy *p = key_policy(k);
	int b = key_bool(value);
	if (b < 0)
		key_error(k, "clear must be yes or no, not \"%s\"", value);
	else
		p->env.clear = b;
	p->env.configured = true;
}

static void key_keep_or_set(struct keyctx *k, const char *key, const char *value, int keep)
{
	struct policy *p = key_policy(k);
	/* "set" alone adds to the default environment; "keep" replaces the
	 * default list with the profile's own. */
	if (keep)
		p->env.configured = true;
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	for (size_t i = 0; i < words.n; i++) {
		if (!keep)
			key_env_set(k, words.v[i]);
		else if (valid_env_glob(words.v[i]))
			policy_add_env_keep(p, words.v[i]);
		else
			key_error(k, "keep: \"%s\" is not a variable name or glob", words.v[i]);
	}
	strv_free(&words);
}

static const struct section_key keys[] = {
	{ "clear", key_clear, 0 },
	{ "keep", key_keep_or_set, true },
	{ "set", key_keep_or_set, false },
};

const struct section_spec section_environment = { "environment", keys, ARRAY_SIZE(keys) };
