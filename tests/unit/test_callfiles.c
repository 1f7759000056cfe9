/* Which path an argument names for per-call isolation (callfiles.h), and
 * the supervisor guard's rule table (guard.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "callfiles.h"
#include "guard.h"
#include "tap.h"

static const struct {
	const char *arg, *path; /* path NULL: the argument names no file */
} args[] = {
	{ "/srv/tmp/in.jpg", "/srv/tmp/in.jpg" },
	{ "/srv/tmp/in.gif[0]", "/srv/tmp/in.gif" },        /* a frame */
	{ "/srv/tmp/out.jpg[Q=90]", "/srv/tmp/out.jpg" },   /* vips options */
	{ "png:/srv/tmp/out.png", "/srv/tmp/out.png" },     /* a coder */
	{ "file:/srv/tmp/out.mp4", "/srv/tmp/out.mp4" },    /* a protocol */
	{ "-o=/srv/tmp/out.png", "/srv/tmp/out.png" },      /* an option's value */
	{ "-resize", NULL },
	{ "1280x1280>", NULL },
	{ "in.jpg", NULL },                        /* relative: callfiles_relative_name */
	{ "rose:", NULL },
	{ "-", NULL },
	{ "http://example.com/x.png", NULL },               /* not a file */
	{ "/srv/tmp/[weird]", "/srv/tmp/" },
	{ "[0]", NULL },
};

/* Relative names: what a client library running in the work directory
 * passes ("convert in.jpg -resize 50% out.jpg"). */
static const struct {
	const char *arg, *name; /* name NULL: no relative file name */
	bool output;            /* may be created as an output */
} rel[] = {
	{ "in.jpg", "in.jpg", true },
	{ "in.gif[0]", "in.gif", true },
	{ "sub/out.webp", "sub/out.webp", true },
	{ "thumb", "thumb", false },          /* exists: an input; else nothing */
	{ "-resize", NULL, false },
	{ "1280x1280>", NULL, false },
	{ "50%", NULL, false },
	{ "rose:", NULL, false },
	{ "png:out.png", NULL, false },
	{ ".", NULL, false },
	{ "..", NULL, false },
	{ "x.tar.gz", "x.tar.gz", true },
	{ "a.b/c", "a.b/c", false },
	{ ".hidden", ".hidden", false },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *got = callfiles_relative_name(rel[i].arg);
		TAP_STR(got, rel[i].name, "relative argument %s", rel[i].arg);
		if (got)
			TAP_OK(callfiles_output_name(got) == rel[i].output,
			       "%s %s an output name", got, rel[i].output ? "is" : "is not");
		free(got);
	}
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		char *got = callfiles_arg_path(args[i].arg);
		TAP_STR(got, args[i].path, "argument %s", args[i].arg);
		free(got);
	}
	/* The guard covers every way to signal a pid or reach a pidfd. */
	static const int must[] = { SYS_kill, SYS_tkill, SYS_tgkill, SYS_rt_sigqueueinfo,
				    SYS_rt_tgsigqueueinfo, SYS_pidfd_open, SYS_pidfd_send_signal,
				    SYS_pidfd_getfd, SYS_fcntl, SYS_ioctl, SYS_setpriority,
				    SYS_sched_setscheduler, SYS_sched_setattr, SYS_sched_setaffinity,
				    SYS_sched_setparam, SYS_ioprio_set };
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		bool found = false;
		for (size_t r = 0; r < guard_rule_count(); r++)
			found = found || guard_rule_nr(r) == must[i];
		TAP_OK(found, "the guard has a rule for syscall %d", must[i]);
	}
	/* Every layout fits the 8-bit jumps, with and without the signal rules. */
	struct guard g;
	TAP_OK(guard_build(&g, 1234, 1233, 1000, 1234, GUARD_SIGNALS | GUARD_SAME_GROUP | GUARD_NO_LISTEN | GUARD_NO_SUBREAPER) == 0 &&
		       g.len > 0, "the full guard builds (%u instructions)", g.len);
	TAP_OK(guard_build(&g, 1234, 1233, 1000, 1234, 0) == 0 && g.len > 0,
	       "the scheduling-only guard builds (%u instructions)", g.len);
	return tap_done();
}
