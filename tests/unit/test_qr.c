/* qr.c and qrpng.c: the level chosen, the size limit, the drawings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/qr.h"
#include "unit.h"

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_small_text_gets_level_h(void **state)
{
	struct qr q;

	(void)state;
	assert_int_equal(qr_encode(&q, "[Interface]\n", 12, 0), 0);
	assert_int_equal(q.level, 'H');
	assert_int_equal(q.width, 25);
	qr_free(&q);
	assert_int_equal(qr_encode(&q, "x", 1, 0), 0);
	assert_int_equal(q.level, 'H');
	/* Version 1 is 21 modules wide; the finder patterns are dark corners. */
	assert_int_equal(q.width, 21);
	assert_int_equal(q.dark[0], 1);
	assert_int_equal(q.dark[20], 1);
	assert_int_equal(q.dark[20 * 21], 1);
	assert_int_equal(q.dark[20 * 21 + 20], 0);
	qr_free(&q);
	assert_null(q.dark);
	qr_free(&q);
}

static void test_level_falls_to_what_fits(void **state)
{
	struct qr q;
	/* Version 40 holds 1273 bytes at H, 1663 at Q, 2331 at M, 2953 at L. */
	static const struct {
		size_t len;
		char level;
	} cases[] = { { 1273, 'H' }, { 1274, 'Q' }, { 1663, 'Q' }, { 1664, 'M' },
		      { 2331, 'M' }, { 2332, 'L' }, { QR_MAX_BYTES, 'L' }, { 2000, 'M' } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = repeat('a', cases[i].len);
		assert_int_equal(qr_encode(&q, s, cases[i].len, 0), 0);
		assert_int_equal(q.level, cases[i].level);
		/* Each limit needs the largest code, version 40. */
		if (i % 2 == 0)
			assert_int_equal(q.width, 177);
		qr_free(&q);
		free(s);
	}
}

static void test_max_width_lowers_the_level(void **state)
{
	struct qr q;
	char *s = repeat('a', 300);

	(void)state;
	/* 300 bytes: 89 modules at H, 81 at Q, 69 at M, 61 at L. */
	assert_int_equal(qr_encode(&q, s, 300, 0), 0);
	assert_int_equal(q.level, 'H');
	assert_int_equal(q.width, 89);
	qr_free(&q);
	assert_int_equal(qr_encode(&q, s, 300, 89), 0);
	assert_int_equal(q.level, 'H');
	qr_free(&q);
	assert_int_equal(qr_encode(&q, s, 300, 70), 0);
	assert_int_equal(q.level, 'M');
	assert_int_equal(q.width, 69);
	qr_free(&q);
	/* Nothing that small: the smallest code, at L. */
	assert_int_equal(qr_encode(&q, s, 300, 21), 0);
	assert_int_equal(q.level, 'L');
	assert_int_equal(q.width, 61);
	qr_free(&q);
	free(s);
}

static void test_too_big(void **state)
{
	struct qr q;
	char *s = repeat('a', QR_MAX_BYTES + 1);

	(void)state;
	assert_int_equal(qr_encode(&q, s, QR_MAX_BYTES + 1, 0), QR_ETOOBIG);
	assert_null(q.dark);
	qr_free(&q);
	free(s);
	/* UTF-8 costs the ECI header: the last bytes no longer fit. */
	s = repeat('a', QR_MAX_BYTES);
	memcpy(s, "\xc3\xa9", 2);
	assert_int_equal(qr_encode(&q, s, QR_MAX_BYTES, 0), QR_ETOOBIG);
	free(s);
}

static void test_draw_utf8(void **state)
{
	struct qr q;
	struct buf b = BUF_INIT;
	size_t lines = 0;

	(void)state;
	assert_int_equal(qr_encode(&q, "x", 1, 0), 0);
	assert_int_equal(qr_draw_utf8(&q, QR_MARGIN_TERMINAL, &b), 0);
	/* 21 + 2 * 2 = 25 rows of modules, two per line: 13 lines. */
	for (size_t i = 0; i < b.len; i++)
		lines += b.data[i] == '\n';
	assert_int_equal(lines, 13);
	/* The quiet zone is light: a full line of blocks (25 of 3 bytes). */
	for (size_t i = 0; i < 25; i++)
		assert_memory_equal(b.data + 3 * i, "\u2588", 3);
	assert_int_equal(b.data[75], '\n');
	/* The next line holds code rows 0 and 1: two light margin modules, then
	 * the finder pattern: dark in both rows at its edges (a space), dark
	 * above and light below in between (a lower half block). */
	assert_memory_equal(b.data + 76, "\u2588\u2588 \u2584\u2584\u2584\u2584\u2584 ", 23);
	qr_free(&q);
	buf_free(&b);
}

static void test_png(void **state)
{
	struct qr q;
	struct buf b = BUF_INIT;
	const unsigned char *p;

	(void)state;
	assert_int_equal(qr_encode(&q, "x", 1, 0), 0);
	assert_int_equal(qr_png(&q, 6, QR_MARGIN, &b), 0);
	p = (const unsigned char *)b.data;
	assert_true(b.len > 33);
	assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
	assert_memory_equal(p + 12, "IHDR", 4);
	/* (21 + 8) * 6 = 174 pixels a side, 1-bit grayscale. */
	assert_int_equal(p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19], 174);
	assert_int_equal(p[20] << 24 | p[21] << 16 | p[22] << 8 | p[23], 174);
	assert_int_equal(p[24], 1);
	assert_int_equal(p[25], 0);
	assert_memory_equal(b.data + b.len - 8, "IEND\xae\x42\x60\x82", 8);
	qr_free(&q);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_text_gets_level_h),
		cmocka_unit_test(test_level_falls_to_what_fits),
		cmocka_unit_test(test_max_width_lowers_the_level),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_draw_utf8),
		cmocka_unit_test(test_png),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
