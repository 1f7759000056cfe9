#include "profile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "section.h"
#include "words.h"

/* ---- profile files ------------------------------------------------------ */

struct file_id {
	dev_t dev;
	ino_t ino;
};

/* What all the files of one load share. */
struct load {
	struct policy *p;
	struct errlist *el;
	env_lookup_fn lookup;
	struct file_id stack[PROFILE_MAX_INCLUDE_DEPTH + 1];
	const char *stack_names[PROFILE_MAX_INCLUDE_DEPTH + 1];
	int depth;
	struct file_id *done; /* files fully loaded: a second include is a no-op */
	size_t n_done, cap_done;
};

/* The state of one file being read.  Its first member is what the
 * section handlers see of it (section.h). */
struct reading {
	struct keyctx k;
	struct load *ld;
	char *dir; /* directory of the file, for relative includes */
	FILE *fp;
	char *linebuf;
	size_t linecap;
	const struct section_spec *section; /* NULL before the first header */
	bool section_bad; /* unknown: its keys are ignored */
};

/* Every section a profile may have, in the order messages list them. */
static const struct section_spec *const section_table[] = {
	&section_profile, &section_filesystem, &section_environment, &section_network,
	&section_syscalls, &section_limits, &section_process,
};

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "[profile] [filesystem] ...", for the unknown-section message. */
static char *known_sections(void)
{
	char *s = xstrdup("");
	for (size_t i = 0; i < ARRAY_SIZE(section_table); i++) {
		char *n = xasprintf("%s%s[%s]", s, *s ? " " : "", section_table[i]->name);
		free(s);
		s = n;
	}
	return s;
}

/* A section header line, seen by the reader: inih does not tell the
 * handler about headers, and we want their line numbers. */
static void on_section_header(struct reading *ps, char *hdr)
{
	char *close = strchr(hdr, ']');
	ps->section = NULL;
	ps->section_bad = true;
	if (!close) {
		key_error(&ps->k, "section header without a closing ]");
		return;
	}
	char *rest = trim(close + 1);
	if (*rest && *rest != ';' && *rest != '#')
		key_error(&ps->k, "unexpected text after the section header: %s", rest);
	*close = '\0';
	char *name = trim(hdr + 1);
	for (size_t i = 0; i < ARRAY_SIZE(section_table); i++) {
		const struct section_spec *sec = section_table[i];
		if (strcmp(sec->name, name) != 0)
			continue;
		ps->section = sec;
		ps->section_bad = false;
		return;
	}
	char *known = known_sections();
	key_error(&ps->k, "unknown section [%s] (known: %s)", name, known);
	free(known);
}

/* Checks a line before inih sees it, so that every syntax error is
 * reported with its line (inih only returns the first one). */
static void precheck_line(struct reading *ps, const char *raw)
{
	char *copy = xstrdup(raw);
	char *s = trim(copy);
	bool continuation = raw[0] == ' ' || raw[0] == '\t';
	if (!*s || *s == ';' || *s == '#') {
		/* blank or comment */
	} else if (*s == '[') {
		on_section_header(ps, s);
	} else if (!strpbrk(s, "=:") && !continuation) {
		key_error(&ps->k, "expected \"key = value\" or a [section] header, got: %s", s);
	} else if (!continuation && !ps->section && !ps->section_bad) {
		key_error(&ps->k, "key outside any section (start the file with [profile])");
	}
	free(copy);
}

/* inih's reader: counts lines, catches lines longer than inih's buffer. */
static char *read_line(char *str, int num, void *stream)
{
	struct reading *ps = stream;
	ssize_t len = getline(&ps->linebuf, &ps->linecap, ps->fp);
	if (len < 0)
		return NULL;
	ps->k.line++;
	while (len > 0 && (ps->linebuf[len - 1] == '\n' || ps->linebuf[len - 1] == '\r'))
		ps->linebuf[--len] = '\0';
	if (strlen(ps->linebuf) != (size_t)len) {
		key_error(&ps->k, "line contains a NUL byte");
		str[0] = '\0';
		return str;
	}
	if (len > num - 1) {
		key_error(&ps->k, "line is %zd bytes long; the limit is %d (split the "
		     "value over several lines with the same key)", len, num - 1);
		str[0] = '\0';
		return str;
	}
	precheck_line(ps, ps->linebuf);
	if (ps->k.bad_line == ps->k.line) {
		str[0] = '\0'; /* already reported: keep inih quiet about it */
		return str;
	}
	memcpy(str, ps->linebuf, (size_t)len + 1);
	return str;
}

/* ---- keys ----------------------------------------------------------------- */

static void load_named(struct load *ld, const char *name, const char *dir,
		       const char *from_file, unsigned from_line);

/* [profile] include = NAME (section_profile.c): NAME is found from this
 * file's directory first. */
static void include_named(struct keyctx *k, const char *name)
{
	struct reading *r = (struct reading *)k;
	load_named(r->ld, name, r->dir, k->file, k->line);
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
	struct reading *ps = user;
	(void)section; /* tracked by the reader, with its line */
	if (ps->section && !ps->section_bad)
		section_key(ps->section, &ps->k, key, value);
	return 1; /* problems are collected, never a reason to stop */
}

/* ---- finding and opening files ------------------------------------------ */

static char *with_ini_suffix(const char *name)
{
	size_t n = strlen(name);
	if (n > 4 && strcmp(name + n - 4, ".ini") == 0)
		return xstrdup(name);
	return xasprintf("%s.ini", name);
}

static bool valid_profile_name(const char *name)
{
	if (!*name || name[0] == '.')
		return false;
	for (const char *c = name; *c; c++)
		if (!is_name_char(*c) && *c != '-' && *c != '.')
			return false;
	return true;
}

static bool same_file(struct file_id a, struct file_id b);

/* Is path one of the files being read (an include of the same name)?
 * Its place on the stack, or -1. */
static int being_read(const struct load *ld, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	struct file_id id = { st.st_dev, st.st_ino };
	for (int i = 0; i < ld->depth; i++)
		if (same_file(ld->stack[i], id))
			return i;
	return -1;
}

/* A bare name: the including file's directory, then the search path.  A
 * file that is being read is passed over, so that a local profile may
 * include the shipped profile of its own name. */
static char *find_profile(const struct load *ld, const char *name, const char *first_dir,
			  struct strv *tried, int *skipped)
{
	*skipped = -1;
	char *file = with_ini_suffix(name);
	struct strv dirs = { 0 };
	if (first_dir)
		strv_push(&dirs, xstrdup(first_dir));
	profile_search_path(&dirs);
	char *found = NULL;
	for (size_t i = 0; i < dirs.n && !found; i++) {
		char *cand = xasprintf("%s/%s", dirs.v[i], file);
		int busy = access(cand, F_OK) == 0 ? being_read(ld, cand) : -1;
		if (access(cand, F_OK) == 0 && busy < 0)
			found = cand;
		else {
			if (*skipped < 0)
				*skipped = busy;
			strv_push(tried, xstrdup(dirs.v[i]));
			free(cand);
		}
	}
	strv_free(&dirs);
	free(file);
	return found;
}


static char *resolve_name(struct load *ld, const char *name, const char *dir,
			  const char *from_file, unsigned from_line)
{
	if (strchr(name, '/')) {
		if (name[0] == '/' || !dir)
			return xstrdup(name);
		return xasprintf("%s/%s", dir, name);
	}
	if (!valid_profile_name(name)) {
		errlist_add(ld->el, from_file, from_line, "\"%s\" is not a profile name", name);
		return NULL;
	}
	struct strv tried = { 0 };
	int skipped;
	char *found = find_profile(ld, name, dir, &tried, &skipped);
	if (!found && skipped >= 0) {
		errlist_add(ld->el, from_file, from_line, "include cycle: %s includes %s, "
			    "which is already being read", ld->stack_names[ld->depth - 1],
			    ld->stack_names[skipped]);
	} else if (!found) {
		char *list = strv_join(&tried, ", ");
		errlist_add(ld->el, from_file, from_line,
			    "profile \"%s\" not found (looked in %s)", name, list);
		free(list);
	}
	strv_free(&tried);
	return found;
}


static char *dirname_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* A profile grants access to the whole machine's files: only root or the
 * person running landjail may be able to change it. */
static bool trusted_file(struct load *ld, const char *label, const struct stat *st)
{
	if (!S_ISREG(st->st_mode)) {
		errlist_add(ld->el, label, 0, "not a regular file");
		return false;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		errlist_add(ld->el, label, 0,
			    "refusing a profile that group or others can write (mode %04o); "
			    "run: chmod go-w %s", (unsigned)(st->st_mode & 07777), label);
		return false;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		errlist_add(ld->el, label, 0,
			    "refusing a profile owned by uid %u: it must belong to root "
			    "or to the user running landjail", (unsigned)st->st_uid);
		return false;
	}
	return true;
}

static bool same_file(struct file_id a, struct file_id b)
{
	return a.dev == b.dev && a.ino == b.ino;
}

/* Cycle and repeat checks; false when the file must not be read now. */
static bool enter_file(struct load *ld, struct file_id id, const char *label,
		       const char *from_file, unsigned from_line)
{
	for (size_t i = 0; i < ld->n_done; i++)
		if (same_file(ld->done[i], id))
			return false;
	for (int i = 0; i < ld->depth; i++) {
		if (!same_file(ld->stack[i], id))
			continue;
		errlist_add(ld->el, from_file, from_line, "include cycle: %s includes %s, "
			    "which is already being read", ld->stack_names[ld->depth - 1], label);
		return false;
	}
	if (ld->depth >= PROFILE_MAX_INCLUDE_DEPTH) {
		errlist_add(ld->el, from_file, from_line,
			    "includes nested deeper than %d levels", PROFILE_MAX_INCLUDE_DEPTH);
		return false;
	}
	return true;
}

static void parse_stream(struct load *ld, FILE *fp, const char *label, const char *path)
{
	struct reading ps = {
		.k = { .p = ld->p, .el = ld->el, .lookup = ld->lookup, .file = label,
		       .top = ld->depth == 1, .include = include_named },
		.ld = ld, .dir = dirname_of(path), .fp = fp,
	};
	int rc = ini_parse_stream(read_line, &ps, on_key, &ps);
	if (rc > 0 && (unsigned)rc != ps.k.bad_line) {
		ps.k.line = (unsigned)rc;
		key_error(&ps.k, "syntax error");
	} else if (rc < 0) {
		errlist_add(ld->el, label, 0, "could not be parsed (inih error %d)", rc);
	}
	free(ps.linebuf);
	free(ps.dir);
}

static void load_file(struct load *ld, const char *path, const char *from_file,
		      unsigned from_line)
{
	struct policy *p = ld->p;
	const char *label = policy_label(p, path);
	/* O_NONBLOCK: a FIFO named as a profile must not hang us before the
	 * regular-file check below. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	FILE *fp = fd < 0 ? NULL : fdopen(fd, "r");
	if (fd >= 0 && !fp)
		close(fd);
	if (!fp) {
		if (from_file)
			errlist_add(ld->el, from_file, from_line, "cannot read %s: %s",
				    path, strerror(errno));
		else
			errlist_add(ld->el, label, 0, "cannot read: %s", strerror(errno));
		return;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) < 0 || !trusted_file(ld, label, &st)) {
		fclose(fp);
		return;
	}
	struct file_id id = { st.st_dev, st.st_ino };
	if (!enter_file(ld, id, label, from_file, from_line)) {
		fclose(fp);
		return;
	}
	ld->stack[ld->depth] = id;
	ld->stack_names[ld->depth] = label;
	ld->depth++;
	if (!strv_contains(&p->sources, path))
		strv_push(&p->sources, xstrdup(path));
	parse_stream(ld, fp, label, path);
	ld->depth--;
	fclose(fp);
	ld->done = grow_array(ld->done, sizeof(*ld->done), ld->n_done, &ld->cap_done);
	ld->done[ld->n_done++] = id;
}

/* Drop-ins sort by file name; of two with the same name the later
 * directory's (the user's) replaces the earlier's. */
static int by_base_name(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int c = strcmp(strrchr(x, '/'), strrchr(y, '/'));
	return c ? c : (x < y ? -1 : x > y);
}

static void add_dropins(struct strv *out, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0)
			continue;
		/* Same name in an earlier directory: this one replaces it. */
		for (size_t i = 0; i < out->n; i++) {
			if (strcmp(strrchr(out->v[i], '/') + 1, e->d_name) != 0)
				continue;
			free(out->v[i]);
			out->v[i] = out->v[--out->n];
			break;
		}
		strv_push(out, xasprintf("%s/%s", dir, e->d_name));
	}
	if (d)
		closedir(d);
}

/* NAME.d/ *.ini in /etc/landjail/profiles and the user's directory: local
 * additions to a shipped profile that a package upgrade leaves alone. */
static void load_dropins(struct load *ld, const char *name)
{
	char *base = with_ini_suffix(name);
	base[strlen(base) - 4] = '\0';
	struct strv files = { 0 };
	char *dir = xasprintf("%s/%s.d", profile_etc_dir(), base);
	add_dropins(&files, dir);
	free(dir);
	char *user = profile_user_dir();
	if (user) {
		dir = xasprintf("%s/%s.d", user, base);
		add_dropins(&files, dir);
		free(dir);
	}
	if (files.n)
		qsort(files.v, files.n, sizeof(*files.v), by_base_name);
	for (size_t i = 0; i < files.n; i++)
		load_file(ld, files.v[i], NULL, 0);
	strv_free(&files);
	free(user);
	free(base);
}

/* An include or -p value: the file, then, for a bare name, its drop-ins. */
static void load_named(struct load *ld, const char *name, const char *dir,
		       const char *from_file, unsigned from_line)
{
	const char *label = from_file ? from_file : policy_label(ld->p, "command line");
	char *path = resolve_name(ld, name, dir, label, from_line);
	if (!path)
		return;
	load_file(ld, path, from_file, from_line);
	if (!strchr(name, '/'))
		load_dropins(ld, name);
	free(path);
}

void profile_load_with(struct policy *p, const char *name, env_lookup_fn lookup,
		       struct errlist *el)
{
	struct load ld = { .p = p, .el = el, .lookup = lookup };
	load_named(&ld, name, NULL, NULL, 0);
	free(ld.done);
}

static const char *lookup_getenv(const char *name)
{
	return getenv(name);
}

void profile_load(struct policy *p, const char *name, struct errlist *el)
{
	profile_load_with(p, name, lookup_getenv, el);
}
