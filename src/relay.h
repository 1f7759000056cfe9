/* Standard output and error through landjail when they are pipes.
 *
 * A pipe the program inherits is a door Landlock never checks: opening
 * /proc/self/fd/2 read-only gives the other end of the application's own
 * log pipe (the lines of every process writing there, a Procfile runner's
 * or a container's), and the file status flags it changes (O_NONBLOCK)
 * stay set on the application's descriptor after the call.  So when fd 1
 * or 2 is a pipe, the program gets a pipe of landjail's instead, and the
 * supervisor copies what arrives there to the original (splice, without
 * blocking its event loop: when the application does not read, the
 * program blocks on its full pipe as it would have).  1 and 2 on the same
 * pipe (2>&1) share one relay, so their order is kept.  Files, terminals
 * and sockets are passed on as they are: reopening them through /proc is
 * checked by Landlock or impossible. */
#ifndef LANDJAIL_RELAY_H
#define LANDJAIL_RELAY_H

#include <stdbool.h>

struct relay_pipe {
	int from;     /* landjail's end: what the program wrote */
	int to;       /* the descriptor the caller gave landjail (1 or 2) */
	int child;    /* the program's end, until it has started; else -1 */
	bool fds[3];  /* which of 0-2 the program gets it as */
	bool blocked; /* the application's pipe is full: waiting for room */
};

struct relay {
	struct relay_pipe p[2];
	int n;
};

/* Before the fork: a relay for each of 1, 2 that is a pipe.  0, or
 * -errno (the caller refuses to run). */
int relay_prepare(struct relay *r);

/* In the child, before the descriptors are closed: its ends on 1, 2. */
int relay_child(const struct relay *r);

/* In the supervisor once the child has started: close the child's ends. */
void relay_started(struct relay *r);

/* Copy what is there, without blocking.  i is the relay whose from (or,
 * when blocked, to) descriptor poll marked.  False when this relay is
 * done (its writers gone or the application's end closed). */
bool relay_pump(struct relay *r, int i);

/* After the program has ended: pass on what is left, waiting at most
 * wait_ms for the application to make room, then close everything. */
void relay_finish(struct relay *r, int wait_ms);

#endif
