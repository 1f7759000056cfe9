/* What every section's keys share: dispatch through the key table, and
 * the helpers that turn a problem into "file:line: message". */
#include "section.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void key_error(struct keyctx *k, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	errlist_add(k->el, k->file, k->line, "%s", msg ? msg : "(out of memory)");
	free(msg);
	k->bad_line = k->line;
}

struct policy *key_policy(struct keyctx *k)
{
	return k->p;
}

struct origin key_origin(struct keyctx *k)
{
	return (struct origin){ .file = k->file, .line = k->line };
}

bool key_words(struct keyctx *k, const char *key, const char *value, struct strv *words)
{
	char *err = NULL;
	if (profile_split_words(value, k->lookup, words, &err) < 0) {
		key_error(k, "%s: %s", key, err);
		free(err);
		strv_free(words);
		return false;
	}
	if (!words->n)
		key_error(k, "%s has no value", key);
	return words->n > 0;
}

int key_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0)
			return 1;
		if (strcmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

void section_key(const struct section_spec *s, struct keyctx *k, const char *key,
		 const char *value)
{
	for (size_t i = 0; i < s->n_keys; i++) {
		if (strcmp(s->keys[i].name, key) == 0) {
			s->keys[i].on_key(k, key, value, s->keys[i].arg);
			return;
		}
	}
	struct strv names = { 0 };
	for (size_t i = 0; i < s->n_keys; i++)
		strv_push(&names, xstrdup(s->keys[i].name));
	char *known = strv_join(&names, " ");
	key_error(k, "unknown key \"%s\" in [%s] (known: %s)", key, s->name, known);
	free(known);
	strv_free(&names);
}
