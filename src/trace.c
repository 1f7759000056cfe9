/* The ptrace loop behind --learn and --explain (see trace.h). */
#include "trace.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trace_decode.h"
#include "util.h"

#define TRACE_OPTIONS (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
		       PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |  \
		       PTRACE_O_EXITKILL)

struct tracer {
	const struct trace_ops *ops;
	struct trace_stats *stats;
	struct tracee **t;
	size_t n, cap;
	unsigned live;
};

/* ---- skipping a refused call ------------------------------------------------ */

#if defined(__x86_64__)
bool trace_can_refuse(void)
{
	return true;
}

/* At entry: make the kernel skip the call (syscall number -1). */
static int skip_call(pid_t tid)
{
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, NULL, &r) < 0)
		return -errno;
	r.orig_rax = (unsigned long long)-1;
	return ptrace(PTRACE_SETREGS, tid, NULL, &r) < 0 ? -errno : 0;
}

/* At exit: the skipped call returns -err. */
static int set_return(pid_t tid, int err)
{
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, NULL, &r) < 0)
		return -errno;
	r.rax = (unsigned long long)(long long)-err;
	return ptrace(PTRACE_SETREGS, tid, NULL, &r) < 0 ? -errno : 0;
}
#elif defined(__aarch64__)
bool trace_can_refuse(void)
{
	return true;
}

static int skip_call(pid_t tid)
{
	int nr = -1;
	struct iovec io = { &nr, sizeof(nr) };
	return ptrace(PTRACE_SETREGSET, tid, NT_ARM_SYSTEM_CALL, &io) < 0 ? -errno : 0;
}

static int set_return(pid_t tid, int err)
{
	struct user_regs_struct r;
	struct iovec io = { &r, sizeof(r) };
	if (ptrace(PTRACE_GETREGSET, tid, NT_PRSTATUS, &io) < 0)
		return -errno;
	r.regs[0] = (unsigned long long)(long long)-err;
	return ptrace(PTRACE_SETREGSET, tid, NT_PRSTATUS, &io) < 0 ? -errno : 0;
}
#else
bool trace_can_refuse(void)
{
	return false;
}

static int skip_call(pid_t tid)
{
	(void)tid;
	return -ENOSYS;
}

static int set_return(pid_t tid, int err)
{
	(void)tid, (void)err;
	return -ENOSYS;
}
#endif

/* ---- the tracees ------------------------------------------------------------ */

static pid_t read_tgid(pid_t tid)
{
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	FILE *f = fopen(path, "re");
	pid_t tgid = tid;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	if (f)
		fclose(f);
	return tgid;
}

static struct tracee *tracee_get(struct tracer *tr, pid_t tid)
{
	for (size_t i = 0; i < tr->n; i++)
		if (tr->t[i]->tid == tid)
			return tr->t[i];
	tr->t = grow_array(tr->t, sizeof(*tr->t), tr->n, &tr->cap);
	struct tracee *t = xcalloc(1, sizeof(*t));
	t->tid = tid;
	t->tgid = read_tgid(tid);
	tr->t[tr->n++] = t;
	if (++tr->live > tr->stats->peak_tasks)
		tr->stats->peak_tasks = tr->live;
	return t;
}

static void tracee_forget(struct tracer *tr, pid_t tid)
{
	for (size_t i = 0; i < tr->n; i++) {
		if (tr->t[i]->tid != tid)
			continue;
		free(tr->t[i]);
		tr->t[i] = tr->t[--tr->n];
		tr->live--;
		return;
	}
}

/* VmPeak of a process about to exit: what RLIMIT_AS ([limits] memory)
 * has to leave room for. */
static void note_vm_peak(struct tracer *tr, pid_t tid)
{
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	FILE *f = fopen(path, "re");
	unsigned long long kb;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPeak: %llu kB", &kb) == 1) {
			if (kb * 1024 > tr->stats->peak_vm)
				tr->stats->peak_vm = kb * 1024;
			break;
		}
	if (f)
		fclose(f);
}

/* ---- one syscall stop -------------------------------------------------------- */

static bool returns_fd(int nr)
{
	static const int calls[] = {
#ifdef SYS_open
		SYS_open, SYS_creat,
#endif
		SYS_openat, SYS_socket, SYS_accept, SYS_accept4, SYS_dup, SYS_dup3,
		SYS_eventfd2, SYS_epoll_create1, SYS_memfd_create, SYS_openat2,
	};
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		if (calls[i] == nr)
			return true;
	return false;
}

static int at_entry_stop(struct tracer *tr, struct tracee *t, const struct __ptrace_syscall_info *si)
{
	trace_decode(t, si);
	t->refused = false;
	for (int i = 0; i < t->nev; i++) {
		int rc = tr->ops->entry(tr->ops->ctx, &t->ev[i]);
		if (rc < 0 && !t->refused) {
			t->refused = true;
			t->err = -rc;
		}
	}
	return t->refused ? skip_call(t->tid) : 0;
}

static int at_exit_stop(struct tracer *tr, struct tracee *t, const struct __ptrace_syscall_info *si)
{
	if (t->refused) {
		t->refused = false;
		return set_return(t->tid, t->err);
	}
	if (si->exit.is_error)
		return 0;
	if (t->nev && returns_fd(t->ev[0].nr) && si->exit.rval > tr->stats->peak_fd)
		tr->stats->peak_fd = (int)si->exit.rval;
	for (int i = 1; i < t->nev; i++)
		if (tr->ops->done)
			tr->ops->done(tr->ops->ctx, &t->ev[i]);
	return 0;
}

static int syscall_stop(struct tracer *tr, pid_t tid)
{
	struct __ptrace_syscall_info si;
	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(si), &si) < 0)
		return errno == ESRCH ? 0 : -errno;
	struct tracee *t = tracee_get(tr, tid);
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY)
		return at_entry_stop(tr, t, &si);
	if (si.op == PTRACE_SYSCALL_INFO_EXIT)
		return at_exit_stop(tr, t, &si);
	return 0;
}

/* An exec by a thread other than the leader: the kernel gives the
 * leader's id to the thread that exec'd, and the old id is gone. */
static void exec_stop(struct tracer *tr, pid_t tid)
{
	unsigned long former = 0;
	if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, &former) < 0 || (pid_t)former == tid)
		return;
	struct tracee *t = tracee_get(tr, tid);
	for (size_t i = 0; i < tr->n; i++) {
		if (tr->t[i]->tid != (pid_t)former)
			continue;
		struct tracee *old = tr->t[i];
		memcpy(t->ev, old->ev, sizeof(t->ev));
		t->nev = old->nev;
		t->seen = true;
		tracee_forget(tr, (pid_t)former);
		return;
	}
}

/* What to do with one stop; returns the signal to deliver on resuming. */
static int one_stop(struct tracer *tr, pid_t tid, int wstatus, int *err)
{
	int sig = WSTOPSIG(wstatus), event = wstatus >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		*err = syscall_stop(tr, tid);
		return 0;
	}
	if (event == PTRACE_EVENT_EXIT) {
		struct tracee *t = tracee_get(tr, tid);
		if (t->tid == t->tgid)
			note_vm_peak(tr, tid);
		return 0;
	}
	if (event == PTRACE_EVENT_EXEC)
		exec_stop(tr, tid);
	if (event)
		return 0;
	struct tracee *t = tracee_get(tr, tid);
	if (!t->seen && sig == SIGSTOP) {
		/* A new tracee's first stop is ours, not the program's. */
		t->seen = true;
		return 0;
	}
	t->seen = true;
	return sig;
}

static int trace_loop(struct tracer *tr, pid_t child, int *status, char **msg)
{
	int child_status = 0, err = 0;
	for (;;) {
		int ws;
		pid_t tid = waitpid(-1, &ws, __WALL);
		if (tid < 0 && errno == EINTR)
			continue;
		if (tid < 0)
			break;
		if (WIFEXITED(ws) || WIFSIGNALED(ws)) {
			tracee_forget(tr, tid);
			if (tid == child)
				child_status = ws;
			continue;
		}
		if (!WIFSTOPPED(ws))
			continue;
		int sig = one_stop(tr, tid, ws, &err);
		if (err < 0) {
			*msg = xasprintf("cannot follow process %d: %s", (int)tid, strerror(-err));
			kill(child, SIGKILL);
			err = 0;
		}
		ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(long)sig);
	}
	if (WIFEXITED(child_status))
		*status = WEXITSTATUS(child_status);
	else
		*status = 128 + WTERMSIG(child_status);
	return *msg ? -EIO : 0;
}

/* ---- the traced child ---------------------------------------------------- */

static void child_setup(const struct trace_spec *spec)
{
	/* As in the sandbox: a session of its own, only 0-2 inherited. */
	setsid();
	if (spec->quiet) {
		int null = openat(AT_FDCWD, "/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
	}
	if (spec->workdir && chdir(spec->workdir) < 0)
		_exit(125);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	char *msg = NULL;
	if (spec->confine && !spec->confine(spec->confine_arg, &msg)) {
		dprintf(2, "landjail: %s\n", msg ? msg : "cannot confine the observed run");
		_exit(125);
	}
	syscall(SYS_close_range, 3U, ~0U, 0U);
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		dprintf(2, "landjail: cannot trace %s: %s\n", spec->path, strerror(errno));
		_exit(125);
	}
	raise(SIGSTOP);
	execve(spec->path, spec->argv, spec->envp);
	dprintf(2, "landjail: %s: %s\n", spec->path, strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int trace_run(const struct trace_spec *spec, const struct trace_ops *ops,
	      struct trace_stats *stats, char **msg)
{
	*msg = NULL;
	memset(stats, 0, sizeof(*stats));
	/* Orphans of the command stay ours to wait for. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	double start = now();
	pid_t child = fork();
	if (child < 0) {
		*msg = xasprintf("fork: %s", strerror(errno));
		return -errno;
	}
	if (child == 0)
		child_setup(spec);
	int ws;
	if (waitpid(child, &ws, 0) < 0 || !WIFSTOPPED(ws) ||
	    ptrace(PTRACE_SETOPTIONS, child, NULL, (void *)(long)TRACE_OPTIONS) < 0) {
		int e = errno;
		*msg = xasprintf("cannot trace %s: %s", spec->path, strerror(e));
		kill(child, SIGKILL);
		waitpid(child, &ws, 0);
		return -e;
	}
	struct tracer tr = { .ops = ops, .stats = stats };
	tracee_get(&tr, child)->seen = true;
	ptrace(PTRACE_SYSCALL, child, NULL, NULL);
	int status = 0;
	int rc = trace_loop(&tr, child, &status, msg);
	for (size_t i = 0; i < tr.n; i++)
		free(tr.t[i]);
	free(tr.t);
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	stats->cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	stats->wall_seconds = now() - start;
	return rc < 0 ? rc : status;
}
