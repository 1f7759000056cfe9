/* One system call → the events it would cause (trace_decode.h): which
 * files with which Landlock rights, which sockets, which new processes.
 * Paths are resolved as the kernel would for the tracee: against its
 * working directory or the directory descriptor it passed. */
#include "trace_decode.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "command.h"
#include "util.h"

#define NAMES_CACHED 1024

/* Beside enum trace_right, for the decoder only: open(O_CREAT). */
#define CREATE_IF_MISSING 0x100

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE_TRACE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE_TRACE AUDIT_ARCH_AARCH64
#endif

const char *trace_syscall_name(int nr)
{
	static char *names[NAMES_CACHED];
	if (nr < 0 || nr >= NAMES_CACHED)
		return "unknown";
	if (!names[nr]) {
		char *n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		names[nr] = n ? n : xasprintf("syscall-%d", nr);
	}
	return names[nr];
}

ssize_t trace_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	return process_vm_readv(tid, &local, 1, &remote, 1, 0);
}

/* A NUL-terminated string at addr, read a page at a time so that a
 * string near the end of a mapping still reads. */
static bool read_string(pid_t tid, uint64_t addr, char *out, size_t size)
{
	out[size - 1] = '\0';
	size_t got = 0;
	while (got < size - 1) {
		size_t room = 4096 - ((addr + got) & 4095);
		if (room > size - 1 - got)
			room = size - 1 - got;
		ssize_t n = trace_read_mem(tid, addr + got, out + got, room);
		if (n <= 0) {
			out[got] = '\0';
			return false;
		}
		void *nul = memchr(out + got, '\0', (size_t)n);
		got += (size_t)n;
		if (nul)
			return true;
	}
	return false;
}

static bool read_link(const char *link, char *out, size_t size)
{
	ssize_t n = readlink(link, out, size - 1);
	if (n < 0)
		return false;
	out[n] = '\0';
	return true;
}

/* /proc/self in the tracee's path is the tracee's /proc/PID. */
static void own_proc(const struct tracee *t, const char *in, char *out, size_t size)
{
	if (strncmp(in, "/proc/self", 10) == 0 && (in[10] == '/' || !in[10]))
		snprintf(out, size, "/proc/%d%s", (int)t->tgid, in + 10);
	else if (strncmp(in, "/proc/thread-self", 17) == 0 && (in[17] == '/' || !in[17]))
		snprintf(out, size, "/proc/%d/task/%d%s", (int)t->tgid, (int)t->tid, in + 17);
	else
		snprintf(out, size, "%s", in);
}

/* ... and is written /proc/self again in events, as profiles name it. */
static void as_self(const struct tracee *t, char *path)
{
	char pre[32];
	int n = snprintf(pre, sizeof(pre), "/proc/%d", (int)t->tgid);
	if (strncmp(path, pre, (size_t)n) == 0 && (path[n] == '/' || !path[n])) {
		memmove(path + 10, path + n, strlen(path + n) + 1);
		memcpy(path, "/proc/self", 10);
	}
}

/* The canonical path the call at (dirfd, addr) names; false when it names
 * nothing that exists (the call then fails with ENOENT, which no policy
 * changes).  With follow false a final symlink is not followed. */
static bool resolve(const struct tracee *t, int dirfd, uint64_t addr, bool follow,
		    char *out)
{
	char name[PATH_MAX], base[PATH_MAX], full[PATH_MAX], link[64];
	if (!read_string(t->tid, addr, name, sizeof(name)))
		return false;
	if (!name[0] && dirfd != AT_FDCWD) {
		/* AT_EMPTY_PATH: the descriptor itself. */
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)t->tid, dirfd);
		if (!read_link(link, full, sizeof(full)))
			return false;
	} else if (name[0] != '/') {
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)t->tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)t->tid, dirfd);
		if (!read_link(link, base, sizeof(base)))
			return false;
		if (snprintf(full, sizeof(full), "%s/%s", base, name) >= (int)sizeof(full))
			return false;
	} else {
		own_proc(t, name, full, sizeof(full));
	}
	char *slash = strrchr(full, '/');
	struct stat st;
	bool final_link = !follow && lstat(full, &st) == 0 && S_ISLNK(st.st_mode);
	if (!final_link && realpath(full, out)) {
		as_self(t, out);
		return true;
	}
	/* Not there (yet): its directory, and the last name. */
	char leaf[NAME_MAX + 1];
	snprintf(leaf, sizeof(leaf), "%s", slash + 1);
	if (slash == full)
		strcpy(full, "/");
	else
		*slash = '\0';
	if (!*leaf || !realpath(full, base))
		return false;
	if (snprintf(out, PATH_MAX, "%s/%s", strcmp(base, "/") ? base : "", leaf) >= PATH_MAX)
		return false;
	as_self(t, out);
	return true;
}

static struct trace_event *add(struct tracee *t, enum trace_kind kind)
{
	if (t->nev >= TRACE_MAX_EVENTS)
		return NULL;
	struct trace_event *ev = &t->ev[t->nev++];
	*ev = t->ev[0];
	ev->kind = kind;
	ev->path[0] = ev->detail[0] = '\0';
	return ev;
}

static void file_event(struct tracee *t, int dirfd, uint64_t addr, unsigned rights,
		       bool follow)
{
	char path[PATH_MAX];
	if (!resolve(t, dirfd, addr, follow, path))
		return;
	struct stat st;
	bool exists = (follow ? stat(path, &st) : lstat(path, &st)) == 0;
	if (rights & CREATE_IF_MISSING) /* open(O_CREAT) makes only what is not there */
		rights = (rights & ~(unsigned)CREATE_IF_MISSING) | (exists ? 0 : TR_CREATE);
	if (!exists && !(rights & TR_CREATE))
		return; /* ENOENT whatever the policy */
	if (exists && (rights & TR_CREATE) && !(rights & TR_REMOVE))
		return; /* mkdir, mknod, link, symlink: EEXIST whatever the policy */
	if (exists && S_ISDIR(st.st_mode) && (rights & TR_READ))
		rights = (rights & ~(unsigned)TR_READ) | TR_LIST;
	struct trace_event *ev = add(t, TE_FILE);
	if (!ev)
		return;
	ev->rights = rights;
	snprintf(ev->path, sizeof(ev->path), "%s", path);
}

static unsigned open_rights(uint64_t flags)
{
	if (flags & O_PATH)
		return 0;
	unsigned r = 0;
	switch (flags & O_ACCMODE) {
	case O_RDONLY: r = TR_READ; break;
	case O_WRONLY: r = TR_WRITE; break;
	default: r = TR_READ | TR_WRITE; break;
	}
	if ((flags & O_CREAT) && (flags & O_EXCL))
		r |= TR_CREATE; /* EEXIST if it is there */
	else if (flags & O_CREAT)
		r |= CREATE_IF_MISSING;
	if ((flags & O_TRUNC) && (flags & O_ACCMODE))
		r |= TR_TRUNC;
	return r;
}

static void open_event(struct tracee *t, int dirfd, uint64_t addr, uint64_t flags)
{
	unsigned r = open_rights(flags);
	if (r)
		file_event(t, dirfd, addr, r, !(flags & O_NOFOLLOW));
}

/* The program, its script interpreter and its loader: the kernel needs
 * execute on each. */
static void exec_events(struct tracee *t, int dirfd, uint64_t addr, uint64_t argv)
{
	file_event(t, dirfd, addr, TR_EXEC, true);
	if (t->nev < 2 || t->ev[t->nev - 1].kind != TE_FILE)
		return;
	struct trace_event *prog = &t->ev[t->nev - 1];
	/* argv[0] and argv[1..], for saying which delegate was refused. */
	size_t used = 0;
	for (int i = 0; i < 8 && used < sizeof(prog->detail) - 1; i++) {
		uint64_t p = 0;
		char arg[128];
		if (trace_read_mem(t->tid, argv + (uint64_t)i * sizeof(p), &p, sizeof(p)) !=
			    (ssize_t)sizeof(p) || !p)
			break;
		/* A long argument is shown cut short. */
		if (!read_string(t->tid, p, arg, sizeof(arg)) && !arg[0])
			break;
		used += (size_t)snprintf(prog->detail + used, sizeof(prog->detail) - used,
					 "%s%s", i ? " " : "", arg);
	}
	char *interp = command_script_interpreter(prog->path);
	char *loader = command_elf_interpreter(interp ? interp : prog->path);
	const char *more[] = { interp, loader };
	for (size_t i = 0; i < ARRAY_SIZE(more); i++) {
		char real[PATH_MAX];
		struct trace_event *ev;
		if (!more[i] || !realpath(more[i], real) || !(ev = add(t, TE_FILE)))
			continue;
		ev->rights = TR_EXEC;
		snprintf(ev->path, sizeof(ev->path), "%s", real);
	}
	free(interp);
	free(loader);
}

static void sockaddr_event(struct tracee *t, enum trace_kind kind, uint64_t addr,
			   uint64_t len)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	if (len > sizeof(ss))
		len = sizeof(ss);
	if (len < sizeof(sa_family_t) || trace_read_mem(t->tid, addr, &ss, len) != (ssize_t)len)
		return;
	struct trace_event *ev = add(t, kind);
	if (!ev)
		return;
	ev->family = ss.ss_family;
	if (ss.ss_family == AF_INET)
		ev->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		ev->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else if (ss.ss_family == AF_UNIX && len > sizeof(sa_family_t)) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;
		size_t n = len - offsetof(struct sockaddr_un, sun_path);
		if (un->sun_path[0])
			snprintf(ev->path, sizeof(ev->path), "%.*s", (int)n, un->sun_path);
		else
			snprintf(ev->path, sizeof(ev->path), "@%.*s", (int)(n - 1), un->sun_path + 1);
	}
}

static void newproc_event(struct tracee *t, uint64_t flags)
{
	if (!(flags & CLONE_THREAD))
		add(t, TE_NEWPROC);
}

static void clone3_event(struct tracee *t, uint64_t args)
{
	uint64_t flags = 0;
	if (trace_read_mem(t->tid, args, &flags, sizeof(flags)) == (ssize_t)sizeof(flags))
		newproc_event(t, flags);
}

/* The calls that take a path, by how they use it. */
static bool decode_paths(struct tracee *t, int nr, const uint64_t *a)
{
	int fd0 = (int)a[0], fd2 = (int)a[2];
	if (nr == SYS_openat)
		open_event(t, fd0, a[1], a[2]);
	else if (nr == SYS_openat2) {
		uint64_t flags = 0;
		if (trace_read_mem(t->tid, a[2], &flags, sizeof(flags)) == (ssize_t)sizeof(flags))
			open_event(t, fd0, a[1], flags);
	} else if (nr == SYS_execve)
		exec_events(t, AT_FDCWD, a[0], a[1]);
	else if (nr == SYS_execveat)
		exec_events(t, fd0, a[1], a[2]);
	else if (nr == SYS_mkdirat || nr == SYS_mknodat)
		file_event(t, fd0, a[1], TR_CREATE, false);
	else if (nr == SYS_symlinkat)
		file_event(t, (int)a[1], a[2], TR_CREATE, false);
	else if (nr == SYS_linkat)
		file_event(t, fd2, a[3], TR_CREATE, false);
	else if (nr == SYS_renameat || nr == SYS_renameat2) {
		file_event(t, fd0, a[1], TR_REMOVE, false);
		file_event(t, fd2, a[3], TR_CREATE | TR_REMOVE, false);
	} else if (nr == SYS_unlinkat)
		file_event(t, fd0, a[1], TR_REMOVE, false);
	else if (nr == SYS_truncate)
		file_event(t, AT_FDCWD, a[0], TR_TRUNC, true);
	else
		return false;
	return true;
}

/* The older calls without a directory descriptor (not on every
 * architecture). */
static bool decode_legacy_paths(struct tracee *t, int nr, const uint64_t *a)
{
#ifdef SYS_open
	if (nr == SYS_open)
		open_event(t, AT_FDCWD, a[0], a[1]);
	else if (nr == SYS_creat)
		open_event(t, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC);
	else if (nr == SYS_mkdir || nr == SYS_mknod)
		file_event(t, AT_FDCWD, a[0], TR_CREATE, false);
	else if (nr == SYS_symlink || nr == SYS_link)
		file_event(t, AT_FDCWD, a[1], TR_CREATE, false);
	else if (nr == SYS_rename) {
		file_event(t, AT_FDCWD, a[0], TR_REMOVE, false);
		file_event(t, AT_FDCWD, a[1], TR_CREATE | TR_REMOVE, false);
	} else if (nr == SYS_unlink || nr == SYS_rmdir)
		file_event(t, AT_FDCWD, a[0], TR_REMOVE, false);
	else if (nr == SYS_fork || nr == SYS_vfork)
		add(t, TE_NEWPROC);
	else
		return false;
	return true;
#else
	(void)t, (void)nr, (void)a;
	return false;
#endif
}

void trace_decode(struct tracee *t, const struct __ptrace_syscall_info *si)
{
	int nr = (int)si->entry.nr;
	const uint64_t *a = (const uint64_t *)si->entry.args;
	t->nev = 1;
	t->ev[0] = (struct trace_event){
		.kind = TE_SYSCALL, .tid = t->tid, .tgid = t->tgid, .nr = nr,
		.sysname = trace_syscall_name(nr),
	};
#ifdef AUDIT_ARCH_NATIVE_TRACE
	if (si->arch != AUDIT_ARCH_NATIVE_TRACE) {
		/* Another table's numbers: nothing below applies to them. */
		t->ev[0].nr = -1;
		t->ev[0].sysname = "foreign-architecture call";
		return;
	}
#endif
	if (decode_paths(t, nr, a) || decode_legacy_paths(t, nr, a))
		return;
	if (nr == SYS_socket) {
		struct trace_event *ev = add(t, TE_SOCKET);
		if (!ev)
			return;
		ev->family = (int)a[0];
		ev->type = (int)(a[1] & 0xf);
	} else if (nr == SYS_connect || nr == SYS_bind)
		sockaddr_event(t, nr == SYS_connect ? TE_CONNECT : TE_BIND, a[1], a[2]);
	else if (nr == SYS_clone)
		newproc_event(t, a[0]);
	else if (nr == SYS_clone3)
		clone3_event(t, a[0]);
}
