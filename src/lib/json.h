/* Writing JSON (RFC 8259): strings escaped, and the few value shapes the
 * outputs need. Nothing here parses JSON. */
#ifndef WGM_JSON_H
#define WGM_JSON_H

#include "lib/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Returned when the text is not valid UTF-8: JSON text must be. */
#define JSON_EUTF8 (-2)

/* Appends s (len bytes) as a JSON string: quotes, `"` and `\` escaped, every
 * control character (C0, DEL and C1: U+0080-U+009F) as \n, \t... or \u00XX,
 * and U+2028/U+2029 as \u2028/\u2029 (JavaScript cannot take them raw); other
 * valid UTF-8 passes through. 0, -1 (out of memory) or JSON_EUTF8, with
 * nothing appended. */
int json_string_len(struct buf *out, const char *s, size_t len);
/* json_string_len of a NUL-terminated string. */
int json_string(struct buf *out, const char *s);
/* json_string, and text that is not UTF-8 (a spreadsheet's Latin-1) as quoted()
 * shows it on a terminal, with escapes, since JSON cannot carry it. 0 or -1. */
int json_text(struct buf *out, const char *s);
/* "KEY": STRING, or "KEY": null when s is NULL. key must be plain ASCII. */
int json_member_string(struct buf *out, const char *key, const char *s);

#endif
