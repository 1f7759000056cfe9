/* try-syscall: make one system call and say how it went, so a test can
 * tell "filtered" (the errno landjail's filter gives) from "allowed" (it
 * worked, or failed for the kernel's own reason).
 *
 *   try-syscall OP [ARG...]   prints "ok" (status 0) or the errno's name
 *                             (status 1); 2 for a usage error.
 *   try-syscall thread-exec PROGRAM [ARG...]
 *                             a second thread execs PROGRAM.
 *   try-syscall pdeathsig SECONDS
 *                             clear the parent-death signal, print how that
 *                             went, then live that long.
 *   try-syscall shm-create KEY
 *                             create a System V segment KEY (mode 0600) holding
 *                             "outside", and leave it for shm-attach KEY (by key,
 *                             then writes) and shmat ID (by id, read-only).
 *   try-syscall serve-tcp PORT | serve-unix PATH | serve-abstract NAME
 *                             listen and accept until killed (for tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOSYS, "ENOSYS" },
	{ ECONNREFUSED, "ECONNREFUSED" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EINVAL, "EINVAL" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
	{ ESRCH, "ESRCH" }, { EADDRINUSE, "EADDRINUSE" }, { ENOTTY, "ENOTTY" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" }, { ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" },
};

static int result(long rc)
{
	if (rc >= 0) {
		puts("ok");
		return 0;
	}
	int e = errno;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++) {
		if (errnames[i].err == e) {
			puts(errnames[i].name);
			return 1;
		}
	}
	printf("errno %d\n", e);
	return 1;
}

static struct sockaddr_in loopback(const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return a;
}

static socklen_t unix_addr(struct sockaddr_un *a, const char *path, bool abstract)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	size_t n = strlen(path);
	if (n > sizeof(a->sun_path) - 2)
		n = sizeof(a->sun_path) - 2;
	memcpy(a->sun_path + abstract, path, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + n +
			   (abstract ? 0 : 1));
}

static int serve(int fd, const struct sockaddr *a, socklen_t len)
{
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, a, len) < 0 || listen(fd, 16) < 0) {
		perror("serve");
		return 2;
	}
	puts("listening");
	fflush(stdout);
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c >= 0)
			close(c);
	}
}

/* getpid through the 32-bit entry point of a 64-bit process. */
static long int80_getpid(void)
{
#if defined(__x86_64__)
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
#else
	errno = ENOSYS;
	return -1;
#endif
}

static long pty_ioctl(unsigned long request)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return -1;
	setsid(); /* so the pty becomes our controlling terminal */
	int s = open(ptsname(m), O_RDWR);
	if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
		return -1;
	if (request == TIOCSTI) {
		char c = 'x';
		return ioctl(s, TIOCSTI, &c);
	}
	struct winsize ws;
	return ioctl(s, request, &ws);
}

static void *thread_main(void *arg)
{
	return arg;
}

/* execve from a thread that is not the leader: the kernel makes it the
 * leader, with its own parent-death signal, none. */
static void *thread_exec(void *arg)
{
	char **argv = arg;
	execv(argv[0], argv);
	_exit(result(-1));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: try-syscall OP [ARG...]\n", stderr);
		return 2;
	}
	const char *op = argv[1];
	const char *arg = argc > 2 ? argv[2] : "0";
	struct sockaddr_un un;
	if (strcmp(op, "serve-tcp") == 0) {
		struct sockaddr_in a = loopback(arg);
		return serve(socket(AF_INET, SOCK_STREAM, 0), (struct sockaddr *)&a, sizeof(a));
	}
	if (strcmp(op, "serve-unix") == 0 || strcmp(op, "serve-abstract") == 0) {
		socklen_t len = unix_addr(&un, arg, op[6] == 'a');
		return serve(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&un, len);
	}
	if (strcmp(op, "tcp-connect") == 0 || strcmp(op, "tcp-bind") == 0) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return result(-1);
		struct sockaddr_in a = loopback(arg);
		return result(op[4] == 'c' ? connect(fd, (struct sockaddr *)&a, sizeof(a))
					   : bind(fd, (struct sockaddr *)&a, sizeof(a)));
	}
	if (strcmp(op, "tcp-fastopen") == 0) { /* connect inside sendto(), TFO */
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return result(-1);
		struct sockaddr_in a = loopback(arg);
		ssize_t n = sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&a, sizeof(a));
		return result(n < 0 ? -1 : 0);
	}
	if (strcmp(op, "udp-send") == 0) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			return result(-1);
		struct sockaddr_in a = loopback(arg);
		return result(sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
	}
	if (strcmp(op, "raw") == 0)
		return result(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	if (strcmp(op, "packet") == 0)
		return result(socket(AF_PACKET, SOCK_DGRAM, 0));
	if (strcmp(op, "netlink") == 0)
		return result(socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
	if (strcmp(op, "vsock") == 0)
		return result(socket(AF_VSOCK, SOCK_STREAM, 0));
	if (strcmp(op, "socket-highbits") == 0) /* AF_INET6 with junk in the high half */
		return result(syscall(SYS_socket, 0x100000000L | AF_INET6, SOCK_DGRAM, 0));
	if (strcmp(op, "socketpair") == 0) {
		int sv[2];
		return result(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	}
	if (strcmp(op, "unix-connect") == 0 || strcmp(op, "abstract-connect") == 0) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return result(-1);
		socklen_t len = unix_addr(&un, arg, op[0] == 'a');
		return result(connect(fd, (struct sockaddr *)&un, len));
	}
	if (strcmp(op, "io_uring_setup") == 0) {
		char params[120] = { 0 };
		return result(syscall(SYS_io_uring_setup, 4, params));
	}
	if (strcmp(op, "tiocsti") == 0)
		return result(pty_ioctl(TIOCSTI));
	if (strcmp(op, "tiocgwinsz") == 0)
		return result(pty_ioctl(TIOCGWINSZ));
	if (strcmp(op, "chmod") == 0)
		return result(chmod(arg, 0600));
	if (strcmp(op, "fchmod") == 0) {
		int fd = open(arg, O_RDONLY);
		return result(fd < 0 ? -1 : fchmod(fd, 0600));
	}
	if (strcmp(op, "kill") == 0) /* signal 0: only the permission check */
		return result(kill((pid_t)atoi(arg), 0));
	if (strcmp(op, "shm-create") == 0) {
		int id = shmget((key_t)strtol(arg, NULL, 0), 4096, IPC_CREAT | IPC_EXCL | 0600);
		char *m = id < 0 ? (char *)-1 : shmat(id, NULL, 0);
		if (m != (char *)-1)
			strcpy(m, "outside");
		return result(m == (char *)-1 ? -1 : 0);
	}
	if (strcmp(op, "shm-attach") == 0) { /* find KEY, attach, overwrite */
		int id = shmget((key_t)strtol(arg, NULL, 0), 0, 0);
		char *m = id < 0 ? (char *)-1 : shmat(id, NULL, 0);
		if (m != (char *)-1)
			strcpy(m, "inside");
		return result(m == (char *)-1 ? -1 : 0);
	}
	if (strcmp(op, "shmat") == 0) { /* by id, as from /proc/sysvipc/shm */
		char *m = shmat((int)strtol(arg, NULL, 0), NULL, SHM_RDONLY);
		return result(m == (char *)-1 ? -1 : 0);
	}
	if (strcmp(op, "msgget") == 0)
		return result(msgget((key_t)strtol(arg, NULL, 0), 0));
	if (strcmp(op, "personality") == 0) /* set the persona ARG (0x... allowed) */
		return result(syscall(SYS_personality, strtoul(arg, NULL, 0)) == -1 ? -1 : 0);
	if (strcmp(op, "kill-self") == 0)
		return result(kill(getpid(), 0));
	if (strcmp(op, "msync") == 0) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return result(p == MAP_FAILED ? -1 : msync(p, 4096, MS_SYNC));
	}
	if (strcmp(op, "truncate") == 0)
		return result(truncate(arg, 0));
	if (strcmp(op, "ftruncate") == 0) {
		int fd = open(arg, O_WRONLY);
		return result(fd < 0 ? -1 : ftruncate(fd, 0));
	}
	if (strcmp(op, "int80") == 0)
		return result(int80_getpid());
	if (strcmp(op, "x32") == 0) /* getpid with the x32 bit */
		return result(syscall(0x40000000L | SYS_getpid));
	if (strcmp(op, "fork") == 0) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		return result(pid);
	}
	if (strcmp(op, "prlimit-parent") == 0) { /* starve the supervisor of fds */
		struct rlimit one = { 1, 1 };
		return result(prlimit(getppid(), RLIMIT_NOFILE, &one, NULL));
	}
	if (strcmp(op, "prlimit-self") == 0) {
		struct rlimit r;
		return result(prlimit(0, RLIMIT_NOFILE, NULL, &r));
	}
	if (strcmp(op, "rawfork") == 0) { /* the fork system call itself, not clone */
		long pid = syscall(SYS_fork);
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid((pid_t)pid, NULL, 0);
		return result(pid);
	}
	if (strcmp(op, "thread") == 0) { /* clone3, then clone with CLONE_THREAD */
		pthread_t t;
		int rc = pthread_create(&t, NULL, thread_main, NULL);
		if (rc == 0)
			pthread_join(t, NULL);
		errno = rc;
		return result(rc ? -1 : 0);
	}
	if (strcmp(op, "unshare-clone") == 0) {
		long rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (rc == 0)
			_exit(0);
		return result(rc);
	}
	if (strcmp(op, "sendmsg") == 0) { /* one byte over a fresh socketpair */
		int sv[2];
		char c = 'x';
		struct iovec iov = { .iov_base = &c, .iov_len = 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
			return result(-1);
		return result(sendmsg(sv[0], &mh, 0) == 1 ? 0 : -1);
	}
	if (strcmp(op, "futimens") == 0) { /* utimensat(fd, NULL, ...) */
		int fd = open(arg, O_RDONLY);
		return result(fd < 0 ? -1 : syscall(SYS_utimensat, fd, NULL, NULL, 0));
	}
	if (strcmp(op, "utimensat") == 0) /* by path */
		return result(syscall(SYS_utimensat, AT_FDCWD, arg, NULL, 0));
	/* The path-based metadata calls newer than libc (by number: 6.6,
	 * 6.13, 6.17); outside a sandbox the NULL arguments give EINVAL or
	 * EFAULT, inside the filter's EPERM comes first. */
	if (strcmp(op, "fchmodat2") == 0)
		return result(syscall(452, AT_FDCWD, arg, 0600, 0));
	if (strcmp(op, "setxattrat") == 0)
		return result(syscall(463, AT_FDCWD, arg, 0, "user.x", NULL, 0));
	if (strcmp(op, "file_setattr") == 0)
		return result(syscall(469, AT_FDCWD, arg, NULL, 0, 0));
	if (strcmp(op, "clone3") == 0) {
		char args[88] = { 0 };
		long rc = syscall(SYS_clone3, args, sizeof(args));
		if (rc == 0)
			_exit(0);
		return result(rc);
	}
	if (strcmp(op, "thread-exec") == 0 && argc > 2) { /* a second thread execs argv[2...] */
		pthread_t t;
		if (pthread_create(&t, NULL, thread_exec, argv + 2) != 0)
			return result(-1);
		pause();
		return 1;
	}
	if (strcmp(op, "pdeathsig") == 0) { /* clear it, say how it went, live ARG seconds */
		int rc = result(prctl(PR_SET_PDEATHSIG, 0));
		fflush(stdout);
		sleep((unsigned)atoi(arg));
		return rc;
	}
	fprintf(stderr, "try-syscall: unknown operation %s\n", op);
	return 2;
}
