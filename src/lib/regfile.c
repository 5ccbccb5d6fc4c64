#include "lib/regfile.h"

#include "lib/keys.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *regfile_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return S_ISREG(mode) ? "a regular file" : "a special file";
}

const char *regfile_size_text(size_t n, char *out, size_t len)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(out, len, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, len, "%zu KiB", n >> 10);
	else
		snprintf(out, len, "%zu bytes", n);
	return out;
}

static bool type_ok(mode_t mode, int opts)
{
	return S_ISREG(mode) || ((opts & REGFILE_PIPES) && S_ISFIFO(mode));
}

/* Sets errno and why for a file of the wrong type. */
static int refuse_type(mode_t mode, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s, not a regular file", regfile_kind(mode));
	errno = S_ISDIR(mode) ? EISDIR : EINVAL;
	return -1;
}

static int refuse_size(size_t max, char *why, size_t whylen)
{
	char size[32];

	snprintf(why, whylen, "larger than %s", regfile_size_text(max, size, sizeof(size)));
	errno = EFBIG;
	return -1;
}

int regfile_open(const char *path, size_t max, int opts, struct stat *st, char *why,
		 size_t whylen)
{
	struct stat before;
	int fd, fl, saved;

	if (stat(path, &before) < 0)
		goto sys;
	if (!type_ok(before.st_mode, opts))
		return refuse_type(before.st_mode, why, whylen);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		goto sys;
	/* The name may have been pointed elsewhere between stat and open: the
	 * descriptor is what counts. */
	if (fstat(fd, st) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		goto sys;
	}
	if (!type_ok(st->st_mode, opts)) {
		close(fd);
		return refuse_type(st->st_mode, why, whylen);
	}
	if (S_ISREG(st->st_mode) && (uintmax_t)st->st_size > max) {
		close(fd);
		return refuse_size(max, why, whylen);
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		goto sys;
	}
	return fd;
sys:
	snprintf(why, whylen, "%s", strerror(errno));
	return -1;
}

/* Reads what fd holds, at most max bytes (st: its status), into a new buffer. */
static int read_bounded(int fd, const struct stat *st, size_t max, int opts, char **out,
			size_t *len, char *why, size_t whylen)
{
	size_t n = 0, cap;
	char *data;
	int saved;

	/* A regular file is read in one allocation of its size, plus room to see
	 * that it grew while being read (growing by realloc would leave copies of
	 * its keys in freed memory); anything else in at most max + 1 bytes. */
	cap = S_ISREG(st->st_mode) ? (size_t)st->st_size + 4096 : max + 1;
	if (cap > max + 1)
		cap = max + 1;
	if (!(data = malloc(cap + 1))) {
		errno = ENOMEM;
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	while (n < cap) {
		ssize_t r = read(fd, data + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			saved = errno;
			key_wipe(data, n);
			free(data);
			errno = saved;
			snprintf(why, whylen, "%s", strerror(errno));
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if ((opts & REGFILE_LINE) && !S_ISREG(st->st_mode) &&
		    memchr(data + n - (size_t)r, '\n', (size_t)r))
			break;
	}
	if (n > max || (n == cap && S_ISREG(st->st_mode))) {
		key_wipe(data, n);
		free(data);
		if (n > max)
			return refuse_size(max, why, whylen);
		/* Past its size and the slack: it is being rewritten in place (this
		 * tool never does that), and what was read may mix two versions. */
		errno = EAGAIN;
		snprintf(why, whylen, "changed while it was read; try again");
		return -1;
	}
	data[n] = '\0';
	*out = data;
	*len = n;
	return 0;
}

int regfile_read_fd(int fd, size_t max, int opts, char **out, size_t *len, char *why,
		    size_t whylen)
{
	struct stat st;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return refuse_type(st.st_mode, why, whylen);
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max)
		return refuse_size(max, why, whylen);
	return read_bounded(fd, &st, max, opts, out, len, why, whylen);
}

int regfile_read(const char *path, size_t max, int opts, char **out, size_t *len,
		 struct stat *st, char *why, size_t whylen)
{
	struct stat own;
	int fd, r, saved;

	*out = NULL;
	*len = 0;
	if (!st)
		st = &own;
	if ((fd = regfile_open(path, max, opts, st, why, whylen)) < 0)
		return -1;
	r = read_bounded(fd, st, max, opts, out, len, why, whylen);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}
