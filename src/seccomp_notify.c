/* The listener's way from the child to the supervisor, and the
 * supervisor's answer to each notification: seccomp_answer() decides from
 * the verdict table (the unit tests call it too), seccomp_handle() says
 * what happened in words. */
#include "syscall_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec_report.h"
#include "disklimit.h"
#include "fdguard.h"
#include "hostenv.h"
#include "netpolicy.h"
#include "profile_dirs.h"
#include "report.h"

/* ---- in the child ------------------------------------------------------------ */

int seccomp_enter(const struct seccomp_plan *plan, bool *loaded)
{
	struct sock_fprog prog = { .len = plan->len, .filter = plan->insns };
	/* A notified call that a signal interrupts returns EINTR, which fork
	 * and execve never do unconfined (dash reports "Cannot fork" when
	 * its SIGCHLD arrives mid-fork): once the supervisor has the
	 * notification, only a fatal signal may interrupt the wait (Linux
	 * 5.19; older kernels load the filter without the flag). */
	unsigned flags = plan->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER |
						SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
				      : 0;
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0 && errno == EINVAL && plan->notify) {
		flags &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	}
	if (fd < 0)
		return -errno;
	*loaded = true;
	if (!plan->notify)
		return 0;
	/* The listener is close-on-exec; the parent gets its own copy.  The
	 * filter allows sendmsg on this very socket whatever the profile says
	 * (seccomp_args.c, handover()); it is the only call made here. */
	char data = 'L';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	int ifd = (int)fd;
	memcpy(CMSG_DATA(cm), &ifd, sizeof(int));
	if (sendmsg(plan->sock[1], &mh, MSG_NOSIGNAL) != 1)
		return errno ? -errno : -EIO;
	return 0;
}

/* ---- in the supervisor --------------------------------------------------------- */

int seccomp_listener_receive(struct seccomp_plan *plan)
{
	if (!plan->notify)
		return -1;
	close_fd(&plan->sock[1]);
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	ssize_t n;
	do
		n = recvmsg(plan->sock[0], &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	close_fd(&plan->sock[0]);
	struct cmsghdr *cm = n == 1 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1; /* the child failed before loading the filter */
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static const char *family_name(uint64_t f)
{
	switch (f & SECCOMP_LOW32) {
	case AF_UNIX: return "AF_UNIX";
	case AF_INET: return "AF_INET";
	case AF_INET6: return "AF_INET6";
	case AF_NETLINK: return "AF_NETLINK";
	case AF_PACKET: return "AF_PACKET";
	case AF_VSOCK: return "AF_VSOCK";
	case AF_BLUETOOTH: return "AF_BLUETOOTH";
	case AF_ALG: return "AF_ALG";
	default: return NULL;
	}
}

static const char *type_name(uint64_t t)
{
	static const char *const names[] = { [SOCK_STREAM] = "SOCK_STREAM",
		[SOCK_DGRAM] = "SOCK_DGRAM", [SOCK_RAW] = "SOCK_RAW", [SOCK_RDM] = "SOCK_RDM",
		[SOCK_SEQPACKET] = "SOCK_SEQPACKET", [SOCK_PACKET] = "SOCK_PACKET" };
	t &= 0xf;
	return t < ARRAY_SIZE(names) && names[t] ? names[t] : "?";
}

/* "in imagemagick-convert.ini", the drop-in to create when that file is a
 * shipped one, or "of a profile". */
static char *where_default(const struct policy *p)
{
	if (p->sys.dflt != SYS_UNSET && p->sys.default_at.file)
		return profile_fix_location(p, p->sys.default_at.file);
	return xstrdup("of a profile");
}

static const char *mode_origin(const struct policy *p)
{
	if (p->net.mode == NET_UNSET)
		return "the default";
	return p->net.mode_at.file ? base_name(p->net.mode_at.file) : "the command line";
}

#define MAX_VIOLATION_REPORTS 100

static bool is_fastopen(const struct seccomp_plan *plan, int nr)
{
	return plan->tcp && (nr == sysname_nr("sendto") || nr == sysname_nr("sendmsg") ||
			     nr == sysname_nr("sendmmsg"));
}

static bool is_socket(int nr)
{
	return nr == sysname_nr("socket") || nr == sysname_nr("socketpair");
}

enum notify_answer seccomp_answer(const struct seccomp_plan *plan, const struct seccomp_data *d,
				  int *err)
{
	int nr = d->nr;
	*err = 0;
	switch (seccomp_verdict_of(plan, nr)) {
	case VERDICT_ALLOW: /* not trapped by the filter this table made */
	case VERDICT_LOG:
		return ANSWER_CONTINUE;
	case VERDICT_ENOSYS:
		*err = ENOSYS;
		return ANSWER_ERRNO;
	case VERDICT_EACCES:
		*err = EACCES;
		return ANSWER_ERRNO;
	case VERDICT_ARGS:
		/* The program's exec, trapped for a report (exec_report.c). */
		if (seccomp_exec_allowed(plan, nr))
			return ANSWER_CONTINUE;
		/* A new process under sandbox-processes: proclimit_handle()
		 * answers it first; what it leaves is the table's. */
		if (plan->why[nr] == WHY_COUNTED &&
		    (nr != sysname_nr("clone") || !(d->args[0] & (uint64_t)SECCOMP_CLONE_NEW_ANY)))
			return ANSWER_CONTINUE;
		if (nr == sysname_nr("execveat") && plan->why[nr] == WHY_UNLISTED &&
		    plan->p->sys.dflt == SYS_LOG)
			return ANSWER_CONTINUE;
		if (is_fastopen(plan, nr)) {
			*err = EOPNOTSUPP;
			return ANSWER_ERRNO;
		}
		if (is_socket(nr)) {
			*err = EACCES;
			return ANSWER_ERRNO;
		}
		if (fdguard_descriptor_form(nr, (const unsigned long long *)d->args,
					    plan->why[nr] != WHY_ALWAYS))
			return ANSWER_CHECK_FD;
		if (disklimit_removal(nr))
			return ANSWER_DISK;
		break;
	default:
		break;
	}
	if (plan->p->sys.dflt == SYS_KILL)
		return ANSWER_KILL;
	*err = EPERM;
	return ANSWER_ERRNO;
}

/* One line that says what the program tried and what would allow it. */
static void describe(const struct seccomp_plan *plan, const struct seccomp_notif *req,
		     const char *comm, const char *verb)
{
	const struct policy *p = plan->p;
	int nr = req->data.nr;
	char *name = seccomp_syscall_resolve_num_arch(req->data.arch, nr);
	const char *sys = name ? name : sysname_name(nr) ? sysname_name(nr) : "unknown";
	enum verdict v = seccomp_verdict_of(plan, nr);
	enum verdict_why why = nr >= 0 && nr < SECCOMP_MAX_NR ? plan->why[nr] : WHY_UNLISTED;
	const __u64 *a = req->data.args;
	char *where = where_default(p);
	if (v == VERDICT_ARGS && is_fastopen(plan, nr)) {
		report(LOG_WARNING, "%s[%u] was denied: %s with MSG_FASTOPEN: TCP Fast Open would "
		       "skip the TCP port rules of network mode tcp (from %s); the program may "
		       "connect() instead", comm, req->pid, sys, mode_origin(p));
	} else if (v == VERDICT_ARGS && is_socket(nr)) {
		const char *fam = family_name(a[0]);
		char famnum[32];
		snprintf(famnum, sizeof(famnum), "family %u", (unsigned)(a[0] & SECCOMP_LOW32));
		report(LOG_WARNING, "%s[%u] was denied: %s(%s, %s): network mode %s%s (from %s); "
		       "to allow it change [network] or --net", comm, req->pid, sys,
		       fam ? fam : famnum, type_name(a[1]),
		       (const char *[]){ "none", "tcp", "unrestricted" }[policy_net_mode(p)],
		       policy_net_unix_allowed(p) ? "" : ", unix = deny", mode_origin(p));
	} else if (v == VERDICT_ARGS && nr == sysname_nr("prlimit64")) {
		report(LOG_WARNING, "%s[%u] %s: forbidden prlimit64 on process %lld: a sandboxed "
		       "program may change only its own limits", comm, req->pid, verb,
		       (long long)(int32_t)(a[0] & SECCOMP_LOW32));
	} else if (v == VERDICT_ARGS && nr == sysname_nr("ioctl")) {
		report(LOG_WARNING, "%s[%u] %s: forbidden ioctl %s on fd %u (terminal "
		       "input injection is never allowed)", comm, req->pid, verb,
		       (a[1] & SECCOMP_LOW32) == TIOCSTI ? "TIOCSTI" : "TIOCLINUX", (unsigned)a[0]);
	} else if (v == VERDICT_ARGS && nr == sysname_nr("personality")) {
		report(LOG_WARNING, "%s[%u] %s: forbidden personality 0x%x (only PER_LINUX, "
		       "PER_LINUX32 and UNAME26 are allowed: flags such as ADDR_NO_RANDOMIZE and "
		       "READ_IMPLIES_EXEC would weaken the memory protections of what it runs next)",
		       comm, req->pid, verb, (unsigned)(a[0] & SECCOMP_LOW32));
	} else if (v == VERDICT_ARGS && nr == sysname_nr("clone") &&
		   (a[0] & (CLONE_FILES | CLONE_THREAD | SECCOMP_CLONE_NEW_ANY)) == CLONE_FILES) {
		report(LOG_WARNING, "%s[%u] %s: forbidden syscall clone (%d) with CLONE_FILES "
		       "for a new process (a descriptor table shared between processes is never "
		       "allowed: landjail checks descriptors by process)", comm, req->pid, verb, nr);
	} else if (v == VERDICT_ARGS && nr == sysname_nr("clone") &&
		   (a[0] & (uint64_t)SECCOMP_CLONE_NEW_ANY)) {
		report(LOG_WARNING, "%s[%u] %s: forbidden syscall clone (%d) with namespace "
		       "flags 0x%llx (new namespaces are never allowed)", comm, req->pid, verb,
		       nr, (unsigned long long)a[0]);
	} else if ((v == VERDICT_ARGS && nr == sysname_nr("clone")) || why == WHY_FORK) {
		report(LOG_WARNING, "%s[%u] %s: forbidden new process: %s (%d); to allow "
		       "it add \"fork = yes\" to [syscalls] %s", comm, req->pid, verb, sys, nr,
		       where);
	} else if (why == WHY_DENIED) {
		report(LOG_WARNING, "%s[%u] %s: forbidden syscall %s (%d); it is denied by "
		       "a \"deny\" line in [syscalls] %s", comm, req->pid, verb, sys, nr, where);
	} else {
		report(LOG_WARNING, "%s[%u] %s: forbidden syscall %s (%d); to allow it add "
		       "\"allow = %s\" to [syscalls] %s", comm, req->pid, verb, sys, nr, sys,
		       where);
	}
	free(where);
	free(name);
}

/* An exec the table allows: name its target if the policy does not let
 * it run, then let it go on for Landlock to refuse. */
static void exec_notice(const struct seccomp_plan *plan, const struct seccomp_notif *req,
			bool quiet)
{
	if (quiet)
		return;
	bool at = req->data.nr == sysname_nr("execveat");
	struct exec_call call = {
		.pid = (pid_t)req->pid,
		.dirfd = at ? (int)(req->data.args[0] & SECCOMP_LOW32) : AT_FDCWD,
		.path_addr = req->data.args[at ? 1 : 0],
	};
	char comm[32];
	proc_comm((pid_t)req->pid, comm, sizeof(comm));
	exec_report(plan->p, &call, comm);
}

bool seccomp_handle(const struct seccomp_plan *plan, int listener,
		    const seccomp_notify_hook *hooks)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return false;
	for (; hooks && *hooks; hooks++)
		if ((*hooks)(plan, listener, &req))
			return false;
	int err;
	enum notify_answer ans = seccomp_answer(plan, &req.data, &err);
	if (ans == ANSWER_CHECK_FD) {
		fdguard_handle(plan->p, listener, &req);
		return false;
	}
	if (ans == ANSWER_DISK) {
		disklimit_before_remove();
		resp = (struct seccomp_notif_resp){ .id = req.id,
						    .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		return false;
	}
	bool exec = ans == ANSWER_CONTINUE && seccomp_exec_allowed(plan, req.data.nr);
	/* A program looping on a forbidden call (or an exec) must not flood
	 * the log; execs are counted apart, as they are no violation. */
	static unsigned seen, execs;
	bool quiet = exec ? ++execs > MAX_VIOLATION_REPORTS : ++seen > MAX_VIOLATION_REPORTS;
	if (!exec && seen == MAX_VIOLATION_REPORTS + 1)
		report(LOG_WARNING, "more than %d violations in this sandbox: the rest are "
		       "handled but not reported", MAX_VIOLATION_REPORTS);
	if (exec) {
		exec_notice(plan, &req, quiet);
	} else if (!quiet) {
		char comm[32];
		proc_comm((pid_t)req.pid, comm, sizeof(comm));
		describe(plan, &req, comm, ans == ANSWER_KILL ? "was stopped"
					   : ans == ANSWER_CONTINUE ? "was allowed (default = log)"
								    : "was denied");
	}
	if (ans == ANSWER_KILL) {
		/* The caller is blocked in this very call while its notification
		 * is pending, so its pid cannot have been reused yet. */
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) == 0)
			kill((pid_t)req.pid, SIGKILL);
		return true;
	}
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	if (ans == ANSWER_CONTINUE)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp.error = -err;
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	return false;
}

void seccomp_report_sigsys(const struct seccomp_plan *plan, const char *program)
{
	if (plan->notify) {
		/* Every other forbidden call is reported by name as it happens. */
		if (host_filtered())
			report(LOG_WARNING, "%s was stopped by SIGSYS, and not by landjail's "
			       "filter: landjail itself runs under a seccomp filter (a unit's "
			       "SystemCallFilter=, a container's profile) that kills a call the "
			       "program makes, or it used another architecture's syscall table",
			       base_name(program));
		else
			report(LOG_WARNING, "%s was stopped: a system call through another "
			       "architecture's table (such as int 0x80 from a 64-bit program) is "
			       "never allowed", base_name(program));
		return;
	}
	char *where = where_default(plan->p);
	report(LOG_WARNING, "%s was stopped: a forbidden syscall (this kernel cannot tell "
	       "landjail which; see the kernel log or run with default = log); allow it "
	       "in [syscalls] %s", base_name(program), where);
	free(where);
}
