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
#include "netpolicy.h"
#include "syscall_filter.h"
#include "limit.h"
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

/* The state of one file being read; section handlers see it as the
 * context of the line being handled. */
struct keyctx {
	struct load *ld;
	const char *file; /* label, lives in policy */
	char *dir;        /* directory of the file, for relative includes */
	FILE *fp;
	unsigned line;
	char *linebuf;
	size_t linecap;
	const struct section_spec *section; /* NULL before the first header */
	bool section_bad; /* unknown: its keys are ignored */
	unsigned bad_line; /* last line the reader already complained about */
};

static void key_profile(struct keyctx *k, const char *key, const char *value);

/* Every section a profile may have, with the handler of its keys. */
static const struct section_spec {
	const char *name;
	section_key_fn on_key;
} section_table[] = {
	{ "profile", key_profile },
	{ "filesystem", filesystem_profile_key },
	{ "environment", environment_profile_key },
	{ "network", netpolicy_key },
	{ "syscalls", syscalls_key },
	{ "limits", key_limits },
	{ "process", key_process },
};

/* A problem on the current line: "file:line: message". */
void key_error(struct keyctx *ps, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	errlist_add(ps->ld->el, ps->file, ps->line, "%s", msg ? msg : "(out of memory)");
	free(msg);
	ps->bad_line = ps->line;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* A section header line, seen by the reader: inih does not tell the
 * handler about headers, and we want their line numbers. */
static char *known_sections(void)
{
	char *s = xstrdup("");
	for (size_t i = 0; i < ARRAY_SIZE(section_table); i++) {
		char *n = xasprintf("%s%s[%s]", s, *s ? " " : "", section_table[i].name);
		free(s);
		s = n;
	}
	return s;
}

/* A section header line, seen by the reader: inih does not tell the
 * handler about headers, and we want their line numbers. */
static void on_section_header(struct keyctx *ps, char *hdr)
{
	char *close = strchr(hdr, ']');
	ps->section = NULL;
	ps->section_bad = true;
	if (!close) {
		key_error(ps, "section header without a closing ]");
		return;
	}
	char *rest = trim(close + 1);
	if (*rest && *rest != ';' && *rest != '#')
		key_error(ps, "unexpected text after the section header: %s", rest);
	*close = '\0';
	char *name = trim(hdr + 1);
	for (size_t i = 0; i < ARRAY_SIZE(section_table); i++) {
		const struct section_spec *sec = &section_table[i];
		if (strcmp(sec->name, name) != 0)
			continue;
		ps->section = sec;
		ps->section_bad = false;
		return;
	}
	char *known = known_sections();
	key_error(ps, "unknown section [%s] (known: %s)", name, known);
	free(known);
}

/* Checks a line before inih sees it, so that every syntax error is
 * reported with its line (inih only returns the first one). */
static void precheck_line(struct keyctx *ps, const char *raw)
{
	char *copy = xstrdup(raw);
	char *s = trim(copy);
	bool continuation = raw[0] == ' ' || raw[0] == '\t';
	if (!*s || *s == ';' || *s == '#') {
		/* blank or comment */
	} else if (*s == '[') {
		on_section_header(ps, s);
	} else if (!strpbrk(s, "=:") && !continuation) {
		key_error(ps, "expected \"key = value\" or a [section] header, got: %s", s);
	} else if (!continuation && !ps->section && !ps->section_bad) {
		key_error(ps, "key outside any section (start the file with [profile])");
	}
	free(copy);
}

/* inih's reader: counts lines, catches lines longer than inih's buffer. */
static char *read_line(char *str, int num, void *stream)
{
	struct keyctx *ps = stream;
	ssize_t len = getline(&ps->linebuf, &ps->linecap, ps->fp);
	if (len < 0)
		return NULL;
	ps->line++;
	while (len > 0 && (ps->linebuf[len - 1] == '\n' || ps->linebuf[len - 1] == '\r'))
		ps->linebuf[--len] = '\0';
	if (strlen(ps->linebuf) != (size_t)len) {
		key_error(ps, "line contains a NUL byte");
		str[0] = '\0';
		return str;
	}
	if (len > num - 1) {
		key_error(ps, "line is %zd bytes long; the limit is %d (split the "
		     "value over several lines with the same key)", len, num - 1);
		str[0] = '\0';
		return str;
	}
	precheck_line(ps, ps->linebuf);
	if (ps->bad_line == ps->line) {
		str[0] = '\0'; /* already reported: keep inih quiet about it */
		return str;
	}
	memcpy(str, ps->linebuf, (size_t)len + 1);
	return str;
}

static void load_file(struct load *ld, const char *path, const char *from_file,
		      unsigned from_line);

/* ---- keys ----------------------------------------------------------------- */

struct policy *key_policy(struct keyctx *ps)
{
	return ps->ld->p;
}


void key_unknown(struct keyctx *ps, const char *section, const char *key, const char *known)
{
	key_error(ps, "unknown key \"%s\" in [%s] (known: %s)", key, section, known);
}

bool key_words(struct keyctx *ps, const char *key, const char *value, struct strv *words)
{
	char *err = NULL;
	if (profile_split_words(value, ps->ld->lookup, words, &err) < 0) {
		key_error(ps, "%s: %s", key, err);
		free(err);
		strv_free(words);
		return false;
	}
	if (!words->n)
		key_error(ps, "%s has no value", key);
	return words->n > 0;
}

struct origin key_origin(struct keyctx *ps)
{
	return (struct origin){ .file = ps->file, .line = ps->line };
}

static void key_version(struct keyctx *ps, const char *value)
{
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *trim(end))
		key_error(ps, "version must be a number, not \"%s\"", value);
	else if (v != POLICY_VERSION)
		key_error(ps, "profile version %ld is not understood by landjail %s "
		     "(it reads version %d)", v, LANDJAIL_VERSION, POLICY_VERSION);
}

static void key_description(struct keyctx *ps, const char *value)
{
	if (ps->ld->depth == 1 && !ps->ld->p->description)
		ps->ld->p->description = xstrdup(value);
}

static void load_named(struct load *ld, const char *name, const char *dir,
		       const char *from_file, unsigned from_line);

static void key_log(struct keyctx *ps, const char *value)
{
	if (strcmp(value, "syslog") == 0)
		ps->ld->p->log_syslog = true;
	else if (strcmp(value, "stderr") != 0)
		key_error(ps, "log must be syslog or stderr, not \"%s\"", value);
}

static void key_include(struct keyctx *ps, const char *value)
{
	struct strv words = { 0 };
	if (!key_words(ps, "include", value, &words))
		return;
	for (size_t i = 0; i < words.n; i++)
		load_named(ps->ld, words.v[i], ps->dir, ps->file, ps->line);
	strv_free(&words);
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





static void key_profile(struct keyctx *ps, const char *key, const char *value)
{
	if (strcmp(key, "version") == 0)
		key_version(ps, value);
	else if (strcmp(key, "description") == 0)
		key_description(ps, value);
	else if (strcmp(key, "include") == 0)
		key_include(ps, value);
	else if (strcmp(key, "log") == 0)
		key_log(ps, value);
	else
		key_unknown(ps, "profile", key, "version description include log");
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
	struct keyctx *ps = user;
	(void)section; /* tracked by the reader, with its line */
	if (ps->section && !ps->section_bad)
		ps->section->on_key(ps, key, value);
	return 1; /* problems are collected, never a reason to stop */
}

/* ---- finding and opening files ------------------------------------------ */

/* The build's directory, or in test builds the one an environment
 * variable names (tests cannot write /etc or the data directory). */
static const char *hooked_dir(const char *dflt, const char *hook)
{
#ifdef LANDJAIL_TEST_HOOKS
	const char *v = getenv(hook);
	if (v && v[0] == '/')
		return v;
#else
	(void)hook;
#endif
	return dflt;
}

const char *profile_etc_dir(void)
{
	return hooked_dir(LANDJAIL_ETC_PROFILES, "LANDJAIL_TEST_ETC_PROFILES");
}

static const char *data_dir(void)
{
	return hooked_dir(LANDJAIL_DATA_PROFILES, "LANDJAIL_TEST_DATA_PROFILES");
}

/* $XDG_CONFIG_HOME/landjail/profiles or ~/.config/...; NULL without either. */
static char *user_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/landjail/profiles", xdg);
	if (home && home[0] == '/')
		return xasprintf("%s/.config/landjail/profiles", home);
	return NULL;
}

void profile_search_path(struct strv *out)
{
	char *user = user_dir();
	if (user)
		strv_push(out, user);
	strv_push(out, xstrdup(profile_etc_dir()));
	strv_push(out, xstrdup(data_dir()));
}

bool profile_is_shipped(const char *path)
{
	size_t n = strlen(data_dir());
	return strncmp(path, data_dir(), n) == 0 && path[n] == '/';
}

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
	struct keyctx ps = {
		.ld = ld, .file = label, .dir = dirname_of(path), .fp = fp,
	};
	int rc = ini_parse_stream(read_line, &ps, on_key, &ps);
	if (rc > 0 && (unsigned)rc != ps.bad_line) {
		ps.line = (unsigned)rc;
		key_error(&ps, "syntax error");
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
	char *user = user_dir();
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

char *profile_fix_location(const struct policy *p, const char *file)
{
	const char *slash = strrchr(file, '/');
	if (!profile_is_shipped(file) || !p->sources.n)
		return xasprintf("in %s", slash ? slash + 1 : file);
	/* A shipped file is overwritten by the next upgrade: name the drop-in
	 * of the profile that was asked for, which is read after it. */
	const char *top = strrchr(p->sources.v[0], '/');
	char *name = xstrdup(top ? top + 1 : p->sources.v[0]);
	size_t n = strlen(name);
	if (n > 4 && strcmp(name + n - 4, ".ini") == 0)
		name[n - 4] = '\0';
	char *where = xasprintf("in a drop-in such as %s/%s.d/local.ini", profile_etc_dir(),
				name);
	free(name);
	return where;
}

static const char *lookup_getenv(const char *name)
{
	return getenv(name);
}

void profile_load(struct policy *p, const char *name, struct errlist *el)
{
	profile_load_with(p, name, lookup_getenv, el);
}
