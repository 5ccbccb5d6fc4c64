#include "lib/json.h"

#include "lib/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int put_escape(struct buf *out, uint32_t cp)
{
	switch (cp) {
	case '"':
		return buf_puts(out, "\\\"");
	case '\\':
		return buf_puts(out, "\\\\");
	case '\b':
		return buf_puts(out, "\\b");
	case '\f':
		return buf_puts(out, "\\f");
	case '\n':
		return buf_puts(out, "\\n");
	case '\r':
		return buf_puts(out, "\\r");
	case '\t':
		return buf_puts(out, "\\t");
	default:
		return buf_printf(out, "\\u%04x", (unsigned)cp);
	}
}

/* Takes back what this call appended. */
static void undo(struct buf *out, size_t start)
{
	out->len = start;
	if (out->data)
		out->data[start] = '\0';
}

static bool needs_escape(uint32_t cp)
{
	return cp < 0x20 || cp == '"' || cp == '\\' || cp == 0x7f ||
	       (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

int json_string_len(struct buf *out, const char *s, size_t len)
{
	size_t start = out->len, i = 0, run = 0;

	if (buf_putc(out, '"') < 0)
		return -1;
	while (i < len) {
		uint32_t cp = (unsigned char)s[i];
		size_t n = 1;
		if (cp >= 0x80) {
			/* utf8_decode stops at a NUL: a NUL inside is a control
			 * character, the byte after it is decoded on its own. */
			char tmp[5] = { 0 };
			memcpy(tmp, s + i, len - i < 4 ? len - i : 4);
			if (!(n = utf8_decode(tmp, &cp))) {
				undo(out, start);
				return JSON_EUTF8;
			}
		}
		if (needs_escape(cp)) {
			if (buf_append(out, s + run, i - run) < 0 || put_escape(out, cp) < 0)
				goto oom;
			run = i + n;
		}
		i += n;
	}
	if (buf_append(out, s + run, len - run) < 0 || buf_putc(out, '"') < 0)
		goto oom;
	return 0;
oom:
	undo(out, start);
	return -1;
}

int json_string(struct buf *out, const char *s)
{
	return json_string_len(out, s, strlen(s));
}

int json_text(struct buf *out, const char *s)
{
	int rc = json_string(out, s);
	char *q;

	if (rc != JSON_EUTF8)
		return rc;
	if (!(q = quoted_dup(s)))
		return -1;
	rc = json_string(out, q);
	free(q);
	return rc;
}

int json_member_string(struct buf *out, const char *key, const char *s)
{
	if (buf_putc(out, '"') < 0 || buf_puts(out, key) < 0 || buf_puts(out, "\": ") < 0)
		return -1;
	return s ? json_string(out, s) : buf_puts(out, "null");
}
