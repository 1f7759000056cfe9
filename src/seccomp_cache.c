/* The filter cache's policy: when a compiled filter may come from the
 * cache, and the key it is stored under.  The cache itself (files, MAC)
 * is filter_cache.c; these are the only places that call it. */
#include "seccomp_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "filter_cache.h"
#include "netpolicy.h"
#include <seccomp.h>

/* Everything seccomp_build() reads, in one canonical block: the key of the
 * filter cache. */
struct filter_inputs {
	char version[16];
	char arch[16];
	unsigned libseccomp[3];
	uint64_t exe[4]; /* this very binary: a rebuild or an upgrade misses */
	uint8_t allowlist, fork, notify, dflt, mode, unix_ok, tcp;
	int32_t sock;
	unsigned char verdict[SECCOMP_MAX_NR], why[SECCOMP_MAX_NR];
};

static void cache_inputs(const struct seccomp_plan *plan, struct filter_inputs *in)
{
	memset(in, 0, sizeof(*in));
	snprintf(in->version, sizeof(in->version), "%s", LANDJAIL_VERSION);
	snprintf(in->arch, sizeof(in->arch), "%08x", (unsigned)seccomp_arch_native());
	const struct scmp_version *v = seccomp_version();
	in->libseccomp[0] = v->major;
	in->libseccomp[1] = v->minor;
	in->libseccomp[2] = v->micro;
	struct stat st;
	if (stat("/proc/self/exe", &st) == 0) {
		in->exe[0] = st.st_dev;
		in->exe[1] = st.st_ino;
		in->exe[2] = (uint64_t)st.st_size;
		in->exe[3] = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
	}
	in->allowlist = plan->allowlist;
	in->fork = plan->fork;
	in->notify = plan->notify;
	in->dflt = (uint8_t)(plan->p->sys.dflt + 1);
	in->mode = (uint8_t)policy_net_mode(plan->p);
	in->unix_ok = policy_net_unix_allowed(plan->p);
	in->tcp = plan->tcp;
	in->sock = plan->sock[1];
	memcpy(in->verdict, plan->verdict, sizeof(in->verdict));
	memcpy(in->why, plan->why, sizeof(in->why));
}

/* Whether this run may use the filter cache was decided, with the
 * reasons, by filter_cache_admit() before the plan (main.c): no keyring
 * is involved, so a policy's keyring calls change nothing here. */
int seccomp_cache_usable(const struct seccomp_plan *plan, bool *usable, char **msg)
{
	(void)plan;
	(void)msg;
	*usable = filter_cache_enabled();
	return 0;
}

bool seccomp_cache_load(const struct seccomp_plan *plan, void **key, size_t *key_len,
			struct sock_filter **insns, unsigned short *len)
{
	struct filter_inputs *in = xmalloc(sizeof(*in));
	cache_inputs(plan, in);
	*key = in;
	*key_len = sizeof(*in);
	return filter_cache_load(in, sizeof(*in), insns, len);
}

void seccomp_cache_store(const void *key, size_t key_len, const struct seccomp_plan *plan)
{
	filter_cache_store(key, key_len, plan->insns, plan->len);
}
