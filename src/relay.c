#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define CHUNK (1 << 16)
/* Splices per wake-up, so one busy writer cannot starve the event loop. */
#define ROUNDS 16

static void relay_close(struct relay_pipe *p)
{
	close_fd(&p->from);
	close_fd(&p->child);
}

int relay_prepare(struct relay *r)
{
	struct stat seen[2];
	memset(r, 0, sizeof(*r));
	for (int fd = 1; fd <= 2; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
			continue;
		int i = 0;
		while (i < r->n && (seen[i].st_dev != st.st_dev || seen[i].st_ino != st.st_ino))
			i++;
		if (i == r->n) {
			int p[2];
			if (pipe2(p, O_CLOEXEC) < 0 || fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
				int err = -errno;
				for (int j = 0; j < r->n; j++)
					relay_close(&r->p[j]);
				return err;
			}
			seen[i] = st;
			r->p[i] = (struct relay_pipe){ .from = p[0], .to = fd, .child = p[1] };
			r->n++;
		}
		r->p[i].fds[fd] = true;
	}
	return 0;
}

int relay_child(const struct relay *r)
{
	for (int i = 0; i < r->n; i++)
		for (int fd = 0; fd < 3; fd++)
			if (r->p[i].fds[fd] && dup2(r->p[i].child, fd) < 0)
				return -errno;
	return 0;
}

void relay_started(struct relay *r)
{
	for (int i = 0; i < r->n; i++)
		close_fd(&r->p[i].child);
}

static bool readable(int fd, short *revents)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	*revents = poll(&p, 1, 0) == 1 ? p.revents : 0;
	return *revents & POLLIN;
}

/* One round of copying: 1 copied, 0 nothing to copy now, -1 done. */
static int copy(struct relay_pipe *p)
{
	ssize_t n = splice(p->from, NULL, p->to, NULL, CHUNK, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
	if (n > 0) {
		p->blocked = false;
		return 1;
	}
	if (n == 0)
		return -1; /* every writer is gone */
	if (errno == EINTR)
		return 1;
	if (errno != EAGAIN)
		return -1; /* EPIPE: nobody reads the application's end any more */
	/* Either side may be the one that would block. */
	short ev;
	p->blocked = readable(p->from, &ev);
	if (!p->blocked && (ev & (POLLHUP | POLLERR)))
		return -1;
	return 0;
}

bool relay_pump(struct relay *r, int i)
{
	struct relay_pipe *p = &r->p[i];
	for (int round = 0; round < ROUNDS; round++) {
		int rc = copy(p);
		if (rc < 0) {
			/* Closing our end gives the program EPIPE, as the
			 * application's closed pipe would have. */
			relay_close(p);
			return false;
		}
		if (rc == 0)
			break;
	}
	return true;
}

void relay_finish(struct relay *r, int wait_ms)
{
	for (int i = 0; i < r->n; i++) {
		struct relay_pipe *p = &r->p[i];
		while (p->from >= 0) {
			int rc = copy(p);
			if (rc < 0 || (rc == 0 && !p->blocked))
				break; /* all passed on, or what is left has no end */
			struct pollfd out = { .fd = p->to, .events = POLLOUT };
			if (rc == 0 && poll(&out, 1, wait_ms) != 1)
				break; /* the application does not read: what is left is lost */
		}
		relay_close(p);
	}
	r->n = 0;
}
