#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "limit.h"

enum {
	OPT_RO = 256,
	OPT_ROX,
	OPT_RW,
	OPT_RWX,
	OPT_DEV,
	OPT_BEST_EFFORT,
	OPT_STATUS,
	OPT_CHECK,
	OPT_VERSION,
	OPT_LOG,
	OPT_PATH_AFTER,
	OPT_BACKEND,
	OPT_NET,
	OPT_TCP_CONNECT,
	OPT_TCP_BIND,
	OPT_DUMP_SECCOMP,
	OPT_TIMEOUT,
	OPT_KEEP_FD,
	OPT_KEEP_SESSION,
	OPT_LEARN,
	OPT_BASE,
	OPT_EXPLAIN,
	OPT_DOCTOR,
	OPT_SYNC_WRAPPERS,
	OPT_REMOVE_WRAPPERS,
};

static const struct option long_options[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "ro", required_argument, NULL, OPT_RO },
	{ "rox", required_argument, NULL, OPT_ROX },
	{ "rw", required_argument, NULL, OPT_RW },
	{ "rwx", required_argument, NULL, OPT_RWX },
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "best-effort", no_argument, NULL, OPT_BEST_EFFORT },
	{ "status", no_argument, NULL, OPT_STATUS },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "path-after", required_argument, NULL, OPT_PATH_AFTER },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "net", required_argument, NULL, OPT_NET },
	{ "tcp-connect", required_argument, NULL, OPT_TCP_CONNECT },
	{ "tcp-bind", required_argument, NULL, OPT_TCP_BIND },
	{ "dump-seccomp", no_argument, NULL, OPT_DUMP_SECCOMP },
	{ "help", no_argument, NULL, 'h' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "keep-fd", required_argument, NULL, OPT_KEEP_FD },
	{ "keep-session", no_argument, NULL, OPT_KEEP_SESSION },
	{ "learn", required_argument, NULL, OPT_LEARN },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "doctor", optional_argument, NULL, OPT_DOCTOR },
	{ "sync-wrappers", required_argument, NULL, OPT_SYNC_WRAPPERS },
	{ "remove-wrappers", required_argument, NULL, OPT_REMOVE_WRAPPERS },
	{ 0 },
};

void cli_usage(FILE *out)
{
	fputs("Usage: landjail [OPTIONS] [--] COMMAND [ARG...]\n"
	      "       landjail --check [OPTIONS] [PROFILE...]\n"
	      "       landjail --status\n"
	      "       landjail --learn FILE [--base NAME|PATH] [--] COMMAND [ARG...]\n"
	      "       landjail --explain -p NAME|PATH [OPTIONS] [--] COMMAND [ARG...]\n"
	      "       landjail --doctor[=DIR]\n"
	      "       landjail --sync-wrappers DIR | --remove-wrappers DIR\n"
	      "\n"
	      "Run COMMAND confined by Landlock, as an unprivileged user, without user\n"
	      "namespaces or setuid (on kernels without Landlock: by an unprivileged user\n"
	      "namespace, see --backend).  Nothing is granted unless a profile or an option\n"
	      "says so.\n"
	      "\n"
	      "Policy:\n"
	      "  -p, --profile NAME|PATH  load a profile (repeatable; each adds to the others)\n"
	      "      --ro PATH            allow reading files and listing directories beneath PATH\n"
	      "      --rox PATH           as --ro, and executing\n"
	      "      --rw PATH            as --ro, and creating, writing, removing, renaming, truncating\n"
	      "      --rwx PATH           as --rw, and executing\n"
	      "      --dev PATH           read, write and ioctl on the device file(s) at PATH\n"
	      "                           (PATH options repeat; a leading ? makes PATH optional)\n"
	      "      --path-after DIR     look COMMAND up only in the PATH entries after DIR\n"
	      "                           (for wrapper scripts in DIR: never finds itself)\n"
	      "      --net none|tcp|unrestricted\n"
	      "                           network access (default none: no sockets but TCP\n"
	      "                           ports granted with mode tcp; unix sockets denied)\n"
	      "      --tcp-connect PORT   with --net tcp, allow connecting to TCP PORT or LOW-HIGH\n"
	      "      --tcp-bind PORT      with --net tcp, allow binding TCP PORT or LOW-HIGH\n"
	      "      --best-effort        run even if this kernel cannot enforce the whole policy,\n"
	      "                           with a warning naming what is not enforced\n"
	      "      --backend auto|landlock|namespaces\n"
	      "                           how to confine: Landlock, or (kernels without it) an\n"
	      "                           unprivileged user + mount namespace; auto (default)\n"
	      "                           uses Landlock when the kernel has it\n"
	      "\n"
	      "Process:\n"
	      "      --timeout DURATION   stop the whole sandbox after DURATION (30, 30s, 5m, 1h):\n"
	      "                           SIGTERM, 2 s grace, SIGKILL; exit status 124\n"
	      "      --keep-fd N          let the command inherit descriptor N (repeatable;\n"
	      "                           by default only 0, 1 and 2 reach it)\n"
	      "      --keep-session       stay in the caller's session and terminal (interactive\n"
	      "                           use; by default the command gets a session of its own)\n"
	      "\n"
	      "Modes:\n"
	      "      --check              load, merge and validate the profiles (-p and PROFILE...),\n"
	      "                           print the effective policy as a profile, run nothing;\n"
	      "                           exit 125 with the message of what a run would refuse\n"
	      "      --status             show what this kernel and the host (a unit's or a\n"
	      "                           container's seccomp filter) let landjail enforce\n"
	      "      --doctor[=DIR]       check this deployment, run as the application: the\n"
	      "                           host, its work directory, PATH finding each wrapper\n"
	      "                           in DIR (default: the installed ones) before the real\n"
	      "                           program, and a trial run through each; exit 1 on a problem\n"
	      "      --dump-seccomp       print the seccomp filter the policy compiles to\n"
	      "                           (libseccomp's pseudo filter code), run nothing\n"
	      "      --learn FILE         run COMMAND observed (ptrace, unconfined) and write\n"
	      "                           FILE, a profile that lets it run with default = kill;\n"
	      "                           if FILE exists, grow it by this run\n"
	      "      --base NAME|PATH     with --learn: a profile FILE includes, whose grants\n"
	      "                           it does not repeat (repeatable; default base-dynamic)\n"
	      "      --explain            run COMMAND once observed, print every access the\n"
	      "                           policy would refuse with the line that allows it,\n"
	      "                           then run it confined and exit with its status\n"
	      "      --sync-wrappers DIR  make DIR hold a wrapper (a link to landjail) for each\n"
	      "                           program in wrappers.list found on PATH, and no other\n"
	      "      --remove-wrappers DIR\n"
	      "                           remove every wrapper (link to landjail) from DIR\n"
	      "\n"
	      "Output:\n"
	      "  -v, --verbose            say which backend is used and how the command ended\n"
	      "  -q, --quiet              no warnings (a --best-effort run still warns)\n"
	      "      --log syslog         also send reports (violations, timeouts, limits) to\n"
	      "                           syslog, tag \"landjail\"; --log stderr: only stderr\n"
	      "      --version            print the version\n"
	      "  -h, --help               print this help\n"
	      "\n"
	      "Wrappers: started through a link named PROGRAM (see --sync-wrappers), landjail\n"
	      "runs the next PROGRAM on PATH with the profile wrappers.list maps it to, as\n"
	      "landjail -q --log syslog -p PROFILE --path-after DIR -- PROGRAM ARG...\n"
	      "\n"
	      "Exit status: COMMAND's own; 128+N if it died of signal N; 124 if it ran out\n"
	      "of time; 125 if landjail failed (bad profile, policy not enforceable); 126\n"
	      "if COMMAND cannot be executed; 127 if COMMAND was not found.\n"
	      "\n"
	      "See landjail(1) and landjail.profile(5).\n",
	      out);
}

static char *absolute(const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (strcmp(path, ".") == 0)
		return xstrdup(cwd);
	return xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", path);
}

static int add_rule(struct cli *c, enum fs_access a, const char *arg)
{
	bool optional = arg[0] == '?';
	const char *path = arg + optional;
	if (!*path) {
		diag_error("--%s needs a path", fs_access_name(a));
		return -1;
	}
	char *abs = absolute(path);
	if (!abs) {
		diag_error("--%s %s: cannot find the current directory", fs_access_name(a), path);
		return -1;
	}
	c->rules = grow_array(c->rules, sizeof(*c->rules), c->n_rules, &c->cap_rules);
	c->rules[c->n_rules++] = (struct cli_rule){
		.access = a, .path = abs, .optional = optional,
		.label = xasprintf("--%s %s", fs_access_name(a), arg),
	};
	return 0;
}

static const enum fs_access opt_access[] = {
	[OPT_RO - OPT_RO] = FS_RO, [OPT_ROX - OPT_RO] = FS_ROX, [OPT_RW - OPT_RO] = FS_RW,
	[OPT_RWX - OPT_RO] = FS_RWX, [OPT_DEV - OPT_RO] = FS_DEV,
};

static int keep_fd(struct cli *c, const char *arg)
{
	char *end;
	errno = 0;
	long fd = strtol(arg, &end, 10);
	if (errno || end == arg || *end || fd < 0 || fd > INT_MAX) {
		diag_error("--keep-fd takes a descriptor number, not \"%s\"", arg);
		return -1;
	}
	if (fcntl((int)fd, F_GETFD) < 0) {
		diag_error("--keep-fd %ld: no such open descriptor", fd);
		return -1;
	}
	size_t i = 0;
	while (i < c->n_keep_fds && c->keep_fds[i] < fd)
		i++;
	if (i < c->n_keep_fds && c->keep_fds[i] == fd)
		return 0;
	c->keep_fds = grow_array(c->keep_fds, sizeof(int), c->n_keep_fds, &c->cap_keep_fds);
	memmove(c->keep_fds + i + 1, c->keep_fds + i, (c->n_keep_fds - i) * sizeof(int));
	c->keep_fds[i] = (int)fd;
	c->n_keep_fds++;
	return 0;
}

static int process_option(struct cli *c, int opt)
{
	const char *why;
	switch (opt) {
	case OPT_TIMEOUT:
		if (!limit_parse(optarg, UNIT_SECONDS, &c->timeout, &why) || !c->timeout) {
			diag_error("--timeout takes %s, not \"%s\"",
				   c->timeout ? why : "a duration of at least 1s", optarg);
			return -1;
		}
		return 0;
	case OPT_KEEP_FD:
		return keep_fd(c, optarg);
	case OPT_LEARN:
		c->learn = optarg;
		return 0;
	case OPT_BASE:
		strv_push(&c->bases, xstrdup(optarg));
		return 0;
	case OPT_EXPLAIN:
		c->explain = true;
		return 0;
	case OPT_SYNC_WRAPPERS:
	case OPT_REMOVE_WRAPPERS:
		c->wrapper_dir = optarg;
		c->remove_wrappers = opt == OPT_REMOVE_WRAPPERS;
		return 0;
	default:
		c->keep_session = true;
		return 0;
	}
}

static int one_option(struct cli *c, int opt)
{
	switch (opt) {
	case 'p':
		strv_push(&c->profiles, xstrdup(optarg));
		return 0;
	case OPT_RO:
	case OPT_ROX:
	case OPT_RW:
	case OPT_RWX:
	case OPT_DEV:
		return add_rule(c, opt_access[opt - OPT_RO], optarg);
	case OPT_BEST_EFFORT:
		c->best_effort = true;
		return 0;
	case OPT_STATUS:
		c->status = true;
		return 0;
	case OPT_DOCTOR:
		c->doctor = optarg ? optarg : LANDJAIL_WRAPPER_DIR;
		return 0;
	case OPT_CHECK:
		c->check = true;
		return 0;
	case 'v':
		c->verbosity = VERB_VERBOSE;
		return 0;
	case 'q':
		c->verbosity = VERB_QUIET;
		return 0;
	case OPT_PATH_AFTER:
		c->path_after = optarg;
		return 0;
	case OPT_LOG:
		if (strcmp(optarg, "syslog") == 0)
			c->log_syslog = true;
		else if (strcmp(optarg, "stderr") == 0)
			c->log_syslog = false;
		else {
			diag_error("--log takes syslog or stderr, not \"%s\"", optarg);
			return -1;
		}
		return 0;
	case OPT_BACKEND:
		if (!backend_from_name(optarg, &c->backend)) {
			diag_error("--backend takes auto, landlock or namespaces, not \"%s\"",
				   optarg);
			return -1;
		}
		return 0;
	case OPT_VERSION:
		c->version = true;
		return 0;
	case OPT_NET:
		free(c->net);
		c->net = xstrdup(optarg);
		return 0;
	case OPT_TCP_CONNECT:
		strv_push(&c->tcp_connect, xstrdup(optarg));
		return 0;
	case OPT_TCP_BIND:
		strv_push(&c->tcp_bind, xstrdup(optarg));
		return 0;
	case OPT_DUMP_SECCOMP:
		c->dump_seccomp = true;
		return 0;
	case 'h':
		c->help = true;
		return 0;
	case OPT_TIMEOUT:
	case OPT_KEEP_FD:
	case OPT_KEEP_SESSION:
	case OPT_LEARN:
	case OPT_BASE:
	case OPT_EXPLAIN:
	case OPT_SYNC_WRAPPERS:
	case OPT_REMOVE_WRAPPERS:
		return process_option(c, opt);
	default:
		fputs("Try 'landjail --help'.\n", stderr);
		return -1;
	}
}

/* --learn observes an unconfined run over its --base profiles: a policy
 * option would be silently ignored there, so it is an error. */
static bool modes_fit(const struct cli *c)
{
	bool policy = c->profiles.n || c->n_rules || c->net || c->tcp_connect.n ||
		      c->tcp_bind.n || c->timeout || c->n_keep_fds;
	bool other_mode = c->explain || c->check || c->dump_seccomp || c->status;
	if (c->bases.n && !c->learn)
		diag_error("--base goes with --learn");
	else if (c->learn && (policy || other_mode))
		diag_error("--learn takes its base profiles with --base; it does not combine "
			   "with -p, path, network, --timeout or --keep-fd options, nor with "
			   "another mode");
	else if (c->explain && (c->check || c->dump_seccomp || c->status))
		diag_error("--explain runs a command: it does not combine with --check, "
			   "--dump-seccomp or --status");
	else
		return true;
	return false;
}

int cli_parse(int argc, char **argv, struct cli *c)
{
	memset(c, 0, sizeof(*c));
	c->verbosity = VERB_NORMAL;
	opterr = 1;
	optind = 1;
	int opt;
	/* '+': options end at COMMAND, whose own options are its business. */
	while ((opt = getopt_long(argc, argv, "+p:vqh", long_options, NULL)) != -1)
		if (one_option(c, opt) < 0)
			return -1;
	c->command = argv + optind;
	if (!modes_fit(c))
		return -1;
	if (c->check || c->dump_seccomp) {
		for (; *c->command; c->command++)
			strv_push(&c->profiles, xstrdup(*c->command));
	}
	return 0;
}

void cli_free(struct cli *c)
{
	strv_free(&c->profiles);
	free(c->net);
	strv_free(&c->tcp_connect);
	strv_free(&c->tcp_bind);
	for (size_t i = 0; i < c->n_rules; i++) {
		free(c->rules[i].path);
		free(c->rules[i].label);
	}
	free(c->rules);
	free(c->keep_fds);
	strv_free(&c->bases);
}
