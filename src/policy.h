/* The plain data that every profile and command-line option is parsed into.
 *
 * Nothing here touches the kernel except policy_open_paths(), which turns
 * the path rules into O_PATH descriptors once, before the fork, so that the
 * enforcement code and the exec check work on the very inodes the rules
 * named. */
#ifndef LANDJAIL_POLICY_H
#define LANDJAIL_POLICY_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "util.h"

#define POLICY_VERSION 1

/* Keys of [limits]: timeout, seven rlimits, sandbox-processes and disk (policy_limits.c). */
#define LIMIT_KEYS 10

enum fs_access { FS_RO, FS_ROX, FS_RW, FS_RWX, FS_DEV, FS_ACCESS_COUNT };

/* Profile key / option name of an access class ("ro", "rox", ...). */
const char *fs_access_name(enum fs_access a);
bool fs_access_from_name(const char *name, enum fs_access *out);
bool fs_access_executes(enum fs_access a);

/* Where a rule came from, for messages: "file:line" or an option. */
struct origin {
	const char *file; /* owned by policy.labels */
	unsigned line;    /* 0 for a command-line option */
};

struct fs_rule {
	char *path;
	enum fs_access access;
	bool optional;
	struct origin at;
	int fd;       /* O_PATH descriptor once opened, else -1 */
	bool missing; /* optional and absent on this machine */
};

/* A directory that no rule may make writable, from [filesystem] forbid
 * (the directory: no rule on it or above it), or forbid-beneath (nothing
 * in it either; path may be a glob(3) pattern). */
struct fs_forbid {
	char *path;
	bool beneath;
	struct origin at;
};

struct env_assign {
	char *name, *value;
	struct origin at;
};

/* [network] (section_network.c; enforced by netpolicy.c, seccomp_args.c
 * and landlock.c). */
enum net_mode { NET_UNSET = -1, NET_NONE, NET_TCP, NET_UNRESTRICTED };

struct port_range {
	unsigned lo, hi;
	struct origin at;
};

struct net_policy {
	int mode; /* enum net_mode */
	struct origin mode_at;
	int unix_allow; /* 1, 0, or -1 not said */
	int isolation;  /* 1: required, 0/-1: where the kernel can */
	struct origin isolation_at;
	struct port_range *connect, *bind;
	size_t n_connect, cap_connect, n_bind, cap_bind;
};

/* [syscalls] (section_syscalls.c; enforced by the seccomp filter,
 * syscall_filter.h). */
enum sys_default { SYS_UNSET = -1, SYS_KILL, SYS_ERRNO, SYS_LOG };

struct sys_rule {
	char *name; /* a syscall or an @group */
	bool allow;
	struct origin at;
};

struct sys_policy {
	int dflt; /* enum sys_default */
	struct origin default_at;
	int fork; /* 1, 0, or -1 not said */
	struct sys_rule *rules;
	size_t n_rules, cap_rules;
};

struct policy {
	char *description;
	struct fs_rule *fs;
	size_t n_fs, cap_fs;
	struct fs_forbid *forbid;
	size_t n_forbid, cap_forbid;
	/* [filesystem] isolate and scratch-env (callfiles.h): a work
	 * directory of which each call sees only what its command line
	 * names, and a private scratch directory inside it. */
	char *isolate;
	struct origin isolate_at;
	struct strv scratch_env;
	/* [filesystem] named-files = regular (namedfiles.h): the files the
	 * command line names must be regular files when the call ends. */
	bool named_regular;
	struct {
		int clear;       /* 1 yes, 0 no, -1 not said */
		bool configured; /* some profile says clear or keep */
		struct strv keep;
		struct env_assign *set;
		size_t n_set, cap_set;
	} env;
	struct strv sources; /* profile files read, in order */
	struct strv labels;  /* storage for origin.file strings */
	bool best_effort;
	bool log_syslog; /* [profile] log = syslog */
	struct net_policy net; /* [network], --net, --tcp-* */
	struct sys_policy sys; /* [syscalls] */
	/* [limits]; the order is limit_table's. */
	struct {
		bool set[LIMIT_KEYS];
		unsigned long long value[LIMIT_KEYS]; /* seconds, bytes or a count */
		struct origin at[LIMIT_KEYS];
	} limits;
	/* [process] (section_process.c) */
	const char *workdir; /* interned in labels; NULL: the caller's */
	struct origin workdir_at;
	int umask;           /* -1: the caller's */
};

void policy_init(struct policy *p);
void policy_free(struct policy *p);

/* Interned label for origins; the returned string lives as long as p. */
const char *policy_label(struct policy *p, const char *label);

void policy_add_fs(struct policy *p, const char *path, enum fs_access a,
		   bool optional, struct origin at);
void policy_add_forbid(struct policy *p, const char *path, bool beneath, struct origin at);
void policy_add_env_keep(struct policy *p, const char *glob);
void policy_add_env_set(struct policy *p, const char *name, const char *value,
			struct origin at);

/* Environment variables kept when no profile configures [environment]. */
extern const char *const policy_default_env_keep[];

/* Do the rights of an access class include writing (rw, rwx, dev)? */
bool fs_access_writes(enum fs_access a);

/* Is dir equal to path or a directory above it (both canonical)? */
bool path_covers(const char *dir, const char *path);

/* /proc/self/... names a different inode in every process: such rules are
 * opened by the sandboxed process itself, just before it restricts itself. */
bool policy_path_per_process(const char *path);

/* Open every path rule O_PATH|O_CLOEXEC; missing optional paths are marked,
 * anything else that cannot be opened goes to el with its origin. */
void policy_open_paths(struct policy *p, struct errlist *el);
void policy_close_paths(struct policy *p);

/* After policy_open_paths(): report every writable rule (rw, rwx, dev)
 * that covers a forbidden directory (is it or one of its ancestors) and
 * every one in a forbid-beneath directory, by device and inode after
 * links, /proc/self magic links and bind mounts (pathid.h). */
void policy_check_forbidden(const struct policy *p, struct errlist *el);

/* Names of values, as profiles spell them ("tcp", "errno"). */
const char *policy_net_mode_name(enum net_mode m);
const char *policy_sys_default_name(enum sys_default d);

/* The mode in force (none when nothing said) and whether AF_UNIX is allowed. */
enum net_mode policy_net_mode(const struct policy *p);
bool policy_net_unix_allowed(const struct policy *p);

/* ---- [limits] (policy_limits.c) ---- */

enum limit_unit { UNIT_SECONDS, UNIT_BYTES, UNIT_COUNT };

struct limit_spec {
	const char *key;    /* profile key */
	int resource;       /* RLIMIT_*, or -1: the supervisor's (timeout, sandbox-processes, disk) */
	enum limit_unit unit;
	const char *signal_name; /* the signal the kernel sends at the limit, or NULL */
};

/* Indexes into limit_table and policy.limits. */
enum { LIMIT_TIMEOUT, LIMIT_CPU, LIMIT_MEMORY, LIMIT_FILE_SIZE, LIMIT_OPEN_FILES,
       LIMIT_PROCESSES, LIMIT_CORE, LIMIT_STACK, LIMIT_SANDBOX_PROCESSES, LIMIT_DISK };

extern const struct limit_spec limit_table[LIMIT_KEYS];

/* "10", "10s", "5m", "1h"; "512K", "64M", "1G"; plain counts.  Returns
 * false with *why set when s is not a value of that unit. */
bool limit_parse(const char *s, enum limit_unit unit, unsigned long long *out,
		 const char **why);

/* Record limit i = v; the lowest value any profile or option gives wins,
 * so that an included profile's limit is a ceiling, never raised. */
void limit_set(struct policy *p, int i, unsigned long long v, struct origin at);


/* "10s", "64M", "20": v in the unit of limit i, for messages and --check. */
void limit_format(char *buf, size_t n, int i, unsigned long long v);

/* The effective policy as a profile that would produce it (policy_print.c). */
void policy_print_ini(FILE *out, const struct policy *p);

#endif
