/* Reports about the sandbox for the person running it and for monitoring:
 * a violation, a timeout, a limit that ended the program.  Each is one
 * line on standard error ("landjail: ...") and, with --log syslog or
 * "log = syslog" in [profile], the same line in syslog under the tag
 * "landjail" (facility LOG_USER, LOG_WARNING unless said otherwise), so
 * that monitoring can alert on it.
 *
 * The program shares landjail's stderr and may have filled it, shut it
 * down or left it unread: reports never block and never raise SIGPIPE.
 * While the supervisor runs they are queued (report_defer) and written
 * after the event that caused them has been acted on, so a report is
 * never what delays the kill or the timeout it describes.  Bytes outside
 * printable ASCII, and backslashes, are written as \xHH and \\. */
#ifndef LANDJAIL_REPORT_H
#define LANDJAIL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

/* Longest line written (below PIPE_BUF, so a pipe takes it whole) and
 * how many lines wait at most; the rest are dropped, and counted. */
#define REPORT_LINE_MAX 1024
#define REPORT_QUEUE_MAX 64

void report_to_syslog(bool on);
bool report_syslog_enabled(void);

/* Is there a syslog socket (/dev/log) to report to? */
bool report_syslog_available(void);

/* priority is a syslog priority (LOG_WARNING, LOG_NOTICE...). */
void report(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* While on, report() only queues (syslog is written at once).  Turning it
 * off writes what stderr takes now and drops the rest. */
void report_defer(bool on);
/* Since the first report_defer(): the program holds our stderr, so
 * every message of ours must be written without blocking (diag.c). */
bool report_program_started(void);
/* Write queued lines as far as stderr takes them without blocking. */
void report_flush(void);
/* Lines that stderr never took (full, shut down or closed). */
size_t report_dropped(void);

/* in as one line with control bytes escaped, into out (size bytes, NUL
 * terminated, cut short at a whole escape); returns its length. */
size_t report_escape(char *out, size_t size, const char *in);

/* Write buf to fd without blocking and without SIGPIPE: 0, -EAGAIN when
 * it has no room now, or another -errno. */
int report_write_nonblocking(int fd, const char *buf, size_t len);

#endif
