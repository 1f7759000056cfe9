#include "fds.h"

#include "libc_compat.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdbool.h>
#include <unistd.h>

static int close_between(unsigned lo, unsigned hi)
{
	return lo > hi || close_range(lo, hi, 0) == 0 ? 0 : -errno;
}

/* keep[] is sorted; extra slots in where it belongs. */
static int close_except(const int *keep, size_t n, int extra)
{
	unsigned lo = 3;
	size_t i = 0;
	bool extra_done = extra < 3;
	while (i < n || !extra_done) {
		bool take_extra = !extra_done && (i == n || extra < keep[i]);
		int fd = take_extra ? extra : keep[i];
		if (take_extra)
			extra_done = true;
		else
			i++;
		if (fd < (int)lo)
			continue;
		int err = close_between(lo, (unsigned)fd - 1);
		if (err)
			return err;
		if (!take_extra && fcntl(fd, F_SETFD, 0) < 0)
			return -errno;
		lo = (unsigned)fd + 1;
	}
	return close_between(lo, ~0U);
}

int fds_close_others(const int *keep, size_t n, int extra)
{
	return close_except(keep, n, extra);
}

static bool is_open(const int *keep, size_t n, int extra, int fd)
{
	if (fd < 3 || fd == extra)
		return true;
	for (size_t i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

unsigned fds_needed(const int *keep, size_t n, int extra, unsigned more)
{
	int fd = 0;
	unsigned found = 0;
	for (; found < more; fd++)
		if (!is_open(keep, n, extra, fd))
			found++;
	return (unsigned)fd;
}
