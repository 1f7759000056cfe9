#include "environ.h"

#include <ctype.h>

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "section.h"
#include "words.h"

static bool kept(const char *entry, const char *const *globs, size_t n)
{
	const char *eq = strchr(entry, '=');
	if (!eq)
		return false;
	char *name = xstrndup(entry, (size_t)(eq - entry));
	bool keep = false;
	for (size_t i = 0; i < n && !keep; i++)
		keep = fnmatch(globs[i], name, 0) == 0;
	free(name);
	return keep;
}

static size_t count(const char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	return n;
}

static void set_var(struct strv *out, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *entry = xasprintf("%s=%s", name, value);
	for (size_t i = 0; i < out->n; i++) {
		if (strncmp(out->v[i], name, len) == 0 && out->v[i][len] == '=') {
			free(out->v[i]);
			out->v[i] = entry;
			return;
		}
	}
	strv_push(out, entry);
}

void environ_build(const struct policy *p, char *const *in, struct strv *out)
{
	bool clear = !p->env.configured || p->env.clear != 0;
	const char *const *globs = p->env.configured ? (const char *const *)p->env.keep.v
						     : policy_default_env_keep;
	size_t n_globs = p->env.configured ? p->env.keep.n : count(policy_default_env_keep);

	for (char *const *e = in; e && *e; e++)
		if (!clear || kept(*e, globs, n_globs))
			strv_push(out, xstrdup(*e));
	for (size_t i = 0; i < p->env.n_set; i++)
		set_var(out, p->env.set[i].name, p->env.set[i].value);
	if (!out->v) { /* an empty but valid envp */
		out->v = xcalloc(1, sizeof(*out->v));
		out->cap = 1;
	}
}

/* ---- [environment] -------------------------------------------------------- */

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

void environment_profile_key(struct keyctx *k, const char *key, const char *value)
{
	struct policy *p = key_policy(k);
	if (strcmp(key, "clear") == 0) {
		int b = key_bool(value);
		if (b < 0)
			key_error(k, "clear must be yes or no, not \"%s\"", value);
		else
			p->env.clear = b;
		p->env.configured = true;
		return;
	}
	bool keep = strcmp(key, "keep") == 0;
	if (!keep && strcmp(key, "set") != 0) {
		key_unknown(k, "environment", key, "clear keep set");
		return;
	}
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
