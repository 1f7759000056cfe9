/* --check's output: the effective policy as a profile that would produce
 * it.  Reads the plain policy only; says nothing of this kernel (main.c
 * adds that note). */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

/* Values with blanks or quotes are written quoted, as the parser reads them. */
static void print_word(FILE *out, const char *w)
{
	if (*w && !strpbrk(w, " \t\"\\;$")) {
		fputs(w, out);
		return;
	}
	fputc('"', out);
	for (; *w; w++) {
		if (*w == '"' || *w == '\\')
			fputc('\\', out);
		else if (*w == '$')
			fputc('$', out); /* "$$" reads back as one "$" */
		fputc(*w, out);
	}
	fputc('"', out);
}

static void print_fs(FILE *out, const struct policy *p)
{
	fputs("\n[filesystem]\n", out);
	for (int a = 0; a < FS_ACCESS_COUNT; a++)
		for (size_t i = 0; i < p->n_fs; i++) {
			const struct fs_rule *r = &p->fs[i];
			if (r->access != (enum fs_access)a)
				continue;
			fprintf(out, "%s%s = %s", r->missing ? "; " : "",
				fs_access_name(r->access), r->optional ? "?" : "");
			print_word(out, r->path);
			fputs(r->missing ? " (absent here)\n" : "\n", out);
		}
	if (p->isolate) {
		fputs("isolate = ", out);
		print_word(out, p->isolate);
		fputc('\n', out);
	}
	for (size_t i = 0; i < p->scratch_env.n; i++)
		fprintf(out, "scratch-env = %s\n", p->scratch_env.v[i]);
	if (p->named_regular)
		fputs("named-files = regular\n", out);
	for (size_t i = 0; i < p->n_forbid; i++) {
		fputs(p->forbid[i].beneath ? "forbid-beneath = " : "forbid = ", out);
		print_word(out, p->forbid[i].path);
		fputc('\n', out);
	}
}

static void print_env(FILE *out, const struct policy *p)
{
	fputs("\n[environment]\n", out);
	if (!p->env.configured) {
		fputs("; no profile says clear or keep: the default list is kept\n", out);
		fputs("clear = yes\n", out);
		for (const char *const *k = policy_default_env_keep; *k; k++)
			fprintf(out, "keep = %s\n", *k);
	} else {
		fprintf(out, "clear = %s\n", p->env.clear == 0 ? "no" : "yes");
		for (size_t i = 0; i < p->env.keep.n; i++)
			fprintf(out, "keep = %s\n", p->env.keep.v[i]);
	}
	for (size_t i = 0; i < p->env.n_set; i++) {
		fprintf(out, "set = ");
		char *kv = xasprintf("%s=%s", p->env.set[i].name, p->env.set[i].value);
		print_word(out, kv);
		free(kv);
		fputc('\n', out);
	}
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

static void print_network(FILE *out, const struct policy *p)
{
	fprintf(out, "[network]\nmode = %s\n", policy_net_mode_name(policy_net_mode(p)));
	print_ports(out, "tcp-connect", p->net.connect, p->net.n_connect);
	print_ports(out, "tcp-bind", p->net.bind, p->net.n_bind);
	fprintf(out, "unix = %s\n", policy_net_unix_allowed(p) ? "allow" : "deny");
	if (p->net.isolation == 1)
		fputs("isolation = required\n", out);
}

static void print_syscalls(FILE *out, const struct policy *p)
{
	const struct sys_policy *s = &p->sys;
	if (s->dflt == SYS_UNSET && !s->n_rules && s->fork < 0)
		return;
	fputs("[syscalls]\n", out);
	if (s->dflt != SYS_UNSET)
		fprintf(out, "default = %s\n", policy_sys_default_name((enum sys_default)s->dflt));
	if (s->fork >= 0)
		fprintf(out, "fork = %s\n", s->fork ? "yes" : "no");
	for (size_t i = 0; i < s->n_rules; i++)
		fprintf(out, "%s = %s\n", s->rules[i].allow ? "allow" : "deny", s->rules[i].name);
}


static void print_limits(FILE *out, const struct policy *p)
{
	char buf[32];
	bool header = false;
	for (int i = 0; i < LIMIT_KEYS; i++) {
		if (!p->limits.set[i])
			continue;
		if (!header)
			fputs("\n[limits]\n", out);
		header = true;
		limit_format(buf, sizeof(buf), i, p->limits.value[i]);
		fprintf(out, "%s = %s\n", limit_table[i].key, buf);
	}
	if (p->workdir || p->umask >= 0)
		fputs("\n[process]\n", out);
	if (p->workdir)
		fprintf(out, "directory = %s\n", p->workdir);
	if (p->umask >= 0)
		fprintf(out, "umask = %04o\n", (unsigned)p->umask);
}

void policy_print_ini(FILE *out, const struct policy *p)
{
	fputs("; effective landjail policy, from:", out);
	for (size_t i = 0; i < p->sources.n; i++)
		fprintf(out, " %s", p->sources.v[i]);
	if (!p->sources.n)
		fputs(" the command line", out);
	fputs("\n[profile]\n", out);
	fprintf(out, "version = %d\n", POLICY_VERSION);
	if (p->description)
		fprintf(out, "description = %s\n", p->description);
	if (p->log_syslog)
		fputs("log = syslog\n", out);
	print_fs(out, p);
	print_env(out, p);
	print_network(out, p);
	print_syscalls(out, p);
	print_limits(out, p);
}
