/* The [syscalls] section: default, allow, deny, fork. */
#include "syscall_filter.h"

#include <stdlib.h>
#include <string.h>

#include "syscall_groups.h"

/* Calls the child makes after loading the filter; they cannot be denied
 * (seccomp_verdict.c allows them whatever a group says). */
static const char *const needed_to_start[] = { "execve", "exit", "exit_group" };

static const char *const default_names[] = {
	[SYS_KILL] = "kill", [SYS_ERRNO] = "errno", [SYS_LOG] = "log",
};

static bool known_name(struct keyctx *k, const char *key, const char *name)
{
	if (name[0] == '@') {
		if (syscall_group_find(name))
			return true;
		key_error(k, "%s: unknown syscall group \"%s\" (groups are listed in "
			  "landjail.profile(5))", key, name);
		return false;
	}
	if (!sysname_known(name)) {
		key_error(k, "%s: unknown syscall \"%s\"", key, name);
		return false;
	}
	if (sysname_nr(name) < 0)
		diag_info("%s:%u: syscall %s does not exist on this architecture",
			  key_origin(k).file, key_origin(k).line, name);
	return true;
}

void syscalls_key(struct keyctx *k, const char *key, const char *value)
{
	struct policy *p = key_policy(k);
	if (strcmp(key, "default") == 0) {
		for (int i = 0; i < (int)ARRAY_SIZE(default_names); i++) {
			if (strcmp(value, default_names[i]) == 0) {
				p->sys.dflt = i;
				p->sys.default_at = key_origin(k);
				return;
			}
		}
		key_error(k, "default must be kill, errno or log, not \"%s\"", value);
		return;
	}
	if (strcmp(key, "fork") == 0) {
		int b = key_bool(value);
		if (b < 0)
			key_error(k, "fork must be yes or no, not \"%s\"", value);
		else
			p->sys.fork = b;
		return;
	}
	bool allow = strcmp(key, "allow") == 0;
	if (!allow && strcmp(key, "deny") != 0) {
		key_unknown(k, "syscalls", key, "default allow deny fork");
		return;
	}
	struct strv words = { 0 };
	if (!key_words(k, key, value, &words))
		return;
	for (size_t i = 0; i < words.n; i++) {
		const char *name = words.v[i];
		bool needed = false;
		for (size_t j = 0; j < ARRAY_SIZE(needed_to_start); j++)
			needed |= strcmp(name, needed_to_start[j]) == 0;
		if (!allow && needed) {
			key_error(k, "deny: %s cannot be denied: landjail needs it to start "
				  "the program", name);
			continue;
		}
		if (!known_name(k, key, name))
			continue;
		struct sys_policy *s = &p->sys;
		s->rules = grow_array(s->rules, sizeof(*s->rules), s->n_rules, &s->cap_rules);
		s->rules[s->n_rules++] = (struct sys_rule){
			.name = xstrdup(name), .allow = allow, .at = key_origin(k),
		};
	}
	strv_free(&words);
}

void syscalls_print_ini(FILE *out, const struct policy *p)
{
	const struct sys_policy *s = &p->sys;
	if (s->dflt == SYS_UNSET && !s->n_rules && s->fork < 0)
		return;
	fputs("[syscalls]\n", out);
	if (s->dflt != SYS_UNSET)
		fprintf(out, "default = %s\n", default_names[s->dflt]);
	if (s->fork >= 0)
		fprintf(out, "fork = %s\n", s->fork ? "yes" : "no");
	for (size_t i = 0; i < s->n_rules; i++)
		fprintf(out, "%s = %s\n", s->rules[i].allow ? "allow" : "deny", s->rules[i].name);
}

