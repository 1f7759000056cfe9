/* [filesystem] named-files = regular: the files a call's command line
 * names are what the application reads back when it ends (the converted
 * upload; mogrify's input is also its output).  In a shared work
 * directory the program may replace one with a symbolic link to a file
 * only the application can read (its secrets), or with a FIFO that
 * blocks the reader, and the application would read the link's target
 * as "the converted image".  So landjail notes each named file that is a
 * regular file or does not exist yet, and its directory, before the
 * run; after it, a symbolic link or special file left in such a place is
 * removed and the call fails (a replaced directory fails it too). */
#ifndef LANDJAIL_NAMEDFILES_H
#define LANDJAIL_NAMEDFILES_H

#include <stdbool.h>
#include <stddef.h>

struct namedfiles {
	struct namedfile *files;
	size_t n, cap;
};

/* Note the files argv[1..] names (absolute, or relative to the working
 * directory, as callfiles.h reads arguments). */
void namedfiles_record(struct namedfiles *nf, char *const *argv);

/* After the run: 0, or -EPERM with *msg (to free) naming the first file
 * that is no longer a regular file, a directory or absent. */
int namedfiles_check(struct namedfiles *nf, char **msg);

void namedfiles_free(struct namedfiles *nf);

#endif
