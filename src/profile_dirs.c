/* Where profiles live: the search path, and which files a package
 * upgrade replaces.  No reading here (profile.c reads). */
#include "profile_dirs.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"

/* The build's directory, or in test builds the one an environment
 * variable names (tests cannot write /etc or the data directory). */
static const char *hooked_dir(const char *dflt, const char *hook)
{
#ifdef LANDJAIL_TEST_HOOKS
	const char *v = getenv(hook);
	if (v && v[0] == '/')
		return v;
#else
	(void)hook;
#endif
	return dflt;
}

const char *profile_etc_dir(void)
{
	return hooked_dir(LANDJAIL_ETC_PROFILES, "LANDJAIL_TEST_ETC_PROFILES");
}

static const char *data_dir(void)
{
	return hooked_dir(LANDJAIL_DATA_PROFILES, "LANDJAIL_TEST_DATA_PROFILES");
}

/* $XDG_CONFIG_HOME/landjail/profiles or ~/.config/...; NULL without either. */
char *profile_user_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/landjail/profiles", xdg);
	if (home && home[0] == '/')
		return xasprintf("%s/.config/landjail/profiles", home);
	return NULL;
}

void profile_search_path(struct strv *out)
{
	char *user = profile_user_dir();
	if (user)
		strv_push(out, user);
	strv_push(out, xstrdup(profile_etc_dir()));
	strv_push(out, xstrdup(data_dir()));
}

bool profile_is_shipped(const char *path)
{
	size_t n = strlen(data_dir());
	return strncmp(path, data_dir(), n) == 0 && path[n] == '/';
}

char *profile_fix_location(const struct policy *p, const char *file)
{
	const char *slash = strrchr(file, '/');
	if (!profile_is_shipped(file) || !p->sources.n)
		return xasprintf("in %s", slash ? slash + 1 : file);
	/* A shipped file is overwritten by the next upgrade: name the drop-in
	 * of the profile that was asked for, which is read after it. */
	const char *top = strrchr(p->sources.v[0], '/');
	char *name = xstrdup(top ? top + 1 : p->sources.v[0]);
	size_t n = strlen(name);
	if (n > 4 && strcmp(name + n - 4, ".ini") == 0)
		name[n - 4] = '\0';
	char *where = xasprintf("in a drop-in such as %s/%s.d/local.ini", profile_etc_dir(),
				name);
	free(name);
	return where;
}
