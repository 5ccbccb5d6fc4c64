#include "lib/atomic.h"

#include "lib/regfile.h"
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
#include <sys/sysmacros.h>
#include <time.h>
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
#define TMP_SUFFIX ATOMIC_TMP_MARK "XXXXXX"

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

/* Gives fd the owner and group uid:gid when they are not ours: as root, when
 * it replaces (or sits beside) a user's file, so that a `sudo` run leaves the
 * user's files the user's. A non-root writer can at most give the group of
 * the old file (when it is a member); a file system without owners refuses
 * both, and the file then stays ours, as it would have. */
static void give_to(int fd, uid_t uid, gid_t gid)
{
	if (uid == geteuid() && gid == getegid())
		return;
	if (fchown(fd, uid, gid) < 0 && fchown(fd, (uid_t)-1, gid) < 0)
		return;
}

int atomic_write_as(const char *path, const void *data, size_t len, mode_t mode,
		    const char *owner_of)
{
	char *tmp = sibling(path, TMP_SUFFIX);
	struct stat old, ref;
	bool exists;
	int fd = -1, saved;

	if (!tmp) {
		errno = ENOMEM;
		return -1;
	}
	if (!(exists = stat(path, &old) == 0) && errno != ENOENT)
		goto fail;
	/* Only a regular file is replaced: a folder, a FIFO or a device in its
	 * place is not ours to cut off (rename would). */
	if (exists && !S_ISREG(old.st_mode)) {
		errno = S_ISDIR(old.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	/* mkstemp creates the file 0600 with O_EXCL: no one else can open it. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	/* The owner before the mode: fchown clears the set-id bits. */
	if (exists) {
		give_to(fd, old.st_uid, old.st_gid);
		mode = old.st_mode;
	} else if (owner_of && stat(owner_of, &ref) == 0) {
		give_to(fd, ref.st_uid, ref.st_gid);
	}
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

int atomic_write(const char *path, const void *data, size_t len, mode_t mode)
{
	return atomic_write_as(path, data, len, mode, NULL);
}

/* The process that holds the flock on fd, from the kernel's table of locks
 * (/proc/locks: "1: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF", and the
 * waiters' lines with "->"); 0 when it cannot be told. The table is right for
 * every holder: this tool, an older version, flock(1); a pid written into the
 * lock file would be stale after a SIGKILL and missing for the others. */
static pid_t lock_holder(int fd)
{
	struct stat st;
	char line[256];
	pid_t found = 0, by_inode = 0;
	int inode_matches = 0;
	FILE *f;

	if (fstat(fd, &st) < 0 || !(f = fopen("/proc/locks", "re")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char kind[16], arrow[4];
		unsigned maj, min;
		unsigned long ino;
		int pid;
		if (sscanf(line, "%*d: %3s", arrow) == 1 && !strcmp(arrow, "->"))
			continue;
		if (sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%lu", kind, &pid, &maj, &min,
			   &ino) != 5 || strcmp(kind, "FLOCK") || ino != (unsigned long)st.st_ino ||
		    pid <= 0)
			continue;
		if (maj == major(st.st_dev) && min == minor(st.st_dev)) {
			found = (pid_t)pid;
			break;
		}
		/* Some file systems (btrfs subvolumes, overlays) show stat another
		 * device number than the table: the inode alone, when it is unique. */
		by_inode = (pid_t)pid;
		inode_matches++;
	}
	fclose(f);
	return found ? found : inode_matches == 1 ? by_inode : 0;
}

/* "process PID (COMMAND)" for the holder, or a phrase when it is not known. */
static void describe_holder(pid_t pid, char *out, size_t len)
{
	char path[64], comm[64] = "", q[QUOTED_LEN];
	FILE *f;

	if (!pid) {
		snprintf(out, len, "another process");
		return;
	}
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if ((f = fopen(path, "re"))) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	/* A command's name is anyone's choice: escape what must not reach a terminal. */
	if (*comm)
		snprintf(out, len, "process %ld (%s)", (long)pid, printable(comm, q, sizeof(q)));
	else
		snprintf(out, len, "process %ld", (long)pid);
}

/* How long a writer waits in silence before it says whom it waits for. */
#define LOCK_QUIET_MS 1000
#define LOCK_POLL_MS 10

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The first second polls (a blocking flock cannot time out without a signal
 * handler, global state a library function must not take); then it blocks. */
int lock_wait(int fd, const char *name, const char *lock)
{
	struct timespec t0, pause = { 0, LOCK_POLL_MS * 1000000L };
	char who[QUOTED_LEN + 64];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -1;
		if (ms_since(&t0) < LOCK_QUIET_MS) {
			nanosleep(&pause, NULL);
			continue;
		}
		/* The holder may be letting go right now: then take the lock, or name
		 * the one that got it, rather than "another process". */
		pid_t holder = 0;
		for (int tries = 0; tries < 3 && !(holder = lock_holder(fd)); tries++)
			if (flock(fd, LOCK_EX | LOCK_NB) == 0)
				return 0;
		describe_holder(holder, who, sizeof(who));
		fprintf(stderr, "%s: %s: waiting for %s, which holds the lock %s\n", prog_name,
			name, who, lock);
		while (flock(fd, LOCK_EX) < 0)
			if (errno != EINTR)
				return -1;
		return 0;
	}
	return 0;
}

int lock_open_at(int dir, const char *name, const struct stat *owner, mode_t *kind)
{
	/* Without blocking: a FIFO there would block the open. */
	int fd = openat(dir, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY,
			0600);
	struct stat st;

	*kind = 0;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*kind = st.st_mode;
		close(fd);
		errno = EINVAL;
		return -1;
	}
	/* Root (sudo) beside a user's files: the lock it creates, or one that a
	 * root run of an older version left, goes to their owner, who could not
	 * open it any more. Only a lock of root's under this one name (a single
	 * link): a hard link to another file is never given away. A file system
	 * without owners refuses, and the lock stays root's, as before. */
	if (owner && geteuid() == 0 && st.st_uid == 0 && st.st_nlink == 1 &&
	    (owner->st_uid != st.st_uid || owner->st_gid != st.st_gid))
		give_to(fd, owner->st_uid, owner->st_gid);
	return fd;
}

int lock_beside(const char *path, const char *name)
{
	char *lock = sibling(path, ".lock"), q[QUOTED_LEN];
	const char *shown;
	struct stat db;
	mode_t kind = 0;
	int fd = -1;

	if (!lock) {
		err_msg("%s: out of memory", name);
		return -1;
	}
	/* ".database.csv.lock" beside "database.csv", not "./.database.csv.lock". */
	shown = printable(strchr(path, '/') ? lock : lock + 2, q, sizeof(q));
	fd = lock_open_at(AT_FDCWD, lock, stat(path, &db) == 0 && S_ISREG(db.st_mode) ? &db : NULL,
			  &kind);
	if (fd < 0 && errno == EISDIR) {
		err_msg("%s: cannot lock the database: %s is a folder, not a regular file", name,
			shown);
		goto fail;
	}
	if (fd < 0 && kind) {
		err_msg("%s: cannot lock the database: %s is %s, not a regular file", name,
			shown, regfile_kind(kind));
		goto fail;
	}
	if (fd < 0) {
		err_msg("%s: cannot lock the database: %s", name, strerror(errno));
		goto fail;
	}
	if (lock_wait(fd, name, shown) < 0) {
		err_msg("%s: cannot lock the database: %s", name, strerror(errno));
		goto fail;
	}
	free(lock);
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	free(lock);
	return -1;
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

bool atomic_is_tmpname(const char *name, const char *base)
{
	size_t mlen = strlen(ATOMIC_TMP_MARK), len = strlen(name);
	const char *mark;

	/* "." BASE (not empty), the mark, six letters: the mark is the one before
	 * the last six characters, whatever BASE holds. */
	if (name[0] != '.' || len < 2 + mlen + 6)
		return false;
	mark = name + len - 6 - mlen;
	if (strncmp(mark, ATOMIC_TMP_MARK, mlen) || strspn(mark + mlen, ATOMIC_TMP_LETTERS) != 6)
		return false;
	return !base || ((size_t)(mark - name - 1) == strlen(base) &&
			 !strncmp(name + 1, base, strlen(base)));
}

void atomic_remove_stale(const char *path)
{
	char *dir, *base;
	DIR *d;
	struct dirent *e;

	if (path_split(path, &dir, &base) < 0)
		return;
	if ((d = opendir(dir))) {
		while ((e = readdir(d)))
			if (atomic_is_tmpname(e->d_name, base))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	free(dir);
	free(base);
}
