/* The learned profile's pure parts: where a read file is granted, the
 * tables behind the choices, and the file format, which must read back
 * to what was written so that growing a profile by nothing leaves it
 * byte-identical. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "learn.h"
#include "syscall_groups.h"
#include "tap.h"
#include "util.h"

static void read_roots(void)
{
	static const char *const cases[][2] = {
		{ "/usr/share/perl5/File/Spec.pm", "/usr/share/perl5" },
		{ "/usr/lib/x86_64-linux-gnu/ImageMagick-6.9.11/modules-Q16/coders/png.so",
		  "/usr/lib/x86_64-linux-gnu/ImageMagick-6.9.11" },
		{ "/usr/lib/file/magic.mgc", "/usr/lib/file" },
		{ "/etc/ImageMagick-6/policy.xml", "/etc/ImageMagick-6" },
		{ "/etc/passwd", "/etc/passwd" },
		{ "/usr/local/share/fonts/a/b.ttf", "/usr/local/share/fonts" },
		{ "/srv/app/tmp/in.png", "/srv/app/tmp" },
		{ "/proc/self/maps", "/proc/self/maps" },
		{ "/sys/devices/system/node/online", "/sys/devices/system/node/online" },
		{ "/dev/urandom", "/dev/urandom" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[PATH_MAX];
		learn_read_root(cases[i][0], out);
		TAP_STR(out, cases[i][1], "reading %s grants %s", cases[i][0], cases[i][1]);
	}
}

static void tables(void)
{
	bool sorted = true, canonical = true;
	for (size_t i = 0; learn_package_roots[i]; i++) {
		const char *r = learn_package_roots[i];
		canonical &= r[0] == '/' && r[strlen(r) - 1] != '/';
		if (learn_package_roots[i + 1])
			sorted &= strcmp(r, learn_package_roots[i + 1]) < 0;
	}
	TAP_OK(sorted && canonical, "package roots are sorted absolute paths");
	const char *const *lists[] = { learn_unsafe_groups, learn_common_groups };
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
		for (size_t i = 0; lists[l][i]; i++)
			TAP_OK(syscall_group_find(lists[l][i]) != NULL, "%s is a group of the table",
			       lists[l][i]);
	for (size_t i = 0; learn_common_groups[i]; i++)
		for (size_t j = 0; learn_unsafe_groups[j]; j++)
			if (strcmp(learn_common_groups[i], learn_unsafe_groups[j]) == 0)
				TAP_OK(false, "%s is both common and unsafe", learn_common_groups[i]);
}

static char *print(const struct learned *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	learned_print(f, l, "sample");
	fclose(f);
	return buf;
}

static void add(struct learned *l, const char *path, enum fs_access a, uint64_t runs)
{
	l->g = grow_array(l->g, sizeof(*l->g), l->n_g, &l->cap_g);
	l->g[l->n_g++] = (struct learn_grant){ .path = xstrdup(path), .access = a, .runs = runs };
}

static void round_trip(void)
{
	struct learned l = { .net_mode = 1, .unix_allow = true, .fork = true };
	strv_push(&l.runs, xstrdup("convert in.png out.png"));
	strv_push(&l.runs, xstrdup("convert in.gif out.png"));
	strv_push(&l.runs, xstrdup("convert in.jpg out.png"));
	strv_push(&l.includes, xstrdup("base-converter"));
	strv_push(&l.notes, xstrdup("warning: something a person must know"));
	strv_push(&l.allow, xstrdup("@threads"));
	strv_push(&l.allow, xstrdup("mlock"));
	add(&l, "/etc/ImageMagick-6", FS_RO, 1);
	add(&l, "/srv/with space/and$dollar", FS_RO, 7);
	add(&l, "/usr/bin/convert-im6.q16", FS_ROX, 5);
	add(&l, "/srv/out", FS_RW, 2);
	port_add(&l.connect, &l.n_connect, &l.cap_connect, 443);
	port_add(&l.connect, &l.n_connect, &l.cap_connect, 80);
	l.has_limit[LIMIT_MEMORY] = true;
	l.limit[LIMIT_MEMORY] = 512ULL << 20;
	char *first = print(&l);

	char path[] = "/tmp/test-learn-XXXXXX";
	int fd = mkstemp(path);
	TAP_OK(fd >= 0 && write(fd, first, strlen(first)) == (ssize_t)strlen(first),
	       "the profile is written");
	close(fd);
	struct learned back = { .net_mode = -1 };
	struct errlist el = { 0 };
	TAP_OK(learned_read(path, &back, &el) == 0 && el.n == 0, "it reads back without a problem");
	errlist_print(&el);
	char *second = print(&back);
	TAP_STR(second, first, "and prints the same, byte for byte");
	TAP_OK(back.n_g == 4 && back.g[1].runs == 7, "runs 1-3 read back as three runs");
	TAP_OK(strstr(first, "\"/srv/with space/and$$dollar\"") != NULL,
	       "a path with a blank and a dollar is quoted");
	unlink(path);
	free(first);
	free(second);
	errlist_free(&el);
	learned_free(&l);
	learned_free(&back);
}

int main(void)
{
	read_roots();
	tables();
	round_trip();
	return tap_done();
}
