/* NAME.png: the node's wg-quick file as a QR code, for the WireGuard apps on
 * phones (Android, iOS), which scan it. */
#ifndef WGM_QR_FORMAT_H
#define WGM_QR_FORMAT_H

#include "formats/format.h"
#include "lib/qr.h"

extern const struct format format_qr;

/* Pixels per module of the PNG. */
#define QR_PNG_SCALE 6

/* The QR code of node self's configuration for the apps, at most max_width
 * modules a side if it can (0: any; see qr_encode). state is what
 * format_qr.prepare made, or NULL. 0, or -1 with a message in err naming the
 * peer (too large, out of memory). Release with qr_free. */
int qr_of_node(const struct mesh *m, const void *state, size_t self, int max_width,
	       struct qr *q, char *err, size_t errlen);

#endif
