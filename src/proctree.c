#include "proctree.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

int proctree_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ? -errno : 0;
}

struct pids {
	pid_t *v;
	size_t n, cap;
};

/* Set by proctree_no_alloc(): the one queue of every walk from then on. */
static struct pids fixed;

static void append(struct pids *p, pid_t pid)
{
	if (p->v == fixed.v && fixed.v) {
		if (p->n < fixed.cap)
			p->v[p->n++] = pid;
		return; /* full: the next round of proctree_kill_all finds it */
	}
	p->v = grow_array(p->v, sizeof(*p->v), p->n, &p->cap);
	p->v[p->n++] = pid;
}

/* The pids listed in one /proc/PID/task/TID/children file. */
static void add_listed(int fd, struct pids *out)
{
	char buf[1024];
	long cur = -1;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				cur = (cur < 0 ? 0 : cur * 10) + (buf[i] - '0');
			} else if (cur >= 0) {
				append(out, (pid_t)cur);
				cur = -1;
			}
		}
	}
	if (cur >= 0)
		append(out, (pid_t)cur);
}

/* Append the children of every thread of pid to out.  A process that is
 * gone meanwhile simply has none.  Plain system calls into buffers on
 * the stack: the reaper walks with no allocation (proctree_no_alloc). */
static void add_children(pid_t pid, struct pids *out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	int dir = openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return;
	char buf[2048];
	ssize_t n;
	while ((n = getdents64(dir, (void *)buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);
			off += e->d_reclen;
			if (e->d_name[0] < '0' || e->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "%.20s/children", e->d_name);
			int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			add_listed(fd, out);
			close(fd);
		}
	}
	close(dir);
}

void proctree_no_alloc(pid_t *storage, size_t cap)
{
	fixed = (struct pids){ .v = storage, .n = 0, .cap = cap };
}

/* A queue for one walk: the fixed one, else one that grows. */
static struct pids queue(void)
{
	return fixed.v ? (struct pids){ .v = fixed.v, .cap = fixed.cap } : (struct pids){ 0 };
}

static void queue_free(struct pids *q)
{
	if (q->v != fixed.v)
		free(q->v);
}

/* Breadth first: each process found is signalled at once, then its own
 * children are read, so a process that forks while we walk either shows
 * up below it or, once its parent is killed, is re-parented to us and
 * found by the caller's next round.  A pid read here cannot have been
 * reused by then unless the whole pid space wrapped in between. */
size_t proctree_signal(int sig)
{
	struct pids q = queue();
	add_children(getpid(), &q);
	size_t sent = 0;
	for (size_t i = 0; i < q.n; i++) {
		if (kill(q.v[i], sig) == 0)
			sent++;
		add_children(q.v[i], &q);
	}
	queue_free(&q);
	return sent;
}

static bool has(const struct pids *p, pid_t pid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i] == pid)
			return true;
	return false;
}

/* Each process once: a process seen in one list may be seen again in
 * another it moved to. */
static void merge(struct pids *into, const struct pids *from, size_t start)
{
	for (size_t i = start; i < from->n; i++) {
		if (has(into, from->v[i]))
			continue;
		append(into, from->v[i]);
	}
}

/* A process whose parent dies while we walk moves to our own list (no
 * other subreaper is allowed below us: guard.h), perhaps after we read
 * the parent's list and before we read ours.  So our own list is read
 * again after every walk, until it shows nobody new. */
size_t proctree_count(void)
{
	struct pids q = { 0 };
	size_t walked = 0, before;
	do {
		before = q.n;
		struct pids root = { 0 };
		add_children(getpid(), &root);
		merge(&q, &root, 0);
		free(root.v);
		for (; walked < q.n; walked++) {
			struct pids kids = { 0 };
			add_children(q.v[walked], &kids);
			merge(&q, &kids, 0);
			free(kids.v);
		}
	} while (q.n != before);
	free(q.v);
	return q.n;
}

size_t proctree_kill_all(void (*reap)(void *arg), void *arg)
{
	size_t killed = 0;
	for (;;) {
		if (reap)
			reap(arg);
		else
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		if (waitid(P_ALL, 0, &(siginfo_t){ 0 }, WEXITED | WNOHANG | WNOWAIT) < 0 &&
		    errno == ECHILD)
			return killed;
		killed += proctree_signal(SIGKILL);
		/* Wait for one of them, then look again. */
		siginfo_t si;
		waitid(P_ALL, 0, &si, WEXITED | WNOWAIT);
	}
}
