/* Observing a command with ptrace: the slow path behind --learn and
 * --explain, never the normal launch.
 *
 * trace_run() forks the command as its own traced child (PTRACE_TRACEME,
 * so it needs no privilege and passes Yama's ptrace_scope 1), follows
 * every thread and child, and turns each system call into events: the
 * call itself, the files it would read, write, create, remove or execute,
 * the sockets and addresses it uses.  At syscall entry the observer may
 * refuse an event; the call is then not made and fails with the errno the
 * observer chose, as the real policy would make it fail. */
#ifndef LANDJAIL_TRACE_H
#define LANDJAIL_TRACE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

/* What a file event needs, in Landlock's terms.  TR_CREATE and TR_REMOVE
 * are checked by Landlock on the directory that holds path. */
enum trace_right {
	TR_READ = 1,   /* read a file */
	TR_LIST = 2,   /* read a directory */
	TR_WRITE = 4,  /* write a file */
	TR_EXEC = 8,   /* execute a file */
	TR_CREATE = 16, /* make a file, directory, link, socket or fifo */
	TR_REMOVE = 32, /* remove or rename away */
	TR_TRUNC = 64, /* truncate */
};

enum trace_kind {
	TE_SYSCALL, /* every call, at entry */
	TE_FILE,    /* rights on path */
	TE_NEWPROC, /* fork, vfork, or clone of a new process */
	TE_SOCKET,  /* socket(family, type) */
	TE_CONNECT, /* connect() to port or unix path */
	TE_BIND,    /* bind() to port or unix path */
};

struct trace_event {
	enum trace_kind kind;
	pid_t tid, tgid;
	int nr;              /* the system call */
	const char *sysname; /* its name, or "unknown" */
	unsigned rights;     /* TE_FILE: enum trace_right bits */
	int family, type;    /* TE_SOCKET, TE_CONNECT, TE_BIND */
	unsigned port;       /* TE_CONNECT, TE_BIND on AF_INET/AF_INET6 */
	/* TE_FILE: the canonical path, with the process's own /proc/PID
	 * written /proc/self; TE_CONNECT/TE_BIND: a unix socket path ("@name"
	 * for an abstract one); TE_FILE with TR_EXEC: also the command line
	 * in detail. */
	char path[PATH_MAX];
	char detail[160];
};

struct trace_ops {
	void *ctx;
	/* At syscall entry, for every event the call would cause: 0 lets it
	 * happen, -errno makes the call fail with that errno instead. */
	int (*entry)(void *ctx, const struct trace_event *ev);
	/* At syscall exit, for every file, socket and new-process event of a
	 * call that succeeded. */
	void (*done)(void *ctx, const struct trace_event *ev);
};

struct trace_stats {
	double cpu_seconds;            /* user + system, all processes */
	double wall_seconds;
	unsigned long long peak_vm;    /* largest VmPeak of any process, bytes */
	unsigned peak_tasks;           /* threads and processes alive at once */
	int peak_fd;                   /* highest descriptor returned */
};

struct trace_spec {
	const char *path;      /* the resolved program */
	char *const *argv;
	char *const *envp;
	const char *workdir;   /* or NULL */
	bool quiet;            /* the command's stdio goes to /dev/null */
	/* Or NULL: called in the child before it execs, to confine it
	 * (descriptors above 2 are still open); false with *msg to give up. */
	bool (*confine)(const void *arg, char **msg);
	const void *confine_arg;
};

/* Run spec's command to its end under observation.  Returns the command's
 * exit status as landjail reports it (its code, or 128+N for signal N),
 * or -errno with *msg (malloc'd) when it could not be traced. */
int trace_run(const struct trace_spec *spec, const struct trace_ops *ops,
	      struct trace_stats *stats, char **msg);

/* True on the architectures where a refused call can be skipped. */
bool trace_can_refuse(void);

#endif
