/* Many files replaced together, all or nothing: every new content is first in
 * a temporary file beside its target; then each is swapped with its target
 * (RENAME_EXCHANGE), so that the old content stays at the temporary name until
 * every swap has succeeded. When one fails, the swaps already made are swapped
 * back, so every target holds its old content again. Only then are the old
 * contents unlinked. */
#ifndef WGM_COMMIT_H
#define WGM_COMMIT_H

#include <stdbool.h>
#include <stddef.h>

struct staged {
	char *rel;		/* the target, relative to the top folder */
	char *tmp;		/* the temporary file's name, in the target's folder */
	bool existed;		/* the target existed when it was staged */
	bool swapped;		/* in place (the old content, if any, is at tmp) */
};

/* Puts every staged file in place, below the folder top. Returns 0, or -1 with
 * the failing target in *failed, errno set, and every target as it was (but
 * if undoing failed too: then *undo_failed is the first that could not be
 * restored). durable: the folders are flushed after the renames (the files
 * must have been flushed before). The temporary files are gone either way. */
int commit_all(int top, struct staged *v, size_t n, bool durable, const char **failed,
	       const char **undo_failed);

/* Unlinks the temporary files of files not committed, and frees them all. */
void commit_release(int top, struct staged *v, size_t n);

#endif
