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
	struct profile_trace *tr; /* what the load read, for the policy cache */
};

/* The state of one file being read.  Its first member is what the
 * section handlers see of it (section.h). */
struct reading {
	struct keyctx k;
	struct load *ld;
	char *dir; /* directory of the file, for relative includes */
	const char *text; /* the whole file */
	size_t len, pos;
	const struct section_spec *section; /* NULL before the first header */
	unsigned section_index;
	size_t key_event; /* the trace's event of the key being handled */
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
		ps->section_index = (unsigned)i;
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
	if (ps->pos >= ps->len)
		return NULL;
	const char *line = ps->text + ps->pos, *nl = memchr(line, '\n', ps->len - ps->pos);
	size_t len = nl ? (size_t)(nl - line) : ps->len - ps->pos;
	ps->pos += len + (nl != NULL);
	ps->k.line++;
	while (len > 0 && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\0', len)) {
		key_error(&ps->k, "line contains a NUL byte");
		str[0] = '\0';
		return str;
	}
	if (len > (size_t)num - 1) {
		key_error(&ps->k, "line is %zu bytes long; the limit is %d (split the "
		     "value over several lines with the same key)", len, num - 1);
		str[0] = '\0';
		return str;
	}
	memcpy(str, line, len);
	str[len] = '\0';
	precheck_line(ps, str);
	if (ps->k.bad_line == ps->k.line)
		str[0] = '\0'; /* already reported: keep inih quiet about it */
	return str;
}

/* ---- the trace of a load (profile_cache.c) -------------------------------- */

static void trace_event(struct load *ld, enum profile_event_kind kind, const char *file,
			const struct keyctx *k, unsigned section, const char *key, const char *value)
{
	struct profile_trace *tr = ld->tr;
	if (!tr)
		return;
	tr->ev = grow_array(tr->ev, sizeof(*tr->ev), tr->n_ev, &tr->cap_ev);
	tr->ev[tr->n_ev++] = (struct profile_event){
		.kind = kind, .file = xstrdup(file), .section = section,
		.line = k ? k->line : 0, .top = k && k->top,
		.key = key ? xstrdup(key) : NULL, .value = value ? xstrdup(value) : NULL,
	};
}

/* A file or directory the load looked at, as it was: a later load may
 * replay this one only while every one of them is the same. */
static void trace_seen(struct load *ld, const char *path, const struct stat *st)
{
	struct profile_trace *tr = ld->tr;
	if (!tr)
		return;
	struct profile_stat id;
	profile_stat_of(st, &id);
	for (size_t i = 0; i < tr->n_seen; i++) {
		if (strcmp(tr->seen[i].path, path) != 0)
			continue;
		if (memcmp(&tr->seen[i].st, &id, sizeof(id)) != 0)
			tr->unusable = "a profile changed while it was read";
		return;
	}
	tr->seen = grow_array(tr->seen, sizeof(*tr->seen), tr->n_seen, &tr->cap_seen);
	tr->seen[tr->n_seen++] = (struct profile_seen){ .path = xstrdup(path), .st = id };
}

static char *dirname_of(const char *path);

/* path is not there: what would change if it appeared is the first
 * directory above it that exists (its mtime and ctime move when an entry
 * is made in it).  A directory landjail cannot look into would hide that:
 * such a load is not cached. */
static void trace_absent(struct load *ld, const char *path, int err)
{
	if (!ld->tr)
		return;
	char *cur = xstrdup(path);
	while (err == ENOENT || err == ENOTDIR) {
		char *up = dirname_of(cur);
		if (strcmp(up, cur) == 0) {
			free(up);
			break;
		}
		free(cur);
		cur = up;
		/* Many names are missing from one directory: one stat each. */
		if (strv_contains(&ld->tr->absent, cur))
			continue;
		for (size_t i = 0; i < ld->tr->n_seen; i++) {
			if (strcmp(ld->tr->seen[i].path, cur) == 0) {
				free(cur);
				return;
			}
		}
		struct stat st;
		if (stat(cur, &st) == 0) {
			trace_seen(ld, cur, &st);
			free(cur);
			return;
		}
		err = errno;
		if (err == ENOENT || err == ENOTDIR)
			strv_push(&ld->tr->absent, xstrdup(cur));
	}
	ld->tr->unusable = "a profile directory cannot be looked into";
	free(cur);
}

static const char *load_label(struct load *ld, const char *name)
{
	trace_event(ld, PROFILE_EV_LABEL, name, NULL, 0, NULL, NULL);
	return policy_label(ld->p, name);
}

void profile_stat_of(const struct stat *st, struct profile_stat *out)
{
	memset(out, 0, sizeof(*out));
	out->dev = st->st_dev;
	out->ino = st->st_ino;
	out->size = (uint64_t)st->st_size;
	out->mtime = (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
	out->ctime = (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec;
	out->mode = st->st_mode;
	out->uid = st->st_uid;
}

/* ---- keys ----------------------------------------------------------------- */

static void load_named(struct load *ld, const char *name, const char *dir,
		       const char *from_file, unsigned from_line);

/* [profile] include = NAME (section_profile.c): NAME is found from this
 * file's directory first. */
static void include_named(struct keyctx *k, const char *name)
{
	struct reading *r = (struct reading *)k;
	trace_event(r->ld, PROFILE_EV_INCLUDE, name, NULL, (unsigned)r->key_event, NULL, NULL);
	load_named(r->ld, name, r->dir, k->file, k->line);
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
	struct reading *ps = user;
	(void)section; /* tracked by the reader, with its line */
	if (!ps->section || ps->section_bad)
		return 1;
	trace_event(ps->ld, PROFILE_EV_KEY, ps->k.file, &ps->k, ps->section_index, key, value);
	ps->key_event = ps->ld->tr ? ps->ld->tr->n_ev - 1 : 0;
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

/* Is the file one of the files being read (an include of the same
 * name)?  Its place on the stack, or -1. */
static int being_read(const struct load *ld, const struct stat *st)
{
	struct file_id id = { st->st_dev, st->st_ino };
	for (int i = 0; i < ld->depth; i++)
		if (same_file(ld->stack[i], id))
			return i;
	return -1;
}

/* A bare name: the including file's directory, then the search path.  A
 * file that is being read is passed over, so that a local profile may
 * include the shipped profile of its own name. */
static char *find_profile(struct load *ld, const char *name, const char *first_dir,
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
		/* One stat, not access() and stat(): this runs for every profile
		 * of every call that is not served from the policy cache. */
		struct stat st;
		bool exists = stat(cand, &st) == 0;
		int busy = exists ? being_read(ld, &st) : -1;
		if (exists)
			trace_seen(ld, cand, &st);
		else
			trace_absent(ld, cand, errno);
		if (exists && busy < 0)
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

static void parse_text(struct load *ld, const char *text, size_t len, const char *label,
		       const char *path)
{
	struct reading ps = {
		.k = { .p = ld->p, .el = ld->el, .lookup = ld->lookup, .file = label,
		       .top = ld->depth == 1, .include = include_named },
		.ld = ld, .dir = dirname_of(path), .text = text, .len = len,
	};
	int rc = ini_parse_stream(read_line, &ps, on_key, &ps);
	if (rc > 0 && (unsigned)rc != ps.k.bad_line) {
		ps.k.line = (unsigned)rc;
		key_error(&ps.k, "syntax error");
	} else if (rc < 0) {
		errlist_add(ld->el, label, 0, "could not be parsed (inih error %d)", rc);
	}
	free(ps.dir);
}

static void cannot_read(struct load *ld, const char *path, const char *label,
			const char *from_file, unsigned from_line, int err)
{
	if (from_file)
		errlist_add(ld->el, from_file, from_line, "cannot read %s: %s", path, strerror(err));
	else
		errlist_add(ld->el, label, 0, "cannot read: %s", strerror(err));
}

static void load_file(struct load *ld, const char *path, const char *from_file,
		      unsigned from_line)
{
	struct policy *p = ld->p;
	const char *label = load_label(ld, path);
	/* O_NONBLOCK: a FIFO named as a profile must not hang us before the
	 * regular-file check below. */
	int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		cannot_read(ld, path, label, from_file, from_line, errno);
		return;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !trusted_file(ld, label, &st)) {
		close(fd);
		return;
	}
	trace_seen(ld, path, &st);
	struct file_id id = { st.st_dev, st.st_ino };
	if (!enter_file(ld, id, label, from_file, from_line)) {
		close(fd);
		return;
	}
	size_t len = 0;
	/* One read (not stdio: its fcntl, fstat and second read cost a call
	 * each, per file and launch). */
	char *text = read_whole(fd, (size_t)st.st_size, &len);
	int err = errno;
	close(fd);
	if (!text) {
		cannot_read(ld, path, label, from_file, from_line, err);
		return;
	}
	ld->stack[ld->depth] = id;
	ld->stack_names[ld->depth] = label;
	ld->depth++;
	if (!strv_contains(&p->sources, path)) {
		trace_event(ld, PROFILE_EV_SOURCE, path, NULL, 0, NULL, NULL);
		strv_push(&p->sources, xstrdup(path));
	}
	parse_text(ld, text, len, label, path);
	free(text);
	ld->depth--;
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

static void add_dropins(struct load *ld, struct strv *out, const char *dir)
{
	DIR *d = opendir(dir);
	struct stat st;
	if (!d)
		trace_absent(ld, dir, errno);
	else if (ld->tr && fstat(dirfd(d), &st) == 0)
		trace_seen(ld, dir, &st);
	else if (ld->tr)
		ld->tr->unusable = "a drop-in directory cannot be looked into";
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
	add_dropins(ld, &files, dir);
	free(dir);
	char *user = profile_user_dir();
	if (user) {
		dir = xasprintf("%s/%s.d", user, base);
		add_dropins(ld, &files, dir);
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
	const char *label = from_file ? from_file : load_label(ld, "command line");
	char *path = resolve_name(ld, name, dir, label, from_line);
	if (!path)
		return;
	load_file(ld, path, from_file, from_line);
	if (!strchr(name, '/'))
		load_dropins(ld, name);
	free(path);
}

static void load_top(struct policy *p, const char *name, env_lookup_fn lookup,
		     struct errlist *el, struct profile_trace *tr)
{
	struct load ld = { .p = p, .el = el, .lookup = lookup, .tr = tr };
	load_named(&ld, name, NULL, NULL, 0);
	free(ld.done);
}

void profile_load_with(struct policy *p, const char *name, env_lookup_fn lookup,
		       struct errlist *el)
{
	load_top(p, name, lookup, el, NULL);
}

static const char *lookup_getenv(const char *name)
{
	return getenv(name);
}

void profile_load(struct policy *p, const char *name, struct errlist *el)
{
	load_top(p, name, lookup_getenv, el, NULL);
}

void profile_load_traced(struct policy *p, const char *name, struct errlist *el,
			 struct profile_trace *tr)
{
	load_top(p, name, lookup_getenv, el, tr);
}

/* ---- replaying a trace ------------------------------------------------------ */

/* An include a line asked for: the index of the line's event, the name. */
struct included {
	size_t at;
	const char *name;
};

struct replay {
	struct keyctx k;
	const char *file; /* the event file k.file is the label of */
	size_t at; /* the event being replayed */
	struct included *v;
	size_t n, cap;
};

static void push_included(struct replay *r, size_t at, const char *name)
{
	r->v = grow_array(r->v, sizeof(*r->v), r->n, &r->cap);
	r->v[r->n++] = (struct included){ at, name };
}

/* The keys of the included file follow in the trace; what is left is to
 * see that the include line still names the same file. */
static void replay_include(struct keyctx *k, const char *name)
{
	struct replay *r = (struct replay *)k;
	push_included(r, r->at, xstrdup(name));
}

/* The trace lists an include after the file included before it, with
 * what that one includes: in the order of their lines, as a replay
 * sees them (stable: an include line may name several files). */
static void included_in_line_order(struct included *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct included x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1].at > x.at; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static bool replay_event(struct replay *r, struct policy *p, const struct profile_event *e,
			 struct replay *wanted)
{
	switch (e->kind) {
	case PROFILE_EV_LABEL:
		policy_label(p, e->file);
		return true;
	case PROFILE_EV_SOURCE:
		if (!strv_contains(&p->sources, e->file))
			strv_push(&p->sources, xstrdup(e->file));
		return true;
	case PROFILE_EV_INCLUDE:
		push_included(wanted, e->section, e->file);
		return true;
	case PROFILE_EV_KEY:
		if (e->section >= ARRAY_SIZE(section_table) || !e->key || !e->value)
			return false;
		/* Lines come file by file: one label lookup a file, as a load does. */
		if (!r->file || strcmp(r->file, e->file) != 0)
			r->k.file = policy_label(p, e->file);
		r->file = e->file;
		r->k.line = e->line;
		r->k.top = e->top;
		section_key(section_table[e->section], &r->k, e->key, e->value);
		return true;
	}
	return false;
}

bool profile_replay(struct policy *p, const struct profile_trace *tr, struct errlist *el)
{
	struct replay r = {
		.k = { .p = p, .el = el, .lookup = lookup_getenv, .include = replay_include },
	};
	struct replay wanted = { 0 };
	bool ok = true;
	for (r.at = 0; r.at < tr->n_ev && ok; r.at++)
		ok = replay_event(&r, p, &tr->ev[r.at], &wanted);
	/* An include whose ${VAR} now says another name: the trace is not
	 * this load's. */
	included_in_line_order(wanted.v, wanted.n);
	ok = ok && wanted.n == r.n;
	for (size_t i = 0; ok && i < wanted.n; i++)
		ok = wanted.v[i].at == r.v[i].at && strcmp(wanted.v[i].name, r.v[i].name) == 0;
	for (size_t i = 0; i < r.n; i++)
		free((char *)r.v[i].name);
	free(r.v);
	free(wanted.v);
	return ok;
}

void profile_trace_free(struct profile_trace *tr)
{
	for (size_t i = 0; i < tr->n_ev; i++) {
		free(tr->ev[i].file);
		free(tr->ev[i].key);
		free(tr->ev[i].value);
	}
	free(tr->ev);
	for (size_t i = 0; i < tr->n_seen; i++)
		free(tr->seen[i].path);
	free(tr->seen);
	strv_free(&tr->absent);
	memset(tr, 0, sizeof(*tr));
}
