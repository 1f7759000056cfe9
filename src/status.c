#include "status.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "hostenv.h"
#include "landlock.h"
#include "ns.h"
#include "netpolicy.h"
#include "util.h"

static void report_landlock(FILE *out, int abi)
{
	if (abi < 0) {
		fprintf(out, "Landlock: unavailable: %s\n", landlock_unavailable_hint(abi));
		return;
	}
	char *rights = landlock_rights_string(landlock_handled_fs(abi));
	fprintf(out, "Landlock: ABI %d\n", abi);
	landlock_describe(out, abi);
	fprintf(out, "  filesystem rights enforced: %s\n", rights);
	free(rights);
}

static const struct {
	unsigned action;
	const char *name;
} seccomp_actions[] = {
	{ SECCOMP_RET_KILL_PROCESS, "kill-process" },
	{ SECCOMP_RET_ERRNO, "errno" },
	{ SECCOMP_RET_USER_NOTIF, "user-notif" },
	{ SECCOMP_RET_LOG, "log" },
};

static void report_seccomp(FILE *out)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
		fprintf(out, "seccomp: unavailable (kernel built without CONFIG_SECCOMP)\n");
		return;
	}
	fprintf(out, "seccomp: available; filter actions:");
	for (size_t i = 0; i < ARRAY_SIZE(seccomp_actions); i++) {
		unsigned a = seccomp_actions[i].action;
		bool ok = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &a) == 0;
		fprintf(out, " %s%s", seccomp_actions[i].name, ok ? "" : " (missing)");
	}
	fputc('\n', out);
}


static void report_userns(FILE *out)
{
	const char *why;
	if (ns_probe_unprivileged(&why) == 0)
		fprintf(out, "user namespaces: an unprivileged user namespace can be created\n");
	else
		fprintf(out, "user namespaces: unprivileged creation fails: %s\n", why);
}

int status_report(FILE *out)
{
	struct utsname u;
	uname(&u);
	fprintf(out, "landjail %s on Linux %s %s\n", LANDJAIL_VERSION, u.release, u.machine);
	/* First, and in children: a host filter may kill the probes below. */
	if (!host_describe(out)) {
		fprintf(out, "backend: none: the host's seccomp filter kills landjail (see "
			"\"to fix\" above); the kernel's own features were not probed\n");
		return 0;
	}
	int abi = landlock_abi();
	report_landlock(out, abi);
	report_seccomp(out);
	netpolicy_describe(out, abi);
	report_userns(out);
	const char *why;
	if (abi > 0)
		fprintf(out, "backend: landlock (ABI %d)\n", abi);
	else if (ns_probe(&why) == 0)
		fprintf(out, "backend: namespaces (user + mount namespace with a new root; "
			"no Landlock)\n");
	else
		fprintf(out, "backend: none: landjail refuses to run commands here "
			"(with --best-effort it runs them without filesystem confinement)\n");
	return 0;
}
