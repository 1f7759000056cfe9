/* The learned profile as a file: written so that a person can read it,
 * and read back by the next --learn run, which grows it.  Only what
 * learned_print() writes is read back; anything else in the file is an
 * error with its line, so that an edit is never silently dropped. */
#include "learn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace_policy.h"
#include "words.h"

#define WRAP 100

/* ---- writing ------------------------------------------------------------------ */

/* A path as a profile word: quoted when it holds blanks, quotes,
 * backslashes or dollars; NULL when a profile line cannot hold it. */
static char *word_quote(const char *s)
{
	if (strpbrk(s, ";\n\r#"))
		return NULL;
	if (!strpbrk(s, " \t\"\\$"))
		return xstrdup(s);
	char *out = xmalloc(strlen(s) * 2 + 3), *p = out;
	*p++ = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		if (*s == '$')
			*p++ = '$';
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

/* "run 2" or "runs 1-3,5". */
static void format_runs(uint64_t runs, char *buf, size_t size)
{
	size_t used = 0;
	unsigned count = 0;
	for (int i = 0; i < LEARN_MAX_RUNS; i++)
		count += (runs >> i) & 1;
	used += (size_t)snprintf(buf, size, "%s ", count == 1 ? "run" : "runs");
	bool first = true;
	for (int i = 0; i < LEARN_MAX_RUNS && used < size; i++) {
		if (!((runs >> i) & 1))
			continue;
		int j = i;
		while (j + 1 < LEARN_MAX_RUNS && ((runs >> (j + 1)) & 1))
			j++;
		used += (size_t)(j > i ? snprintf(buf + used, size - used, "%s%d-%d",
						  first ? "" : ",", i + 1, j + 1)
				       : snprintf(buf + used, size - used, "%s%d", first ? "" : ",",
						  i + 1));
		first = false;
		i = j;
	}
}

/* key = words..., wrapped, each line ending in comment (if any). */
static void print_words(FILE *out, const char *key, const struct strv *words,
			const char *comment)
{
	size_t len = 0;
	for (size_t i = 0; i < words->n; i++) {
		if (len && len + 1 + strlen(words->v[i]) > WRAP) {
			fprintf(out, "%s%s\n", comment ? "   ; " : "", comment ? comment : "");
			len = 0;
		}
		if (!len)
			len = (size_t)fprintf(out, "%s =", key);
		len += (size_t)fprintf(out, " %s", words->v[i]);
	}
	if (len)
		fprintf(out, "%s%s\n", comment ? "   ; " : "", comment ? comment : "");
}

/* The first grant after i whose access and runs no earlier line held. */
static size_t next_group(const struct learned *l, size_t i)
{
	for (size_t k = i + 1; k < l->n_g; k++) {
		bool printed = false;
		for (size_t j = 0; j < k && !printed; j++)
			printed = l->g[j].access == l->g[k].access && l->g[j].runs == l->g[k].runs;
		if (!printed)
			return k;
	}
	return l->n_g;
}

static void print_filesystem(FILE *out, const struct learned *l)
{
	fputs("\n[filesystem]\n", out);
	for (size_t i = 0; i < l->n_g;) {
		size_t j = i;
		struct strv words = { 0 };
		/* One line (or a few) per access class and set of runs. */
		for (; j < l->n_g && l->g[j].access == l->g[i].access; j++) {
			if (l->g[j].runs != l->g[i].runs)
				continue;
			char *w = word_quote(l->g[j].path);
			if (w)
				strv_push(&words, w);
			else
				diag_warn("%s cannot be written in a profile line: left out",
					  l->g[j].path);
		}
		char runs[256];
		format_runs(l->g[i].runs, runs, sizeof(runs));
		print_words(out, fs_access_name(l->g[i].access), &words, runs);
		strv_free(&words);
		i = next_group(l, i);
	}
}

static void print_ports(FILE *out, const char *key, const unsigned *v, size_t n)
{
	struct strv words = { 0 };
	for (size_t i = 0; i < n; i++)
		strv_push(&words, xasprintf("%u", v[i]));
	print_words(out, key, &words, NULL);
	strv_free(&words);
}

/* Groups first, then calls, each in alphabetical order. */
static int group_then_name(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	if ((x[0] == '@') != (y[0] == '@'))
		return x[0] == '@' ? -1 : 1;
	return strcmp(x, y);
}

static void print_sorted(FILE *out, const char *key, const struct strv *words)
{
	struct strv copy = { 0 };
	for (size_t i = 0; i < words->n; i++)
		strv_push(&copy, xstrdup(words->v[i]));
	if (copy.n)
		qsort(copy.v, copy.n, sizeof(*copy.v), group_then_name);
	print_words(out, key, &copy, NULL);
	strv_free(&copy);
}

static void print_rest(FILE *out, const struct learned *l)
{
	static const char *const modes[] = { "none", "tcp", "unrestricted" };
	fprintf(out, "\n[network]\nmode = %s\n", modes[l->net_mode < 0 ? 0 : l->net_mode]);
	if (l->unix_allow)
		fputs("unix = allow\n", out);
	print_ports(out, "tcp-connect", l->connect, l->n_connect);
	print_ports(out, "tcp-bind", l->bind, l->n_bind);
	fputs("\n[syscalls]\ndefault = kill\n", out);
	print_sorted(out, "allow", &l->allow);
	if (l->fork)
		fputs("fork = yes\n", out);
	fputs("\n[limits]\n; ten times the time, four times the address space and twice the\n"
	      "; descriptors a run used, rounded up; a later run raises a limit only if\n"
	      "; it came close.  No processes limit: the kernel counts every process of\n"
	      "; the user against it\n", out);
	for (int i = 0; i < LIMIT_KEYS; i++) {
		if (!l->has_limit[i])
			continue;
		char v[32];
		limit_format(v, sizeof(v), i, l->limit[i]);
		fprintf(out, "%s = %s\n", limit_table[i].key, v);
	}
}

static void print_header(FILE *out, const struct learned *l, const char *name)
{
	fprintf(out, "; %s: learned by landjail --learn from the runs below; edit it freely.\n"
		"; landjail --learn %s.ini -- COMMAND... grows it by one more run.\n", name, name);
	for (size_t i = 0; i < l->runs.n; i++)
		fprintf(out, "; run %zu: %s\n", i + 1, l->runs.v[i]);
	if (l->notes.n)
		fputs(";\n", out);
	for (size_t i = 0; i < l->notes.n; i++)
		fprintf(out, "; %s\n", l->notes.v[i]);
	fprintf(out, "\n[profile]\nversion = 1\ndescription = %s, learned from %zu run%s\n", name,
		l->runs.n, l->runs.n == 1 ? "" : "s");
	struct strv inc = { 0 };
	for (size_t i = 0; i < l->includes.n; i++) {
		char *w = word_quote(l->includes.v[i]);
		if (w)
			strv_push(&inc, w);
		else
			diag_warn("%s cannot be written in a profile line: left out",
				  l->includes.v[i]);
	}
	print_words(out, "include", &inc, NULL);
	strv_free(&inc);
}

void learned_print(FILE *out, const struct learned *l, const char *name)
{
	print_header(out, l, name);
	print_filesystem(out, l);
	print_rest(out, l);
}

/* ---- reading back ------------------------------------------------------------- */

struct reader {
	struct learned *l;
	struct errlist *el;
	const char *file;
	unsigned line;
	char section[32];
};

static const char *no_vars(const char *name)
{
	(void)name;
	return NULL;
}

static bool split(struct reader *r, const char *value, struct strv *out)
{
	char *err = NULL;
	if (profile_split_words(value, no_vars, out, &err) == 0)
		return true;
	errlist_add(r->el, r->file, r->line, "%s", err);
	free(err);
	return false;
}

static uint64_t parse_runs(const char *s)
{
	uint64_t runs = 0;
	s += strspn(s, " \t");
	if (strncmp(s, "runs ", 5) == 0)
		s += 5;
	else if (strncmp(s, "run ", 4) == 0)
		s += 4;
	else
		return 0;
	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b = a;
		if (end == s)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (long i = a; i >= 1 && i <= b && i <= LEARN_MAX_RUNS; i++)
			runs |= 1ULL << (i - 1);
		s = end + (*end == ',');
		if (*end != ',')
			break;
	}
	return runs;
}

static void read_fs(struct reader *r, const char *key, const char *value, const char *comment)
{
	enum fs_access a;
	struct strv w = { 0 };
	if (!fs_access_from_name(key, &a)) {
		errlist_add(r->el, r->file, r->line, "--learn cannot grow \"%s\" in [filesystem]",
			    key);
		return;
	}
	uint64_t runs = comment ? parse_runs(comment) : 0;
	if (split(r, value, &w))
		for (size_t i = 0; i < w.n; i++) {
			struct learned *l = r->l;
			l->g = grow_array(l->g, sizeof(*l->g), l->n_g, &l->cap_g);
			l->g[l->n_g++] = (struct learn_grant){ .path = xstrdup(w.v[i]), .access = a,
							       .runs = runs };
		}
	strv_free(&w);
}

static bool read_ports(struct reader *r, const char *value, unsigned **v, size_t *n,
		       size_t *cap)
{
	struct strv w = { 0 };
	bool ok = split(r, value, &w);
	for (size_t i = 0; ok && i < w.n; i++) {
		char *end;
		unsigned long port = strtoul(w.v[i], &end, 10);
		ok = !*end && port <= 65535;
		if (ok)
			port_add(v, n, cap, (unsigned)port);
	}
	strv_free(&w);
	return ok;
}

static bool read_network(struct reader *r, const char *key, const char *value)
{
	struct learned *l = r->l;
	static const char *const modes[] = { "none", "tcp", "unrestricted" };
	if (strcmp(key, "mode") == 0) {
		for (int i = 0; i < 3; i++)
			if (strcmp(value, modes[i]) == 0)
				l->net_mode = i;
		return l->net_mode >= 0;
	}
	if (strcmp(key, "unix") == 0) {
		l->unix_allow = strcmp(value, "allow") == 0;
		return l->unix_allow || strcmp(value, "deny") == 0;
	}
	if (strcmp(key, "tcp-connect") == 0)
		return read_ports(r, value, &l->connect, &l->n_connect, &l->cap_connect);
	if (strcmp(key, "tcp-bind") == 0)
		return read_ports(r, value, &l->bind, &l->n_bind, &l->cap_bind);
	return false;
}

static bool read_limit(struct reader *r, const char *key, const char *value)
{
	for (int i = 0; i < LIMIT_KEYS; i++) {
		const char *why;
		if (strcmp(key, limit_table[i].key) != 0 ||
		    !limit_parse(value, limit_table[i].unit, &r->l->limit[i], &why))
			continue;
		r->l->has_limit[i] = true;
		return true;
	}
	return false;
}

static bool read_other(struct reader *r, const char *key, const char *value)
{
	struct learned *l = r->l;
	const char *s = r->section;
	if (!strcmp(s, "profile"))
		return !strcmp(key, "description") || (!strcmp(key, "version") && !strcmp(value, "1")) ||
		       (!strcmp(key, "include") && split(r, value, &l->includes));
	if (!strcmp(s, "network"))
		return read_network(r, key, value);
	if (!strcmp(s, "syscalls") && !strcmp(key, "fork")) {
		l->fork = !strcmp(value, "yes");
		return l->fork || !strcmp(value, "no");
	}
	if (!strcmp(s, "syscalls"))
		return (!strcmp(key, "default") && !strcmp(value, "kill")) ||
		       (!strcmp(key, "allow") && split(r, value, &l->allow));
	if (!strcmp(s, "limits"))
		return read_limit(r, key, value);
	return false;
}

static char *trim(char *s)
{
	s += strspn(s, " \t");
	char *e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	return s;
}

static void read_comment(struct reader *r, const char *text)
{
	text += strspn(text, " \t");
	if (strncmp(text, "run ", 4) == 0 && strchr(text, ':')) {
		unsigned n = (unsigned)strtoul(text + 4, NULL, 10);
		if (n == r->l->runs.n + 1)
			strv_push(&r->l->runs, xstrdup(trim(strchr(text, ':') + 1)));
	} else if (strncmp(text, "warning: ", 9) == 0 || strncmp(text, "not granted: ", 13) == 0) {
		strv_push(&r->l->notes, xstrdup(text));
	}
}

static void read_line(struct reader *r, char *line)
{
	char *s = trim(line);
	if (!*s)
		return;
	if (*s == ';' || *s == '#') {
		read_comment(r, s + 1);
		return;
	}
	if (*s == '[') {
		char *end = strchr(s, ']');
		snprintf(r->section, sizeof(r->section), "%.*s",
			 end ? (int)(end - s - 1) : 0, s + 1);
		return;
	}
	char *eq = strchr(s, '='), *comment = NULL;
	if (!eq) {
		errlist_add(r->el, r->file, r->line, "not a key = value line");
		return;
	}
	*eq = '\0';
	char *key = trim(s), *value = eq + 1;
	for (char *c = value; (c = strchr(c, ';')); c++)
		if (c > value && (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			comment = c + 1;
			break;
		}
	value = trim(value);
	if (!strcmp(r->section, "filesystem"))
		read_fs(r, key, value, comment);
	else if (!read_other(r, key, value))
		errlist_add(r->el, r->file, r->line, "--learn cannot grow \"%s = %s\" in [%s]",
			    key, value, r->section);
}

int learned_read(const char *file, struct learned *l, struct errlist *el)
{
	FILE *f = fopen(file, "re");
	if (!f)
		return -ENOENT;
	struct reader r = { .l = l, .el = el, .file = file };
	char buf[4096];
	size_t before = el->n;
	while (fgets(buf, sizeof(buf), f)) {
		r.line++;
		read_line(&r, buf);
	}
	fclose(f);
	return el->n > before ? -EINVAL : 0;
}
