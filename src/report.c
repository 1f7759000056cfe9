#include "report.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

static bool to_syslog;

void report_to_syslog(bool on)
{
	to_syslog = on;
}

bool report_syslog_enabled(void)
{
	return to_syslog;
}

/* Lines waiting for stderr while the supervisor runs. */
struct pending {
	char text[REPORT_LINE_MAX];
	size_t len;
};

static struct {
	bool deferring;
	bool started;    /* the program shares stderr from now on */
	struct pending line[REPORT_QUEUE_MAX];
	size_t head, n;  /* a ring */
	size_t dropped;  /* lines stderr never took */
} q;

size_t report_escape(char *out, size_t size, const char *in)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)in; *c; c++) {
		bool plain = *c >= 0x20 && *c < 0x7f && *c != '\\';
		size_t need = plain ? 1 : *c == '\\' ? 2 : 4;
		if (n + need + 1 > size)
			break;
		if (plain) {
			out[n++] = (char)*c;
		} else if (*c == '\\') {
			out[n++] = '\\';
			out[n++] = '\\';
		} else {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[*c >> 4];
			out[n++] = hex[*c & 15];
		}
	}
	if (size)
		out[n] = '\0';
	return n;
}

int report_write_nonblocking(int fd, const char *buf, size_t len)
{
	/* A socket (journald's, under systemd) takes a per-call flag. */
	ssize_t w = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w >= 0)
		return 0; /* a short send is the end of it: never a line twice */
	if (errno != ENOTSOCK)
		return -errno;
	/* A pipe, file or terminal shares its O_NONBLOCK with the program:
	 * write only when poll says there is room.  A pipe then has a free
	 * page, and a line of at most PIPE_BUF bytes goes in whole. */
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	if (poll(&p, 1, 0) != 1)
		return -EAGAIN;
	if (!(p.revents & POLLOUT))
		return -EPIPE;
	return write(fd, buf, len) < 0 ? -errno : 0;
}

/* Write the queue to stderr as far as it goes without blocking. */
static void drain(void)
{
	while (q.n) {
		struct pending *l = &q.line[q.head];
		int rc = report_write_nonblocking(STDERR_FILENO, l->text, l->len);
		if (rc == -EAGAIN || rc == -EINTR)
			return; /* stays queued: retried after the next event */
		if (rc < 0)
			q.dropped++; /* a closed or broken stderr: nobody reads it */
		q.head = (q.head + 1) % REPORT_QUEUE_MAX;
		q.n--;
	}
}

bool report_program_started(void)
{
	return q.started;
}

void report_defer(bool on)
{
	q.deferring = on;
	q.started = true;
	drain();
	if (!on && q.n) {
		q.dropped += q.n; /* stderr stays full: syslog has them */
		q.n = 0;
	}
}

void report_flush(void)
{
	drain();
}

size_t report_dropped(void)
{
	return q.dropped;
}

bool report_syslog_available(void)
{
	return access("/dev/log", F_OK) == 0;
}

void report(int priority, const char *fmt, ...)
{
	va_list ap;
	char *raw;
	va_start(ap, fmt);
	int n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* A process name or path is the program's to choose: no terminal
	 * escapes, no forged second line. */
	char line[REPORT_LINE_MAX];
	size_t len = (size_t)snprintf(line, sizeof(line), "landjail: ");
	len += report_escape(line + len, sizeof(line) - len - 1, raw);
	line[len++] = '\n';
	free(raw);
	if (to_syslog) {
		/* openlog() is deferred to the first report: most runs have none. */
		openlog("landjail", LOG_PID, LOG_USER);
		syslog(priority, "%.*s", (int)(len - 11), line + 10);
	}
	if (q.n == REPORT_QUEUE_MAX) {
		q.dropped++;
		return;
	}
	struct pending *l = &q.line[(q.head + q.n) % REPORT_QUEUE_MAX];
	memcpy(l->text, line, len);
	l->len = len;
	q.n++;
	if (!q.deferring)
		report_defer(false);
}
