/* table.c: widths from one decoder, wrapping between words in linear time,
 * the text style when the table cannot fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/table.h"
#include "unit.h"

#include <time.h>

/* What table_print (or table_print_text when text) writes, allocated. */
static char *render(const struct table *t, size_t width, bool text)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(text ? table_print_text(f, t, width) : table_print(f, t, width, false), 0);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* The widest line of text, in display columns. */
static size_t widest(const char *text)
{
	size_t best = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);
		size_t w = table_text_width(line);
		free(line);
		if (w > best)
			best = w;
		p += len + (nl != NULL);
	}
	return best;
}

static void test_width_counts_escapes_wide_and_combining_characters(void **state)
{
	(void)state;
	assert_int_equal(table_text_width("abc"), 3);
	assert_int_equal(table_text_width("Zürich"), 6);
	assert_int_equal(table_text_width("東京"), 4);
	assert_int_equal(table_text_width("e\xcc\x81"), 1);	/* e + U+0301 */
	assert_int_equal(table_text_width("\x80"), 4);		/* printed \x80 */
	assert_int_equal(table_text_width("a\xb0" "b"), 6);
	assert_int_equal(table_text_width("\xe2\x80\xae"), 6);	/* printed \u202e */
	assert_int_equal(table_text_width("\xc2\x9b"), 6);	/* printed \u009b */
	assert_int_equal(table_text_width("\xe2\x80"), 8);	/* a cut sequence: two bytes */
}

/* A title or a value made only of bytes that are not UTF-8 (the old width
 * was 0 and the wrapping loop never moved on). */
static void test_invalid_bytes_are_escaped_and_never_hang(void **state)
{
	const char *headers[] = { "Name", "\x80" };
	const char *cells[] = { "a\xb0", "" };
	struct table t = { 2, 1, headers, NULL, NULL, cells };
	char *out;

	(void)state;
	out = render(&t, 0, false);
	assert_non_null(strstr(out, "┃ \\x80 ┃"));
	assert_non_null(strstr(out, "│ a\\xb0 │"));
	/* Not raw (a box character holds 0x80 bytes: look beside the text). */
	assert_null(strstr(out, " \x80 "));
	assert_null(strstr(out, "a\xb0"));
	free(out);
	out = render(&t, 12, false);
	assert_true(widest(out) <= 12 || strstr(out, "Name: a\\xb0") != NULL);
	free(out);
}

static void test_cells_wrap_between_words_and_after_commas(void **state)
{
	const char *headers[] = { "Address" };
	const char *cells[] = { "10.0.0.1/24,fd00::1/64" };
	struct table t = { 1, 1, headers, NULL, NULL, cells };
	char *out;

	(void)state;
	out = render(&t, 16, false);
	assert_string_equal(out, "┏━━━━━━━━━━━━━━┓\n"
				 "┃ Address      ┃\n"
				 "┡━━━━━━━━━━━━━━┩\n"
				 "│ 10.0.0.1/24, │\n"
				 "│ fd00::1/64   │\n"
				 "└──────────────┘\n");
	free(out);
}

/* A header breaks between the words of its name, never inside one. */
static void test_headers_break_between_words_only(void **state)
{
	const char *headers[] = { "ListenPort", "PublicKey" };
	const char *cells[] = { "51820", "i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" };
	struct table t = { 2, 1, headers, NULL, NULL, cells };
	char *out;

	(void)state;
	out = render(&t, 57, false);
	assert_non_null(strstr(out, "┃ Listen ┃"));
	assert_non_null(strstr(out, "┃ Port   ┃"));
	assert_true(widest(out) <= 57);
	free(out);
}

/* A key cannot be cut: narrower than it, the text style, key whole. */
static void test_a_table_that_cannot_fit_is_printed_as_text(void **state)
{
	const char *headers[] = { "Name", "PublicKey" };
	const char *cells[] = { "tokyo1", "i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" };
	struct table t = { 2, 1, headers, NULL, NULL, cells };
	char *out;

	(void)state;
	out = render(&t, 40, false);
	assert_string_equal(out, "Name: tokyo1\n"
				 "PublicKey:\n"
				 "  i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=\n");
	free(out);
	out = render(&t, 60, true);
	assert_string_equal(out, "Name: tokyo1\n"
				 "PublicKey: i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=\n");
	free(out);
	/* 57 columns wide: at 57 the table, at 56 the text. */
	out = render(&t, 57, false);
	assert_int_equal(widest(out), 57);
	free(out);
	out = render(&t, 56, false);
	assert_non_null(strstr(out, "Name: tokyo1\n"));
	free(out);
}

/* Free text may be cut inside a word longer than its column. */
static void test_free_text_is_cut_where_a_word_is_too_long(void **state)
{
	const char *headers[] = { "Notes" };
	const char *cells[] = { "abcdefghijklmnop" };
	bool split[] = { true };
	struct table t = { 1, 1, headers, NULL, split, cells };
	char *out;

	(void)state;
	out = render(&t, 12, false);
	assert_non_null(strstr(out, "│ abcdefgh │\n│ ijklmnop │\n"));
	free(out);
}

/* Every column is kept, however many (the caller once stopped at 64). */
static void test_every_column_is_printed(void **state)
{
	enum { N = 150 };
	const char *headers[N], *cells[N];
	char names[N][8];
	struct table t = { N, 1, headers, NULL, NULL, cells };
	char *out;

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "X%d", i + 1);
		headers[i] = cells[i] = names[i];
	}
	out = render(&t, 0, true);
	assert_non_null(strstr(out, "\nX150: X150\n"));
	free(out);
	out = render(&t, 0, false);
	assert_non_null(strstr(out, "┃ X150 ┃"));
	free(out);
}

/* A 2 MB cell at 80 columns: it took 25 s for 1 MB (quadratic). */
static void test_wrapping_is_linear(void **state)
{
	size_t n = 2 << 20;
	char *big = malloc(n + 1);
	const char *headers[] = { "Name", "Notes" };
	const char *cells[] = { "a", big };
	bool split[] = { false, true };
	struct table t = { 2, 1, headers, NULL, split, cells };
	clock_t start;
	char *out;

	(void)state;
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 11 == 10 ? ' ' : 'x';
	big[n] = '\0';
	start = clock();
	out = render(&t, 80, false);
	assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 5.0);
	assert_true(widest(out) <= 80);
	free(out);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width_counts_escapes_wide_and_combining_characters),
		cmocka_unit_test(test_invalid_bytes_are_escaped_and_never_hang),
		cmocka_unit_test(test_cells_wrap_between_words_and_after_commas),
		cmocka_unit_test(test_headers_break_between_words_only),
		cmocka_unit_test(test_a_table_that_cannot_fit_is_printed_as_text),
		cmocka_unit_test(test_free_text_is_cut_where_a_word_is_too_long),
		cmocka_unit_test(test_every_column_is_printed),
		cmocka_unit_test(test_wrapping_is_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
