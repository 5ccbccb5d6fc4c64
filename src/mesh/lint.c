#include "mesh/lint.h"

#include "lib/endpoint.h"
#include "lib/ipnet.h"
#include "lib/keys.h"
#include "lib/util.h"
#include "mesh/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

struct run {
	const struct db *db;
	const struct lint_opts *o;
	const struct mesh *m;	/* lint_db's checks only */
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
	static const char *const severity[] = { [LINT_WARNING] = "warning",
						[LINT_ERROR] = "error", [LINT_NOTE] = "note" };

	fprintf(out, "%s: %s", severity[f->severity], db->path);
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

/* The model gives an Endpoint without a port the node's ListenPort; one that
 * does not parse is the database's to report. */
static void check_endpoint(struct run *r, const struct mesh_node *n)
{
	if (n->has_endpoint && !n->endpoint.port && !*peer_get(n->row, ATTR_LISTENPORT))
		report(r, LINT_ERROR, n->row, "Endpoint",
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

static int grow_routes(struct route **v, size_t *cap, size_t need)
{
	struct route *grown;

	if (need <= *cap)
		return 0;
	grown = realloc(*v, need * 2 * sizeof(**v));
	if (!grown)
		return -1;
	*v = grown;
	*cap = need * 2;
	return 0;
}

/* What every other node routes to node i, as the model derived it (its
 * addresses come first), masked as wg masks it. An address is marked as one
 * only where it is a host route (not with --legacy-allowedips). */
static int add_node_routes(struct route **v, size_t *n, size_t *cap, const struct mesh *m,
			   size_t i)
{
	const struct mesh_node *node = &m->nodes[i];

	if (grow_routes(v, cap, *n + node->n_routes) < 0)
		return -1;
	for (size_t k = 0; k < node->n_routes; k++) {
		struct ipnet net = node->routes[k];
		ipnet_mask(&net);
		(*v)[(*n)++] = (struct route){ net, i, !m->opts.legacy && k < node->n_addresses };
	}
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
	for (size_t i = 0; i < r->m->count; i++) {
		if ((long)i == r->o->only)
			continue;
		if (add_node_routes(&v, &n, &cap, r->m, i) < 0) {
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
static void check_default_route(struct run *r, const struct mesh_node *n)
{
	for (size_t i = 0; i < n->n_allowed; i++)
		if (n->allowed[i].prefix == 0)
			report(r, LINT_WARNING, n->row, "AllowedIPs",
			       "%s/0: wg-quick on every other peer sends all its %s traffic "
			       "through this one", n->allowed[i].family == AF_INET ? "0.0.0.0" : "::",
			       n->allowed[i].family == AF_INET ? "IPv4" : "IPv6");
}

/* Two peers with the same tunnel address: an error whatever the AllowedIPs style. */
static int check_duplicate_addresses(struct run *r)
{
	const struct db *db = r->db;
	struct route *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < r->m->count; i++) {
		const struct mesh_node *node = &r->m->nodes[i];
		if (grow_routes(&v, &cap, n + node->n_addresses) < 0) {
			free(v);
			return -1;
		}
		for (size_t k = 0; k < node->n_addresses; k++) {
			struct ipnet host = node->addresses[k];
			ipnet_host(&host);
			v[n++] = (struct route){ host, i, true };
		}
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
 * that differ only in the bits X25519 clamps give one public key. init, which
 * has no model, compares the keys' identities (see key_identity): the same
 * classes. */
static int check_duplicate_key_ids(struct run *r)
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

struct key_ref {
	const char *public_key;
	size_t node;
};

static int cmp_key_ref(const void *a, const void *b)
{
	const struct key_ref *ka = a, *kb = b;
	int c = strcmp(ka->public_key, kb->public_key);

	return c ? c : (ka->node < kb->node ? -1 : ka->node > kb->node);
}

/* The same, over the public keys the model derived. */
static int check_duplicate_keys(struct run *r)
{
	const struct mesh *m = r->m;
	struct key_ref *v = malloc((m->count ? m->count : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -1;
	for (size_t i = 0; i < m->count; i++)
		if (m->nodes[i].has_key)
			v[n++] = (struct key_ref){ m->nodes[i].public_key, i };
	if (n)
		qsort(v, n, sizeof(*v), cmp_key_ref);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(v[i - 1].public_key, v[i].public_key))
			report_same_key(r, m->nodes[v[i].node].row, m->nodes[v[i - 1].node].row);
	free(v);
	return 0;
}

/* The address families of a node's Address: bit 0 IPv4, bit 1 IPv6. */
static unsigned families(const struct mesh_node *n)
{
	unsigned f = 0;

	for (size_t i = 0; i < n->n_addresses; i++)
		f |= n->addresses[i].family == AF_INET ? 1u : 2u;
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
		fam[i] = families(&r->m->nodes[i]);
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

/* Two nodes behind NAT (no Endpoint) can never handshake: the relay, where the
 * plan chose one, carries their traffic (a note of check); else they cannot
 * talk at all. Each is named with the first of them: O(n), not one line per
 * pair. */
static void check_reachability(struct run *r)
{
	const struct mesh *m = r->m;
	long first = -1;

	for (size_t i = 0; i < m->count; i++) {
		const struct mesh_node *n = &m->nodes[i];
		/* An Endpoint that does not parse is the database's to report. */
		if (n->has_endpoint || *peer_get(n->row, ATTR_ENDPOINT))
			continue;
		if (first < 0) {
			first = (long)i;
		} else {
			const char *other = m->nodes[first].name;
			long relay = mesh_relay_of(m, i, (size_t)first);
			if (relay < 0)
				report(r, LINT_WARNING, n->row, "Endpoint",
				       "neither this peer nor peer %s has an Endpoint: they can never "
				       "connect to each other", other);
			else if (r->o->pedantic)
				report(r, LINT_NOTE, n->row, "Endpoint",
				       "neither this peer nor peer %s has an Endpoint: %s reaches %s "
				       "through relay %s", other, n->name, other, m->nodes[relay].name);
		}
		/* The model's keepalive is the plan's: auto_keepalive marks the nodes
		 * that had none (empty or off, or a value that does not parse, which
		 * is the database's to report); 0 is none too. */
		const char *ka = peer_get(n->row, ATTR_KEEPALIVE);
		bool unparsed = n->auto_keepalive && *ka && strcasecmp(ka, "off");
		/* A keepalive the plan gives is said by genconfig's note (and here,
		 * for check); one set to none by hand is a warning. */
		if (n->auto_keepalive && !unparsed) {
			if (r->o->pedantic)
				report(r, LINT_NOTE, n->row, "PersistentKeepalive",
				       "no Endpoint and no PersistentKeepalive: its file gets "
				       "PersistentKeepalive = %d, so that its NAT keeps it reachable",
				       PLAN_KEEPALIVE);
		} else if (!n->keepalive) {
			report(r, LINT_WARNING, n->row, "PersistentKeepalive",
			       "no Endpoint and PersistentKeepalive %s: no one can reach this "
			       "peer until it sends first", *ka ? ka : "0");
		}
	}
}

long lint_db(const struct db *db, const struct lint_opts *opts)
{
	struct run r = { db, opts, opts->mesh, 0 };
	struct mesh own;
	long ret = -1;

	if (!r.m) {
		struct mesh_opts mo = { .legacy = opts->legacy };
		if (mesh_build(&own, db, &mo) < 0)
			return -1;
		r.m = &own;
	}
	for (size_t i = 0; i < db->count; i++) {
		check_required(&r, &db->peers[i]);
		check_endpoint(&r, &r.m->nodes[i]);
		if (opts->pedantic) {
			check_name(&r, &db->peers[i]);
			check_formulas(&r, &db->peers[i]);
			check_default_route(&r, &r.m->nodes[i]);
		}
	}
	if (check_duplicate_keys(&r) < 0 || check_duplicate_addresses(&r) < 0 ||
	    check_overlaps(&r) < 0)
		goto out;
	check_families(&r);
	check_reachability(&r);
	if (opts->pedantic && db->exists && (db->mode & 0044))
		report(&r, LINT_WARNING, NULL, NULL,
		       "other users can read the database and its private keys (mode %04o); "
		       "run: chmod 600 %s", (unsigned)db->mode, db->path);
	ret = r.errors;
out:
	if (r.m == &own)
		mesh_release(&own);
	return ret;
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

/* addpeer and updatepeer have no model, and building one would derive every
 * public key (0.2 s at 10,000 peers, where addpeer takes 0.07 s): the peer's
 * addresses and key identity are compared with the others' instead. */
long lint_peer(const struct db *db, size_t self, unsigned what, const struct lint_opts *opts)
{
	struct run r = { db, opts, NULL, 0 };
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
	struct run r = { db, opts, NULL, 0 };

	return check_duplicate_key_ids(&r) < 0 ? -1 : r.errors;
}
