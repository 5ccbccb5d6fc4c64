#include "output/writer.h"

#include "lib/keys.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out_file *out_files_add(struct out_files *f, const char *fmt, ...)
{
	struct out_file *file;
	va_list ap;
	char *path;
	int len;

	if (f->count == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 4;
		struct out_file *grown = realloc(f->v, ncap * sizeof(*grown));
		if (!grown)
			return NULL;
		/* Buffers moved by realloc keep their data pointers: nothing is copied. */
		memset(grown + f->cap, 0, (ncap - f->cap) * sizeof(*grown));
		f->v = grown;
		f->cap = ncap;
	}
	va_start(ap, fmt);
	len = vasprintf(&path, fmt, ap);
	va_end(ap);
	if (len < 0)
		return NULL;
	file = &f->v[f->count++];
	/* A slot reused after out_files_reset keeps its buffer's memory. */
	file->path = path;
	file->data.len = 0;
	file->mode = 0600;
	file->group = NULL;
	file->secret_end = 0;
	return file;
}

void out_files_reset(struct out_files *f)
{
	for (size_t i = 0; i < f->count; i++) {
		struct out_file *file = &f->v[i];
		/* Wipe what held keys, not the megabytes of public [Peer] sections. */
		if (file->data.data)
			key_wipe(file->data.data, file->secret_end);
		file->data.len = 0;
		free(file->path);
		file->path = NULL;
	}
	f->count = 0;
}

void out_files_release(struct out_files *f)
{
	out_files_reset(f);
	for (size_t i = 0; i < f->cap; i++)
		buf_free(&f->v[i].data);
	free(f->v);
	memset(f, 0, sizeof(*f));
}
