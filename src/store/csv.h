/* CSV (RFC 4180) bytes <-> rows of text fields. Knows nothing about peers. */
#ifndef WGM_CSV_H
#define WGM_CSV_H

#include "lib/buf.h"

#include <stdbool.h>
#include <stddef.h>

struct csv_row {
	char **fields;
	size_t count;
	size_t line;		/* 1-based line where the row starts */
};

struct csv_doc {
	struct csv_row *rows;
	size_t count;
	char sep;		/* ',' or ';' */
	bool bom;		/* the text began with a UTF-8 byte-order mark */
	bool crlf;		/* the first line ended with CRLF (or there was none) */
};

struct csv_error {
	size_t line;
	size_t field;		/* 1-based, 0 when unknown */
	size_t column;		/* 1-based character of the line, 0 when unknown */
	char msg[128];
};

/* Parses text of len bytes (it may hold NULs, which are refused). The separator is
 * the one of ',' and ';' that the first line that is not blank holds more of
 * (outside quotes); ',' when neither. Blank lines are skipped, and so are the rows
 * whose fields are all empty quotes or unquoted white space and separators (";;;",
 * what spreadsheets write for a cleared row); quoted text is never blank. UTF-16
 * text (a byte-order mark, or NULs between the characters) and bytes that are not
 * UTF-8 are refused with a message that says to save the file as "CSV UTF-8".
 * Fills doc, which the caller frees with csv_doc_free, even on error. Returns 0,
 * or -1 with err filled in. */
int csv_parse(const char *text, size_t len, struct csv_doc *doc, struct csv_error *err);
void csv_doc_free(struct csv_doc *doc);

/* Appends one row, every field quoted (as Python's csv.QUOTE_ALL), ending it with
 * CRLF or LF. Returns 0 or -1 (out of memory). */
int csv_write_row(struct buf *out, const char *const *fields, size_t count, char sep, bool crlf);

#endif
