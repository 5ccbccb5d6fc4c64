#include "importer/rebuild.h"

#include "lib/buf.h"
#include "lib/util.h"
#include "mesh/model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The forwarding hooks genconfig gives the relay (formats/wgquick.c): on
 * import they are the relay's mark, not hooks of its own. */
static const char fwd_v4[] = "sysctl -q -w net.ipv4.conf.%i.forwarding=1";
static const char fwd_v6_up[] = "sysctl -n net.ipv6.conf.all.forwarding > "
				"/run/wg-meshconf-%i.ipv6-forwarding; "
				"sysctl -q -w net.ipv6.conf.all.forwarding=1";
static const char fwd_v6_down[] = "[ ! -f /run/wg-meshconf-%i.ipv6-forwarding ] || "
				  "sysctl -q -w net.ipv6.conf.all.forwarding=$(cat "
				  "/run/wg-meshconf-%i.ipv6-forwarding); "
				  "rm -f /run/wg-meshconf-%i.ipv6-forwarding";

struct node {
	const struct wgp_file *f;
	long existing;		/* index in db of a peer named by [Peer] only, else -1 */
	key_b64 pub;
	char *name;
	struct ipnet *addrs;
	size_t n_addrs;
	unsigned listen_port;
	const struct wgp_peer *ep_view;	/* the first view with an Endpoint */
	size_t ep_from;
	bool ep_seen;		/* some view said something of its endpoint */
	struct ipnet *extra;	/* AllowedIPs beyond its own addresses */
	size_t n_extra;
	bool extra_set;
	char *hooks[4];
	bool relay;
	int keepalive;		/* -1: none */
	bool placed;
};

struct rb {
	const struct wgp_file *files;
	size_t n;		/* files */
	struct node *nodes;	/* n of files, then the existing peers [Peer]s name */
	size_t count;
	struct db *db;
	size_t db_before;
	const struct rebuild_report *r;
	long conflicts;
	bool oom;
};

static void conflict(struct rb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void conflict(struct rb *b, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	b->conflicts++;
	if (b->r && b->r->conflict)
		b->r->conflict(b->r->ctx, line);
}

static void note(struct rb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct rb *b, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (b->r && b->r->note)
		b->r->note(b->r->ctx, line);
}

static bool net_eq(const struct ipnet *a, const struct ipnet *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

/* "tokyo1" from "dir/tokyo1.conf". Allocated. */
static char *stem(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;
	char *s;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 5 && !strcmp(base + len - 5, ".conf"))
		len -= 5;
	if ((s = malloc(len + 1))) {
		memcpy(s, base, len);
		s[len] = '\0';
	}
	return s;
}

static long find_key(const struct rb *b, const char *pub)
{
	for (size_t i = 0; i < b->count; i++)
		if (!strcmp(b->nodes[i].pub, pub))
			return (long)i;
	return -1;
}

static const char *fname(const struct rb *b, size_t i)
{
	return i < b->n ? b->nodes[i].f->path : b->db->path;
}

/* Identity, names and the existing peers of --merge. */
static int identify(struct rb *b)
{
	char q[QUOTED_LEN];

	for (size_t i = 0; i < b->n; i++) {
		struct node *nd = &b->nodes[i];
		const struct wgp_value *pk = &nd->f->v[WGP_PRIVATEKEY];
		nd->f = &b->files[i];
		nd->existing = -1;
		nd->keepalive = -1;
		pk = &nd->f->v[WGP_PRIVATEKEY];
		if (!pk->text) {
			conflict(b, "%s: no [Interface] PrivateKey: not the file of a node (import "
				 "reads the files genconfig writes, one per peer)", nd->f->path);
			continue;
		}
		if (key_public_b64(nd->pub, pk->text) < 0)
			nd->pub[0] = '\0';
		nd->name = nd->f->name ? xstrdup(nd->f->name) : stem(nd->f->path);
		if (!nd->name)
			return -1;
		if (attr_check(ATTR_NAME, nd->name) || !*nd->name) {
			const char *rule = *nd->name ? attr_check(ATTR_NAME, nd->name) : "empty";
			if (nd->f->name)
				conflict(b, "%s:%zu: # Name: %s is not %s", nd->f->path,
					 nd->f->name_line, quoted(nd->name, q, sizeof(q)), rule);
			else
				conflict(b, "%s: the name its file name gives, %s, is not %s (give it a "
					 "\"# Name:\" comment)", nd->f->path, quoted(nd->name, q, sizeof(q)),
					 rule);
		}
		for (size_t j = 0; j < i; j++) {
			const struct node *o = &b->nodes[j];
			if (!o->name || !nd->pub[0])
				continue;
			if (!strcmp(o->pub, nd->pub))
				conflict(b, "%s and %s hold the same private key (public key %s): "
					 "two files of one node", o->f->path, nd->f->path, nd->pub);
			else if (!strcmp(o->name, nd->name))
				conflict(b, "%s and %s are both named %s: names must differ",
					 o->f->path, nd->f->path, printable(nd->name, q, sizeof(q)));
		}
		if (db_find(b->db, nd->name) >= 0)
			conflict(b, "%s: a peer named %s is already in %s", nd->f->path,
				 printable(nd->name, q, sizeof(q)), b->db->path);
	}
	/* The existing peers, by public key, for the [Peer]s that name them. */
	for (size_t k = 0; k < b->db_before; k++) {
		const struct peer *p = &b->db->peers[k];
		struct node *nd = &b->nodes[b->count];
		if (key_public_b64(nd->pub, peer_get(p, ATTR_PRIVATEKEY)) < 0)
			continue;
		long dup = find_key(b, nd->pub);
		if (dup >= 0 && (size_t)dup < b->n) {
			conflict(b, "%s: its private key is already that of peer %s in %s",
				 fname(b, (size_t)dup), printable(peer_get(p, ATTR_NAME), q, sizeof(q)),
				 b->db->path);
			continue;
		}
		nd->existing = (long)k;
		nd->keepalive = -1;
		if (!(nd->name = xstrdup(peer_get(p, ATTR_NAME))))
			return -1;
		b->count++;
	}
	return 0;
}

static bool lists(const struct wgp_file *f, const char *pub)
{
	for (size_t k = 0; k < f->n_peers; k++)
		if (!strcmp(f->peers[k].public_key, pub))
			return true;
	return false;
}

/* Every [Peer] names a node; its "# Name:" agrees with the node's. */
static void check_peers(struct rb *b)
{
	char q[QUOTED_LEN], q2[QUOTED_LEN];

	for (size_t i = 0; i < b->n; i++) {
		const struct wgp_file *f = b->nodes[i].f;
		if (!b->nodes[i].name)
			continue;
		for (size_t k = 0; k < f->n_peers; k++) {
			const struct wgp_peer *p = &f->peers[k];
			long t = find_key(b, p->public_key);
			if (t < 0) {
				conflict(b, "%s:%zu: [Peer] %s (public key %s): no file holds its "
					 "private key; give its file too (a database peer needs its "
					 "private key)", f->path, p->line,
					 p->name ? printable(p->name, q, sizeof(q)) : "without a name",
					 p->public_key);
				continue;
			}
			if ((size_t)t == i) {
				conflict(b, "%s:%zu: [Peer] with the file's own public key", f->path,
					 p->line);
				continue;
			}
			if ((size_t)t < b->n && b->nodes[t].name && !lists(b->nodes[t].f, b->nodes[i].pub))
				conflict(b, "%s:%zu: [Peer] %s, but %s has no [Peer] %s: a mesh lists "
					 "each pair at both ends", f->path, p->line, b->nodes[t].name,
					 fname(b, (size_t)t), printable(b->nodes[i].name, q, sizeof(q)));
			if (p->name && strcmp(p->name, b->nodes[t].name))
				conflict(b, "%s:%zu: [Peer] %s has the key of %s, named %s there",
					 f->path, p->name_line, printable(p->name, q, sizeof(q)),
					 fname(b, (size_t)t),
					 printable(b->nodes[t].name, q2, sizeof(q2)));
		}
	}
}

/* The database order: each file lists its peers in it. Kahn's algorithm over
 * "comes before" of consecutive [Peer]s (and the file's own place between them
 * cannot be seen), ties broken by the order of the files. */
static int order(struct rb *b, size_t *out)
{
	size_t n = b->n, placed = 0;
	bool *before = calloc(n * n + 1, sizeof(*before));

	if (!before)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct wgp_file *f = b->nodes[i].f;
		long prev = -1;
		for (size_t k = 0; k < f->n_peers; k++) {
			long t = find_key(b, f->peers[k].public_key);
			if (t < 0 || (size_t)t >= n)
				continue;
			if (prev >= 0)
				before[(size_t)prev * n + (size_t)t] = true;
			prev = t;
		}
	}
	while (placed < n) {
		size_t pick = n;
		for (size_t i = 0; i < n && pick == n; i++) {
			bool free_of = !b->nodes[i].placed;
			for (size_t j = 0; free_of && j < n; j++)
				if (!b->nodes[j].placed && j != i && before[j * n + i])
					free_of = false;
			if (free_of)
				pick = i;
		}
		/* Orders that contradict each other: the first file left goes first. */
		for (size_t i = 0; pick == n && i < n; i++)
			if (!b->nodes[i].placed)
				pick = i;
		b->nodes[pick].placed = true;
		out[placed++] = pick;
	}
	free(before);
	return 0;
}

/* A view: what file `from` says of node `to`. */
static bool relayed_view(const struct rb *b, size_t from, size_t to)
{
	return b->nodes[to].relay && !b->nodes[from].ep_seen && from < b->n;
}

static void endpoint_text(const struct endpoint *ep, char *out, size_t len)
{
	endpoint_format(ep, 0, out, len);
}

static void endpoints(struct rb *b)
{
	for (size_t t = 0; t < b->n; t++) {
		struct node *nd = &b->nodes[t];
		const struct wgp_peer *none = NULL;
		size_t none_from = 0;
		for (size_t i = 0; i < b->n; i++) {
			const struct wgp_file *f = b->nodes[i].f;
			for (size_t k = 0; i != t && k < f->n_peers; k++) {
				const struct wgp_peer *p = &f->peers[k];
				if (strcmp(p->public_key, nd->pub))
					continue;
				if (!p->has_endpoint) {
					if (!none) {
						none = p;
						none_from = i;
					}
					continue;
				}
				if (!nd->ep_view) {
					nd->ep_view = p;
					nd->ep_from = i;
					continue;
				}
				if (strcmp(p->endpoint.host, nd->ep_view->endpoint.host) ||
				    p->endpoint.port != nd->ep_view->endpoint.port) {
					char e1[300], e2[300];
					endpoint_text(&nd->ep_view->endpoint, e1, sizeof(e1));
					endpoint_text(&p->endpoint, e2, sizeof(e2));
					conflict(b, "%s:%zu and %s:%zu: Endpoint of %s: %s or %s",
						 fname(b, nd->ep_from), nd->ep_view->endpoint_line,
						 f->path, p->endpoint_line, nd->name, e1, e2);
				}
			}
		}
		if (nd->ep_view && none) {
			char e1[300];
			endpoint_text(&nd->ep_view->endpoint, e1, sizeof(e1));
			conflict(b, "%s:%zu and %s:%zu: Endpoint of %s: %s or none", fname(b, nd->ep_from),
				 nd->ep_view->endpoint_line, fname(b, none_from), none->line, nd->name, e1);
		}
		nd->ep_seen = nd->ep_view != NULL;
	}
}

/* What a view's AllowedIPs hold beyond the node's own addresses: after its
 * host routes (genconfig) or its addresses as written (--legacy-allowedips). */
static bool strip_own(const struct node *nd, const struct wgp_peer *p, size_t *skip)
{
	bool host = p->n_allowed >= nd->n_addrs, legacy = host;

	for (size_t i = 0; i < nd->n_addrs && (host || legacy); i++) {
		struct ipnet h = nd->addrs[i];
		ipnet_host(&h);
		host = host && net_eq(&p->allowed[i], &h);
		legacy = legacy && net_eq(&p->allowed[i], &nd->addrs[i]);
	}
	*skip = nd->n_addrs;
	return host || legacy;
}

static size_t routes_of(const struct node *nd)
{
	return nd->n_addrs + nd->n_extra;
}

static void allowed_of(struct rb *b, size_t t, bool relay_pass)
{
	struct node *nd = &b->nodes[t];
	const struct wgp_peer *first = NULL;
	size_t first_from = 0;
	char q[IPNET_STRLEN];

	for (int pass = 0; pass < 2 && !first; pass++) {
		/* Views through the relay hold the routes of the others behind NAT too:
		 * used only when no other view exists. */
		if (pass == 1 && !relay_pass)
			break;
		for (size_t i = 0; i < b->n; i++) {
			const struct wgp_file *f = b->nodes[i].f;
			if (i == t || (relayed_view(b, i, t) != (pass == 1)))
				continue;
			for (size_t k = 0; k < f->n_peers; k++) {
				const struct wgp_peer *p = &f->peers[k];
				size_t skip, tail = 0, n_extra;
				if (strcmp(p->public_key, nd->pub))
					continue;
				if (!strip_own(nd, p, &skip)) {
					ipnet_format(&nd->addrs[0], q);
					conflict(b, "%s:%zu: [Peer] %s: AllowedIPs: do not start with its "
						 "Address %s (as a host route or as written)", f->path,
						 p->allowed_line ? p->allowed_line : p->line, nd->name, q);
					continue;
				}
				if (pass == 1)
					for (size_t o = 0; o < b->n; o++)
						if (o != i && o != t && !b->nodes[o].ep_seen)
							tail += routes_of(&b->nodes[o]);
				if (p->n_allowed < skip + tail) {
					conflict(b, "%s:%zu: [Peer] %s: AllowedIPs: fewer than the relay "
						 "carries", f->path, p->allowed_line, nd->name);
					continue;
				}
				n_extra = p->n_allowed - skip - tail;
				if (!first) {
					first = p;
					first_from = i;
					nd->extra = p->allowed + skip;
					nd->n_extra = n_extra;
					nd->extra_set = true;
					continue;
				}
				bool same = n_extra == nd->n_extra;
				for (size_t x = 0; same && x < n_extra; x++) {
					struct ipnet u = p->allowed[skip + x], v = nd->extra[x];
					ipnet_mask(&u);
					ipnet_mask(&v);
					same = net_eq(&u, &v);
				}
				if (!same)
					conflict(b, "%s:%zu and %s:%zu: AllowedIPs of %s differ", fname(b, first_from),
						 first->allowed_line, f->path, p->allowed_line, nd->name);
			}
		}
	}
}

/* The node's keepalive: the same towards each of its peers. */
static void keepalive_of(struct rb *b, size_t t)
{
	struct node *nd = &b->nodes[t];
	const struct wgp_file *f = nd->f;

	for (size_t k = 0; k < f->n_peers; k++) {
		const struct wgp_peer *p = &f->peers[k];
		if (k == 0) {
			nd->keepalive = p->keepalive;
			continue;
		}
		if (p->keepalive != nd->keepalive) {
			conflict(b, "%s:%zu and %zu: PersistentKeepalive differs between its [Peer]s: "
				 "the database holds one per node, towards all its peers", f->path,
				 f->peers[0].keepalive_line ? f->peers[0].keepalive_line : f->peers[0].line,
				 p->keepalive_line ? p->keepalive_line : p->line);
			return;
		}
	}
	/* What genconfig gives a node behind NAT by itself. */
	if (!nd->ep_seen && nd->keepalive == PLAN_KEEPALIVE)
		nd->keepalive = -1;
}

/* The hook lines of one key, without genconfig's forwarding lines, joined
 * into one command line (wg-quick runs them one after the other under set -e:
 * "a; b" does the same). */
static int hooks_of(struct rb *b, size_t t)
{
	struct node *nd = &b->nodes[t];
	static const enum wgp_ikey keys[4] = { WGP_PREUP, WGP_POSTUP, WGP_PREDOWN, WGP_POSTDOWN };

	for (int h = 0; h < 4; h++) {
		const struct wgp_value *v = &nd->f->v[keys[h]];
		const char *p = v->text;
		struct buf out = BUF_INIT;
		size_t kept = 0;
		while (p && *p) {
			size_t len = strcspn(p, "\n");
			bool fwd = (keys[h] == WGP_POSTUP &&
				    ((len == strlen(fwd_v4) && !strncmp(p, fwd_v4, len)) ||
				     (len == strlen(fwd_v6_up) && !strncmp(p, fwd_v6_up, len)))) ||
				   (keys[h] == WGP_POSTDOWN && len == strlen(fwd_v6_down) &&
				    !strncmp(p, fwd_v6_down, len));
			if (fwd && keys[h] == WGP_POSTUP && !strncmp(p, fwd_v4, len))
				nd->relay = true;
			if (!fwd) {
				if ((kept++ && buf_puts(&out, "; ") < 0) || buf_append(&out, p, len) < 0) {
					buf_free(&out);
					return -1;
				}
			}
			p += len + (p[len] == '\n');
		}
		if (buf_putc(&out, '\0') < 0)
			return -1;
		nd->hooks[h] = out.data;
		if (kept > 1)
			note(b, "%s:%zu: its %zu %s lines are joined by \"; \" into one (wg-quick "
			     "runs them so)", nd->f->path, v->line, kept, wgp_ikey_name(keys[h]));
	}
	if (nd->relay)
		note(b, "%s: the forwarding hooks genconfig writes for a relay: %s gets Relay = "
		     "True", nd->f->path, nd->name);
	return 0;
}

static int parse_addresses(struct rb *b, size_t t)
{
	struct node *nd = &b->nodes[t];
	const struct wgp_value *v = &nd->f->v[WGP_ADDRESS];
	size_t bad;

	if (!v->text) {
		conflict(b, "%s: no [Interface] Address: every peer needs one", nd->f->path);
		return 0;
	}
	errno = 0;
	if (ipnet_parse_list(v->text, &nd->addrs, &nd->n_addrs, &bad) < 0)
		return errno == ENOMEM ? -1 : 0;
	if (nd->f->v[WGP_LISTENPORT].text)
		nd->listen_port = (unsigned)strtoul(nd->f->v[WGP_LISTENPORT].text, NULL, 10);
	return 0;
}

/* Preshared keys: both ends of a pair give the same one, and every pair has
 * one, or none has (the store gives every pair a key). */
static int preshared(struct rb *b, struct psk_store *psk, bool *has_psk)
{
	const struct wgp_peer *with = NULL;
	const char *with_file = NULL;

	for (size_t i = 0; i < b->n && !with; i++)
		for (size_t k = 0; k < b->nodes[i].f->n_peers && !with; k++)
			if (b->nodes[i].f->peers[k].preshared_key[0]) {
				with = &b->nodes[i].f->peers[k];
				with_file = b->nodes[i].f->path;
			}
	*has_psk = with != NULL;
	/* Pairs of these names in the store are left from peers deleted since
	 * (the next genconfig would drop them): the files' keys replace them. */
	for (size_t i = 0; with && i < b->n; i++)
		psk_forget(psk, b->nodes[i].name);
	for (size_t i = 0; with && i < b->n; i++) {
		const struct wgp_file *f = b->nodes[i].f;
		for (size_t k = 0; k < f->n_peers; k++) {
			const struct wgp_peer *p = &f->peers[k], *o = NULL;
			long t = find_key(b, p->public_key);
			if (t < 0)
				continue;
			/* The other end, when it is a file; each pair once. */
			for (size_t m = 0; (size_t)t < b->n && m < b->nodes[t].f->n_peers; m++)
				if (!strcmp(b->nodes[t].f->peers[m].public_key, b->nodes[i].pub))
					o = &b->nodes[t].f->peers[m];
			if (o && (size_t)t < i)
				continue;
			if (o && !!o->preshared_key[0] != !!p->preshared_key[0])
				conflict(b, "%s:%zu and %s:%zu: the pair %s, %s has a PresharedKey at "
					 "one end only", f->path, p->preshared_key[0] ? p->psk_line : p->line,
					 b->nodes[t].f->path, o->preshared_key[0] ? o->psk_line : o->line,
					 b->nodes[i].name, b->nodes[t].name);
			else if (o && strcmp(o->preshared_key, p->preshared_key))
				conflict(b, "%s:%zu and %s:%zu: the PresharedKey of the pair %s, %s "
					 "differs at the two ends", f->path, p->psk_line,
					 b->nodes[t].f->path, o->psk_line, b->nodes[i].name,
					 b->nodes[t].name);
			else if (!p->preshared_key[0])
				conflict(b, "%s:%zu and %s:%zu: the pair %s, %s has no PresharedKey, "
					 "others have one: the database gives every pair one, or none",
					 with_file, with->psk_line, f->path, p->line, b->nodes[i].name,
					 b->nodes[t].name);
			else if (psk_put(psk, b->nodes[i].name, b->nodes[t].name, p->preshared_key) < 0)
				return -1;
		}
	}
	psk_put_done(psk);
	return 0;
}

static int join_nets(const struct ipnet *v, size_t n, char **out)
{
	struct buf s = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		char t[IPNET_STRLEN];
		ipnet_format(&v[i], t);
		if ((i && buf_putc(&s, ',') < 0) || buf_puts(&s, t) < 0) {
			buf_free(&s);
			return -1;
		}
	}
	if (buf_putc(&s, '\0') < 0)
		return -1;
	*out = s.data;
	return 0;
}

/* One value into the row, checked by the database's own rules. */
static int put(struct rb *b, struct peer *p, enum attr_id id, const char *v, const char *file,
	       size_t line, const char *key)
{
	const char *rule;
	char q[QUOTED_LEN];

	if (!v || !*v)
		return 0;
	if ((rule = attr_check(id, v))) {
		if (attrs[id].kind == KIND_KEY)
			conflict(b, "%s:%zu: %s: the value is not %s", file, line, key, rule);
		else
			conflict(b, "%s:%zu: %s: %s is not %s", file, line, key,
				 quoted(v, q, sizeof(q)), rule);
		return 0;
	}
	return peer_set(p, id, v);
}

static int make_row(struct rb *b, size_t t)
{
	struct node *nd = &b->nodes[t];
	const struct wgp_file *f = nd->f;
	static const struct {
		enum wgp_ikey k;
		enum attr_id a;
	} direct[] = {
		{ WGP_ADDRESS, ATTR_ADDRESS }, { WGP_LISTENPORT, ATTR_LISTENPORT },
		{ WGP_FWMARK, ATTR_FWMARK }, { WGP_PRIVATEKEY, ATTR_PRIVATEKEY },
		{ WGP_DNS, ATTR_DNS }, { WGP_MTU, ATTR_MTU }, { WGP_TABLE, ATTR_TABLE },
	};
	static const enum attr_id hook_attr[4] = { ATTR_PREUP, ATTR_POSTUP, ATTR_PREDOWN,
						   ATTR_POSTDOWN };
	static const enum wgp_ikey hook_key[4] = { WGP_PREUP, WGP_POSTUP, WGP_PREDOWN,
						   WGP_POSTDOWN };
	struct peer *p = db_add(b->db);
	char *allowed = NULL, ep[300], ka[16];

	if (!p || peer_set(p, ATTR_NAME, nd->name) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(direct) / sizeof(direct[0]); i++)
		if (put(b, p, direct[i].a, f->v[direct[i].k].text, f->path, f->v[direct[i].k].line,
			wgp_ikey_name(direct[i].k)) < 0)
			return -1;
	for (int h = 0; h < 4; h++)
		if (put(b, p, hook_attr[h], nd->hooks[h], f->path, f->v[hook_key[h]].line,
			wgp_ikey_name(hook_key[h])) < 0)
			return -1;
	if (f->v[WGP_SAVECONFIG].text &&
	    peer_set(p, ATTR_SAVECONFIG,
		     !strcasecmp(f->v[WGP_SAVECONFIG].text, "true") ? "True" : "False") < 0)
		return -1;
	if (nd->relay && peer_set(p, ATTR_RELAY, "True") < 0)
		return -1;
	if (nd->ep_view) {
		const struct endpoint *e = &nd->ep_view->endpoint;
		/* The port genconfig adds from ListenPort is left to it. */
		if (e->port == nd->listen_port)
			snprintf(ep, sizeof(ep), "%s", e->host);
		else
			endpoint_format(e, 0, ep, sizeof(ep));
		if (put(b, p, ATTR_ENDPOINT, ep, fname(b, nd->ep_from), nd->ep_view->endpoint_line,
			"Endpoint") < 0)
			return -1;
	}
	if (nd->n_extra) {
		int r = join_nets(nd->extra, nd->n_extra, &allowed);
		if (r == 0)
			r = put(b, p, ATTR_ALLOWEDIPS, allowed, f->path, 0, "AllowedIPs");
		free(allowed);
		if (r < 0)
			return -1;
	}
	if (nd->keepalive >= 0) {
		snprintf(ka, sizeof(ka), "%d", nd->keepalive);
		if (peer_set(p, ATTR_KEEPALIVE, ka) < 0)
			return -1;
	}
	return 0;
}

/* The proof: the model of the rebuilt database gives every [Peer] of every
 * file as the file has it (endpoint, keepalive, AllowedIPs in one of the two
 * shapes), and no [Peer] the files lack. What it does not is a conflict: those
 * files are not the ones a database gives. */
static bool same_nets(const struct ipnet *a, size_t na, const struct ipnet *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!net_eq(&a[i], &b[i]))
			return false;
	return true;
}

static int verify(struct rb *b, const size_t *row)
{
	struct mesh m[2];
	const struct mesh_opts opts[2] = { { .legacy = false }, { .legacy = true } };
	char q[QUOTED_LEN];
	int ret = -1;

	memset(m, 0, sizeof(m));
	if (mesh_build(&m[0], b->db, &opts[0]) < 0 || mesh_build(&m[1], b->db, &opts[1]) < 0)
		goto out;
	for (size_t i = 0; i < b->n; i++) {
		const struct wgp_file *f = b->nodes[i].f;
		for (size_t k = 0; k < f->n_peers; k++) {
			const struct wgp_peer *p = &f->peers[k];
			long t = find_key(b, p->public_key);
			struct mesh_link l[2];
			size_t rt;
			if (t < 0)
				continue;
			rt = (size_t)t < b->n ? row[t] : (size_t)b->nodes[t].existing;
			if (!mesh_link(&m[0], row[i], rt, &l[0]) || !mesh_link(&m[1], row[i], rt, &l[1])) {
				conflict(b, "%s:%zu: [Peer] %s: both are behind NAT (no Endpoint): the "
					 "database gives them no [Peer], they talk through the relay",
					 f->path, p->line, printable(b->nodes[t].name, q, sizeof(q)));
				continue;
			}
			const struct mesh_node *r = l[0].remote;
			if (r->has_endpoint != p->has_endpoint ||
			    (p->has_endpoint && (strcmp(r->endpoint.host, p->endpoint.host) ||
						 r->endpoint.port != p->endpoint.port))) {
				char e[300] = "none";
				if (r->has_endpoint)
					endpoint_format(&r->endpoint, 0, e, sizeof(e));
				conflict(b, "%s:%zu: [Peer] %s: Endpoint: the database gives %s", f->path,
					 p->has_endpoint ? p->endpoint_line : p->line,
					 printable(b->nodes[t].name, q, sizeof(q)), e);
			}
			if (l[0].keepalive != p->keepalive && m[0].nodes[row[i]].auto_keepalive)
				conflict(b, "%s:%zu: [Peer] %s: no file gives %s an Endpoint, so genconfig "
					 "takes it for a peer behind NAT and writes PersistentKeepalive = %d "
					 "(give the files that list %s too, or that keepalive)", f->path,
					 p->keepalive_line ? p->keepalive_line : p->line,
					 printable(b->nodes[t].name, q, sizeof(q)), b->nodes[i].name,
					 PLAN_KEEPALIVE, b->nodes[i].name);
			else if (l[0].keepalive != p->keepalive)
				conflict(b, "%s:%zu: [Peer] %s: PersistentKeepalive: the database gives "
					 "%d (-1: none)", f->path, p->keepalive_line ? p->keepalive_line : p->line,
					 printable(b->nodes[t].name, q, sizeof(q)), l[0].keepalive);
			if (!same_nets(p->allowed, p->n_allowed, l[0].routes, l[0].n_routes) &&
			    !same_nets(p->allowed, p->n_allowed, l[1].routes, l[1].n_routes)) {
				char first[IPNET_STRLEN] = "none";
				if (l[0].n_routes)
					ipnet_format(&l[0].routes[0], first);
				conflict(b, "%s:%zu: [Peer] %s: AllowedIPs: not what the database gives "
					 "(%zu networks from %s on, in either shape)", f->path,
					 p->allowed_line ? p->allowed_line : p->line,
					 printable(b->nodes[t].name, q, sizeof(q)), l[0].n_routes, first);
			}
		}
		/* A [Peer] the database gives and the file lacks (of a peer already in
		 * the database, --merge: the next genconfig adds it, as for any new peer). */
		for (size_t t = 0; t < b->n; t++) {
			struct mesh_link l;
			if (t == i || !mesh_link(&m[0], row[i], row[t], &l) || lists(f, b->nodes[t].pub))
				continue;
			conflict(b, "%s: no [Peer] %s, which the database gives it", f->path,
				 printable(b->nodes[t].name, q, sizeof(q)));
		}
	}
	ret = 0;
out:
	mesh_release(&m[0]);
	mesh_release(&m[1]);
	return ret;
}

long rebuild_db(const struct wgp_file *files, size_t n, struct db *db, struct psk_store *psk,
		bool *has_psk, const struct rebuild_report *r)
{
	struct rb b = { .files = files, .n = n, .db = db, .db_before = db->count, .r = r };
	size_t *seq = NULL, *row = NULL;
	long ret = -1;

	*has_psk = false;
	b.nodes = calloc(n + db->count + 1, sizeof(*b.nodes));
	seq = calloc(n + 1, sizeof(*seq));
	row = calloc(n + 1, sizeof(*row));
	if (!b.nodes || !seq || !row)
		goto out;
	b.count = n;
	for (size_t i = 0; i < n; i++)
		b.nodes[i].f = &files[i];
	if (identify(&b) < 0)
		goto out;
	if (b.conflicts)
		goto done;
	check_peers(&b);
	for (size_t t = 0; t < n; t++)
		if (parse_addresses(&b, t) < 0 || hooks_of(&b, t) < 0)
			goto out;
	if (b.conflicts)
		goto done;
	endpoints(&b);
	for (size_t t = 0; t < n; t++)
		if (!b.nodes[t].relay)
			allowed_of(&b, t, false);
	for (size_t t = 0; t < n; t++)
		if (b.nodes[t].relay)
			allowed_of(&b, t, true);
	for (size_t t = 0; t < n; t++)
		keepalive_of(&b, t);
	if (preshared(&b, psk, has_psk) < 0 || order(&b, seq) < 0)
		goto out;
	if (b.conflicts)
		goto done;
	for (size_t i = 0; i < n; i++) {
		row[seq[i]] = db->count;
		if (make_row(&b, seq[i]) < 0)
			goto out;
	}
	if (!b.conflicts && verify(&b, row) < 0)
		goto out;
done:
	ret = b.conflicts;
	if (b.conflicts)
		while (db->count > b.db_before)
			db_remove(db, db->count - 1);
out:
	for (size_t i = 0; b.nodes && i < b.count; i++) {
		free(b.nodes[i].name);
		free(b.nodes[i].addrs);
		for (int h = 0; h < 4; h++)
			free(b.nodes[i].hooks[h]);
	}
	free(b.nodes);
	free(seq);
	free(row);
	return ret;
}
