/* landjail's own malloc, in the build against musl (packaging/musl).
 *
 * Why: musl's allocator gives memory back as soon as a group of blocks
 * is free, and a launch of landjail frees and allocates a few hundred
 * small things: some twenty mmap/munmap pairs a call.  Since the reaper
 * shares the supervisor's memory (reaper.c), each munmap also interrupts
 * the other CPU to flush its TLB, which in a VM is an exit to the
 * hypervisor.  landjail lives for one call: this heap never unmaps a
 * small block, it keeps it for the next allocation of its size.
 *
 * Blocks are power-of-two sizes from 16 bytes to 64 KiB, carved from
 * 256 KiB mappings; larger ones are mappings of their own.  Each has a
 * 16-byte header: its class, a check word, and whether it is free.  A
 * free list's links are stored masked by their own address and a random
 * key (glibc's "safe linking"), so that a program's write through a
 * dangling pointer cannot aim the next allocation.  A corrupt header, a
 * double free or a realloc of a freed block ends the process (abort), as
 * musl's own checks do.
 *
 * Not thread-safe: landjail has no threads.  The processes that share
 * this memory take turns: the vfork child runs while the supervisor is
 * suspended, and the reaper makes no libc call while the supervisor
 * lives (rawcall.h). */
#include <errno.h>
#include <stdint.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEAP_CLASSES 13 /* 16 << 0 .. 16 << 12 = 64 KiB */
#define HEAP_MIN_SHIFT 4
#define HEAP_CHUNK (256u << 10)
#define HEAP_LARGE 0xffu
#define HEAP_ALIGNED 0xfeu

struct heap_hdr {
	uint32_t check;  /* heap_check of this header */
	uint8_t class;   /* 0..HEAP_CLASSES-1, HEAP_LARGE, HEAP_ALIGNED */
	uint8_t free;
	uint16_t pad;
	uint64_t size;   /* HEAP_LARGE: the mapping's length; HEAP_ALIGNED: offset to the real block */
};

static struct {
	uintptr_t key;
	uintptr_t last; /* what a list's last link decodes to: random too */
	uintptr_t free_list[HEAP_CLASSES];
	char *bump, *end;
} heap;

static void heap_init(void)
{
	if (heap.key)
		return;
	/* AT_RANDOM: 16 bytes the kernel gave this process. */
	const uintptr_t *r = (const uintptr_t *)getauxval(AT_RANDOM);
	heap.key = (r ? r[0] : (uintptr_t)&heap) | 1;
	/* Odd, so never a block's address: a last link read through a
	 * dangling pointer gives away last ^ key, not the key. */
	heap.last = (r ? r[1] : (uintptr_t)&heap.last) | 1;
}

/* Covers every field: an overwritten class, size or free flag is caught
 * as surely as the check word itself. */
static uint32_t heap_check(const struct heap_hdr *h)
{
	uintptr_t v = ((uintptr_t)h ^ heap.key) * 0x9e3779b97f4a7c15u;
	v ^= ((uintptr_t)h->size + ((uintptr_t)h->class << 1 | h->free)) * 0xc2b2ae3d27d4eb4fu;
	return (uint32_t)(v >> 32) ^ (uint32_t)v;
}

static _Noreturn void heap_corrupt(void)
{
	static const char msg[] = "landjail: heap corruption detected\n";
	write(2, msg, sizeof(msg) - 1);
	abort();
}

/* The header of a block in use: a free one here is a double free or a
 * use after free (realloc, malloc_usable_size). */
static struct heap_hdr *heap_header(void *p)
{
	struct heap_hdr *h = (struct heap_hdr *)p - 1;
	if (h->check != heap_check(h) || h->free)
		heap_corrupt();
	return h;
}

static int heap_class_of(size_t n)
{
	size_t cap = (size_t)1 << HEAP_MIN_SHIFT;
	for (int c = 0; c < HEAP_CLASSES; c++, cap <<= 1)
		if (n <= cap)
			return c;
	return -1;
}

static void *heap_map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void *heap_stamp(struct heap_hdr *h, uint8_t class, uint64_t size)
{
	h->class = class;
	h->free = 0;
	h->pad = 0;
	h->size = size;
	h->check = heap_check(h);
	return h + 1;
}

static void *heap_large(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (n > SIZE_MAX - sizeof(struct heap_hdr) - page) {
		errno = ENOMEM;
		return NULL;
	}
	size_t len = (n + sizeof(struct heap_hdr) + page - 1) & ~(page - 1);
	struct heap_hdr *h = heap_map(len);
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	return heap_stamp(h, HEAP_LARGE, len);
}

static void *heap_small(int c)
{
	size_t block = sizeof(struct heap_hdr) + ((size_t)1 << (c + HEAP_MIN_SHIFT));
	struct heap_hdr *h;
	if (heap.free_list[c]) {
		uintptr_t at = heap.free_list[c] ^ heap.key;
		/* A forged link decodes to garbage: rarely aligned, and then
		 * rarely a header that checks. */
		if (at & 15)
			heap_corrupt();
		h = (struct heap_hdr *)at;
		if (h->check != heap_check(h) || !h->free || h->class != c)
			heap_corrupt();
		uintptr_t enc, next;
		memcpy(&enc, h + 1, sizeof(enc));
		next = enc ^ ((uintptr_t)h >> 12) ^ heap.key;
		heap.free_list[c] = next == heap.last ? 0 : next ^ heap.key;
	} else {
		if ((size_t)(heap.end - heap.bump) < block) {
			/* The rest of the old chunk is left unused: at most one
			 * block of the largest class, once per chunk. */
			char *m = heap_map(HEAP_CHUNK);
			if (!m) {
				errno = ENOMEM;
				return NULL;
			}
			heap.bump = m;
			heap.end = m + HEAP_CHUNK;
		}
		h = (struct heap_hdr *)heap.bump;
		heap.bump += block;
	}
	return heap_stamp(h, (uint8_t)c, 0);
}

static void *heap_alloc(size_t n)
{
	heap_init();
	int c = heap_class_of(n ? n : 1);
	return c < 0 ? heap_large(n) : heap_small(c);
}

void *malloc(size_t n)
{
	return heap_alloc(n);
}

void free(void *p)
{
	if (!p)
		return;
	/* A second free of a small block finds it marked free; of a large
	 * one, most likely an unmapped header (SIGSEGV). */
	struct heap_hdr *h = heap_header(p);
	if (h->class == HEAP_ALIGNED) {
		/* Marked too: its base may be reused while p is still around. */
		h->free = 1;
		h->check = heap_check(h);
		free((char *)p - h->size);
		return;
	}
	if (h->class == HEAP_LARGE) {
		munmap(h, h->size);
		return;
	}
	if (h->class >= HEAP_CLASSES)
		heap_corrupt();
	h->free = 1;
	h->check = heap_check(h);
	uintptr_t head = heap.free_list[h->class];
	uintptr_t enc = (head ? head ^ heap.key : heap.last) ^ ((uintptr_t)h >> 12) ^ heap.key;
	memcpy(p, &enc, sizeof(enc));
	heap.free_list[h->class] = (uintptr_t)h ^ heap.key;
}

static size_t heap_capacity(const struct heap_hdr *h)
{
	if (h->class == HEAP_LARGE)
		return h->size - sizeof(*h);
	return (size_t)1 << (h->class + HEAP_MIN_SHIFT);
}

void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	/* Not malloc and memset, which the compiler would make a call to
	 * calloc.  A large block is a fresh mapping: zero already. */
	void *p = heap_alloc(n * size);
	if (p && heap_header(p)->class != HEAP_LARGE)
		memset(p, 0, n * size);
	return p;
}


void *aligned_alloc(size_t align, size_t n)
{
	if (!align || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	if (align <= 16)
		return heap_alloc(n);
	if (n > SIZE_MAX - align - sizeof(struct heap_hdr)) {
		errno = ENOMEM;
		return NULL;
	}
	char *base = heap_alloc(n + align + sizeof(struct heap_hdr));
	if (!base)
		return NULL;
	uintptr_t at = ((uintptr_t)base + sizeof(struct heap_hdr) + align - 1) & ~(align - 1);
	return heap_stamp((struct heap_hdr *)at - 1, HEAP_ALIGNED, at - (uintptr_t)base);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	if (align < sizeof(void *))
		return EINVAL;
	void *p = aligned_alloc(align, n);
	if (!p)
		return errno;
	*out = p;
	return 0;
}

void *memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}

size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	struct heap_hdr *h = heap_header(p);
	if (h->class == HEAP_ALIGNED) {
		struct heap_hdr *b = heap_header((char *)p - h->size);
		return heap_capacity(b) - h->size;
	}
	return heap_capacity(h);
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	/* What the block holds already, an aligned one's too: n fits, or
	 * all of it moves. */
	size_t have = malloc_usable_size(p);
	if (n <= have)
		return p;
	void *q = heap_alloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	free(p);
	return q;
}
