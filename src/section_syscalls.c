/* [syscalls]: default, allow, deny, fork.  The seccomp filter that
 * enforces them is compiled in syscall_filter.c and seccomp_*.c. */
#include "section.h"

#include <stdlib.h>
#include <string.h>

#include "syscall_groups.h"
#include "syscall_names.h"

/* Calls the child makes after loading the filter; they cannot be denied
 * (seccomp_verdict.c allows them whatever a group says). */
static const char *const needed_to_start[] = { "execve", "exit", "exit_group" };

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

static void key_default(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	struct policy *p = key_policy(k);
	for (int i = SYS_KILL; i <= SYS_LOG; i++) {
		if (strcmp(value, policy_sys_default_name((enum sys_default)i)) == 0) {
			p->sys.dflt = i;
			p->sys.default_at = key_origin(k);
			return;
		}
	}
	key_error(k, "default must be kill, errno or log, not \"%s\"", value);
}

static void key_fork(struct keyctx *k, const char *key, const char *value, int arg)
{
	(void)key, (void)arg;
	int b = key_bool(value);
	if (b < 0)
		key_error(k, "fork must be yes or no, not \"%s\"", value);
	else
		key_policy(k)->sys.fork = b;
}

static void key_rules(struct keyctx *k, const char *key, const char *value, int allow)
{
	struct policy *p = key_policy(k);
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

static const struct section_key keys[] = {
	{ "default", key_default, 0 },
	{ "allow", key_rules, true },
	{ "deny", key_rules, false },
	{ "fork", key_fork, 0 },
};

const struct section_spec section_syscalls = { "syscalls", keys, ARRAY_SIZE(keys) };
