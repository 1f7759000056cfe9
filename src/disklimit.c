/* [limits] disk: the supervisor's measure of a call's own files
 * (disklimit.h says what and why). */
#include "disklimit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "limit.h"
#include "proctree.h"
#include "report.h"
#include "syscall_names.h"

/* How often the supervisor adds up.  No inotify: closing an inotify
 * descriptor waits for an RCU grace period (milliseconds), which every
 * call would pay at its end; a timer costs nothing until it fires. */
#define TICK_MS 5

static const char *const removals[] = { "unlink", "unlinkat", "rename", "renameat",
					"renameat2" };

struct held {
	int fd; /* O_PATH */
	dev_t dev;
	ino_t ino;
};

static struct {
	bool on, over;
	bool off; /* --best-effort dropped it */
	unsigned long long bound, total;
	struct origin at;
	const char *program;
	int tick_fd, scratch_fd;
	struct held *h;
	size_t n, cap;
	size_t *slot; /* index + 1 into h, by inode: an open-addressing table */
	size_t n_slot;
} dl = { .tick_fd = -1, .scratch_fd = -1 };

bool disklimit_enforced(const struct policy *p, bool notify)
{
	return p->limits.set[LIMIT_DISK] && p->isolate && notify && !dl.off;
}

bool disklimit_removal(int nr)
{
	for (size_t i = 0; nr >= 0 && i < ARRAY_SIZE(removals); i++)
		if (sysname_nr(removals[i]) == nr)
			return true;
	return false;
}

/* Refuse (into el), or with --best-effort say that the bound does not
 * hold, and drop it: no half measure. */
static bool unenforceable(const struct policy *p, bool run, struct errlist *el,
			  const char *why)
{
	const struct origin *at = &p->limits.at[LIMIT_DISK];
	char v[32];
	limit_format(v, sizeof(v), LIMIT_DISK, p->limits.value[LIMIT_DISK]);
	if (!p->best_effort) {
		errlist_add(el, at->file ? at->file : "landjail", at->line,
			    "disk = %s cannot be enforced: %s (--best-effort runs without it)", v,
			    why);
		return false;
	}
	if (run)
		diag_loud("disk = %s is NOT enforced: %s (--best-effort)", v, why);
	dl.off = true;
	dl.on = false;
	return true;
}

static bool same_origin(struct origin a, struct origin b)
{
	return a.file == b.file && a.line == b.line;
}

/* Every writable rule must be the call's own (scratch, outputs: isolate
 * added them) or no file at all (/dev/null): a rule elsewhere is disk
 * landjail cannot see. */
static bool rules_measurable(const struct policy *p, bool run, struct errlist *el)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		struct stat st;
		if (!fs_access_writes(r->access) ||
		    (same_origin(r->at, p->isolate_at) && r->access == FS_RW) ||
		    stat(r->path, &st) < 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			continue;
		char *from = r->at.line ? xasprintf("%s:%u", r->at.file, r->at.line)
					: xstrdup(r->at.file ? r->at.file : "the command line");
		char *why = xasprintf("%s = %s (%s) lets the program write where landjail does "
				      "not measure", fs_access_name(r->access), r->path, from);
		free(from);
		bool ok = unenforceable(p, run, el, why);
		free(why);
		return ok;
	}
	return true;
}

bool disklimit_plan(const struct policy *p, bool run, struct errlist *el)
{
	if (!p->limits.set[LIMIT_DISK])
		return true;
	if (!p->isolate)
		return unenforceable(p, run, el, "it needs isolate in [filesystem]: in a writable "
				     "directory that every call shares, landjail cannot tell this "
				     "call's files from the others' (use base-converter-isolated)");
	return rules_measurable(p, run, el);
}

bool disklimit_plan_notify(const struct policy *p, bool notify, bool run, struct errlist *el)
{
	if (!p->limits.set[LIMIT_DISK] || notify || dl.off)
		return true;
	return unenforceable(p, run, el, "there is no seccomp user notification here, "
			     "which landjail needs to hold files before they are unlinked");
}

static size_t *slot_of(ino_t ino, dev_t dev, bool *found)
{
	size_t mask = dl.n_slot - 1, i = (size_t)(ino * 0x9e3779b97f4a7c15ULL) & mask;
	while (dl.slot[i]) {
		const struct held *h = &dl.h[dl.slot[i] - 1];
		if (h->ino == ino && (h->dev == dev || dev == (dev_t)-1)) {
			*found = true;
			return &dl.slot[i];
		}
		i = (i + 1) & mask;
	}
	*found = false;
	return &dl.slot[i];
}

/* Is an inode of that number held (readdir's d_ino; same filesystem)? */
static bool held(ino_t ino)
{
	bool found = false;
	if (dl.n_slot)
		slot_of(ino, (dev_t)-1, &found);
	return found;
}

static void add_held(int fd, const struct stat *st)
{
	if (dl.n == dl.cap) {
		dl.cap = dl.cap ? 2 * dl.cap : 16;
		dl.h = xrealloc(dl.h, dl.cap * sizeof(*dl.h));
	}
	dl.h[dl.n++] = (struct held){ fd, st->st_dev, st->st_ino };
	if (2 * dl.n > dl.n_slot) {
		free(dl.slot);
		dl.n_slot = dl.n_slot ? 2 * dl.n_slot : 64;
		dl.slot = xcalloc(dl.n_slot, sizeof(*dl.slot));
		for (size_t i = 0; i < dl.n; i++) {
			bool found;
			*slot_of(dl.h[i].ino, dl.h[i].dev, &found) = i + 1;
		}
		return;
	}
	bool found;
	*slot_of(st->st_ino, st->st_dev, &found) = dl.n;
}

/* Take hold of the file at dir/name, once. */
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
	bool found = false;
	if (dl.n_slot)
		slot_of(st.st_ino, st.st_dev, &found);
	if (found)
		close(fd);
	else
		add_held(fd, &st);
	return true;
}

static void kill_for(const char *why)
{
	if (dl.over)
		return;
	dl.over = true;
	size_t k = proctree_signal(SIGKILL);
	char b[32], v[32], what[64] = "it had ended; exit status 137";
	if (k)
		snprintf(what, sizeof(what), "killed %zu process%s", k, k == 1 ? "" : "es");
	limit_format(v, sizeof(v), LIMIT_DISK, dl.bound);
	snprintf(b, sizeof(b), "%.1f MiB", (double)dl.total / (1 << 20));
	if (dl.at.file && dl.at.line)
		report(LOG_WARNING, "disk limit: %s %s (%s in its scratch directory and outputs): "
		       "%s at disk = %s (%s:%u)", dl.program, why, b, what, v, dl.at.file,
		       dl.at.line);
	else
		report(LOG_WARNING, "disk limit: %s %s (%s in its scratch directory and outputs): "
		       "%s at disk = %s", dl.program, why, b, what, v);
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

/* Every name in the scratch directory not held yet (readdir's inode
 * tells, without opening what is held already). */
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
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    !held(e->d_ino))
			ok &= hold(dl.scratch_fd, e->d_name);
	closedir(d);
	return ok;
}

int disklimit_fd(void)
{
	return dl.on ? dl.tick_fd : -1;
}

/* Hold what is new in the scratch directory, then add up. */
static void look(void)
{
	if (!hold_all())
		kill_for("created a file landjail could not keep hold of, so could not measure");
	measure();
}

void disklimit_event(int fd)
{
	uint64_t ticks;
	if (read(fd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
		look();
}

void disklimit_before_remove(void)
{
	if (dl.on)
		look();
}

bool disklimit_final(void)
{
	if (dl.on && !dl.over)
		look();
	return dl.over;
}

static int fail(char **msg, const char *what)
{
	int err = -errno;
	*msg = xasprintf("[limits] disk: %s: %s", what, strerror(errno));
	disklimit_end();
	return err;
}

/* Hold each output (the call's FS_RW file rules). */
static int watch_outputs(const struct policy *p, const char *scratch, char **msg)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		if (r->access != FS_RW || !same_origin(r->at, p->isolate_at) ||
		    strcmp(r->path, scratch) == 0)
			continue;
		if (!hold(AT_FDCWD, r->path))
			return fail(msg, r->path);
	}
	return 0;
}

int disklimit_prepare(const struct policy *p, const char *scratch, const char *program,
		      char **msg)
{
	if (!p->limits.set[LIMIT_DISK] || !scratch)
		return 0; /* what cannot be measured, the plan refuses (disklimit_plan) */
	dl.bound = p->limits.value[LIMIT_DISK];
	dl.at = p->limits.at[LIMIT_DISK];
	dl.program = program;
	dl.scratch_fd = openat(AT_FDCWD, scratch, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dl.scratch_fd < 0)
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
	free(dl.slot);
	close_fd(&dl.tick_fd);
	close_fd(&dl.scratch_fd);
	memset(&dl, 0, sizeof(dl));
	dl.tick_fd = dl.scratch_fd = -1;
}
