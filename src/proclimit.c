#include "proclimit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <seccomp.h>
#include <unistd.h>

#include "diag.h"
#include "limit.h"
#include "proctree.h"
#include "report.h"
#include "util.h"

/* Creations let go on whose new process may not be in the tree yet. */
#define MAX_PENDING 256

struct pending {
	pid_t tid;
	int nr; /* the call it was let go on in */
};

static struct pending pending[MAX_PENDING];
static size_t n_pending;
static unsigned refused;

static const char *at_text(const struct policy *p, char *buf, size_t n)
{
	const struct origin *at = &p->limits.at[LIMIT_SANDBOX_PROCESSES];
	if (at->file)
		snprintf(buf, n, "%s:%u", at->file, at->line);
	else
		snprintf(buf, n, "[limits]");
	return buf;
}

bool proclimit_plan(const struct policy *p, bool notify, bool run, struct errlist *el)
{
	if (!p->limits.set[LIMIT_SANDBOX_PROCESSES] || !seccomp_policy_forks(p) || notify)
		return true; /* counted, or nothing to count: no new process at all */
	const struct origin *at = &p->limits.at[LIMIT_SANDBOX_PROCESSES];
	unsigned long long n = p->limits.value[LIMIT_SANDBOX_PROCESSES];
	if (!p->best_effort) {
		errlist_add(el, at->file ? at->file : "[limits]", at->line,
			    "sandbox-processes = %llu cannot be enforced: landjail counts the "
			    "sandbox's processes through seccomp user notification, which this "
			    "kernel or a seccomp filter landjail runs under does not allow (remove "
			    "the line, or --best-effort runs without the bound)", n);
		return false;
	}
	if (run) {
		char where[300];
		diag_loud("%s: sandbox-processes = %llu is NOT enforced: no seccomp user "
			  "notification (--best-effort)", at_text(p, where, sizeof(where)), n);
	}
	return true;
}

/* Is this notification a new process the bound governs? */
static bool is_creation(const struct seccomp_plan *plan, const struct seccomp_data *d)
{
	int nr = d->nr;
	if (nr < 0 || nr >= SECCOMP_MAX_NR || plan->why[nr] != WHY_COUNTED)
		return false;
	if (nr != sysname_nr("clone"))
		return true;
	return !(d->args[0] & ((uint64_t)SECCOMP_CLONE_NEW_ANY | CLONE_THREAD));
}

/* Has the creation ended (in the tree now, or failed)?  The thread is
 * gone, or is blocked in another call.  When /proc cannot tell
 * ("running", stopped, or not readable), it still counts.  (Not "it has
 * a new child": an orphan re-parented to it would look the same.) */
static bool finished(const struct pending *e)
{
	char path[64], buf[32];
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)e->tid);
	int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return errno == ESRCH;
	buf[n] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return false; /* "running", or -1: not in a call */
	return atoi(buf) != e->nr;
}

/* Drop what has finished, and whatever tid asked before: a thread that
 * makes a new call has returned from the last one. */
static void prune(pid_t tid)
{
	size_t k = 0;
	for (size_t i = 0; i < n_pending; i++)
		if (pending[i].tid != tid && !finished(&pending[i]))
			pending[k++] = pending[i];
	n_pending = k;
}

static void report_refusal(const struct seccomp_plan *plan, const struct seccomp_notif *req,
			   size_t live)
{
	if (refused++)
		return;
	char comm[32], at[300];
	proc_comm((pid_t)req->pid, comm, sizeof(comm));
	const struct policy *p = plan->p;
	char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	report(LOG_WARNING, "%s[%u] was refused a new process (%s): the sandbox has %zu, "
	       "its bound, sandbox-processes = %llu at %s; the call got EAGAIN (later "
	       "refusals are not reported)", comm, req->pid, name ? name : "?", live,
	       p->limits.value[LIMIT_SANDBOX_PROCESSES], at_text(p, at, sizeof(at)));
	free(name);
}

bool proclimit_handle(const struct seccomp_plan *plan, int listener,
		      const struct seccomp_notif *req)
{
	if (!is_creation(plan, &req->data))
		return false;
	pid_t tid = (pid_t)req->pid;
	prune(tid);
	size_t live = proctree_count() + n_pending;
	bool allow = live < plan->p->limits.value[LIMIT_SANDBOX_PROCESSES] &&
		     n_pending < MAX_PENDING;
	struct seccomp_notif_resp resp = { .id = req->id };
	if (allow) {
		pending[n_pending++] = (struct pending){ tid, req->data.nr };
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else {
		report_refusal(plan, req, live);
		resp.error = -EAGAIN;
	}
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	return true;
}
