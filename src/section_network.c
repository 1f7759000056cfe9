/* [network] and its command-line forms --net, --tcp-connect, --tcp-bind.
 * netpolicy.c enforces what is read here. */
#include "section.h"

#include <stdlib.h>
#include <string.h>

bool section_network_mode(struct policy *p, const char *word, struct origin at, char **err)
{
	for (int i = NET_NONE; i <= NET_UNRESTRICTED; i++) {
		if (strcmp(word, policy_net_mode_name((enum net_mode)i)) == 0) {
			p->net.mode = i;
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

bool section_network_ports(struct policy *p, bool bind, const char *word, struct origin at,
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

static void key_mode(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	char *err = NULL;
	if (!section_network_mode(key_policy(k), value, key_origin(k), &err))
		key_error(k, "%s", err);
	free(err);
}

static void key_unix(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	if (strcmp(value, "allow") == 0 || strcmp(value, "deny") == 0)
		key_policy(k)->net.unix_allow = value[0] == 'a';
	else
		key_error(k, "unix must be allow or deny, not \"%s\"", value);
}

static void key_isolation(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	struct policy *p = key_policy(k);
	if (strcmp(value, "required") == 0 || strcmp(value, "if-available") == 0) {
		p->net.isolation = value[0] == 'r';
		p->net.isolation_at = key_origin(k);
	} else {
		key_error(k, "isolation must be required or if-available, not \"%s\"", value);
	}
}

static void key_ports(struct keyctx *k, const char *key, const char *value, int bind)
{
	struct strv words = { 0 };
	char *err = NULL;
	if (key_words(k, key, value, &words))
		for (size_t i = 0; i < words.n; i++)
			if (!section_network_ports(key_policy(k), bind, words.v[i], key_origin(k),
						   &err)) {
				key_error(k, "%s: %s", key, err);
				free(err);
				err = NULL;
			}
	strv_free(&words);
}

static const struct section_key keys[] = {
	{ "mode", key_mode, 0 },
	{ "tcp-connect", key_ports, false },
	{ "tcp-bind", key_ports, true },
	{ "unix", key_unix, 0 },
	{ "isolation", key_isolation, 0 },
};

const struct section_spec section_network = { "network", keys, ARRAY_SIZE(keys) };
