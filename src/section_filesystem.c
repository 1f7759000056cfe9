/* [filesystem]: path rules and forbidden directories. */
#include <string.h>

#include "section.h"

static void key_forbid(struct keyctx *k, const char *key, const char *value)
{
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	bool beneath = strcmp(key, "forbid-beneath") == 0;
	for (size_t i = 0; i < words.n; i++) {
		if (words.v[i][0] != '/')
			key_error(k, "%s: \"%s\" is not an absolute path", key, words.v[i]);
		else
			policy_add_forbid(key_policy(k), words.v[i], beneath, key_origin(k));
	}
	strv_free(&words);
}

void filesystem_profile_key(struct keyctx *k, const char *key, const char *value)
{
	enum fs_access a;
	if (strcmp(key, "forbid") == 0 || strcmp(key, "forbid-beneath") == 0) {
		key_forbid(k, key, value);
		return;
	}
	if (!fs_access_from_name(key, &a)) {
		key_unknown(k, "filesystem", key, "ro rox rw rwx dev forbid forbid-beneath");
		return;
	}
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
			policy_add_fs(key_policy(k), path, a, optional, key_origin(k));
	}
	strv_free(&words);
}
