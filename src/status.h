/* landjail --status: what this kernel lets landjail enforce. */
#ifndef LANDJAIL_STATUS_H
#define LANDJAIL_STATUS_H

#include <stdio.h>

/* Print the report; returns 0. */
int status_report(FILE *out);

#endif
