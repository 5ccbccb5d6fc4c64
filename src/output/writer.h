/* The output writer: puts the files of every format into the output folder,
 * all or nothing. A format renders files to memory (struct out_file); the writer
 * names no format and knows no file extension. */
#ifndef WGM_WRITER_H
#define WGM_WRITER_H

#include "lib/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct out_file {
	char *path;		/* relative to the output folder: "tokyo1.conf",
				 * "tokyo1/wg0.netdev", "mesh.json"; allocated */
	struct buf data;
	mode_t mode;		/* 0600 unless its consumer needs another */
	const char *group;	/* NULL, or the group that must be able to read it
				 * ("systemd-network"): given when it exists and we may */
	size_t secret_end;	/* data[0, secret_end) may hold keys: wiped after use */
};

struct out_files {
	struct out_file *v;
	size_t count, cap;
};

#define OUT_FILES_INIT { NULL, 0, 0 }

/* Appends a file named by the printf-style path (mode 0600, no group, no
 * secret); returns it, or NULL when out of memory. */
struct out_file *out_files_add(struct out_files *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Wipes the secret part of every file and empties the list, keeping memory. */
void out_files_reset(struct out_files *f);
/* Wipes and frees everything. */
void out_files_release(struct out_files *f);

/* Renders the files of item `item` (a node, or 0 for a whole-mesh format) into
 * out. Called from several threads at once: it may only read shared state.
 * 0, or -1 with a message in err (errlen bytes). */
typedef int writer_render_fn(void *ctx, size_t item, struct out_files *out, char *err,
			     size_t errlen);

struct writer_opts {
	const char *cmd;	/* the command, for messages ("genconfig") */
	const char *output;	/* the folder, already created */
	const char *file;	/* or NULL; else the one file the items render goes
				 * to this path instead ("-": standard output) */
	size_t from, to;	/* render is called for items [from, to) */
	bool partial;		/* not every item of the mesh (genconfig NAME): the
				 * manifest is merged and stale files are not reported */
	bool durable;		/* flush the files before they replace the old ones */
	const char *const *protect;	/* NULL-terminated: files that no output may
				 * replace, nor anything they point to (the database,
				 * its preshared-key store, its lock) */
	const char *db_path;	/* for the stale-file message */
};

/* Renders every item (on every core), writes each file to a temporary file
 * beside its target, and only when every one is written (and none would
 * replace a protected file, a non-regular file, or go through a symbolic link)
 * puts them all in place; when one cannot be put in place, those already
 * replaced get their old content back. Files whose content, mode and owner are
 * already right are left untouched. The folder is locked meanwhile, and the
 * temporary files of killed runs are removed. Keeps a manifest of what it wrote
 * in the folder and warns about files of an earlier run that no item wrote this
 * time (never deleting them). Returns the number of files replaced, or -1 with
 * one message naming the file; then no file was changed. */
long writer_run(const struct writer_opts *o, writer_render_fn *render, void *ctx);

#endif
