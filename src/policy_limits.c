/* The vocabulary of [limits]: what each key limits, in which unit, and
 * values written and read in that unit.  Plain data: limit.c sets the
 * limits, section_limits.c reads them, policy_print.c writes them. */
#include "policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* Data over code: every [limits] key, what enforces it and its unit.  The
 * order is the LIMIT_* indexes of policy.h. */
const struct limit_spec limit_table[LIMIT_KEYS] = {
	[LIMIT_TIMEOUT] = { "timeout", -1, UNIT_SECONDS, NULL },
	[LIMIT_CPU] = { "cpu", RLIMIT_CPU, UNIT_SECONDS, "SIGXCPU" },
	[LIMIT_MEMORY] = { "memory", RLIMIT_AS, UNIT_BYTES, NULL },
	[LIMIT_FILE_SIZE] = { "file-size", RLIMIT_FSIZE, UNIT_BYTES, "SIGXFSZ" },
	[LIMIT_OPEN_FILES] = { "open-files", RLIMIT_NOFILE, UNIT_COUNT, NULL },
	[LIMIT_PROCESSES] = { "processes", RLIMIT_NPROC, UNIT_COUNT, NULL },
	[LIMIT_CORE] = { "core", RLIMIT_CORE, UNIT_BYTES, NULL },
	[LIMIT_STACK] = { "stack", RLIMIT_STACK, UNIT_BYTES, NULL },
	/* The sandbox's own processes, counted by the supervisor (proclimit.h). */
	[LIMIT_SANDBOX_PROCESSES] = { "sandbox-processes", -1, UNIT_COUNT, NULL },
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
