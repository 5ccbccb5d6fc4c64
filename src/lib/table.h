/* A table drawn with box characters for the terminal, wrapping cells so that no
 * value is ever cut. */
#ifndef WGM_TABLE_H
#define WGM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_COLS 64

struct table {
	size_t cols, rows;
	const char **headers;	/* cols */
	const char **colors;	/* cols: ANSI SGR codes ("36") or NULL */
	const char **cells;	/* rows * cols, row-major; NULL prints as empty */
};

/* Draws the table, wrapping cells so that each line fits in width columns
 * (0: no limit). Colours only when color is true. 0 or -1 (out of memory). */
int table_print(FILE *f, const struct table *t, size_t width, bool color);

/* Display width of UTF-8 text: one column per code point. */
size_t table_text_width(const char *s);

#endif
