/* The filter's side of the descriptor check (fdguard.h) and of [limits]
 * disk (disklimit.h): which forms go to the supervisor, which are refused
 * outright, run through the compiled filter. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_interp.h"
#include "disklimit.h"
#include "fdguard.h"
#include "limit.h"
#include "syscall_filter.h"
#include "tap.h"

#define NOTIFY SECCOMP_RET_USER_NOTIF
#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))

static void allow_name(struct policy *p, const char *name)
{
	struct sys_policy *s = &p->sys;
	s->rules = grow_array(s->rules, sizeof(*s->rules), s->n_rules, &s->cap_rules);
	s->rules[s->n_rules++] = (struct sys_rule){ .name = xstrdup(name), .allow = true };
}

struct call {
	const char *name;
	uint64_t a[6];
	uint32_t want;      /* the filter's action */
	enum notify_answer answer; /* the supervisor's, for NOTIFY */
};

static void run_calls(const char *what, struct policy *p, bool notify, const struct call *c,
		      size_t n)
{
	struct seccomp_plan plan;
	TAP_OK(seccomp_compile(p, 7, notify, &plan) == 0, "%s: compiles", what);
	for (size_t i = 0; i < n; i++) {
		struct seccomp_data d = { .nr = sysname_nr(c[i].name),
					  .arch = seccomp_arch_native() };
		memcpy(d.args, c[i].a, sizeof(d.args));
		uint32_t ret = bpf_run(plan.insns, plan.len, &d);
		int err;
		bool same = ret == c[i].want &&
			    (ret != NOTIFY || seccomp_answer(&plan, &d, &err) == c[i].answer);
		TAP_OK(same, "%s: %s(0x%llx, 0x%llx, .., 0x%llx) -> 0x%x", what, c[i].name,
		       (unsigned long long)c[i].a[0], (unsigned long long)c[i].a[1],
		       (unsigned long long)c[i].a[3], ret);
	}
	seccomp_plan_free(&plan);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
	for (size_t i = 0; i < fdguard_n_calls; i++)
		TAP_OK(sysname_nr(fdguard_calls[i].name) >= 0 &&
		       fdguard_call_of(sysname_nr(fdguard_calls[i].name)) == &fdguard_calls[i],
		       "the guarded call %s is known on this architecture", fdguard_calls[i].name);

	/* No [syscalls]: every descriptor form goes to the supervisor; the
	 * *at calls by path stay what the table says. */
	struct policy p;
	policy_init(&p);
	allow_name(&p, "@file-metadata");
	const uint64_t E = AT_EMPTY_PATH, P = 0x1000;
	const struct call meta[] = {
		{ "fchmod", { 2, 0777 }, NOTIFY, ANSWER_CHECK_FD },
		{ "fchown", { 2, 0, 0 }, NOTIFY, ANSWER_CHECK_FD },
		{ "ftruncate", { 2, 0 }, NOTIFY, ANSWER_CHECK_FD },
		{ "fallocate", { 2, 0, 0, 1 }, NOTIFY, ANSWER_CHECK_FD },
		{ "fsetxattr", { 2, P, P, 1 }, NOTIFY, ANSWER_CHECK_FD },
		{ "fremovexattr", { 2, P }, NOTIFY, ANSWER_CHECK_FD },
		{ "utimensat", { 2, 0, 0, 0 }, NOTIFY, ANSWER_CHECK_FD },
		{ "utimensat", { 2, P, 0, E }, NOTIFY, ANSWER_CHECK_FD },
		{ "utimensat", { (uint64_t)AT_FDCWD, P, 0, 0 }, SECCOMP_RET_ALLOW, 0 },
		{ "fchownat", { 2, P, 0, 0, E }, NOTIFY, ANSWER_CHECK_FD },
		{ "fchownat", { (uint64_t)AT_FDCWD, P, 0, 0, 0 }, SECCOMP_RET_ALLOW, 0 },
		{ "fchmodat2", { 2, P, 0777, E }, NOTIFY, ANSWER_CHECK_FD },
		{ "fchmodat2", { (uint64_t)AT_FDCWD, P, 0777, 0 }, SECCOMP_RET_ALLOW, 0 },
		{ "setxattrat", { 2, P, E, P, P, 16 }, NOTIFY, ANSWER_CHECK_FD },
		{ "removexattrat", { 2, P, E, P }, NOTIFY, ANSWER_CHECK_FD },
		{ "file_setattr", { 2, P, P, 24, E }, NOTIFY, ANSWER_CHECK_FD },
		{ "clone", { CLONE_FILES | SIGCHLD }, NOTIFY, ANSWER_ERRNO },
		{ "clone", { CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD },
		  SECCOMP_RET_ALLOW, 0 },
		{ "clone", { SIGCHLD }, SECCOMP_RET_ALLOW, 0 },
		{ "ioctl", { 2, FS_IOC_SETFLAGS, P }, NOTIFY, ANSWER_CHECK_FD },
		{ "ioctl", { 2, FS_IOC_FSSETXATTR, P }, NOTIFY, ANSWER_CHECK_FD },
		{ "ioctl", { 2, 0x100000000ULL | FS_IOC_SETFLAGS, P }, NOTIFY, ANSWER_CHECK_FD },
		{ "ioctl", { 2, FS_IOC_GETFLAGS, P }, SECCOMP_RET_ALLOW, 0 },
		{ "ioctl", { 2, TIOCSTI, P }, NOTIFY, ANSWER_ERRNO },
		{ "fcntl", { 2, F_SETFL, O_NONBLOCK }, NOTIFY, ANSWER_CHECK_FD },
		{ "fcntl", { 2, F_SETFL, O_APPEND | O_NONBLOCK }, SECCOMP_RET_ALLOW, 0 },
		{ "fcntl", { 2, F_GETFL }, SECCOMP_RET_ALLOW, 0 },
		{ "fcntl", { 2, F_SETFD, FD_CLOEXEC }, SECCOMP_RET_ALLOW, 0 },
	};
	run_calls("allow = @file-metadata", &p, true, meta, N(meta));
	policy_free(&p);

	/* The always-denied set keeps the by-path forms refused. */
	policy_init(&p);
	const struct call plain[] = {
		{ "utimensat", { 2, 0, 0, 0 }, NOTIFY, ANSWER_CHECK_FD },
		{ "utimensat", { (uint64_t)AT_FDCWD, P, 0, 0 }, NOTIFY, ANSWER_ERRNO },
		{ "utimensat", { 2, P, 0, E }, NOTIFY, ANSWER_ERRNO },
		{ "fchownat", { 2, P, 0, 0, E }, NOTIFY, ANSWER_ERRNO },
	};
	run_calls("no [syscalls]", &p, true, plain, N(plain));
	/* Nobody to ask: refused on every descriptor. */
	const struct call alone[] = {
		{ "fchmod", { 2, 0777 }, ERRNO(EPERM), 0 },
		{ "ftruncate", { 5, 0 }, ERRNO(EPERM), 0 },
		{ "utimensat", { 5, 0, 0, 0 }, ERRNO(EPERM), 0 },
		{ "fcntl", { 2, F_SETFL, 0 }, ERRNO(EPERM), 0 },
		{ "fcntl", { 5, F_SETFL, 0 }, SECCOMP_RET_ALLOW, 0 },
		{ "fcntl", { 2, F_SETFL, O_APPEND }, SECCOMP_RET_ALLOW, 0 },
	};
	run_calls("no user notification", &p, false, alone, N(alone));

	/* [limits] disk with isolate: removals go to the supervisor first. */
	const struct call nodisk[] = {
		{ "unlink", { P }, SECCOMP_RET_ALLOW, 0 },
		{ "mkdir", { P, 0755 }, SECCOMP_RET_ALLOW, 0 },
	};
	limit_set(&p, LIMIT_DISK, 1 << 20, (struct origin){ 0 });
	run_calls("disk without isolate", &p, true, nodisk, N(nodisk));
	p.isolate = xstrdup("/srv/work");
	const struct call disk[] = {
		{ "unlink", { P }, NOTIFY, ANSWER_DISK },
		{ "unlinkat", { (uint64_t)AT_FDCWD, P, 0 }, NOTIFY, ANSWER_DISK },
		{ "rename", { P, P }, NOTIFY, ANSWER_DISK },
		{ "renameat2", { (uint64_t)AT_FDCWD, P, (uint64_t)AT_FDCWD, P, 0 }, NOTIFY,
		  ANSWER_DISK },
		{ "mkdir", { P, 0755 }, ERRNO(EACCES), 0 },
		{ "mkdirat", { (uint64_t)AT_FDCWD, P, 0755 }, ERRNO(EACCES), 0 },
		{ "openat2", { (uint64_t)AT_FDCWD, P, P, 24 }, ERRNO(ENOSYS), 0 },
		{ "openat", { (uint64_t)AT_FDCWD, P, O_TMPFILE | O_RDWR }, ERRNO(EOPNOTSUPP), 0 },
		{ "openat", { (uint64_t)AT_FDCWD, P, O_CREAT | O_RDWR }, SECCOMP_RET_ALLOW, 0 },
		{ "open", { P, O_TMPFILE | O_WRONLY }, ERRNO(EOPNOTSUPP), 0 },
		{ "open", { P, O_RDONLY }, SECCOMP_RET_ALLOW, 0 },
	};
	run_calls("disk with isolate", &p, true, disk, N(disk));
	policy_free(&p);
	return tap_done();
}
