/* The supervisor's check of a metadata or size change through an open
 * descriptor (fdguard.h says why and what). */
#include "fdguard.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/fsverity.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hostenv.h"
#include "limit.h"
#include "pathid.h"
#include "report.h"
#include "syscall_names.h"

#define LOW32 0xffffffffULL

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

const struct fdguard_call fdguard_calls[] = {
	{ "fchmod", -1, false },        { "fchown", -1, false },
	{ "ftruncate", -1, false },     { "fallocate", -1, false },
	{ "fsetxattr", -1, false },     { "fremovexattr", -1, false },
	{ "fchownat", 4, false },       { "fchmodat2", 3, false },
	{ "utimensat", 3, true },       { "setxattrat", 2, false },
	{ "removexattrat", 2, false },  { "file_setattr", 4, false },
};
const size_t fdguard_n_calls = ARRAY_SIZE(fdguard_calls);

const unsigned long fdguard_ioctls[] = { FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR, FS_IOC_SETVERSION,
					 FS_IOC_ENABLE_VERITY };
const size_t fdguard_n_ioctls = ARRAY_SIZE(fdguard_ioctls);

static bool attribute_ioctl(unsigned long long cmd)
{
	for (size_t i = 0; i < fdguard_n_ioctls; i++)
		if ((cmd & LOW32) == fdguard_ioctls[i])
			return true;
	return false;
}

const struct fdguard_call *fdguard_call_of(int nr)
{
	for (size_t i = 0; nr >= 0 && i < fdguard_n_calls; i++)
		if (sysname_nr(fdguard_calls[i].name) == nr)
			return &fdguard_calls[i];
	return NULL;
}

bool fdguard_unappends(int nr, const unsigned long long *args)
{
	return nr == sysname_nr("fcntl") && (args[1] & LOW32) == F_SETFL &&
	       !(args[2] & O_APPEND);
}

bool fdguard_descriptor_form(int nr, const unsigned long long *args, bool by_path)
{
	if (fdguard_unappends(nr, args))
		return true;
	if (nr == sysname_nr("ioctl"))
		return attribute_ioctl(args[1]);
	const struct fdguard_call *g = fdguard_call_of(nr);
	if (!g)
		return false;
	if (g->flags_arg < 0 || (g->null_path && args[1] == 0))
		return true;
	return by_path && (args[g->flags_arg] & AT_EMPTY_PATH) != 0;
}

/* ---- the inherited files ----------------------------------------------------- */

#define MAX_INHERITED 64

static const int *keep_fds;
static size_t n_keep;

void fdguard_inherited(const int *keep, size_t n)
{
	keep_fds = keep;
	n_keep = n;
}

/* Does a writable rule of p cover the file our descriptor fd refers to:
 * a rule on the file itself, or on a directory above the name it was
 * opened by (checked to be that very file still)? */
static bool covered(const struct policy *p, int fd, const struct pathid *id)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		struct pathid r;
		if (fs_access_writes(p->fs[i].access) && p->fs[i].fd >= 0 &&
		    pathid_of_fd(p->fs[i].fd, &r) && r.dev == id->dev && r.ino == id->ino)
			return true;
	}
	char link[64], path[4096];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 1 || path[0] != '/')
		return false;
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	*slash = '\0';
	int dir = openat(AT_FDCWD, slash == path ? "/" : path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return false;
	struct stat st;
	bool same = fstatat(dir, slash + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_dev == id->dev && st.st_ino == id->ino;
	bool ok = same && pathid_writable_rule_covering(p, dir) >= 0;
	close(dir);
	return ok;
}

/* The files behind 0-2 and --keep-fd that no writable rule covers, by
 * device and inode: landjail still holds those descriptors, so they are
 * looked at only when a guarded call first comes (nothing at startup). */
static struct {
	bool known;
	size_t n;
	struct pathid id[MAX_INHERITED];
} inherited;

static void learn_inherited(const struct policy *p)
{
	inherited.known = true;
	for (size_t i = 0; i < 3 + n_keep && inherited.n < MAX_INHERITED; i++) {
		int fd = i < 3 ? (int)i : keep_fds[i - 3];
		struct pathid id;
		if (pathid_of_fd(fd, &id) && !covered(p, fd, &id))
			inherited.id[inherited.n++] = id;
	}
}

static bool is_inherited(const struct stat *st)
{
	for (size_t i = 0; i < inherited.n; i++)
		if (inherited.id[i].dev == st->st_dev && inherited.id[i].ino == st->st_ino)
			return true;
	return false;
}

/* ---- the check ----------------------------------------------------------------- */

enum fd_verdict { FD_OK, FD_INHERITED, FD_NOT_WRITTEN, FD_NOT_REGULAR, FD_GONE, FD_UNSEEN,
		  FD_APPENDING, FD_HOST };

static const char *const why_text[] = {
	[FD_INHERITED] = "a file inherited from landjail's caller that the policy grants no "
			 "write on",
	[FD_NOT_WRITTEN] = "opened read-only, and no writable rule covers the file",
	[FD_NOT_REGULAR] = "not a regular file",
	[FD_UNSEEN] = "a descriptor landjail cannot inspect",
	[FD_HOST] = "the process is multi-threaded, and landjail, under a seccomp filter of its "
		    "host that may kill pidfd_getfd (systemd's @debug), takes no copy of the "
		    "descriptor to act on",
	[FD_APPENDING] = "it would stop appending to a file inherited from landjail's caller "
			 "(the program could then overwrite it, and so could the caller's own "
			 "writes)",
};

/* A single-threaded caller's descriptor fd as /proc shows it: an O_PATH
 * descriptor of the same file, and the open file's flags (fdinfo).  Its
 * table cannot change meanwhile, so both show the file the call will
 * use.  No pidfd_getfd here: a service manager's filter around landjail
 * may kill it.  -errno. */
static int view_fd(const struct seccomp_notif *req, int listener, int fd, int *flags)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%u/fd/%d", req->pid, fd);
	int view = openat(AT_FDCWD, path, O_PATH | O_CLOEXEC);
	if (view < 0)
		return errno == ENOENT ? -EBADF : -errno;
	snprintf(path, sizeof(path), "/proc/%u/fdinfo/%d", req->pid, fd);
	int info = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	ssize_t n = info >= 0 ? read(info, buf, sizeof(buf) - 1) : -1;
	if (info >= 0)
		close(info);
	buf[n > 0 ? n : 0] = '\0';
	const char *f = strstr(buf, "flags:");
	/* Read while the caller was blocked in this call: its own, not a
	 * recycled pid's. */
	if (!f || ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0) {
		close(view);
		return -ESRCH;
	}
	*flags = (int)strtol(f + 6, NULL, 8);
	return view;
}

/* A copy of the caller's descriptor fd, taken from the calling thread's
 * own table; -errno. */
static int copy_fd(const struct seccomp_notif *req, int listener, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, req->pid, PIDFD_THREAD);
	if (pidfd < 0 && errno == EINVAL) /* before Linux 6.9: a group leader only */
		pidfd = (int)syscall(SYS_pidfd_open, req->pid, 0);
	if (pidfd < 0)
		return -errno;
	/* The caller is still blocked in this call: the pidfd is its own. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0) {
		close(pidfd);
		return -ESRCH;
	}
	int copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	int err = errno;
	close(pidfd);
	return copy < 0 ? -err : copy;
}

/* Does the policy grant write on the file behind copy?  Opened for
 * writing inside the sandbox, Landlock said yes at open; otherwise (a
 * read-only or O_PATH descriptor) a writable rule must cover it. */
static enum fd_verdict judge(const struct policy *p, int copy, int fl, struct stat *st,
			     bool setfl)
{
	if (fstat(copy, st) < 0 || fl < 0)
		return FD_UNSEEN;
	if (setfl) /* any file, any mode: only O_APPEND of inherited ones matters */
		return (fl & O_APPEND) && is_inherited(st) ? FD_APPENDING : FD_OK;
	if (!S_ISREG(st->st_mode))
		return FD_NOT_REGULAR;
	if (is_inherited(st))
		return FD_INHERITED;
	struct pathid id = { st->st_dev, st->st_ino };
	if (((fl & O_PATH) || (fl & O_ACCMODE) == O_RDONLY) && !covered(p, copy, &id))
		return FD_NOT_WRITTEN;
	return FD_OK;
}

/* One thread in the caller's group: nobody else can change its table. */
static bool single_threaded(pid_t pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *t = strstr(buf, "\nThreads:");
	return t && strtol(t + 9, NULL, 10) == 1;
}

/* A multi-threaded caller: do the call on the checked copy, as the caller
 * would (the file-size limit included); -errno, or 1 for "not done here". */
static long emulate(const struct policy *p, const struct seccomp_notif *req, int copy)
{
	const __u64 *a = req->data.args;
	int nr = req->data.nr;
	unsigned long long fsize = p->limits.set[LIMIT_FILE_SIZE]
					   ? p->limits.value[LIMIT_FILE_SIZE] : ~0ULL;
	long rc;
	if (nr == sysname_nr("fchmod"))
		rc = fchmod(copy, (mode_t)(a[1] & 07777));
	else if (nr == sysname_nr("fcntl")) /* the flags are the open file's: ours too */
		rc = fcntl(copy, F_SETFL, (int)a[2]);
	else if (nr != sysname_nr("ftruncate") && nr != sysname_nr("fallocate"))
		return 1;
	else if ((nr == sysname_nr("ftruncate") ? a[1] : a[2] + a[3]) > fsize &&
		 !(nr == sysname_nr("fallocate") && (a[1] & FALLOC_FL_KEEP_SIZE))) {
		kill((pid_t)req->pid, SIGXFSZ);
		return -EFBIG;
	} else if (nr == sysname_nr("ftruncate"))
		rc = ftruncate(copy, (off_t)a[1]);
	else
		rc = fallocate(copy, (int)a[1], (off_t)a[2], (off_t)a[3]);
	return rc < 0 ? -errno : rc;
}

#define MAX_FD_REPORTS 100

static void refusal(const struct seccomp_notif *req, int copy, enum fd_verdict v,
		    bool threaded)
{
	static unsigned seen;
	if (++seen > MAX_FD_REPORTS)
		return;
	char comm[32], link[64], path[512] = "?";
	proc_comm((pid_t)req->pid, comm, sizeof(comm));
	snprintf(link, sizeof(link), "/proc/self/fd/%d", copy);
	ssize_t n = copy >= 0 ? readlink(link, path, sizeof(path) - 1) : -1;
	if (n > 0)
		path[n] = '\0';
	const char *sys = req->data.nr == sysname_nr("ioctl")   ? "ioctl setting file attributes"
			  : req->data.nr == sysname_nr("fcntl") ? "fcntl(F_SETFL) without O_APPEND"
								: sysname_name(req->data.nr);
	if (threaded)
		report(LOG_WARNING, "%s[%u] was denied: %s on descriptor %u (%s) from a "
		       "multi-threaded process: landjail checks this call's descriptor only in a "
		       "single-threaded one (or does fchmod, ftruncate, fallocate and F_SETFL itself)",
		       comm, req->pid, sys ? sys : "?", (unsigned)req->data.args[0], path);
	else
		report(LOG_WARNING, "%s[%u] was denied: %s on descriptor %u (%s): %s; "
		       "no profile line allows changing its metadata or size", comm, req->pid,
		       sys ? sys : "?", (unsigned)req->data.args[0], path, why_text[v]);
}

static void answer(int listener, const struct seccomp_notif *req, bool go_on, long rc)
{
	struct seccomp_notif_resp resp = { .id = req->id };
	if (go_on)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else if (rc < 0)
		resp.error = (__s32)rc;
	else
		resp.val = rc;
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

void fdguard_handle(const struct policy *p, int listener, const struct seccomp_notif *req)
{
	if (!inherited.known)
		learn_inherited(p);
	int fd = (int)(req->data.args[0] & LOW32);
	/* One thread: nobody can change its table before the call runs. */
	bool single = single_threaded((pid_t)req->pid);
	static int filtered = -1;
	if (!single && filtered < 0)
		filtered = host_filtered();
	int flags = -1;
	int copy = single ? view_fd(req, listener, fd, &flags)
		   : filtered ? -EPERM
			      : copy_fd(req, listener, fd);
	if (!single && copy >= 0)
		flags = fcntl(copy, F_GETFL);
	struct stat st;
	bool setfl = fdguard_unappends(req->data.nr, (const unsigned long long *)req->data.args);
	enum fd_verdict v = copy == -EBADF ? FD_GONE
			    : !single && filtered ? FD_HOST
			    : copy < 0 ? FD_UNSEEN
				       : judge(p, copy, flags, &st, setfl);
	if (v == FD_GONE) {
		answer(listener, req, false, -EBADF);
	} else if (v != FD_OK) {
		refusal(req, copy, v, false);
		answer(listener, req, false, -EPERM);
	} else if (single) {
		answer(listener, req, true, 0);
	} else {
		long rc = emulate(p, req, copy);
		if (rc == 1)
			refusal(req, copy, v, true);
		answer(listener, req, false, rc == 1 ? -EPERM : rc);
	}
	if (copy >= 0)
		close(copy);
}
