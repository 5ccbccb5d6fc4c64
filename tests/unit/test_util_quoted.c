/* util.c: quoted, printable and unhidden escape everything that must not reach
 * a terminal raw: C0 and C1 controls, bidi and invisible format characters,
 * bytes that are not UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/util.h"
#include "unit.h"

static void test_plain_text_passes_as_it_is(void **state)
{
	char q[QUOTED_LEN];
	const char *s = "Zürich 東京 tokyo1 \"x\"";

	(void)state;
	assert_true(plain_text(s));
	assert_ptr_equal(printable(s, q, sizeof(q)), s);
	assert_ptr_equal(unhidden(s, q, sizeof(q)), s);
}

static void test_c0_controls_are_escaped(void **state)
{
	char q[QUOTED_LEN];

	(void)state;
	assert_string_equal(printable("a\x1b[31m\nb\t\x7f", q, sizeof(q)),
			    "\"a\\x1b[31m\\nb\\t\\x7f\"");
}

static void test_c1_controls_are_escaped(void **state)
{
	char q[QUOTED_LEN];

	(void)state;
	assert_false(plain_text("\xc2\x9b" "31m"));
	assert_string_equal(printable("\xc2\x9b" "31m", q, sizeof(q)), "\"\\u009b31m\"");
	assert_string_equal(printable("x\xc2\x85y", q, sizeof(q)), "\"x\\u0085y\"");
	assert_string_equal(printable("\xc2\x80", q, sizeof(q)), "\"\\u0080\"");
	assert_string_equal(printable("\xc2\x9f", q, sizeof(q)), "\"\\u009f\"");
	/* U+00A0 is the first character past them: shown. */
	assert_true(plain_text("\xc2\xa0"));
}

static void test_bidi_and_format_characters_are_escaped(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "evil\xe2\x80\xaetxt", "\"evil\\u202etxt\"" },	/* RLO */
		{ "\xe2\x80\xaa", "\"\\u202a\"" },			/* LRE */
		{ "\xe2\x80\x8e", "\"\\u200e\"" },			/* LRM */
		{ "\xe2\x80\x8f", "\"\\u200f\"" },			/* RLM */
		{ "\xe2\x81\xa6x\xe2\x81\xa9", "\"\\u2066x\\u2069\"" },	/* LRI, PDI */
		{ "\xe2\x81\xa7\xe2\x81\xa8", "\"\\u2067\\u2068\"" },	/* RLI, FSI */
		{ "a\xe2\x80\x8b" "b", "\"a\\u200bb\"" },		/* zero width space */
		{ "\xd8\x9c", "\"\\u061c\"" },				/* Arabic letter mark */
		{ "\xef\xbb\xbfx", "\"\\ufeffx\"" },			/* BOM */
		{ "\xe2\x80\xa8", "\"\\u2028\"" },			/* line separator */
	};
	char q[QUOTED_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_false(plain_text(cases[i].in));
		assert_string_equal(printable(cases[i].in, q, sizeof(q)), cases[i].out);
	}
}

static void test_bytes_that_are_not_utf8_are_escaped(void **state)
{
	char q[QUOTED_LEN];

	(void)state;
	assert_string_equal(printable("csi\x9b" "31m", q, sizeof(q)), "\"csi\\x9b31m\"");
	assert_string_equal(printable("5\xb0" "C", q, sizeof(q)), "\"5\\xb0C\"");
	assert_string_equal(printable("\xc0\xaf", q, sizeof(q)), "\"\\xc0\\xaf\"");	/* overlong */
	assert_string_equal(printable("\xed\xa0\x80", q, sizeof(q)), "\"\\xed\\xa0\\x80\"");
	assert_string_equal(printable("\xe2\x80", q, sizeof(q)), "\"\\xe2\\x80\"");	/* cut */
	assert_string_equal(printable("\xf4\x90\x80\x80", q, sizeof(q)),
			    "\"\\xf4\\x90\\x80\\x80\"");				/* > U+10FFFF */
}

static void test_quoted_is_cut_with_dots_but_quoted_dup_never(void **state)
{
	char q[QUOTED_LEN], long_text[400];
	char *dup;

	(void)state;
	memset(long_text, 'a', sizeof(long_text) - 2);
	long_text[0] = '\x1b';
	long_text[sizeof(long_text) - 2] = '\xe2';
	long_text[sizeof(long_text) - 1] = '\0';
	assert_true(strlen(quoted(long_text, q, sizeof(q))) < sizeof(q));
	assert_non_null(strstr(q, "...\""));
	dup = quoted_dup(long_text);
	assert_non_null(dup);
	assert_int_equal(strlen(dup), 1 + 4 + 397 + 4 + 1);
	assert_non_null(strstr(dup, "aa\\xe2\""));
	free(dup);
}

static void test_unhidden_escapes_without_quotes(void **state)
{
	char m[128];

	(void)state;
	assert_string_equal(unhidden("peer \xe2\x80\xae" "x has \"y\"", m, sizeof(m)),
			    "peer \\u202ex has \"y\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_passes_as_it_is),
		cmocka_unit_test(test_c0_controls_are_escaped),
		cmocka_unit_test(test_c1_controls_are_escaped),
		cmocka_unit_test(test_bidi_and_format_characters_are_escaped),
		cmocka_unit_test(test_bytes_that_are_not_utf8_are_escaped),
		cmocka_unit_test(test_quoted_is_cut_with_dots_but_quoted_dup_never),
		cmocka_unit_test(test_unhidden_escapes_without_quotes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
