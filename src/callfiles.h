/* Per-call isolation in a shared work directory ([filesystem] isolate).
 *
 * Every call of an application shares its TMPDIR, so a rule on that
 * directory would let code running in one conversion read and replace
 * the uploads of others in flight.  With isolate = DIR the call gets no
 * rule on DIR; instead, before the fork:
 * - each argument that is an absolute path (after an ImageMagick or
 *   ffmpeg "FORMAT:" prefix and a "[...]" suffix, or after the "=" of a
 *   "-option=PATH") naming a file beneath DIR becomes a rule on that one
 *   file: a regular file with content is an input, read-only; an empty
 *   one is an output the application created, read-write; a name that
 *   does not exist yet, in an existing directory beneath DIR, is an
 *   output, created here empty and read-write.  Symbolic links and other
 *   file types are not granted;
 * - so is a relative name ("in.jpg", as a client library in the work
 *   directory passes it), resolved against the caller's working
 *   directory; one that does not exist yet is an output only when it
 *   looks like a file name ("out.jpg", not "50%" or "-resize");
 * - a private scratch directory DIR/landjail-XXXXXX (mode 0700) is
 *   created with a read-write rule, and every variable of scratch-env is
 *   set to it (TMPDIR, MAGICK_TEMPORARY_PATH).
 * After the run the scratch directory is removed, and so are outputs
 * created here that are still empty when the program failed. */
#ifndef LANDJAIL_CALLFILES_H
#define LANDJAIL_CALLFILES_H

#include <stdbool.h>

#include "policy.h"

struct callfiles {
	char *scratch;       /* the scratch directory, or NULL */
	struct strv created; /* outputs created empty for the call */
};

/* Add the call's rules and environment to p (no-op without isolate).
 * 0, or -errno with *msg saying what failed (the caller frees it). */
int callfiles_prepare(struct policy *p, char *const *argv, struct callfiles *cf, char **msg);

/* After the run: remove the scratch directory and, if failed, the
 * outputs still empty. */
void callfiles_cleanup(struct callfiles *cf, bool failed);

/* The path an argument names, if it names one absolutely (see above):
 * a new string, or NULL. */
char *callfiles_arg_path(const char *arg);

/* The relative file name an argument may be ("in.jpg", "sub/x.gif[0]"
 * without its "[...]"): a new string, or NULL for an option, a coder, a
 * URL or anything with shell or geometry characters ("50%", "1280x1280>"). */
char *callfiles_relative_name(const char *arg);

/* Does a relative name that does not exist yet look like an output file
 * ("out.jpg": a name and an extension of 1 to 5 letters or digits)? */
bool callfiles_output_name(const char *name);

#endif
