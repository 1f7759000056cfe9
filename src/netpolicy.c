#include "netpolicy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

static const char *const mode_names[] = {
	[NET_NONE] = "none", [NET_TCP] = "tcp", [NET_UNRESTRICTED] = "unrestricted",
};

bool netpolicy_set_mode(struct policy *p, const char *word, struct origin at, char **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (strcmp(word, mode_names[i]) == 0) {
			p->net.mode = (int)i;
			p->net.mode_at = at;
			return true;
		}
	}
	*err = xasprintf("network mode must be none, tcp or unrestricted, not \"%s\"", word);
	return false;
}

static bool parse_port(const char *s, const char *end, unsigned *out)
{
	if (s == end || end - s > 5)
		return false;
	unsigned v = 0;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return v <= 65535;
}

bool netpolicy_add_ports(struct policy *p, bool bind, const char *word, struct origin at,
			 char **err)
{
	const char *dash = strchr(word, '-');
	const char *end = word + strlen(word);
	struct port_range r = { .at = at };
	bool ok = dash ? parse_port(word, dash, &r.lo) && parse_port(dash + 1, end, &r.hi)
		       : parse_port(word, end, &r.lo);
	if (!dash)
		r.hi = r.lo;
	if (!ok || r.lo > r.hi) {
		*err = xasprintf("\"%s\" is not a port (0-65535) or a range LOW-HIGH", word);
		return false;
	}
	struct net_policy *n = &p->net;
	if (bind) {
		n->bind = grow_array(n->bind, sizeof(r), n->n_bind, &n->cap_bind);
		n->bind[n->n_bind++] = r;
	} else {
		n->connect = grow_array(n->connect, sizeof(r), n->n_connect, &n->cap_connect);
		n->connect[n->n_connect++] = r;
	}
	return true;
}

void netpolicy_key(struct keyctx *k, const char *key, const char *value)
{
	struct policy *p = key_policy(k);
	bool ports = strcmp(key, "tcp-connect") == 0 || strcmp(key, "tcp-bind") == 0;
	char *err = NULL;
	if (strcmp(key, "mode") == 0) {
		if (!netpolicy_set_mode(p, value, key_origin(k), &err))
			key_error(k, "%s", err);
	} else if (strcmp(key, "unix") == 0) {
		if (strcmp(value, "allow") == 0 || strcmp(value, "deny") == 0)
			p->net.unix_allow = value[0] == 'a';
		else
			key_error(k, "unix must be allow or deny, not \"%s\"", value);
	} else if (strcmp(key, "isolation") == 0) {
		if (strcmp(value, "required") == 0 || strcmp(value, "if-available") == 0) {
			p->net.isolation = value[0] == 'r';
			p->net.isolation_at = key_origin(k);
		} else {
			key_error(k, "isolation must be required or if-available, not \"%s\"", value);
		}
	} else if (ports) {
		struct strv words = { 0 };
		if (key_words(k, key, value, &words))
			for (size_t i = 0; i < words.n; i++)
				if (!netpolicy_add_ports(p, key[4] == 'b', words.v[i],
							 key_origin(k), &err)) {
					key_error(k, "%s: %s", key, err);
					free(err);
					err = NULL;
				}
		strv_free(&words);
	} else {
		key_unknown(k, "network", key, "mode tcp-connect tcp-bind unix isolation");
	}
	free(err);
}

enum net_mode net_mode(const struct policy *p)
{
	return p->net.mode == NET_UNSET ? NET_NONE : (enum net_mode)p->net.mode;
}

bool net_unix_allowed(const struct policy *p)
{
	if (p->net.unix_allow >= 0)
		return p->net.unix_allow;
	/* Landlock does not govern connecting to a pathname socket made
	 * outside (a container engine's, a desktop bus): only a mode that
	 * allows everything allows unix sockets without being asked. */
	return net_mode(p) == NET_UNRESTRICTED;
}

static bool has_ports(const struct policy *p)
{
	return p->net.n_connect + p->net.n_bind > 0;
}

bool net_tcp_sockets(const struct policy *p, int abi)
{
	(void)abi;
	return net_mode(p) == NET_TCP && has_ports(p);
}

void netpolicy_landlock_attr(const struct policy *p, int abi, __u64 *handled_net,
			     __u64 *scoped)
{
	*handled_net = 0;
	*scoped = 0;
	if (abi >= LANDLOCK_ABI_NET && net_mode(p) != NET_UNRESTRICTED)
		*handled_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= LANDLOCK_ABI_SCOPE) {
		*scoped = LANDLOCK_SCOPE_SIGNAL;
		if (!(net_mode(p) == NET_UNRESTRICTED && net_unix_allowed(p)))
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
	if (abi < LANDLOCK_ABI_NET || net_mode(p) != NET_TCP)
		return 0;
	int err = add_ports(ruleset_fd, p->net.connect, p->net.n_connect,
			    LANDLOCK_ACCESS_NET_CONNECT_TCP, msg);
	if (!err)
		err = add_ports(ruleset_fd, p->net.bind, p->net.n_bind,
				LANDLOCK_ACCESS_NET_BIND_TCP, msg);
	return err;
}

static const char *where(struct origin at)
{
	return at.file ? at.file : "the command line";
}

bool netpolicy_plan(const struct policy *p, int abi, const char *program)
{
	if (net_mode(p) != NET_TCP && has_ports(p)) {
		const struct port_range *r = p->net.n_connect ? p->net.connect : p->net.bind;
		diag_error("%s:%u: TCP ports are given but the network mode is %s: add "
			   "\"mode = tcp\" to [network] (or --net tcp)", where(r->at), r->at.line,
			   mode_names[net_mode(p)]);
		return false;
	}
	if (net_mode(p) == NET_TCP && has_ports(p) && abi < LANDLOCK_ABI_NET) {
		if (!p->best_effort) {
			diag_error("the policy allows only some TCP ports, but this kernel's Landlock "
				   "(ABI %d) has no network rules (ABI 4, Linux 6.7) and seccomp cannot "
				   "filter by port; refusing to run %s (--best-effort allows every "
				   "TCP port)", abi < 0 ? 0 : abi, program);
			return false;
		}
		diag_loud("Landlock ABI %d has no network rules: %s may connect to and bind "
			  "ANY TCP port (--best-effort)", abi < 0 ? 0 : abi, program);
	}
	if (abi < LANDLOCK_ABI_SCOPE) {
		const char *what = net_unix_allowed(p)
			? "signals and abstract unix sockets reach processes outside the sandbox"
			: "signals reach processes outside the sandbox";
		if (p->net.isolation == 1) {
			diag_error("%s:%u: isolation = required, but with Landlock ABI %d %s "
				   "(scoping needs ABI 6, Linux 6.12); refusing to run %s",
				   where(p->net.isolation_at), p->net.isolation_at.line,
				   abi < 0 ? 0 : abi, what, program);
			return false;
		}
		diag_info("not isolated (Landlock ABI %d < 6): %s", abi < 0 ? 0 : abi, what);
	}
	return true;
}

void netpolicy_describe(FILE *out, int abi)
{
	fprintf(out, "network: other socket families and unix sockets: seccomp, on every ABI\n");
	fprintf(out, "  TCP ports: %s\n", abi >= LANDLOCK_ABI_NET
		? "Landlock net rules"
		: "NOT enforceable (Landlock ABI 4 needed): mode = tcp with ports is refused");
	fprintf(out, "  abstract unix sockets and signals outside the sandbox: %s\n",
		abi >= LANDLOCK_ABI_SCOPE ? "isolated (Landlock scoping)"
		: "NOT isolated (Landlock ABI 6 needed; unix = deny still blocks unix sockets)");
}

static void print_ports(FILE *out, const char *key, const struct port_range *r, size_t n)
{
	if (!n)
		return;
	fprintf(out, "%s =", key);
	for (size_t i = 0; i < n; i++) {
		if (r[i].lo == r[i].hi)
			fprintf(out, " %u", r[i].lo);
		else
			fprintf(out, " %u-%u", r[i].lo, r[i].hi);
	}
	fputc('\n', out);
}

void netpolicy_print_ini(FILE *out, const struct policy *p)
{
	fprintf(out, "[network]\nmode = %s\n", mode_names[net_mode(p)]);
	print_ports(out, "tcp-connect", p->net.connect, p->net.n_connect);
	print_ports(out, "tcp-bind", p->net.bind, p->net.n_bind);
	fprintf(out, "unix = %s\n", net_unix_allowed(p) ? "allow" : "deny");
	if (p->net.isolation == 1)
		fputs("isolation = required\n", out);
}
