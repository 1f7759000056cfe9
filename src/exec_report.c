#include "exec_report.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "profile_dirs.h"
#include "report.h"

/* What to tell the administrator about a program the confined program
 * tried to run: the opt-in profile for the delegates that can be run
 * safely, a warning for shells.  Matched on the file name, in order. */
static const struct exec_advice {
	const char *glob;
	const char *what;    /* what the program is */
	const char *profile; /* the opt-in profile to include, or NULL */
} advice_table[] = {
	{ "gs", "ghostscript, the PDF/PS/EPS delegate", "delegate-ghostscript" },
	{ "gs-*", "ghostscript, the PDF/PS/EPS delegate", "delegate-ghostscript" },
	{ "gsc", "ghostscript, the PDF/PS/EPS delegate", "delegate-ghostscript" },
	{ "ffmpeg", "ffmpeg, the video delegate", "delegate-ffmpeg" },
	{ "sh", "a shell", NULL },
	{ "bash", "a shell", NULL },
	{ "dash", "a shell", NULL },
	{ "zsh", "a shell", NULL },
};

static const struct exec_advice *exec_advice_find(const char *file)
{
	for (size_t i = 0; i < ARRAY_SIZE(advice_table); i++)
		if (fnmatch(advice_table[i].glob, file, 0) == 0)
			return &advice_table[i];
	return NULL;
}

const char *exec_advice_profile(size_t i)
{
	return i < ARRAY_SIZE(advice_table) ? advice_table[i].profile ? advice_table[i].profile
								       : "" : NULL;
}

/* The NUL-terminated string at addr in pid's memory, through /proc (not
 * process_vm_readv, which hosts' systemd filters deny as @debug). */
static bool read_string(pid_t pid, uint64_t addr, char *out, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t got = 0;
	bool done = false;
	while (!done && got < size - 1) {
		/* Up to the next page boundary: past it may be unmapped. */
		size_t chunk = 4096 - (size_t)((addr + got) % 4096);
		if (chunk > size - 1 - got)
			chunk = size - 1 - got;
		ssize_t n = pread(fd, out + got, chunk, (off_t)(addr + got));
		if (n <= 0)
			break;
		done = memchr(out + got, '\0', (size_t)n) != NULL;
		got += (size_t)n;
	}
	close(fd);
	out[got] = '\0';
	return done;
}

/* The file execve's arguments name (into name, as the program wrote it),
 * as a path the supervisor can open. */
static char *target_path(const struct exec_call *c, char *name, size_t size)
{
	if (!read_string(c->pid, c->path_addr, name, size))
		return NULL;
	if (name[0] == '/')
		return xstrdup(name);
	if (c->dirfd == AT_FDCWD)
		return xasprintf("/proc/%d/cwd/%s", (int)c->pid, name);
	if (!name[0])
		return xasprintf("/proc/%d/fd/%d", (int)c->pid, c->dirfd);
	return xasprintf("/proc/%d/fd/%d/%s", (int)c->pid, c->dirfd, name);
}

static char *advice_text(const struct policy *p, const struct exec_advice *a,
			 const char *target)
{
	char *where = p->sources.n ? profile_fix_location(p, p->sources.v[0])
				   : xstrdup("in a profile");
	char *text;
	if (a && !a->profile)
		text = xasprintf("it is %s, which is never to be granted to a converter (a "
				 "hostile file that reaches it runs commands); a delegate whose "
				 "command line has no redirection or pipe runs without one (see "
				 "the delegate-* profiles)", a->what);
	else if (a)
		text = xasprintf("to allow %s, add \"include = %s\" to [profile] %s", a->what,
				 a->profile, where);
	else
		text = xasprintf("to allow it, add \"rox = %s\" to [filesystem] %s", target,
				 where);
	free(where);
	return text;
}

/* Each refused target once per sandbox: execvp() tries it under every
 * PATH entry that leads to it (/usr/bin and /bin on merged-/usr systems),
 * and a program may retry. */
static bool first_time(const char *canon)
{
	static char *seen[32];
	static size_t n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(seen[i], canon) == 0)
			return false;
	if (n < ARRAY_SIZE(seen))
		seen[n++] = xstrdup(canon);
	return true;
}

void exec_report(const struct policy *p, const struct exec_call *c, const char *comm)
{
	char name[PATH_MAX];
	char *path = target_path(c, name, sizeof(name));
	char *canon = path ? realpath(path, NULL) : NULL;
	char *hint = NULL;
	/* A path that does not exist is execvp() walking PATH: not news. */
	if (!canon || command_executable_under(p, canon, &hint) || !first_time(canon)) {
		free(hint);
		free(canon);
		free(path);
		return;
	}
	const char *file = strrchr(canon, '/') + 1;
	char *advice = advice_text(p, exec_advice_find(file), canon);
	char *via = strcmp(name, canon) ? xasprintf(" (%s)", name) : xstrdup("");
	report(LOG_WARNING, "%s[%d] tried to run %s%s, which the policy does not let it "
	       "execute (it gets EACCES); %s", comm, (int)c->pid, canon, via, advice);
	free(via);
	free(advice);
	free(hint);
	free(canon);
	free(path);
}
