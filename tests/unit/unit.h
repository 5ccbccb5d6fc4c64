/* Helpers shared by the unit tests: fixtures, temporary folders, captured
 * stderr. Header-only (static inline), since every test_*.c is its own binary.
 * Include after <cmocka.h>. */
#ifndef WGM_UNIT_H
#define WGM_UNIT_H

#include "store/db.h"
#include "lib/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEED4 "tests/unit/data/seed4/"

/* Reads a whole file; fails the test when it cannot. Free with free(). */
static inline char *slurp(const char *path, size_t *len)
{
	char *text;
	size_t n;

	if (read_file(path, 1 << 24, &text, &n) != 0)
		fail_msg("cannot read %s", path);
	if (len)
		*len = n;
	return text;
}

static inline void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A new folder under /tmp. Free with tmpdir_remove. */
static inline char *tmpdir_make(void)
{
	char *dir = strdup("/tmp/wgm-unit.XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static inline int unit_rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static inline void tmpdir_remove(char *dir)
{
	if (dir)
		nftw(dir, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* "DIR/NAME", allocated. */
static inline char *path_join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);

	assert_non_null(p);
	snprintf(p, len, "%s/%s", dir, name);
	return p;
}

/* Number of entries in a folder (without "." and ".."); names starting with
 * prefix, when not NULL. */
static inline size_t dir_count(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    (!prefix || !strncmp(e->d_name, prefix, strlen(prefix))))
			n++;
	closedir(d);
	return n;
}

/* Redirects stderr to a file until capture_end, which returns what was
 * written (free with free()). Call capture_end before asserting anything. */
struct capture {
	int saved_fd;
	char path[32];
};

static inline void capture_start(struct capture *c)
{
	int fd;

	snprintf(c->path, sizeof(c->path), "/tmp/wgm-stderr.XXXXXX");
	fd = mkstemp(c->path);
	assert_true(fd >= 0);
	fflush(stderr);
	c->saved_fd = dup(STDERR_FILENO);
	assert_true(c->saved_fd >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	close(fd);
}

static inline char *capture_end(struct capture *c)
{
	char *text;

	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	text = slurp(c->path, NULL);
	unlink(c->path);
	return text;
}

/* A database parsed from CSV text (named "test.csv") that must be valid.
 * Free with db_close. */
static inline void db_load_text(struct db *db, const char *text)
{
	memset(db, 0, sizeof(*db));
	db->path = "test.csv";
	db->lock_fd = -1;
	if (db_parse(db, "test.csv", text, strlen(text)) != 0)
		fail_msg("db_parse refused:\n%s", text);
}

#endif
