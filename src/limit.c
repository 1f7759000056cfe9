#include "limit.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "disklimit.h"

/* Data over code: every [limits] key, what enforces it and its unit.  The
 * order is the LIMIT_* indexes of limits.h. */
const struct limit_spec limit_table[LIMIT_KEYS] = {
	[LIMIT_TIMEOUT] = { "timeout", -1, UNIT_SECONDS, NULL },
	[LIMIT_CPU] = { "cpu", RLIMIT_CPU, UNIT_SECONDS, "SIGXCPU" },
	[LIMIT_MEMORY] = { "memory", RLIMIT_AS, UNIT_BYTES, NULL },
	[LIMIT_FILE_SIZE] = { "file-size", RLIMIT_FSIZE, UNIT_BYTES, "SIGXFSZ" },
	[LIMIT_OPEN_FILES] = { "open-files", RLIMIT_NOFILE, UNIT_COUNT, NULL },
	[LIMIT_PROCESSES] = { "processes", RLIMIT_NPROC, UNIT_COUNT, NULL },
	[LIMIT_CORE] = { "core", RLIMIT_CORE, UNIT_BYTES, NULL },
	[LIMIT_STACK] = { "stack", RLIMIT_STACK, UNIT_BYTES, NULL },
	[LIMIT_DISK] = { "disk", -1, UNIT_BYTES, NULL }, /* disklimit.h */
};

static const struct {
	char suffix;
	unsigned long long factor;
} seconds_suffix[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 } },
  bytes_suffix[] = { { 'K', 1ULL << 10 }, { 'M', 1ULL << 20 }, { 'G', 1ULL << 30 },
		     { 'T', 1ULL << 40 } };

bool limit_parse(const char *s, enum limit_unit unit, unsigned long long *out,
		 const char **why)
{
	static const char *const expect[] = {
		[UNIT_SECONDS] = "a duration such as 30, 30s, 5m or 1h",
		[UNIT_BYTES] = "a size such as 4096, 512K, 64M or 1G",
		[UNIT_COUNT] = "a whole number",
	};
	*why = expect[unit];
	if (*s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return false;
	unsigned long long factor = 1;
	if (*end && unit != UNIT_COUNT) {
		bool found = false;
		for (size_t i = 0; unit == UNIT_SECONDS && i < ARRAY_SIZE(seconds_suffix); i++)
			if (*end == seconds_suffix[i].suffix)
				factor = seconds_suffix[i].factor, found = true;
		for (size_t i = 0; unit == UNIT_BYTES && i < ARRAY_SIZE(bytes_suffix); i++)
			if ((*end & ~0x20) == bytes_suffix[i].suffix)
				factor = bytes_suffix[i].factor, found = true;
		if (!found)
			return false;
		end++;
	}
	if (*end)
		return false;
	if (v > (unsigned long long)RLIM_INFINITY / factor / 2) {
		*why = "a smaller value";
		return false;
	}
	*out = v * factor;
	return true;
}

void limit_set(struct policy *p, int i, unsigned long long v, struct origin at)
{
	if (p->limits.set[i] && p->limits.value[i] <= v)
		return;
	p->limits.set[i] = true;
	p->limits.value[i] = v;
	p->limits.at[i] = at;
}

void key_limits(struct keyctx *k, const char *key, const char *value)
{
	int i = 0;
	while (i < LIMIT_KEYS && strcmp(limit_table[i].key, key) != 0)
		i++;
	if (i == LIMIT_KEYS) {
		key_unknown(k, "limits", key,
			    "timeout cpu memory file-size open-files processes core stack disk");
		return;
	}
	unsigned long long v;
	const char *why;
	if (!limit_parse(value, limit_table[i].unit, &v, &why)) {
		key_error(k, "%s must be %s, not \"%s\"", key, why, value);
		return;
	}
	/* Zero would stop the program before it starts; only "no core
	 * files" is a sensible zero. */
	if (v == 0 && i != LIMIT_CORE) {
		key_error(k, "%s = 0 would forbid what every program needs (only core may be 0)", key);
		return;
	}
	limit_set(key_policy(k), i, v, key_origin(k));
}

void key_process(struct keyctx *k, const char *key, const char *value)
{
	struct policy *p = key_policy(k);
	if (strcmp(key, "umask") == 0) {
		char *end;
		errno = 0;
		long m = strtol(value, &end, 8);
		if (errno || end == value || *end || m < 0 || m > 0777)
			key_error(k, "umask must be octal, 0 to 0777, not \"%s\"", value);
		else
			p->umask = (int)m;
		return;
	}
	if (strcmp(key, "directory") != 0) {
		key_unknown(k, "process", key, "directory umask");
		return;
	}
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	if (words.n != 1 || words.v[0][0] != '/')
		key_error(k, "directory must be one absolute path, not \"%s\"", value);
	else {
		p->workdir = policy_label(p, words.v[0]);
		p->workdir_at = key_origin(k);
	}
	strv_free(&words);
}

void limit_format(char *buf, size_t n, int i, unsigned long long v)
{
	char unit[2] = "";
	if (limit_table[i].unit == UNIT_SECONDS) {
		unit[0] = 's';
		for (size_t j = ARRAY_SIZE(seconds_suffix); j-- > 1;)
			if (v % seconds_suffix[j].factor == 0) {
				v /= seconds_suffix[j].factor;
				unit[0] = seconds_suffix[j].suffix;
				break;
			}
	} else if (limit_table[i].unit == UNIT_BYTES && v) {
		for (size_t j = ARRAY_SIZE(bytes_suffix); j-- > 0;)
			if (v % bytes_suffix[j].factor == 0) {
				v /= bytes_suffix[j].factor;
				unit[0] = bytes_suffix[j].suffix;
				break;
			}
	}
	snprintf(buf, n, "%llu%s", v, unit);
}

bool limits_plan(const struct policy *p)
{
	if (!disklimit_plan(p))
		return false;
	if (!p->limits.set[LIMIT_PROCESSES])
		return true;
	/* fork() ignores RLIMIT_NPROC for uid 0 whatever its capabilities:
	 * there is no limit to set. */
	if (getuid() != 0)
		return true;
	char at[32];
	limit_format(at, sizeof(at), LIMIT_PROCESSES, p->limits.value[LIMIT_PROCESSES]);
	if (!p->best_effort) {
		diag_error("processes = %s cannot be enforced for root: the kernel does not "
			   "apply RLIMIT_NPROC to uid 0; run landjail as an unprivileged user "
			   "(--best-effort runs it without the limit)", at);
		return false;
	}
	diag_loud("processes = %s is NOT enforced: the kernel does not apply RLIMIT_NPROC "
		  "to uid 0 (--best-effort)", at);
	return true;
}

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

void limits_print_ini(FILE *out, const struct policy *p)
{
	char buf[32];
	bool header = false;
	for (int i = 0; i < LIMIT_KEYS; i++) {
		if (!p->limits.set[i])
			continue;
		if (!header)
			fputs("\n[limits]\n", out);
		header = true;
		limit_format(buf, sizeof(buf), i, p->limits.value[i]);
		fprintf(out, "%s = %s\n", limit_table[i].key, buf);
	}
	if (p->workdir || p->umask >= 0)
		fputs("\n[process]\n", out);
	if (p->workdir)
		fprintf(out, "directory = %s\n", p->workdir);
	if (p->umask >= 0)
		fprintf(out, "umask = %04o\n", (unsigned)p->umask);
}
