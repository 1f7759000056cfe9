/* landjail's exit statuses (landjail(1) EXIT STATUS); main.c is the only
 * place that picks one, the others report through the sandbox. */
#ifndef LANDJAIL_EXITCODE_H
#define LANDJAIL_EXITCODE_H

#define EXIT_TIMEOUT 124     /* the timeout ended the command */
#define EXIT_LANDJAIL 125    /* landjail refused or failed: nothing (more) ran */
#define EXIT_CANNOT_EXEC 126 /* found, but not executable */
#define EXIT_NOT_FOUND 127   /* command not found */
#define EXIT_SIGNAL_BASE 128 /* killed by signal N: 128 + N */

#endif
