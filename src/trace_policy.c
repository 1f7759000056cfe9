#include "trace_policy.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define RIGHTS_RO (TR_READ | TR_LIST)
#define RIGHTS_RW (RIGHTS_RO | TR_WRITE | TR_CREATE | TR_REMOVE | TR_TRUNC)

unsigned access_rights(enum fs_access a)
{
	static const unsigned rights[FS_ACCESS_COUNT] = {
		[FS_RO] = RIGHTS_RO, [FS_ROX] = RIGHTS_RO | TR_EXEC, [FS_RW] = RIGHTS_RW,
		[FS_RWX] = RIGHTS_RW | TR_EXEC, [FS_DEV] = TR_READ | TR_WRITE,
	};
	return rights[a];
}

void grant_set_build(const struct policy *p, struct grant_set *g)
{
	memset(g, 0, sizeof(*g));
	g->path = xcalloc(p->n_fs + 1, sizeof(*g->path));
	g->rights = xcalloc(p->n_fs + 1, sizeof(*g->rights));
	g->rule = xcalloc(p->n_fs + 1, sizeof(*g->rule));
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct fs_rule *r = &p->fs[i];
		char *canon = NULL;
		if (r->missing)
			continue;
		if (policy_path_per_process(r->path))
			canon = xstrdup(r->path);
		else if (r->fd >= 0)
			canon = fd_realpath(r->fd);
		if (!canon)
			continue;
		g->path[g->n] = canon;
		g->rights[g->n] = access_rights(r->access);
		g->rule[g->n++] = r;
	}
}

void grant_set_free(struct grant_set *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->path[i]);
	free(g->path);
	free(g->rights);
	free(g->rule);
	memset(g, 0, sizeof(*g));
}

unsigned grant_set_rights(const struct grant_set *g, const char *path)
{
	unsigned r = 0;
	for (size_t i = 0; i < g->n; i++)
		if (path_covers(g->path[i], path))
			r |= g->rights[i];
	return r;
}

void path_dirname(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path) {
		strcpy(out, "/");
		return;
	}
	memcpy(out, path, (size_t)(slash - path));
	out[slash - path] = '\0';
}

bool grant_set_allows(const struct grant_set *g, const char *path, unsigned rights)
{
	unsigned in_dir = rights & (TR_CREATE | TR_REMOVE), on_file = rights & ~in_dir;
	if (in_dir) {
		char dir[PATH_MAX];
		path_dirname(path, dir);
		if ((grant_set_rights(g, dir) & in_dir) != in_dir)
			return false;
	}
	return (grant_set_rights(g, path) & on_file) == on_file;
}

const char *rights_words(unsigned rights)
{
	static const char *const names[] = { "read", "list", "write", "execute", "create",
					     "remove", "truncate" };
	static char buf[96];
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (rights & (1U << i))
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
						 used ? ", " : "", names[i]);
	return buf;
}
