/* landjail: run one command confined by Landlock.
 *
 * main() is the only place that decides landjail's exit status.  The
 * phases never interleave: parse and validate everything, then probe the
 * kernel and build the ruleset, then fork; the child confines itself and
 * execs (sandbox.c), the parent supervises (supervise.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "command.h"
#include "config.h"
#include "environ.h"
#include "landlock.h"
#include "limit.h"
#include "policy.h"
#include "profile.h"
#include "report.h"
#include "status.h"
#include "supervise.h"

enum {
	EXIT_LANDJAIL = 125,
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

/* The lowest Landlock ABI that enforces everything [filesystem] says:
 * before ABI 3, truncate() of a read-only file is not stopped. */
#define LANDLOCK_ABI_FULL_FS 3
/* The first ABI that restricts ioctl on device files. */
#define LANDLOCK_ABI_IOCTL_DEV 5

static bool policy_grants_devices(const struct policy *p)
{
	for (size_t i = 0; i < p->n_fs; i++)
		if (!p->fs[i].missing && strncmp(p->fs[i].path, "/dev", 4) == 0 &&
		    (p->fs[i].path[4] == '/' || p->fs[i].path[4] == '\0'))
			return true;
	return false;
}

static void load_policy(const struct cli *c, struct policy *p, struct errlist *el)
{
	for (size_t i = 0; i < c->profiles.n; i++)
		profile_load(p, c->profiles.v[i], el);
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct cli_rule *r = &c->rules[i];
		struct origin at = { .file = policy_label(p, r->label), .line = 0 };
		policy_add_fs(p, r->path, r->access, r->optional, at);
	}
	p->best_effort = c->best_effort;
	if (c->timeout)
		limit_set(p, LIMIT_TIMEOUT, c->timeout,
			  (struct origin){ .file = policy_label(p, "--timeout"), .line = 0 });
}

/* Reports go to syslog when the command line or any profile asks. */
static void configure_reports(const struct cli *c, const struct policy *p)
{
	report_to_syslog(c->log_syslog || p->log_syslog);
}

static void print_kernel_note(FILE *out)
{
	int abi = landlock_abi();
	if (abi < 0)
		fprintf(out, "; on this kernel: no Landlock (%s): landjail refuses to run "
			"this policy without --best-effort\n", landlock_unavailable_hint(abi));
	else if (abi < LANDLOCK_ABI_FULL_FS)
		fprintf(out, "; on this kernel: Landlock ABI %d cannot stop truncate() "
			"outside rw paths: landjail refuses without --best-effort\n", abi);
	else
		fprintf(out, "; on this kernel: Landlock ABI %d enforces all of the above\n", abi);
}

/* Decide whether to go on without (part of) Landlock.  Returns the ABI to
 * use (0: none), or -1 when landjail must refuse. */
static int landlock_plan(const struct policy *p, const char *program)
{
	int abi = landlock_abi();
	if (abi < 0) {
		if (!p->best_effort) {
			diag_error("cannot confine %s: %s; refusing to run it unconfined "
				   "(--best-effort runs it anyway)", program,
				   landlock_unavailable_hint(abi));
			return -1;
		}
		diag_loud("Landlock is unavailable (%s): running %s WITHOUT filesystem "
			  "confinement because of --best-effort", landlock_unavailable_hint(abi),
			  program);
		return 0;
	}
	if (abi < LANDLOCK_ABI_FULL_FS) {
		if (!p->best_effort) {
			diag_error("this kernel's Landlock ABI %d cannot stop truncate() of files "
				   "outside rw paths (ABI 3, Linux 6.2, can); refusing to run %s "
				   "(--best-effort runs it anyway)", abi, program);
			return -1;
		}
		diag_loud("Landlock ABI %d: truncate() of files outside rw paths is NOT "
			  "prevented for %s (--best-effort)", abi, program);
	}
	if (abi < LANDLOCK_ABI_IOCTL_DEV && policy_grants_devices(p))
		diag_warn("Landlock ABI %d cannot restrict ioctl on device files: %s may "
			  "issue any ioctl on the devices it opens (ABI 5, Linux 6.10, can)",
			  abi, program);
	return abi;
}

static int resolve_program(const struct policy *p, const char *name, char **path)
{
	int rc = command_resolve(name, getenv("PATH"), path);
	if (rc == -ENOENT) {
		diag_error("%s: command not found", name);
		return EXIT_NOT_FOUND;
	}
	if (rc < 0) {
		diag_error("%s: found but not executable", name);
		return EXIT_CANNOT_EXEC;
	}
	char *hint;
	if (!command_executable_under(p, *path, &hint)) {
		diag_error("%s: %s", name, hint);
		free(hint);
		return EXIT_CANNOT_EXEC;
	}
	return 0;
}

static int run(const struct cli *c, const struct policy *p)
{
	char *path = NULL;
	int status = resolve_program(p, c->command[0], &path);
	if (status) {
		free(path);
		return status;
	}
	struct sandbox sb = {
		.policy = p, .path = path, .argv = c->command, .ruleset_fd = -1,
		.keep_fds = c->keep_fds, .n_keep_fds = c->n_keep_fds,
		.keep_session = c->keep_session,
	};
	if (!limits_plan(p)) {
		free(path);
		return EXIT_LANDJAIL;
	}
	sb.landlock_abi = landlock_plan(p, path);
	if (sb.landlock_abi < 0) {
		free(path);
		return EXIT_LANDJAIL;
	}
	if (sb.landlock_abi > 0) {
		char *msg = NULL;
		sb.ruleset_fd = landlock_build(p, sb.landlock_abi, &msg);
		if (sb.ruleset_fd < 0) {
			diag_error("%s", msg);
			free(msg);
			free(path);
			return EXIT_LANDJAIL;
		}
		diag_info("Landlock ABI %d: %zu path rules", sb.landlock_abi, p->n_fs);
	}
	struct strv env = { 0 };
	environ_build(p, environ, &env);
	sb.envp = env.v;
	status = supervise(&sb);
	strv_free(&env);
	close_fd(&sb.ruleset_fd);
	free(path);
	return status;
}

int main(int argc, char **argv)
{
	struct cli c;
	if (cli_parse(argc, argv, &c) < 0) {
		cli_free(&c);
		return EXIT_LANDJAIL;
	}
	diag_verbosity = c.verbosity;
	int status = 0;
	if (c.help) {
		cli_usage(stdout);
	} else if (c.version) {
		printf("landjail %s\n", LANDJAIL_VERSION);
	} else if (c.status) {
		status = status_report(stdout);
	} else if (!c.check && !c.command[0]) {
		diag_error("no command given (try landjail --help)");
		status = EXIT_LANDJAIL;
	} else {
		struct policy p;
		struct errlist el = { 0 };
		policy_init(&p);
		load_policy(&c, &p, &el);
		policy_open_paths(&p, &el);
		if (el.n) {
			errlist_print(&el);
			diag_error("%zu problem%s in the policy; nothing was run", el.n,
				   el.n == 1 ? "" : "s");
			status = EXIT_LANDJAIL;
		} else if (c.check) {
			policy_print_ini(stdout, &p);
			print_kernel_note(stdout);
		} else {
			configure_reports(&c, &p);
			status = run(&c, &p);
		}
		errlist_free(&el);
		policy_free(&p);
	}
	cli_free(&c);
	return status;
}
