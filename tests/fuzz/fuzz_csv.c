/* csv_parse on arbitrary bytes. Property: what it accepts, csv_write_row writes
 * back as text that parses to the same rows, fields, separator and line ends. */
#include "fuzz.h"

#include "lib/buf.h"
#include "store/csv.h"

static void same_doc(const struct csv_doc *a, const struct csv_doc *b)
{
	FUZZ_ASSERT(a->count == b->count);
	for (size_t r = 0; r < a->count; r++) {
		FUZZ_ASSERT(a->rows[r].count == b->rows[r].count);
		for (size_t f = 0; f < a->rows[r].count; f++)
			FUZZ_ASSERT(!strcmp(a->rows[r].fields[f], b->rows[r].fields[f]));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_doc doc, again;
	struct csv_error err;
	struct buf out = BUF_INIT;
	size_t lines = 1;

	/* Every line end (LF, CR, CRLF) starts a line: 1 + LFs + CRs is a bound. */
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r';
	if (csv_parse((const char *)data, size, &doc, &err) < 0) {
		/* A refusal names a place inside the text and says why. */
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(err.line >= 1 && err.line <= lines);
		csv_doc_free(&doc);
		return 0;
	}
	FUZZ_ASSERT(doc.sep == ',' || doc.sep == ';');
	for (size_t r = 0; r < doc.count; r++) {
		const struct csv_row *row = &doc.rows[r];
		FUZZ_ASSERT(row->count >= 1);
		/* Rows come in order and start on a line of the text. */
		FUZZ_ASSERT(row->line >= 1 && row->line <= lines);
		FUZZ_ASSERT(r == 0 || row->line > doc.rows[r - 1].line);
		for (size_t f = 0; f < row->count; f++)
			FUZZ_ASSERT(row->fields[f] != NULL);
	}
	if (doc.bom && buf_puts(&out, "\xEF\xBB\xBF") < 0)
		abort();
	for (size_t r = 0; r < doc.count; r++)
		if (csv_write_row(&out, (const char *const *)doc.rows[r].fields, doc.rows[r].count,
				  doc.sep, doc.crlf) < 0)
			abort();
	FUZZ_ASSERT(csv_parse(out.data ? out.data : "", out.len, &again, &err) == 0);
	same_doc(&doc, &again);
	FUZZ_ASSERT(again.bom == doc.bom);
	if (doc.count) {
		FUZZ_ASSERT(again.crlf == doc.crlf);
		/* A one-field first row holds no separator to detect. */
		if (doc.rows[0].count > 1)
			FUZZ_ASSERT(again.sep == doc.sep);
	}
	csv_doc_free(&again);
	csv_doc_free(&doc);
	buf_free(&out);
	return 0;
}
