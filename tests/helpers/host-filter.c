/* host-filter RULES PROGRAM [ARG...]: install the seccomp filter that a
 * service manager or container engine would put around an application,
 * set no_new_privs, and exec PROGRAM under it (tests/integration/hosts.sh).
 *
 * RULES holds one rule a line, written by the test from systemd-analyze
 * syscall-filter or a container engine's seccomp.json:
 *   default ACTION
 *   ACTION NAME [INDEX OP VALUE [VALUE2]]...
 * ACTION is allow, kill (the whole process, as systemd's default) or
 * errno:N; OP is one of eq ne lt le gt ge masked_eq (VALUE is the mask,
 * VALUE2 the datum).  Names this architecture does not have are skipped,
 * as both systemd and the engines do.  Any other rule that libseccomp
 * rejects is an error: a filter laxer than the host's proves nothing. */
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int die(const char *what, const char *detail)
{
	fprintf(stderr, "host-filter: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(125);
}

static bool parse_action(const char *s, uint32_t *out)
{
	if (strcmp(s, "allow") == 0)
		*out = SCMP_ACT_ALLOW;
	else if (strcmp(s, "kill") == 0)
		*out = SCMP_ACT_KILL_PROCESS;
	else if (strncmp(s, "errno:", 6) == 0)
		*out = SCMP_ACT_ERRNO((uint16_t)atoi(s + 6));
	else
		return false;
	return true;
}

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
	{ "eq", SCMP_CMP_EQ }, { "ne", SCMP_CMP_NE }, { "lt", SCMP_CMP_LT }, { "le", SCMP_CMP_LE },
	{ "gt", SCMP_CMP_GT }, { "ge", SCMP_CMP_GE }, { "masked_eq", SCMP_CMP_MASKED_EQ },
};

/* The argument comparisons after the name; returns how many. */
static unsigned parse_args(char *save, struct scmp_arg_cmp cmp[6], const char *line)
{
	unsigned n = 0;
	for (char *w; (w = strtok_r(NULL, " \t\n", &save));) {
		char *op = strtok_r(NULL, " \t\n", &save), *v = strtok_r(NULL, " \t\n", &save);
		size_t k = 0;
		while (op && k < sizeof(ops) / sizeof(ops[0]) && strcmp(op, ops[k].name))
			k++;
		if (!op || !v || k == sizeof(ops) / sizeof(ops[0]) || n == 6)
			die("bad rule", line);
		cmp[n] = (struct scmp_arg_cmp){ .arg = (unsigned)atoi(w), .op = ops[k].op,
						.datum_a = strtoull(v, NULL, 0) };
		if (ops[k].op == SCMP_CMP_MASKED_EQ) {
			char *v2 = strtok_r(NULL, " \t\n", &save);
			if (!v2)
				die("masked_eq needs a mask and a value", line);
			cmp[n].datum_b = strtoull(v2, NULL, 0);
		}
		n++;
	}
	return n;
}

static void add_rule(scmp_filter_ctx ctx, uint32_t dflt, char *line)
{
	char copy[1024], *save = NULL;
	snprintf(copy, sizeof(copy), "%s", line);
	char *act = strtok_r(line, " \t\n", &save), *name = strtok_r(NULL, " \t\n", &save);
	uint32_t action;
	if (!act || !name || !parse_action(act, &action))
		die("bad rule", copy);
	struct scmp_arg_cmp cmp[6];
	unsigned n = parse_args(save, cmp, copy);
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR || nr < 0 || action == dflt)
		return; /* not on this architecture, or what the default does */
	int rc = seccomp_rule_add_array(ctx, action, nr, n, cmp);
	if (rc < 0 && rc != -EEXIST)
		die(strerror(-rc), copy);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: host-filter RULES PROGRAM [ARG...]", NULL);
	FILE *f = fopen(argv[1], "r");
	if (!f)
		die(argv[1], strerror(errno));
	char line[1024];
	scmp_filter_ctx ctx = NULL;
	uint32_t dflt = SCMP_ACT_ALLOW;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (strncmp(line, "default ", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			if (ctx || !parse_action(line + 8, &dflt))
				die("one default, first", line);
			ctx = seccomp_init(dflt);
			if (!ctx)
				die("seccomp_init failed", NULL);
			continue;
		}
		if (!ctx)
			die("the default comes first", NULL);
		add_rule(ctx, dflt, line);
	}
	fclose(f);
	/* libseccomp sets no_new_privs itself; say so explicitly, as
	 * NoNewPrivileges= and allowPrivilegeEscalation: false do. */
	if (!ctx || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0)
		die("cannot load the filter", strerror(errno));
	execvp(argv[2], argv + 2);
	die(argv[2], strerror(errno));
}
