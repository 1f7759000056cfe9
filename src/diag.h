/* Messages to the person running landjail.
 *
 * Plain messages are prefixed "landjail: ".  Profile problems are collected
 * in an errlist as "file:line: message" so that every one of them is shown
 * before landjail gives up. */
#ifndef LANDJAIL_DIAG_H
#define LANDJAIL_DIAG_H

#include <stdarg.h>
#include <stddef.h>

enum verbosity { VERB_QUIET = 0, VERB_NORMAL = 1, VERB_VERBOSE = 2 };
extern enum verbosity diag_verbosity;

#define PRINTF(a, b) __attribute__((format(printf, a, b)))

void diag_error(const char *fmt, ...) PRINTF(1, 2);
void diag_warn(const char *fmt, ...) PRINTF(1, 2);   /* not with -q */
void diag_loud(const char *fmt, ...) PRINTF(1, 2);   /* even with -q */
void diag_info(const char *fmt, ...) PRINTF(1, 2);   /* only with -v */

struct errlist {
	char **msg;
	size_t n, cap;
};

/* line 0 means "the file as a whole". */
void errlist_add(struct errlist *el, const char *file, unsigned line,
		 const char *fmt, ...) PRINTF(4, 5);
void errlist_print(const struct errlist *el);
void errlist_free(struct errlist *el);

#endif
