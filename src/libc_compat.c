/* The one symbol Debian's static libseccomp (built against glibc, with
 * _FORTIFY_SOURCE) needs that musl lacks: its error printing calls
 * __fprintf_chk.  Linked only into a build against musl. */
#include <stdarg.h>
#include <stdio.h>

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	(void)flag; /* glibc's check level: the format is libseccomp's own */
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}
