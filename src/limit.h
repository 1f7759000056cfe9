/* [limits]: resource limits (setrlimit in the child) and the wall-clock
 * timeout (the supervisor's), described by one table. */
#ifndef LANDJAIL_LIMIT_H
#define LANDJAIL_LIMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"
#include "section.h"

enum limit_unit { UNIT_SECONDS, UNIT_BYTES, UNIT_COUNT };

struct limit_spec {
	const char *key;    /* profile key */
	int resource;       /* RLIMIT_*, or -1 for the timeout and disk (the supervisor's) */
	enum limit_unit unit;
	const char *signal_name; /* the signal the kernel sends at the limit, or NULL */
};

/* Indexes into limit_table and policy.limits. */
enum { LIMIT_TIMEOUT, LIMIT_CPU, LIMIT_MEMORY, LIMIT_FILE_SIZE, LIMIT_OPEN_FILES,
       LIMIT_PROCESSES, LIMIT_CORE, LIMIT_STACK, LIMIT_DISK };

extern const struct limit_spec limit_table[LIMIT_KEYS];

/* "10", "10s", "5m", "1h"; "512K", "64M", "1G"; plain counts.  Returns
 * false with *why set when s is not a value of that unit. */
bool limit_parse(const char *s, enum limit_unit unit, unsigned long long *out,
		 const char **why);

/* Record limit i = v; the lowest value any profile or option gives wins,
 * so that an included profile's limit is a ceiling, never raised. */
void limit_set(struct policy *p, int i, unsigned long long v, struct origin at);

/* The [limits] key handler for profile.c's section table. */
void key_limits(struct keyctx *k, const char *key, const char *value);
/* The [process] key handler: directory, umask. */
void key_process(struct keyctx *k, const char *key, const char *value);

/* "10s", "64M", "20": v in the unit of limit i, for messages and --check. */
void limit_format(char *buf, size_t n, int i, unsigned long long v);

/* Before the fork: false (with a message) when the kernel would not hold
 * a limit for this caller; --best-effort turns that into a loud warning. */
bool limits_plan(const struct policy *p);

/* In the child, between clone and execve: only syscalls.  Returns 0, or
 * -errno with *what naming the limit that could not be set. */
int limits_apply(const struct policy *p, const char **what);

/* [limits] and [process] of --check's output. */
void limits_print_ini(FILE *out, const struct policy *p);

#endif
