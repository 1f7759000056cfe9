/* Splitting profile values into words, with variables expanded. */
#ifndef LANDJAIL_WORDS_H
#define LANDJAIL_WORDS_H

#include <ctype.h>
#include <stdbool.h>

#include "util.h"

typedef const char *(*env_lookup_fn)(const char *name);

/* Split a value into words: blanks separate words, "double quotes" and
 * backslashes protect them, ${VAR}, ${VAR:-default} and ${VAR:?message}
 * expand (never into more than one word), $$ is a dollar sign.  Returns
 * 0, or -1 with *err set to a malloc'd message. */
int profile_split_words(const char *in, env_lookup_fn lookup, struct strv *out,
			char **err);

/* Variable-name characters: a letter or '_' first, then also digits. */
static inline bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static inline bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

#endif
