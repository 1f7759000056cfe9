/* The filter cache's policy: when a compiled filter may come from the
 * cache, and the key it is stored under.  The cache itself (files, MAC)
 * is filter_cache.c; these are the only places that call it. */
#include "seccomp_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "disklimit.h"
#include "filter_cache.h"
#include "netpolicy.h"
#include <seccomp.h>

/* Everything the verdict table and seccomp_build() read, in one
 * canonical block, followed by the policy's allow and deny lines as
 * written (a flag byte and the NUL-terminated name each): the key of the
 * filter cache.  Keyed by the names, not the table they resolve to, so
 * that a hit skips resolving them; the names resolve the same while this
 * binary (exe) and libseccomp are the same, and the table comes back
 * from the entry. */
struct filter_inputs {
	char version[16];
	char arch[16];
	unsigned libseccomp[3];
	uint64_t exe[4]; /* this very binary: a rebuild or an upgrade misses */
	int32_t abi, sys_default, sys_fork, sock;
	uint8_t allowlist, fork, notify, mode, unix_ok, tcp;
	uint8_t counted, disk; /* sandbox-processes (proclimit.h), disk (disklimit.h) */
	uint8_t program;       /* PROGRAM_FORM: how the payload's program is made */
};

/* 2: landjail's range dispatch in front of libseccomp's part
 * (seccomp_ranges.c); 1 (the field absent) was libseccomp's whole filter.
 * An entry of another form is a miss, not a program of the wrong shape. */
#define PROGRAM_FORM 2

/* The payload of an entry: the verdict table, then the program. */
#define TABLES (2 * SECCOMP_MAX_NR)

static uint8_t *cache_inputs(const struct seccomp_plan *plan, size_t *size)
{
	const struct policy *p = plan->p;
	size_t n = sizeof(struct filter_inputs);
	for (size_t i = 0; i < p->sys.n_rules; i++)
		n += 2 + strlen(p->sys.rules[i].name);
	uint8_t *buf = xcalloc(1, n);
	struct filter_inputs *in = (struct filter_inputs *)buf;
	snprintf(in->version, sizeof(in->version), "%s", LANDJAIL_VERSION);
	snprintf(in->arch, sizeof(in->arch), "%08x", (unsigned)seccomp_arch_native());
	const struct scmp_version *v = seccomp_version();
	in->libseccomp[0] = v->major;
	in->libseccomp[1] = v->minor;
	in->libseccomp[2] = v->micro;
	filter_cache_exe_id(in->exe);
	in->abi = plan->abi;
	in->sys_default = p->sys.dflt;
	in->sys_fork = p->sys.fork;
	in->sock = plan->sock[1];
	in->allowlist = plan->allowlist;
	in->fork = plan->fork;
	in->notify = plan->notify;
	in->mode = (uint8_t)policy_net_mode(p);
	in->unix_ok = policy_net_unix_allowed(p);
	in->tcp = plan->tcp;
	in->counted = p->limits.set[LIMIT_SANDBOX_PROCESSES];
	in->disk = disklimit_enforced(p, plan->notify);
	in->program = PROGRAM_FORM;
	uint8_t *o = buf + sizeof(*in);
	for (size_t i = 0; i < p->sys.n_rules; i++) {
		size_t len = strlen(p->sys.rules[i].name) + 1;
		*o++ = p->sys.rules[i].allow;
		memcpy(o, p->sys.rules[i].name, len);
		o += len;
	}
	*size = n;
	return buf;
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

/* A payload of this binary's layout, every verdict and reason in range. */
static bool payload_valid(const uint8_t *pl, size_t size)
{
	size_t prog = size > TABLES ? size - TABLES : 0;
	if (!prog || prog % sizeof(struct sock_filter) ||
	    prog / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return false;
	for (size_t i = 0; i < SECCOMP_MAX_NR; i++)
		if (pl[i] >= VERDICT_COUNT || pl[SECCOMP_MAX_NR + i] >= WHY_COUNT)
			return false;
	return true;
}

bool seccomp_cache_load(struct seccomp_plan *plan, void **key, size_t *key_len)
{
	*key = cache_inputs(plan, key_len);
	void *payload = NULL;
	size_t size = 0;
	if (!filter_cache_load(*key, *key_len, &payload, &size))
		return false;
	bool ok = payload_valid(payload, size);
	if (ok) {
		const uint8_t *pl = payload;
		memcpy(plan->verdict, pl, SECCOMP_MAX_NR);
		memcpy(plan->why, pl + SECCOMP_MAX_NR, SECCOMP_MAX_NR);
		plan->len = (unsigned short)((size - TABLES) / sizeof(struct sock_filter));
		plan->insns = xmalloc(size - TABLES);
		memcpy(plan->insns, pl + TABLES, size - TABLES);
	} else {
		filter_cache_damaged();
	}
	free(payload);
	return ok;
}

void seccomp_cache_store(const void *key, size_t key_len, const struct seccomp_plan *plan)
{
	size_t prog = (size_t)plan->len * sizeof(struct sock_filter);
	uint8_t *pl = xmalloc(TABLES + prog);
	memcpy(pl, plan->verdict, SECCOMP_MAX_NR);
	memcpy(pl + SECCOMP_MAX_NR, plan->why, SECCOMP_MAX_NR);
	memcpy(pl + TABLES, plan->insns, prog);
	filter_cache_store(key, key_len, pl, TABLES + prog);
	free(pl);
}
