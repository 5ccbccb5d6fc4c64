#include "mesh/lint.h"

#include "lib/endpoint.h"
#include "lib/ipnet.h"
#include "lib/keys.h"
#include "lib/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

struct run {
	const struct db *db;
	const struct lint_opts *o;
	long errors;
};

static void report(struct run *r, enum lint_severity sev, const struct peer *p,
		   const char *column, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(struct run *r, enum lint_severity sev, const struct peer *p,
		   const char *column, const char *fmt, ...)
{
	struct lint_finding f = { sev, p, column, NULL };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f.msg = msg;
	if (sev == LINT_ERROR)
		r->errors++;
	r->o->report(r->o->ctx, &f);
}

void lint_fprint(FILE *out, const struct db *db, const struct lint_finding *f)
{
	fprintf(out, "%s: %s", f->severity == LINT_ERROR ? "error" : "warning", db->path);
	if (f->peer && f->peer->line)
		fprintf(out, ":%zu", f->peer->line);
	fputs(": ", out);
	if (f->peer) {
		char q[QUOTED_LEN];
		fprintf(out, "peer %s: ", printable(peer_get(f->peer, ATTR_NAME), q, sizeof(q)));
	}
	if (f->column)
		fprintf(out, "column %s: ", f->column);
	/* The message may name other peers: nothing in it reaches the terminal raw. */
	char m[1024];
	fprintf(out, "%s\n", unhidden(f->msg, m, sizeof(m)));
}

void lint_print(void *ctx, const struct lint_finding *f)
{
	fprintf(stderr, "%s: ", prog_name);
	lint_fprint(stderr, ctx, f);
}

static void check_required(struct run *r, const struct peer *p)
{
	if (!*peer_get(p, ATTR_ADDRESS))
		report(r, LINT_ERROR, p, "Address", "empty; every peer needs a tunnel address");
	if (!*peer_get(p, ATTR_PRIVATEKEY))
		report(r, LINT_ERROR, p, "PrivateKey",
		       "empty; run `%s%s%s init` to generate the missing keys", prog_name,
		       strcmp(r->db->path, "database.csv") ? " -d " : "",
		       strcmp(r->db->path, "database.csv") ? r->db->path : "");
}

static void check_name(struct run *r, const struct peer *p)
{
	if (!attr_is_ifname(peer_get(p, ATTR_NAME)))
		report(r, LINT_WARNING, p, "Name",
		       "not a valid wg-quick interface name ([a-zA-Z0-9_=+.-]{1,15}); "
		       "use genconfig --interface");
}

static void check_endpoint(struct run *r, const struct peer *p)
{
	struct endpoint ep;
	const char *text = peer_get(p, ATTR_ENDPOINT);

	if (!*text || endpoint_parse(&ep, text) < 0)
		return;
	if (!ep.port && !*peer_get(p, ATTR_LISTENPORT))
		report(r, LINT_ERROR, p, "Endpoint",
		       "has no port and the peer has no ListenPort: the others cannot reach it");
}

struct route {
	struct ipnet net;
	size_t peer;
	bool address;		/* from the Address column, as a host route */
};

static int cmp_route(const void *a, const void *b)
{
	const struct route *ra = a, *rb = b;
	int c = ipnet_cmp(&ra->net, &rb->net);

	if (c)
		return c;
	return ra->peer < rb->peer ? -1 : ra->peer > rb->peer;
}

static int add_routes(struct route **v, size_t *n, size_t *cap, const char *list, size_t peer,
		      bool host)
{
	struct ipnet *nets;
	size_t count, bad;

	if (!*list || ipnet_parse_list(list, &nets, &count, &bad) < 0)
		return 0;
	if (*n + count > *cap) {
		size_t ncap = (*n + count) * 2;
		struct route *grown = realloc(*v, ncap * sizeof(**v));
		if (!grown) {
			free(nets);
			return -1;
		}
		*v = grown;
		*cap = ncap;
	}
	for (size_t i = 0; i < count; i++) {
		if (host)
			ipnet_host(&nets[i]);
		ipnet_mask(&nets[i]);
		(*v)[(*n)++] = (struct route){ nets[i], peer, host };
	}
	free(nets);
	return 0;
}

/* Two peers that claim the same network (the same address and prefix) steal each
 * other's traffic in the file of any third peer: wg gives a network to one peer
 * only. One network inside another is fine, as WireGuard routes by the longest
 * prefix (a peer's /32 inside a gateway's /8, or an exit node's 0.0.0.0/0), so
 * only equal routes are compared: sorted, they are neighbours, O(n log n). */
static int check_overlaps(struct run *r)
{
	const struct db *db = r->db;
	struct route *v = NULL;
	size_t n = 0, cap = 0, reported = 0;

	/* With two peers, each file holds the routes of the other only. */
	if (db->count < 3)
		return 0;
	for (size_t i = 0; i < db->count; i++) {
		if ((long)i == r->o->only)
			continue;
		if (add_routes(&v, &n, &cap, peer_get(&db->peers[i], ATTR_ADDRESS), i,
			       !r->o->legacy) < 0 ||
		    add_routes(&v, &n, &cap, peer_get(&db->peers[i], ATTR_ALLOWEDIPS), i,
			       false) < 0) {
			free(v);
			return -1;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_route);
	for (size_t i = 1; i < n && reported < 20; i++) {
		const struct route *o = &v[i - 1], *me = &v[i];
		const struct peer *p = &db->peers[me->peer];
		char text[IPNET_STRLEN];
		if (ipnet_cmp(&o->net, &me->net))
			continue;
		ipnet_format(&me->net, text);
		if (o->peer == me->peer) {
			/* A column never holds a network twice (attr_check): this is an
			 * AllowedIPs item that the peer's own Address already routes. */
			if (r->o->pedantic)
				report(r, LINT_WARNING, p, "AllowedIPs",
				       "%s is already routed to this peer by its Address", text);
			continue;
		}
		/* The same address twice is check_duplicate_addresses' to report. */
		if (o->address && me->address)
			continue;
		report(r, r->o->legacy ? LINT_WARNING : LINT_ERROR, p, "AllowedIPs",
		       "%s is also routed to peer %s: the other peers can route it to only one "
		       "of them", text, peer_get(&db->peers[o->peer], ATTR_NAME));
		reported++;
	}
	free(v);
	return 0;
}

/* An exit node: legitimate, but in a mesh every other peer then sends all its
 * traffic through it, which deserves a word in `check`. */
static void check_default_route(struct run *r, const struct peer *p)
{
	struct ipnet *nets;
	size_t n, bad;

	if (!*peer_get(p, ATTR_ALLOWEDIPS) ||
	    ipnet_parse_list(peer_get(p, ATTR_ALLOWEDIPS), &nets, &n, &bad) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (nets[i].prefix == 0)
			report(r, LINT_WARNING, p, "AllowedIPs",
			       "%s/0: wg-quick on every other peer sends all its %s traffic "
			       "through this one", nets[i].family == AF_INET ? "0.0.0.0" : "::",
			       nets[i].family == AF_INET ? "IPv4" : "IPv6");
	free(nets);
}

/* Two peers with the same tunnel address: an error whatever the AllowedIPs style. */
static int check_duplicate_addresses(struct run *r)
{
	const struct db *db = r->db;
	struct route *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < db->count; i++)
		if (add_routes(&v, &n, &cap, peer_get(&db->peers[i], ATTR_ADDRESS), i, true) < 0) {
			free(v);
			return -1;
		}
	if (n)
		qsort(v, n, sizeof(*v), cmp_route);
	for (size_t i = 1; i < n; i++) {
		char text[IPNET_STRLEN];
		if (ipnet_cmp(&v[i - 1].net, &v[i].net) || v[i - 1].peer == v[i].peer)
			continue;
		ipnet_format(&v[i].net, text);
		text[strcspn(text, "/")] = '\0';
		report(r, LINT_ERROR, &db->peers[v[i].peer], "Address",
		       "%s is also the address of peer %s", text,
		       peer_get(&db->peers[v[i - 1].peer], ATTR_NAME));
	}
	free(v);
	return 0;
}

struct key_id {
	uint8_t id[KEY_LEN];
	size_t peer;
};

static int cmp_key_id(const void *a, const void *b)
{
	const struct key_id *ka = a, *kb = b;
	int c = memcmp(ka->id, kb->id, KEY_LEN);

	return c ? c : (ka->peer < kb->peer ? -1 : ka->peer > kb->peer);
}

/* Fills k with the identity of peer i's key (see key_identity); false when it
 * has no valid key. */
static bool peer_key_id(const struct peer *p, size_t i, struct key_id *k)
{
	uint8_t priv[KEY_LEN];

	if (key_from_base64(priv, peer_get(p, ATTR_PRIVATEKEY)) < 0)
		return false;
	key_identity(k->id, priv);
	key_wipe(priv, sizeof(priv));
	k->peer = i;
	return true;
}

static void report_same_key(struct run *r, const struct peer *p, const struct peer *other)
{
	if (!strcmp(peer_get(p, ATTR_PRIVATEKEY), peer_get(other, ATTR_PRIVATEKEY)))
		report(r, LINT_ERROR, p, "PrivateKey",
		       "same private key as peer %s: WireGuard cannot tell them apart",
		       peer_get(other, ATTR_NAME));
	else
		report(r, LINT_ERROR, p, "PrivateKey",
		       "same public key as peer %s (the private keys differ only where X25519 "
		       "ignores them): WireGuard cannot tell them apart", peer_get(other, ATTR_NAME));
}

/* Two peers are the same to WireGuard when their PUBLIC keys are: private keys
 * that differ only in the bits X25519 clamps give one public key. */
static int check_duplicate_keys(struct run *r)
{
	const struct db *db = r->db;
	struct key_id *v = malloc((db->count ? db->count : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -1;
	for (size_t i = 0; i < db->count; i++)
		n += peer_key_id(&db->peers[i], i, &v[n]);
	if (n)
		qsort(v, n, sizeof(*v), cmp_key_id);
	for (size_t i = 1; i < n; i++)
		if (!memcmp(v[i - 1].id, v[i].id, KEY_LEN))
			report_same_key(r, &db->peers[v[i].peer], &db->peers[v[i - 1].peer]);
	/* Each identity is as secret as its key. */
	key_wipe(v, n * sizeof(*v));
	free(v);
	return 0;
}

/* The address families of a peer's Address: bit 0 IPv4, bit 1 IPv6. */
static unsigned families(const struct peer *p)
{
	struct ipnet *nets;
	size_t n, bad;
	unsigned f = 0;

	if (!*peer_get(p, ATTR_ADDRESS) ||
	    ipnet_parse_list(peer_get(p, ATTR_ADDRESS), &nets, &n, &bad) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		f |= nets[i].family == AF_INET ? 1u : 2u;
	free(nets);
	return f;
}

/* An IPv4-only and an IPv6-only peer have no address to talk to each other at
 * inside the tunnel. Each peer of the smaller group is named with the first of
 * the other: O(n), not one line per pair. */
static void check_families(struct run *r)
{
	const struct db *db = r->db;
	const struct peer *first[2] = { NULL, NULL };
	size_t count[2] = { 0, 0 };
	unsigned *fam = malloc((db->count ? db->count : 1) * sizeof(*fam));
	int few;

	if (!fam)
		return;
	for (size_t i = 0; i < db->count; i++) {
		fam[i] = families(&db->peers[i]);
		if (fam[i] == 1 || fam[i] == 2) {
			int k = (int)fam[i] - 1;
			if (!count[k]++)
				first[k] = &db->peers[i];
		}
	}
	few = count[1] <= count[0] ? 1 : 0;
	for (size_t i = 0; count[0] && count[1] && i < db->count; i++)
		if (fam[i] == (unsigned)few + 1)
			report(r, LINT_WARNING, &db->peers[i], "Address",
			       "only %s addresses, and peer %s only %s ones%s: they share no address "
			       "family and can never talk to each other", few ? "IPv6" : "IPv4",
			       peer_get(first[!few], ATTR_NAME), few ? "IPv4" : "IPv6",
			       count[!few] > 1 ? " (as the other peers of that kind)" : "");
	free(fam);
}

/* PersistentKeepalive 0 or off is no keepalive at all. */
static bool has_keepalive(const struct peer *p)
{
	const char *v = peer_get(p, ATTR_KEEPALIVE);

	return *v && strcmp(v, "0") && strcasecmp(v, "off");
}

/* Values that a spreadsheet opening the database would evaluate as formulas. */
static void check_formulas(struct run *r, const struct peer *p)
{
	for (int i = 0; i < ATTR_COUNT; i++) {
		/* A key from wg genkey starts with '+' once in 64: one warning per such
		 * peer of every database would be noise. addpeer and updatepeer warn
		 * when one is typed in, and wg-meshconf never makes one. */
		if (attrs[i].kind == KIND_KEY)
			continue;
		const char *w = attr_warning((enum attr_id)i, p->val[i]);
		if (w)
			report(r, LINT_WARNING, p, attrs[i].column, "%s", w);
	}
}

static void check_reachability(struct run *r)
{
	const struct db *db = r->db;
	const struct peer *first = NULL;
	size_t hidden = 0;

	for (size_t i = 0; i < db->count; i++) {
		const struct peer *p = &db->peers[i];
		if (*peer_get(p, ATTR_ENDPOINT))
			continue;
		if (!hidden++)
			first = p;
		else
			report(r, LINT_WARNING, p, "Endpoint",
			       "neither this peer nor peer %s has an Endpoint: they can never "
			       "connect to each other",
			       peer_get(first, ATTR_NAME));
		if (!has_keepalive(p))
			report(r, LINT_WARNING, p, "PersistentKeepalive",
			       "no Endpoint and no PersistentKeepalive: no one can reach this "
			       "peer until it sends first");
	}
}

long lint_db(const struct db *db, const struct lint_opts *opts)
{
	struct run r = { db, opts, 0 };

	for (size_t i = 0; i < db->count; i++) {
		check_required(&r, &db->peers[i]);
		check_endpoint(&r, &db->peers[i]);
		if (opts->pedantic) {
			check_name(&r, &db->peers[i]);
			check_formulas(&r, &db->peers[i]);
			check_default_route(&r, &db->peers[i]);
		}
	}
	if (check_duplicate_keys(&r) < 0 || check_duplicate_addresses(&r) < 0 ||
	    check_overlaps(&r) < 0)
		return -1;
	check_families(&r);
	check_reachability(&r);
	if (opts->pedantic && db->exists && (db->mode & 0044))
		report(&r, LINT_WARNING, NULL, NULL,
		       "other users can read the database and its private keys (mode %04o); "
		       "run: chmod 600 %s", (unsigned)db->mode, db->path);
	return r.errors;
}

/* The host addresses of a peer's Address, sorted; *n = 0 when there are none. */
static struct ipnet *host_addresses(const struct peer *p, size_t *n)
{
	struct ipnet *nets = NULL;
	size_t bad;

	*n = 0;
	if (!*peer_get(p, ATTR_ADDRESS) ||
	    ipnet_parse_list(peer_get(p, ATTR_ADDRESS), &nets, n, &bad) < 0)
		return NULL;
	for (size_t i = 0; i < *n; i++)
		ipnet_host(&nets[i]);
	return nets;
}

static int cmp_ipnet(const void *a, const void *b)
{
	return ipnet_cmp(a, b);
}

long lint_peer(const struct db *db, size_t self, unsigned what, const struct lint_opts *opts)
{
	struct run r = { db, opts, 0 };
	const struct peer *me = &db->peers[self];
	struct key_id mine, other;
	bool keyed = (what & LINT_PEER_KEY) && peer_key_id(me, self, &mine);
	size_t n = 0;
	struct ipnet *addrs = (what & LINT_PEER_ADDRESS) ? host_addresses(me, &n) : NULL;

	if (n > 1)
		qsort(addrs, n, sizeof(*addrs), cmp_ipnet);
	for (size_t i = 0; i < db->count && (keyed || n); i++) {
		const struct peer *p = &db->peers[i];
		if (i == self)
			continue;
		if (keyed && peer_key_id(p, i, &other) && !memcmp(mine.id, other.id, KEY_LEN))
			report_same_key(&r, me, p);
		size_t m;
		struct ipnet *theirs = n ? host_addresses(p, &m) : NULL;
		for (size_t k = 0; theirs && k < m; k++) {
			char text[IPNET_STRLEN];
			if (!bsearch(&theirs[k], addrs, n, sizeof(*addrs), cmp_ipnet))
				continue;
			ipnet_format(&theirs[k], text);
			text[strcspn(text, "/")] = '\0';
			/* A warning: swapping the addresses of two peers takes a moment
			 * where both have one; check and genconfig refuse it. */
			report(&r, LINT_WARNING, me, "Address", "%s is also the address of peer %s "
			       "(genconfig refuses that)", text, peer_get(p, ATTR_NAME));
		}
		free(theirs);
	}
	key_wipe(&mine, sizeof(mine));
	key_wipe(&other, sizeof(other));
	free(addrs);
	return r.errors;
}

long lint_keys(const struct db *db, const struct lint_opts *opts)
{
	struct run r = { db, opts, 0 };

	return check_duplicate_keys(&r) < 0 ? -1 : r.errors;
}
