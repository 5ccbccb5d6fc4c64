#include "mesh/lint.h"

#include "lib/endpoint.h"
#include "lib/ipnet.h"
#include "lib/keys.h"
#include "lib/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Two peers whose AllowedIPs overlap steal each other's traffic in the file of
 * any third peer. Sorted, nested CIDR ranges form a stack: each route is checked
 * against the open ranges that contain it, so this is O(n log n), not O(n^2). */
static int check_overlaps(struct run *r)
{
	const struct db *db = r->db;
	struct route *v = NULL, *stack[130];
	size_t n = 0, cap = 0, depth = 0, reported = 0;

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
	for (size_t i = 0; i < n && reported < 20; i++) {
		while (depth && !ipnet_overlap(&stack[depth - 1]->net, &v[i].net))
			depth--;
		for (size_t s = depth; s-- > 0;) {
			const struct route *o = stack[s];
			char a[IPNET_STRLEN], b[IPNET_STRLEN];
			if (o->peer == v[i].peer)
				continue;
			ipnet_format(&o->net, a);
			ipnet_format(&v[i].net, b);
			/* The same address twice is check_duplicate_addresses' to report. */
			if (o->address && v[i].address && !ipnet_cmp(&o->net, &v[i].net))
				continue;
			report(r, r->o->legacy ? LINT_WARNING : LINT_ERROR, &db->peers[v[i].peer],
			       "AllowedIPs",
			       "%s overlaps %s of peer %s: the other peers cannot route both", b,
			       a, peer_get(&db->peers[o->peer], ATTR_NAME));
			reported++;
			break;
		}
		if (depth < sizeof(stack) / sizeof(stack[0]))
			stack[depth++] = &v[i];
	}
	free(v);
	return 0;
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

static int cmp_key(const void *a, const void *b)
{
	const struct peer *const *pa = a, *const *pb = b;

	return strcmp(peer_get(*pa, ATTR_PRIVATEKEY), peer_get(*pb, ATTR_PRIVATEKEY));
}

static int check_duplicate_keys(struct run *r)
{
	const struct db *db = r->db;
	const struct peer **v = malloc((db->count ? db->count : 1) * sizeof(*v));

	if (!v)
		return -1;
	for (size_t i = 0; i < db->count; i++)
		v[i] = &db->peers[i];
	qsort(v, db->count, sizeof(*v), cmp_key);
	for (size_t i = 1; i < db->count; i++)
		if (*peer_get(v[i], ATTR_PRIVATEKEY) && !cmp_key(&v[i - 1], &v[i]))
			report(r, LINT_ERROR, v[i], "PrivateKey",
			       "same private key as peer %s: WireGuard cannot tell them apart",
			       peer_get(v[i - 1], ATTR_NAME));
	free(v);
	return 0;
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
		if (!*peer_get(p, ATTR_KEEPALIVE))
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
		if (opts->pedantic)
			check_name(&r, &db->peers[i]);
	}
	if (check_duplicate_keys(&r) < 0 || check_duplicate_addresses(&r) < 0 ||
	    check_overlaps(&r) < 0)
		return -1;
	check_reachability(&r);
	if (opts->pedantic && db->exists && (db->mode & 0044))
		report(&r, LINT_WARNING, NULL, NULL,
		       "other users can read the database and its private keys (mode %04o); "
		       "run: chmod 600 %s", (unsigned)db->mode, db->path);
	return r.errors;
}
