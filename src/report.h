/* Reports about the sandbox for the person running it and for monitoring:
 * a violation, a timeout, a limit that ended the program.  Each is one
 * line on standard error ("landjail: ...") and, with --log syslog or
 * "log = syslog" in [profile], the same line in syslog under the tag
 * "landjail" (facility LOG_USER, LOG_WARNING unless said otherwise), so
 * that monitoring can alert on it. */
#ifndef LANDJAIL_REPORT_H
#define LANDJAIL_REPORT_H

#include <stdbool.h>
#include <syslog.h>

void report_to_syslog(bool on);
bool report_syslog_enabled(void);

/* Is there a syslog socket (/dev/log) to report to? */
bool report_syslog_available(void);

/* priority is a syslog priority (LOG_WARNING, LOG_NOTICE...). */
void report(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
