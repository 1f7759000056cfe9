#include "callfiles.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter_cache_rules.h"
#include "pathid.h"

char *callfiles_arg_path(const char *arg)
{
	const char *s = arg;
	if (s[0] == '-' && strchr(s, '='))
		s = strchr(s, '=') + 1;
	if (s[0] != '/') {
		/* "png:/x/out.png", "file:/x/out.mp4": a coder or protocol. */
		const char *c = s;
		while (isalnum((unsigned char)*c) || *c == '_' || *c == '-')
			c++;
		if (c == s || c[0] != ':' || c[1] != '/' || c[2] == '/')
			return NULL; /* "http://host/...": not a file */
		s = c + 1;
	}
	char *path = xstrdup(s);
	size_t n = strlen(path);
	/* "in.gif[0]", "out.jpg[Q=90]": a frame or an option. */
	char *open = strrchr(path, '[');
	if (n && path[n - 1] == ']' && open && open != path)
		*open = '\0';
	return path;
}

char *callfiles_relative_name(const char *arg)
{
	/* Options, coders ("rose:", "png:out.png"), URLs and geometry
	 * arguments with shell-ish characters are no relative file names. */
	if (!*arg || arg[0] == '-' || arg[0] == '/' || strpbrk(arg, ":<>|*?%@!^\\\"'$`"))
		return NULL;
	char *name = xstrdup(arg);
	size_t n = strlen(name);
	char *open = strrchr(name, '[');
	if (n && name[n - 1] == ']' && open && open != name)
		*open = '\0';
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		free(name);
		return NULL;
	}
	return name;
}

bool callfiles_output_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *slash = strrchr(name, '/');
	if (!dot || dot == name || (slash && dot < slash) || dot[-1] == '/')
		return false;
	size_t ext = strlen(dot + 1);
	if (ext < 1 || ext > 5)
		return false;
	for (const char *c = dot + 1; *c; c++)
		if (!isalnum((unsigned char)*c))
			return false;
	return true;
}

static bool is_id(const struct pathid *id, void *arg)
{
	const struct pathid *want = arg;
	return id->dev == want->dev && id->ino == want->ino;
}

/* Grant the file an argument names, if it lies beneath the isolated
 * directory; create it if it does not exist yet and may_create. */
static int grant_arg(struct policy *p, const struct pathid *iso, const char *path,
		     bool may_create, struct callfiles *cf, char **msg)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	const char *base = path + (slash - dir) + 1;
	slash[slash == dir] = '\0';
	int rc = 0;
	int dfd = openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    !pathid_walk_up(dfd, is_id, (void *)iso))
		goto out; /* not one of the work directory's files */
	struct stat st;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISREG(st.st_mode))
			policy_add_fs(p, path, st.st_size ? FS_RO : FS_RW, false, p->isolate_at);
		goto out;
	}
	if (errno != ENOENT || !may_create)
		goto out;
	int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		rc = -errno;
		*msg = xasprintf("%s:%u: cannot create the output %s: %s", p->isolate_at.file,
				 p->isolate_at.line, path, strerror(errno));
		goto out;
	}
	close(fd);
	strv_push(&cf->created, xstrdup(path));
	policy_add_fs(p, path, FS_RW, false, p->isolate_at);
out:
	if (dfd >= 0)
		close(dfd);
	free(dir);
	return rc;
}

/* The file one argument names: an absolute path, or a name relative to
 * the caller's working directory (which grant_arg() only grants when it
 * lies in the isolated directory; a relative name that does not exist is
 * an output only when it looks like a file name, "out.jpg", not "50%"). */
static int grant_named(struct policy *p, const struct pathid *iso, const char *cwd,
		       const char *arg, struct callfiles *cf, char **msg)
{
	char *path = callfiles_arg_path(arg);
	if (path) {
		int rc = grant_arg(p, iso, path, true, cf, msg);
		free(path);
		return rc;
	}
	char *name = cwd ? callfiles_relative_name(arg) : NULL;
	if (!name)
		return 0;
	path = xasprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, name);
	int rc = grant_arg(p, iso, path, callfiles_output_name(name), cf, msg);
	free(path);
	free(name);
	return rc;
}

int callfiles_prepare(struct policy *p, char *const *argv, struct callfiles *cf, char **msg)
{
	memset(cf, 0, sizeof(*cf));
	if (!p->isolate)
		return 0;
	struct pathid iso;
	if (!pathid_of_path(p->isolate, &iso)) {
		int err = -errno;
		*msg = xasprintf("%s:%u: isolate = %s: %s", p->isolate_at.file, p->isolate_at.line,
				 p->isolate, strerror(errno));
		return err;
	}
	size_t before = p->n_fs;
	char *cwd = getcwd(NULL, 0);
	for (size_t i = 1; argv[i]; i++) {
		int rc = grant_named(p, &iso, cwd, argv[i], cf, msg);
		if (rc < 0) {
			free(cwd);
			return rc;
		}
	}
	free(cwd);
	cf->scratch = xasprintf("%s/landjail-XXXXXX", p->isolate);
	if (!mkdtemp(cf->scratch)) {
		int err = -errno;
		*msg = xasprintf("%s:%u: cannot create a scratch directory in %s: %s",
				 p->isolate_at.file, p->isolate_at.line, p->isolate, strerror(errno));
		free(cf->scratch);
		cf->scratch = NULL;
		return err;
	}
	filter_cache_new_scratch(cf->scratch);
	size_t granted = p->n_fs - before;
	policy_add_fs(p, cf->scratch, FS_RW, false, p->isolate_at);
	for (size_t i = 0; i < p->scratch_env.n; i++)
		policy_add_env_set(p, p->scratch_env.v[i], cf->scratch, p->isolate_at);
	diag_info("isolate: %zu file%s of %s named on the command line (%zu created as "
		  "outputs), scratch directory %s", granted, granted == 1 ? "" : "s", p->isolate,
		  cf->created.n, cf->scratch);
	return 0;
}

/* Remove everything in dir, never following a link the program left;
 * depth-bounded, as the program chose the shape of the tree. */
static void empty_dir(int dir, int depth)
{
	DIR *d = fdopendir(dir);
	if (!d) {
		close(dir);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0 || errno != EISDIR)
			continue;
		/* A directory (unlinkat said so) that the program may have
		 * made unreadable; the sandbox has ended, nothing races this. */
		fchmodat(dirfd(d), e->d_name, 0700, 0);
		int sub = depth < 64 ? openat(dirfd(d), e->d_name,
					      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (sub >= 0)
			empty_dir(sub, depth + 1);
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

static void callfiles_drop(struct callfiles *cf)
{
	free(cf->scratch);
	cf->scratch = NULL;
	strv_free(&cf->created);
}

void callfiles_cleanup(struct callfiles *cf, bool failed)
{
	/* Most calls leave the scratch directory empty: one rmdir then.  The
	 * program cannot have replaced it (it has no right on DIR itself). */
	if (cf->scratch && rmdir(cf->scratch) < 0 && errno != ENOENT) {
		/* Emptied by its owner, landjail's caller, even where the
		 * program took the read or search right away from it. */
		chmod(cf->scratch, 0700);
		int fd = openat(AT_FDCWD, cf->scratch, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			empty_dir(fd, 0);
		rmdir(cf->scratch);
	}
	for (size_t i = 0; failed && i < cf->created.n; i++) {
		struct stat st;
		if (lstat(cf->created.v[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
			unlink(cf->created.v[i]);
	}
	callfiles_drop(cf);
}
