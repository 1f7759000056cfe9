/* INI profiles → struct policy.
 *
 * Every problem is collected as "file:line: message" in an errlist; the
 * caller prints them all and gives up if there was any. */
#ifndef LANDJAIL_PROFILE_H
#define LANDJAIL_PROFILE_H

#include <stdint.h>
#include <sys/stat.h>

#include "diag.h"
#include "policy.h"
#include "profile_dirs.h"
#include "words.h"

#define PROFILE_MAX_INCLUDE_DEPTH 8

/* Load the profile NAME (a bare name looked up in the profile path, or a
 * path when it contains '/') and everything it includes into p. */
void profile_load(struct policy *p, const char *name, struct errlist *el);

/* Same, with variables looked up through lookup (tests use their own). */
void profile_load_with(struct policy *p, const char *name, env_lookup_fn lookup,
		       struct errlist *el);

/* ---- what a load read, to do it again (the policy cache, profile_cache.c) ----
 *
 * Not a copy of the policy: the lines as the reader handed them to the
 * sections, in order, and every file and directory the load looked at.
 * Replaying the lines runs every check and every ${VAR} again, live. */
enum profile_event_kind {
	PROFILE_EV_LABEL = 1, /* file: a label the load made (policy_label) */
	PROFILE_EV_SOURCE,    /* file: a path added to policy.sources */
	PROFILE_EV_KEY,       /* file (its label), line, top, section: key = value */
	PROFILE_EV_INCLUDE,   /* file: the name an include line asked for;
			       * section: the index of that line's event */
};

struct profile_event {
	uint32_t kind, section, line, top;
	char *file, *key, *value;
};

/* A file or directory as the load found it (a chmod or chown moves ctime). */
struct profile_stat {
	uint64_t dev, ino, size, mtime, ctime; /* times in ns */
	uint32_t mode, uid;
};

struct profile_seen {
	char *path;
	struct profile_stat st;
};

struct profile_trace {
	struct profile_event *ev;
	size_t n_ev, cap_ev;
	struct profile_seen *seen;
	size_t n_seen, cap_seen;
	struct strv absent; /* directories found missing (not stored: their parent is) */
	const char *unusable; /* why this load must not be replayed, or NULL */
};

/* profile_load, recording into tr (which may hold earlier loads). */
void profile_load_traced(struct policy *p, const char *name, struct errlist *el,
			 struct profile_trace *tr);

/* The lines of tr through the sections' handlers into p, as the load that
 * recorded them did; false when an include line now names another file
 * (p then holds a part: free it). */
bool profile_replay(struct policy *p, const struct profile_trace *tr, struct errlist *el);

void profile_stat_of(const struct stat *st, struct profile_stat *out);
void profile_trace_free(struct profile_trace *tr);

#endif
