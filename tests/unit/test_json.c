/* json.c: JSON strings as RFC 8259 wants them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/json.h"
#include "unit.h"

/* s (len bytes) as a JSON string; the expected text, or NULL for an error. */
static void check_len(const char *s, size_t len, const char *want)
{
	struct buf b = BUF_INIT;
	int rc;

	assert_int_equal(buf_puts(&b, "x"), 0);
	rc = json_string_len(&b, s, len);
	if (!want) {
		assert_int_equal(rc, JSON_EUTF8);
		/* Nothing of it is left. */
		assert_int_equal(b.len, 1);
		assert_string_equal(b.data, "x");
	} else {
		assert_int_equal(rc, 0);
		assert_string_equal(b.data + 1, want);
	}
	buf_free(&b);
}

static void check(const char *s, const char *want)
{
	check_len(s, strlen(s), want);
}

static void test_plain(void **state)
{
	(void)state;
	check("", "\"\"");
	check("tokyo1", "\"tokyo1\"");
	check("10.0.0.1/24, fd00::1/64", "\"10.0.0.1/24, fd00::1/64\"");
	check("a/b", "\"a/b\"");
}

static void test_quote_and_backslash(void **state)
{
	(void)state;
	check("say \"hi\"", "\"say \\\"hi\\\"\"");
	check("C:\\wg", "\"C:\\\\wg\"");
	check("\\\"", "\"\\\\\\\"\"");
}

static void test_control_characters(void **state)
{
	(void)state;
	check("a\nb", "\"a\\nb\"");
	check("\t\r\b\f", "\"\\t\\r\\b\\f\"");
	check("\x01\x1f", "\"\\u0001\\u001f\"");
	check("\x1b[31m", "\"\\u001b[31m\"");
	check("del\x7f", "\"del\\u007f\"");
	/* C1 controls, U+0085 (NEL) and U+009B (CSI), in their UTF-8 form. */
	check("\xc2\x85\xc2\x9b", "\"\\u0085\\u009b\"");
	/* A NUL inside the bytes is a control character too. */
	check_len("a\0b", 3, "\"a\\u0000b\"");
	/* JavaScript's line separators. */
	check("\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"");
}

static void test_every_c0_escaped(void **state)
{
	(void)state;
	for (int c = 1; c < 0x20; c++) {
		char s[2] = { (char)c, 0 };
		struct buf b = BUF_INIT;
		assert_int_equal(json_string(&b, s), 0);
		assert_int_equal(b.data[1], '\\');
		for (size_t i = 0; i < b.len; i++)
			assert_true((unsigned char)b.data[i] >= 0x20);
		buf_free(&b);
	}
}

static void test_utf8_passes(void **state)
{
	(void)state;
	check("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	check("\xe6\x9d\xb1\xe4\xba\xac", "\"\xe6\x9d\xb1\xe4\xba\xac\"");
	check("\xf0\x9f\x94\x91 key", "\"\xf0\x9f\x94\x91 key\"");
	/* U+00A0 is past the C1 range: raw. */
	check("\xc2\xa0", "\"\xc2\xa0\"");
	/* Bidi controls are valid text for JSON (showpeers escapes them on a terminal). */
	check("\xe2\x80\xae", "\"\xe2\x80\xae\"");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	check("5\xb0" "C", NULL);		/* Latin-1 */
	check("\xc0\xaf", NULL);		/* overlong '/' */
	check("\xed\xa0\x80", NULL);		/* a UTF-16 surrogate */
	check("\xf4\x90\x80\x80", NULL);	/* past U+10FFFF */
	check("ab\xe6\x9d", NULL);		/* cut short at the end */
	check_len("\xe6\x9d\xb1", 2, NULL);	/* cut by the length */
	check("\xff", NULL);
}

static void test_member(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(json_member_string(&b, "name", "a\"b"), 0);
	assert_int_equal(buf_puts(&b, ", "), 0);
	assert_int_equal(json_member_string(&b, "endpoint", NULL), 0);
	assert_string_equal(b.data, "\"name\": \"a\\\"b\", \"endpoint\": null");
	buf_free(&b);
}

/* Text that is not UTF-8 goes as a terminal would show it, escaped. */
static void test_text_not_utf8_goes_quoted(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(json_text(&b, "Z\xfcrich"), 0);
	assert_string_equal(b.data, "\"\\\"Z\\\\xfcrich\\\"\"");
	buf_reset(&b);
	assert_int_equal(json_text(&b, "caf\xc3\xa9"), 0);
	assert_string_equal(b.data, "\"caf\xc3\xa9\"");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quote_and_backslash),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_every_c0_escaped),
		cmocka_unit_test(test_utf8_passes),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_member),
		cmocka_unit_test(test_text_not_utf8_goes_quoted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
