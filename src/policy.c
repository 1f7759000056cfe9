#include "policy.h"

/* The plain policy: building it up from rules, and the names profiles
 * give its values.  No kernel calls (policy_paths.c opens the paths). */
#include <stdlib.h>
#include <string.h>

/* Access classes, in the order --check prints them. */
static const struct {
	const char *name;
	bool executes;
} fs_access_table[FS_ACCESS_COUNT] = {
	[FS_RO] = { "ro", false },
	[FS_ROX] = { "rox", true },
	[FS_RW] = { "rw", false },
	[FS_RWX] = { "rwx", true },
	[FS_DEV] = { "dev", false },
};

const char *const policy_default_env_keep[] = {
	"PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "TZ",
	"LANG", "LANGUAGE", "LC_*", "TMPDIR", NULL,
};

static const char *const net_mode_names[] = {
	[NET_NONE] = "none", [NET_TCP] = "tcp", [NET_UNRESTRICTED] = "unrestricted",
};

static const char *const sys_default_names[] = {
	[SYS_KILL] = "kill", [SYS_ERRNO] = "errno", [SYS_LOG] = "log",
};

const char *policy_net_mode_name(enum net_mode m)
{
	return net_mode_names[m];
}

const char *policy_sys_default_name(enum sys_default d)
{
	return sys_default_names[d];
}

enum net_mode policy_net_mode(const struct policy *p)
{
	return p->net.mode == NET_UNSET ? NET_NONE : (enum net_mode)p->net.mode;
}

bool policy_net_unix_allowed(const struct policy *p)
{
	if (p->net.unix_allow >= 0)
		return p->net.unix_allow;
	/* Landlock does not govern connecting to a pathname socket made
	 * outside (a container engine's, a desktop bus): only a mode that
	 * allows everything allows unix sockets without being asked. */
	return policy_net_mode(p) == NET_UNRESTRICTED;
}


const char *fs_access_name(enum fs_access a)
{
	return fs_access_table[a].name;
}

bool fs_access_executes(enum fs_access a)
{
	return fs_access_table[a].executes;
}

bool fs_access_from_name(const char *name, enum fs_access *out)
{
	for (int a = 0; a < FS_ACCESS_COUNT; a++) {
		if (strcmp(fs_access_table[a].name, name) == 0) {
			*out = (enum fs_access)a;
			return true;
		}
	}
	return false;
}

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->env.clear = -1;
	p->net.mode = NET_UNSET;
	p->net.unix_allow = -1;
	p->net.isolation = -1;
	p->sys.dflt = SYS_UNSET;
	p->sys.fork = -1;
	p->umask = -1;
}

void policy_free(struct policy *p)
{
	policy_close_paths(p);
	free(p->net.connect);
	free(p->net.bind);
	for (size_t i = 0; i < p->sys.n_rules; i++)
		free(p->sys.rules[i].name);
	free(p->sys.rules);
	for (size_t i = 0; i < p->n_fs; i++)
		free(p->fs[i].path);
	free(p->fs);
	for (size_t i = 0; i < p->n_forbid; i++)
		free(p->forbid[i].path);
	free(p->forbid);
	free(p->isolate);
	strv_free(&p->scratch_env);
	for (size_t i = 0; i < p->env.n_set; i++) {
		free(p->env.set[i].name);
		free(p->env.set[i].value);
	}
	free(p->env.set);
	strv_free(&p->env.keep);
	strv_free(&p->sources);
	strv_free(&p->labels);
	free(p->description);
	memset(p, 0, sizeof(*p));
}

const char *policy_label(struct policy *p, const char *label)
{
	/* From the latest: a profile's keys come one after another. */
	for (size_t i = p->labels.n; i-- > 0;)
		if (strcmp(p->labels.v[i], label) == 0)
			return p->labels.v[i];
	strv_push(&p->labels, xstrdup(label));
	return p->labels.v[p->labels.n - 1];
}

void policy_add_fs(struct policy *p, const char *path, enum fs_access a,
		   bool optional, struct origin at)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		struct fs_rule *r = &p->fs[i];
		if (r->access == a && strcmp(r->path, path) == 0) {
			/* A mandatory mention wins over an optional one. */
			r->optional = r->optional && optional;
			return;
		}
	}
	p->fs = grow_array(p->fs, sizeof(*p->fs), p->n_fs, &p->cap_fs);
	p->fs[p->n_fs++] = (struct fs_rule){
		.path = xstrdup(path), .access = a, .optional = optional,
		.at = at, .fd = -1, .missing = false,
	};
}

void policy_add_forbid(struct policy *p, const char *path, bool beneath, struct origin at)
{
	for (size_t i = 0; i < p->n_forbid; i++)
		if (p->forbid[i].beneath == beneath && strcmp(p->forbid[i].path, path) == 0)
			return; /* ${HOME} is often one of the others */
	p->forbid = grow_array(p->forbid, sizeof(*p->forbid), p->n_forbid, &p->cap_forbid);
	p->forbid[p->n_forbid++] = (struct fs_forbid){ .path = xstrdup(path), .beneath = beneath,
						       .at = at };
}

void policy_add_env_keep(struct policy *p, const char *glob)
{
	if (!strv_contains(&p->env.keep, glob))
		strv_push(&p->env.keep, xstrdup(glob));
}

void policy_add_env_set(struct policy *p, const char *name, const char *value,
			struct origin at)
{
	/* A later assignment to the same name replaces the earlier one. */
	for (size_t i = 0; i < p->env.n_set; i++) {
		struct env_assign *e = &p->env.set[i];
		if (strcmp(e->name, name) == 0) {
			free(e->value);
			e->value = xstrdup(value);
			e->at = at;
			return;
		}
	}
	p->env.set = grow_array(p->env.set, sizeof(*p->env.set), p->env.n_set,
				&p->env.cap_set);
	p->env.set[p->env.n_set++] = (struct env_assign){
		.name = xstrdup(name), .value = xstrdup(value), .at = at,
	};
}

bool policy_path_per_process(const char *path)
{
	return strncmp(path, "/proc/self", 10) == 0 && (path[10] == '\0' || path[10] == '/');
}

void policy_close_paths(struct policy *p)
{
	for (size_t i = 0; i < p->n_fs; i++)
		close_fd(&p->fs[i].fd);
}

bool fs_access_writes(enum fs_access a)
{
	return a == FS_RW || a == FS_RWX || a == FS_DEV;
}

bool path_covers(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(dir, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
