/* A few TAP helpers for the unit tests. */
#ifndef LANDJAIL_TAP_H
#define LANDJAIL_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...)                                        \
	do {                                                     \
		tap_n++;                                         \
		bool ok_ = (cond);                               \
		if (!ok_)                                        \
			tap_failed++;                            \
		printf("%sok %d - ", ok_ ? "" : "not ", tap_n);  \
		printf(__VA_ARGS__);                             \
		putchar('\n');                                   \
	} while (0)

#define TAP_STR(got, want, ...)                                             \
	do {                                                                \
		const char *g_ = (got), *w_ = (want);                       \
		bool same_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_;     \
		TAP_OK(same_, __VA_ARGS__);                                 \
		if (!same_)                                                 \
			printf("#   got:  %s\n#   want: %s\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                         \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
