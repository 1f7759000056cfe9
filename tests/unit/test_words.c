/* Word splitting and variable expansion of profile values. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "tap.h"

static const char *fake_env(const char *name)
{
	if (strcmp(name, "TMPDIR") == 0)
		return "/srv/app tmp";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	if (strcmp(name, "HOME") == 0)
		return "/home/app";
	return NULL;
}

/* Split in and join the words with '|' (NULL on error, *err set). */
static char *joined(const char *in, char **err)
{
	struct strv w = { 0 };
	if (profile_split_words(in, fake_env, &w, err) < 0)
		return NULL;
	size_t len = 1;
	for (size_t i = 0; i < w.n; i++)
		len += strlen(w.v[i]) + 1;
	char *out = calloc(1, len);
	for (size_t i = 0; i < w.n; i++) {
		if (i)
			strcat(out, "|");
		strcat(out, w.v[i]);
	}
	strv_free(&w);
	return out;
}

static void ok_words(const char *in, const char *want)
{
	char *err = NULL;
	char *got = joined(in, &err);
	TAP_STR(got, want, "split [%s]", in);
	if (err)
		printf("#   error: %s\n", err);
	free(got);
	free(err);
}

static void bad_words(const char *in, const char *want_err)
{
	char *err = NULL;
	char *got = joined(in, &err);
	TAP_OK(!got && err && strstr(err, want_err), "[%s] is an error: %s", in,
	       err ? err : "(none)");
	free(got);
	free(err);
}

int main(void)
{
	ok_words("/a /b\t/c", "/a|/b|/c");
	ok_words("  /a  ", "/a");
	ok_words("", "");
	ok_words("\"/with space\" /b", "/with space|/b");
	ok_words("/x\\ y", "/x y");
	ok_words("?/opt/\"a b\"", "?/opt/a b");
	ok_words("${HOME}/x", "/home/app/x");
	ok_words("${TMPDIR}", "/srv/app tmp"); /* never split by expansion */
	ok_words("${NOPE:-/fallback}", "/fallback");
	ok_words("${EMPTY:-/fallback}", "/fallback");
	ok_words("${HOME:-/fallback}", "/home/app");
	ok_words("${NOPE:-${HOME}/d}", "/home/app/d");
	ok_words("${NOPE:-a b}", "a b");
	ok_words("${HOME:?needed}", "/home/app");
	ok_words("cost$$5", "cost$5");
	ok_words("\"${HOME}\"", "/home/app");
	ok_words("NAME=${HOME}", "NAME=/home/app");
	ok_words("\"\"", "");

	bad_words("${NOPE}", "${NOPE} is not set");
	bad_words("$HOME", "lone $");
	bad_words("${HOME", "unterminated ${");
	bad_words("${1X}", "bad variable reference");
	bad_words("${HOME:=x}", "only ${NAME}, ${NAME:-DEFAULT} and ${NAME:?MESSAGE}");
	bad_words("${NOPE:?set it to the work directory}",
		  "${NOPE} is not set: set it to the work directory");
	bad_words("${EMPTY:?must not be empty}", "${EMPTY} is not set: must not be empty");
	bad_words("\"/open", "unterminated double quote");
	bad_words("/x\\", "backslash at the end");
	return tap_done();
}
