/* The advice table of exec_report.c: every opt-in profile it names is
 * shipped in profiles/. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exec_report.h"
#include "tap.h"

int main(void)
{
	const char *dir = getenv("PROFILES");
	const char *p;
	size_t named = 0;
	for (size_t i = 0; (p = exec_advice_profile(i)); i++) {
		if (!*p)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.ini", dir ? dir : "profiles", p);
		TAP_OK(access(path, F_OK) == 0, "advice row %zu: profile %s is shipped", i, p);
		named++;
	}
	TAP_OK(named >= 2, "the table names the ghostscript and ffmpeg delegate profiles");
	return tap_done();
}
