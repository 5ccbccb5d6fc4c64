/* A table drawn with box characters for the terminal, or the same cells as
 * "Header: value" lines. Cells wrap between words so that no value is ever
 * cut and no key or address is split; a table that cannot fit is printed as
 * text. Every width is computed by one decoder, linear in the text: a
 * character that must not reach the terminal raw (a byte that is not UTF-8,
 * a control or bidi character, see char_is_hidden) is printed as its escape
 * (\x80, \u202e) and counted as such. */
#ifndef WGM_TABLE_H
#define WGM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct table {
	size_t cols, rows;
	const char **headers;	/* cols */
	const char **colors;	/* cols or NULL: ANSI SGR codes ("36") or NULL */
	const bool *split;	/* cols or NULL: free text, whose word longer than the
				 * column may be cut; elsewhere words are whole */
	const char **cells;	/* rows * cols, row-major; NULL prints as empty */
};

/* Draws the table so that each line fits in width columns (0: no limit).
 * When even its narrowest layout (every whole word on a line of its own) is
 * wider, prints table_print_text instead. Colours only when color is true.
 * 0, or -1 when out of memory. */
int table_print(FILE *f, const struct table *t, size_t width, bool color);

/* Every row as "Header: value" lines, a blank line between rows. With a width,
 * a value that does not fit beside its header goes under it, indented by two
 * and wrapped between words (a word wider than the line stays whole). */
int table_print_text(FILE *f, const struct table *t, size_t width);

/* Display width of text as printed here: one column per character, two for
 * East Asian wide ones, none for combining marks, the escape's for the rest. */
size_t table_text_width(const char *s);

/* The width to fit a table to: the terminal's when standard output is one,
 * else $COLUMNS, else 0 (no limit). */
size_t table_screen_width(void);

#endif
