/* hostile: what code that took over a converter would try against the
 * supervisor that watches it.  Each operation aims at a process given by
 * pid ("ppid": our parent, which under landjail is landjail), prints "ok"
 * or the errno's name of the step that decides, and exits 0 or 1.
 *
 *   hostile setown PID        F_SETOWN + F_SETSIG(SIGKILL) + O_ASYNC on a pipe, then a write
 *   hostile setown-ex PID     the same with F_SETOWN_EX
 *   hostile fiosetown PID     FIOSETOWN on a socket, F_SETSIG(SIGKILL), O_ASYNC, a write
 *   hostile notify PID DIR    F_NOTIFY on DIR, F_SETSIG(SIGKILL), F_SETOWN, a file in DIR
 *   hostile lease PID FILE    F_SETLEASE on FILE, F_SETSIG(SIGKILL), F_SETOWN, a writer
 *   hostile pidfd-proc PID    open("/proc/PID") as a pidfd, pidfd_send_signal(SIGKILL)
 *   hostile nice PID | nice-user | sched PID | sched-attr PID | affinity PID | ioprio PID
 *   hostile shut-stderr       shutdown(2, SHUT_WR), then a forbidden call (msync)
 *   hostile fill-stderr [sleep]  fill the pipe on fd 2 until it would block, then
 *                             msync (or sleep 30 s)
 *   hostile name NAME         set our name (comm) to NAME, then msync
 *   hostile listen            listen() on a fresh, unbound TCP socket
 *   hostile memfd-exec PATH [ARG...]  run a copy of PATH from a memfd (argv[0] PATH)
 *   hostile memfd-noexec      create a sealed non-executable memfd
 *   hostile sleep             nothing: sleep 30 s (the target of unconfined controls)
 *   hostile read|write|list|unlink PATH [ARG...]   that, on PATH (list prints the names)
 *   hostile symlink LINK TARGET [ARG...]            create LINK pointing at TARGET
 *   hostile swap PATH TARGET [ARG...]               replace PATH by a link to TARGET
 *   hostile steal FD                                reopen FD read-only, print what it holds
 *   hostile getenv NAME       print the variable
 *   hostile hold PATH SECONDS [ARG...]              read PATH, print "holding", wait
 * "+OP" first forks a child that sleeps 30 s, prints its pid
 * ("child PID"), and sleeps 30 s after the attack whatever its outcome.
 * A PATH "tmpdir/NAME" (or "tmpdir") is NAME in $TMPDIR.
 * Unless the operation says otherwise, a refused step stops it; after an
 * attack that was let through it sleeps 30 s, so that a surviving
 * supervisor's timeout is what ends it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool persist; /* "+OP": sleep on even after a refusal */

static int fail(const char *step)
{
	printf("%s %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "errno", step);
	fflush(stdout);
	if (persist)
		sleep(30);
	return 1;
}

static int hit(void)
{
	puts("ok");
	fflush(stdout);
	sleep(30);
	return 0;
}

/* "tmpdir/NAME": NAME in $TMPDIR, which only the program knows. */
/* "tmpdir/x": x in $TMPDIR.  "hidden:x": the relative name x, written so
 * that per-call isolation does not take it for a file the command line
 * names (a name the program picks itself, as an exploit would). */
static const char *in_tmpdir(const char *path)
{
	static char buf[4096];
	if (strncmp(path, "hidden:", 7) == 0)
		return path + 7;
	if (strncmp(path, "tmpdir", 6) != 0 || (path[6] && path[6] != '/'))
		return path;
	snprintf(buf, sizeof(buf), "%s%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/nonexistent",
		 path + 6);
	return buf;
}

static pid_t target(const char *arg)
{
	return strcmp(arg, "ppid") == 0 ? getppid() : (pid_t)atoi(arg);
}

/* Make fd deliver SIGKILL to its owner on I/O. */
static int arm_kill(int fd)
{
	if (fcntl(fd, F_SETSIG, SIGKILL) < 0)
		return -1;
	return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC);
}

static int setown(pid_t pid, bool ex)
{
	int p[2];
	if (pipe(p) < 0)
		return fail("pipe");
	struct f_owner_ex o = { .type = F_OWNER_PID, .pid = pid };
	if ((ex ? fcntl(p[0], F_SETOWN_EX, &o) : fcntl(p[0], F_SETOWN, pid)) < 0)
		return fail(ex ? "F_SETOWN_EX" : "F_SETOWN");
	if (arm_kill(p[0]) < 0)
		return fail("F_SETSIG");
	if (write(p[1], "x", 1) < 0)
		return fail("write");
	return hit();
}

static int fiosetown(pid_t pid)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return fail("socketpair");
	if (ioctl(sv[0], FIOSETOWN, &pid) < 0)
		return fail("FIOSETOWN");
	if (arm_kill(sv[0]) < 0)
		return fail("F_SETSIG");
	if (write(sv[1], "x", 1) < 0)
		return fail("write");
	return hit();
}

static int notify(pid_t pid, const char *dir)
{
	dir = in_tmpdir(dir);
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fail("open");
	if (fcntl(fd, F_NOTIFY, DN_CREATE | DN_MULTISHOT) < 0)
		return fail("F_NOTIFY");
	if (fcntl(fd, F_SETSIG, SIGKILL) < 0)
		return fail("F_SETSIG");
	if (fcntl(fd, F_SETOWN, pid) < 0)
		return fail("F_SETOWN");
	char path[4096];
	snprintf(path, sizeof(path), "%s/hostile-notify", dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	return hit();
}

static int lease(pid_t pid, const char *file)
{
	int fd = open(file, O_RDONLY);
	if (fd < 0)
		return fail("open");
	if (fcntl(fd, F_SETLEASE, F_RDLCK) < 0)
		return fail("F_SETLEASE");
	if (fcntl(fd, F_SETSIG, SIGKILL) < 0)
		return fail("F_SETSIG");
	if (fcntl(fd, F_SETOWN, pid) < 0)
		return fail("F_SETOWN");
	/* A writer breaks the lease; non-blocking, the open fails at once. */
	close(open(file, O_WRONLY | O_NONBLOCK));
	return hit();
}

static int pidfd_proc(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fail("open");
	if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0)
		return fail("pidfd_send_signal");
	return hit();
}

/* sched_setattr(2) has no libc wrapper: its struct, version 0. */
struct attr0 {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};

static int starve(const char *op, pid_t pid)
{
	long rc;
	if (strcmp(op, "nice") == 0) {
		rc = setpriority(PRIO_PROCESS, (id_t)pid, 19);
	} else if (strcmp(op, "nice-user") == 0) {
		rc = setpriority(PRIO_USER, 0, 19);
	} else if (strcmp(op, "sched") == 0) {
		struct sched_param sp = { 0 };
		rc = sched_setscheduler(pid, SCHED_IDLE, &sp);
	} else if (strcmp(op, "sched-attr") == 0) {
		struct attr0 a = { .size = sizeof(a), .policy = SCHED_IDLE };
		rc = syscall(SYS_sched_setattr, pid, &a, 0);
	} else if (strcmp(op, "affinity") == 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		rc = sched_setaffinity(pid, sizeof(set), &set);
	} else { /* ioprio: IOPRIO_WHO_PROCESS, the idle class */
		rc = syscall(SYS_ioprio_set, 1, pid, 3 << 13);
	}
	if (rc < 0)
		return fail(op);
	puts("ok");
	return 0;
}

static void forbidden_call(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	msync(p, 4096, MS_SYNC);
}

/* Fill the pipe on fd 2 without blocking ourselves, then leave it
 * blocking again for the supervisor that shares it. */
static int fill_stderr(bool then_sleep)
{
	int fl = fcntl(2, F_GETFL);
	fcntl(2, F_SETFL, fl | O_NONBLOCK);
	static char buf[4096];
	memset(buf, '.', sizeof(buf));
	long total = 0;
	ssize_t n;
	while ((n = write(2, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		total += n > 0 ? n : 0;
	while ((n = write(2, buf, 1)) > 0)
		total += n;
	fcntl(2, F_SETFL, fl);
	printf("filled %ld\n", total);
	fflush(stdout);
	if (then_sleep)
		sleep(30);
	else
		forbidden_call();
	return 0;
}

/* File operations on one path, for the per-call isolation tests: the
 * remaining arguments are only there to be named on the command line. */
static int file_op(const char *op, const char *path, const char *arg)
{
	char buf[1];
	int fd;
	path = in_tmpdir(path);
	if (strcmp(op, "read") == 0) {
		fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, buf, 1) < 0)
			return fail("read");
	} else if (strcmp(op, "write") == 0) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "written\n", 8) != 8)
			return fail("write");
	} else if (strcmp(op, "list") == 0) { /* prints the names, then ok */
		DIR *d = opendir(path);
		if (!d)
			return fail("list");
		for (struct dirent *e; (e = readdir(d));)
			printf("%s ", e->d_name);
	} else if (strcmp(op, "symlink") == 0) { /* symlink ARG at PATH */
		if (symlink(arg, path) < 0)
			return fail("symlink");
	} else if (strcmp(op, "steal") == 0) { /* read what descriptor PATH's pipe holds */
		char proc[64], got[128];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%s", path);
		fd = open(proc, O_RDONLY | O_NONBLOCK);
		ssize_t n = fd < 0 ? -1 : read(fd, got, sizeof(got) - 1);
		if (n < 0)
			return fail("steal");
		got[n] = '\0';
		printf("got:%s\n", got);
		return 0;
	} else if (strcmp(op, "swap") == 0) { /* PATH becomes a link to ARG */
		if (unlink(path) < 0 || symlink(arg, path) < 0)
			return fail("swap");
	} else if (strcmp(op, "unlink") == 0) {
		if (unlink(path) < 0)
			return fail("unlink");
	} else if (strcmp(op, "getenv") == 0) {
		printf("%s\n", getenv(path) ? getenv(path) : "(unset)");
		return 0;
	} else if (strcmp(op, "hold") == 0) { /* read PATH, then wait ARG s */
		fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, buf, 1) < 0)
			return fail("read");
		puts("holding");
		fflush(stdout);
		sleep((unsigned)atoi(arg));
	} else {
		return -1;
	}
	puts("ok");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: hostile OP [PID] [PATH]\n", stderr);
		return 2;
	}
	const char *op = argv[1];
	if (op[0] == '+') { /* persist: a detached child, and no early exit */
		op++;
		persist = true;
		pid_t c = fork();
		if (c == 0) {
			sleep(30);
			_exit(0);
		}
		printf("child %d\n", (int)c);
		fflush(stdout);
	}
	pid_t pid = argc > 2 ? target(argv[2]) : 0;
	const char *path = argc > 3 ? argv[3] : ".";
	if (strcmp(op, "setown") == 0 || strcmp(op, "setown-ex") == 0)
		return setown(pid, op[6] == '-');
	if (strcmp(op, "fiosetown") == 0)
		return fiosetown(pid);
	if (strcmp(op, "notify") == 0)
		return notify(pid, path);
	if (strcmp(op, "lease") == 0)
		return lease(pid, path);
	if (strcmp(op, "pidfd-proc") == 0)
		return pidfd_proc(pid);
	static const char *const starving[] = { "nice", "nice-user", "sched", "sched-attr",
						"affinity", "ioprio" };
	for (size_t i = 0; i < sizeof(starving) / sizeof(starving[0]); i++)
		if (strcmp(op, starving[i]) == 0)
			return starve(op, pid);
	if (strcmp(op, "shut-stderr") == 0) {
		if (shutdown(2, SHUT_WR) < 0)
			return fail("shutdown");
		forbidden_call();
		return 0;
	}
	if (strcmp(op, "fill-stderr") == 0)
		return fill_stderr(argc > 2 && strcmp(argv[2], "sleep") == 0);
	if (strcmp(op, "name") == 0) {
		prctl(PR_SET_NAME, argc > 2 ? argv[2] : "x");
		forbidden_call();
		return 0;
	}
	int rc = argc > 2 ? file_op(op, argv[2], argc > 3 ? argv[3] : "") : -1;
	if (rc >= 0)
		return rc;
	if (strcmp(op, "memfd-exec") == 0 || strcmp(op, "memfd-noexec") == 0) {
		/* A copy of PATH (readable, not executable under the policy)
		 * in a memfd, then exec it with the remaining arguments. */
		bool sealed = op[6] == 'n';
		int mfd = (int)syscall(SYS_memfd_create, "copy", sealed ? 8U /* MFD_NOEXEC_SEAL */ : 0U);
		if (mfd < 0)
			return fail("memfd_create");
		if (sealed) {
			puts("ok");
			return 0;
		}
		int in = open(argc > 2 ? argv[2] : "/nonexistent", O_RDONLY);
		if (in < 0)
			return fail("open");
		char buf[65536];
		ssize_t n;
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(mfd, buf, (size_t)n) != n)
				return fail("write");
		char *const env[] = { NULL };
		fexecve(mfd, argv + 2, env);
		return fail("fexecve");
	}
	if (strcmp(op, "listen") == 0) { /* a server on an ephemeral port */
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return fail("socket");
		if (listen(fd, 1) < 0)
			return fail("listen");
		puts("ok");
		return 0;
	}
	if (strcmp(op, "sleep") == 0) {
		sleep(30);
		return 0;
	}
	fprintf(stderr, "hostile: unknown operation %s\n", op);
	return 2;
}
