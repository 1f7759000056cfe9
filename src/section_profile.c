/* [profile]: the file's own keys: version, description, include, log. */
#include "section.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static void key_version(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || end == value || *end)
		key_error(k, "version must be a number, not \"%s\"", value);
	else if (v != POLICY_VERSION)
		key_error(k, "profile version %ld is not understood by landjail %s "
			  "(it reads version %d)", v, LANDJAIL_VERSION, POLICY_VERSION);
}

/* Only the profile asked for describes the policy, not what it includes. */
static void key_description(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	if (k->top && !k->p->description)
		k->p->description = xstrdup(value);
}

static void key_include(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)arg;
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	for (size_t i = 0; i < words.n; i++)
		k->include(k, words.v[i]);
	strv_free(&words);
}

static void key_log(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	if (strcmp(value, "syslog") == 0)
		k->p->log_syslog = true;
	else if (strcmp(value, "stderr") != 0)
		key_error(k, "log must be syslog or stderr, not \"%s\"", value);
}

static const struct section_key keys[] = {
	{ "version", key_version, 0 },
	{ "description", key_description, 0 },
	{ "include", key_include, 0 },
	{ "log", key_log, 0 },
};

const struct section_spec section_profile = { "profile", keys, ARRAY_SIZE(keys) };
