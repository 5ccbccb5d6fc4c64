#include "store/csv.h"

#include "lib/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row whose fields hold only these is blank, whatever the separator. */
#define BLANK_CHARS " \t,;"

/* The separator of the first line that is not blank (see blank_row): a sheet
 * may begin with cleared rows, ";;;", which are skipped and must not decide. */
static char detect_sep(const char *p, const char *end)
{
	size_t commas = 0, semis = 0;
	bool quoted = false, content = false;

	for (; p < end; p++) {
		if (!quoted && (*p == '\n' || *p == '\r')) {
			if (content)
				break;
			commas = semis = 0;
			continue;
		}
		if (quoted && *p == '"' && p + 1 < end && p[1] == '"') {
			content = true;	/* a quote inside a quoted field */
			p++;
		} else if (*p == '"')
			quoted = !quoted;
		else if (quoted)
			content = true;
		else if (!quoted && *p == ',')
			commas++;
		else if (!quoted && *p == ';')
			semis++;
		else if (!strchr(BLANK_CHARS, *p))
			content = true;
	}
	return semis > commas ? ';' : ',';
}

/* Grows an array geometrically: *cap is in elements. 0 or -1. */
static int grow(void *arrayp, size_t *cap, size_t need, size_t size)
{
	void **array = arrayp;
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	if (!(p = realloc(*array, ncap * size)))
		return -1;
	*array = p;
	*cap = ncap;
	return 0;
}

static int push_field(struct csv_row *row, size_t *cap, struct buf *field)
{
	char *copy = strdup(field->data ? field->data : "");

	if (!copy || grow(&row->fields, cap, row->count + 1, sizeof(*row->fields)) < 0) {
		free(copy);
		return -1;
	}
	row->fields[row->count++] = copy;
	buf_reset(field);
	return 0;
}

/* A field that leaves its row blank: empty quotes, or unquoted white space and
 * separators (a "," in a ';' file too, so that blank rows are the same whatever
 * the separator detect_sep finds). A blank row is a blank line, or what a
 * spreadsheet writes for a cleared row (";;;"). Quoted text is never blank: the
 * tool writes every field quoted, and a value must come back. */
static bool blank_field(const char *f, bool was_quoted)
{
	return was_quoted ? !*f : !f[strspn(f, BLANK_CHARS)];
}

static int push_row(struct csv_doc *doc, size_t *cap, struct csv_row *row, size_t *row_cap,
		    bool blank)
{
	if (blank) {
		for (size_t i = 0; i < row->count; i++)
			free(row->fields[i]);
		free(row->fields);
	} else {
		if (grow(&doc->rows, cap, doc->count + 1, sizeof(*doc->rows)) < 0)
			return -1;
		doc->rows[doc->count++] = *row;
	}
	memset(row, 0, sizeof(*row));
	*row_cap = 0;
	return 0;
}

static int fail(struct csv_error *err, size_t line, size_t field, const char *msg)
{
	err->line = line;
	err->field = field;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

/* UTF-16 as Windows saves "Unicode text": a byte-order mark, or an ASCII text
 * with a NUL before or after each character. */
static bool is_utf16(const unsigned char *p, size_t len)
{
	size_t nuls[2] = { 0, 0 }, n = len < 64 ? len : 64;

	if (len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
		return true;
	for (size_t i = 0; i < n; i++)
		nuls[i % 2] += !p[i];
	/* Every other byte NUL (ASCII text), the other ones not. */
	return n >= 4 && (nuls[0] * 2 >= n - 1 || nuls[1] * 2 >= n - 1) && nuls[0] != nuls[1];
}

/* Fills err with the line and column (in characters) of the first byte of the
 * len bytes at p that is not UTF-8; returns -1 then, or 0 when all are. */
static int check_utf8(const char *p, size_t len, struct csv_error *err)
{
	size_t at = utf8_invalid_at(p, len), line = 1, col = 1;
	const char *bad = p + at - 1;
	char msg[sizeof(err->msg)];

	if (!at)
		return 0;
	for (const char *q = p; q < bad; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*q & 0xc0) != 0x80) {
			col++;
		}
	}
	snprintf(msg, sizeof(msg), "byte 0x%02x is not UTF-8 (a Latin-1 or Windows-1252 "
		 "file?): save it as \"CSV UTF-8\"", (unsigned char)*bad);
	fail(err, line, 0, msg);
	err->column = col;
	return -1;
}

int csv_parse(const char *text, size_t len, struct csv_doc *doc, struct csv_error *err)
{
	const char *p = text, *end = text + len;
	struct csv_row row = { NULL, 0, 1 };
	const char *row_start, *first_row = NULL;
	struct buf field = BUF_INIT;
	size_t line = 1, rows_cap = 0, fields_cap = 0;
	bool first_eol = true, blank = true;
	int ret = -1;

	memset(doc, 0, sizeof(*doc));
	memset(err, 0, sizeof(*err));
	doc->crlf = true;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		doc->bom = true;
		p += 3;
	}
	if (is_utf16((const unsigned char *)p, (size_t)(end - p))) {
		fail(err, 1, 0, "this is UTF-16 text: save it as \"CSV UTF-8\" (comma or "
		     "semicolon separated)");
		goto out;
	}
	doc->sep = detect_sep(p, end);
	if (memchr(p, '\0', (size_t)(end - p))) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t l = 1;
		for (const char *q = p; q < nul; q++)
			l += *q == '\n';
		fail(err, l, 0, "NUL byte: this is not a text file");
		goto out;
	}
	if (check_utf8(p, (size_t)(end - p), err) < 0)
		goto out;
	row_start = p;
	while (p < end) {
		bool was_quoted = false;

		if (*p == '"') {
			size_t start_line = line;
			was_quoted = true;
			p++;
			for (;;) {
				if (p >= end) {
					fail(err, start_line, row.count + 1,
					     "quoted field is not closed");
					goto out;
				}
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						if (buf_putc(&field, '"') < 0)
							goto oom;
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (*p == '\n')
					line++;
				if (buf_putc(&field, *p++) < 0)
					goto oom;
			}
		}
		/* Unquoted text, or text after a closing quote (which spreadsheets
		 * never write, and which we refuse rather than guess at). */
		while (p < end && *p != doc->sep && *p != '\n' && *p != '\r') {
			if (was_quoted) {
				fail(err, line, row.count + 1, "text after a closing quote");
				goto out;
			}
			if (*p == '"') {
				fail(err, line, row.count + 1, "quote inside an unquoted field");
				goto out;
			}
			if (buf_putc(&field, *p++) < 0)
				goto oom;
		}
		blank = blank && blank_field(field.data ? field.data : "", was_quoted);
		if (push_field(&row, &fields_cap, &field) < 0)
			goto oom;
		if (p < end && *p == doc->sep) {
			p++;
			if (p == end && push_field(&row, &fields_cap, &field) < 0)
				goto oom;
			continue;
		}
		/* End of line or of text. */
		if (p < end && *p == '\r') {
			p++;
			if (p < end && *p == '\n')
				p++;
			else if (first_eol)
				doc->crlf = false;
		} else if (p < end && *p == '\n') {
			if (first_eol)
				doc->crlf = false;
			p++;
		}
		first_eol = false;
		if (push_row(doc, &rows_cap, &row, &fields_cap, blank) < 0)
			goto oom;
		blank = true;
		if (doc->count == 1 && !first_row)
			first_row = row_start;
		row_start = p;
		line++;
		row.line = line;
	}
	if (row.count && push_row(doc, &rows_cap, &row, &fields_cap, blank) < 0)
		goto oom;
	if (doc->count && !first_row)
		first_row = row_start;
	/* The first row kept must be the line the separator came from; only quoted
	 * separators in blank-looking lines can make them differ. */
	if (first_row && detect_sep(first_row, end) != doc->sep) {
		fail(err, doc->rows[0].line, 0, "cannot tell whether ',' or ';' separates the "
		     "fields: the lines before the header hold other separators");
		goto out;
	}
	ret = 0;
	goto out;
oom:
	fail(err, line, 0, "out of memory");
out:
	for (size_t i = 0; i < row.count; i++)
		free(row.fields[i]);
	free(row.fields);
	buf_free(&field);
	return ret;
}

void csv_doc_free(struct csv_doc *doc)
{
	if (!doc)
		return;
	for (size_t r = 0; r < doc->count; r++) {
		for (size_t f = 0; f < doc->rows[r].count; f++)
			free(doc->rows[r].fields[f]);
		free(doc->rows[r].fields);
	}
	free(doc->rows);
	memset(doc, 0, sizeof(*doc));
}

int csv_write_row(struct buf *out, const char *const *fields, size_t count, char sep, bool crlf)
{
	for (size_t i = 0; i < count; i++) {
		const char *f = fields[i] ? fields[i] : "";
		if (i && buf_putc(out, sep) < 0)
			return -1;
		if (buf_putc(out, '"') < 0)
			return -1;
		for (const char *q; (q = strchr(f, '"')); f = q + 1)
			if (buf_append(out, f, (size_t)(q - f) + 1) < 0 || buf_putc(out, '"') < 0)
				return -1;
		if (buf_puts(out, f) < 0 || buf_putc(out, '"') < 0)
			return -1;
	}
	return crlf ? buf_puts(out, "\r\n") : buf_putc(out, '\n');
}
