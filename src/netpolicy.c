#include "netpolicy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "compat.h"

static bool has_ports(const struct policy *p)
{
	return p->net.n_connect + p->net.n_bind > 0;
}

bool netpolicy_tcp_sockets(const struct policy *p, int abi)
{
	(void)abi;
	return policy_net_mode(p) == NET_TCP && has_ports(p);
}

void netpolicy_landlock_attr(const struct policy *p, int abi, __u64 *handled_net,
			     __u64 *scoped)
{
	*handled_net = 0;
	*scoped = 0;
	if (abi >= ABI_NET_TCP && policy_net_mode(p) != NET_UNRESTRICTED)
		*handled_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= ABI_SCOPE) {
		*scoped = LANDLOCK_SCOPE_SIGNAL;
		if (!(policy_net_mode(p) == NET_UNRESTRICTED && policy_net_unix_allowed(p)))
			*scoped |= LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
	}
}

static int add_ports(int ruleset_fd, const struct port_range *r, size_t n, uint64_t right,
		     char **msg)
{
	for (size_t i = 0; i < n; i++) {
		for (unsigned port = r[i].lo; port <= r[i].hi; port++) {
			struct lj_net_port_attr attr = { .allowed_access = right, .port = port };
			if (lj_landlock_add_rule(ruleset_fd, LJ_LANDLOCK_RULE_NET_PORT, &attr, 0) < 0) {
				int err = -errno;
				*msg = xasprintf("%s:%u: cannot add a Landlock rule for TCP port %u: %s",
						 r[i].at.file, r[i].at.line, port, strerror(errno));
				return err;
			}
		}
	}
	return 0;
}

int netpolicy_landlock_rules(const struct policy *p, int abi, int ruleset_fd, char **msg)
{
	if (abi < ABI_NET_TCP || policy_net_mode(p) != NET_TCP)
		return 0;
	int err = add_ports(ruleset_fd, p->net.connect, p->net.n_connect,
			    LANDLOCK_ACCESS_NET_CONNECT_TCP, msg);
	if (!err)
		err = add_ports(ruleset_fd, p->net.bind, p->net.n_bind,
				LANDLOCK_ACCESS_NET_BIND_TCP, msg);
	return err;
}

void netpolicy_describe(FILE *out, int abi)
{
	fprintf(out, "network: other socket families and unix sockets: seccomp, on every ABI\n");
	fprintf(out, "  TCP ports: %s\n", abi >= ABI_NET_TCP
		? "Landlock net rules"
		: "NOT enforceable (Landlock ABI 4 needed): mode = tcp with ports is refused");
	fprintf(out, "  abstract unix sockets and signals outside the sandbox: %s\n",
		abi >= ABI_SCOPE ? "isolated (Landlock scoping)"
		: "NOT isolated (Landlock ABI 6 needed; unix = deny still blocks unix sockets)");
}
