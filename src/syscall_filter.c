/* The seccomp filter's life in the parent: plan, compile (or load from
 * the cache), dump, free.  The parts are listed in syscall_filter.h. */
#include "syscall_filter.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "seccomp_cache.h"

bool seccomp_notify_available(void)
{
	/* Asked by the plan and by the filter: probed once a process. */
	static int available = -1;
	unsigned action = SECCOMP_RET_USER_NOTIF;
	if (available < 0)
		available = !test_hook("LANDJAIL_TEST_NO_USER_NOTIF") &&
			    syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
	return available;
}

/* The plan before its verdict table (seccomp_plan_basics), and the
 * handover socket, whose number the filter names. */
static int plan_init(const struct policy *p, int abi, struct seccomp_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->sock[0] = plan->sock[1] = -1;
	seccomp_plan_basics(p, abi, seccomp_notify_available(), plan);
	/* SEQPACKET, not DGRAM: a child that dies before sending must give the
	 * parent end-of-file, not a recvmsg() that waits for ever. */
	if (plan->notify && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, plan->sock) < 0)
		return -errno;
	return 0;
}

/* The compiled program of ctx into *insns (malloc'd), *len instructions. */
static int export(void *ctx, struct sock_filter **insns, unsigned short *len)
{
	int fd = memfd_create("landjail-bpf", MFD_CLOEXEC);
	int err = fd < 0 ? -errno : seccomp_export_bpf(ctx, fd);
	struct stat st;
	if (!err && fstat(fd, &st) < 0)
		err = -errno;
	if (!err) {
		size_t size = (size_t)st.st_size;
		*insns = xmalloc(size ? size : 1);
		if (pread(fd, *insns, size, 0) != (ssize_t)size)
			err = -EIO;
		*len = (unsigned short)(size / sizeof(struct sock_filter));
	}
	if (fd >= 0)
		close(fd);
	return err;
}

int seccomp_libseccomp_program(const struct seccomp_plan *plan, bool args_only,
			       struct sock_filter **insns, unsigned short *len)
{
	void *ctx = NULL;
	int err = seccomp_build(plan, args_only, &ctx);
	if (!err)
		err = export(ctx, insns, len);
	if (ctx)
		seccomp_release(ctx);
	return err;
}

/* libseccomp compiles the calls whose arguments decide; landjail's range
 * dispatch in front of them answers the rest (seccomp_ranges.c). */
static int compile(struct seccomp_plan *plan)
{
	struct sock_filter *part = NULL;
	unsigned short part_len = 0;
	int err = seccomp_libseccomp_program(plan, true, &part, &part_len);
	if (!err)
		err = seccomp_ranges_program(plan, part, part_len, SECCOMP_JUMP_REACH, &plan->insns,
					     &plan->len);
	free(part);
	return err;
}

int seccomp_compile(const struct policy *p, int abi, bool notify, struct seccomp_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->sock[0] = plan->sock[1] = -1;
	seccomp_verdicts(p, abi, notify, plan);
	if (notify)
		plan->sock[1] = 3; /* a stand-in for the handover socket */
	int err = compile(plan);
	plan->sock[1] = -1;
	return err;
}

int seccomp_prepare(const struct policy *p, int abi, struct seccomp_plan *plan, char **msg)
{
	int err = plan_init(p, abi, plan);
	bool use_cache = false;
	if (!err && seccomp_cache_usable(plan, &use_cache, msg) < 0) {
		seccomp_plan_free(plan);
		return -EPERM;
	}
	/* A hit brings the verdict table along: no syscall name is resolved. */
	void *key = NULL;
	size_t key_len = 0;
	if (!err && use_cache && seccomp_cache_load(plan, &key, &key_len)) {
		plan->cached = true;
		free(key);
		return 0;
	}
	if (!err)
		seccomp_verdicts(p, abi, plan->notify, plan);
	if (!err)
		err = compile(plan);
	if (!err && use_cache)
		seccomp_cache_store(key, key_len, plan);
	free(key);
	if (err)
		*msg = xasprintf("cannot build the seccomp filter: %s", strerror(-err));
	return err;
}

void seccomp_plan_free(struct seccomp_plan *plan)
{
	free(plan->insns);
	plan->insns = NULL;
	close_fd(&plan->sock[0]);
	close_fd(&plan->sock[1]);
}

/* The verdict table as comments: every call that is not simply what the
 * default does, by name, verdict and reason. */
static void dump_table(const struct seccomp_plan *plan, FILE *out)
{
	fprintf(out, "# verdict table (%s; calls not listed: %s)\n",
		plan->allowlist ? "allowlist" : "deny list",
		seccomp_verdict_name(seccomp_verdict_of(plan, -1)));
	fprintf(out, "# %-24s %5s  %-10s %s\n", "syscall", "nr", "verdict", "why");
	enum verdict dflt = seccomp_verdict_of(plan, -1);
	for (int nr = 0; nr < SECCOMP_MAX_NR; nr++) {
		const char *name = sysname_name(nr);
		if (!name || (plan->verdict[nr] == dflt && plan->why[nr] != WHY_DENIED))
			continue;
		fprintf(out, "# %-24s %5d  %-10s %s\n", name, nr,
			seccomp_verdict_name(plan->verdict[nr]), seccomp_why_name(plan->why[nr]));
	}
}

int seccomp_dump(const struct policy *p, int abi, FILE *out, char **msg)
{
	struct seccomp_plan *plan = xmalloc(sizeof(*plan));
	void *ctx = NULL;
	struct sock_filter *part = NULL;
	unsigned short part_len = 0;
	int err = plan_init(p, abi, plan);
	if (!err)
		seccomp_verdicts(p, abi, plan->notify, plan);
	if (!err)
		err = seccomp_build(plan, true, &ctx);
	if (!err)
		err = export(ctx, &part, &part_len);
	if (!err)
		err = seccomp_ranges_program(plan, part, part_len, SECCOMP_JUMP_REACH, &plan->insns,
					     &plan->len);
	if (!err) {
		fflush(out);
		fprintf(out, "# landjail %s, Landlock ABI %d, %s\n", LANDJAIL_VERSION, abi,
			plan->notify ? "violations go to the supervisor (NOTIFY)"
				     : "no user notification: violations act directly");
		dump_table(plan, out);
		fprintf(out, "# the program: %u instructions, %u of landjail's range dispatch, "
			"then %u of libseccomp's part\n", plan->len, plan->len - part_len, part_len);
		seccomp_ranges_dump(plan, out);
		fflush(out);
		err = seccomp_export_pfc(ctx, fileno(out));
	}
	free(part);
	if (ctx)
		seccomp_release(ctx);
	if (err)
		*msg = xasprintf("cannot build the seccomp filter: %s", strerror(-err));
	seccomp_plan_free(plan);
	free(plan);
	return err;
}
