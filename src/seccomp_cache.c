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
	in->mode = (uint8_t)net_mode(plan->p);
	in->unix_ok = net_unix_allowed(plan->p);
	in->tcp = plan->tcp;
	in->sock = plan->sock[1];
	memcpy(in->verdict, plan->verdict, sizeof(in->verdict));
	memcpy(in->why, plan->why, sizeof(in->why));
}

/* Does a writable rule of p cover dir (canonical)? */
static bool writable_under_policy(const struct policy *p, const char *dir)
{
	bool covered = false;
	for (size_t i = 0; i < p->n_fs && !covered; i++) {
		const struct fs_rule *r = &p->fs[i];
		if (r->fd < 0 || !fs_access_writes(r->access))
			continue;
		char *canon = fd_realpath(r->fd);
		covered = canon && path_covers(canon, dir);
		free(canon);
	}
	return covered;
}

/* The cache's entries are authenticated with a key in the user keyring.
 * A sandbox that may use the keyring must not use the cache; and if it
 * may also write the cache directory, it could read a later run's key
 * and forge entries for it: refuse that policy (-EPERM, *msg set). */
int seccomp_cache_usable(const struct seccomp_plan *plan, bool *usable, char **msg)
{
	static const char *const keyring[] = { "add_key", "keyctl", "request_key" };
	*usable = !seccomp_test_hook("LANDJAIL_TEST_NO_FILTER_CACHE");
	for (size_t i = 0; i < ARRAY_SIZE(keyring); i++) {
		int nr = sysname_nr(keyring[i]);
		if (nr < 0 || plan->verdict[nr] == VERDICT_REFUSE)
			continue;
		*usable = false;
		filter_cache_invalidate();
		char *dir = filter_cache_location();
		bool exposed = dir && writable_under_policy(plan->p, dir);
		if (exposed)
			*msg = xasprintf("this policy allows %s and makes landjail's filter cache "
					 "(%s) writable: the program could forge cached filters "
					 "for later runs; refusing (deny the keyring calls, or "
					 "narrow the rw rule)", keyring[i], dir);
		free(dir);
		return exposed ? -EPERM : 0;
	}
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
