#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi.h"
#include "compat.h"
#include "config.h"
#include "netpolicy.h"

#define FS(x) LANDLOCK_ACCESS_FS_##x

/* One row per right, with the ABI that introduced it: a new ABI is a row. */
static const struct {
	int abi;
	uint64_t right;
	const char *name;
	bool file; /* meaningful on a non-directory */
} fs_rights[] = {
	{ 1, FS(EXECUTE), "execute", true },
	{ 1, FS(WRITE_FILE), "write-file", true },
	{ 1, FS(READ_FILE), "read-file", true },
	{ 1, FS(READ_DIR), "read-dir", false },
	{ 1, FS(REMOVE_DIR), "remove-dir", false },
	{ 1, FS(REMOVE_FILE), "remove-file", false },
	{ 1, FS(MAKE_CHAR), "make-char", false },
	{ 1, FS(MAKE_DIR), "make-dir", false },
	{ 1, FS(MAKE_REG), "make-reg", false },
	{ 1, FS(MAKE_SOCK), "make-sock", false },
	{ 1, FS(MAKE_FIFO), "make-fifo", false },
	{ 1, FS(MAKE_BLOCK), "make-block", false },
	{ 1, FS(MAKE_SYM), "make-sym", false },
	{ 2, FS(REFER), "refer", false },
	{ 3, FS(TRUNCATE), "truncate", true },
	{ 5, FS(IOCTL_DEV), "ioctl-dev", true },
};

/* What each ABI step means to a person reading --status. */
static const struct {
	int abi;
	const char *adds;
	const char *without;
} abi_steps[] = {
	{ ABI_FS, "filesystem access control", "no filesystem confinement at all" },
	{ ABI_REFER, "rename and link across directories (refer)",
	  "files can never be moved or linked between directories" },
	{ ABI_TRUNCATE, "truncate", "truncate() of read-only files is not stopped by Landlock" },
	{ ABI_NET_TCP, "TCP bind and connect by port", "no Landlock network rules" },
	{ ABI_IOCTL_DEV, "ioctl on device files", "ioctl on opened devices is not restricted" },
	{ ABI_SCOPE, "scoping of abstract unix sockets and signals",
	  "abstract unix sockets and signals reach processes outside" },
	{ ABI_AUDIT, "audit logging flags", "denials cannot be tuned for the audit log" },
	{ ABI_TSYNC, "restricting every thread at once", "only the calling thread is restricted" },
	{ ABI_UNIX_PATH, "connecting to pathname unix sockets", "pathname unix sockets are not governed" },
};

#define RO (FS(READ_FILE) | FS(READ_DIR))
#define RW (RO | FS(WRITE_FILE) | FS(REMOVE_DIR) | FS(REMOVE_FILE) | FS(MAKE_DIR) | \
	    FS(MAKE_REG) | FS(MAKE_FIFO) | FS(MAKE_SYM) | FS(REFER) | FS(TRUNCATE))

/* rw deliberately leaves out device nodes and sockets: a converter has no
 * business creating either, and a socket in a shared directory is a way
 * out (see landjail.profile(5)). */
static const uint64_t access_rights[FS_ACCESS_COUNT] = {
	[FS_RO] = RO,
	[FS_ROX] = RO | FS(EXECUTE),
	[FS_RW] = RW,
	[FS_RWX] = RW | FS(EXECUTE),
	[FS_DEV] = FS(READ_FILE) | FS(WRITE_FILE) | FS(IOCTL_DEV),
};

uint64_t landlock_access_rights(enum fs_access a)
{
	return access_rights[a];
}

int landlock_abi(void)
{
	static int abi;
	if (abi == 0) {
		abi = lj_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
		if (abi < 0)
			abi = -errno;
#ifdef LANDJAIL_TEST_HOOKS
		/* Test builds only: pretend to be an older kernel, so that the
		 * tests exercise every ABI's code path on one machine. */
		const char *cap = getenv("LANDJAIL_TEST_LANDLOCK_ABI");
		if (cap && *cap && abi > atoi(cap))
			abi = atoi(cap) > 0 ? atoi(cap) : -ENOSYS;
#endif
	}
	return abi;
}

const char *landlock_unavailable_hint(int err)
{
	switch (err) {
	case -ENOSYS:
		return "this kernel has no Landlock (it needs Linux 5.13 or later built "
		       "with CONFIG_SECURITY_LANDLOCK=y)";
	case -EOPNOTSUPP:
		return "Landlock is built into this kernel but was left out at boot: add "
		       "\"landlock\" to the lsm= kernel parameter (the current list is in "
		       "/sys/kernel/security/lsm) and reboot";
	default:
		return "the Landlock probe failed unexpectedly";
	}
}

static uint64_t rights_up_to(int abi, bool files_only)
{
	uint64_t mask = 0;
	for (size_t i = 0; i < ARRAY_SIZE(fs_rights); i++)
		if (fs_rights[i].abi <= abi && (!files_only || fs_rights[i].file))
			mask |= fs_rights[i].right;
	return mask;
}

uint64_t landlock_handled_fs(int abi)
{
	return rights_up_to(abi, false);
}

char *landlock_rights_string(uint64_t mask)
{
	char *s = xstrdup("");
	for (size_t i = 0; i < ARRAY_SIZE(fs_rights); i++) {
		if (!(mask & fs_rights[i].right))
			continue;
		char *n = xasprintf("%s%s%s", s, *s ? " " : "", fs_rights[i].name);
		free(s);
		s = n;
	}
	return s;
}

void landlock_describe(FILE *out, int abi)
{
	for (size_t i = 0; i < ARRAY_SIZE(abi_steps); i++) {
		if (abi_steps[i].abi <= abi)
			fprintf(out, "  ABI %d: yes  %s\n", abi_steps[i].abi, abi_steps[i].adds);
		else
			fprintf(out, "  ABI %d: no   %s: %s\n", abi_steps[i].abi,
				abi_steps[i].adds, abi_steps[i].without);
	}
}

static size_t ruleset_attr_size(int abi)
{
	if (abi >= ABI_SCOPE)
		return sizeof(struct lj_ruleset_attr);
	if (abi >= ABI_NET_TCP)
		return offsetof(struct lj_ruleset_attr, scoped);
	return offsetof(struct lj_ruleset_attr, handled_access_net);
}

static int add_path_rule(int ruleset_fd, int fd, enum fs_access a, int abi)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	/* The kernel rejects directory-only rights on a file rule. */
	uint64_t allowed = access_rights[a] & rights_up_to(abi, !S_ISDIR(st.st_mode));
	if (!allowed)
		return 0;
	struct lj_path_beneath_attr attr = { .allowed_access = allowed, .parent_fd = fd };
	if (lj_landlock_add_rule(ruleset_fd, LJ_LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
		return -errno;
	return 0;
}

int landlock_build(const struct policy *p, int abi, char **msg)
{
	struct lj_ruleset_attr attr = { .handled_access_fs = landlock_handled_fs(abi) };
	netpolicy_landlock_attr(p, abi, &attr.handled_access_net, &attr.scoped);
	int ruleset = lj_landlock_create_ruleset(&attr, ruleset_attr_size(abi), 0);
	if (ruleset < 0) {
		int err = -errno;
		*msg = xasprintf("cannot create a Landlock ruleset: %s", strerror(errno));
		return err;
	}
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		if (r->fd < 0)
			continue; /* absent optional path, or per-process */
		int err = add_path_rule(ruleset, r->fd, r->access, abi);
		if (err < 0) {
			*msg = xasprintf("%s:%u: cannot add a Landlock rule for %s: %s",
					 r->at.file, r->at.line, r->path, strerror(-err));
			close(ruleset);
			return err;
		}
	}
	int err = netpolicy_landlock_rules(p, abi, ruleset, msg);
	if (err < 0) {
		close(ruleset);
		return err;
	}
	return ruleset;
}

int landlock_enter(const struct policy *p, int abi, int ruleset_fd, char **msg)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		if (!policy_path_per_process(r->path) || r->missing)
			continue;
		int fd = openat(AT_FDCWD, r->path, O_PATH | O_CLOEXEC);
		if (fd < 0 && r->optional)
			continue;
		int err = fd < 0 ? -errno : add_path_rule(ruleset_fd, fd, r->access, abi);
		if (fd >= 0)
			close(fd);
		if (err < 0) {
			*msg = xasprintf("cannot add a Landlock rule for %s: %s", r->path,
					 strerror(-err));
			return err;
		}
	}
	if (lj_landlock_restrict_self(ruleset_fd, 0) < 0) {
		int err = -errno;
		*msg = xasprintf("landlock_restrict_self: %s", strerror(errno));
		return err;
	}
	return 0;
}
