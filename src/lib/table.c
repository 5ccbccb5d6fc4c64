#include "lib/table.h"

#include "lib/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Narrowest a free-text column is squeezed to (its long words are cut). */
#define MIN_SPLIT_COL 8

/* One character as printed: its bytes in the text, what is written, its width. */
struct glyph {
	size_t len;		/* bytes of the text */
	const char *out;	/* what is written: the text itself or esc */
	size_t out_len, width;
	char esc[12];
};

static bool is_wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	       (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	       (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	       (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	       (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	       (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd);
}

static bool is_combining(uint32_t c)
{
	return (c >= 0x0300 && c <= 0x036f) || (c >= 0x1ab0 && c <= 0x1aff) ||
	       (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
	       (c >= 0xfe20 && c <= 0xfe2f);
}

/* The character at s (not its NUL). A byte that is not UTF-8 is one glyph of
 * its own, so that every step moves on: a width of 0 never stalls a loop. */
static void glyph_at(const char *s, struct glyph *g)
{
	uint32_t cp = 0;
	size_t n = utf8_decode(s, &cp);

	g->len = n ? n : 1;
	g->out = s;
	g->out_len = g->len;
	if (!n || char_is_hidden(cp)) {
		int e = !n || cp < 0x80 ? snprintf(g->esc, sizeof(g->esc), "\\x%02x",
						   n ? (unsigned)cp : (unsigned char)*s)
					: snprintf(g->esc, sizeof(g->esc), "\\u%04x", (unsigned)cp);
		g->out = g->esc;
		g->out_len = g->width = (size_t)e;
	} else {
		g->width = is_combining(cp) ? 0 : is_wide(cp) ? 2 : 1;
	}
}

size_t table_text_width(const char *s)
{
	size_t w = 0;
	struct glyph g;

	for (size_t i = 0; s[i]; i += g.len) {
		glyph_at(s + i, &g);
		w += g.width;
	}
	return w;
}

/* Where a line may end before s[i]: at a space, after a comma, and in a
 * header ("camel") between a lower-case and an upper-case letter
 * (List|enPort no, Listen|Port yes). */
static bool break_before(const char *s, size_t i, bool camel)
{
	if (i == 0)
		return false;
	return s[i] == ' ' || s[i - 1] == ',' ||
	       (camel && s[i - 1] >= 'a' && s[i - 1] <= 'z' && s[i] >= 'A' && s[i] <= 'Z');
}

/* The widest word of s: what a column must hold for s to wrap between words. */
static size_t widest_word(const char *s, bool camel)
{
	size_t best = 0, cur = 0;
	struct glyph g;

	for (size_t i = 0; s[i]; i += g.len) {
		glyph_at(s + i, &g);
		if (break_before(s, i, camel))
			cur = 0;
		if (s[i] != ' ')
			cur += g.width;
		if (cur > best)
			best = cur;
	}
	return best;
}

/* The next line of s in width columns: its length in bytes, its width in
 * *cols. Greedy, between words; a word wider than the line is cut when split,
 * else kept whole (the line is then wider). Takes at least one character.
 * Each byte is read at most twice over all the lines of s: linear. */
static size_t next_line(const char *s, size_t width, bool split, bool camel, size_t *cols)
{
	size_t i = 0, w = 0, brk = 0, brk_w = 0;
	struct glyph g;

	while (s[i]) {
		glyph_at(s + i, &g);
		if (break_before(s, i, camel))
			brk = i, brk_w = w;
		if (w + g.width > width && i > 0)
			break;
		w += g.width;
		i += g.len;
	}
	if (!s[i]) {
		*cols = w;
		return i;
	}
	if (brk) {
		*cols = brk_w;
		return brk;
	}
	if (split) {
		*cols = w;
		return i;
	}
	/* One word wider than the line: all of it. */
	while (s[i] && !break_before(s, i, camel)) {
		glyph_at(s + i, &g);
		w += g.width;
		i += g.len;
	}
	*cols = w;
	return i;
}

/* The spaces a line break swallows. */
static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

static void put_text(FILE *f, const char *s, size_t len)
{
	struct glyph g;

	for (size_t i = 0; i < len; i += g.len) {
		glyph_at(s + i, &g);
		fwrite(g.out, 1, g.out_len, f);
	}
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

/* Prints one row of cells, over as many lines as its longest cell needs;
 * rest[] (cols) is the caller's scratch space. */
static void print_row(FILE *f, const struct table *t, const char **cells, const char **rest,
		      const size_t *w, bool color, bool header)
{
	bool more;

	for (size_t c = 0; c < t->cols; c++)
		rest[c] = cells[c] ? cells[c] : "";
	do {
		more = false;
		fputs(header ? "┃" : "│", f);
		for (size_t c = 0; c < t->cols; c++) {
			size_t cols = 0, len = *rest[c] ? next_line(rest[c], w[c],
						t->split && t->split[c], header, &cols) : 0;
			const char *code = header ? "1" : t->colors ? t->colors[c] : NULL;
			fputc(' ', f);
			if (color && code && len)
				fprintf(f, "\033[%sm", code);
			put_text(f, rest[c], len);
			if (color && code && len)
				fputs("\033[0m", f);
			fprintf(f, "%*s %s", (int)(w[c] > cols ? w[c] - cols : 0), "",
				header ? "┃" : "│");
			rest[c] = skip_spaces(rest[c] + len);
			more |= *rest[c] != '\0';
		}
		fputc('\n', f);
	} while (more);
}

/* Width of column c: its widest text (*full) and the narrowest it can be
 * without cutting a word (*least). */
static void column_widths(const struct table *t, size_t c, size_t *full, size_t *least)
{
	bool split = t->split && t->split[c];
	size_t longest = 0;

	*full = table_text_width(t->headers[c]);
	*least = widest_word(t->headers[c], true);
	for (size_t r = 0; r < t->rows; r++) {
		const char *s = t->cells[r * t->cols + c];
		size_t n;
		if (!s)
			continue;
		if ((n = table_text_width(s)) > *full)
			*full = n;
		if ((n = widest_word(s, false)) > longest)
			longest = n;
	}
	if (split && longest > MIN_SPLIT_COL)
		longest = MIN_SPLIT_COL;
	if (longest > *least)
		*least = longest;
	if (*least == 0)
		*least = 1;
	if (*full < *least)
		*full = *least;
}

/* Column widths that fit in budget: each column at its full width, or capped
 * at one common limit (but never under its least), the columns at the cap
 * taking what is left, from the left. False when even the least do not fit. */
static bool fit(size_t cols, const size_t *full, const size_t *least, size_t budget, size_t *w)
{
	size_t lo = 0, hi = 0, sum = 0;

	for (size_t c = 0; c < cols; c++) {
		sum += least[c];
		if (full[c] > hi)
			hi = full[c];
	}
	if (sum > budget)
		return false;
	/* The largest cap whose total fits: binary search, the total grows with it. */
	while (lo < hi) {
		size_t cap = lo + (hi - lo + 1) / 2, total = 0;
		for (size_t c = 0; c < cols; c++)
			total += full[c] < cap ? full[c] : cap > least[c] ? cap : least[c];
		if (total <= budget)
			lo = cap;
		else
			hi = cap - 1;
	}
	sum = 0;
	for (size_t c = 0; c < cols; c++) {
		w[c] = full[c] < lo ? full[c] : lo > least[c] ? lo : least[c];
		sum += w[c];
	}
	for (size_t c = 0; c < cols && sum < budget; c++)
		if (w[c] < full[c])
			w[c]++, sum++;
	return true;
}

int table_print(FILE *f, const struct table *t, size_t width, bool color)
{
	size_t *w = calloc(t->cols + 1, sizeof(*w)), *full = calloc(t->cols + 1, sizeof(*full));
	size_t *least = calloc(t->cols + 1, sizeof(*least));
	const char **rest = calloc(t->cols + 1, sizeof(*rest));
	size_t frame = 1 + 3 * t->cols;	/* a bar, then per column two spaces and a bar */
	int ret = -1;

	if (!w || !full || !least || !rest || t->cols == 0)
		goto out;
	for (size_t c = 0; c < t->cols; c++)
		column_widths(t, c, &full[c], &least[c]);
	if (!width) {
		memcpy(w, full, t->cols * sizeof(*w));
	} else if (width <= frame || !fit(t->cols, full, least, width - frame, w)) {
		ret = table_print_text(f, t, width);
		goto out;
	}
	rule(f, w, t->cols, "┏", "━", "┳", "┓");
	print_row(f, t, t->headers, rest, w, color, true);
	rule(f, w, t->cols, "┡", "━", "╇", "┩");
	for (size_t r = 0; r < t->rows; r++) {
		if (r)
			rule(f, w, t->cols, "├", "─", "┼", "┤");
		print_row(f, t, t->cells + r * t->cols, rest, w, color, false);
	}
	rule(f, w, t->cols, "└", "─", "┴", "┘");
	ret = 0;
out:
	free(rest);
	free(least);
	free(full);
	free(w);
	return ret;
}

/* One "Header: value" line, or the header and the value under it. */
static void print_field(FILE *f, const char *header, const char *value, bool split,
			size_t width)
{
	size_t hw = table_text_width(header), cols;

	put_text(f, header, strlen(header));
	if (!width || hw + 2 + table_text_width(value) <= width || width <= 2) {
		fputs(": ", f);
		put_text(f, value, strlen(value));
		fputc('\n', f);
		return;
	}
	fputs(":\n", f);
	for (const char *rest = value; *rest;) {
		size_t len = next_line(rest, width - 2, split, false, &cols);
		fputs("  ", f);
		put_text(f, rest, len);
		fputc('\n', f);
		rest = skip_spaces(rest + len);
	}
}

int table_print_text(FILE *f, const struct table *t, size_t width)
{
	for (size_t r = 0; r < t->rows; r++) {
		if (r)
			fputc('\n', f);
		for (size_t c = 0; c < t->cols; c++) {
			const char *v = t->cells[r * t->cols + c];
			print_field(f, t->headers[c], v ? v : "", t->split && t->split[c], width);
		}
	}
	return 0;
}

size_t table_screen_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	if (env && atoi(env) > 0)
		return (size_t)atoi(env);
	return 0;
}
