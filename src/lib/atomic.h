/* Crash-safe file replacement: a temporary file in the same folder, written,
 * flushed, renamed over the target, and the folder flushed. */
#ifndef WGM_ATOMIC_H
#define WGM_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Replaces path with len bytes of data. A new file is created 0600 and given
 * `mode` before any byte is written; an existing one keeps its mode, owner
 * and group (a root write of a user's database leaves it the user's). Only a
 * regular file is replaced (EISDIR, EINVAL). Returns 0, or -1 with errno set;
 * on error path is untouched and the temporary file removed. */
int atomic_write(const char *path, const void *data, size_t len, mode_t mode);

/* atomic_write, and a new file gets the owner and group of the file owner_of
 * when they are not ours and we may give it (root): the preshared-key store
 * that `sudo` creates beside a user's database is the user's. */
int atomic_write_as(const char *path, const void *data, size_t len, mode_t mode,
		    const char *owner_of);

/* Temporary files are "." BASE ATOMIC_TMP_MARK and six of ATOMIC_TMP_LETTERS
 * (what mkstemp chooses): atomic_write's beside the database, and the output
 * writer's beside each file it writes. */
#define ATOMIC_TMP_MARK ".wgm-tmp-"
#define ATOMIC_TMP_LETTERS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* True when the file name is one of those temporary files: of the file base,
 * or of any (base NULL). */
bool atomic_is_tmpname(const char *name, const char *base);

/* Removes the temporary files atomic_write left beside path when it was killed
 * (".BASE.wgm-tmp-XXXXXX"); call it only while holding the lock of path. */
void atomic_remove_stale(const char *path);

/* Splits path into its folder ("." when none) and base name. Allocates both. */
int path_split(const char *path, char **dir, char **base);

/* Takes the exclusive lock (flock) of the database at path, on "DIR/.BASE.lock"
 * beside it, waiting for it: after a second it says on stderr that it waits,
 * naming the database `name` and the process that holds the lock. The lock
 * file must be a regular file; one that root creates (or left) beside another
 * user's database is given to that user. Returns the locked descriptor (close
 * it to unlock), or -1 after a message "NAME: cannot lock the database: ...". */
int lock_beside(const char *path, const char *name);

/* Opens the lock file name in the folder dir (AT_FDCWD: name is a path),
 * creating it 0600, without following a link and without blocking on a FIFO.
 * A lock that root made (or left) under this one name is given to the owner
 * and group of *owner when they differ (NULL: to nobody). Returns the
 * descriptor, not yet locked; or -1 with errno set, and *kind the file type
 * when what is there is not a regular file (else 0). */
int lock_open_at(int dir, const char *name, const struct stat *owner, mode_t *kind);

/* flock(fd, LOCK_EX), saying on stderr once it has waited a second
 * "NAME: waiting for process PID (COMMAND), which holds the lock LOCK" (the
 * holder from /proc/locks), then waiting on. For any lock file of the tool.
 * 0 or -1, errno set. */
int lock_wait(int fd, const char *name, const char *lock);

/* Creates a folder and its missing parents with mode 0700. 0 or -1, errno set. */
int mkdir_parents(const char *path);

#endif
