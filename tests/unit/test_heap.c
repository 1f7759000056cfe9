/* landjail's malloc (src/heap.c, the build against musl): every size
 * class and the large blocks hold what was written and keep their
 * alignment; calloc zeroes a reused block and refuses an overflowing
 * size; realloc keeps the contents; a freed block is reused; and what a
 * program could do with a dangling pointer (free twice, overwrite a
 * header or a free block's link) ends the process instead of handing
 * out memory it chose. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

/* The compiler may not see through these: the calls must reach heap.c. */
static void *(*volatile do_malloc)(size_t) = malloc;
static void (*volatile do_free)(void *) = free;
static void *(*volatile do_calloc)(size_t, size_t) = calloc;
static void *(*volatile do_realloc)(void *, size_t) = realloc;

static bool filled(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void sizes(void)
{
	/* Every class's edges (16 << k and one more), then the large blocks. */
	size_t n[40];
	size_t m = 0;
	n[m++] = 0;
	n[m++] = 1;
	for (size_t k = 16; k <= 65536; k *= 2) {
		n[m++] = k;
		n[m++] = k + 1;
	}
	n[m++] = 1 << 20;
	bool ok = true;
	void *p[sizeof(n) / sizeof(n[0])];
	for (size_t i = 0; i < m; i++) {
		p[i] = do_malloc(n[i]);
		ok = ok && p[i] && ((uintptr_t)p[i] & 15) == 0 && malloc_usable_size(p[i]) >= n[i];
		if (p[i])
			memset(p[i], (int)i + 1, n[i]);
	}
	for (size_t i = 0; i < m; i++) {
		ok = ok && filled(p[i], n[i], (unsigned char)(i + 1));
		do_free(p[i]);
	}
	TAP_OK(ok, "blocks of 0 bytes to 1 MiB, at both edges of every class: 16-byte "
	       "aligned, as large as asked, each keeps what was written");
}

static void reuse(void)
{
	void *a = do_malloc(40);
	do_free(a);
	void *b = do_malloc(64);
	TAP_OK(a == b, "a freed block is what the next allocation of its class gets");
	memset(b, 0xa5, 64);
	do_free(b);
	unsigned char *c = calloc(8, 8);
	TAP_OK(c == b && filled(c, 64, 0), "calloc zeroes a reused block");
	do_free(c);
	errno = 0;
	void *big = do_calloc(SIZE_MAX / 4, 8);
	TAP_OK(!big && errno == ENOMEM, "calloc refuses a count and size that overflow");
	errno = 0;
	TAP_OK(!do_malloc(SIZE_MAX - 8) && errno == ENOMEM, "malloc refuses a size near SIZE_MAX");
}

static void resize(void)
{
	unsigned char *p = do_malloc(10);
	memcpy(p, "0123456789", 10);
	p = realloc(p, 100000);
	bool ok = p && memcmp(p, "0123456789", 10) == 0;
	p = realloc(p, 5);
	ok = ok && p && memcmp(p, "01234", 5) == 0;
	do_free(p);
	TAP_OK(ok, "realloc to a large block and back keeps the contents");
	TAP_OK(realloc(NULL, 7) != NULL, "realloc(NULL, n) allocates");
}

static void aligned(void)
{
	bool ok = true;
	for (size_t a = 32; a <= 8192; a *= 4) {
		unsigned char *p = aligned_alloc(a, 100);
		ok = ok && p && ((uintptr_t)p & (a - 1)) == 0 && malloc_usable_size(p) >= 100;
		if (p) {
			memset(p, 7, 100);
			p = realloc(p, 200);
			ok = ok && p && filled(p, 100, 7);
		}
		do_free(p);
	}
	TAP_OK(ok, "aligned_alloc up to 8 KiB: aligned, usable, reallocated and freed");
	void *q = NULL;
	TAP_OK(posix_memalign(&q, 24, 8) == EINVAL && !q, "posix_memalign refuses an alignment "
	       "that is not a power of two");
}

/* The child's fate: it must die by SIGABRT (or, for a forged link that
 * decodes to unmapped memory, SIGSEGV), never go on. */
static bool dies(void (*attack)(void), bool segv_too)
{
	pid_t pid = fork();
	if (pid == 0) {
		close(2); /* the message is not the test's output */
		attack();
		_exit(0);
	}
	int st;
	return waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
	       (WTERMSIG(st) == SIGABRT || (segv_too && WTERMSIG(st) == SIGSEGV));
}

static bool aborts(void (*attack)(void))
{
	return dies(attack, false);
}

static void double_free(void)
{
	void *p = do_malloc(24);
	do_free(p);
	do_free(p);
}

static void bad_header(void)
{
	unsigned char *p = do_malloc(24);
	memset(p - 16, 0x41, 16);
	do_free(p);
}

static void realloc_freed(void)
{
	void *p = do_malloc(24);
	do_free(p);
	do_realloc(p, 10); /* would hand back a block on the free list */
}

static void aligned_twice(void)
{
	void *p = aligned_alloc(64, 100);
	do_free(p);
	do_malloc(180); /* its base again, in use */
	do_free(p);
}

static void large_size(void)
{
	unsigned char *p = do_malloc(1 << 20);
	uint64_t huge = 1ull << 40;
	memcpy(p - 8, &huge, sizeof(huge)); /* the header's size field */
	do_free(p); /* would munmap whatever lies beyond */
}

/* A free block's link pointed at memory of the attacker's choice. */
static unsigned char target[256] __attribute__((aligned(16)));

static void forged_link(void)
{
	void **p = do_malloc(200);
	do_free(p);
	*p = target + 16;
	do_malloc(200); /* the forged block itself */
	do_malloc(200); /* would be target + 16 */
}

int main(void)
{
	sizes();
	reuse();
	resize();
	aligned();
	TAP_OK(aborts(double_free), "a double free aborts");
	TAP_OK(aborts(bad_header), "a block whose header was overwritten aborts when freed");
	TAP_OK(aborts(realloc_freed), "realloc of a freed block aborts");
	TAP_OK(aborts(aligned_twice), "a double free of an aligned block aborts, after its "
	       "base was reused too");
	TAP_OK(aborts(large_size), "a large block whose size was overwritten aborts when freed");
	TAP_OK(dies(forged_link, true), "a forged link in a free block ends the process: no "
	       "allocation lands where it pointed");
	return tap_done();
}
