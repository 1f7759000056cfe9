#include "policy.h"

#include "netpolicy.h"
#include "syscall_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limit.h"
#include "pathid.h"

/* Access classes, in the order --check prints them. */
static const struct {
	const char *name;
	bool executes;
} fs_access_table[FS_ACCESS_COUNT] = {
	[FS_RO] = { "ro", false },
	[FS_ROX] = { "rox", true },
	[FS_RW] = { "rw", false },
	[FS_RWX] = { "rwx", true },
	[FS_DEV] = { "dev", false },
};

const char *const policy_default_env_keep[] = {
	"PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "TZ",
	"LANG", "LANGUAGE", "LC_*", "TMPDIR", NULL,
};

const char *fs_access_name(enum fs_access a)
{
	return fs_access_table[a].name;
}

bool fs_access_executes(enum fs_access a)
{
	return fs_access_table[a].executes;
}

bool fs_access_from_name(const char *name, enum fs_access *out)
{
	for (int a = 0; a < FS_ACCESS_COUNT; a++) {
		if (strcmp(fs_access_table[a].name, name) == 0) {
			*out = (enum fs_access)a;
			return true;
		}
	}
	return false;
}

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->env.clear = -1;
	p->net.mode = NET_UNSET;
	p->net.unix_allow = -1;
	p->net.isolation = -1;
	p->sys.dflt = SYS_UNSET;
	p->sys.fork = -1;
	p->umask = -1;
}

void policy_free(struct policy *p)
{
	policy_close_paths(p);
	free(p->net.connect);
	free(p->net.bind);
	for (size_t i = 0; i < p->sys.n_rules; i++)
		free(p->sys.rules[i].name);
	free(p->sys.rules);
	for (size_t i = 0; i < p->n_fs; i++)
		free(p->fs[i].path);
	free(p->fs);
	for (size_t i = 0; i < p->n_forbid; i++)
		free(p->forbid[i].path);
	free(p->forbid);
	free(p->isolate);
	strv_free(&p->scratch_env);
	for (size_t i = 0; i < p->env.n_set; i++) {
		free(p->env.set[i].name);
		free(p->env.set[i].value);
	}
	free(p->env.set);
	strv_free(&p->env.keep);
	strv_free(&p->sources);
	strv_free(&p->labels);
	free(p->description);
	memset(p, 0, sizeof(*p));
}

const char *policy_label(struct policy *p, const char *label)
{
	for (size_t i = 0; i < p->labels.n; i++)
		if (strcmp(p->labels.v[i], label) == 0)
			return p->labels.v[i];
	strv_push(&p->labels, xstrdup(label));
	return p->labels.v[p->labels.n - 1];
}

void policy_add_fs(struct policy *p, const char *path, enum fs_access a,
		   bool optional, struct origin at)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		struct fs_rule *r = &p->fs[i];
		if (r->access == a && strcmp(r->path, path) == 0) {
			/* A mandatory mention wins over an optional one. */
			r->optional = r->optional && optional;
			return;
		}
	}
	p->fs = grow_array(p->fs, sizeof(*p->fs), p->n_fs, &p->cap_fs);
	p->fs[p->n_fs++] = (struct fs_rule){
		.path = xstrdup(path), .access = a, .optional = optional,
		.at = at, .fd = -1, .missing = false,
	};
}

void policy_add_forbid(struct policy *p, const char *path, bool beneath, struct origin at)
{
	for (size_t i = 0; i < p->n_forbid; i++)
		if (p->forbid[i].beneath == beneath && strcmp(p->forbid[i].path, path) == 0)
			return; /* ${HOME} is often one of the others */
	p->forbid = grow_array(p->forbid, sizeof(*p->forbid), p->n_forbid, &p->cap_forbid);
	p->forbid[p->n_forbid++] = (struct fs_forbid){ .path = xstrdup(path), .beneath = beneath,
						       .at = at };
}

void policy_add_env_keep(struct policy *p, const char *glob)
{
	if (!strv_contains(&p->env.keep, glob))
		strv_push(&p->env.keep, xstrdup(glob));
}

void policy_add_env_set(struct policy *p, const char *name, const char *value,
			struct origin at)
{
	/* A later assignment to the same name replaces the earlier one. */
	for (size_t i = 0; i < p->env.n_set; i++) {
		struct env_assign *e = &p->env.set[i];
		if (strcmp(e->name, name) == 0) {
			free(e->value);
			e->value = xstrdup(value);
			e->at = at;
			return;
		}
	}
	p->env.set = grow_array(p->env.set, sizeof(*p->env.set), p->env.n_set,
				&p->env.cap_set);
	p->env.set[p->env.n_set++] = (struct env_assign){
		.name = xstrdup(name), .value = xstrdup(value), .at = at,
	};
}

bool policy_path_per_process(const char *path)
{
	return strncmp(path, "/proc/self", 10) == 0 && (path[10] == '\0' || path[10] == '/');
}

void policy_open_paths(struct policy *p, struct errlist *el)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		struct fs_rule *r = &p->fs[i];
		if (r->fd >= 0 || r->missing)
			continue;
		if (policy_path_per_process(r->path)) {
			/* Checked here, opened by the child (see landlock_enter). */
			if (access(r->path, F_OK) == 0)
				continue;
		} else {
			r->fd = open(r->path, O_PATH | O_CLOEXEC);
			if (r->fd >= 0)
				continue;
		}
		if ((errno == ENOENT || errno == ENOTDIR) && r->optional) {
			r->missing = true;
			continue;
		}
		if (errno == ENOENT)
			errlist_add(el, r->at.file, r->at.line,
				    "%s does not exist (prefix it with ? if it is optional)", r->path);
		else
			errlist_add(el, r->at.file, r->at.line, "cannot open %s: %s", r->path,
				    strerror(errno));
	}
}

void policy_close_paths(struct policy *p)
{
	for (size_t i = 0; i < p->n_fs; i++)
		close_fd(&p->fs[i].fd);
}

/* Values with blanks or quotes are written quoted, as the parser reads them. */
static void print_word(FILE *out, const char *w)
{
	if (*w && !strpbrk(w, " \t\"\\;$")) {
		fputs(w, out);
		return;
	}
	fputc('"', out);
	for (; *w; w++) {
		if (*w == '"' || *w == '\\')
			fputc('\\', out);
		else if (*w == '$')
			fputc('$', out); /* "$$" reads back as one "$" */
		fputc(*w, out);
	}
	fputc('"', out);
}

bool fs_access_writes(enum fs_access a)
{
	return a == FS_RW || a == FS_RWX || a == FS_DEV;
}

bool path_covers(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(dir, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}


/* forbid: no writable rule may cover the directory (be it, or one of its
 * ancestors), compared by inode as Landlock compares. */
/* In the set of writable targets, the isolated directory's index. */
#define ISOLATE_TARGET (-2)

static void check_forbid_above(const struct policy *p, const struct fs_forbid *f,
			       struct pathid_set *writable, struct errlist *el)
{
	int dir = open(f->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return; /* nothing there to protect on this machine */
	ssize_t i = pathid_set_covering(writable, dir);
	if (i == ISOLATE_TARGET)
		errlist_add(el, p->isolate_at.file, p->isolate_at.line,
			    "isolate = %s would make files in %s writable, which %s:%u forbids "
			    "(point it at a directory of the application's own)",
			    p->isolate, f->path, f->at.file, f->at.line);
	if (i >= 0) {
		const struct fs_rule *r = &p->fs[i];
		char *canon = fd_realpath(dir);
		errlist_add(el, r->at.file, r->at.line,
			    "%s = %s would make %s writable, which %s:%u forbids "
			    "(point it at a directory of the application's own)",
			    fs_access_name(r->access), r->path, canon ? canon : f->path,
			    f->at.file, f->at.line);
		free(canon);
	}
	close(dir);
}

/* forbid-beneath: the identities of what its patterns name now. */
struct beneath {
	struct {
		struct pathid id;
		char *path;
		const struct fs_forbid *from;
	} *e;
	size_t n, cap;
	size_t hit;
};

static void beneath_add(struct beneath *b, const struct fs_forbid *f)
{
	glob_t g;
	if (glob(f->path, GLOB_NOSORT, NULL, &g) != 0)
		return; /* nothing matches on this machine */
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct pathid id;
		if (!pathid_of_path(g.gl_pathv[i], &id))
			continue;
		b->e = grow_array(b->e, sizeof(*b->e), b->n, &b->cap);
		b->e[b->n].id = id;
		b->e[b->n].path = xstrdup(g.gl_pathv[i]);
		b->e[b->n++].from = f;
	}
	globfree(&g);
}

static bool beneath_match(const struct pathid *id, void *arg)
{
	struct beneath *b = arg;
	for (size_t i = 0; i < b->n; i++)
		if (b->e[i].id.dev == id->dev && b->e[i].id.ino == id->ino) {
			b->hit = i;
			return true;
		}
	return false;
}

/* The directory a rule's target is in, or the target if a directory. */
static int rule_dir(const struct fs_rule *r, struct beneath *b, bool *hit)
{
	int fd = r->fd >= 0 ? fcntl(r->fd, F_DUPFD_CLOEXEC, 0)
			    : open(r->path, O_PATH | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || S_ISDIR(st.st_mode))
		return fd;
	/* A file: itself, then walk from its directory. */
	struct pathid id = { .dev = st.st_dev, .ino = st.st_ino };
	*hit = beneath_match(&id, b);
	char *canon = fd_realpath(fd);
	close(fd);
	if (!canon)
		return -1;
	char *slash = strrchr(canon, '/');
	if (slash)
		slash[slash == canon] = '\0';
	fd = open(canon, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(canon);
	return fd;
}

static void check_forbid_beneath(const struct policy *p, struct beneath *b, struct errlist *el)
{
	for (size_t i = 0; i < p->n_fs && b->n; i++) {
		const struct fs_rule *r = &p->fs[i];
		if (!fs_access_writes(r->access) || r->missing)
			continue;
		bool hit = false;
		int dir = rule_dir(r, b, &hit);
		if (!hit && dir >= 0)
			hit = pathid_walk_up(dir, beneath_match, b);
		if (dir >= 0)
			close(dir);
		if (hit)
			errlist_add(el, r->at.file, r->at.line,
				    "%s = %s is in %s, where %s:%u forbids writable rules "
				    "(point it at a directory of the application's own)",
				    fs_access_name(r->access), r->path, b->e[b->hit].path,
				    b->e[b->hit].from->at.file, b->e[b->hit].from->at.line);
	}
}

void policy_check_forbidden(const struct policy *p, struct errlist *el)
{
	if (!p->n_forbid)
		return;
	struct beneath b = { 0 };
	struct pathid_set writable;
	pathid_set_writable(p, &writable); /* room for one more: the isolated directory */
	if (p->isolate && pathid_of_path(p->isolate, &writable.id[writable.n]))
		writable.rule[writable.n++] = ISOLATE_TARGET;
	for (size_t f = 0; f < p->n_forbid; f++) {
		if (p->forbid[f].beneath)
			beneath_add(&b, &p->forbid[f]);
		else
			check_forbid_above(p, &p->forbid[f], &writable, el);
	}
	pathid_set_free(&writable);
	check_forbid_beneath(p, &b, el);
	/* The isolated directory: its calls create and write files there. */
	int isofd = p->isolate && b.n ? open(p->isolate, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (isofd >= 0 && pathid_walk_up(isofd, beneath_match, &b))
		errlist_add(el, p->isolate_at.file, p->isolate_at.line,
			    "isolate = %s is in %s, where %s:%u forbids writable rules "
			    "(point it at a directory of the application's own)", p->isolate,
			    b.e[b.hit].path, b.e[b.hit].from->at.file, b.e[b.hit].from->at.line);
	if (isofd >= 0)
		close(isofd);
	for (size_t i = 0; i < b.n; i++)
		free(b.e[i].path);
	free(b.e);
}

static void print_fs(FILE *out, const struct policy *p)
{
	fputs("\n[filesystem]\n", out);
	for (int a = 0; a < FS_ACCESS_COUNT; a++)
		for (size_t i = 0; i < p->n_fs; i++) {
			const struct fs_rule *r = &p->fs[i];
			if (r->access != (enum fs_access)a)
				continue;
			fprintf(out, "%s%s = %s", r->missing ? "; " : "",
				fs_access_name(r->access), r->optional ? "?" : "");
			print_word(out, r->path);
			fputs(r->missing ? " (absent here)\n" : "\n", out);
		}
	if (p->isolate) {
		fputs("isolate = ", out);
		print_word(out, p->isolate);
		fputc('\n', out);
	}
	for (size_t i = 0; i < p->scratch_env.n; i++)
		fprintf(out, "scratch-env = %s\n", p->scratch_env.v[i]);
	for (size_t i = 0; i < p->n_forbid; i++) {
		fputs(p->forbid[i].beneath ? "forbid-beneath = " : "forbid = ", out);
		print_word(out, p->forbid[i].path);
		fputc('\n', out);
	}
}

static void print_env(FILE *out, const struct policy *p)
{
	fputs("\n[environment]\n", out);
	if (!p->env.configured) {
		fputs("; no profile says clear or keep: the default list is kept\n", out);
		fputs("clear = yes\n", out);
		for (const char *const *k = policy_default_env_keep; *k; k++)
			fprintf(out, "keep = %s\n", *k);
	} else {
		fprintf(out, "clear = %s\n", p->env.clear == 0 ? "no" : "yes");
		for (size_t i = 0; i < p->env.keep.n; i++)
			fprintf(out, "keep = %s\n", p->env.keep.v[i]);
	}
	for (size_t i = 0; i < p->env.n_set; i++) {
		fprintf(out, "set = ");
		char *kv = xasprintf("%s=%s", p->env.set[i].name, p->env.set[i].value);
		print_word(out, kv);
		free(kv);
		fputc('\n', out);
	}
}

void policy_print_ini(FILE *out, const struct policy *p)
{
	fputs("; effective landjail policy, from:", out);
	for (size_t i = 0; i < p->sources.n; i++)
		fprintf(out, " %s", p->sources.v[i]);
	if (!p->sources.n)
		fputs(" the command line", out);
	fputs("\n[profile]\n", out);
	fprintf(out, "version = %d\n", POLICY_VERSION);
	if (p->description)
		fprintf(out, "description = %s\n", p->description);
	if (p->log_syslog)
		fputs("log = syslog\n", out);
	print_fs(out, p);
	print_env(out, p);
	netpolicy_print_ini(out, p);
	syscalls_print_ini(out, p);
	limits_print_ini(out, p);
}
