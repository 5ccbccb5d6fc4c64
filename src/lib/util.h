/* Messages on stderr, and small string helpers. */
#ifndef WGM_UTIL_H
#define WGM_UTIL_H

#include <stdbool.h>
#include <stddef.h>

extern const char *prog_name;

/* "wg-meshconf: ..." on stderr. */
void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "wg-meshconf: warning: ..." on stderr. */
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies s into out (len bytes) as a double-quoted string with C escapes for
 * quotes, backslashes and control characters, truncated with "..." when long.
 * Returns out. */
const char *quoted(const char *s, char *out, size_t len);
#define QUOTED_LEN 96

/* s itself when it holds no control character, else quoted(s) in out: for
 * names on a terminal, where an escape sequence must not reach it raw. */
const char *printable(const char *s, char *out, size_t len);

/* Walks a comma-separated list: each call gives the next item (*item, *len),
 * without the white space around it, and false after the last one. Set *cursor to
 * the list first; an empty list gives one empty item. */
bool list_next(const char **cursor, const char **item, size_t *len);

/* Duplicates s, or aborts the program when out of memory is not an option:
 * returns NULL and the caller reports it. */
char *xstrdup(const char *s);

/* Reads a whole file (at most max bytes) into *out (NUL-terminated, free with
 * free()). Returns 0, -1 with errno set, or -2 when larger than max. */
int read_file(const char *path, size_t max, char **out, size_t *len);

/* Writes all of len bytes to fd, looping over short writes. 0 or -1. */
int write_all(int fd, const void *data, size_t len);

#endif
