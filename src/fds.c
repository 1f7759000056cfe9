#include "fds.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <unistd.h>

/* Close-on-exec rather than close: the Landlock ruleset descriptor is
 * still needed after this step, and execve drops them all at once. */
static int cloexec_range(unsigned lo, unsigned hi)
{
	return lo > hi || close_range(lo, hi, CLOSE_RANGE_CLOEXEC) == 0 ? 0 : -errno;
}

int fds_close_others(const int *keep, size_t n)
{
	unsigned lo = 3;
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < (int)lo)
			continue;
		int err = cloexec_range(lo, (unsigned)keep[i] - 1);
		if (err)
			return err;
		if (fcntl(keep[i], F_SETFD, 0) < 0)
			return -errno;
		lo = (unsigned)keep[i] + 1;
	}
	return cloexec_range(lo, ~0U);
}
