#include "doctor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "hostenv.h"
#include "util.h"

/* A harmless call of each wrapped program, for the trial run: it loads
 * the program and its libraries under the wrapper's profile and exits 0. */
static const struct {
	const char *program;
	const char *arg;
} trials[] = {
	{ "convert", "-version" }, { "identify", "-version" }, { "magick", "-version" },
	{ "gm", "version" },       { "ffmpeg", "-version" },   { "ffprobe", "-version" },
	{ "file", "--version" },   { "vips", "--version" },    { "vipsthumbnail", "--vips-version" },
};

struct doctor {
	FILE *out;
	const char *wrappers;
	unsigned problems;
};

__attribute__((format(printf, 3, 4))) static void say(struct doctor *d, bool ok,
							const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(d->out, "%s ", ok ? "  ok  " : "  FAIL");
	vfprintf(d->out, fmt, ap);
	fputc('\n', d->out);
	va_end(ap);
	d->problems += !ok;
}

static const char *trial_arg(const char *program)
{
	for (size_t i = 0; i < ARRAY_SIZE(trials); i++)
		if (strcmp(trials[i].program, program) == 0)
			return trials[i].arg;
	return NULL;
}

/* Run path arg with stdout to /dev/null; its wait status, or -1. */
static int run_quietly(const char *path, const char *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int null = openat(AT_FDCWD, "/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execl(path, path, arg, (char *)NULL);
		_exit(127);
	}
	int st;
	return pid < 0 || waitpid(pid, &st, 0) < 0 ? -1 : st;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

/* One wrapper: PATH finds it first, the real program is behind it, and a
 * trial run through it works. */
static void check_wrapper(struct doctor *d, const char *name)
{
	const char *path = getenv("PATH");
	char *found = NULL, *real = NULL;
	if (command_resolve(name, path, NULL, &found) < 0) {
		say(d, false, "%s: not found on PATH (%s)", name, path ? path : "unset");
		return;
	}
	char *dir = dir_of(found), *canon_dir = realpath(dir, NULL), *canon_w = realpath(d->wrappers, NULL);
	bool first = canon_dir && canon_w && strcmp(canon_dir, canon_w) == 0;
	if (!first)
		say(d, false, "%s: PATH finds %s, not the wrapper: put %s first on PATH", name,
		    found, d->wrappers);
	if (command_resolve(name, path, d->wrappers, &real) < 0) {
		fprintf(d->out, "  --   %s: no real %s on PATH after the wrappers (not installed: "
			"calls fail with 127, as they would without landjail)\n", name, name);
	} else if (first) {
		const char *arg = trial_arg(name);
		int st = arg ? run_quietly(found, arg) : 0;
		if (!arg)
			say(d, true, "%s: the wrapper, then %s", name, real);
		else
			say(d, st == 0, "%s: the wrapper, then %s; trial run \"%s %s\" %s", name, real,
			    name, arg, st == 0 ? "works" : "FAILS (see its message above)");
	}
	free(dir);
	free(canon_dir);
	free(canon_w);
	free(found);
	free(real);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_wrappers(struct doctor *d)
{
	DIR *dir = opendir(d->wrappers);
	if (!dir) {
		say(d, false, "wrappers: %s: %s", d->wrappers, strerror(errno));
		return;
	}
	fprintf(d->out, "wrappers in %s:\n", d->wrappers);
	struct strv names = { 0 };
	for (struct dirent *e; (e = readdir(dir));)
		if (e->d_name[0] != '.')
			strv_push(&names, xstrdup(e->d_name));
	closedir(dir);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), by_name);
	for (size_t i = 0; i < names.n; i++)
		check_wrapper(d, names.v[i]);
	if (!names.n)
		say(d, false, "wrappers: %s holds no wrapper", d->wrappers);
	strv_free(&names);
}

/* The work directory the converter profiles grant: the application's
 * own, which only it can write. */
static void check_workdir(struct doctor *d)
{
	static const char *const vars[] = { "LANDJAIL_WORKDIR", "TMPDIR", "TMP" };
	const char *var = NULL, *dir = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(vars) && !dir; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			var = vars[i], dir = v;
	}
	fprintf(d->out, "work directory:\n");
	if (!dir) {
		say(d, false, "none: set LANDJAIL_WORKDIR, TMPDIR or TMP to the application's own "
			      "directory");
		return;
	}
	struct stat st;
	if (stat(dir, &st) < 0) {
		say(d, false, "%s=%s: %s", var, dir, strerror(errno));
		return;
	}
	bool own = S_ISDIR(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 022);
	say(d, own, "%s=%s: %s", var, dir, own ? "a directory of the caller's own"
		    : !S_ISDIR(st.st_mode) ? "not a directory"
		    : st.st_uid != geteuid() ? "owned by someone else: use the application's own"
		    : "writable by others: use a directory only the application can write");
	say(d, access(dir, W_OK) == 0, "%s: %s", dir,
	    access(dir, W_OK) == 0 ? "writable" : "NOT writable here");
}

int doctor_run(FILE *out, const char *wrappers)
{
	struct doctor d = { .out = out, .wrappers = wrappers };
	fprintf(out, "landjail doctor: checking this deployment as the application sees it\n");
	host_describe(out);
	check_workdir(&d);
	check_wrappers(&d);
	if (d.problems)
		fprintf(out, "%u problem%s found\n", d.problems, d.problems == 1 ? "" : "s");
	else
		fprintf(out, "all checks passed\n");
	return d.problems ? 1 : 0;
}
