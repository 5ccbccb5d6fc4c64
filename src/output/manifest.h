/* The manifest: the list of the files the writer put in an output folder, kept
 * there (OUTDIR_MANIFEST) so that the next run can tell which files no peer or
 * format writes any more, for every format and with --interface. */
#ifndef WGM_MANIFEST_H
#define WGM_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

struct manifest {
	char **paths;		/* relative paths, sorted, unique; allocated */
	size_t count, cap;
	bool found;		/* read from the folder (else it had none) */
};

#define MANIFEST_INIT { NULL, 0, 0, false }

/* Reads the manifest of the folder top, if any (a missing one is empty, not an
 * error). 0, or -1 with errno set. */
int manifest_read(int top, struct manifest *m);
/* Adds a path (copied). 0 or -1 (out of memory). Call manifest_sort after. */
int manifest_add(struct manifest *m, const char *path);
/* Sorts and drops duplicates. */
void manifest_sort(struct manifest *m);
/* True when path is in the sorted manifest. */
bool manifest_has(const struct manifest *m, const char *path);
/* Renders the manifest as its file's content (allocated, *len bytes). */
char *manifest_render(const struct manifest *m, size_t *len);
void manifest_free(struct manifest *m);

#endif
