/* The interface between the profile reader (profile.c) and the sections
 * it reads (section_<name>.c).  Each section is a struct section_spec:
 * its name and its key table, the one place where its keys are spelled
 * (tests/docs.sh reads the tables).  A key's handler gets the value of
 * every "key = value" line, records what it understood in the policy,
 * and reports anything else with key_error(), which adds "file:line: ".
 *
 * The sections only fill in struct policy (policy.h); nothing here
 * touches the kernel or knows how a key is enforced. */
#ifndef LANDJAIL_SECTION_H
#define LANDJAIL_SECTION_H

#include <stdbool.h>

#include "policy.h"
#include "words.h"

/* One profile line being read.  The reader owns it; the sections use
 * the key_* functions below. */
struct keyctx {
	struct policy *p;
	struct errlist *el;
	env_lookup_fn lookup; /* ${VAR} in values */
	const char *file;     /* label, lives in policy */
	unsigned line;
	unsigned bad_line;    /* last line already complained about */
	bool top;             /* the file asked for, not one it includes */
	/* [profile] include = NAME: the reader loads NAME. */
	void (*include)(struct keyctx *k, const char *name);
};

/* A key of a section; arg tells rows with one handler apart (the access
 * class of ro, rw, ..., the limit of timeout, cpu, ...). */
struct section_key {
	const char *name;
	void (*on_key)(struct keyctx *k, const char *key, const char *value, int arg);
	int arg;
};

struct section_spec {
	const char *name;
	const struct section_key *keys;
	size_t n_keys;
};

/* Every section, in the order the reader lists them. */
extern const struct section_spec section_profile, section_filesystem, section_environment,
	section_network, section_syscalls, section_limits, section_process;

/* Hand key = value to the section's handler of key, or report it as
 * unknown, naming the section's keys. */
void section_key(const struct section_spec *s, struct keyctx *k, const char *key,
		 const char *value);

struct policy *key_policy(struct keyctx *k);
struct origin key_origin(struct keyctx *k);
void key_error(struct keyctx *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The value as words (quotes, escapes and ${VAR} handled); false, with
 * the error reported, when it is malformed or empty. */
bool key_words(struct keyctx *k, const char *key, const char *value, struct strv *out);

/* yes/true/on/1 → 1, no/false/off/0 → 0, anything else → -1. */
int key_bool(const char *s);

/* The command-line forms of [network] (--net, --tcp-connect, --tcp-bind):
 * false with *err (malloc'd) when the word is bad. */
bool section_network_mode(struct policy *p, const char *word, struct origin at, char **err);
bool section_network_ports(struct policy *p, bool bind, const char *word, struct origin at,
			   char **err);

#endif
