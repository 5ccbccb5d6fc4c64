#include "output/outdir.h"

#include "lib/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool outdir_path_ok(const char *rel)
{
	const char *p = rel;

	if (!*rel || *rel == '/' || !strcmp(rel, OUTDIR_LOCK) || !strcmp(rel, OUTDIR_MANIFEST))
		return false;
	for (;;) {
		size_t len = strcspn(p, "/");
		if (!len || (len == 1 && p[0] == '.') || (len == 2 && !strncmp(p, "..", 2)))
			return false;
		if (!p[len])
			break;
		p += len + 1;
	}
	return strlen(rel) < OUTDIR_TMP_MAX - 32;
}

int outdir_open_parent(int top, const char *rel, bool create, const char **base, size_t *bad)
{
	const char *p = rel, *slash;
	int dir;

	/* A file at the top needs no descriptor of its own (two system calls a
	 * file, at a thousand files). */
	if (!strchr(rel, '/')) {
		*base = rel;
		return top;
	}
	dir = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	while (dir >= 0 && (slash = strchr(p, '/'))) {
		char comp[256];
		size_t len = (size_t)(slash - p);
		int next;

		if (len >= sizeof(comp)) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (create && mkdirat(dir, comp, 0700) < 0 && errno != EEXIST)
			goto fail;
		next = openat(dir, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			struct stat st;
			/* O_NOFOLLOW on a link gives ELOOP, or ENOTDIR with O_DIRECTORY. */
			if (fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				errno = ELOOP;
			goto fail;
		}
		close(dir);
		dir = next;
		p = slash + 1;
	}
	*base = p;
	return dir;
fail:
	*bad = (size_t)(strchr(p, '/') - rel);
	if (dir >= 0) {
		int saved = errno;
		close(dir);
		errno = saved;
	}
	return -1;
}

int outdir_tmpfile(int dir, const char *base, char *name)
{
	for (int tries = 0; tries < 100; tries++) {
		char letters[7];
		int fd;

		for (int i = 0; i < 6; i++)
			letters[i] = ATOMIC_TMP_LETTERS[randombytes_uniform(sizeof(ATOMIC_TMP_LETTERS) - 1)];
		letters[6] = '\0';
		if (snprintf(name, OUTDIR_TMP_MAX, ".%s" ATOMIC_TMP_MARK "%s", base, letters) >=
		    OUTDIR_TMP_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/* Removes our temporary files in dir; descends into subfolders depth times. */
static size_t remove_in(int dir, int depth)
{
	DIR *d = fdopendir(dir);
	struct dirent *e;
	size_t removed = 0;

	if (!d) {
		close(dir);
		return 0;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (atomic_is_tmpname(e->d_name, NULL)) {
			struct stat st;
			if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISREG(st.st_mode) && unlinkat(dirfd(d), e->d_name, 0) == 0)
				removed++;
		} else if (depth > 0 && (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN)) {
			int sub = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				removed += remove_in(sub, depth - 1);
		}
	}
	closedir(d);
	return removed;
}

void outdir_close_parent(int top, int dir)
{
	if (dir != top && dir >= 0)
		close(dir);
}

size_t outdir_remove_stale(int top)
{
	int dir = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* The formats write into the folder and one level of subfolders. */
	return dir < 0 ? 0 : remove_in(dir, 1);
}
