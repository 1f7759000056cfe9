/* [network], --net, --tcp-connect, --tcp-bind.
 *
 * section_network.c reads them.  TCP ports are Landlock net rules (ABI >=
 * 4); socket families are a seccomp matter (seccomp_args.c); abstract unix sockets
 * and signals are Landlock scopes (ABI >= 6).  Nothing touches the kernel
 * here except through landlock_build(). */
#ifndef LANDJAIL_NETPOLICY_H
#define LANDJAIL_NETPOLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include <stdio.h>

#include "policy.h"

/* Whether seccomp lets TCP sockets (AF_INET/AF_INET6 stream) be created. */
bool netpolicy_tcp_sockets(const struct policy *p, int abi);

/* What the Landlock ruleset handles, and its port rules. */
void netpolicy_landlock_attr(const struct policy *p, int abi, __u64 *handled_net,
			     __u64 *scoped);
int netpolicy_landlock_rules(const struct policy *p, int abi, int ruleset_fd, char **msg);

/* --status: what is and is not isolated at this ABI. */
void netpolicy_describe(FILE *out, int abi);

#endif
