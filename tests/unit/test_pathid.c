/* The shared walks of the forbid check (pathid.h): what a path's prefix
 * walk finds must be, level by level, what opening the path and walking
 * up by ".." finds, whatever the path's spelling; and a walk that shares
 * its prefixes with an earlier one must find the same again. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathid.h"
#include "tap.h"

#define MAX_LEVELS 64

struct chain {
	struct pathid id[MAX_LEVELS];
	size_t n;
};

static bool collect(const struct pathid *id, void *arg)
{
	struct chain *c = arg;
	if (c->n < MAX_LEVELS)
		c->id[c->n++] = *id;
	return false;
}

/* The reference: open(path, O_PATH|O_DIRECTORY), then ".." to the root. */
static bool opened_chain(const char *path, struct chain *c)
{
	c->n = 0;
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	pathid_walk_up(fd, collect, c);
	close(fd);
	return true;
}

static void node_chain(const struct pathid_walks *w, int node, struct chain *c)
{
	c->n = 0;
	for (int n = node; n >= 0 && c->n < MAX_LEVELS; n = pathid_walks_up(w, n))
		c->id[c->n++] = w->node[n].id;
}

static bool same_chain(const struct chain *a, const struct chain *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->id[i].dev != b->id[i].dev || a->id[i].ino != b->id[i].ino)
			return false;
	return true;
}

static void check_dir(struct pathid_walks *w, const char *path, const char *what)
{
	struct chain want, got;
	bool opens = opened_chain(path, &want);
	int node = pathid_walks_dir(w, path);
	if (!opens) {
		TAP_OK(node < 0, "%s: cannot be opened, no node", what);
		return;
	}
	node_chain(w, node, &got);
	TAP_OK(node >= 0 && same_chain(&got, &want), "%s: %zu levels, as open and \"..\" find them",
	       what, want.n);
}

int main(void)
{
	char base[] = "/tmp/landjail-pathid.XXXXXX";
	if (!mkdtemp(base))
		return 1;
	char *cmd = xasprintf("mkdir -p %s/a/b/c %s/many %s/x/y %s/x/b/c && touch %s/a/f && "
			      "ln -s a/b %s/l && ln -s ../../a/b %s/x/y/up",
			      base, base, base, base, base, base, base);
	if (system(cmd) != 0)
		return 1;
	free(cmd);

	struct pathid_walks w;
	pathid_walks_init(&w);
	struct {
		const char *rel, *what;
	} paths[] = {
		{ "/a/b/c", "a clean path" },
		{ "/a/b/c", "the same path again, from what the walks know" },
		{ "/a/b", "a prefix of it" },
		{ "/x/b/c", "names met before, in another directory" },
		{ "/l/c", "a symbolic link on the way" },
		{ "/l", "a symbolic link at the end" },
		{ "/x/y/up/c", "a link to a directory elsewhere, from a deeper place" },
		{ "/a/b/../b/c", "a \"..\" component" },
		{ "/a/./b/c", "a \".\" component" },
		{ "//a//b/c", "empty components" },
		{ "/a/b/c/", "a trailing slash" },
		{ "/a/f", "a file" },
		{ "/a/f/g", "a file on the way" },
		{ "/a/none", "a directory that does not exist" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		char *p = xasprintf("%s%s", base, paths[i].rel);
		check_dir(&w, p, paths[i].what);
		free(p);
	}
	/* Each directory of a long walk is where its spelling says: the
	 * table that finds the prefixes grows past its first size. */
	bool all = true;
	for (int i = 0; i < 150; i++) {
		char *p = xasprintf("%s/many/d%03d", base, i);
		all &= mkdir(p, 0755) == 0;
		struct chain want, got;
		all &= opened_chain(p, &want);
		node_chain(&w, pathid_walks_dir(&w, p), &got);
		all &= same_chain(&got, &want);
		free(p);
	}
	TAP_OK(all, "150 sibling directories, each walked up as open and \"..\" find it");

	/* A file: its node, and above it the directory it is in. */
	char *file = xasprintf("%s/a/f", base), *dir = xasprintf("%s/a", base);
	int fn = pathid_walks_clean(&w, file);
	struct stat fs, ds;
	bool ok = fn >= 0 && stat(file, &fs) == 0 && stat(dir, &ds) == 0 &&
		  w.node[fn].kind == PATHID_FILE && w.node[fn].id.ino == fs.st_ino &&
		  w.node[w.node[fn].parent].id.ino == ds.st_ino;
	TAP_OK(ok, "a file's node is the file, with its directory above it");
	char *link = xasprintf("%s/l", base);
	TAP_OK(pathid_walks_clean(&w, link) < 0, "a symbolic link has no node of its own");
	free(link);
	free(file);
	free(dir);

	/* What the walks know without a system call. */
	char *known = xasprintf("%s/a/b", base), *unknown = xasprintf("%s/x/z", base);
	TAP_OK(pathid_walks_known(&w, known) >= 0, "a directory looked up is known");
	TAP_OK(pathid_walks_known(&w, unknown) < 0, "one never looked up is not");
	free(known);
	free(unknown);
	pathid_walks_free(&w);

	cmd = xasprintf("rm -rf %s", base);
	if (system(cmd) != 0)
		return 1;
	free(cmd);
	return tap_done();
}
