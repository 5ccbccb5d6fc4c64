/* How a renderer names a peer in an error message, as the other messages do. */
#ifndef WGM_PEERREF_H
#define WGM_PEERREF_H

#include "mesh/model.h"

#include <stddef.h>

/* Writes "DATABASE:LINE: peer NAME" (without ":LINE" when the row has no line
 * number), the name printable, into out; returns out. */
const char *peer_ref(const struct mesh *m, const struct mesh_node *n, char *out, size_t len);

#endif
