#include "ns.h"

#include "libc_compat.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

/* Where the new root is assembled: a directory every system has, hidden
 * by our tmpfs only inside the new mount namespace.  Bind sources are
 * descriptors opened before, so what /tmp held stays reachable. */
#define NS_STAGE "/tmp"

static const char *const backend_names[] = {
	[BACKEND_AUTO] = "auto",
	[BACKEND_LANDLOCK] = "landlock",
	[BACKEND_NAMESPACES] = "namespaces",
};

const char *backend_name(enum backend b)
{
	return backend_names[b];
}

bool backend_from_name(const char *name, enum backend *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(backend_names); i++) {
		if (strcmp(backend_names[i], name) == 0) {
			*out = (enum backend)i;
			return true;
		}
	}
	return false;
}


/* The first character of a /proc/sys file, or 0 when it cannot be read. */
static char sysctl_first(const char *path)
{
	char c = 0;
	int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 0;
		close(fd);
	}
	return c;
}

/* Map our own uid and gid (and nothing else) into the user namespace
 * we have just entered. */
static int map_self(uid_t uid, gid_t gid, const char **stage)
{
	char map[64];
	*stage = "setgroups";
	int err = write_text_file("/proc/self/setgroups", "deny");
	if (err < 0 && err != -ENOENT)
		return err;
	*stage = "uid_map";
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if ((err = write_text_file("/proc/self/uid_map", map)) < 0)
		return err;
	*stage = "gid_map";
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_text_file("/proc/self/gid_map", map);
}

enum probe_stage { AT_FORK, AT_DROP, AT_UNSHARE, AT_MAP };

static const char *probe_cause(enum probe_stage stage, int err)
{
	if (stage == AT_FORK)
		return "the user-namespace probe could not start a process";
	if (stage == AT_DROP)
		return "the user-namespace probe could not become nobody";
	if (stage == AT_MAP)
		return sysctl_first("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == '1'
			       ? "AppArmor restricts unprivileged user namespaces (writing uid_map "
				 "was refused): an administrator can set "
				 "kernel.apparmor_restrict_unprivileged_userns=0 or give landjail "
				 "an AppArmor profile that allows \"userns,\""
			       : "writing uid_map in a new user namespace was refused (a security "
				 "module such as AppArmor restricts user namespaces)";
	switch (err) {
	case -ENOSPC:
		return "user namespaces are disabled by user.max_user_namespaces=0 (or its "
		       "limit is reached): an administrator can raise it, e.g. "
		       "sysctl -w user.max_user_namespaces=15000";
	case -EPERM:
		if (sysctl_first("/proc/sys/kernel/unprivileged_userns_clone") == '0')
			return "unprivileged user namespaces are disabled by "
			       "kernel.unprivileged_userns_clone=0: an administrator can allow "
			       "them with sysctl -w kernel.unprivileged_userns_clone=1";
		return "creating a user namespace is not permitted here (a security module, "
		       "a seccomp filter or a chroot forbids it)";
	case -EINVAL:
		return "this kernel has no user namespaces (CONFIG_USER_NS is not set)";
	case -EUSERS:
		return "the user namespace nesting limit is reached";
	default:
		return "creating a user namespace failed unexpectedly";
	}
}

/* In the probe's child: as nobody when asked and root (root may always
 * create a user namespace, --status asks what an unprivileged caller
 * can).  Dropping from root makes the process non-dumpable, which would
 * make its own /proc/self/uid_map unwritable: an unprivileged caller is
 * dumpable. */
static int probe_drop_root(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0 || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

static void probe_child(int fd, bool as_nobody)
{
	const char *stage;
	int r[2] = { AT_DROP, 0 };
	if (as_nobody && geteuid() == 0)
		r[1] = probe_drop_root();
	if (!r[1]) {
		r[0] = AT_UNSHARE;
		if (geteuid() == 0) {
			if (unshare(CLONE_NEWNS) < 0)
				r[1] = -errno;
		} else if (unshare(CLONE_NEWUSER) < 0)
			r[1] = -errno;
		else if ((r[1] = map_self(geteuid(), getegid(), &stage)) < 0)
			r[0] = AT_MAP;
	}
	ssize_t w = write(fd, r, sizeof(r));
	_exit(w == (ssize_t)sizeof(r) ? 0 : 1);
}

/* The one user-namespace probe: a child tries what the backend will. */
static int probe(bool as_nobody, const char **why)
{
	int pipefd[2];
	int report[2] = { AT_FORK, -EAGAIN };
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		report[1] = -errno;
		goto done;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		probe_child(pipefd[1], as_nobody);
	}
	close(pipefd[1]);
	if (pid > 0) {
		if (read(pipefd[0], report, sizeof(report)) != (ssize_t)sizeof(report))
			report[0] = AT_FORK;
		waitpid(pid, NULL, 0);
	} else {
		report[1] = -errno;
	}
	close(pipefd[0]);
done:;
	int rc = report[0] == AT_UNSHARE && report[1] == 0 ? 0 : (report[1] ? report[1] : -EIO);
	*why = rc ? probe_cause((enum probe_stage)report[0], report[1]) : NULL;
	return rc;
}

int ns_probe(const char **why)
{
	static int cached = 1;
	static const char *cached_why;
	if (cached > 0)
		cached = probe(false, &cached_why);
	*why = cached_why;
	return cached;
}

int ns_probe_unprivileged(const char **why)
{
	return probe(true, why);
}

/* ---- the plan, in the parent ----------------------------------------------- */

static bool under_dev(const char *path)
{
	return path_covers("/dev", path);
}

static int by_depth(const void *x, const void *y)
{
	const struct ns_mount *a = x, *b = y;
	size_t la = strlen(a->rule->path), lb = strlen(b->rule->path);
	if (la != lb)
		return la < lb ? -1 : 1;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/* A rule on /NAME or beneath it is mounted on a real directory there, so
 * the link /NAME is not copied. */
static bool link_shadowed(const struct ns_plan *plan, const char *name)
{
	char path[NAME_MAX + 2];
	snprintf(path, sizeof(path), "/%s", name);
	for (size_t i = 0; i < plan->n; i++)
		if (path_covers(path, plan->m[i].rule->path))
			return true;
	return false;
}

void ns_plan_build(struct ns_plan *plan, const struct policy *p)
{
	memset(plan, 0, sizeof(*plan));
	plan->uid = geteuid();
	plan->gid = getegid();
	/* Hook for the [network] section: a policy that allows network keeps
	 * the caller's network namespace.  Until then: none. */
	plan->share_net = false;
	plan->use_userns = plan->uid != 0;
	/* After pivot_root: [process] directory, else where the caller was. */
	char cwd[PATH_MAX];
	if (p->workdir)
		plan->cwd = xstrdup(p->workdir);
	else if (getcwd(cwd, sizeof(cwd)))
		plan->cwd = xstrdup(cwd);
	plan->m = xcalloc(p->n_fs ? p->n_fs : 1, sizeof(*plan->m));
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		if (r->missing)
			continue;
		/* As with Landlock, a path gets the rights of every rule on it
		 * or above it; one mount per path, with the union. */
		bool dup = false, write = false, exec = false;
		for (size_t j = 0; j < p->n_fs; j++) {
			const struct fs_rule *o = &p->fs[j];
			if (o->missing || !path_covers(o->path, r->path))
				continue;
			if (j < i && strcmp(o->path, r->path) == 0)
				dup = true;
			write |= fs_access_writes(o->access);
			exec |= fs_access_executes(o->access);
		}
		if (dup)
			continue;
		struct stat st;
		bool is_dir = r->fd >= 0 ? fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)
					 : stat(r->path, &st) == 0 && S_ISDIR(st.st_mode);
		unsigned long attr = MOUNT_ATTR_NOSUID;
		if (!write)
			attr |= MOUNT_ATTR_RDONLY;
		/* noexec also stops mmap(PROT_EXEC), which Landlock does not:
		 * shared libraries under ro rules must still load.  So only a
		 * writable path without execute is noexec: nothing the sandbox
		 * writes can be run.  (Landlock's execute right does not stop
		 * "ld.so FILE" on a readable FILE either.) */
		if (write && !exec)
			attr |= MOUNT_ATTR_NOEXEC;
		/* Device files open only on mounts without nodev; Landlock lets
		 * a rule on a device open it too (dev adds ioctl). */
		if (!under_dev(r->path) && r->access != FS_DEV)
			attr |= MOUNT_ATTR_NODEV;
		plan->m[plan->n++] = (struct ns_mount){
			.rule = r, .attr = attr, .is_dir = is_dir, .fd = -1,
		};
	}
	qsort(plan->m, plan->n, sizeof(*plan->m), by_depth);

	/* Landlock checks the file a path resolves to, so /lib64/ld-linux...
	 * is allowed by a rule on /usr when /lib64 links to usr/lib64.  The
	 * new root keeps /'s symbolic links for the same effect: a link
	 * grants nothing by itself. */
	DIR *d = opendir("/");
	struct dirent *e;
	size_t cap = 0;
	while (d && (e = readdir(d))) {
		char target[PATH_MAX];
		if (e->d_type != DT_LNK || link_shadowed(plan, e->d_name))
			continue;
		ssize_t n = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		plan->links = grow_array(plan->links, sizeof(*plan->links), plan->n_links, &cap);
		plan->links[plan->n_links++] = (struct ns_link){
			.name = xasprintf("%s/%s", NS_STAGE, e->d_name), .target = xstrdup(target),
		};
	}
	if (d)
		closedir(d);
}

void ns_plan_free(struct ns_plan *plan)
{
	for (size_t i = 0; i < plan->n_links; i++) {
		free(plan->links[i].name);
		free(plan->links[i].target);
	}
	free(plan->links);
	free(plan->m);
	free(plan->cwd);
	plan->m = NULL;
	plan->cwd = NULL;
}

/* ---- the child ------------------------------------------------------------- */

static int failed(struct ns_plan *plan, const char *what, const char *path)
{
	int err = -errno;
	snprintf(plan->err, sizeof(plan->err), "namespace backend: %s%s%s: %s", what,
		 path ? " " : "", path ? path : "", strerror(errno));
	return err ? err : -EIO;
}

/* Create the directories leading to target (a path under the stage). */
static int make_parents(char *target)
{
	for (char *s = target + strlen(NS_STAGE) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		int rc = mkdir(target, 0755);
		*s = '/';
		if (rc < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

/* A mount point for a directory or a file, unless one is there. */
static int make_mountpoint(char *target, bool is_dir)
{
	struct stat st;
	if (lstat(target, &st) == 0)
		return 0;
	if (make_parents(target) < 0)
		return -1;
	if (is_dir)
		return mkdir(target, 0755) < 0 && errno != EEXIST ? -1 : 0;
	int fd = openat(AT_FDCWD, target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int bind(const char *source, const char *target, unsigned long attr)
{
	if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	struct mount_attr ma = { .attr_set = attr };
	return mount_setattr(AT_FDCWD, target, AT_RECURSIVE, &ma, sizeof(ma));
}

/* The devices every program may use, always present (harmless). */
static const char *const basic_devices[] = { "/dev/null", "/dev/zero", "/dev/random",
					     "/dev/urandom" };

static int drop_capabilities(void)
{
	for (int cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	return (int)syscall(SYS_capset, &h, d);
}

/* Make the staged tree (our cwd) the root and leave the old one behind.
 * pivot_root(".", ".") stacks the old root under the new one, then it is
 * detached.  Where the root is the initramfs (rootfs), which can never be
 * unmounted, pivot_root fails with EINVAL: then, as switch_root(8) does,
 * move the new root over "/" and chroot into it.  The old root stays
 * mounted beneath, out of reach: the program keeps no capability that
 * could chroot back out or mount (drop_capabilities). */
static int switch_to_stage(void)
{
	if (syscall(SYS_pivot_root, ".", ".") == 0)
		return umount2(".", MNT_DETACH);
	if (errno != EINVAL)
		return -1;
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
		return -1;
	return chdir("/");
}

int ns_enter(struct ns_plan *plan)
{
	/* Root may make the other namespaces without a user namespace (and
	 * could not map uid 0 into one by itself); everyone else needs one. */
	const char *stage = "unshare(CLONE_NEWUSER)";
	if (plan->use_userns && unshare(CLONE_NEWUSER) < 0)
		return failed(plan, stage, NULL);
	int err = plan->use_userns ? map_self(plan->uid, plan->gid, &stage) : 0;
	if (err < 0) {
		errno = -err;
		return failed(plan, "writing", stage);
	}
	int flags = CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
	if (!plan->share_net)
		flags |= CLONE_NEWNET;
	if (unshare(flags) < 0)
		return failed(plan, "unshare(mount, IPC, UTS, network)", NULL);
	/* Nothing we mount may leak back to the caller's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return failed(plan, "making mounts private", NULL);
	/* A bind mount's source must be in our own mount namespace: the
	 * parent's descriptors are not.  Open each path again here, before
	 * the tmpfs hides /tmp, and check it is still the inode the parent
	 * opened. */
	for (size_t i = 0; i < plan->n; i++) {
		struct ns_mount *m = &plan->m[i];
		const struct fs_rule *r = m->rule;
		m->fd = openat(AT_FDCWD, r->path, O_PATH | O_CLOEXEC);
		if (m->fd < 0 && errno == ENOENT && r->optional)
			continue;
		if (m->fd < 0)
			return failed(plan, "opening", r->path);
		struct stat a, b;
		if (r->fd >= 0 && (fstat(r->fd, &a) < 0 || fstat(m->fd, &b) < 0 ||
				   a.st_dev != b.st_dev || a.st_ino != b.st_ino)) {
			errno = ESTALE;
			return failed(plan, "path changed while starting:", r->path);
		}
	}
	if (mount("landjail", NS_STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return failed(plan, "mounting a tmpfs on", NS_STAGE);

	for (size_t i = 0; i < plan->n_links; i++)
		if (symlink(plan->links[i].target, plan->links[i].name) < 0)
			return failed(plan, "copying the symbolic link", plan->links[i].name);

	char target[PATH_MAX], source[64];
	bool root_bound = false;
	for (size_t i = 0; i < plan->n; i++) {
		struct ns_mount *m = &plan->m[i];
		const struct fs_rule *r = m->rule;
		root_bound |= strcmp(r->path, "/") == 0;
		snprintf(target, sizeof(target), "%s%s", NS_STAGE,
			 strcmp(r->path, "/") ? r->path : "");
		if (m->fd < 0)
			continue; /* optional, and gone */
		snprintf(source, sizeof(source), "/proc/self/fd/%d", m->fd);
		if (make_mountpoint(target, m->is_dir) < 0)
			return failed(plan, "creating the mount point for", r->path);
		if (bind(source, target, m->attr) < 0)
			return failed(plan, "bind-mounting", r->path);
		close(m->fd);
		m->fd = -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(basic_devices); i++) {
		const char *dev = basic_devices[i];
		struct stat st;
		snprintf(target, sizeof(target), "%s%s", NS_STAGE, dev);
		if (lstat(target, &st) == 0 || stat(dev, &st) < 0)
			continue; /* a rule provides it, or the host lacks it */
		if (make_mountpoint(target, false) < 0 ||
		    bind(dev, target, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC) < 0)
			return failed(plan, "providing", dev);
	}
	/* The skeleton itself is not writable. */
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					     MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	if (!root_bound && mount_setattr(AT_FDCWD, NS_STAGE, 0, &ro, sizeof(ro)) < 0)
		return failed(plan, "making the new root read-only", NULL);

	if (chdir(NS_STAGE) < 0 || switch_to_stage() < 0)
		return failed(plan, "pivot_root to the new root", NULL);
	if (!plan->cwd || chdir(plan->cwd) < 0) {
		if (chdir("/") < 0)
			return failed(plan, "chdir", "/");
	}
	/* Whatever uid the program has inside, it keeps no capability over
	 * the namespaces (it could otherwise undo the read-only mounts). */
	if (drop_capabilities() < 0)
		return failed(plan, "dropping capabilities", NULL);
	return 0;
}
