/* Messages on stderr, and small string helpers. */
#ifndef WGM_UTIL_H
#define WGM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern const char *prog_name;

/* "wg-meshconf: ..." on stderr. */
void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "wg-meshconf: warning: ..." on stderr. */
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies s into out (len bytes) as a double-quoted string with C escapes for
 * quotes, backslashes and everything that must not reach a terminal raw:
 * control characters (C0 and DEL as \xNN, C1 as \u0080-\u009f), the
 * invisible and bidirectional format characters of char_is_hidden (\u202e)
 * and bytes that are not UTF-8 (\x80). Truncated with "..." when long.
 * Returns out. */
const char *quoted(const char *s, char *out, size_t len);
#define QUOTED_LEN 96

/* quoted(s) whole, never truncated, allocated (free with free()); NULL when
 * out of memory. */
char *quoted_dup(const char *s);

/* s itself when plain_text(s), else quoted(s) in out: for names on a
 * terminal, where an escape sequence or a bidi override must not reach it. */
const char *printable(const char *s, char *out, size_t len);

/* The option that getopt_long has just refused, for a message: "-x" for a
 * short one (optopt), else the word as typed, through printable(). Long
 * options without a short form must have values from 0x100. */
const char *opt_refused(char **argv, char *out, size_t len);

/* s itself when plain_text(s), else s with the escapes of quoted() for what
 * must not reach a terminal, without quotes around it (quotes and backslashes
 * are left as they are): for a whole message that names things in it. */
const char *unhidden(const char *s, char *out, size_t len);

/* True when s is valid UTF-8 without a character of char_is_hidden: it can be
 * shown as it is. */
bool plain_text(const char *s);

/* Control characters (C0, DEL, C1) and the format characters that hide or
 * reorder text on a screen: U+061C, U+200B-U+200F, U+2028-U+202E,
 * U+2060-U+206F, U+FEFF, U+FFF9-U+FFFB. */
bool char_is_hidden(uint32_t cp);

/* Decodes the UTF-8 character at s (not at its NUL) into *cp: its length in
 * bytes, or 0 when s does not start with a valid one (a stray byte, an
 * overlong form, a surrogate). */
size_t utf8_decode(const char *s, uint32_t *cp);

/* Walks a comma-separated list: each call gives the next item (*item, *len),
 * without the white space around it, and false after the last one. Set *cursor to
 * the list first; an empty list gives one empty item. */
bool list_next(const char **cursor, const char **item, size_t *len);

struct buf;
/* Appends the items of a comma-separated list to out, joined by ", " (the way
 * wg-quick files and 2.5.1 write lists), with ", " before the first one too
 * unless *first; clears *first once it wrote an item. An empty list appends
 * nothing. 0 or -1 (out of memory). */
int list_join(struct buf *out, const char *list, bool *first);

/* Duplicates s, or aborts the program when out of memory is not an option:
 * returns NULL and the caller reports it. */
char *xstrdup(const char *s);

/* Reads a whole regular file (at most max bytes) into *out (NUL-terminated,
 * free with free()): regfile_read without its reason. Returns 0, -1 with errno
 * set (EISDIR, EINVAL: not a regular file), or -2 when larger than max. */
int read_file(const char *path, size_t max, char **out, size_t *len);

/* Writes all of len bytes to fd, looping over short writes. 0 or -1. */
int write_all(int fd, const void *data, size_t len);

#endif
