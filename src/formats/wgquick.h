/* wg-quick configuration files: the format wg-meshconf 2.5.1 writes. */
#ifndef WGM_WGQUICK_H
#define WGM_WGQUICK_H

#include "formats/format.h"
#include "lib/buf.h"

extern const struct format format_wgquick;

/* The whole wg-quick file of node self, appended to out (for the QR format and
 * for writing one file to a path or to standard output). state is what
 * format_wgquick.prepare made, or NULL (then the [Peer] sections are rendered on
 * the fly). Sets *secret_end (when not NULL) to the offset past which out holds
 * no key. 0 or -1 (out of memory). */
int wgquick_render(const struct mesh *m, const void *state, size_t self, struct buf *out,
		   size_t *secret_end);

/* wgquick_render for the WireGuard apps (Android, iOS), which refuse a file
 * with FwMark, Table, SaveConfig or a PreUp/PostUp/PreDown/PostDown hook:
 * without them (the qr format's cannot() says so). */
int wgquick_render_app(const struct mesh *m, const void *state, size_t self, struct buf *out,
		       size_t *secret_end);

#endif
