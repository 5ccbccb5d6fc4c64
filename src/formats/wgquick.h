/* wg-quick configuration files for every peer of the mesh. */
#ifndef WGM_WGQUICK_H
#define WGM_WGQUICK_H

#include "lib/buf.h"
#include "store/db.h"
#include "lib/keys.h"
#include "store/psk.h"

#include <stdbool.h>

struct mesh {
	const struct db *db;
	key_b64 *pub;		/* public key of each peer, derived once */
	struct buf *block;	/* each peer's [Peer] section as the others see it */
	size_t *head;		/* length of each block up to its PublicKey line */
	bool legacy;		/* AllowedIPs as wg-meshconf 2.5.1 writes them */
	const struct psk_store *psk;	/* PresharedKey of each pair, or NULL */
};

/* Derives the public keys and renders each peer's [Peer] section. The database
 * must have passed lint. Allocates; free with mesh_free. 0 or -1 (with a message). */
int mesh_prepare(struct mesh *m, const struct db *db, bool legacy);
/* After mesh_prepare: write the pairs' PresharedKey lines from store (or none). */
#define mesh_use_psk(m, store) ((m)->psk = (store))
void mesh_free(struct mesh *m);

/* Appends the whole configuration file of peer `self` to out. Sets *secret_end
 * (when not NULL) to the offset in out past which no secret is written: the end
 * of the [Interface] section, or of the file when it holds preshared keys.
 * 0 or -1. */
int wgquick_render(const struct mesh *m, size_t self, struct buf *out, size_t *secret_end);

/* Appends the AllowedIPs value that the others use for peer p. 0 or -1. */
int wgquick_allowed_ips(const struct peer *p, bool legacy, struct buf *out);

#endif
