/* Metadata and size changes through open descriptors.
 *
 * Landlock decides at open time; a descriptor opened before the sandbox
 * (0-2 and --keep-fd: the application's log as stderr, an output file as
 * stdout) was never checked, and fchmod, fchown, ftruncate, fallocate,
 * the f*xattr calls, futimens and the AT_EMPTY_PATH forms of the *at
 * metadata calls act on whatever it refers to, and so do the ioctl
 * requests that set a file's attributes (FS_IOC_SETFLAGS...).  Nor does Landlock govern
 * metadata at all: a read-only descriptor of a file the program owns
 * (root: any file it may read) is enough for fchmod.
 *
 * So where the verdict table allows one of these calls, the filter sends
 * it to the supervisor (user notification), which takes a copy of the
 * very open file the call names (from /proc; for a multi-threaded caller
 * a copy, with pidfd_getfd) and lets the call go on only when that file is a regular file opened for writing inside the
 * sandbox (which Landlock checked) and is none of the inherited files
 * that no writable rule covers.  The answer is CONTINUE when the caller
 * is single-threaded: its descriptor table then cannot change until the
 * call runs (no other task shares it: the filter refuses clone with
 * CLONE_FILES but not CLONE_THREAD, clone3 answers ENOSYS, io_uring is
 * refused), so the call acts on the file that was checked.  A
 * multi-threaded caller's fchmod, ftruncate and fallocate are carried out
 * by the supervisor on the checked copy; its other calls of the set are
 * refused.  Without user notification the filter refuses the whole set
 * (EPERM) on every descriptor. */
#ifndef LANDJAIL_FDGUARD_H
#define LANDJAIL_FDGUARD_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/* One guarded call: the descriptor argument, and for the *at calls the
 * flags argument whose AT_EMPTY_PATH makes it act on that descriptor
 * (-1: the call always does); utimensat also does with a NULL path. */
struct fdguard_call {
	const char *name;
	int flags_arg;
	bool null_path; /* args[1] == NULL acts on the descriptor */
};

extern const struct fdguard_call fdguard_calls[];
extern const size_t fdguard_n_calls;

/* The ioctl requests that change a file's attributes (chattr's flags,
 * immutable and append-only included; the fsxattr flags and project;
 * the generation; fs-verity, which freezes the file), which a read-only
 * descriptor is enough for: checked like the calls above. */
extern const unsigned long fdguard_ioctls[];
extern const size_t fdguard_n_ioctls;

/* fcntl(F_SETFL) without O_APPEND: O_APPEND belongs to the open file,
 * which an inherited descriptor shares with the application; clearing it
 * would let the program overwrite the application's log from its start,
 * and the application's own writes too.  Refused on an inherited file
 * that is opened for appending and that no writable rule covers. */
bool fdguard_unappends(int nr, const unsigned long long *args);

/* The guarded call nr is, or NULL. */
const struct fdguard_call *fdguard_call_of(int nr);

/* Do these arguments make the guarded call nr act on its descriptor
 * (the form the supervisor checks)?  by_path: the table allows the call's
 * path forms (utimensat is always denied by path, but for its NULL form,
 * and then AT_EMPTY_PATH is no descriptor form the filter lets through). */
bool fdguard_descriptor_form(int nr, const unsigned long long *args, bool by_path);

/* The supervisor: the descriptors the program inherits besides 0-2. */
void fdguard_inherited(const int *keep, size_t n);

/* Answer one notification for a descriptor form (seccomp_notify.c),
 * under policy p. */
void fdguard_handle(const struct policy *p, int listener, const struct seccomp_notif *req);

#endif
