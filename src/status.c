#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
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


/* In a child: become nobody if root (root may always create one), then
 * create a user namespace and map ourselves, as the fallback will. */
static void userns_child(int report_fd)
{
	char msg[200];
	const char *stage = "setresuid to nobody";
	int err = 0;
	if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
			       setresuid(65534, 65534, 65534) < 0))
		err = -errno;
	/* Dropping from root made us non-dumpable, which would make our own
	 * /proc/self/uid_map unwritable: an unprivileged caller is dumpable. */
	if (!err && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		err = -errno;
	if (!err) {
		stage = "unshare(CLONE_NEWUSER)";
		uid_t uid = geteuid();
		if (unshare(CLONE_NEWUSER) < 0)
			err = -errno;
		if (!err) {
			stage = "writing uid_map";
			char map[64];
			snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
			err = write_text_file("/proc/self/setgroups", "deny");
			if (!err)
				err = write_text_file("/proc/self/uid_map", map);
		}
	}
	int n = err ? snprintf(msg, sizeof(msg), "%s: %s", stage, strerror(-err))
		    : snprintf(msg, sizeof(msg), "ok");
	ssize_t w = write(report_fd, msg, (size_t)n);
	(void)w;
	_exit(err ? 1 : 0);
}

static const char *userns_hint(const char *what)
{
	if (strstr(what, "unshare") && strstr(what, "No space"))
		return "user.max_user_namespaces is 0";
	if (strstr(what, "unshare") && strstr(what, "not permitted"))
		return access("/proc/sys/kernel/unprivileged_userns_clone", F_OK) == 0
			       ? "kernel.unprivileged_userns_clone is 0, or a security module forbids it"
			       : "a security module or sysctl forbids it";
	if (strstr(what, "uid_map"))
		return "likely AppArmor's kernel.apparmor_restrict_unprivileged_userns";
	if (strstr(what, "Invalid argument"))
		return "kernel built without CONFIG_USER_NS";
	return "";
}

static void report_userns(FILE *out)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fprintf(out, "user namespaces: could not test (%s)\n", strerror(errno));
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		userns_child(pipefd[1]);
	}
	close(pipefd[1]);
	char msg[201] = "";
	ssize_t n = pid > 0 ? read(pipefd[0], msg, sizeof(msg) - 1) : -1;
	close(pipefd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	msg[n > 0 ? n : 0] = '\0';
	if (strcmp(msg, "ok") == 0)
		fprintf(out, "user namespaces: an unprivileged user namespace can be created\n");
	else
		fprintf(out, "user namespaces: unprivileged creation fails at %s (%s)\n",
			*msg ? msg : "fork", userns_hint(msg));
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
