#include "phase.h"

#ifdef LANDJAIL_PHASE_MARKS
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PHASE_MAX 64

static struct {
	const char *name;
	struct timespec at;
} phase_marks[PHASE_MAX];
static int phase_n;

void phase_mark(const char *name)
{
	if (phase_n >= PHASE_MAX)
		return;
	phase_marks[phase_n].name = name;
	clock_gettime(CLOCK_MONOTONIC, &phase_marks[phase_n].at);
	phase_n++;
}

void phase_write(void)
{
	const char *path = getenv("LANDJAIL_PHASE_MARKS");
	FILE *f = path && *path ? fopen(path, "ae") : NULL;
	if (!f)
		return;
	for (int i = 0; i < phase_n; i++)
		fprintf(f, "%s%s %lld", i ? " " : "", phase_marks[i].name,
			(long long)phase_marks[i].at.tv_sec * 1000000000LL + phase_marks[i].at.tv_nsec);
	fputc('\n', f);
	fclose(f);
	phase_n = 0;
}
#else
/* ISO C wants a translation unit to declare something. */
typedef int phase_marks_off;
#endif
