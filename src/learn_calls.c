/* The [syscalls] part of a learned profile: the calls a run made that
 * the base does not allow, granted as whole groups where a group fits
 * what was seen, else by name, with a warning for the risky ones. */
#include "learn.h"

#include <stdlib.h>
#include <string.h>

#include "syscall_groups.h"
#include "trace_decode.h"

/* Groups learn never grants whole: each is always denied unless a profile
 * names it (DESIGN.md §6), or is too broad to stand for what was seen. */
const char *const learn_unsafe_groups[] = {
	"@clock", "@debug", "@file-metadata", "@file-system", "@io-uring", "@keyring",
	"@module", "@mount", "@namespace", "@raw-io", "@reboot", "@sandbox", "@setuid",
	"@swap", "@system-service", NULL,
};
/* Calls landjail denies unless allowed by name: granted with a warning. */
static const char *const unsafe_calls[] = {
	"bpf", "chmod", "chown", "fchmodat", "fchownat", "futimesat", "lchown", "perf_event_open",
	"process_vm_readv", "process_vm_writev", "ptrace", "setxattr", "lsetxattr", "userfaultfd",
	"utime", "utimensat", "utimes", "io_uring_setup", "io_uring_enter", "unshare", "setns",
	"mount", "keyctl", "add_key", "request_key",
};

/* Every call name that word (a call or an @group) stands for. */
static void expand(const char *word, struct strv *out, int depth)
{
	if (word[0] != '@') {
		if (!strv_contains(out, word))
			strv_push(out, xstrdup(word));
		return;
	}
	const struct syscall_group *g = syscall_group_find(word);
	if (!g || depth > 8)
		return;
	char *copy = xstrdup(g->members), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		expand(w, out, depth + 1);
	free(copy);
}

static void observed_calls(const struct learn_obs *o, struct strv *seen)
{
	for (int nr = 0; nr < LEARN_MAX_CALLS; nr++) {
		if (!o->calls[nr])
			continue;
		const char *name = trace_syscall_name(nr);
		/* The filter answers clone3 with ENOSYS so that libc falls back
		 * to clone, whose flags it can check. */
		if (strcmp(name, "clone3") == 0)
			name = "clone";
		if (strncmp(name, "syscall-", 8) && !strv_contains(seen, name))
			strv_push(seen, xstrdup(name));
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What nearly every program uses: these groups fit as soon as three of
 * their calls are still to be granted, so that a profile reads as the
 * groups plus what is particular to its program. */
const char *const learn_common_groups[] = { "@basic-io", "@default", "@file-read", "@signal",
					    NULL };

/* A group fits when the run used at least half of it, and two or more of
 * the calls still to be granted (a common group: three). */
static bool group_fits(const struct syscall_group *g, const struct strv *seen,
		       const struct strv *todo)
{
	struct strv members = { 0 };
	expand(g->name, &members, 0);
	size_t used = 0, wanted = 0;
	for (size_t i = 0; i < members.n; i++) {
		used += strv_contains(seen, members.v[i]);
		wanted += strv_contains(todo, members.v[i]);
	}
	bool common = learn_in_list(learn_common_groups, ARRAY_SIZE(learn_common_groups), g->name);
	bool fits = common ? wanted >= 3 : wanted >= 2 && used * 2 >= members.n;
	strv_free(&members);
	return fits;
}

static void strv_remove_all(struct strv *from, const struct strv *what)
{
	size_t k = 0;
	for (size_t i = 0; i < from->n; i++) {
		if (strv_contains(what, from->v[i]))
			free(from->v[i]);
		else
			from->v[k++] = from->v[i];
	}
	from->n = k;
	if (from->v)
		from->v[k] = NULL;
}

/* A call the base denies by name stays denied (a deny line wins over
 * any allow): say so instead of writing an allow line that cannot work. */
static void drop_denied(struct learned *l, struct strv *todo, const struct policy *base, int run)
{
	for (size_t i = 0; i < base->sys.n_rules; i++) {
		const struct sys_rule *r = &base->sys.rules[i];
		struct strv names = { 0 };
		if (!r->allow)
			expand(r->name, &names, 0);
		for (size_t j = 0; j < names.n; j++)
			if (strv_contains(todo, names.v[j]))
				learn_note(l, xasprintf("not granted: allow = %s (%s called it): %s:%u denies "
						  "it", names.v[j], learn_run_label(run), r->at.file,
						  r->at.line), true);
		strv_remove_all(todo, &names);
		strv_free(&names);
	}
}

void learn_grow_calls(struct learned *l, const struct learn_obs *o, const struct policy *base,
		      int run)
{
	struct strv seen = { 0 }, have = { 0 }, todo = { 0 };
	observed_calls(o, &seen);
	for (size_t i = 0; i < base->sys.n_rules; i++)
		if (base->sys.rules[i].allow)
			expand(base->sys.rules[i].name, &have, 0);
	for (size_t i = 0; i < l->allow.n; i++)
		expand(l->allow.v[i], &have, 0);
	for (size_t i = 0; i < seen.n; i++)
		if (!strv_contains(&have, seen.v[i]))
			strv_push(&todo, xstrdup(seen.v[i]));
	drop_denied(l, &todo, base, run);
	for (size_t i = 0; i < syscall_groups_count && todo.n; i++) {
		const struct syscall_group *g = &syscall_groups[i];
		if (learn_in_list(learn_unsafe_groups, ARRAY_SIZE(learn_unsafe_groups), g->name) ||
		    !group_fits(g, &seen, &todo))
			continue;
		struct strv members = { 0 };
		expand(g->name, &members, 0);
		strv_remove_all(&todo, &members);
		strv_free(&members);
		strv_push(&l->allow, xstrdup(g->name));
	}
	if (todo.n)
		qsort(todo.v, todo.n, sizeof(*todo.v), cmp_str);
	for (size_t i = 0; i < todo.n; i++) {
		if (learn_in_list(unsafe_calls, ARRAY_SIZE(unsafe_calls), todo.v[i]))
			learn_note(l, xasprintf("warning: allow = %s: landjail denies it unless a "
					  "profile names it, and %s called it", todo.v[i],
					  learn_run_label(run)), true);
		strv_push(&l->allow, xstrdup(todo.v[i]));
	}
	l->fork |= o->fork;
	strv_free(&seen);
	strv_free(&have);
	strv_free(&todo);
}
