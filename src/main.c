/* landjail: run one command confined by Landlock.
 *
 * main() is the only place that decides landjail's exit status.  The
 * phases never interleave: parse and validate everything, then probe the
 * kernel and build the ruleset, then fork; the child confines itself and
 * execs (sandbox.c), the parent supervises (supervise.c). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callfiles.h"
#include "cli.h"
#include "disklimit.h"
#include "command.h"
#include "config.h"
#include "doctor.h"
#include "exitcode.h"
#include "environ.h"
#include "explain.h"
#include "learn.h"
#include "namedfiles.h"
#include "phase.h"
#include "filter_cache.h"
#include "hostenv.h"
#include "landlock.h"
#include "ns.h"
#include "plan.h"
#include "policy.h"
#include "profile.h"
#include "profile_cache.h"
#include "reaper.h"
#include "section.h"
#include "report.h"
#include "syscall_filter.h"
#include "status.h"
#include "supervise.h"
#include "wrappers.h"

static void load_policy(const struct cli *c, struct policy *p, struct errlist *el)
{
	profile_cache_load(p, &c->profiles, el);
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct cli_rule *r = &c->rules[i];
		struct origin at = { .file = policy_label(p, r->label), .line = 0 };
		policy_add_fs(p, r->path, r->access, r->optional, at);
	}
	p->best_effort = c->best_effort;
	/* --net and --tcp-*: as if a last profile said so. */
	char *err = NULL;
	if (c->net) {
		char *label = xasprintf("--net %s", c->net);
		struct origin at = { .file = policy_label(p, label), .line = 0 };
		if (!section_network_mode(p, c->net, at, &err))
			errlist_add(el, at.file, 0, "%s", err);
		free(label);
	}
	for (int bind = 0; bind < 2; bind++) {
		const struct strv *ports = bind ? &c->tcp_bind : &c->tcp_connect;
		for (size_t i = 0; i < ports->n; i++) {
			char *label = xasprintf("--tcp-%s %s", bind ? "bind" : "connect", ports->v[i]);
			struct origin at = { .file = policy_label(p, label), .line = 0 };
			if (!section_network_ports(p, bind, ports->v[i], at, &err))
				errlist_add(el, at.file, 0, "%s", err);
			free(label);
			free(err);
			err = NULL;
		}
	}
	free(err);
	if (c->timeout)
		limit_set(p, LIMIT_TIMEOUT, c->timeout,
			  (struct origin){ .file = policy_label(p, "--timeout"), .line = 0 });
}

/* Reports go to syslog when the command line or any profile asks. */
static void configure_reports(const struct cli *c, const struct policy *p)
{
	bool wanted = c->log_syslog || p->log_syslog;
	report_to_syslog(wanted);
	/* Only asked when wanted: one access() on the wrappers' launch path. */
	if (wanted && !report_syslog_available())
		diag_info("syslog: there is no /dev/log here: violations are reported on "
			  "standard error only");
}

static int resolve_program(const struct policy *p, const char *name,
			   const char *path_after, bool as_wrapper, char **path)
{
	struct stat st;
	int rc = command_resolve_stat(name, getenv("PATH"), path_after, path, &st);
	if (rc == -ENOENT) {
		diag_error("%s: command not found", name);
		return EXIT_NOT_FOUND;
	}
	if (rc < 0) {
		diag_error("%s: found but not executable", name);
		return EXIT_CANNOT_EXEC;
	}
	if (as_wrapper && wrappers_is_self_stat(&st)) {
		diag_error("%s: the next %s on PATH is a landjail wrapper too (%s); "
			   "refusing to run landjail inside itself", name, name, *path);
		return EXIT_NOT_FOUND;
	}
	char *hint;
	if (!command_executable_under(p, *path, &hint)) {
		diag_error("%s: %s", name, hint);
		free(hint);
		return EXIT_CANNOT_EXEC;
	}
	return 0;
}

/* Landlock's ruleset, when Landlock is the backend.  Returns false after
 * saying why when landjail must refuse. */
static bool prepare_landlock(const struct policy *p, struct sandbox *sb)
{
	char *msg = NULL;
	sb->ruleset_fd = landlock_build(p, sb->landlock_abi, &msg);
	if (sb->ruleset_fd < 0) {
		diag_error("%s", msg);
		free(msg);
		return false;
	}
	diag_info("backend: landlock: Landlock ABI %d: %zu path rules", sb->landlock_abi, p->n_fs);
	return true;
}

static bool prepare_seccomp(const struct policy *p, struct sandbox *sb)
{
	struct seccomp_plan *sp = xcalloc(1, sizeof(*sp));
	char *msg = NULL;
	if (seccomp_prepare(p, sb->landlock_abi, sp, &msg) < 0) {
		diag_error("%s", msg);
		free(msg);
		seccomp_plan_free(sp);
		free(sp);
		return false;
	}
	sb->seccomp = sp;
	diag_info("seccomp: %u instructions, %s; violations %s; filter %s", sp->len,
		  sp->allowlist ? "allowlist" : "always-denied calls only",
		  sp->notify ? "reported by name" : "reported from the exit status",
		  filter_cache_note());
	if (!sp->notify)
		diag_info("seccomp: no user notification: fchmod, ftruncate and the other calls "
			  "that change a file through a descriptor are refused on every descriptor, "
			  "as landjail cannot look behind one; F_SETFL without O_APPEND only on 0-2, "
			  "so a copy of the log under another number could stop appending (fdguard)");
	return true;
}

/* The supervisor checks execs against the rules that execute
 * (exec_report.c) and descriptor calls against those that write
 * (fdguard.c); the rest are done with once the ruleset is built. */
static void close_rules_unchecked(struct policy *p)
{
	for (size_t i = 0; i < p->n_fs; i++)
		if (!fs_access_executes(p->fs[i].access) && !fs_access_writes(p->fs[i].access))
			close_fd(&p->fs[i].fd);
}

/* --path-after DIR (the wrappers): DIR leaves the program's PATH too, so
 * that a delegate it starts by name (gs, ffmpeg) is found where the
 * policy can grant it, not as a wrapper script it cannot run. */
static void drop_wrapper_dir(struct strv *env, const char *dir)
{
	for (size_t i = 0; i < env->n; i++) {
		if (strncmp(env->v[i], "PATH=", 5) != 0)
			continue;
		char *rest = command_path_without(env->v[i] + 5, dir);
		free(env->v[i]);
		env->v[i] = xasprintf("PATH=%s", rest);
		free(rest);
	}
}

/* Everything the child needs is prepared here, in the parent: the
 * backend, the Landlock ruleset or the mount plan, the network plan, the
 * compiled seccomp filter, the environment.  Then supervise() forks. */
static int run(const struct cli *c, struct policy *p)
{
	struct sandbox sb = {
		.policy = p, .argv = c->command, .ruleset_fd = -1,
		.keep_fds = c->keep_fds, .n_keep_fds = c->n_keep_fds,
		.keep_session = c->keep_session,
	};
	struct ns_plan ns = { 0 };
	struct strv env = { 0 };
	char *path = NULL;
	int status = resolve_program(p, c->command[0], c->path_after, c->as_wrapper, &path);
	if (status)
		goto out;
	phase_mark("resolved");
	sb.path = path;
	status = EXIT_LANDJAIL;
	struct plan plan;
	struct plan_request rq = { .backend = c->backend, .program = path, .run = true };
	struct errlist el = { 0 };
	bool planned = plan_make(p, &rq, &plan, &el);
	errlist_print(&el);
	errlist_free(&el);
	if (!planned)
		goto out;
	phase_mark("planned");
	if (plan.backend == BACKEND_NAMESPACES) {
		ns_plan_build(&ns, p);
		sb.ns = &ns;
		diag_info("backend: namespaces: %zu bind mounts, %s network", ns.n,
			  ns.share_net ? "the caller's" : "no");
	}
	sb.landlock_abi = plan.abi;
	if (sb.landlock_abi > 0 && !prepare_landlock(p, &sb))
		goto out;
	phase_mark("ruleset");
	if (!prepare_seccomp(p, &sb))
		goto out;
	phase_mark("filter");
	/* The ruleset holds the rules now.  The descriptors of rules that
	 * let the program execute or write stay open: the supervisor checks
	 * a program's exec (exec_report.c) and its descriptor calls
	 * (fdguard.c) against them, by inode, as Landlock does.  The others
	 * go now, not after the run: the child
	 * then inherits (and closes) fewer, and the teardown has less to do.
	 * The namespace backend's child still needs every one (ns.c). */
	if (plan.backend == BACKEND_LANDLOCK)
		close_rules_unchecked(p);
	environ_build(p, environ, &env);
	if (c->path_after)
		drop_wrapper_dir(&env, c->path_after);
	sb.envp = env.v;
	phase_mark("environ");
	status = supervise(&sb);
out:
	if (sb.seccomp) {
		seccomp_plan_free(sb.seccomp);
		free(sb.seccomp);
	}
	strv_free(&env);
	close_fd(&sb.ruleset_fd);
	ns_plan_free(&ns);
	free(path);
	return status;
}

/* With --explain, first the observed run that names every refusal
 * (explain.c), then the confined one. */
static int explain_and_run(const struct cli *c, struct policy *p)
{
	int status = c->explain ? explain_main(c, p) : 0;
	return status ? status : run(c, p);
}

/* run(), with the call's own files and scratch directory when the policy
 * isolates calls in the work directory (callfiles.h).  Their rules lie
 * beneath the isolated directory, which the forbid check has passed. */
static int run_isolated(const struct cli *c, struct policy *p)
{
	if (!p->isolate)
		return explain_and_run(c, p);
	struct callfiles cf;
	char *msg = NULL;
	int status = EXIT_LANDJAIL;
	struct errlist el = { 0 };
	if (callfiles_prepare(p, c->command, &cf, &msg) < 0 ||
	    disklimit_prepare(p, cf.scratch, c->command[0], &msg) < 0) {
		if (msg)
			diag_error("%s", msg);
		free(msg);
	} else {
		phase_mark("scratch");
		policy_open_paths(p, &el);
		if (el.n)
			errlist_print(&el);
		else
			status = explain_and_run(c, p);
	}
	errlist_free(&el);
	phase_mark("ran");
	/* Over the disk bound when it ended: as if killed at the end. */
	if (disklimit_final() && status < 128)
		status = 128 + SIGKILL;
	disklimit_end();
	callfiles_cleanup(&cf, status != 0);
	return status;
}

/* The call, and with named-files = regular (namedfiles.h) the check that
 * what the application reads back is still a file: a link left in its
 * place fails the call, whatever the program's own status. */
static int run_call(const struct cli *c, struct policy *p)
{
	if (!p->named_regular)
		return run_isolated(c, p);
	struct namedfiles nf;
	namedfiles_record(&nf, c->command);
	int status = run_isolated(c, p);
	char *msg = NULL;
	if (namedfiles_check(&nf, &msg) < 0) {
		diag_error("%s", msg);
		free(msg);
		status = EXIT_LANDJAIL;
	}
	namedfiles_free(&nf);
	return status;
}

/* Started through a wrapper link: the very run the shell wrappers made,
 * "landjail -q --log syslog -p PROFILE --path-after DIR -- PROGRAM ARG...",
 * without the shell.  Returns the new argv (its strings owned by the
 * caller's profile and dir), or NULL after saying why. */
static char **wrapper_argv(int argc, char **argv, const char *name, const char *dir,
			   char **profile)
{
	struct errlist el = { 0 };
	if (wrappers_profile_for(name, profile, &el) < 0) {
		errlist_print(&el);
		errlist_free(&el);
		return NULL;
	}
	const char *head[] = { "landjail", "-q", "--log", "syslog", "-p", *profile,
			       "--path-after", dir, "--", name };
	char **v = xcalloc(ARRAY_SIZE(head) + (size_t)argc, sizeof(*v));
	memcpy(v, head, sizeof(head));
	for (int i = 1; i < argc; i++)
		v[ARRAY_SIZE(head) + (size_t)(i - 1)] = argv[i];
	return v;
}

static int sync_wrappers(const struct cli *c)
{
	struct errlist el = { 0 };
	int rc = wrappers_sync(c->wrapper_dir, getenv("PATH"), c->remove_wrappers, &el);
	errlist_print(&el);
	errlist_free(&el);
	return rc < 0 ? EXIT_LANDJAIL : 0;
}

/* --check: the effective policy, what this kernel makes of it, and
 * whatever a run would refuse (the same plan, the same words). */
static int check_policy(const struct cli *c, const struct policy *p)
{
	struct plan plan;
	struct plan_request rq = { .backend = c->backend, .program = "the command" };
	struct errlist el = { 0 };
	policy_print_ini(stdout, p);
	plan_print_kernel_note(stdout);
	fflush(stdout);
	bool ok = plan_make(p, &rq, &plan, &el);
	errlist_print(&el);
	errlist_free(&el);
	return ok ? 0 : EXIT_LANDJAIL;
}

static int run_policy(const struct cli *c)
{
	struct policy p;
	struct errlist el = { 0 };
	int status = 0;
	policy_init(&p);
	phase_mark("parsed");
	load_policy(c, &p, &el);
	phase_mark("profiles");
	/* A plain run splits off its reaper now (supervise.h), before any
	 * kernel probe a host's filter could kill (the reaper then names it)
	 * and before the descriptors.  --explain first observes a run of its
	 * own, with the signals not yet blocked. */
	if (!el.n && !c->check && !c->dump_seccomp && !c->explain) {
		if (supervise_begin() < 0) {
			errlist_free(&el);
			policy_free(&p);
			return EXIT_LANDJAIL;
		}
	}
	phase_mark("reaper");
	policy_open_paths(&p, &el);
	phase_mark("rules");
	policy_check_forbidden(&p, &el);
	phase_mark("forbid");
	if (el.n) {
		errlist_print(&el);
		diag_error("%zu problem%s in the policy; nothing was run", el.n,
			   el.n == 1 ? "" : "s");
		status = EXIT_LANDJAIL;
	} else if (c->check) {
		status = check_policy(c, &p);
	} else if (c->dump_seccomp) {
		char *msg = NULL;
		int abi = landlock_abi();
		if (seccomp_dump(&p, abi < 0 ? 0 : abi, stdout, &msg) < 0) {
			diag_error("%s", msg);
			free(msg);
			status = EXIT_LANDJAIL;
		}
	} else {
		configure_reports(c, &p);
		status = run_call(c, &p);
	}
	/* In the supervisor, the run's or a refusal's status: the caller need
	 * not wait for the rest, nor for our exit. */
	phase_mark("handover");
	reaper_hand_over(status);
	phase_write();
	errlist_free(&el);
	policy_free(&p);
	return status;
}

static int landjail_main(int argc, char **argv, bool as_wrapper)
{
	struct cli c;
	if (cli_parse(argc, argv, &c) < 0) {
		cli_free(&c);
		return EXIT_LANDJAIL;
	}
	c.as_wrapper = as_wrapper;
	diag_verbosity = c.verbosity;
	int status = 0;
	if (c.help) {
		cli_usage(stdout);
	} else if (c.version) {
		printf("landjail %s\n", LANDJAIL_VERSION);
	} else if (c.status) {
		status = status_report(stdout);
	} else if (c.doctor) {
		status = doctor_run(stdout, c.doctor);
	} else if (c.wrapper_dir) {
		status = sync_wrappers(&c);
	} else if (!c.check && !c.dump_seccomp && !c.command[0]) {
		diag_error("no command given (try landjail --help)");
		status = EXIT_LANDJAIL;
	} else if (c.learn) {
		status = learn_main(&c);
	} else {
		status = run_policy(&c);
	}
	cli_free(&c);
	return status;
}

int main(int argc, char **argv)
{
	phase_mark("main");
	char *name, *dir;
	if (!wrappers_called_as(argv[0], &name, &dir))
		return landjail_main(argc, argv, false);
	char *profile = NULL;
	char **v = wrapper_argv(argc, argv, name, dir, &profile);
	int status = EXIT_LANDJAIL;
	if (v) {
		int n = 0;
		while (v[n])
			n++;
		status = landjail_main(n, v, true);
	}
	free(v);
	free(profile);
	free(dir);
	free(name);
	return status;
}
