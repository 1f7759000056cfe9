/* Small allocation and string-vector helpers. */
#ifndef LANDJAIL_UTIL_H
#define LANDJAIL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure is the one error that does not travel back up: there
 * is nothing sensible a caller could do, so these print and _exit(125). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (of element size elem) so that it holds at least n+1 items. */
void *grow_array(void *arr, size_t elem, size_t n, size_t *cap);

/* A NULL-terminated vector of owned strings. */
struct strv {
	char **v;
	size_t n, cap;
};

void strv_push(struct strv *sv, char *owned);
bool strv_contains(const struct strv *sv, const char *s);
void strv_free(struct strv *sv);
/* The strings joined with sep between them (malloc'd, "" when empty). */
char *strv_join(const struct strv *sv, const char *sep);

/* Write text to an existing file (a /proc or /sys knob): 0 or -errno. */
int write_text_file(const char *path, const char *text);

/* The canonical path of an open descriptor, through /proc/self/fd
 * (malloc'd), or NULL. */
char *fd_realpath(int fd);

/* Everything left to read on fd (malloc'd, NUL-terminated, its length in
 * *len unless NULL), or NULL with errno.  size is what fstat said of a
 * regular file, 0 when unknown (/proc): with it a file that has not
 * grown is read in one call. */
char *read_whole(int fd, size_t size, size_t *len);

/* The stat of this binary (/proc/self/exe), taken once a process (the
 * caches' keys and the wrappers' self-check ask for it); false if it
 * cannot be had. */
bool self_exe_stat(struct stat *out);

/* Close fd if it is >= 0 and set it to -1. */
void close_fd(int *fd);

/* The name /proc/PID/comm gives (the program's to choose: escape it
 * before printing), or "?". */
void proc_comm(pid_t pid, char *out, size_t size);

/* A test-only switch: the variable is set and not "0", in builds
 * configured with -Dtest_hooks=true; always false otherwise. */
bool test_hook(const char *name);

#endif
