/* The command line → struct cli, and nothing else. */
#ifndef LANDJAIL_CLI_H
#define LANDJAIL_CLI_H

#include <stdio.h>

#include "diag.h"
#include "ns.h"
#include "policy.h"

struct cli_rule {
	enum fs_access access;
	char *path;   /* absolute */
	char *label;  /* "--ro PATH", for messages */
	bool optional;
};

struct cli {
	struct strv profiles;
	struct cli_rule *rules;
	size_t n_rules, cap_rules;
	bool best_effort, status, check, version, help;
	bool log_syslog;
	const char *path_after; /* --path-after DIR */
	enum backend backend; /* --backend */
	enum verbosity verbosity;
	char *net;                   /* --net MODE, or NULL */
	struct strv tcp_connect, tcp_bind; /* --tcp-connect/--tcp-bind PORT */
	bool dump_seccomp;
	char **command; /* NULL-terminated tail of argv; may be empty */
	unsigned long long timeout; /* --timeout, seconds; 0: none */
	int *keep_fds;              /* --keep-fd, sorted, no duplicates */
	size_t n_keep_fds, cap_keep_fds;
	bool keep_session;
	const char *learn;  /* --learn FILE */
	struct strv bases;  /* --base PROFILE */
	bool explain;       /* --explain */
	const char *doctor; /* --doctor: the wrapper directory to check */
	const char *wrapper_dir; /* --sync-wrappers / --remove-wrappers DIR */
	bool remove_wrappers;
	bool as_wrapper; /* started through a wrapper link (set by main) */
};

/* Returns 0, or -1 after printing what is wrong (exit 125). */
int cli_parse(int argc, char **argv, struct cli *out);
void cli_usage(FILE *out);
void cli_free(struct cli *c);

#endif
