#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static bool to_syslog;

void report_to_syslog(bool on)
{
	to_syslog = on;
}

bool report_syslog_enabled(void)
{
	return to_syslog;
}

bool report_syslog_available(void)
{
	return access("/dev/log", F_OK) == 0;
}

void report(int priority, const char *fmt, ...)
{
	va_list ap;
	char *line;
	va_start(ap, fmt);
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fprintf(stderr, "landjail: %s\n", line);
	if (to_syslog) {
		/* openlog() is deferred to the first report: most runs have none. */
		openlog("landjail", LOG_PID, LOG_USER);
		syslog(priority, "%s", line);
	}
	free(line);
}
