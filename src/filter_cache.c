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
#include "util.h"

static const char magic[8] = "LJBPF02\n";
#define MAX_ENTRY (1 << 20)
#define MAX_INSNS 4096

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

void sha256(const void *msg, size_t n, uint8_t out[SHA256_BYTES])
{
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	const uint8_t *m = msg;
	size_t full = n - n % 64;
	for (size_t i = 0; i < full; i += 64)
		sha_block(h, m + i);
	/* The tail, 0x80, zeros, and the length in bits: one or two blocks. */
	uint8_t tail[128] = { 0 };
	size_t rest = n % 64, blocks = rest < 56 ? 1 : 2;
	memcpy(tail, m + full, rest);
	tail[rest] = 0x80;
	uint64_t bits = (uint64_t)n * 8;
	for (int i = 0; i < 8; i++)
		tail[blocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
	for (size_t b = 0; b < blocks; b++)
		sha_block(h, tail + 64 * b);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (uint8_t)(h[i] >> (24 - 8 * j));
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

/* ---- which inodes a sandbox must not be able to write ------------------------------ */

struct ino_set {
	struct { dev_t dev; ino_t ino; } v[256];
	size_t n;
	bool full; /* more than fit: the check must fail closed */
};

static void set_add_path(struct ino_set *s, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (s->n == ARRAY_SIZE(s->v))
		s->full = true;
	else
		s->v[s->n].dev = st.st_dev, s->v[s->n++].ino = st.st_ino;
}

static bool set_has(const struct ino_set *s, const struct stat *st)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].dev == st->st_dev && s->v[i].ino == st->st_ino)
			return true;
	return false;
}

/* path and every directory above it, as far as they exist. */
static void set_add_ancestors(struct ino_set *s, const char *path)
{
	char *p = xstrdup(path);
	for (;;) {
		set_add_path(s, p[0] ? p : "/");
		char *slash = strrchr(p, '/');
		if (!slash || !p[0])
			break;
		*slash = '\0';
	}
	free(p);
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

/* Is prefix equal to path or a directory above it (as strings)? */
static size_t under(const char *prefix, const char *path)
{
	size_t n = strlen(prefix);
	if (n == 1 && prefix[0] == '/')
		return path[0] == '/' ? 0 : (size_t)-1;
	return strncmp(prefix, path, n) == 0 && (path[n] == '/' || !path[n]) ? n : (size_t)-1;
}

/* mountinfo escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++, o++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
			*o = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o = *s;
		}
	}
	*o = '\0';
}

struct mnt {
	unsigned major, minor;
	char root[4096], point[4096];
};

static bool mnt_parse(const char *line, struct mnt *m)
{
	if (sscanf(line, "%*d %*d %u:%u %4095s %4095s", &m->major, &m->minor, m->root,
		   m->point) != 4)
		return false;
	unescape(m->root);
	unescape(m->point);
	return true;
}

/* /proc/self/mountinfo in one piece (malloc'd), or NULL: one or two
 * reads instead of a stdio buffer's many. */
static char *read_mountinfo(void)
{
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 16384, n = 0;
	char *buf = xmalloc(cap);
	for (ssize_t r = 1; r > 0; n += (size_t)r) {
		if (cap - n < 4096)
			buf = xrealloc(buf, cap *= 2);
		if ((r = read(fd, buf + n, cap - n - 1)) < 0) {
			free(buf);
			close(fd);
			return NULL;
		}
	}
	close(fd);
	buf[n] = '\0';
	return buf;
}

/* Every other place where the directory canon (canonical) is visible: a
 * bind mount of it or of a directory above it elsewhere.  The directories
 * above each such place go into s too.  -errno when mountinfo cannot be
 * read: then bind mounts cannot be ruled out. */
static int set_add_aliases(struct ino_set *s, const char *canon)
{
	char *info = read_mountinfo();
	if (!info)
		return -errno;
	size_t lines = 0;
	for (char *c = info; *c; c++)
		if (*c == '\n')
			*c = '\0', lines++;
	struct mnt *m = xmalloc(sizeof(*m)), *home = xcalloc(1, sizeof(*home));
	size_t best = 0;
	/* First the mount canon lies on: the longest mount point above it
	 * (the last such line wins: it is mounted over the others). */
	char *line = info;
	for (size_t i = 0; i < lines; i++, line += strlen(line) + 1)
		if (mnt_parse(line, m) && under(m->point, canon) != (size_t)-1 &&
		    strlen(m->point) >= best) {
			best = strlen(m->point);
			*home = *m;
		}
	char *rel = xasprintf("%s%s", strcmp(home->root, "/") ? home->root : "",
			      home->point[0] ? canon + under(home->point, canon) : "");
	if (!rel[0]) {
		free(rel);
		rel = xstrdup("/");
	}
	line = info;
	for (size_t i = 0; home->point[0] && i < lines; i++, line += strlen(line) + 1) {
		size_t k;
		if (!mnt_parse(line, m) || m->major != home->major || m->minor != home->minor ||
		    (k = under(m->root, rel)) == (size_t)-1)
			continue;
		char *alias = xasprintf("%s%s", strcmp(m->point, "/") ? m->point : "", rel + k);
		if (strcmp(alias, canon))
			set_add_ancestors(s, alias[0] ? alias : "/");
		free(alias);
	}
	free(rel);
	free(m);
	free(home);
	free(info);
	return 0;
}

static uid_t euid(void)
{
	static uid_t uid = (uid_t)-1;
	if (uid == (uid_t)-1)
		uid = geteuid();
	return uid;
}

/* May rule r (its inode: st) let the program change what the cache
 * directory (dir, with the directories above it and their aliases in s)
 * holds?  A directory rule does when it names one of them; a file rule
 * when the file is an entry, that is sits in the cache directory itself. */
static bool rule_reaches(const struct fs_rule *r, const struct stat *st, const struct ino_set *s,
			 const struct stat *dir)
{
	if (S_ISDIR(st->st_mode))
		return set_has(s, st);
	if (!S_ISREG(st->st_mode) || !dir)
		return false;
	char *real = r->fd >= 0 ? fd_realpath(r->fd) : realpath(r->path, NULL);
	char *slash = real ? strrchr(real, '/') : NULL;
	struct stat parent;
	bool in = false;
	if (slash) {
		*slash = '\0';
		in = stat(real[0] ? real : "/", &parent) == 0 && parent.st_dev == dir->st_dev &&
		     parent.st_ino == dir->st_ino;
	}
	free(real);
	return in;
}

static char *rule_refused(const struct fs_rule *r, const char *canon)
{
	char *rule = r->at.line ? xasprintf("%s:%u: %s %s", r->at.file, r->at.line,
					    fs_access_name(r->access), r->path)
				: xstrdup(r->at.file);
	char *msg = xasprintf("%s lets the program write landjail's filter cache (%s): it "
			      "could plant a filter that a later run loads; refusing (narrow "
			      "the rule, or move the cache out of its reach with "
			      "XDG_CACHE_HOME)", rule, canon);
	free(rule);
	return msg;
}

/* -EPERM with *msg when some rule of p reaches the cache at canon (dir:
 * its inode, NULL when it does not exist). */
static int check_rules(const struct policy *p, const char *canon, const struct stat *dir,
		       char **msg)
{
	struct ino_set *s = xcalloc(1, sizeof(*s));
	struct stat *st = xcalloc(p->n_fs ? p->n_fs : 1, sizeof(*st));
	bool *writes = xcalloc(p->n_fs ? p->n_fs : 1, sizeof(*writes)), dirs = false;
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		writes[i] = !r->missing && fs_access_writes(r->access) &&
			    (r->fd >= 0 ? fstat(r->fd, &st[i]) : stat(r->path, &st[i])) == 0;
		dirs |= writes[i] && S_ISDIR(st[i].st_mode);
	}
	int err = 0;
	if (dirs) {
		set_add_ancestors(s, canon);
		err = set_add_aliases(s, canon);
	}
	if (!err && s->full)
		err = -E2BIG;
	if (err < 0)
		*msg = xasprintf("%s, so landjail cannot tell whether this policy's writable "
				 "directories hold its filter cache (%s); refusing",
				 err == -E2BIG ? "the cache directory is visible in more places "
						 "than landjail tracks (bind mounts)"
					       : "cannot read /proc/self/mountinfo", canon);
	for (size_t i = 0; !err && i < p->n_fs; i++)
		if (writes[i] && rule_reaches(&p->fs[i], &st[i], s, dir)) {
			*msg = rule_refused(&p->fs[i], canon);
			err = -EPERM;
		}
	free(writes);
	free(st);
	free(s);
	return err;
}

/* The cache directory and its parent (~/.cache may not exist yet), 0700,
 * but never more: a HOME or XDG_CACHE_HOME parent that does not exist
 * (HOME=/nonexistent, as services and tests set it) is not created, and
 * the run compiles its filter instead.  False, with the reason in the
 * note, when that fails. */
static bool make_dirs(const char *dir)
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
		note("compiled; the filter cache %s cannot be created (%s)", dir, strerror(err));
		return false;
	}
	return true;
}

/* The cache directory, opened (and created when missing), with its inode
 * in *st; -1 with the reason in the note when it cannot be used. */
static int open_dir(const char *dir, struct stat *st)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(dir, flags);
	if (fd < 0 && errno == ENOENT) {
		if (!make_dirs(dir))
			return -1;
		fd = open(dir, flags);
	}
	if (fd < 0) {
		int err = errno;
		if (lstat(dir, st) == 0 && (st->st_uid != euid() || !S_ISDIR(st->st_mode)))
			note("compiled; the filter cache %s is not used: it is %s", dir,
			     S_ISDIR(st->st_mode) ? "owned by someone else" : "not a directory");
		else
			note("compiled; the filter cache %s cannot be opened (%s)", dir, strerror(err));
		return -1;
	}
	if (fstat(fd, st) == 0 && st->st_uid == euid() && !(st->st_mode & 077))
		return fd;
	note("compiled; the filter cache %s is not used: it is %s (it must be the caller's own, "
	     "mode 0700)", dir, st->st_uid != euid() ? "owned by someone else" : "open to others");
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
	int fd = fs_confined && !off ? open_dir(dir, &st) : -1;
	char *canon = fd >= 0 ? fd_realpath(fd) : NULL;
	bool exists = fd >= 0;
	if (!canon) {
		canon = canonical(dir);
		exists = stat(canon, &st) == 0;
	}
	int err = check_rules(p, canon, exists ? &st : NULL, msg);
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

/* magic | u32 instructions | u32 zero | SHA-256 of the inputs | program |
 * SHA-256 of all before it */
#define HEAD (sizeof(magic) + 8 + SHA256_BYTES)

static void entry_name(const uint8_t digest[SHA256_BYTES], char name[2 * SHA256_BYTES + 5])
{
	for (int i = 0; i < SHA256_BYTES; i++)
		snprintf(name + 2 * i, 3, "%02x", digest[i]);
	memcpy(name + 2 * SHA256_BYTES, ".bpf", 5);
}

/* The entry's bytes, read from a file that only we can have written. */
static uint8_t *entry_read(const char *name, size_t *size)
{
	int fd = openat(cache.dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
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

bool filter_cache_load(const void *inputs, size_t n, struct sock_filter **insns,
		       unsigned short *len)
{
	if (!cache.enabled)
		return false;
	uint8_t want[SHA256_BYTES], sum[SHA256_BYTES];
	char name[2 * SHA256_BYTES + 5];
	sha256(inputs, n, want);
	entry_name(want, name);
	size_t size = 0;
	uint8_t *buf = entry_read(name, &size);
	uint32_t count = 0, zero = 1;
	if (buf && size >= HEAD + SHA256_BYTES) {
		memcpy(&count, buf + sizeof(magic), 4);
		memcpy(&zero, buf + sizeof(magic) + 4, 4);
	}
	size_t prog = (size_t)count * sizeof(struct sock_filter);
	bool ok = buf && size >= HEAD + SHA256_BYTES && memcmp(buf, magic, sizeof(magic)) == 0 &&
		  zero == 0 && count > 0 && count <= MAX_INSNS &&
		  size == HEAD + prog + SHA256_BYTES &&
		  memcmp(buf + sizeof(magic) + 8, want, SHA256_BYTES) == 0;
	if (ok) {
		sha256(buf, size - SHA256_BYTES, sum);
		ok = memcmp(sum, buf + size - SHA256_BYTES, SHA256_BYTES) == 0;
	}
	if (ok) {
		*insns = xmalloc(prog);
		memcpy(*insns, buf + HEAD, prog);
		*len = (unsigned short)count;
		note("from the filter cache %s", cache.dir);
	} else if (buf) {
		note("compiled; the entry %s/%s was damaged and is replaced", cache.dir, name);
	}
	free(buf);
	return ok;
}

void filter_cache_store(const void *inputs, size_t n, const struct sock_filter *insns,
			unsigned short len)
{
	if (!cache.enabled || !len || len > MAX_INSNS)
		return;
	size_t prog = len * sizeof(struct sock_filter), size = HEAD + prog + SHA256_BYTES;
	uint8_t *buf = xcalloc(1, size), digest[SHA256_BYTES];
	uint32_t count = len;
	memcpy(buf, magic, sizeof(magic));
	memcpy(buf + sizeof(magic), &count, 4);
	sha256(inputs, n, digest);
	memcpy(buf + sizeof(magic) + 8, digest, SHA256_BYTES);
	memcpy(buf + HEAD, insns, prog);
	sha256(buf, size - SHA256_BYTES, buf + size - SHA256_BYTES);
	char name[2 * SHA256_BYTES + 5];
	entry_name(digest, name);
	/* A private name, then an atomic rename: a reader sees the old entry,
	 * no entry, or the whole new one. */
	char *tmp = xasprintf(".%s.%d.tmp", name, (int)getpid());
	int fd = openat(cache.dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0600);
	bool ok = fd >= 0 && write(fd, buf, size) == (ssize_t)size;
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	if (fd >= 0 && (!ok || renameat(cache.dirfd, tmp, cache.dirfd, name) < 0)) {
		unlinkat(cache.dirfd, tmp, 0);
		ok = false;
	}
	if (!ok)
		note("compiled; the filter cache %s cannot be written (%s)", cache.dir,
		     strerror(errno));
	free(tmp);
	free(buf);
}
