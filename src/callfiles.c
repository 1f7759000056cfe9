#include "callfiles.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static bool is_id(const struct pathid *id, void *arg)
{
	const struct pathid *want = arg;
	return id->dev == want->dev && id->ino == want->ino;
}

/* Grant the file an argument names, if it lies beneath the isolated
 * directory; create it if it does not exist yet. */
static int grant_arg(struct policy *p, const struct pathid *iso, const char *path,
		     struct callfiles *cf, char **msg)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	const char *base = path + (slash - dir) + 1;
	slash[slash == dir] = '\0';
	int rc = 0;
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    !pathid_walk_up(dfd, is_id, (void *)iso))
		goto out; /* not one of the work directory's files */
	struct stat st;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISREG(st.st_mode))
			policy_add_fs(p, path, st.st_size ? FS_RO : FS_RW, false, p->isolate_at);
		goto out;
	}
	if (errno != ENOENT)
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
	for (size_t i = 1; argv[i]; i++) {
		char *path = callfiles_arg_path(argv[i]);
		int rc = path ? grant_arg(p, &iso, path, cf, msg) : 0;
		free(path);
		if (rc < 0)
			return rc;
	}
	cf->scratch = xasprintf("%s/landjail-XXXXXX", p->isolate);
	if (!mkdtemp(cf->scratch)) {
		int err = -errno;
		*msg = xasprintf("%s:%u: cannot create a scratch directory in %s: %s",
				 p->isolate_at.file, p->isolate_at.line, p->isolate, strerror(errno));
		free(cf->scratch);
		cf->scratch = NULL;
		return err;
	}
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
		int sub = depth < 64 ? openat(dirfd(d), e->d_name,
					      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (sub >= 0)
			empty_dir(sub, depth + 1);
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

void callfiles_cleanup(struct callfiles *cf, bool failed)
{
	if (cf->scratch) {
		int fd = open(cf->scratch, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			empty_dir(fd, 0);
		rmdir(cf->scratch);
	}
	for (size_t i = 0; failed && i < cf->created.n; i++) {
		struct stat st;
		if (lstat(cf->created.v[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
			unlink(cf->created.v[i]);
	}
	free(cf->scratch);
	cf->scratch = NULL;
	strv_free(&cf->created);
}
