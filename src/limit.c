#include "limit.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A capability that would let the program lift a limit is dropped from
 * every set, the bounding set included, so that no execve brings it back. */
static int drop_cap(int cap)
{
	if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0 &&
	    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EPERM)
		return -errno;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0);
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	unsigned bit = 1U << (cap % 32);
	if (!((d[cap / 32].effective | d[cap / 32].permitted | d[cap / 32].inheritable) & bit))
		return 0;
	d[cap / 32].effective &= ~bit;
	d[cap / 32].permitted &= ~bit;
	d[cap / 32].inheritable &= ~bit;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

int limits_apply(const struct policy *p, const char **what)
{
	bool any = false;
	for (int i = 0; i < LIMIT_KEYS; i++) {
		if (!p->limits.set[i] || limit_table[i].resource < 0)
			continue;
		any = true;
		rlim_t v = p->limits.value[i];
		/* At the cpu limit the kernel sends SIGXCPU, and SIGKILL at the
		 * hard limit: a second later, in case SIGXCPU is caught. */
		struct rlimit rl = { v, i == LIMIT_CPU ? v + 1 : v };
		*what = limit_table[i].key;
		if (setrlimit(limit_table[i].resource, &rl) < 0)
			return -errno;
	}
	if (!any)
		return 0;
	*what = "dropping CAP_SYS_RESOURCE";
	int err = drop_cap(CAP_SYS_RESOURCE);
	if (!err && p->limits.set[LIMIT_PROCESSES]) {
		*what = "dropping CAP_SYS_ADMIN";
		err = drop_cap(CAP_SYS_ADMIN);
	}
	return err;
}
