#include "output/commit.h"

#include "output/outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs fn(dir, base, tmp) in the folder of s->rel. */
static int in_parent(int top, const struct staged *s,
		     int (*fn)(int dir, const char *base, const struct staged *s))
{
	const char *base;
	size_t bad;
	int dir = outdir_open_parent(top, s->rel, false, &base, &bad), ret, saved;

	if (dir < 0)
		return -1;
	ret = fn(dir, base, s);
	saved = errno;
	outdir_close_parent(top, dir);
	errno = saved;
	return ret;
}

static int swap_in(int dir, const char *base, const struct staged *s)
{
	if (!s->existed)
		return renameat2(dir, s->tmp, dir, base, RENAME_NOREPLACE);
	if (renameat2(dir, s->tmp, dir, base, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without the exchange: keep the old content by a second
	 * name first, so that it can still be put back. */
	char old[OUTDIR_TMP_MAX];
	int fd = outdir_tmpfile(dir, base, old);
	if (fd < 0)
		return -1;
	close(fd);
	if (renameat(dir, base, dir, old) < 0) {
		unlinkat(dir, old, 0);
		return -1;
	}
	if (renameat(dir, s->tmp, dir, base) < 0) {
		int saved = errno;
		renameat(dir, old, dir, base);
		errno = saved;
		return -1;
	}
	/* The old content is now where the new one was. */
	return renameat(dir, old, dir, s->tmp);
}

static int swap_out(int dir, const char *base, const struct staged *s)
{
	if (!s->existed)
		return renameat(dir, base, dir, s->tmp);
	if (renameat2(dir, s->tmp, dir, base, RENAME_EXCHANGE) == 0)
		return 0;
	return renameat(dir, s->tmp, dir, base);
}

static int drop_tmp(int dir, const char *base, const struct staged *s)
{
	(void)base;
	return unlinkat(dir, s->tmp, 0);
}

static int flush_dir(int dir, const char *base, const struct staged *s)
{
	(void)base;
	(void)s;
	return fsync(dir);
}

static size_t dir_len(const char *rel)
{
	const char *slash = strrchr(rel, '/');

	return slash ? (size_t)(slash - rel) : 0;
}

int commit_all(int top, struct staged *v, size_t n, bool durable, const char **failed,
	       const char **undo_failed)
{
	*failed = *undo_failed = NULL;
	for (size_t i = 0; i < n; i++) {
		if (in_parent(top, &v[i], swap_in) == 0) {
			v[i].swapped = true;
			continue;
		}
		int saved = errno;
		*failed = v[i].rel;
		while (i-- > 0) {
			if (in_parent(top, &v[i], swap_out) == 0)
				v[i].swapped = false;
			else if (!*undo_failed)
				*undo_failed = v[i].rel;
		}
		errno = saved;
		return -1;
	}
	/* Every file is in place: the old contents can go. */
	for (size_t i = 0; i < n; i++)
		if (v[i].existed)
			in_parent(top, &v[i], drop_tmp);
	for (size_t i = 0; durable && i < n; i++) {
		size_t len = dir_len(v[i].rel);
		/* Once per folder: sorted paths come grouped by folder. */
		if (i && dir_len(v[i - 1].rel) == len && !strncmp(v[i].rel, v[i - 1].rel, len))
			continue;
		if (in_parent(top, &v[i], flush_dir) < 0) {
			*failed = v[i].rel;
			return -1;
		}
	}
	return 0;
}

void commit_release(int top, struct staged *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].swapped && v[i].tmp)
			in_parent(top, &v[i], drop_tmp);
		free(v[i].rel);
		free(v[i].tmp);
	}
}
