/* Preshared keys, one per pair of peers, kept in a store beside the database
 * ("DATABASE.psk") so that the database itself stays a 2.5.1 database. Pairs are
 * keyed by the two peer names, so reordering rows or editing other columns never
 * changes a key. */
#ifndef WGM_PSK_H
#define WGM_PSK_H

#include "store/db.h"
#include "lib/keys.h"

#include <stdbool.h>
#include <stddef.h>

struct psk_entry {
	char *a, *b;		/* peer names, a < b (strcmp) */
	key_b64 key;
	size_t line;		/* in the store file, 0 for a new pair */
};

struct psk_store {
	char *path;
	struct psk_entry *v;	/* sorted by (a, b) */
	size_t count;
	bool exists;		/* the file was there when loaded */
	bool dirty;		/* differs from the file */
};

/* Loads the store of the database at db_path; a missing file gives an empty store
 * with exists = false. A corrupt store is an error naming the line, never
 * regenerated. 0 or -1 (with a message). */
int psk_load(struct psk_store *s, const char *db_path);

/* Parses store text; name is for messages. 0 or -1. */
int psk_parse(struct psk_store *s, const char *name, const char *text, size_t len);

/* Gives every pair of peers of db a key, keeping the existing ones, and drops
 * the pairs of peers that are gone. Returns the number of keys created, or -1. */
long psk_sync(struct psk_store *s, const struct db *db);

/* The key of the pair, or NULL. */
const char *psk_get(const struct psk_store *s, const char *name1, const char *name2);

/* Adds the pair (name1, name2) with this key (valid base64), which the store
 * must not hold yet (import); psk_put_done sorts the store after the last.
 * 0, or -1 when out of memory. */
int psk_put(struct psk_store *s, const char *name1, const char *name2, const char *key);
void psk_put_done(struct psk_store *s);

/* New keys for every pair that includes name (or every pair when name is NULL).
 * Returns the number of keys replaced. */
size_t psk_rotate(struct psk_store *s, const char *name);

/* Drops the pairs of peer name. */
void psk_forget(struct psk_store *s, const char *name);

/* Writes the store atomically, mode 0600. The caller holds the database lock. */
int psk_save(struct psk_store *s);

void psk_free(struct psk_store *s);

/* True when the database at db_path has a store. */
bool psk_store_exists(const char *db_path);

/* After psk_load: gives the new pairs their keys, drops the gone ones and saves
 * the store when that changed anything or it did not exist (saying so on
 * stderr). Load first and update last, so that a corrupt store stops a command
 * before it changes anything. 0 or -1. */
int psk_update(struct psk_store *s, const struct db *db);

#endif
