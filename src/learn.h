/* --learn FILE: run a command observed (trace.h) and write, or grow, a
 * profile that lets it run confined with default = kill.
 *
 * learn.c observes and runs; learn_profile.c holds the learned profile
 * (read back from FILE, grown by one run's observations, written out). */
#ifndef LANDJAIL_LEARN_H
#define LANDJAIL_LEARN_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "limit.h"
#include "policy.h"
#include "trace.h"

#define LEARN_MAX_CALLS 1024
#define LEARN_MAX_RUNS 64

/* What one run did. */
struct learn_file {
	char *path;
	unsigned rights; /* enum trace_right */
};

struct learn_obs {
	struct learn_file *f;
	size_t n_f, cap_f;
	unsigned char calls[LEARN_MAX_CALLS];
	bool fork;           /* created processes, not only threads */
	bool unix_used;      /* AF_UNIX sockets */
	bool inet_stream;    /* TCP sockets */
	int other_family;    /* another family, or a non-TCP inet socket: its number, else -1 */
	unsigned *connect, *bind; /* TCP ports */
	size_t n_connect, cap_connect, n_bind, cap_bind;
	struct strv unix_paths;   /* unix sockets connected to or bound */
	struct trace_stats stats;
};

/* A learned profile. */
struct learn_grant {
	char *path;
	enum fs_access access;
	uint64_t runs; /* bit i: seen in run i + 1 */
};

struct learned {
	struct strv runs;      /* the command line of run i + 1 */
	struct strv includes;  /* the base profiles */
	struct learn_grant *g;
	size_t n_g, cap_g;
	struct strv notes;     /* warnings and what was not granted, as comments */
	struct strv allow;     /* syscall names and @groups */
	bool fork;
	int net_mode;          /* enum net_mode */
	bool unix_allow;
	unsigned *connect, *bind;
	size_t n_connect, cap_connect, n_bind, cap_bind;
	bool has_limit[LIMIT_KEYS];
	unsigned long long limit[LIMIT_KEYS];
};

/* Run the command of c observed and grow c->learn.  Returns the exit
 * status for main: the command's own, or 125/126/127. */
int learn_main(const struct cli *c);

/* learn_profile.c */
void learned_free(struct learned *l);
/* Read a profile that --learn wrote.  Returns 0, -ENOENT when there is
 * none, or -EINVAL with the problems in el (file:line). */
int learned_read(const char *file, struct learned *l, struct errlist *el);
/* Grow l by one run's observations; base is the merged base policy. */
void learned_grow(struct learned *l, const struct learn_obs *obs, const struct policy *base,
		  const char *cmdline);
void learned_print(FILE *out, const struct learned *l, const char *name);

/* The directory a person would grant for reading path: its package
 * directory beneath one of learn_package_roots (/usr/share/perl5), the
 * file itself right in such a root or in /proc, /sys and /dev, else the
 * directory that holds it.  out holds PATH_MAX. */
void learn_read_root(const char *path, char *out);

/* The tables behind the choices, NULL-terminated (tests keep them sound). */
extern const char *const learn_package_roots[]; /* sorted, canonical */
extern const char *const learn_unsafe_groups[]; /* never granted whole */
extern const char *const learn_common_groups[]; /* granted from three calls */

/* Between learn_profile.c and learn_calls.c: a note for the profile's
 * comments (said as a warning too when warn), the name of run i, and
 * whether s is one of the n first words of list. */
void learn_note(struct learned *l, char *owned, bool warn);
const char *learn_run_label(int run);
bool learn_in_list(const char *const *list, size_t n, const char *s);
/* Grow l's [syscalls] allow lines by one run's calls (learn_calls.c). */
void learn_grow_calls(struct learned *l, const struct learn_obs *o, const struct policy *base,
		      int run);

/* A port list with no duplicates, in order. */
void port_add(unsigned **v, size_t *n, size_t *cap, unsigned port);

#endif
