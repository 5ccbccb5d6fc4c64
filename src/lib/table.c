#include "lib/table.h"

#include <stdlib.h>
#include <string.h>

/* Narrowest a column is squeezed to before the table is left wider than the screen. */
#define MIN_COL 8

size_t table_text_width(const char *s)
{
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		w += (*p & 0xc0) != 0x80;
	return w;
}

/* Byte length of the longest prefix of s that is at most width columns,
 * preferring to break after a comma or a space. */
static size_t wrap_at(const char *s, size_t width)
{
	size_t cols = 0, i = 0, last_break = 0;

	while (s[i]) {
		size_t len = 1;
		while ((s[i + len] & 0xc0) == 0x80)
			len++;
		if (cols == width)
			break;
		cols++;
		i += len;
		if (s[i - 1] == ',' || s[i - 1] == ' ')
			last_break = i;
	}
	if (!s[i] || !last_break)
		return i;
	return last_break;
}

static size_t lines_needed(const char *s, size_t width)
{
	size_t n = 1;

	while (*s) {
		size_t len = wrap_at(s, width);
		s += len;
		if (*s)
			n++;
	}
	return n;
}

static void rule(FILE *f, const size_t *w, size_t cols, const char *left, const char *fill,
		 const char *mid, const char *right)
{
	fputs(left, f);
	for (size_t c = 0; c < cols; c++) {
		for (size_t i = 0; i < w[c] + 2; i++)
			fputs(fill, f);
		fputs(c + 1 < cols ? mid : right, f);
	}
	fputc('\n', f);
}

/* Prints one row of cells, over as many lines as its longest cell needs. */
static void print_row(FILE *f, const char **cells, const char **colors, const size_t *w,
		      size_t cols, const char *bar, bool color, bool bold)
{
	const char *rest[TABLE_MAX_COLS];
	size_t lines = 1;

	for (size_t c = 0; c < cols; c++) {
		rest[c] = cells[c] ? cells[c] : "";
		size_t n = lines_needed(rest[c], w[c]);
		if (n > lines)
			lines = n;
	}
	for (size_t l = 0; l < lines; l++) {
		fputs(bar, f);
		for (size_t c = 0; c < cols; c++) {
			size_t len = wrap_at(rest[c], w[c]);
			const char *code = bold ? "1" : colors ? colors[c] : NULL;
			size_t pad = w[c] - (table_text_width(rest[c]) -
					     table_text_width(rest[c] + len));
			fputc(' ', f);
			if (color && code && len)
				fprintf(f, "\033[%sm", code);
			fwrite(rest[c], 1, len, f);
			if (color && code && len)
				fputs("\033[0m", f);
			fprintf(f, "%*s %s", (int)pad, "", bar);
			rest[c] += len;
		}
		fputc('\n', f);
	}
}

int table_print(FILE *f, const struct table *t, size_t width, bool color)
{
	size_t *w, total;

	if (t->cols == 0 || t->cols > TABLE_MAX_COLS)
		return -1;
	if (!(w = calloc(t->cols, sizeof(*w))))
		return -1;
	for (size_t c = 0; c < t->cols; c++) {
		w[c] = table_text_width(t->headers[c]);
		for (size_t r = 0; r < t->rows; r++) {
			const char *s = t->cells[r * t->cols + c];
			size_t n = s ? table_text_width(s) : 0;
			if (n > w[c])
				w[c] = n;
		}
	}
	/* Each column adds two spaces of padding and one bar; the line one more bar. */
	total = 1;
	for (size_t c = 0; c < t->cols; c++)
		total += w[c] + 3;
	while (width && total > width) {
		size_t widest = 0;
		for (size_t c = 1; c < t->cols; c++)
			if (w[c] > w[widest])
				widest = c;
		if (w[widest] <= MIN_COL)
			break;
		w[widest]--;
		total--;
	}
	rule(f, w, t->cols, "┏", "━", "┳", "┓");
	print_row(f, t->headers, NULL, w, t->cols, "┃", color, true);
	rule(f, w, t->cols, "┡", "━", "╇", "┩");
	for (size_t r = 0; r < t->rows; r++) {
		if (r)
			rule(f, w, t->cols, "├", "─", "┼", "┤");
		print_row(f, t->cells + r * t->cols, t->colors, w, t->cols, "│", color, false);
	}
	rule(f, w, t->cols, "└", "─", "┴", "┘");
	free(w);
	return 0;
}
