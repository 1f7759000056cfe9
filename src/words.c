/* Profile values as words: blanks separate words, "double quotes" and
 * backslashes protect them, ${VAR}, ${VAR:-default} and ${VAR:?message}
 * expand (never into more than one word), $$ is a dollar sign. */
#include "words.h"

#include <stdlib.h>
#include <string.h>


struct buf {
	char *s;
	size_t n, cap;
};

/* n bytes of s, and the terminating NUL. */
static void buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16;
		while (cap < b->n + n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void buf_putc(struct buf *b, char c)
{
	buf_put(b, &c, 1);
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* The buffer's string, allocated even when nothing was put in it. */
static char *buf_take(struct buf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	*b = (struct buf){ 0 };
	return s;
}

/* Index of the '}' closing the "${" that starts at s[-2], or -1. */
static long closing_brace(const char *s)
{
	int depth = 1;
	for (const char *c = s; *c; c++) {
		if (c[0] == '$' && c[1] == '{') {
			depth++;
			c++;
		} else if (*c == '}' && --depth == 0) {
			return c - s;
		}
	}
	return -1;
}

static int expand_text(const char *s, size_t len, env_lookup_fn lookup,
		       struct buf *b, char **err);

/* *pp points just after "${"; expand the reference and move past its '}'. */
static int expand_ref(const char **pp, env_lookup_fn lookup, struct buf *b, char **err)
{
	const char *p = *pp;
	long close = closing_brace(p);
	if (close < 0) {
		*err = xstrdup("unterminated ${...}");
		return -1;
	}
	size_t n = 0;
	if (!is_name_start(p[0])) {
		*err = xasprintf("bad variable reference ${%.*s}", (int)close, p);
		return -1;
	}
	while (is_name_char(p[n]))
		n++;
	char *name = xstrndup(p, n);
	const char *val = lookup(name);
	int rc = 0;
	if ((size_t)close == n) {
		if (val)
			buf_puts(b, val);
		else {
			*err = xasprintf("${%s} is not set in the environment "
					 "(write ${%s:-DEFAULT} to give a default)", name, name);
			rc = -1;
		}
	} else if (p[n] == ':' && p[n + 1] == '-') {
		if (val && *val)
			buf_puts(b, val);
		else
			rc = expand_text(p + n + 2, (size_t)close - n - 2, lookup, b, err);
	} else if (p[n] == ':' && p[n + 1] == '?') {
		/* The profile's own explanation of what must be set. */
		if (val && *val)
			buf_puts(b, val);
		else {
			*err = xasprintf("${%s} is not set: %.*s", name, (int)(close - (long)n - 2),
					 p + n + 2);
			rc = -1;
		}
	} else {
		*err = xasprintf("bad variable reference ${%.*s}: only ${NAME}, "
				 "${NAME:-DEFAULT} and ${NAME:?MESSAGE} are understood", (int)close, p);
		rc = -1;
	}
	free(name);
	*pp = p + close + 1;
	return rc;
}

/* Expand "$$" and "${...}" in s[0..len) into b (used for defaults). */
static int expand_text(const char *s, size_t len, env_lookup_fn lookup,
		       struct buf *b, char **err)
{
	const char *end = s + len;
	while (s < end) {
		if (s[0] == '$' && s + 1 < end && s[1] == '$') {
			buf_putc(b, '$');
			s += 2;
		} else if (s[0] == '$' && s + 1 < end && s[1] == '{') {
			s += 2;
			if (expand_ref(&s, lookup, b, err) < 0)
				return -1;
		} else if (s[0] == '$') {
			*err = xstrdup("a lone $ (write $$ for a dollar sign, ${NAME} for a variable)");
			return -1;
		} else {
			buf_putc(b, *s++);
		}
	}
	return 0;
}

/* One character (or reference) of a word; *pp advances past it. */
static int word_step(const char **pp, env_lookup_fn lookup, struct buf *b, char **err)
{
	const char *p = *pp;
	if (p[0] == '\\') {
		if (!p[1]) {
			*err = xstrdup("a backslash at the end of the value");
			return -1;
		}
		buf_putc(b, p[1]);
		*pp = p + 2;
		return 0;
	}
	if (p[0] == '$' && p[1] == '{') {
		*pp = p + 2;
		return expand_ref(pp, lookup, b, err);
	}
	size_t n = p[0] == '$' && p[1] == '$' ? 2 : 1;
	*pp = p + n;
	return expand_text(p, n, lookup, b, err);
}

int profile_split_words(const char *in, env_lookup_fn lookup, struct strv *out,
			char **err)
{
	const char *p = in;
	*err = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		struct buf b = { 0 };
		bool quoted = false;
		while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
			/* A run of plain characters at once: every call replays
			 * a policy's words through here (profile_cache.c). */
			size_t plain = strcspn(p, quoted ? "\\$\"" : "\\$\" \t");
			if (plain) {
				buf_put(&b, p, plain);
				p += plain;
				continue;
			}
			if (*p == '"') {
				quoted = !quoted;
				p++;
				continue;
			}
			if (word_step(&p, lookup, &b, err) < 0) {
				free(b.s);
				return -1;
			}
		}
		if (quoted) {
			free(b.s);
			*err = xstrdup("unterminated double quote");
			return -1;
		}
		strv_push(out, buf_take(&b)); /* "" is a word too */
	}
}

