#include "environ.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

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
