#include "util.h"

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(void)
{
	static const char msg[] = "landjail: out of memory\n";
	ssize_t r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)r;
	_exit(125);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return s;
}

void *grow_array(void *arr, size_t elem, size_t n, size_t *cap)
{
	if (n + 1 <= *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 8;
	if (ncap > (size_t)-1 / elem)
		oom();
	*cap = ncap;
	return xrealloc(arr, ncap * elem);
}

void strv_push(struct strv *sv, char *owned)
{
	/* One slot more than n so that v stays NULL-terminated. */
	sv->v = grow_array(sv->v, sizeof(*sv->v), sv->n + 1, &sv->cap);
	sv->v[sv->n++] = owned;
	sv->v[sv->n] = NULL;
}

bool strv_contains(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

char *strv_join(const struct strv *sv, const char *sep)
{
	size_t len = 1;
	for (size_t i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + (i ? strlen(sep) : 0);
	char *out = xmalloc(len), *p = out;
	for (size_t i = 0; i < sv->n; i++)
		p = stpcpy(i ? stpcpy(p, sep) : p, sv->v[i]);
	*p = '\0';
	return out;
}

char *read_whole(int fd, size_t size, size_t *len)
{
	/* Room for one byte past size: a file that grew is read on. */
	size_t cap = (size ? size : 16384) + 2, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (cap - n < 2)
			buf = xrealloc(buf, cap *= 2);
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;
			free(buf);
			errno = err;
			return NULL;
		}
		n += (size_t)r;
		if (r == 0 || (size && n >= size && n + 1 < cap))
			break;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

bool self_exe_stat(struct stat *out)
{
	static struct stat st;
	static bool known;
	if (!known && stat("/proc/self/exe", &st) == 0)
		known = true;
	if (known)
		*out = st;
	return known;
}

void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int write_text_file(const char *path, const char *text)
{
	int fd = openat(AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

char *fd_realpath(int fd)
{
	char link[64], buf[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

bool test_hook(const char *name)
{
#ifdef LANDJAIL_TEST_HOOKS
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
#else
	(void)name;
	return false;
#endif
}

void proc_comm(pid_t pid, char *out, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, out, size - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		n = snprintf(out, size, "?");
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}
