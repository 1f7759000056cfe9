#include "guard.h"

#include <endian.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* The calls that take a target pid as their first argument. */
static const int targeting[] = {
	__NR_kill, __NR_tkill, __NR_tgkill, __NR_rt_sigqueueinfo,
	__NR_rt_tgsigqueueinfo, __NR_pidfd_open,
};

/* The low 32 bits of the first argument: pid_t is an int. */
#if __BYTE_ORDER == __LITTLE_ENDIAN
#define ARG0_LO offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LO (offsetof(struct seccomp_data, args[0]) + 4)
#endif

static void emit(struct guard *g, struct sock_filter insn)
{
	if (g->len < GUARD_MAX_INSNS)
		g->insns[g->len++] = insn;
}

void guard_build(struct guard *g, pid_t supervisor, pid_t pgrp, bool same_group)
{
	uint32_t deny[4];
	size_t n = 0;
	deny[n++] = (uint32_t)supervisor;
	deny[n++] = (uint32_t)-1;            /* every process the user may signal */
	deny[n++] = (uint32_t)-pgrp;         /* landjail's process group */
	if (same_group)
		deny[n++] = 0;               /* the caller's own group, landjail's too */
	size_t nt = ARRAY_SIZE(targeting);

	memset(g, 0, sizeof(*g));
	/* Another architecture: not ours to judge (the main filter kills it). */
	emit(g, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, arch)));
	emit(g, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native(), 1, 0));
	emit(g, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(g, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, nr)));
	/* One jump per targeting call: to the argument check, or on. */
	for (size_t i = 0; i < nt; i++)
		emit(g, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						     (uint32_t)targeting[i],
						     (uint8_t)(nt - i), 0));
	emit(g, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(g, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO));
	for (size_t i = 0; i < n; i++)
		emit(g, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, deny[i],
						     (uint8_t)(n - i), 0));
	emit(g, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit(g, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					     SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)));
}

int guard_enter(const struct guard *g)
{
	if (!g->len)
		return 0;
	struct sock_fprog prog = { .len = g->len, .filter = (struct sock_filter *)g->insns };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}
