/* [limits] disk: the supervisor's measure of a call's own files
 * (disklimit.h says what and why). */
#include "disklimit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "limit.h"
#include "proctree.h"
#include "report.h"
#include "syscall_names.h"

/* Writes through a shared mapping raise no inotify event: look anyway. */
#define TICK_MS 25

static const char *const removals[] = { "unlink", "unlinkat", "rename", "renameat",
					"renameat2" };

struct held {
	int fd; /* O_PATH */
	dev_t dev;
	ino_t ino;
};

static struct {
	bool on, over;
	unsigned long long bound, total;
	struct origin at;
	const char *program;
	int ino_fd, tick_fd, scratch_fd, scratch_wd;
	struct held *h;
	size_t n, cap;
} dl = { .ino_fd = -1, .tick_fd = -1, .scratch_fd = -1 };

bool disklimit_enforced(const struct policy *p, bool notify)
{
	return p->limits.set[LIMIT_DISK] && p->isolate && notify;
}

bool disklimit_removal(int nr)
{
	for (size_t i = 0; nr >= 0 && i < ARRAY_SIZE(removals); i++)
		if (sysname_nr(removals[i]) == nr)
			return true;
	return false;
}

static char *where(const struct policy *p)
{
	const struct origin *at = &p->limits.at[LIMIT_DISK];
	char v[32];
	limit_format(v, sizeof(v), LIMIT_DISK, p->limits.value[LIMIT_DISK]);
	return at->file && at->line ? xasprintf("%s:%u: disk = %s", at->file, at->line, v)
				    : xasprintf("disk = %s", v);
}

/* Refuse, or with --best-effort warn that the bound does not hold. */
static bool unenforceable(const struct policy *p, const char *why)
{
	char *w = where(p);
	if (p->best_effort)
		diag_loud("%s is NOT enforced: %s (--best-effort)", w, why);
	else
		diag_error("%s cannot be enforced: %s (--best-effort runs without it)", w, why);
	free(w);
	return p->best_effort;
}

bool disklimit_plan(const struct policy *p)
{
	if (!p->limits.set[LIMIT_DISK] || p->isolate)
		return true;
	return unenforceable(p, "it needs isolate in [filesystem]: in a writable directory "
			     "that every call shares, landjail cannot tell this call's files "
			     "from the others' (use base-converter-isolated)");
}

bool disklimit_without_notify(const struct policy *p)
{
	if (!dl.on)
		return true;
	dl.on = false; /* refused, or not enforced at all: no half measure */
	return unenforceable(p, "there is no seccomp user notification here, which landjail "
			     "needs to hold files before they are unlinked");
}

static bool same_origin(struct origin a, struct origin b)
{
	return a.file == b.file && a.line == b.line;
}

/* Every writable rule must be the call's own (scratch, outputs) or no
 * file at all (/dev/null): a rule elsewhere is disk landjail cannot see. */
static bool rules_measurable(const struct policy *p, const char *scratch)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		struct stat st;
		if (!fs_access_writes(r->access) || strcmp(r->path, scratch) == 0 ||
		    (same_origin(r->at, p->isolate_at) && r->access == FS_RW) ||
		    stat(r->path, &st) < 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			continue;
		char *from = r->at.line ? xasprintf("%s:%u", r->at.file, r->at.line)
					: xstrdup(r->at.file ? r->at.file : "the command line");
		char *why = xasprintf("%s = %s (%s) lets the program write where landjail does "
				      "not measure", fs_access_name(r->access), r->path, from);
		free(from);
		bool ok = unenforceable(p, why);
		free(why);
		return ok;
	}
	return true;
}

/* Take hold of the file at fd/name (or fd itself with ""), once. */
static bool hold(int dir, const char *name)
{
	int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == EMFILE) {
		/* Our own limit only: the sandbox started with the caller's. */
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
	}
	/* Gone (ENOENT) cannot be: a name leaves the directory only after
	 * the events before it were read (disklimit_before_remove). */
	if (fd < 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return false;
	}
	for (size_t i = 0; i < dl.n; i++) {
		if (dl.h[i].dev == st.st_dev && dl.h[i].ino == st.st_ino) {
			close(fd);
			return true;
		}
	}
	if (dl.n == dl.cap) {
		dl.cap = dl.cap ? 2 * dl.cap : 16;
		dl.h = xrealloc(dl.h, dl.cap * sizeof(*dl.h));
	}
	dl.h[dl.n++] = (struct held){ fd, st.st_dev, st.st_ino };
	return true;
}

static void kill_for(const char *why)
{
	if (dl.over)
		return;
	dl.over = true;
	size_t k = proctree_signal(SIGKILL);
	char b[32], v[32];
	limit_format(v, sizeof(v), LIMIT_DISK, dl.bound);
	snprintf(b, sizeof(b), "%.1f MiB", (double)dl.total / (1 << 20));
	if (dl.at.file && dl.at.line)
		report(LOG_WARNING, "disk limit: %s %s (%s in its scratch directory and outputs): "
		       "killed %zu process%s at disk = %s (%s:%u)", dl.program, why, b, k,
		       k == 1 ? "" : "es", v, dl.at.file, dl.at.line);
	else
		report(LOG_WARNING, "disk limit: %s %s (%s in its scratch directory and outputs): "
		       "killed %zu process%s at disk = %s", dl.program, why, b, k,
		       k == 1 ? "" : "es", v);
}

static void measure(void)
{
	unsigned long long total = 0;
	for (size_t i = 0; i < dl.n; i++) {
		struct stat st;
		if (fstat(dl.h[i].fd, &st) == 0)
			total += (unsigned long long)st.st_blocks * 512;
	}
	dl.total = total;
	if (total > dl.bound)
		kill_for("wrote more than the bound");
}

/* Every name in the scratch directory (after a lost event). */
static bool hold_all(void)
{
	int fd = openat(dl.scratch_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	bool ok = true;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			ok &= hold(dl.scratch_fd, e->d_name);
	closedir(d);
	return ok;
}

/* Read what inotify queued: hold each new name. */
static void drain(void)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	bool ok = true;
	while ((n = read(dl.ino_fd, buf, sizeof(buf))) > 0) {
		for (char *c = buf; c < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)c;
			if (ev->mask & IN_Q_OVERFLOW)
				ok &= hold_all();
			else if (ev->wd == dl.scratch_wd && ev->len &&
				 (ev->mask & (IN_CREATE | IN_MOVED_TO)))
				ok &= hold(dl.scratch_fd, ev->name);
			c += sizeof(*ev) + ev->len;
		}
	}
	if (!ok)
		kill_for("created a file landjail could not keep hold of, so could not measure");
}

int disklimit_fd(void)
{
	return dl.on ? dl.ino_fd : -1;
}

int disklimit_tick_fd(void)
{
	return dl.on ? dl.tick_fd : -1;
}

void disklimit_event(int fd)
{
	if (fd == dl.tick_fd) {
		uint64_t ticks;
		if (read(fd, &ticks, sizeof(ticks)) < 0)
			return;
	}
	drain();
	measure();
}

void disklimit_before_remove(void)
{
	if (!dl.on)
		return;
	drain();
	measure();
}

static int fail(char **msg, const char *what)
{
	int err = -errno;
	*msg = xasprintf("[limits] disk: %s: %s", what, strerror(errno));
	disklimit_end();
	return err;
}

/* Watch and hold each output (the call's FS_RW file rules). */
static int watch_outputs(const struct policy *p, const char *scratch, char **msg)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		if (r->access != FS_RW || !same_origin(r->at, p->isolate_at) ||
		    strcmp(r->path, scratch) == 0)
			continue;
		if (inotify_add_watch(dl.ino_fd, r->path, IN_MODIFY) < 0 || !hold(AT_FDCWD, r->path))
			return fail(msg, r->path);
	}
	return 0;
}

int disklimit_prepare(const struct policy *p, const char *scratch, const char *program,
		      char **msg)
{
	if (!p->limits.set[LIMIT_DISK] || !scratch)
		return 0;
	if (!rules_measurable(p, scratch))
		return *msg = NULL, -EPERM;
	dl.bound = p->limits.value[LIMIT_DISK];
	dl.at = p->limits.at[LIMIT_DISK];
	dl.program = program;
	dl.ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (dl.ino_fd < 0)
		return fail(msg, "inotify_init1");
	dl.scratch_fd = open(scratch, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	dl.scratch_wd = inotify_add_watch(dl.ino_fd, scratch,
					  IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_ONLYDIR);
	if (dl.scratch_fd < 0 || dl.scratch_wd < 0)
		return fail(msg, scratch);
	int rc = watch_outputs(p, scratch, msg);
	if (rc < 0)
		return rc;
	dl.tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct itimerspec its = { .it_interval = { 0, TICK_MS * 1000000L },
				  .it_value = { 0, TICK_MS * 1000000L } };
	if (dl.tick_fd < 0 || timerfd_settime(dl.tick_fd, 0, &its, NULL) < 0)
		return fail(msg, "timerfd");
	dl.on = true;
	char v[32];
	limit_format(v, sizeof(v), LIMIT_DISK, dl.bound);
	diag_info("disk = %s: the scratch directory and %zu output%s are measured; mkdir is "
		  "refused (EACCES), O_TMPFILE (EOPNOTSUPP) and openat2 (ENOSYS)", v, dl.n,
		  dl.n == 1 ? "" : "s");
	return 0;
}

void disklimit_end(void)
{
	for (size_t i = 0; i < dl.n; i++)
		close(dl.h[i].fd);
	free(dl.h);
	close_fd(&dl.ino_fd);
	close_fd(&dl.tick_fd);
	close_fd(&dl.scratch_fd);
	memset(&dl, 0, sizeof(dl));
	dl.ino_fd = dl.tick_fd = dl.scratch_fd = -1;
}
