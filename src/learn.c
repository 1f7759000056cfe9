/* --learn: observe one run of a command and grow a profile from it (see
 * learn.h).  The command runs unconfined but with the base profile's
 * environment and working directory, so that it does what it will do
 * under the learned profile. */
#include "learn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "environ.h"
#include "exitcode.h"
#include "profile.h"


void port_add(unsigned **v, size_t *n, size_t *cap, unsigned port)
{
	size_t i = 0;
	while (i < *n && (*v)[i] < port)
		i++;
	if (i < *n && (*v)[i] == port)
		return;
	*v = grow_array(*v, sizeof(**v), *n, cap);
	memmove(*v + i + 1, *v + i, (*n - i) * sizeof(**v));
	(*v)[i] = port;
	(*n)++;
}

static void note_file(struct learn_obs *o, const char *path, unsigned rights)
{
	for (size_t i = 0; i < o->n_f; i++)
		if (strcmp(o->f[i].path, path) == 0) {
			o->f[i].rights |= rights;
			return;
		}
	o->f = grow_array(o->f, sizeof(*o->f), o->n_f, &o->cap_f);
	o->f[o->n_f++] = (struct learn_file){ .path = xstrdup(path), .rights = rights };
}

/* Every call is recorded at entry: the filter decides before the kernel
 * knows whether the call will succeed. */
static int learn_entry(void *ctx, const struct trace_event *ev)
{
	struct learn_obs *o = ctx;
	if (ev->kind == TE_SYSCALL && ev->nr >= 0 && ev->nr < LEARN_MAX_CALLS)
		o->calls[ev->nr] = 1;
	if (ev->kind == TE_NEWPROC)
		o->fork = true;
	return 0;
}

static void learn_socket(struct learn_obs *o, const struct trace_event *ev)
{
	if (ev->family == AF_UNIX)
		o->unix_used = true;
	else if ((ev->family == AF_INET || ev->family == AF_INET6) && ev->type == SOCK_STREAM)
		o->inet_stream = true;
	else
		o->other_family = ev->family;
}

/* Files, sockets and addresses count when the call succeeded: a probe
 * for a file that is not there needs no rule. */
static void learn_done(void *ctx, const struct trace_event *ev)
{
	struct learn_obs *o = ctx;
	switch (ev->kind) {
	case TE_FILE:
		note_file(o, ev->path, ev->rights);
		break;
	case TE_SOCKET:
		learn_socket(o, ev);
		break;
	case TE_CONNECT:
	case TE_BIND:
		if (ev->family == AF_UNIX && ev->path[0] && !strv_contains(&o->unix_paths, ev->path))
			strv_push(&o->unix_paths, xstrdup(ev->path));
		if (ev->family == AF_INET || ev->family == AF_INET6) {
			if (ev->kind == TE_CONNECT)
				port_add(&o->connect, &o->n_connect, &o->cap_connect, ev->port);
			else
				port_add(&o->bind, &o->n_bind, &o->cap_bind, ev->port);
		}
		break;
	default:
		break;
	}
}

static void obs_free(struct learn_obs *o)
{
	for (size_t i = 0; i < o->n_f; i++)
		free(o->f[i].path);
	free(o->f);
	free(o->connect);
	free(o->bind);
	strv_free(&o->unix_paths);
}

/* The base profiles: those FILE already includes, then --base, else
 * base-dynamic (the loader and libc). */
static bool load_base(const struct cli *c, struct learned *l, struct policy *base)
{
	struct errlist el = { 0 };
	struct strv names = { 0 };
	for (size_t i = 0; i < l->includes.n; i++)
		strv_push(&names, xstrdup(l->includes.v[i]));
	for (size_t i = 0; i < c->bases.n; i++)
		if (!strv_contains(&names, c->bases.v[i]))
			strv_push(&names, xstrdup(c->bases.v[i]));
	if (!names.n)
		strv_push(&names, xstrdup("base-dynamic"));
	for (size_t i = 0; i < names.n; i++)
		profile_load(base, names.v[i], &el);
	policy_open_paths(base, &el);
	policy_check_forbidden(base, &el);
	bool ok = el.n == 0;
	if (!ok) {
		errlist_print(&el);
		diag_error("%zu problem%s in the base profile; nothing was run", el.n,
			   el.n == 1 ? "" : "s");
	}
	errlist_free(&el);
	strv_free(&l->includes);
	l->includes = names;
	return ok;
}

static int resolve(const struct cli *c, char **path)
{
	int rc = command_resolve(c->command[0], getenv("PATH"), c->path_after, path);
	if (rc == -ENOENT)
		diag_error("%s: command not found", c->command[0]);
	else if (rc < 0)
		diag_error("%s: found but not executable", c->command[0]);
	return rc == -ENOENT ? EXIT_NOT_FOUND : rc < 0 ? EXIT_CANNOT_EXEC : 0;
}

static char *command_line(char *const *argv)
{
	struct strv words = { 0 };
	for (; *argv; argv++)
		strv_push(&words, xstrdup(*argv));
	char *s = strv_join(&words, " ");
	strv_free(&words);
	return s;
}

/* The profile goes to FILE.new first, then replaces FILE in one rename. */
static bool write_profile(const char *file, const struct learned *l)
{
	char *tmp = xasprintf("%s.new", file);
	const char *slash = strrchr(file, '/');
	char *name = xstrdup(slash ? slash + 1 : file);
	char *dot = strrchr(name, '.');
	if (dot && strcmp(dot, ".ini") == 0)
		*dot = '\0';
	FILE *f = fopen(tmp, "we");
	bool ok = f != NULL;
	if (f) {
		learned_print(f, l, name);
		ok = !ferror(f);
		ok = fclose(f) == 0 && ok;
	}
	/* landjail refuses a profile that others may write. */
	ok = ok && chmod(tmp, 0644) == 0 && rename(tmp, file) == 0;
	if (!ok) {
		diag_error("cannot write %s: %s", file, strerror(errno));
		unlink(tmp);
	}
	free(name);
	free(tmp);
	return ok;
}

static void summary(const char *file, const struct learn_obs *o, int status)
{
	unsigned calls = 0;
	for (size_t i = 0; i < LEARN_MAX_CALLS; i++)
		calls += o->calls[i];
	if (diag_verbosity >= VERB_NORMAL)
		fprintf(stderr, "landjail: learned %s: %zu files, %u system calls; peaks: %llu MiB of address space, "
		  "%.2fs CPU, %.2fs, %u tasks, descriptor %d\n", file, o->n_f, calls,
		  o->stats.peak_vm >> 20, o->stats.cpu_seconds, o->stats.wall_seconds,
		  o->stats.peak_tasks, o->stats.peak_fd);
	if (status)
		diag_warn("the command exited with status %d: the profile holds what this run "
			  "did, which may not be all a successful run needs", status);
}

static int observe_and_write(const struct cli *c, struct learned *l, struct policy *base)
{
	char *path = NULL;
	int status = resolve(c, &path);
	if (status)
		return status;
	struct strv env = { 0 };
	environ_build(base, environ, &env);
	struct learn_obs obs = { .other_family = -1 };
	struct trace_ops ops = { .ctx = &obs, .entry = learn_entry, .done = learn_done };
	struct trace_spec spec = { .path = path, .argv = c->command, .envp = env.v,
				   .workdir = base->workdir };
	char *msg = NULL;
	status = trace_run(&spec, &ops, &obs.stats, &msg);
	if (status < 0) {
		diag_error("%s", msg);
		status = EXIT_LANDJAIL;
	} else {
		char *line = command_line(c->command);
		learned_grow(l, &obs, base, line);
		free(line);
		if (!write_profile(c->learn, l))
			status = EXIT_LANDJAIL;
		else
			summary(c->learn, &obs, status);
	}
	free(msg);
	obs_free(&obs);
	strv_free(&env);
	free(path);
	return status;
}

int learn_main(const struct cli *c)
{
	struct learned l = { .net_mode = NET_UNSET };
	struct errlist el = { 0 };
	int status = EXIT_LANDJAIL;
	if (learned_read(c->learn, &l, &el) == -EINVAL) {
		errlist_print(&el);
		diag_error("%s was not written by --learn, or was edited beyond what it can "
			   "grow; nothing was run", c->learn);
		goto out;
	}
	struct policy base;
	policy_init(&base);
	if (load_base(c, &l, &base))
		status = observe_and_write(c, &l, &base);
	policy_free(&base);
out:
	errlist_free(&el);
	learned_free(&l);
	return status;
}
