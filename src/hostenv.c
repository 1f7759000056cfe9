#include "hostenv.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat.h"
#include "filter_cache.h"
#include "landlock.h"
#include "ns.h"
#include "report.h"
#include "util.h"

/* What to change, for each kind of host (one sentence, used twice). */
#define HOST_FIX                                                                          \
	"in a systemd unit, SystemCallFilter= must allow " HOST_ADD_BACK                  \
	" (systemd 252's @system-service lacks them: add a line SystemCallFilter=" \
	HOST_ADD_BACK "); in a container, its seccomp profile must allow them "     \
	"(Docker, podman and RuntimeDefault in Kubernetes do)"

const char *host_fix(void)
{
	return HOST_FIX;
}

void host_seccomp_read(struct host_seccomp *h)
{
	*h = (struct host_seccomp){ -1, -1, -1 };
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "Seccomp: %d", &h->mode);
		sscanf(line, "Seccomp_filters: %d", &h->filters);
		sscanf(line, "NoNewPrivs: %d", &h->no_new_privs);
	}
	fclose(f);
}

bool host_filtered(void)
{
	struct host_seccomp h;
	host_seccomp_read(&h);
	return h.mode == 2;
}

/* A probe's error that a filter, not the kernel, gives. */
static bool filtered(int err)
{
	return err == EPERM || err == EACCES || err == ENOSYS;
}

int host_probe(int landlock_err, char **msg)
{
	unsigned action = SECCOMP_RET_KILL_PROCESS;
	const char *call = NULL;
	int err = 0;
	/* prctl(2) is not probed here: no host filter seen in use denies it,
	 * and this runs on every launch; --status tries it. */
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0 && filtered(errno))
		call = "seccomp", err = errno;
	else if (landlock_err == -EPERM || landlock_err == -EACCES)
		call = "landlock_create_ruleset", err = -landlock_err;
	/* ENOSYS is also what a kernel without Landlock says; under a filter
	 * (podman's profile answers ENOSYS by default) and with no fallback
	 * backend either, the filter is the likely cause: say both. */
	struct host_seccomp h = { 0, 0, 0 };
	const char *why = "";
	if (!call && landlock_err == -ENOSYS) {
		host_seccomp_read(&h);
		if (h.mode == 2 && ns_probe(&why) != 0)
			call = "landlock_create_ruleset", err = ENOSYS;
	}
	if (!call)
		return 0;
	/* Only now the cost of reading /proc: the cause is worth naming. */
	host_seccomp_read(&h);
	if (err == ENOSYS && strcmp(call, "landlock_create_ruleset") == 0) {
		*msg = xasprintf("landlock_create_ruleset fails with ENOSYS, and landjail runs "
				 "under a seccomp filter (%d filter%s, set by its service manager "
				 "or container engine) that most likely refuses it (or this kernel "
				 "lacks Landlock); user namespaces are no way out here (%s); %s",
				 h.filters, h.filters == 1 ? "" : "s", why, HOST_FIX);
		return -EPERM;
	}
	*msg = xasprintf("the seccomp filter this process runs under (Seccomp: %d, %d filter%s, "
			 "set by its service manager or container engine) refuses %s (%s): "
			 "landjail cannot confine anything here; %s",
			 h.mode, h.filters, h.filters == 1 ? "" : "s", call, strerror(err), HOST_FIX);
	return -EPERM;
}

/* In the child: make the call; 0 when the kernel (not a filter) answered. */
static int try_in_child(const char *name)
{
	unsigned action = SECCOMP_RET_KILL_PROCESS;
	long rc = 0;
	if (strcmp(name, "landlock_create_ruleset") == 0)
		rc = lj_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	else if (strcmp(name, "landlock_add_rule") == 0) /* a bad fd: EBADF from Landlock */
		rc = lj_landlock_add_rule(-1, 1, NULL, 0) < 0 && errno == EBADF ? 0 : -1;
	else if (strcmp(name, "landlock_restrict_self") == 0)
		rc = lj_landlock_restrict_self(-1, 0) < 0 && errno == EBADF ? 0 : -1;
	else if (strcmp(name, "seccomp") == 0)
		rc = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
	else if (strcmp(name, "prctl") == 0)
		rc = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	return rc < 0 ? (errno ? errno : EIO) : 0;
}

const char *host_try_call(const char *name)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(try_in_child(name));
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return "could not be tried";
	if (WIFSIGNALED(st))
		return WTERMSIG(st) == SIGSYS ? "KILLED (SIGSYS) by the host's filter" : "killed";
	int e = WEXITSTATUS(st);
	return e == 0 ? "allowed" : e == EPERM ? "refused (EPERM)" : e == ENOSYS ? "refused (ENOSYS)"
	       : e == EACCES ? "refused (EACCES)" : e == EOPNOTSUPP ? "disabled at boot (EOPNOTSUPP)"
	       : "failed";
}

/* Try each call; true when one was killed (then any further probe in
 * this process would be too). */
static bool describe_calls(FILE *out, bool under_filter)
{
	static const char *const calls[] = { "landlock_create_ruleset", "landlock_add_rule",
					     "landlock_restrict_self", "seccomp", "prctl" };
	bool killed = false, refused = false;
	fprintf(out, "  the calls landjail cannot do without:");
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		const char *r = host_try_call(calls[i]);
		killed |= strncmp(r, "KILLED", 6) == 0;
		/* Without a filter an error is the kernel's (no Landlock, say). */
		refused |= under_filter && strncmp(r, "refused", 7) == 0;
		fprintf(out, "%s %s %s", i ? ";" : "", calls[i], r);
	}
	fprintf(out, "\n");
	if (killed || refused)
		fprintf(out, "  to fix: %s\n", HOST_FIX);
	return killed;
}

bool host_describe(FILE *out)
{
	struct host_seccomp h;
	host_seccomp_read(&h);
	if (h.mode == 2)
		fprintf(out, "host: under a seccomp filter (%d filter%s: a systemd unit's "
			"SystemCallFilter= or a container engine's profile)\n", h.filters,
			h.filters == 1 ? "" : "s");
	else
		fprintf(out, "host: no seccomp filter around landjail (Seccomp: %d)\n", h.mode);
	bool usable = !describe_calls(out, h.mode == 2);
	fprintf(out, "  no_new_privs: %s\n", h.no_new_privs == 1 ? "already set (fine: landjail "
		"sets it anyway)" : h.no_new_privs == 0 ? "not set" : "unknown");
	fprintf(out, "  syslog: %s\n", report_syslog_available()
		? "/dev/log is there: --log syslog works"
		: "no /dev/log: reports go to standard error only");
	const char *why;
	char *dir = filter_cache_location(&why);
	if (!dir)
		fprintf(out, "  filter cache: none (%s): every run compiles its filter\n", why);
	else if (access(dir, W_OK) == 0)
		fprintf(out, "  filter cache: %s (writable)\n", dir);
	else
		fprintf(out, "  filter cache: %s, not writable yet (%s): created on the first run "
			"where its parent is writable, else every run compiles its filter\n", dir,
			strerror(errno));
	free(dir);
	return usable;
}
