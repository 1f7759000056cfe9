/* --explain (see explain.h).  Each refusal is decided the way the real
 * layers decide it: the filesystem rules as Landlock would (rights
 * beneath a rule's directory), the system calls as the seccomp filter's
 * plan says, sockets and ports as [network] says.  The refused call fails
 * with the errno the real policy gives (EACCES, or EPERM for a forbidden
 * call, which the real policy may instead kill for), so that the program
 * takes the same fallbacks, and goes on so that every refusal is seen. */
#include "explain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "command.h"
#include "environ.h"
#include "exitcode.h"
#include "landlock.h"
#include "netpolicy.h"
#include "syscall_filter.h"
#include "trace_decode.h"
#include "trace_policy.h"

struct explainer {
	const struct policy *p;
	int abi;            /* Landlock's, 0 without it */
	int ruleset_fd;     /* the real ruleset, which confines the observed run */
	struct grant_set gs;
	struct seccomp_plan plan;
	char *where;        /* "a profile of your own that includes X" */
	struct strv said;   /* each refusal once */
};

static void say(struct explainer *x, const struct trace_event *ev, char *what)
{
	if (strv_contains(&x->said, what)) {
		free(what);
		return;
	}
	char comm[32] = "?", path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)ev->tid);
	FILE *f = fopen(path, "re");
	if (f && fgets(comm, sizeof(comm), f))
		comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
	fprintf(stderr, "landjail: explain: %s[%d]: refused %s\n", comm, (int)ev->tgid,
		what);
	strv_push(&x->said, what);
}

/* The rule that grants what ev needs, as a person would add it. */
static char *fs_line(const struct trace_event *ev, char *arg)
{
	enum fs_access a = FS_RO;
	const char *target = ev->path;
	char dir[PATH_MAX];
	if (ev->rights & TR_EXEC)
		a = FS_ROX;
	else if (ev->rights & (TR_CREATE | TR_REMOVE)) {
		path_dirname(ev->path, dir);
		target = dir;
		a = FS_RW;
	} else if (ev->rights & (TR_WRITE | TR_TRUNC))
		a = FS_RW;
	snprintf(arg, PATH_MAX + 16, "--%s %s", fs_access_name(a), target);
	return xasprintf("%s = %s", fs_access_name(a), target);
}

static int explain_file(struct explainer *x, const struct trace_event *ev)
{
	if (grant_set_allows(&x->gs, ev->path, ev->rights))
		return 0;
	char arg[PATH_MAX + 16];
	char *line = fs_line(ev, arg);
	char *running = ev->detail[0] ? xasprintf(" (running \"%s\")", ev->detail) : xstrdup("");
	say(x, ev, xasprintf("%s on %s%s: add \"%s\" to [filesystem] in %s, or run with %s",
			     rights_words(ev->rights), ev->path, running, line, x->where, arg));
	free(running);
	free(line);
	return -EACCES;
}

static bool family_allowed(const struct policy *p, const struct trace_event *ev)
{
	bool inet = ev->family == AF_INET || ev->family == AF_INET6;
	if (ev->family == AF_UNIX)
		return policy_net_unix_allowed(p);
	if (policy_net_mode(p) == NET_UNRESTRICTED)
		return true;
	return inet && ev->type == SOCK_STREAM && policy_net_mode(p) == NET_TCP;
}

static const char *family_word(int family)
{
	switch (family) {
	case AF_UNIX: return "AF_UNIX";
	case AF_INET: return "AF_INET";
	case AF_INET6: return "AF_INET6";
	case AF_NETLINK: return "AF_NETLINK";
	default: return "another family";
	}
}

static int explain_socket(struct explainer *x, const struct trace_event *ev)
{
	if (family_allowed(x->p, ev))
		return 0;
	const char *fix = ev->family == AF_UNIX ? "\"unix = allow\""
			  : (ev->family == AF_INET || ev->family == AF_INET6) &&
				    ev->type == SOCK_STREAM
			  ? "\"mode = tcp\" and a tcp-connect or tcp-bind line"
			  : "\"mode = unrestricted\"";
	say(x, ev, xasprintf("a socket of %s (family %d, type %d): add %s to [network] in %s",
			     family_word(ev->family), ev->family, ev->type, fix, x->where));
	return -EACCES;
}

static bool port_in(const struct port_range *r, size_t n, unsigned port)
{
	for (size_t i = 0; i < n; i++)
		if (port >= r[i].lo && port <= r[i].hi)
			return true;
	return false;
}

static int explain_port(struct explainer *x, const struct trace_event *ev)
{
	bool bind = ev->kind == TE_BIND;
	const struct net_policy *n = &x->p->net;
	if ((ev->family != AF_INET && ev->family != AF_INET6) || policy_net_mode(x->p) != NET_TCP ||
	    port_in(bind ? n->bind : n->connect, bind ? n->n_bind : n->n_connect, ev->port))
		return 0;
	const char *key = bind ? "tcp-bind" : "tcp-connect";
	say(x, ev, xasprintf("%s TCP port %u: add \"%s = %u\" to [network] in %s, or run with "
			     "--%s %u", bind ? "binding" : "connecting to", ev->port, key, ev->port,
			     x->where, key, ev->port));
	return -EACCES;
}

static int explain_call(struct explainer *x, const struct trace_event *ev)
{
	const struct seccomp_plan *sp = &x->plan;
	int nr = ev->nr;
	if (nr < 0) {
		say(x, ev, xasprintf("a system call through another architecture's table (such "
				     "as int 0x80): never allowed"));
		return -ENOSYS;
	}
	if (nr >= SECCOMP_MAX_NR)
		return 0;
	if (strcmp(ev->sysname, "clone3") == 0)
		return -ENOSYS; /* as the filter: libc falls back to clone */
	/* The verdict table (seccomp_verdict.c); argument rules are not
	 * checked here. */
	if (seccomp_verdict_of(sp, nr) != VERDICT_REFUSE)
		return 0;
	if (sp->why[nr] == WHY_DENIED)
		say(x, ev, xasprintf("the system call %s: a \"deny\" line in [syscalls] names it",
				     ev->sysname));
	else
		say(x, ev, xasprintf("the system call %s: add \"allow = %s\" to [syscalls] in %s%s",
				     ev->sysname, ev->sysname, x->where,
				     x->p->sys.dflt == SYS_KILL ? " (the real run is killed here)"
								 : ""));
	return -EPERM;
}

static int explain_entry(void *ctx, const struct trace_event *ev)
{
	struct explainer *x = ctx;
	switch (ev->kind) {
	case TE_SYSCALL:
		return explain_call(x, ev);
	case TE_FILE:
		return explain_file(x, ev);
	case TE_NEWPROC:
		if (x->plan.fork)
			return 0;
		say(x, ev, xasprintf("a new process (%s): add \"fork = yes\" to [syscalls] in %s",
				     ev->sysname, x->where));
		return -EPERM;
	case TE_SOCKET:
		return explain_socket(x, ev);
	case TE_CONNECT:
	case TE_BIND:
		return explain_port(x, ev);
	}
	return 0;
}

static char *where(const struct cli *c)
{
	if (!c->profiles.n)
		return xstrdup("a profile");
	char *names = strv_join(&c->profiles, " and ");
	char *w = xasprintf("a profile of your own that includes %s", names);
	free(names);
	return w;
}

/* In the observed child: the policy's own Landlock domain, so that the
 * run the observer lets go on still cannot touch what the policy denies. */
static bool confine(const void *arg, char **msg)
{
	const struct explainer *x = arg;
	if (x->abi <= 0)
		return true;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		*msg = xasprintf("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return false;
	}
	return landlock_enter(x->p, x->abi, x->ruleset_fd, msg) == 0;
}

static int observe(const struct cli *c, struct explainer *x, const char *path)
{
	struct strv env = { 0 };
	environ_build(x->p, environ, &env);
	struct trace_ops ops = { .ctx = x, .entry = explain_entry };
	struct trace_spec spec = { .path = path, .argv = c->command, .envp = env.v,
				   .workdir = x->p->workdir, .quiet = true,
				   .confine = confine, .confine_arg = x };
	struct trace_stats stats;
	char *msg = NULL;
	int rc = trace_run(&spec, &ops, &stats, &msg);
	if (rc < 0)
		diag_error("%s", msg);
	else if (x->said.n)
		fprintf(stderr, "landjail: explain: %zu refusal%s; now running %s under the real "
			"policy\n", x->said.n, x->said.n == 1 ? "" : "s", c->command[0]);
	else
		fprintf(stderr, "landjail: explain: the policy refuses nothing %s did in the "
			"observed run; now running it under the real policy\n", c->command[0]);
	free(msg);
	strv_free(&env);
	return rc < 0 ? EXIT_LANDJAIL : 0;
}

int explain_main(const struct cli *c, const struct policy *p)
{
	if (!trace_can_refuse()) {
		diag_error("--explain cannot refuse a call on this architecture");
		return EXIT_LANDJAIL;
	}
	char *path = NULL, *msg = NULL;
	int rc = command_resolve(c->command[0], getenv("PATH"), c->path_after, &path);
	if (rc < 0)
		return 0; /* the confined run says "not found" or "not executable" */
	int abi = landlock_abi();
	struct explainer x = { .p = p, .where = where(c), .abi = abi < 0 ? 0 : abi,
			       .ruleset_fd = -1 };
	int status = EXIT_LANDJAIL;
	if (x.abi > 0 && (x.ruleset_fd = landlock_build(p, x.abi, &msg)) < 0) {
		diag_error("%s", msg);
		free(msg);
	} else if (seccomp_prepare(p, x.abi, &x.plan, &msg) < 0) {
		diag_error("%s", msg);
		free(msg);
	} else {
		grant_set_build(p, &x.gs);
		status = observe(c, &x, path);
		grant_set_free(&x.gs);
	}
	seccomp_plan_free(&x.plan);
	close_fd(&x.ruleset_fd);
	strv_free(&x.said);
	free(x.where);
	free(path);
	return status;
}
