/* fdmeta: change the metadata or the size of the file behind an open
 * descriptor, as code that took over a converter would do to the log it
 * inherited as stderr.  Prints "ok" or the errno's name and exits 0 or 1.
 *
 *   fdmeta OP FD              OP on descriptor FD (a number)
 *   fdmeta OP PATH            OP on PATH, opened read-write (created)
 *   fdmeta OP ro:PATH         OP on PATH, opened read-only
 *   fdmeta -t OP FD|PATH      the same from a second thread (the caller
 *                             is then multi-threaded)
 *   fdmeta dup OP FD          dup FD to a high number first, then OP on it
 *   fdmeta swap FD PATH       a race: one thread fchmods a descriptor that
 *                             a second thread keeps switching between PATH
 *                             (its own file) and FD; prints "changed" if FD's
 *                             file got mode 0777 within 2 s, else "held"
 *   fdmeta clone-files        a new process sharing our descriptor table
 * and against [limits] disk (DIR "tmpdir" is $TMPDIR):
 *   fdmeta fill DIR N KIB     N files of KIB KiB each, written 64 KiB at a time
 *   fdmeta fill-out KIB FILE...  KIB KiB into each FILE
 *   fdmeta fill-unlinked DIR KIB  a file unlinked first, then written
 *   fdmeta fill-mmap DIR KIB  a file written through a shared mapping, then 1 s
 *   fdmeta tmpfile DIR        an unnamed file in DIR (O_TMPFILE)
 *   fdmeta churn DIR N        N times: a file of 4 KiB, renamed, then unlinked
 *   fdmeta mkdir DIR          a directory DIR/sub
 *
 * OP: fchmod fchown ftruncate fallocate fsetxattr fremovexattr futimens
 * utimensat-empty fchmodat2-empty fchownat-empty setxattrat-empty
 * removexattrat-empty file_setattr-empty setflags (FS_IOC_SETFLAGS: nodump)
 * fssetxattr (FS_IOC_FSSETXATTR: nodump) unappend (F_SETFL without
 * O_APPEND, then "X" written at offset 0) nonblock (F_SETFL O_NONBLOCK). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
#ifndef __NR_file_setattr
#define __NR_file_setattr 469
#endif

struct xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

struct file_attr {
	uint64_t fa_xflags;
	uint32_t fa_extsize, fa_nextents, fa_projid, fa_cowextsize;
};

static long op_on(const char *op, int fd)
{
	static const char name[] = "user.landjail", value[] = "x";
	if (strcmp(op, "fchmod") == 0)
		return fchmod(fd, 0777);
	if (strcmp(op, "fchown") == 0)
		return fchown(fd, getuid(), getgid());
	if (strcmp(op, "ftruncate") == 0)
		return ftruncate(fd, 0);
	if (strcmp(op, "fallocate") == 0)
		return fallocate(fd, 0, 0, 1 << 20);
	if (strcmp(op, "fsetxattr") == 0)
		return fsetxattr(fd, name, value, 1, 0);
	if (strcmp(op, "fremovexattr") == 0)
		return fremovexattr(fd, name);
	if (strcmp(op, "futimens") == 0)
		return syscall(SYS_utimensat, fd, NULL, NULL, 0);
	if (strcmp(op, "utimensat-empty") == 0)
		return syscall(SYS_utimensat, fd, "", NULL, AT_EMPTY_PATH);
	if (strcmp(op, "fchmodat2-empty") == 0)
		return syscall(__NR_fchmodat2, fd, "", 0777, AT_EMPTY_PATH);
	if (strcmp(op, "fchownat-empty") == 0)
		return syscall(SYS_fchownat, fd, "", getuid(), getgid(), AT_EMPTY_PATH);
	if (strcmp(op, "setxattrat-empty") == 0) {
		struct xattr_args a = { .value = (uintptr_t)value, .size = 1 };
		return syscall(__NR_setxattrat, fd, "", AT_EMPTY_PATH, name, &a, sizeof(a));
	}
	if (strcmp(op, "removexattrat-empty") == 0)
		return syscall(__NR_removexattrat, fd, "", AT_EMPTY_PATH, name);
	if (strcmp(op, "unappend") == 0) {
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_APPEND) < 0)
			return -1;
		return pwrite(fd, "X", 1, 0) == 1 ? 0 : -1;
	}
	if (strcmp(op, "nonblock") == 0)
		return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (strcmp(op, "setflags") == 0) {
		int flags = 0;
		if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
			return -1;
		flags ^= FS_NODUMP_FL;
		return ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	if (strcmp(op, "fssetxattr") == 0) {
		struct fsxattr fa;
		if (ioctl(fd, FS_IOC_FSGETXATTR, &fa) < 0)
			return -1;
		fa.fsx_xflags ^= FS_XFLAG_NODUMP;
		return ioctl(fd, FS_IOC_FSSETXATTR, &fa);
	}
	if (strcmp(op, "file_setattr-empty") == 0) {
		struct file_attr fa = { .fa_xflags = 0x00002000 /* FS_XFLAG_NODUMP */ };
		return syscall(__NR_file_setattr, fd, "", &fa, sizeof(fa), AT_EMPTY_PATH);
	}
	errno = EINVAL;
	return -2;
}

static int target(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);
	if (*arg && !*end)
		return (int)n;
	if (strncmp(arg, "ro:", 3) == 0)
		return open(arg + 3, O_RDONLY | O_CLOEXEC);
	if (strncmp(arg, "append:", 7) == 0)
		return open(arg + 7, O_WRONLY | O_APPEND | O_CLOEXEC);
	return open(arg, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
}

static int report(long rc)
{
	if (rc == -2) {
		fputs("fdmeta: unknown operation\n", stderr);
		return 2;
	}
	if (rc < 0)
		printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "errno");
	else
		puts("ok");
	fflush(stdout);
	return rc < 0;
}

struct job {
	const char *op;
	int fd;
	long rc;
	int err;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	j->rc = op_on(j->op, j->fd);
	j->err = errno;
	return NULL;
}

/* The race: fd 100 flips between the program's own file and FD while the
 * main thread fchmods fd 100. */
static volatile bool stop;
static int swap_own, swap_victim;

static void *swapper(void *arg)
{
	(void)arg;
	while (!stop) {
		dup2(swap_own, 100);
		dup2(swap_victim, 100);
	}
	return NULL;
}

static int race(int victim, const char *own_path)
{
	swap_victim = victim;
	swap_own = open(own_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (swap_own < 0)
		return report(-1);
	pthread_t t;
	pthread_create(&t, NULL, swapper, NULL);
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	bool changed = false;
	do {
		fchmod(100, 0777);
		struct stat st;
		if (fstat(victim, &st) == 0 && (st.st_mode & 0777) == 0777)
			changed = true;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (!changed && now.tv_sec - start.tv_sec < 2);
	stop = true;
	pthread_join(t, NULL);
	puts(changed ? "changed" : "held");
	return 0;
}

static int clone_files(void)
{
	long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return report(pid < 0 ? -1 : 0);
}

static const char *dir_of(const char *d)
{
	return strcmp(d, "tmpdir") == 0 && getenv("TMPDIR") ? getenv("TMPDIR") : d;
}

static int write_kib(int fd, long kib)
{
	static char chunk[64 << 10];
	memset(chunk, 'x', sizeof(chunk));
	for (long done = 0; done < kib; done += 64)
		if (write(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
			return -1;
	return 0;
}

static int fill(int argc, char **argv)
{
	const char *op = argv[1];
	if (strcmp(op, "fill-out") == 0) {
		for (int i = 3; i < argc; i++) {
			int fd = open(argv[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd < 0 || write_kib(fd, atol(argv[2])) < 0)
				return report(-1);
			close(fd);
		}
		return report(0);
	}
	char path[4096];
	const char *dir = dir_of(argv[2]);
	if (strcmp(op, "tmpfile") == 0)
		return report(open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
	if (strcmp(op, "mkdir") == 0) {
		snprintf(path, sizeof(path), "%s/sub", dir);
		return report(mkdir(path, 0755));
	}
	if (strcmp(op, "churn") == 0) {
		char to[4200];
		snprintf(to, sizeof(to), "%s/churned", dir);
		for (long i = 0; i < atol(argv[3]); i++) {
			snprintf(path, sizeof(path), "%s/churn-%ld", dir, i);
			int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			if (fd < 0 || write(fd, path, 4096) < 0 || rename(path, to) < 0 ||
			    unlink(to) < 0)
				return report(-1);
			close(fd);
		}
		return report(0);
	}
	long n = strcmp(op, "fill") == 0 ? atol(argv[3]) : 1;
	long kib = atol(argv[argc - 1]);
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/fill-%ld", dir, i);
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return report(-1);
		if (strcmp(op, "fill-unlinked") == 0 && unlink(path) < 0)
			return report(-1);
		if (strcmp(op, "fill-mmap") == 0) {
			size_t len = (size_t)kib << 10;
			char *m = ftruncate(fd, (off_t)len) < 0 ? MAP_FAILED
				  : mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (m == MAP_FAILED)
				return report(-1);
			for (size_t off = 0; off < len; off += 4096)
				m[off] = 'x';
			sleep(1);
		} else if (write_kib(fd, kib) < 0) {
			return report(-1);
		}
		close(fd);
	}
	return report(0);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && (strncmp(argv[1], "fill", 4) == 0 || strcmp(argv[1], "tmpfile") == 0 ||
			  strcmp(argv[1], "churn") == 0 || strcmp(argv[1], "mkdir") == 0))
		return fill(argc, argv);
	if (argc == 2 && strcmp(argv[1], "clone-files") == 0)
		return clone_files();
	if (argc == 4 && strcmp(argv[1], "swap") == 0)
		return race(atoi(argv[2]), argv[3]);
	bool threaded = argc == 4 && strcmp(argv[1], "-t") == 0;
	bool dup = argc == 4 && strcmp(argv[1], "dup") == 0;
	if (argc != 3 && !threaded && !dup) {
		fputs("usage: fdmeta [-t|dup] OP FD|PATH | fdmeta swap FD PATH\n", stderr);
		return 2;
	}
	const char *op = argv[argc - 2];
	int fd = target(argv[argc - 1]);
	if (fd < 0)
		return report(-1);
	if (dup)
		fd = fcntl(fd, F_DUPFD_CLOEXEC, 200);
	if (!threaded)
		return report(op_on(op, fd));
	struct job j = { .op = op, .fd = fd };
	pthread_t t;
	pthread_create(&t, NULL, run_job, &j);
	pthread_join(t, NULL);
	errno = j.err;
	return report(j.rc);
}
