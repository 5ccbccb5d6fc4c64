/* The database of a mesh rebuilt from its wg-quick files: the inverse of
 * genconfig. Each file with an [Interface] PrivateKey is a node, identified by
 * its public key and named by its "# Name:" comment (else the file's stem). Its
 * interface values come from its own file; its Endpoint and AllowedIPs from
 * what the other files' [Peer] sections say of it; its PersistentKeepalive from
 * its own [Peer] sections (genconfig writes a node's keepalive towards every
 * peer); the preshared keys from both ends of each pair. What the files do not
 * agree on, or what the database cannot hold, is a conflict: reported, never
 * guessed. */
#ifndef WGM_REBUILD_H
#define WGM_REBUILD_H

#include "importer/wgparse.h"
#include "store/db.h"
#include "store/psk.h"

#include <stdio.h>

struct rebuild_report {
	/* Called once per conflict with one line (no newline). */
	void (*conflict)(void *ctx, const char *line);
	/* Called for what was changed on the way but gives the same files
	 * (hooks joined, a relay's forwarding lines taken for its Relay column). */
	void (*note)(void *ctx, const char *line);
	void *ctx;
};

/* Appends the nodes of files[0..n) to db (in the order their files list their
 * peers, ties in the order of files) and their preshared keys to psk (when
 * any pair has one: *has_psk). The peers already in db (--merge) must not share
 * a name or key with a file; [Peer] sections may name them. Returns the number
 * of conflicts (nothing appended then), or -1 when out of memory. */
long rebuild_db(const struct wgp_file *files, size_t n, struct db *db, struct psk_store *psk,
		bool *has_psk, const struct rebuild_report *r);

#endif
