/* QR codes of configuration files (libqrencode): the matrix, a PNG of it
 * (libpng, lib/qrpng.c) and a drawing for a terminal. */
#ifndef WGM_QR_H
#define WGM_QR_H

#include "lib/buf.h"

#include <stddef.h>

/* The most a QR code holds in 8-bit mode: version 40 at level L. */
#define QR_MAX_BYTES 2953

/* Returned by qr_encode for text longer than any QR code holds. */
#define QR_ETOOBIG (-2)

struct qr {
	int width;		/* modules per side */
	unsigned char *dark;	/* width * width: 1 for a dark module */
	char level;		/* the error correction level used: 'H', 'Q', 'M' or 'L' */
};

/* Encodes the len bytes of data in 8-bit mode (case and every byte kept) at
 * the highest error correction level at which they fit, in a code of at most
 * max_width modules a side when max_width > 0 (a terminal's width; when no
 * level is that small, the smallest code). 0, -1 when out of memory, or
 * QR_ETOOBIG. Release with qr_free. */
int qr_encode(struct qr *q, const char *data, size_t len, int max_width);

/* Wipes the matrix (it holds the data) and frees it. Accepts a zeroed qr. */
void qr_free(struct qr *q);

/* The quiet zone around a code: ISO/IEC 18004 asks for 4 modules; terminals
 * use 2, as qrencode -t UTF8 does, to fit a code in fewer columns. */
#define QR_MARGIN 4
#define QR_MARGIN_TERMINAL 2

/* Draws q with UTF-8 half blocks, two rows of modules per line, with a quiet
 * zone of margin modules: a light module is a block, a dark one a space, for
 * light text on a dark terminal (as qrencode -t UTF8). 0 or -1. */
int qr_draw_utf8(const struct qr *q, int margin, struct buf *out);

/* A 1-bit grayscale PNG of q, scale pixels per module, with a quiet zone of
 * margin modules, appended to out. 0 or -1 (out of memory). */
int qr_png(const struct qr *q, int scale, int margin, struct buf *out);

#endif
