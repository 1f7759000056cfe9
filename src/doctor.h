/* landjail --doctor: check a deployment as the application sees it.
 *
 * Run inside the application's own environment (its unit, its container):
 * the host's filter lets landjail work, the work directory is the
 * application's own and writable, PATH finds each wrapper before the real
 * program, the real program is behind it, and a trial run through each
 * wrapper works. */
#ifndef LANDJAIL_DOCTOR_H
#define LANDJAIL_DOCTOR_H

#include <stdio.h>

/* wrappers: the wrapper directory.  Returns 0 when every check passed,
 * else 1 (the report says which failed and what to change). */
int doctor_run(FILE *out, const char *wrappers);

#endif
