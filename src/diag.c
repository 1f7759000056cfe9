#include "diag.h"
#include "report.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum verbosity diag_verbosity = VERB_NORMAL;

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	if (report_program_started()) {
		/* The program may have filled or shut down stderr: one line,
		 * written whole or not at all, never blocking. */
		char line[REPORT_LINE_MAX];
		int n = snprintf(line, sizeof(line), "landjail: %s", prefix);
		if (n > 0 && (size_t)n < sizeof(line))
			n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		size_t len = n < 0 ? 0 : (size_t)n < sizeof(line) - 1 ? (size_t)n : sizeof(line) - 2;
		line[len++] = '\n';
		report_write_nonblocking(STDERR_FILENO, line, len);
		return;
	}
	fprintf(stderr, "landjail: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define DEFINE_DIAG(name, prefix, cond)       \
	void name(const char *fmt, ...)       \
	{                                     \
		if (!(cond))                  \
			return;               \
		va_list ap;                   \
		va_start(ap, fmt);            \
		vmsg(prefix, fmt, ap);        \
		va_end(ap);                   \
	}

DEFINE_DIAG(diag_error, "", 1)
DEFINE_DIAG(diag_warn, "warning: ", diag_verbosity >= VERB_NORMAL)
DEFINE_DIAG(diag_loud, "WARNING: ", 1)
DEFINE_DIAG(diag_info, "", diag_verbosity >= VERB_VERBOSE)

void errlist_add(struct errlist *el, const char *file, unsigned line,
		 const char *fmt, ...)
{
	va_list ap;
	char *body;
	va_start(ap, fmt);
	if (vasprintf(&body, fmt, ap) < 0)
		body = NULL;
	va_end(ap);
	if (!body)
		body = xstrdup("(out of memory formatting message)");
	char *full = line ? xasprintf("%s:%u: %s", file, line, body)
			  : xasprintf("%s: %s", file, body);
	free(body);
	el->msg = grow_array(el->msg, sizeof(*el->msg), el->n, &el->cap);
	el->msg[el->n++] = full;
}

void errlist_print(const struct errlist *el)
{
	for (size_t i = 0; i < el->n; i++)
		fprintf(stderr, "%s\n", el->msg[i]);
}

void errlist_free(struct errlist *el)
{
	for (size_t i = 0; i < el->n; i++)
		free(el->msg[i]);
	free(el->msg);
	el->msg = NULL;
	el->n = el->cap = 0;
}
