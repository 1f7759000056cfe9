#include "namedfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "callfiles.h"
#include "util.h"

/* One file the command line names, as it was before the run. */
struct namedfile {
	char *path;
	char *base;      /* its last component, within path */
	int dirfd;       /* O_PATH of the directory it is in */
	dev_t dir_dev;   /* that directory's identity, to see it replaced */
	ino_t dir_ino;
	bool existed;    /* a regular file then (else: it did not exist) */
};

static void track(struct namedfiles *nf, const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash || !slash[1] || strcmp(slash + 1, ".") == 0 || strcmp(slash + 1, "..") == 0) {
		free(dir);
		return;
	}
	slash[slash == dir] = '\0';
	struct stat dst, st;
	int dfd = openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dfd < 0 || fstat(dfd, &dst) < 0)
		goto skip;
	bool existed = fstatat(dfd, strrchr(path, '/') + 1, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (existed ? !S_ISREG(st.st_mode) : errno != ENOENT)
		goto skip; /* a directory, a device, a link already: not a file the call makes */
	nf->files = grow_array(nf->files, sizeof(*nf->files), nf->n, &nf->cap);
	struct namedfile *f = &nf->files[nf->n++];
	f->path = xstrdup(path);
	f->base = strrchr(f->path, '/') + 1;
	f->dirfd = dfd;
	f->dir_dev = dst.st_dev;
	f->dir_ino = dst.st_ino;
	f->existed = existed;
	return;
skip:
	if (dfd >= 0)
		close(dfd);
}

void namedfiles_record(struct namedfiles *nf, char *const *argv)
{
	memset(nf, 0, sizeof(*nf));
	char buf[4096];
	const char *cwd = getcwd(buf, sizeof(buf));
	for (char *const *a = argv + 1; *a; a++) {
		char *path = callfiles_arg_path(*a);
		char *name = path || !cwd ? NULL : callfiles_relative_name(*a);
		if (name)
			path = xasprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, name);
		if (path)
			track(nf, path);
		free(path);
		free(name);
	}
}

/* What the file is now, if the run left something the caller must not
 * read back in its place: NULL when it is a regular file, a directory,
 * or (still) absent. */
static const char *replaced(const struct namedfile *f, bool *remove)
{
	struct stat st, dst;
	*remove = false;
	char *dir = xstrndup(f->path, (size_t)(f->base - f->path - 1));
	int same_dir = stat(*dir ? dir : "/", &dst) == 0 && dst.st_dev == f->dir_dev &&
		       dst.st_ino == f->dir_ino;
	free(dir);
	if (!same_dir)
		return "its directory was replaced";
	if (fstatat(f->dirfd, f->base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return NULL;
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return NULL;
	*remove = true;
	return S_ISLNK(st.st_mode) ? "a symbolic link" : "a special file";
}

int namedfiles_check(struct namedfiles *nf, char **msg)
{
	*msg = NULL;
	for (size_t i = 0; i < nf->n && !*msg; i++) {
		bool remove;
		const char *what = replaced(&nf->files[i], &remove);
		if (!what)
			continue;
		/* The sandbox has ended: nothing races this unlink but the
		 * caller's own processes. */
		if (remove && unlinkat(nf->files[i].dirfd, nf->files[i].base, 0) < 0)
			*msg = xasprintf("%s was replaced by %s during the call, and removing it "
					 "failed: %s; do not read it", nf->files[i].path, what,
					 strerror(errno));
		else if (remove)
			*msg = xasprintf("%s was replaced by %s during the call (removed): a "
					 "converted file must be a regular file", nf->files[i].path, what);
		else
			*msg = xasprintf("%s: %s during the call; do not read it", nf->files[i].path,
					 what);
	}
	return *msg ? -EPERM : 0;
}

void namedfiles_free(struct namedfiles *nf)
{
	for (size_t i = 0; i < nf->n; i++) {
		free(nf->files[i].path);
		close(nf->files[i].dirfd);
	}
	free(nf->files);
	memset(nf, 0, sizeof(*nf));
}
