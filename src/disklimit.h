/* [limits] disk: the total a call may keep on disk in its own files.
 *
 * file-size (RLIMIT_FSIZE) bounds each file, not their number.  Without
 * privileges (no quotas, no tmpfs mount) landjail can measure only files
 * it knows to be the call's own: so the key needs per-call isolation
 * (callfiles.h), where everything the program may write is the scratch
 * directory landjail created and the outputs its command line named.
 * The supervisor holds every file that appears there (an O_PATH
 * descriptor, so a file still counts after it is unlinked, for as long
 * as the call runs) and adds up their st_blocks:
 * - every 5 ms (a timer: inotify would cost every call a wait for an RCU
 *   grace period when its descriptor is closed, and misses writes through
 *   a shared mapping anyway), and once more when the program has ended;
 * - before any name leaves the scratch directory: unlink and rename go to
 *   the supervisor (user notification), which first takes hold of every
 *   file there;
 * and kills the sandbox, naming the line, once the sum passes the bound.
 * So that one directory holds every file, the filter refuses mkdir (EACCES),
 * unnamed files (O_TMPFILE: EOPNOTSUPP) and openat2 (ENOSYS, libc falls
 * back to openat).  What the program writes between the write that
 * passes the bound and the kill is the overshoot: up to 5 ms of writing,
 * more while landjail waits to be scheduled (file-size still caps each
 * file).
 *
 * Refused (exit 125, or a loud warning with --best-effort): disk without
 * isolate (a shared work directory holds every call's files), with a
 * writable rule on any other directory or regular file, and where the
 * kernel has no seccomp user notification. */
#ifndef LANDJAIL_DISKLIMIT_H
#define LANDJAIL_DISKLIMIT_H

#include <stdbool.h>

#include "policy.h"

/* Is the bound enforced for p, given user notification (notify)?  The
 * verdict table asks (seccomp_verdict.c). */
bool disklimit_enforced(const struct policy *p, bool notify);

/* Is nr a call that removes a name (unlink, rename...)? */
bool disklimit_removal(int nr);

/* The plan (plan.c): false, with the refusal in el, when disk is set and
 * cannot be measured (no isolate, a writable rule elsewhere); with
 * --best-effort the bound is dropped, said loudly when run. */
bool disklimit_plan(const struct policy *p, bool run, struct errlist *el);
/* The same when there is no user notification (notify false), which
 * holding files before they are unlinked needs. */
bool disklimit_plan_notify(const struct policy *p, bool notify, bool run, struct errlist *el);

/* After callfiles_prepare: check the policy, start watching scratch and
 * the outputs.  0, or -errno with *msg. */
int disklimit_prepare(const struct policy *p, const char *scratch, const char *program,
		      char **msg);


/* The timer the supervisor polls (-1: none), and its handler. */
int disklimit_fd(void);
void disklimit_event(int fd);

/* A name is about to leave the scratch directory (seccomp_notify.c). */
void disklimit_before_remove(void);

/* After the run: add up once more (a program may end between two
 * looks); true, after the report, when the call went over the bound. */
bool disklimit_final(void);
void disklimit_end(void);


#endif
