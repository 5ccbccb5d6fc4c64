#include "lib/qr.h"

#include "lib/keys.h"

#include <errno.h>
#include <qrencode.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ECI 26 says "UTF-8": without it the standard's default is ISO-8859-1, and
 * readers guess (zbar reads "Zürich" as Shift JIS). Pure ASCII needs none. */
#define ECI_UTF8 26

static bool ascii(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)data[i] >= 0x80)
			return false;
	return true;
}

/* The code at one level; NULL with errno ERANGE when the data does not fit. */
static QRcode *encode_at(const char *data, size_t len, QRecLevel level)
{
	QRinput *in = QRinput_new2(0, level);
	QRcode *code = NULL;

	if (!in)
		return NULL;
	/* 8-bit mode: nothing is upper-cased or reinterpreted. */
	if ((ascii(data, len) || QRinput_appendECIheader(in, ECI_UTF8) == 0) &&
	    QRinput_append(in, QR_MODE_8, (int)len, (const unsigned char *)data) == 0)
		code = QRcode_encodeInput(in);
	QRinput_free(in);
	return code;
}

int qr_encode(struct qr *q, const char *data, size_t len, int max_width)
{
	static const struct {
		QRecLevel level;
		char name;
	} levels[] = {
		{ QR_ECLEVEL_H, 'H' }, { QR_ECLEVEL_Q, 'Q' }, { QR_ECLEVEL_M, 'M' },
		{ QR_ECLEVEL_L, 'L' },
	};
	QRcode *code = NULL;
	size_t cells;

	memset(q, 0, sizeof(*q));
	if (len > QR_MAX_BYTES)
		return QR_ETOOBIG;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		errno = 0;
		QRcode *c = encode_at(data, len, levels[i].level);
		if (!c && errno != ERANGE)
			return errno == ENOMEM ? -1 : QR_ETOOBIG;
		if (!c)
			continue;
		/* Past the width: a lower level may make a smaller code. */
		if (code) {
			key_wipe(code->data, (size_t)code->width * (size_t)code->width);
			QRcode_free(code);
		}
		code = c;
		q->level = levels[i].name;
		if (max_width <= 0 || code->width <= max_width)
			break;
	}
	if (!code)
		return QR_ETOOBIG;
	cells = (size_t)code->width * (size_t)code->width;
	q->width = code->width;
	q->dark = malloc(cells);
	if (q->dark)
		for (size_t i = 0; i < cells; i++)
			q->dark[i] = code->data[i] & 1;
	/* Its modules are the data, keys included. */
	key_wipe(code->data, cells);
	QRcode_free(code);
	return q->dark ? 0 : -1;
}

void qr_free(struct qr *q)
{
	if (!q)
		return;
	if (q->dark)
		key_wipe(q->dark, (size_t)q->width * (size_t)q->width);
	free(q->dark);
	memset(q, 0, sizeof(*q));
}

/* Module (x, y), counting the quiet zone, which is light. */
static int dark_at(const struct qr *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->dark[(size_t)y * (size_t)q->width + (size_t)x];
}

int qr_draw_utf8(const struct qr *q, int margin, struct buf *out)
{
	/* Indexed by (top dark) | (bottom dark) << 1. */
	static const char *const cell[4] = { "\u2588", "\u2584", "\u2580", " " };

	for (int y = -margin; y < q->width + margin; y += 2) {
		for (int x = -margin; x < q->width + margin; x++)
			if (buf_puts(out, cell[dark_at(q, x, y) | dark_at(q, x, y + 1) << 1]) < 0)
				return -1;
		if (buf_putc(out, '\n') < 0)
			return -1;
	}
	return 0;
}
