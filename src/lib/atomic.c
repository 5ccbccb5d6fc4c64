#include "lib/atomic.h"

#include "lib/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int path_split(const char *path, char **dir, char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		*dir = strdup(".");
		*base = strdup(path);
	} else {
		size_t dlen = slash == path ? 1 : (size_t)(slash - path);
		*dir = strndup(path, dlen);
		*base = strdup(slash + 1);
	}
	if (!*dir || !*base) {
		free(*dir);
		free(*base);
		*dir = *base = NULL;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Temporary files are ".BASE.wgm-tmp-XXXXXX": a name no user file has, so that
 * atomic_remove_stale removes ours only. */
#define TMP_MARK ".wgm-tmp-"
#define TMP_SUFFIX TMP_MARK "XXXXXX"

static char *sibling(const char *path, const char *suffix)
{
	char *dir, *base, *out = NULL;
	size_t len;

	if (path_split(path, &dir, &base) < 0)
		return NULL;
	len = strlen(dir) + strlen(base) + strlen(suffix) + 3;
	out = malloc(len);
	if (out)
		snprintf(out, len, "%s/.%s%s", dir, base, suffix);
	free(dir);
	free(base);
	return out;
}

static int fsync_dir_of(const char *path)
{
	char *dir, *base;
	int fd, ret = -1;

	if (path_split(path, &dir, &base) < 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		ret = fsync(fd);
		close(fd);
	}
	free(dir);
	free(base);
	return ret;
}

int atomic_write(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = sibling(path, TMP_SUFFIX);
	int fd = -1, saved;

	if (!tmp) {
		errno = ENOMEM;
		return -1;
	}
	/* mkstemp creates the file 0600 with O_EXCL: no one else can open it. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if ((mode & 07777) != 0600 && fchmod(fd, mode & 07777) < 0)
		goto fail;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	/* The rename is durable only once the folder is flushed; if that fails the
	 * new file is in place all the same, so it is not an error to report as one. */
	if (fsync_dir_of(path) < 0)
		warn_msg("%s: the folder could not be flushed (%s): the change may not "
			 "survive a power cut", path, strerror(errno));
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}

int lock_beside(const char *path)
{
	char *lock = sibling(path, ".lock");
	int fd;

	if (!lock) {
		errno = ENOMEM;
		return -1;
	}
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	free(lock);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
	}
	return fd;
}

/* True when path is a regular 0600 file of ours holding exactly data. */
static bool same_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	bool same = false;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600 &&
	    st.st_uid == geteuid() && (size_t)st.st_size == len) {
		void *map = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
		if (!len)
			same = true;
		else if (map != MAP_FAILED) {
			same = memcmp(map, data, len) == 0;
			munmap(map, len);
		}
	}
	close(fd);
	return same;
}

int atomic_batch_add(struct atomic_batch *b, const char *path, const void *data, size_t len)
{
	char *tmp = sibling(path, TMP_SUFFIX), *dst = strdup(path);
	int fd = -1, saved;

	if (!tmp || !dst)
		goto oom;
	if (same_file(path, data, len)) {
		b->unchanged++;
		free(tmp);
		free(dst);
		return 0;
	}
	if (b->count == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 16;
		char **t = realloc(b->tmp, ncap * sizeof(char *));
		if (t)
			b->tmp = t;
		char **d = realloc(b->dst, ncap * sizeof(char *));
		if (d)
			b->dst = d;
		if (!t || !d)
			goto oom;
		b->cap = ncap;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		goto fail;
	b->tmp[b->count] = tmp;
	b->dst[b->count++] = dst;
	if (write_all(fd, data, len) < 0)
		goto fail_listed;
	if (b->sync_fd < 0) {
		b->sync_fd = fd;
		return 0;
	}
	return close(fd);
oom:
	errno = ENOMEM;
fail:
	saved = errno;
	free(tmp);
	free(dst);
	errno = saved;
	return -1;
fail_listed:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Puts tmp in the place of dst. When the data need not be durable, the two
 * are swapped (RENAME_EXCHANGE) and the old content unlinked: ext4 forces a
 * write-back of the new file on every rename over an existing one, which made
 * rewriting a thousand files take seconds; the swap is as atomic for readers. */
static int replace(const char *tmp, const char *dst, bool durable)
{
	if (!durable && renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE) == 0)
		return unlink(tmp);
	/* No old file to swap with, or a file system without the exchange. */
	return rename(tmp, dst);
}

int atomic_batch_commit(struct atomic_batch *b)
{
	if (b->sync_fd >= 0) {
		if ((b->durable && syncfs(b->sync_fd) < 0) || close(b->sync_fd) < 0) {
			b->sync_fd = -1;
			return -1;
		}
		b->sync_fd = -1;
	}
	for (size_t i = 0; i < b->count; i++) {
		if (replace(b->tmp[i], b->dst[i], b->durable) < 0)
			return -1;
		free(b->tmp[i]);
		b->tmp[i] = NULL;
	}
	/* The renames are durable once their folders are flushed. */
	for (size_t i = 0; b->durable && i < b->count; i++)
		if ((i == 0 || strcmp(b->dst[i], b->dst[i - 1])) && fsync_dir_of(b->dst[i]) < 0)
			return -1;
	return 0;
}

void atomic_batch_free(struct atomic_batch *b)
{
	if (b->sync_fd >= 0)
		close(b->sync_fd);
	for (size_t i = 0; i < b->count; i++) {
		if (b->tmp[i]) {
			unlink(b->tmp[i]);
			free(b->tmp[i]);
		}
		free(b->dst[i]);
	}
	free(b->tmp);
	free(b->dst);
	*b = (struct atomic_batch)ATOMIC_BATCH_INIT;
}

int mkdir_parents(const char *path)
{
	char *copy = *path ? strdup(path) : NULL;
	struct stat st;
	int ret = -1;

	if (!*path) {
		errno = ENOENT;
		return -1;
	}
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	for (char *p = copy + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			goto out;
		if (stat(copy, &st) < 0)
			goto out;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			goto out;
		}
		*p = c;
		if (!c)
			break;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

void atomic_remove_stale(const char *path)
{
	char *dir, *base;
	DIR *d;
	struct dirent *e;
	size_t blen;

	if (path_split(path, &dir, &base) < 0)
		return;
	blen = strlen(base);
	if ((d = opendir(dir))) {
		while ((e = readdir(d))) {
			const char *n = e->d_name;
			/* Exactly "." BASE TMP_MARK and the six characters mkstemp chose. */
			const char *rest = n + 1 + blen;
			size_t mlen = strlen(TMP_MARK);
			if (n[0] != '.' || strncmp(n + 1, base, blen) || strncmp(rest, TMP_MARK, mlen) ||
			    strlen(rest + mlen) != 6 || strspn(rest + mlen,
				"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != 6)
				continue;
			unlinkat(dirfd(d), n, 0);
		}
		closedir(d);
	}
	free(dir);
	free(base);
}
