/* A host's running interface (`wg show IF dump`) against what the mesh model
 * says its wg-quick file holds: drift. */
#ifndef WGM_DRIFT_H
#define WGM_DRIFT_H

#include "lib/buf.h"
#include "mesh/model.h"
#include "remote/wgdump.h"

/* Appends one line per difference to out ("public key is X, the database's Y",
 * "peer B is missing", "peer B: AllowedIPs ... instead of ...", "peer B: a
 * preshared key that the database has not", "peer B: PersistentKeepalive 25
 * instead of 0", "listen port ...", "unknown peer KEY"). Pairs the mesh relays (no link) are no drift. Returns the number of
 * lines, or -1 when out of memory. */
long drift_find(const struct mesh *m, size_t self, const struct wgdump *d, struct buf *out);

#endif
