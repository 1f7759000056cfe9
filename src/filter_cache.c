#include "filter_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define KEY_NAME "landjail:filter-cache"
static const char magic[8] = "LJBPF01\n";

/* ---- SipHash-2-4 ------------------------------------------------------------- */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                             \
	do {                                                                 \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);    \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                       \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                       \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);    \
	} while (0)

uint64_t siphash24(const uint8_t key[16], const void *msg, size_t n)
{
	const uint8_t *m = msg;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	size_t full = n - n % 8;
	for (size_t i = 0; i < full; i += 8) {
		uint64_t w = le64(m + i);
		v3 ^= w;
		SIPROUND;
		SIPROUND;
		v0 ^= w;
	}
	uint64_t b = (uint64_t)n << 56;
	for (size_t i = 0; i < n % 8; i++)
		b |= (uint64_t)m[full + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- the key ----------------------------------------------------------------- */

static bool get_key(uint8_t key[16], bool create)
{
	long id = syscall(SYS_request_key, "user", KEY_NAME, NULL, 0);
	if (id >= 0 && syscall(SYS_keyctl, KEYCTL_READ, id, key, 16) == 16)
		return true;
	if (!create || getrandom(key, 16, 0) != 16)
		return false;
	return syscall(SYS_add_key, "user", KEY_NAME, key, (size_t)16,
		       KEY_SPEC_USER_KEYRING) >= 0;
}

void filter_cache_invalidate(void)
{
	long id = syscall(SYS_request_key, "user", KEY_NAME, NULL, 0);
	if (id >= 0)
		syscall(SYS_keyctl, KEYCTL_INVALIDATE, id);
}

/* ---- files ----------------------------------------------------------------- */

/* The cache directory, created if need be; NULL when there is none we
 * can trust (not ours, open to others, a symlink). */
static char *cache_base(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	return xdg && xdg[0] == '/' ? xstrdup(xdg)
	       : home && home[0] == '/' ? xasprintf("%s/.cache", home) : NULL;
}

char *filter_cache_location(void)
{
	char *base = cache_base();
	if (!base)
		return NULL;
	char *real = realpath(base, NULL);
	char *dir = xasprintf("%s/landjail", real ? real : base);
	free(real);
	free(base);
	return dir;
}

static char *cache_dir(void)
{
	char *base = cache_base();
	if (!base)
		return NULL;
	char *dir = xasprintf("%s/landjail", base);
	mkdir(base, 0700);
	mkdir(dir, 0700);
	free(base);
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		free(dir);
		return NULL;
	}
	return dir;
}

static char *entry_path(const uint8_t key[16], const void *inputs, size_t n)
{
	char *dir = cache_dir();
	if (!dir)
		return NULL;
	char *path = xasprintf("%s/%016llx.bpf", dir, (unsigned long long)siphash24(key, inputs, n));
	free(dir);
	return path;
}

bool filter_cache_load(const void *inputs, size_t n, struct sock_filter **insns,
		       unsigned short *len)
{
	uint8_t key[16];
	if (!get_key(key, false))
		return false;
	char *path = entry_path(key, inputs, n);
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
	free(path);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_size > 1 << 20) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	size_t size = (size_t)st.st_size;
	uint8_t *buf = xmalloc(size + 1);
	bool ok = read(fd, buf, size) == (ssize_t)size;
	close(fd);
	/* magic, inputs length, inputs, program, MAC of all before it */
	size_t head = sizeof(magic) + sizeof(uint32_t);
	uint32_t n_in = 0;
	if (ok && size >= head + 8)
		memcpy(&n_in, buf + sizeof(magic), sizeof(n_in));
	ok = ok && size >= head + 8 && memcmp(buf, magic, sizeof(magic)) == 0 && n_in == n &&
	     size >= head + n + 8 && memcmp(buf + head, inputs, n) == 0;
	size_t prog = ok ? size - head - n - 8 : 0;
	ok = ok && prog % sizeof(struct sock_filter) == 0 && prog > 0 &&
	     prog / sizeof(struct sock_filter) <= 4096;
	uint64_t mac = 0;
	if (ok)
		memcpy(&mac, buf + size - 8, 8);
	ok = ok && mac == siphash24(key, buf, size - 8);
	if (ok) {
		*insns = xmalloc(prog);
		memcpy(*insns, buf + head + n, prog);
		*len = (unsigned short)(prog / sizeof(struct sock_filter));
	}
	free(buf);
	return ok;
}

void filter_cache_store(const void *inputs, size_t n, const struct sock_filter *insns,
			unsigned short len)
{
	uint8_t key[16];
	if (!get_key(key, true))
		return;
	char *path = entry_path(key, inputs, n);
	if (!path)
		return;
	size_t prog = len * sizeof(struct sock_filter);
	size_t size = sizeof(magic) + sizeof(uint32_t) + n + prog + 8;
	uint8_t *buf = xmalloc(size);
	uint32_t n_in = (uint32_t)n;
	uint8_t *p = buf;
	memcpy(p, magic, sizeof(magic));
	p += sizeof(magic);
	memcpy(p, &n_in, sizeof(n_in));
	p += sizeof(n_in);
	memcpy(p, inputs, n);
	p += n;
	memcpy(p, insns, prog);
	p += prog;
	uint64_t mac = siphash24(key, buf, size - 8);
	memcpy(p, &mac, 8);
	char *tmp = xasprintf("%s.%d.tmp", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		bool ok = write(fd, buf, size) == (ssize_t)size;
		close(fd);
		if (!ok || rename(tmp, path) < 0)
			unlink(tmp);
	}
	free(tmp);
	free(path);
	free(buf);
}
