#include "output/manifest.h"

#include "lib/buf.h"
#include "lib/regfile.h"
#include "output/outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_HEADER "# wg-meshconf: the files its last genconfig wrote in this folder\n"
/* A manifest is a few bytes a file: this bounds a folder of a million files. */
#define MANIFEST_MAX (256u << 20)

int manifest_add(struct manifest *m, const char *path)
{
	if (m->count == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		char **grown = realloc(m->paths, ncap * sizeof(*grown));
		if (!grown)
			return -1;
		m->paths = grown;
		m->cap = ncap;
	}
	if (!(m->paths[m->count] = strdup(path)))
		return -1;
	m->count++;
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void manifest_sort(struct manifest *m)
{
	size_t out = 0;

	if (m->count)
		qsort(m->paths, m->count, sizeof(*m->paths), cmp_path);
	for (size_t i = 0; i < m->count; i++) {
		if (out && !strcmp(m->paths[out - 1], m->paths[i]))
			free(m->paths[i]);
		else
			m->paths[out++] = m->paths[i];
	}
	m->count = out;
}

bool manifest_has(const struct manifest *m, const char *path)
{
	return m->count && bsearch(&path, m->paths, m->count, sizeof(*m->paths), cmp_path);
}

static int parse(struct manifest *m, char *text)
{
	for (char *line = text, *next; *line; line = next) {
		next = strchr(line, '\n');
		if (!next)
			next = line + strlen(line);
		else
			*next++ = '\0';
		/* What is not a path we could have written is not ours to report. */
		if (line[0] != '#' && outdir_path_ok(line) && manifest_add(m, line) < 0)
			return -1;
	}
	manifest_sort(m);
	return 0;
}

int manifest_read(int top, struct manifest *m)
{
	int fd = openat(top, OUTDIR_MANIFEST, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *text = NULL, why[REGFILE_WHY_LEN];
	size_t len;
	int ret = -1;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0)
		goto out;
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > MANIFEST_MAX) {
		/* Not one we wrote: the folder is read as if it had none. */
		ret = 0;
		goto out;
	}
	if (regfile_read_fd(fd, MANIFEST_MAX, 0, &text, &len, why, sizeof(why)) < 0)
		goto out;
	if (parse(m, text) == 0) {
		m->found = true;
		ret = 0;
	}
out:
	free(text);
	close(fd);
	return ret;
}

char *manifest_render(const struct manifest *m, size_t *len)
{
	struct buf b = BUF_INIT;

	int failed = buf_puts(&b, MANIFEST_HEADER);

	for (size_t i = 0; i < m->count && !failed; i++)
		failed = buf_puts(&b, m->paths[i]) || buf_putc(&b, '\n');
	if (failed) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->count; i++)
		free(m->paths[i]);
	free(m->paths);
	*m = (struct manifest)MANIFEST_INIT;
}
