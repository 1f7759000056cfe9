/* [network], --net, --tcp-connect, --tcp-bind.
 *
 * TCP ports are Landlock net rules (ABI >= 4); socket families are a
 * seccomp matter (seccomp.c asks net_family_* here); abstract unix sockets
 * and signals are Landlock scopes (ABI >= 6).  Nothing touches the kernel
 * here except through landlock_build(). */
#ifndef LANDJAIL_NETPOLICY_H
#define LANDJAIL_NETPOLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include <stdio.h>

#include "policy.h"
#include "section.h"

/* The first ABIs with TCP port rules and with scoping. */
#define LANDLOCK_ABI_NET 4
#define LANDLOCK_ABI_SCOPE 6

void netpolicy_key(struct keyctx *k, const char *key, const char *value);

/* Command-line forms; false with *err (malloc'd) when the word is bad. */
bool netpolicy_set_mode(struct policy *p, const char *word, struct origin at, char **err);
bool netpolicy_add_ports(struct policy *p, bool bind, const char *word, struct origin at,
			 char **err);

/* The mode in force (none when nothing said) and whether AF_UNIX is allowed. */
enum net_mode net_mode(const struct policy *p);
bool net_unix_allowed(const struct policy *p);
/* Whether seccomp lets TCP sockets (AF_INET/AF_INET6 stream) be created. */
bool net_tcp_sockets(const struct policy *p, int abi);

/* What the Landlock ruleset handles, and its port rules. */
void netpolicy_landlock_attr(const struct policy *p, int abi, __u64 *handled_net,
			     __u64 *scoped);
int netpolicy_landlock_rules(const struct policy *p, int abi, int ruleset_fd, char **msg);

/* Refuse (false) or warn about what this ABI cannot enforce. */
bool netpolicy_plan(const struct policy *p, int abi, const char *program);

/* --status: what is and is not isolated at this ABI. */
void netpolicy_describe(FILE *out, int abi);

void netpolicy_print_ini(FILE *out, const struct policy *p);

#endif
