/* psk_parse on arbitrary bytes (the DATABASE.psk store). Properties: an accepted
 * store is sorted, without duplicates, each pair in order with a valid key; it is
 * written back (as psk_save writes it) to text that parses to the same entries;
 * psk_get finds every pair both ways round; psk_sync against a database of the
 * store's peers keeps every key and creates none; psk_forget drops exactly the
 * pairs of one peer. */
#include "fuzz.h"

#include "lib/buf.h"
#include "store/csv.h"
#include "store/db.h"
#include "store/psk.h"

/* Above this many peers the quadratic psk_sync is skipped. */
#define SYNC_MAX_PEERS 40

static void serialize(const struct psk_store *s, struct buf *out)
{
	static const char *const header[] = { "Peer1", "Peer2", "PresharedKey" };

	if (csv_write_row(out, header, 3, ',', true) < 0)
		abort();
	for (size_t i = 0; i < s->count; i++) {
		const char *row[3] = { s->v[i].a, s->v[i].b, s->v[i].key };
		if (csv_write_row(out, row, 3, ',', true) < 0)
			abort();
	}
}

/* A database holding one peer per name of the store, when the store is a full
 * mesh of those names (as psk_sync leaves it). */
static bool full_mesh_db(const struct psk_store *s, struct db *db)
{
	memset(db, 0, sizeof(*db));
	db->path = "fuzz.csv";
	db->lock_fd = -1;
	for (size_t i = 0; i < s->count; i++) {
		const char *names[2] = { s->v[i].a, s->v[i].b };
		for (int k = 0; k < 2; k++) {
			struct peer *p;
			if (db_find(db, names[k]) >= 0)
				continue;
			if (db->count >= SYNC_MAX_PEERS)
				return false;
			if (!(p = db_add(db)) || peer_set(p, ATTR_NAME, names[k]) < 0)
				abort();
		}
	}
	return s->count == db->count * (db->count - 1) / 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psk_store s, again;
	struct buf out = BUF_INIT;
	struct db db;

	memset(&s, 0, sizeof(s));
	if (psk_parse(&s, "fuzz.psk", (const char *)data, size) < 0) {
		psk_free(&s);
		return 0;
	}
	for (size_t i = 0; i < s.count; i++) {
		uint8_t key[KEY_LEN];
		FUZZ_ASSERT(strcmp(s.v[i].a, s.v[i].b) < 0);
		FUZZ_ASSERT(key_from_base64(key, s.v[i].key) == 0);
		if (i)
			FUZZ_ASSERT(strcmp(s.v[i - 1].a, s.v[i].a) < 0 ||
				    (!strcmp(s.v[i - 1].a, s.v[i].a) &&
				     strcmp(s.v[i - 1].b, s.v[i].b) < 0));
		FUZZ_ASSERT(psk_get(&s, s.v[i].a, s.v[i].b) == s.v[i].key);
		FUZZ_ASSERT(psk_get(&s, s.v[i].b, s.v[i].a) == s.v[i].key);
	}

	serialize(&s, &out);
	memset(&again, 0, sizeof(again));
	FUZZ_ASSERT(psk_parse(&again, "fuzz.psk", out.data, out.len) == 0);
	FUZZ_ASSERT(again.count == s.count);
	for (size_t i = 0; i < s.count; i++)
		FUZZ_ASSERT(!strcmp(again.v[i].a, s.v[i].a) && !strcmp(again.v[i].b, s.v[i].b) &&
			    !strcmp(again.v[i].key, s.v[i].key));

	if (full_mesh_db(&s, &db)) {
		FUZZ_ASSERT(psk_sync(&again, &db) == 0);
		FUZZ_ASSERT(again.count == s.count);
		for (size_t i = 0; i < s.count; i++)
			FUZZ_ASSERT(!strcmp(psk_get(&again, s.v[i].a, s.v[i].b), s.v[i].key));
	}
	db_close(&db);

	if (s.count) {
		const char *gone = s.v[size % s.count].a;
		size_t kept = 0;
		char *name = strdup(gone);
		if (!name)
			abort();
		for (size_t i = 0; i < s.count; i++)
			kept += strcmp(s.v[i].a, name) && strcmp(s.v[i].b, name);
		psk_forget(&s, name);
		FUZZ_ASSERT(s.count == kept);
		for (size_t i = 0; i < s.count; i++)
			FUZZ_ASSERT(strcmp(s.v[i].a, name) && strcmp(s.v[i].b, name));
		free(name);
	}
	psk_free(&again);
	psk_free(&s);
	buf_free(&out);
	return 0;
}
