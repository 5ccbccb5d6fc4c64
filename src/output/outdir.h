/* The output folder, reached without ever following a symbolic link below it:
 * its subfolders are opened one component at a time with O_NOFOLLOW, so a link
 * planted at OUT/NAME cannot send the files anywhere else. */
#ifndef WGM_OUTDIR_H
#define WGM_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>

/* The names the writer keeps in the folder for itself. */
#define OUTDIR_LOCK ".wg-meshconf.lock"
#define OUTDIR_MANIFEST ".wg-meshconf-manifest"
/* Temporary files are named as atomic_write's (lib/atomic.h). */
#define OUTDIR_TMP_MAX 300

/* True when rel is a path the writer may write below the folder: relative,
 * without empty, "." or ".." components, and not one of the names above. */
bool outdir_path_ok(const char *rel);

/* Opens the folder that holds rel (its components but the last), below top,
 * creating the missing ones 0700 when create. *base points into rel at the
 * last component. Returns a descriptor (top itself when rel has no folder),
 * or -1 with errno set (ELOOP when a
 * component is a symbolic link, ENOTDIR when it is not a folder) and the
 * length of the failing prefix of rel in *bad. */
int outdir_open_parent(int top, const char *rel, bool create, const char **base, size_t *bad);
/* Closes what outdir_open_parent gave (top itself, for a file at the top). */
void outdir_close_parent(int top, int dir);

/* Creates ".BASE.wgm-tmp-XXXXXX" in dir, 0600, exclusively, for writing; its
 * name goes into name (OUTDIR_TMP_MAX bytes). A descriptor, or -1, errno set. */
int outdir_tmpfile(int dir, const char *base, char *name);

/* Removes the temporary files that writers killed while writing left in top
 * and in its subfolders (not following links). Call it holding the folder's
 * lock. Returns how many it removed. */
size_t outdir_remove_stale(int top);

#endif
