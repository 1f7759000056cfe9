#include "filter_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "filter_cache_rules.h"
#include "util.h"

static const char bpf_magic[8] = "LJBPF03\n";
#define MAX_ENTRY (1 << 20)

/* ---- SHA-256 (FIPS 180-4) ------------------------------------------------------ */

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) +
			      sha_k[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

#if defined(__x86_64__)
#include <immintrin.h>
#ifdef __GLIBC__
#include <sys/platform/x86.h>
#else
#include <setjmp.h>
#include <signal.h>
#endif

/* The SHA extensions (sha256rnds2, sha256msg1/2): some 10x the portable
 * rounds, on every entry load.  Four rounds per step; W[i % 4] holds the
 * schedule words 4i..4i+3, computed two and one steps ahead. */
__attribute__((target("sha,sse4.1,ssse3"))) static void sha_blocks_ni(uint32_t h[8],
									const uint8_t *p,
									size_t blocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1); /* CDAB */
	__m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B); /* EFGH */
	__m128i s0 = _mm_alignr_epi8(t, s1, 8);     /* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xF0);          /* CDGH */
	for (; blocks--; p += 64) {
		__m128i save0 = s0, save1 = s1, w[4];
		for (int i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
		for (int i = 0; i < 16; i++) {
			__m128i m = _mm_add_epi32(w[i % 4], _mm_loadu_si128((const __m128i *)&sha_k[4 * i]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, m);
			if (i >= 3 && i < 15) {
				__m128i n = _mm_add_epi32(w[(i + 1) % 4],
							  _mm_alignr_epi8(w[i % 4], w[(i + 3) % 4], 4));
				w[(i + 1) % 4] = _mm_sha256msg2_epu32(n, w[i % 4]);
			}
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
			if (i >= 1 && i < 13)
				w[(i + 3) % 4] = _mm_sha256msg1_epu32(w[(i + 3) % 4], w[i % 4]);
		}
		s0 = _mm_add_epi32(s0, save0);
		s1 = _mm_add_epi32(s1, save1);
	}
	t = _mm_shuffle_epi32(s0, 0x1B);           /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);          /* DCHG */
	s0 = _mm_blend_epi16(t, s1, 0xF0);         /* DCBA */
	s1 = _mm_alignr_epi8(s1, t, 8);            /* HGFE */
	_mm_storeu_si128((__m128i *)&h[0], s0);
	_mm_storeu_si128((__m128i *)&h[4], s1);
}

#ifdef __GLIBC__
/* glibc has read CPUID already: no instruction that traps here.  The
 * tests' CPU without the instructions (below) gets the portable rounds
 * here too. */
static bool sha_ni(void)
{
	static int known = -1;
	if (known < 0)
		known = !test_hook("LANDJAIL_TEST_SHA_SIGILL") && CPU_FEATURE_ACTIVE(SHA) &&
			CPU_FEATURE_ACTIVE(SSE4_1) && CPU_FEATURE_ACTIVE(SSSE3);
	return known;
}
#else
/* Under musl nobody has read CPUID, and every leaf traps to a hypervisor:
 * the three that name SHA, SSE4.1 and SSSE3 cost some 30 us of a 1.7 ms
 * call on the VM of the README's figures.  So the first hash asks the
 * instructions themselves: the empty message's block through
 * sha_blocks_ni, under a SIGILL handler.  A CPU (or an emulator) without
 * them raises SIGILL, one that computes them wrong gives another digest;
 * either way the portable rounds are used.  (valgrind, which has no SHA
 * instructions, logs the one it cannot decode before the caught SIGILL.) */
static sigjmp_buf sha_probe_jmp;

static void sha_probe_sigill(int sig)
{
	(void)sig;
	siglongjmp(sha_probe_jmp, 1);
}

static bool sha_ni_computes(void)
{
	/* SHA-256 of the empty message, as state words. */
	static const uint32_t empty[8] = { 0xe3b0c442, 0x98fc1c14, 0x9afbf4c8, 0x996fb924,
					   0x27ae41e4, 0x649b934c, 0xa495991b, 0x7852b855 };
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	static const uint8_t block[64] = { 0x80 };
	struct sigaction sa = { .sa_handler = sha_probe_sigill }, old;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGILL, &sa, &old) < 0)
		return false;
	/* A SIGILL the caller's mask blocks would kill us, handler or not. */
	sigset_t ill, mask;
	sigemptyset(&ill);
	sigaddset(&ill, SIGILL);
	sigprocmask(SIG_UNBLOCK, &ill, &mask);
	volatile bool same = false;
	if (sigsetjmp(sha_probe_jmp, 0) == 0) {
		/* The tests' CPU without the instructions (test builds only). */
		if (test_hook("LANDJAIL_TEST_SHA_SIGILL"))
			__builtin_trap();
		sha_blocks_ni(h, block, 1);
		same = memcmp(h, empty, sizeof(h)) == 0;
	}
	sigprocmask(SIG_SETMASK, &mask, NULL);
	sigaction(SIGILL, &old, NULL);
	return same;
}

static bool sha_ni(void)
{
	static int known = -1;
	if (known < 0)
		known = sha_ni_computes();
	return known;
}
#endif
#endif

static void sha_blocks(uint32_t h[8], const uint8_t *p, size_t blocks, bool portable)
{
#if defined(__x86_64__)
	if (!portable && sha_ni()) {
		sha_blocks_ni(h, p, blocks);
		return;
	}
#endif
	(void)portable;
	for (size_t i = 0; i < blocks; i++)
		sha_block(h, p + 64 * i);
}

static void sha256_with(const void *msg, size_t n, uint8_t out[SHA256_BYTES], bool portable)
{
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	const uint8_t *m = msg;
	size_t full = n - n % 64;
	sha_blocks(h, m, full / 64, portable);
	/* The tail, 0x80, zeros, and the length in bits: one or two blocks. */
	uint8_t tail[128] = { 0 };
	size_t rest = n % 64, blocks = rest < 56 ? 1 : 2;
	memcpy(tail, m + full, rest);
	tail[rest] = 0x80;
	uint64_t bits = (uint64_t)n * 8;
	for (int i = 0; i < 8; i++)
		tail[blocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha_blocks(h, tail, blocks, portable);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (uint8_t)(h[i] >> (24 - 8 * j));
}

void sha256(const void *msg, size_t n, uint8_t out[SHA256_BYTES])
{
	sha256_with(msg, n, out, false);
}

void sha256_portable(const void *msg, size_t n, uint8_t out[SHA256_BYTES])
{
	sha256_with(msg, n, out, true);
}

/* ---- where the cache is ------------------------------------------------------------ */

static struct {
	bool enabled;
	int dirfd;
	char *dir;
	char note[512];
} cache = { .dirfd = -1 };

char *filter_cache_location(const char **why)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	*why = NULL;
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/landjail", xdg);
	if (home && home[0] == '/')
		return xasprintf("%s/.cache/landjail", home);
	*why = home ? "HOME is not an absolute path" : "HOME and XDG_CACHE_HOME are unset";
	return NULL;
}

__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cache.note, sizeof(cache.note), fmt, ap);
	va_end(ap);
}

const char *filter_cache_note(void)
{
	return cache.note[0] ? cache.note : "compiled";
}

bool filter_cache_enabled(void)
{
	return cache.enabled;
}

/* The canonical form of path as far as it exists, with the rest appended:
 * the cache directory may not exist yet, and its parent may be a link. */
static char *canonical(const char *path)
{
	char *head = xstrdup(path), *real;
	while (!(real = realpath(head, NULL))) {
		char *slash = strrchr(head, '/');
		if (!slash || slash == head) {
			free(head);
			return xstrdup(path);
		}
		*slash = '\0';
	}
	char *out = xasprintf("%s%s", strcmp(real, "/") ? real : "", path + strlen(head));
	free(real);
	free(head);
	return out;
}

static uid_t euid(void)
{
	static uid_t uid = (uid_t)-1;
	if (uid == (uid_t)-1)
		uid = geteuid();
	return uid;
}


/* The cache directory and its parent (~/.cache may not exist yet), 0700,
 * but never more: a HOME or XDG_CACHE_HOME parent that does not exist
 * (HOME=/nonexistent, as services and tests set it) is not created, and
 * the run compiles its filter instead.  False, with the reason in why,
 * when that fails. */
static bool make_dirs(const char *what, const char *dir, char *why, size_t n)
{
	char *parent = xstrdup(dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	int rc = mkdir(parent, 0700), err = errno;
	if (rc == 0 || err == EEXIST) {
		rc = mkdir(dir, 0700);
		err = errno;
	}
	free(parent);
	if (rc < 0 && err != EEXIST) {
		snprintf(why, n, "the %s %s cannot be created (%s)", what, dir, strerror(err));
		return false;
	}
	return true;
}

int filter_cache_dir_open(const char *what, const char *dir, bool create, struct stat *st,
			  char *why, size_t n)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(AT_FDCWD, dir, flags);
	if (fd < 0 && errno == ENOENT && create) {
		if (!make_dirs(what, dir, why, n))
			return -1;
		fd = openat(AT_FDCWD, dir, flags);
	}
	if (fd < 0) {
		int err = errno;
		if (lstat(dir, st) == 0 && (st->st_uid != euid() || !S_ISDIR(st->st_mode)))
			snprintf(why, n, "the %s %s is not used: it is %s", what, dir,
				 S_ISDIR(st->st_mode) ? "owned by someone else" : "not a directory");
		else
			snprintf(why, n, "the %s %s cannot be opened (%s)", what, dir, strerror(err));
		return -1;
	}
	if (fstat(fd, st) == 0 && st->st_uid == euid() && !(st->st_mode & 077))
		return fd;
	snprintf(why, n, "the %s %s is not used: it is %s (it must be the caller's own, "
		 "mode 0700)", what, dir, st->st_uid != euid() ? "owned by someone else" :
		 "open to others");
	close(fd);
	return -1;
}

int filter_cache_admit(const struct policy *p, bool fs_confined, char **msg)
{
	const char *why;
	char *dir = filter_cache_location(&why);
	cache.enabled = false;
	if (!dir) {
		note("compiled; no filter cache: %s", why);
		return 0;
	}
	bool off = test_hook("LANDJAIL_TEST_NO_FILTER_CACHE");
	/* Opened first: the descriptor gives the canonical name in one call. */
	struct stat st;
	char why_not[sizeof(cache.note) - 16] = "";
	int fd = fs_confined && !off ? filter_cache_dir_open("filter cache", dir, true, &st, why_not,
							     sizeof(why_not)) : -1;
	if (why_not[0])
		note("compiled; %s", why_not);
	char *canon = fd >= 0 ? fd_realpath(fd) : NULL;
	bool exists = fd >= 0;
	if (!canon) {
		canon = canonical(dir);
		exists = stat(canon, &st) == 0;
	}
	int err = filter_cache_check_rules(p, canon, exists ? &st : NULL, msg);
	free(canon);
	if (err < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		if (!err && !fs_confined)
			note("compiled; the filter cache is not used without filesystem confinement");
		else if (!err && off)
			note("compiled; the filter cache is off (LANDJAIL_TEST_NO_FILTER_CACHE)");
		free(dir);
		return err;
	}
	cache.enabled = true;
	cache.dirfd = fd;
	cache.dir = dir;
	note("compiled, then stored in the filter cache %s", dir);
	return 0;
}

/* ---- entries ------------------------------------------------------------------------- */

/* magic | u32 payload bytes | u32 zero | SHA-256 of the inputs | payload |
 * SHA-256 of all before it */
#define HEAD (8 + 8 + SHA256_BYTES)

void filter_cache_entry_name(const uint8_t digest[SHA256_BYTES], const char *suffix,
			     char name[FILTER_CACHE_NAME_MAX])
{
	/* Not snprintf per byte: some 800 instructions each, on every call. */
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < SHA256_BYTES; i++) {
		name[2 * i] = hex[digest[i] >> 4];
		name[2 * i + 1] = hex[digest[i] & 15];
	}
	snprintf(name + 2 * SHA256_BYTES, FILTER_CACHE_NAME_MAX - 2 * SHA256_BYTES, "%s", suffix);
}

uint8_t *filter_cache_entry_read(int dirfd, const char *name, size_t *size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	uint8_t *buf = NULL;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == euid() &&
	    !(st.st_mode & 077) && st.st_nlink == 1 && st.st_size <= MAX_ENTRY) {
		*size = (size_t)st.st_size;
		buf = xmalloc(*size + 1);
		if (read(fd, buf, *size + 1) != (ssize_t)*size) {
			free(buf);
			buf = NULL;
		}
	}
	if (fd >= 0)
		close(fd);
	return buf;
}

bool filter_cache_unseal(const char magic[8], const uint8_t key[SHA256_BYTES], const uint8_t *buf,
			 size_t size, const uint8_t **payload, size_t *payload_size)
{
	uint32_t count = 0, zero = 1;
	uint8_t sum[SHA256_BYTES];
	if (!buf || size < HEAD + SHA256_BYTES)
		return false;
	memcpy(&count, buf + 8, 4);
	memcpy(&zero, buf + 12, 4);
	if (memcmp(buf, magic, 8) != 0 || zero != 0 || count == 0 ||
	    size != HEAD + (size_t)count + SHA256_BYTES || memcmp(buf + 16, key, SHA256_BYTES) != 0)
		return false;
	sha256(buf, size - SHA256_BYTES, sum);
	if (memcmp(sum, buf + size - SHA256_BYTES, SHA256_BYTES) != 0)
		return false;
	*payload = buf + HEAD;
	*payload_size = count;
	return true;
}

uint8_t *filter_cache_seal(const char magic[8], const uint8_t key[SHA256_BYTES],
			   const void *payload, size_t payload_size, size_t *size)
{
	if (!payload_size || payload_size > MAX_ENTRY)
		return NULL;
	*size = HEAD + payload_size + SHA256_BYTES;
	uint8_t *buf = xcalloc(1, *size);
	uint32_t count = (uint32_t)payload_size;
	memcpy(buf, magic, 8);
	memcpy(buf + 8, &count, 4);
	memcpy(buf + 16, key, SHA256_BYTES);
	memcpy(buf + HEAD, payload, payload_size);
	sha256(buf, *size - SHA256_BYTES, buf + *size - SHA256_BYTES);
	return buf;
}

int filter_cache_entry_write(int dirfd, const char *name, const void *buf, size_t size)
{
	/* A private name, then an atomic rename: a reader sees the old entry,
	 * no entry, or the whole new one. */
	char *tmp = xasprintf(".%s.%d.tmp", name, (int)getpid());
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int err = fd < 0 ? -errno : 0;
	if (fd >= 0 && write(fd, buf, size) != (ssize_t)size)
		err = -(errno ? errno : EIO);
	if (fd >= 0 && close(fd) < 0 && !err)
		err = -errno;
	if (fd >= 0 && (err || renameat(dirfd, tmp, dirfd, name) < 0)) {
		err = err ? err : -errno;
		unlinkat(dirfd, tmp, 0);
	}
	free(tmp);
	return err;
}

/* Asked by both caches; the stat is taken once (self_exe_stat). */
void filter_cache_exe_id(uint64_t out[4])
{
	struct stat st;
	memset(out, 0, 4 * sizeof(*out));
	if (!self_exe_stat(&st))
		return;
	out[0] = st.st_dev;
	out[1] = st.st_ino;
	out[2] = (uint64_t)st.st_size;
	out[3] = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
}

bool filter_cache_load(const void *inputs, size_t n, void **payload, size_t *payload_size)
{
	if (!cache.enabled)
		return false;
	uint8_t want[SHA256_BYTES];
	char name[FILTER_CACHE_NAME_MAX];
	sha256(inputs, n, want);
	filter_cache_entry_name(want, ".bpf", name);
	size_t size = 0, count = 0;
	uint8_t *buf = filter_cache_entry_read(cache.dirfd, name, &size);
	const uint8_t *body = NULL;
	bool ok = filter_cache_unseal(bpf_magic, want, buf, size, &body, &count);
	if (ok) {
		*payload = xmalloc(count);
		memcpy(*payload, body, count);
		*payload_size = count;
		note("from the filter cache %s", cache.dir);
	} else if (buf) {
		note("compiled; the entry %s/%s was damaged and is replaced", cache.dir, name);
	}
	free(buf);
	return ok;
}

/* A payload the loader refused for its content (filter_cache.h). */
void filter_cache_damaged(void)
{
	note("compiled; an entry in the filter cache %s was damaged and is replaced",
	     cache.dir);
}

void filter_cache_store(const void *inputs, size_t n, const void *payload, size_t payload_size)
{
	if (!cache.enabled)
		return;
	uint8_t digest[SHA256_BYTES];
	size_t size;
	sha256(inputs, n, digest);
	uint8_t *buf = filter_cache_seal(bpf_magic, digest, payload, payload_size, &size);
	if (!buf)
		return;
	char name[FILTER_CACHE_NAME_MAX];
	filter_cache_entry_name(digest, ".bpf", name);
	int err = filter_cache_entry_write(cache.dirfd, name, buf, size);
	if (err < 0)
		note("compiled; the filter cache %s cannot be written (%s)", cache.dir,
		     strerror(-err));
	free(buf);
}
