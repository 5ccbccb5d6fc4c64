/* NetworkManager: a keyfile per node, NAME.nmconnection (nm-settings-keyfile(5)),
 * for /etc/NetworkManager/system-connections/. */
#ifndef WGM_NM_H
#define WGM_NM_H

#include "formats/format.h"

extern const struct format format_nm;

/* The connection's uuid, from the node's public key: the same every time the
 * file is generated, so NetworkManager updates the connection rather than
 * adding one. "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (RFC 4122 version 4 and
 * variant bits over a BLAKE2b hash). 0, or -1 when libsodium fails. */
#define NM_UUID_LEN 36
int nm_uuid(const char *public_key, char out[NM_UUID_LEN + 1]);

#endif
