/* Profile loading: parsing, includes, merging, validation, messages.
 * Each case writes its files into a fresh directory (mode 0644, as the
 * loader requires) so the test does not depend on a checkout's umask. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "section.h"
#include "tap.h"

static char dir[] = "/tmp/landjail-unit.XXXXXX";

static const char *fake_env(const char *name)
{
	if (strcmp(name, "WORK") == 0)
		return "/srv/work";
	return NULL;
}

static char *path_of(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char *p = path_of(name);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	free(p);
}

/* Load name from dir; returns the number of errors, messages in el. */
static size_t load(struct policy *p, struct errlist *el, const char *name)
{
	char *path = path_of(name);
	policy_init(p);
	memset(el, 0, sizeof(*el));
	profile_load_with(p, path, fake_env, el);
	free(path);
	return el->n;
}

static void show(const struct errlist *el)
{
	for (size_t i = 0; i < el->n; i++)
		printf("#   %s\n", el->msg[i]);
}

/* Does some message end with "name:line: text..."? */
static bool has_error(const struct errlist *el, const char *name, unsigned line,
		      const char *text)
{
	char *want = line ? xasprintf("%s/%s:%u: ", dir, name, line)
			  : xasprintf("%s/%s: ", dir, name);
	bool found = false;
	for (size_t i = 0; i < el->n && !found; i++)
		found = strncmp(el->msg[i], want, strlen(want)) == 0 &&
			strstr(el->msg[i] + strlen(want), text);
	if (!found) {
		printf("#   wanted %s%s\n", want, text);
		show(el);
	}
	free(want);
	return found;
}

static const struct fs_rule *rule(const struct policy *p, const char *path)
{
	for (size_t i = 0; i < p->n_fs; i++)
		if (strcmp(p->fs[i].path, path) == 0)
			return &p->fs[i];
	return NULL;
}

static void test_good_profile(void)
{
	write_file("base.ini", "[profile]\ndescription = base\n[filesystem]\nro = /usr/lib\n", 0644);
	write_file("good.ini",
		   "; a comment\n"
		   "[profile]\n"
		   "version = 1\n"
		   "description = the good one\n"
		   "include = base\n"
		   "\n"
		   "[filesystem]\n"
		   "ro = /etc ?/opt/absent  ; inline comment\n"
		   "rox = /usr/bin\n"
		   "rw = ${WORK} ${NOPE:-/srv/default}\n"
		   "rwx = \"/srv/with space\"\n"
		   "dev = /dev/null\n"
		   "ro = /etc/hosts\n"
		   "ro = /etc\n"
		   "[environment]\n"
		   "clear = yes\n"
		   "keep = PATH LC_*\n"
		   "set = MAGICK_TMP=${WORK} A=1\n"
		   "set = A=2\n",
		   0644);
	struct policy p;
	struct errlist el;
	size_t n = load(&p, &el, "good.ini");
	TAP_OK(n == 0, "a good profile loads without errors");
	show(&el);
	TAP_STR(p.description, "the good one", "the top profile's description wins");
	TAP_OK(p.n_fs == 9, "every path rule is recorded once (got %zu)", p.n_fs);
	TAP_OK(rule(&p, "/usr/lib") && rule(&p, "/usr/lib")->access == FS_RO,
	       "an include by bare name is found next to the including file");
	const struct fs_rule *r = rule(&p, "/opt/absent");
	TAP_OK(r && r->optional, "? marks a path optional");
	r = rule(&p, "/srv/work");
	TAP_OK(r && r->access == FS_RW && r->at.line == 10, "${VAR} expands, origin line 10");
	TAP_OK(rule(&p, "/srv/default") != NULL, "${VAR:-default} falls back");
	TAP_OK(rule(&p, "/srv/with space") && rule(&p, "/srv/with space")->access == FS_RWX,
	       "a quoted path keeps its blank");
	TAP_OK(rule(&p, "/dev/null") && rule(&p, "/dev/null")->access == FS_DEV, "dev rule");
	TAP_OK(p.env.configured && p.env.clear == 1 && p.env.keep.n == 2,
	       "[environment] clear and keep");
	TAP_OK(p.env.n_set == 2 && strcmp(p.env.set[1].value, "2") == 0 &&
		       strcmp(p.env.set[0].value, "/srv/work") == 0,
	       "set accumulates, a later value for the same name wins");
	TAP_OK(p.sources.n == 2, "both files are listed as sources");
	errlist_free(&el);
	policy_free(&p);
}

static void test_all_errors_reported(void)
{
	char longline[400];
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "ro = /", 6);
	longline[300] = '\0';
	char *text = xasprintf("[profile]\n"
			       "version = 2\n"               /* 2 */
			       "flavour = x\n"               /* 3 */
			       "[filesystem]\n"
			       "rox2 = /usr\n"               /* 5 */
			       "ro = relative/path\n"        /* 6 */
			       "%s\n"                        /* 7 */
			       "just some words\n"           /* 8 */
			       "ro = ${UNSET}\n"             /* 9 */
			       "[bogus]\n"                   /* 10 */
			       "x = 1\n"
			       "[network]\n"                 /* 12 */
			       "mode = nowhere\n"           /* 13 */
			       "[environment]\n"
			       "clear = maybe\n"             /* 15 */
			       "keep = BAD-NAME\n"           /* 16 */
			       "set = NOEQUALS\n"            /* 17 */
			       "[syscalls\n",                /* 18 */
			       longline);
	write_file("bad.ini", text, 0644);
	free(text);
	struct policy p;
	struct errlist el;
	load(&p, &el, "bad.ini");
	TAP_OK(has_error(&el, "bad.ini", 2, "profile version 2 is not understood"), "bad version");
	TAP_OK(has_error(&el, "bad.ini", 3, "unknown key \"flavour\" in [profile]"), "unknown key");
	TAP_OK(has_error(&el, "bad.ini", 5, "unknown key \"rox2\" in [filesystem]"), "typo'd key");
	TAP_OK(has_error(&el, "bad.ini", 6, "is not an absolute path"), "relative path");
	TAP_OK(has_error(&el, "bad.ini", 7, "line is 300 bytes long; the limit is 199"),
	       "an over-long line is caught, not split by inih");
	TAP_OK(has_error(&el, "bad.ini", 8, "expected \"key = value\""), "a line without =");
	TAP_OK(has_error(&el, "bad.ini", 9, "${UNSET} is not set"), "unset variable");
	TAP_OK(has_error(&el, "bad.ini", 10, "unknown section [bogus]"), "unknown section");
	TAP_OK(has_error(&el, "bad.ini", 13, "network mode must be none, tcp or unrestricted"),
	       "a bad [network] mode is a file:line error");
	TAP_OK(has_error(&el, "bad.ini", 15, "clear must be yes or no"), "bad boolean");
	TAP_OK(has_error(&el, "bad.ini", 16, "not a variable name or glob"), "bad keep glob");
	TAP_OK(has_error(&el, "bad.ini", 17, "expected NAME=VALUE"), "bad set");
	TAP_OK(has_error(&el, "bad.ini", 18, "without a closing ]"), "broken header");
	TAP_OK(el.n == 13, "exactly one message per problem (got %zu)", el.n);
	TAP_OK(p.n_fs == 0, "nothing from the bad lines became a rule");
	errlist_free(&el);
	policy_free(&p);
}

static void test_includes(void)
{
	write_file("cyc-a.ini", "[profile]\ninclude = cyc-b\n", 0644);
	write_file("cyc-b.ini", "[profile]\n\ninclude = cyc-a.ini\n", 0644);
	struct policy p;
	struct errlist el;
	load(&p, &el, "cyc-a.ini");
	TAP_OK(el.n == 1 && has_error(&el, "cyc-b.ini", 3, "include cycle"),
	       "an include cycle is reported where it closes");
	errlist_free(&el);
	policy_free(&p);

	write_file("dia-top.ini", "[profile]\ninclude = dia-l dia-r\n", 0644);
	write_file("dia-l.ini", "[profile]\ninclude = dia-base\n", 0644);
	write_file("dia-r.ini", "[profile]\ninclude = ./dia-base.ini\n", 0644);
	write_file("dia-base.ini", "[filesystem]\nro = /etc\n", 0644);
	load(&p, &el, "dia-top.ini");
	TAP_OK(el.n == 0 && p.n_fs == 1 && p.sources.n == 4,
	       "a file included twice (diamond) is read once");
	show(&el);
	errlist_free(&el);
	policy_free(&p);

	for (int i = 0; i < 10; i++) {
		char name[32], text[64];
		snprintf(name, sizeof(name), "deep%d.ini", i);
		snprintf(text, sizeof(text), "[profile]\ninclude = deep%d\n", i + 1);
		write_file(name, text, 0644);
	}
	write_file("deep10.ini", "[filesystem]\nro = /etc\n", 0644);
	load(&p, &el, "deep0.ini");
	TAP_OK(el.n == 1 && has_error(&el, "deep7.ini", 2, "nested deeper than 8"),
	       "include depth is limited");
	errlist_free(&el);
	policy_free(&p);

	write_file("missing-inc.ini", "[profile]\ninclude = no-such-profile\n", 0644);
	load(&p, &el, "missing-inc.ini");
	TAP_OK(has_error(&el, "missing-inc.ini", 2, "profile \"no-such-profile\" not found (looked in "),
	       "a missing include names where it looked");
	errlist_free(&el);
	policy_free(&p);
}

static void test_trust(void)
{
	write_file("gw.ini", "[filesystem]\nro = /etc\n", 0664);
	struct policy p;
	struct errlist el;
	load(&p, &el, "gw.ini");
	TAP_OK(has_error(&el, "gw.ini", 0, "refusing a profile that group or others can write (mode 0664)"),
	       "a group-writable profile is refused");
	TAP_OK(p.n_fs == 0, "and none of it is used");
	errlist_free(&el);
	policy_free(&p);

	if (geteuid() != 0) {
		printf("ok %d # SKIP ownership check needs root\n", ++tap_n);
		return;
	}
	write_file("other.ini", "[filesystem]\nro = /etc\n", 0644);
	char *path = path_of("other.ini");
	TAP_OK(chown(path, 12345, 12345) == 0, "chown to another user");
	free(path);
	load(&p, &el, "other.ini");
	TAP_OK(has_error(&el, "other.ini", 0, "refusing a profile owned by uid 12345"),
	       "a profile owned by someone else is refused");
	errlist_free(&el);
	policy_free(&p);
}

/* Two tables name the same things: [filesystem]'s access keys are
 * fs_access_name()'s names and [limits]' keys are limit_table's, row for
 * row, so that --check prints what the reader reads. */
static void test_tables_agree(void)
{
	const struct section_spec *fs = &section_filesystem, *lim = &section_limits;
	int n = 0;
	for (size_t i = 0; i < fs->n_keys; i++) {
		enum fs_access a;
		if (!fs_access_from_name(fs->keys[i].name, &a))
			continue;
		n++;
		TAP_OK(fs->keys[i].arg == (int)a, "[filesystem] %s is access class %s",
		       fs->keys[i].name, fs_access_name((enum fs_access)fs->keys[i].arg));
	}
	TAP_OK(n == FS_ACCESS_COUNT, "[filesystem] has a key for each of the %d access classes",
	       FS_ACCESS_COUNT);
	TAP_OK(lim->n_keys == LIMIT_KEYS, "[limits] has %d keys", LIMIT_KEYS);
	for (size_t i = 0; i < lim->n_keys && i < LIMIT_KEYS; i++)
		TAP_STR(limit_table[lim->keys[i].arg].key, lim->keys[i].name,
			"[limits] %s is limit_table's row %d", lim->keys[i].name, lim->keys[i].arg);
}

/* The policy --check prints, as a string. */
static char *printed(const struct policy *p)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	policy_print_ini(f, p);
	fclose(f);
	return buf;
}

static bool same_strv(const struct strv *a, const struct strv *b)
{
	bool same = a->n == b->n;
	for (size_t i = 0; same && i < a->n; i++)
		same = strcmp(a->v[i], b->v[i]) == 0;
	return same;
}

/* The policy cache's replay (profile_replay) gives what the load it
 * recorded gave, for every shipped profile: the effective policy, the
 * sources and the labels (file:line of later messages). */
static void test_replay_matches_load(void)
{
	const char *profiles = getenv("PROFILES");
	if (!profiles) {
		TAP_OK(true, "# SKIP PROFILES is not set");
		return;
	}
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	setenv("HOME", "/home/someone", 1);
	setenv("TMPDIR", "/srv/work", 1);
	char *cmd = xasprintf("ls '%s' | sed -n 's/\\.ini$//p'", profiles);
	FILE *ls = popen(cmd, "r");
	char name[256];
	int compared = 0;
	while (ls && fgets(name, sizeof(name), ls)) {
		name[strcspn(name, "\n")] = '\0';
		char *path = xasprintf("%s/%s.ini", profiles, name);
		struct policy a, b;
		struct errlist ea = { 0 }, eb = { 0 };
		struct profile_trace tr = { 0 };
		policy_init(&a);
		policy_init(&b);
		profile_load_traced(&a, path, &ea, &tr);
		if (!ea.n) {
			bool replayed = profile_replay(&b, &tr, &eb);
			char *pa = printed(&a), *pb = printed(&b);
			TAP_OK(replayed && !eb.n && strcmp(pa, pb) == 0 &&
				       same_strv(&a.sources, &b.sources) && same_strv(&a.labels, &b.labels),
			       "%s: the replay of its load is the same policy, sources and labels", name);
			compared++;
			free(pa);
			free(pb);
		}
		profile_trace_free(&tr);
		errlist_free(&ea);
		errlist_free(&eb);
		policy_free(&a);
		policy_free(&b);
		free(path);
	}
	if (ls)
		pclose(ls);
	free(cmd);
	TAP_OK(compared >= 10, "%d shipped profiles replayed", compared);
}

/* A ${VAR} is expanded when the lines are replayed, not when recorded. */
static void test_replay_expands_live(void)
{
	write_file("live.ini", "[profile]\nversion = 1\n[filesystem]\nrw = ${LJ_UNIT_DIR}/out\n",
		   0644);
	char *path = path_of("live.ini");
	struct policy a, b, c;
	struct errlist el = { 0 };
	struct profile_trace tr = { 0 };
	setenv("LJ_UNIT_DIR", "/srv/one", 1);
	policy_init(&a);
	profile_load_traced(&a, path, &el, &tr);
	setenv("LJ_UNIT_DIR", "/srv/two", 1);
	policy_init(&b);
	policy_init(&c);
	bool replayed = profile_replay(&b, &tr, &el);
	profile_load(&c, path, &el);
	char *pb = printed(&b), *pc = printed(&c);
	TAP_OK(replayed && !el.n && strcmp(pb, pc) == 0 && strstr(pb, "/srv/two/out") &&
		       !strstr(pb, "/srv/one"),
	       "a replay takes this call's ${VAR}, as a load does");
	free(pb);
	free(pc);
	unsetenv("LJ_UNIT_DIR");
	profile_trace_free(&tr);
	errlist_free(&el);
	policy_free(&a);
	policy_free(&b);
	policy_free(&c);
	free(path);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_good_profile();
	test_all_errors_reported();
	test_includes();
	test_trust();
	test_tables_agree();
	test_replay_matches_load();
	test_replay_expands_live();
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(cmd);
	return tap_done();
}
