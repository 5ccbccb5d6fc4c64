#include "lib/util.h"

#include "lib/buf.h"
#include "lib/regfile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *prog_name = "wg-meshconf";

void err_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void warn_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

size_t utf8_decode(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c = p[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and what lies past U+10FFFF are not UTF-8. */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

bool char_is_hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||	/* C0, DEL, C1 (U+009B is CSI) */
	       cp == 0x061c ||				/* Arabic letter mark */
	       (cp >= 0x200b && cp <= 0x200f) ||	/* zero widths, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||	/* separators, LRE..RLO */
	       (cp >= 0x2060 && cp <= 0x206f) ||	/* word joiner, LRI..PDI, ... */
	       cp == 0xfeff ||				/* byte-order mark */
	       (cp >= 0xfff9 && cp <= 0xfffb);		/* interlinear annotations */
}

bool plain_text(const char *s)
{
	for (size_t i = 0; s[i];) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, &cp);
		if (!n || char_is_hidden(cp))
			return false;
		i += n;
	}
	return true;
}

/* The escape of the character at s (n bytes from utf8_decode, 0 for an
 * invalid byte) into esc: itself, a C escape, \xNN for a byte that is not
 * UTF-8, \uNNNN for a control or format character. Quotes and backslashes
 * are escaped only in a quoted string. Returns its length. */
static size_t escape_one(const char *s, size_t n, uint32_t cp, bool quote, char esc[12])
{
	if (!n)
		return (size_t)snprintf(esc, 12, "\\x%02x", (unsigned char)*s);
	if (cp == '\n' || cp == '\r' || cp == '\t')
		return (size_t)snprintf(esc, 12, "\\%c", cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
	if (quote && (cp == '"' || cp == '\\'))
		return (size_t)snprintf(esc, 12, "\\%c", (char)cp);
	if (cp < 0x20 || cp == 0x7f)
		return (size_t)snprintf(esc, 12, "\\x%02x", (unsigned)cp);
	if (char_is_hidden(cp))
		return (size_t)snprintf(esc, 12, "\\u%04x", (unsigned)cp);
	memcpy(esc, s, n);
	return n;
}

/* s escaped into out (len >= 8 bytes), between quotes when quote, cut with
 * "..." when out is too small. */
static const char *escape_into(const char *s, char *out, size_t len, bool quote)
{
	size_t o = 0;

	if (len < 8) {
		if (len)
			out[0] = '\0';
		return out;
	}
	if (quote)
		out[o++] = '"';
	for (size_t i = 0; s[i];) {
		char esc[12];
		uint32_t cp = 0;
		size_t n = utf8_decode(s + i, &cp);
		size_t e = escape_one(s + i, n, cp, quote, esc);

		if (o + e + 5 > len) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, esc, e);
		o += e;
		i += n ? n : 1;
	}
	if (quote)
		out[o++] = '"';
	out[o] = '\0';
	return out;
}

const char *quoted(const char *s, char *out, size_t len)
{
	return escape_into(s, out, len, true);
}

const char *unhidden(const char *s, char *out, size_t len)
{
	return plain_text(s) ? s : escape_into(s, out, len, false);
}

char *quoted_dup(const char *s)
{
	size_t len = 3;
	char *out, esc[12];

	for (size_t i = 0; s[i];) {
		uint32_t cp = 0;
		size_t n = utf8_decode(s + i, &cp);
		len += escape_one(s + i, n, cp, true, esc);
		i += n ? n : 1;
	}
	/* quoted() keeps room for "..." (5 bytes): with it, nothing is cut. */
	if (!(out = malloc(len + 5)))
		return NULL;
	return (char *)quoted(s, out, len + 5);
}

const char *printable(const char *s, char *out, size_t len)
{
	return plain_text(s) ? s : quoted(s, out, len);
}

const char *opt_refused(char **argv, char *out, size_t len)
{
	char word[3] = { '-', (char)optopt, '\0' };

	if (optopt <= 0 || optopt >= 0x80)
		return printable(argv[optind - 1], out, len);
	if (!plain_text(word))
		return quoted(word, out, len);
	snprintf(out, len, "%s", word);
	return out;
}

bool list_next(const char **cursor, const char **item, size_t *len)
{
	const char *p = *cursor, *comma, *end;

	if (!p)
		return false;
	comma = strchr(p, ',');
	end = comma ? comma : p + strlen(p);
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	*item = p;
	*len = (size_t)(end - p);
	*cursor = comma ? comma + 1 : NULL;
	return true;
}

char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

int read_file(const char *path, size_t max, char **out, size_t *len)
{
	char why[REGFILE_WHY_LEN];

	if (regfile_read(path, max, 0, out, len, NULL, why, sizeof(why)) == 0)
		return 0;
	return errno == EFBIG ? -2 : -1;
}

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int list_join(struct buf *out, const char *list, bool *first)
{
	const char *cursor = list, *p;
	size_t len;

	if (!*list)
		return 0;
	for (; list_next(&cursor, &p, &len); *first = false)
		if ((!*first && buf_puts(out, ", ") < 0) || buf_append(out, p, len) < 0)
			return -1;
	return 0;
}
