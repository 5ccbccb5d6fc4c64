/* csv.c: bytes <-> rows, as wg-meshconf 2.5.1 and spreadsheets write them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/csv.h"
#include "unit.h"

/* Parses a NUL-terminated text that must be valid. */
static void parse_ok(const char *text, struct csv_doc *doc)
{
	struct csv_error err;

	if (csv_parse(text, strlen(text), doc, &err) != 0)
		fail_msg("line %zu field %zu: %s", err.line, err.field, err.msg);
}

static void parse_bad(const char *text, size_t len, struct csv_error *err)
{
	struct csv_doc doc;

	assert_int_equal(csv_parse(text, len, &doc, err), -1);
	csv_doc_free(&doc);
}

static void test_round_trip_of_the_2_5_1_file_is_byte_identical(void **state)
{
	size_t len;
	char *text = slurp(SEED4 "database.csv", &len);
	struct buf out = BUF_INIT;
	struct csv_doc doc;

	(void)state;
	parse_ok(text, &doc);
	assert_int_equal(doc.count, 5);
	assert_int_equal(doc.sep, ',');
	assert_true(doc.crlf);
	assert_false(doc.bom);
	for (size_t r = 0; r < doc.count; r++) {
		assert_int_equal(doc.rows[r].count, 16);
		assert_int_equal(doc.rows[r].line, r + 1);
		assert_int_equal(csv_write_row(&out, (const char *const *)doc.rows[r].fields,
					       doc.rows[r].count, doc.sep, doc.crlf), 0);
	}
	assert_string_equal(doc.rows[1].fields[0], "tokyo1");
	assert_string_equal(doc.rows[1].fields[7], "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM=");
	assert_int_equal(out.len, len);
	assert_memory_equal(out.data, text, len);
	buf_free(&out);
	csv_doc_free(&doc);
	free(text);
}

static void test_write_row_quotes_every_field_and_doubles_quotes(void **state)
{
	const char *fields[] = { "plain", "", "say \"hi\"", "a,b", NULL };
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(csv_write_row(&out, fields, 5, ',', true), 0);
	assert_string_equal(out.data, "\"plain\",\"\",\"say \"\"hi\"\"\",\"a,b\",\"\"\r\n");
	buf_reset(&out);
	assert_int_equal(csv_write_row(&out, fields, 2, ';', false), 0);
	assert_string_equal(out.data, "\"plain\";\"\"\n");
	buf_free(&out);
}

static void test_bom_is_detected_and_not_part_of_the_first_field(void **state)
{
	struct csv_doc doc;

	(void)state;
	parse_ok("\xEF\xBB\xBFName,Address\r\na,b\r\n", &doc);
	assert_true(doc.bom);
	assert_string_equal(doc.rows[0].fields[0], "Name");
	csv_doc_free(&doc);
	parse_ok("Name,Address\r\n", &doc);
	assert_false(doc.bom);
	csv_doc_free(&doc);
}

static void test_lf_file_clears_crlf(void **state)
{
	struct csv_doc doc;

	(void)state;
	parse_ok("a,b\nc,d\n", &doc);
	assert_false(doc.crlf);
	assert_int_equal(doc.count, 2);
	assert_string_equal(doc.rows[0].fields[1], "b");
	assert_string_equal(doc.rows[1].fields[1], "d");
	csv_doc_free(&doc);
	parse_ok("a,b\r\nc,d\r\n", &doc);
	assert_true(doc.crlf);
	assert_string_equal(doc.rows[0].fields[1], "b");
	csv_doc_free(&doc);
}

static void test_unquoted_fields_are_read_as_is(void **state)
{
	struct csv_doc doc;

	(void)state;
	parse_ok("Name,Address,Endpoint\r\ntokyo1,10.1.0.1/16,\r\n", &doc);
	assert_int_equal(doc.rows[1].count, 3);
	assert_string_equal(doc.rows[1].fields[0], "tokyo1");
	assert_string_equal(doc.rows[1].fields[1], "10.1.0.1/16");
	assert_string_equal(doc.rows[1].fields[2], "");
	csv_doc_free(&doc);
}

static void test_semicolon_separator_is_detected_from_the_first_line(void **state)
{
	struct csv_doc doc;

	(void)state;
	/* The commas inside quotes do not count. */
	parse_ok("\"Name\";\"Address,with,commas\";\"Endpoint\"\r\na,b;c;d\r\n", &doc);
	assert_int_equal(doc.sep, ';');
	assert_int_equal(doc.rows[0].count, 3);
	assert_string_equal(doc.rows[0].fields[1], "Address,with,commas");
	assert_string_equal(doc.rows[1].fields[0], "a,b");
	csv_doc_free(&doc);
	parse_ok("a;b,c,d\r\n", &doc);
	assert_int_equal(doc.sep, ',');
	assert_string_equal(doc.rows[0].fields[0], "a;b");
	csv_doc_free(&doc);
}

static void test_doubled_quotes_inside_a_field_are_one_quote(void **state)
{
	struct csv_doc doc;

	(void)state;
	parse_ok("\"echo \"\"hi\"\"\",\"\"\"\"\r\n", &doc);
	assert_string_equal(doc.rows[0].fields[0], "echo \"hi\"");
	assert_string_equal(doc.rows[0].fields[1], "\"");
	csv_doc_free(&doc);
}

static void test_newline_inside_quotes_keeps_later_line_numbers(void **state)
{
	struct csv_doc doc;

	(void)state;
	parse_ok("h1,h2\r\n\"two\r\nlines\",x\r\nnext,y\r\n\"a\nb\nc\",z\r\nlast,w\r\n", &doc);
	assert_int_equal(doc.count, 5);
	assert_string_equal(doc.rows[1].fields[0], "two\r\nlines");
	assert_int_equal(doc.rows[1].line, 2);
	assert_int_equal(doc.rows[2].line, 4);
	assert_string_equal(doc.rows[3].fields[0], "a\nb\nc");
	assert_int_equal(doc.rows[3].line, 5);
	assert_int_equal(doc.rows[4].line, 8);
	csv_doc_free(&doc);
}

static void test_blank_lines_are_skipped_but_counted(void **state)
{
	struct csv_doc doc;

	(void)state;
	parse_ok("a,b\r\n\r\nc,d\r\n\r\n\r\n", &doc);
	assert_int_equal(doc.count, 2);
	assert_int_equal(doc.rows[1].line, 3);
	assert_string_equal(doc.rows[1].fields[0], "c");
	csv_doc_free(&doc);
	parse_ok("a,b\n\n\n", &doc);
	assert_int_equal(doc.count, 1);
	csv_doc_free(&doc);
}

static void test_last_line_without_newline_is_a_row(void **state)
{
	struct csv_doc doc;

	(void)state;
	parse_ok("a,b\r\nc,d", &doc);
	assert_int_equal(doc.count, 2);
	assert_int_equal(doc.rows[1].count, 2);
	assert_string_equal(doc.rows[1].fields[1], "d");
	csv_doc_free(&doc);
	parse_ok("a,b\r\n\"c\",", &doc);
	assert_int_equal(doc.rows[1].count, 2);
	assert_string_equal(doc.rows[1].fields[0], "c");
	assert_string_equal(doc.rows[1].fields[1], "");
	csv_doc_free(&doc);
}

static void test_empty_text_has_no_rows(void **state)
{
	struct csv_doc doc;

	(void)state;
	parse_ok("", &doc);
	assert_int_equal(doc.count, 0);
	assert_true(doc.crlf);
	csv_doc_free(&doc);
}

static void test_unterminated_quote_names_the_line_it_opened_on(void **state)
{
	const char *text = "a,b\r\nc,\"open\r\nstill open\r\nand more\r\n";
	struct csv_error err;

	(void)state;
	parse_bad(text, strlen(text), &err);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.field, 2);
	assert_non_null(strstr(err.msg, "not closed"));
}

static void test_text_after_closing_quote_is_refused(void **state)
{
	const char *text = "a,b\n\"c\"x,d\n";
	struct csv_error err;

	(void)state;
	parse_bad(text, strlen(text), &err);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.field, 1);
}

static void test_quote_inside_unquoted_field_is_refused(void **state)
{
	const char *text = "a,b\nc,d\"e\n";
	struct csv_error err;

	(void)state;
	parse_bad(text, strlen(text), &err);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.field, 2);
}

static void test_nul_byte_is_refused_with_its_line(void **state)
{
	const char text[] = "a,b\r\nc,d\r\ne,\0f\r\n";
	struct csv_error err;

	(void)state;
	parse_bad(text, sizeof(text) - 1, &err);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "NUL"));
}

/* Issue 15, item 16: what Excel writes for cleared rows, and blank lines. */
static void test_rows_of_separators_and_white_space_are_blank(void **state)
{
	struct csv_doc doc;

	(void)state;
	parse_ok("a;b;c\r\n;;;\r\n   \r\n\t\r\n1;2;3\r\n\"\";\"\";\"\"\r\n;;\r\n", &doc);
	assert_int_equal(doc.count, 2);
	assert_int_equal(doc.rows[1].line, 5);
	assert_string_equal(doc.rows[1].fields[0], "1");
	csv_doc_free(&doc);
	parse_ok("a,b\n,,,\n,\n;\n x ,\n", &doc);
	assert_int_equal(doc.count, 2);
	assert_int_equal(doc.rows[1].line, 5);
	csv_doc_free(&doc);
	/* Quoted text is a value, even white space or a separator: it comes back. */
	parse_ok("a,b\n\" \",\n\",\",\"\"\n", &doc);
	assert_int_equal(doc.count, 3);
	csv_doc_free(&doc);
	/* Cleared rows before the header do not decide the separator. */
	parse_ok(";;;\r\n,,\r\nName,Address\r\n", &doc);
	assert_int_equal(doc.sep, ',');
	assert_int_equal(doc.count, 1);
	csv_doc_free(&doc);
}

/* Item 17: UTF-16 and invalid UTF-8 say what to do. */
static void test_utf16_and_invalid_utf8_say_save_as_csv_utf8(void **state)
{
	struct csv_error err;

	(void)state;
	parse_bad("\xff\xfe" "N\0a\0m\0e\0", 10, &err);
	assert_non_null(strstr(err.msg, "UTF-16"));
	assert_non_null(strstr(err.msg, "CSV UTF-8"));
	parse_bad("\xfe\xff\0N\0a\0m\0e", 10, &err);
	assert_non_null(strstr(err.msg, "UTF-16"));
	parse_bad("N\0a\0m\0e\0,\0A\0", 12, &err);
	assert_non_null(strstr(err.msg, "UTF-16"));
	parse_bad("\0N\0a\0m\0e\0,\0A", 12, &err);
	assert_non_null(strstr(err.msg, "UTF-16"));
	parse_bad("Name,Address\r\n\"Z\xfc" "rich\",10.0.0.1/24\r\n", 36, &err);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
	assert_non_null(strstr(err.msg, "0xfc"));
	assert_non_null(strstr(err.msg, "CSV UTF-8"));
	/* The column counts characters, not bytes. */
	parse_bad("Name\n\xc3\xa9\xc3\xa9\x80\n", 11, &err);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
	/* A NUL that is not UTF-16 keeps its own message. */
	parse_bad("Name,Address\nto\0kyo,x\n", 22, &err);
	assert_null(strstr(err.msg, "UTF-16"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_of_the_2_5_1_file_is_byte_identical),
		cmocka_unit_test(test_write_row_quotes_every_field_and_doubles_quotes),
		cmocka_unit_test(test_bom_is_detected_and_not_part_of_the_first_field),
		cmocka_unit_test(test_lf_file_clears_crlf),
		cmocka_unit_test(test_unquoted_fields_are_read_as_is),
		cmocka_unit_test(test_semicolon_separator_is_detected_from_the_first_line),
		cmocka_unit_test(test_doubled_quotes_inside_a_field_are_one_quote),
		cmocka_unit_test(test_newline_inside_quotes_keeps_later_line_numbers),
		cmocka_unit_test(test_blank_lines_are_skipped_but_counted),
		cmocka_unit_test(test_last_line_without_newline_is_a_row),
		cmocka_unit_test(test_empty_text_has_no_rows),
		cmocka_unit_test(test_unterminated_quote_names_the_line_it_opened_on),
		cmocka_unit_test(test_text_after_closing_quote_is_refused),
		cmocka_unit_test(test_quote_inside_unquoted_field_is_refused),
		cmocka_unit_test(test_nul_byte_is_refused_with_its_line),
		cmocka_unit_test(test_rows_of_separators_and_white_space_are_blank),
		cmocka_unit_test(test_utf16_and_invalid_utf8_say_save_as_csv_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
