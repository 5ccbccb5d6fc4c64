/* wgp_parse on arbitrary bytes (a wg-quick file for import). Properties: an
 * error is one line naming the file; an accepted file's [Peer]s have valid,
 * distinct public keys; written back in canonical form (every value on one
 * line) it parses to the same values; rebuild_db on it (alone, and as two
 * files split at the input's middle byte) never crashes, and a database it
 * rebuilds without conflict holds only values the database accepts, which
 * serialize and parse back. */
#include "fuzz.h"

#include "importer/rebuild.h"
#include "importer/wgparse.h"
#include "lib/buf.h"
#include "store/db.h"

static void canonical(const struct wgp_file *f, struct buf *out)
{
	if (f->iface_line) {
		if (buf_puts(out, "[Interface]\n") < 0)
			abort();
		if (f->name && buf_printf(out, "# Name: %s\n", f->name) < 0)
			abort();
		for (int k = 0; k < WGP_IKEY_COUNT; k++) {
			const char *p = f->v[k].text;
			while (p && *p) {
				size_t n = strcspn(p, "\n");
				if (buf_printf(out, "%s = %.*s\n", wgp_ikey_name((enum wgp_ikey)k),
					       (int)n, p) < 0)
					abort();
				p += n + (p[n] == '\n');
			}
		}
	}
	for (size_t i = 0; i < f->n_peers; i++) {
		const struct wgp_peer *p = &f->peers[i];
		if (buf_printf(out, "[Peer]\nPublicKey = %s\n", p->public_key) < 0)
			abort();
		if (p->name && buf_printf(out, "# Name: %s\n", p->name) < 0)
			abort();
		if (p->preshared_key[0] && buf_printf(out, "PresharedKey = %s\n", p->preshared_key) < 0)
			abort();
		if (p->has_endpoint) {
			char e[300];
			endpoint_format(&p->endpoint, 0, e, sizeof(e));
			if (buf_printf(out, "Endpoint = %s\n", e) < 0)
				abort();
		}
		for (size_t k = 0; k < p->n_allowed; k++) {
			char t[IPNET_STRLEN];
			ipnet_format(&p->allowed[k], t);
			if (buf_printf(out, "AllowedIPs = %s\n", t) < 0)
				abort();
		}
		if (p->keepalive >= 0 && buf_printf(out, "PersistentKeepalive = %d\n", p->keepalive) < 0)
			abort();
	}
}

static bool same(const struct wgp_file *a, const struct wgp_file *b)
{
	if (a->n_peers != b->n_peers || !a->name != !b->name ||
	    (a->name && strcmp(a->name, b->name)))
		return false;
	for (int k = 0; k < WGP_IKEY_COUNT; k++)
		if (!a->v[k].text != !b->v[k].text || (a->v[k].text && strcmp(a->v[k].text, b->v[k].text)))
			return false;
	for (size_t i = 0; i < a->n_peers; i++) {
		const struct wgp_peer *p = &a->peers[i], *q = &b->peers[i];
		if (strcmp(p->public_key, q->public_key) || strcmp(p->preshared_key, q->preshared_key) ||
		    p->has_endpoint != q->has_endpoint || p->n_allowed != q->n_allowed ||
		    p->keepalive != q->keepalive)
			return false;
		if (p->has_endpoint && (strcmp(p->endpoint.host, q->endpoint.host) ||
					p->endpoint.port != q->endpoint.port))
			return false;
		if (p->n_allowed && memcmp(p->allowed, q->allowed, p->n_allowed * sizeof(*p->allowed)))
			return false;
	}
	return true;
}

static void rebuild(const struct wgp_file *f, size_t n)
{
	struct db db, again;
	struct psk_store s;
	struct buf out = BUF_INIT;
	bool has_psk;

	memset(&db, 0, sizeof(db));
	memset(&s, 0, sizeof(s));
	db.path = "fuzz.csv";
	db.lock_fd = -1;
	db.sep = ',';
	long r = rebuild_db(f, n, &db, &s, &has_psk, NULL);
	FUZZ_ASSERT(r >= 0);
	FUZZ_ASSERT(r > 0 || db.count == n);
	FUZZ_ASSERT(r == 0 || db.count == 0);
	for (size_t i = 0; i < db.count; i++)
		for (int a = 0; a < ATTR_COUNT; a++)
			FUZZ_ASSERT(attr_check((enum attr_id)a, peer_get(&db.peers[i], (enum attr_id)a)) == NULL);
	if (db.count) {
		FUZZ_ASSERT(db_serialize(&db, &out) == 0);
		memset(&again, 0, sizeof(again));
		again.lock_fd = -1;
		FUZZ_ASSERT(db_parse(&again, "fuzz.csv", out.data, out.len) == 0);
		FUZZ_ASSERT(again.count == db.count);
		db_close(&again);
	}
	buf_free(&out);
	psk_free(&s);
	db_close(&db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgp_file f, g, two[2];
	struct buf out = BUF_INIT;
	char err[512];
	size_t half = size / 2;

	memset(two, 0, sizeof(two));
	if (wgp_parse(&f, "fuzz.conf", (const char *)data, size, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(!strncmp(err, "fuzz.conf", 9) && !strchr(err, '\n'));
		wgp_free(&f);
		return 0;
	}
	for (size_t i = 0; i < f.n_peers; i++) {
		uint8_t key[KEY_LEN];
		FUZZ_ASSERT(key_from_base64(key, f.peers[i].public_key) == 0);
		for (size_t j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(f.peers[i].public_key, f.peers[j].public_key));
	}
	canonical(&f, &out);
	if (wgp_parse(&g, "again.conf", out.data ? out.data : "", out.len, err, sizeof(err)) < 0) {
		fprintf(fuzz_out, "canonical form refused: %s\n", err);
		FUZZ_ASSERT(0);
	}
	FUZZ_ASSERT(same(&f, &g));
	wgp_free(&g);
	rebuild(&f, 1);
	if (wgp_parse(&two[0], "a.conf", (const char *)data, half, err, sizeof(err)) == 0 &&
	    wgp_parse(&two[1], "b.conf", (const char *)data + half, size - half, err, sizeof(err)) == 0)
		rebuild(two, 2);
	wgp_free(&two[0]);
	wgp_free(&two[1]);
	buf_free(&out);
	wgp_free(&f);
	return 0;
}
