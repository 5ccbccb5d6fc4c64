#include "mesh/model.h"
#include "lib/sshaddr.h"

#include "lib/parallel.h"
#include "mesh/plan.h"
#include "lib/util.h"
#include "store/attrs.h"

#include <errno.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

/* Below this many nodes a second thread costs more than it saves. */
#define THREAD_MIN_NODES 64

/* A valid whole number (the database checked it), else `unset`. */
static long number(const char *text, long unset)
{
	char *end;
	long n;

	if (!*text)
		return unset;
	errno = 0;
	n = strtol(text, &end, 0);
	return *end || errno ? unset : n;
}

static uint32_t u32(const char *text)
{
	char *end;
	unsigned long long n;

	if (!*text || !strcmp(text, "off"))
		return 0;
	errno = 0;
	n = strtoull(text, &end, 0);
	return *end || errno || n > 0xffffffffULL ? 0 : (uint32_t)n;
}

/* A list that does not parse is left out: the database reported it. */
static int parse_nets(const char *text, struct ipnet **v, size_t *n)
{
	size_t bad;

	*v = NULL;
	*n = 0;
	if (!*text)
		return 0;
	errno = 0;
	if (ipnet_parse_list(text, v, n, &bad) == 0)
		return 0;
	*v = NULL;
	*n = 0;
	return errno == ENOMEM ? -1 : 0;
}

/* 2.5.1's AllowedIPs: the values as the user wrote them. */
static int join_as_written(struct mesh_node *n)
{
	struct buf b = BUF_INIT;
	bool first = true;

	if (list_join(&b, n->address_text, &first) < 0 ||
	    list_join(&b, peer_get(n->row, ATTR_ALLOWEDIPS), &first) < 0 || buf_putc(&b, '\0') < 0) {
		buf_free(&b);
		return -1;
	}
	n->routes_text = b.data;
	return 0;
}

/* A peer owns its addresses, not the subnet they sit in: a host route each, so
 * that peers sharing one subnet do not steal each other's traffic. */
static int derive_routes(struct mesh_node *n, bool legacy)
{
	size_t count = n->n_addresses + n->n_allowed;

	n->routes = malloc((count ? count : 1) * sizeof(*n->routes));
	if (!n->routes)
		return -1;
	for (size_t i = 0; i < n->n_addresses; i++) {
		n->routes[i] = n->addresses[i];
		if (!legacy)
			ipnet_host(&n->routes[i]);
	}
	for (size_t i = 0; i < n->n_allowed; i++) {
		struct ipnet *r = &n->routes[n->n_addresses + i];
		*r = n->allowed[i];
		if (!legacy)
			ipnet_mask(r);
	}
	n->n_routes = count;
	return legacy ? join_as_written(n) : 0;
}

static void parse_table(struct mesh_node *n, const char *text)
{
	n->table_text = text;
	if (!*text)
		n->table = TABLE_UNSET;
	else if (!strcmp(text, "off"))
		n->table = TABLE_OFF;
	else if (!strcmp(text, "auto"))
		n->table = TABLE_AUTO;
	else if ((n->table_id = u32(text)) != 0 || !strcmp(text, "0"))
		n->table = TABLE_ID;
	else
		n->table = TABLE_NAME;
}

static size_t count_items(const char *list)
{
	const char *cursor = list, *p;
	size_t len, n = 0;

	if (!*list)
		return 0;
	while (list_next(&cursor, &p, &len))
		n++;
	return n;
}

/* The DNS items of every node, in one array and one text block. */
static int parse_dns(struct mesh *m)
{
	size_t items = 0, bytes = 0, k = 0;
	char *text;

	for (size_t i = 0; i < m->count; i++) {
		const char *v = peer_get(m->nodes[i].row, ATTR_DNS);
		items += count_items(v);
		bytes += strlen(v) + 1;
	}
	m->dns_items = calloc(items ? items : 1, sizeof(*m->dns_items));
	m->dns_text = text = malloc(bytes ? bytes : 1);
	if (!m->dns_items || !text)
		return -1;
	for (size_t i = 0; i < m->count; i++) {
		struct mesh_node *n = &m->nodes[i];
		const char *cursor = peer_get(n->row, ATTR_DNS), *p;
		size_t len;

		n->dns = &m->dns_items[k];
		if (!*cursor)
			continue;
		while (list_next(&cursor, &p, &len)) {
			struct mesh_dns *d = &m->dns_items[k++];
			memcpy(text, p, len);
			text[len] = '\0';
			d->text = text;
			d->server = ipnet_parse_addr(&d->addr, text) == 0;
			text += len + 1;
			n->n_dns++;
		}
	}
	return 0;
}

static int build_node(struct mesh_node *n, const struct peer *p, bool legacy)
{
	const char *ep = peer_get(p, ATTR_ENDPOINT);
	static const enum attr_id hook_attr[HOOK_COUNT] = { ATTR_PREUP, ATTR_POSTUP,
							    ATTR_PREDOWN, ATTR_POSTDOWN };
	const char *save = peer_get(p, ATTR_SAVECONFIG);

	n->row = p;
	n->name = peer_get(p, ATTR_NAME);
	n->private_key = peer_get(p, ATTR_PRIVATEKEY);
	n->address_text = peer_get(p, ATTR_ADDRESS);
	if (parse_nets(peer_get(p, ATTR_ADDRESS), &n->addresses, &n->n_addresses) < 0 ||
	    parse_nets(peer_get(p, ATTR_ALLOWEDIPS), &n->allowed, &n->n_allowed) < 0 ||
	    derive_routes(n, legacy) < 0)
		return -1;
	n->listen_port = (unsigned)number(peer_get(p, ATTR_LISTENPORT), 0);
	n->has_endpoint = *ep && endpoint_parse(&n->endpoint, ep) == 0;
	if (n->has_endpoint && !n->endpoint.port)
		n->endpoint.port = n->listen_port;
	n->keepalive = (int)number(peer_get(p, ATTR_KEEPALIVE), -1);
	n->mtu = (unsigned)number(peer_get(p, ATTR_MTU), 0);
	n->fwmark_text = peer_get(p, ATTR_FWMARK);
	n->fwmark = u32(n->fwmark_text);
	parse_table(n, peer_get(p, ATTR_TABLE));
	for (int h = 0; h < HOOK_COUNT; h++)
		n->hooks[h] = peer_get(p, hook_attr[h]);
	n->save_config = *save ? attr_bool_value(save) : -1;
	char why[8];
	n->has_ssh = *peer_get(p, ATTR_SSH) &&
		     ssh_target_parse(&n->ssh, peer_get(p, ATTR_SSH), why, sizeof(why)) == 0;
	return 0;
}

/* Key derivation dominates the build: it runs on every core. */
static void derive_keys(void *ctx, size_t from, size_t to)
{
	struct mesh *m = ctx;

	for (size_t i = from; i < to; i++) {
		struct mesh_node *n = &m->nodes[i];
		n->has_key = *n->private_key &&
			     key_public_b64(n->public_key, n->private_key) == 0;
		if (!n->has_key)
			n->public_key[0] = '\0';
	}
}

int mesh_build(struct mesh *m, const struct db *db, const struct mesh_opts *opts)
{
	memset(m, 0, sizeof(*m));
	m->db = db;
	if (opts)
		m->opts = *opts;
	m->nodes = calloc(db->count ? db->count : 1, sizeof(*m->nodes));
	if (!m->nodes)
		goto oom;
	m->count = db->count;
	for (size_t i = 0; i < db->count; i++)
		if (build_node(&m->nodes[i], &db->peers[i], m->opts.legacy) < 0)
			goto oom;
	if (parse_dns(m) < 0 || plan_build(m) < 0)
		goto oom;
	parallel_for(m->count, THREAD_MIN_NODES, derive_keys, m);
	return 0;
oom:
	err_msg("out of memory");
	mesh_release(m);
	return -1;
}

bool mesh_link(const struct mesh *m, size_t self, size_t remote, struct mesh_link *out)
{
	const struct mesh_node *me = &m->nodes[self], *r = &m->nodes[remote];
	bool relayed = m->relay >= 0 && me->via_routes;

	if (self == remote || (relayed && !plan_direct(m, self, remote)))
		return false;
	*out = (struct mesh_link){
		.remote = r,
		.preshared_key = m->opts.psk ? psk_get(m->opts.psk, me->name, r->name) : NULL,
		.keepalive = me->keepalive,
		.routes = r->routes,
		.n_routes = r->n_routes,
	};
	if (relayed && (long)remote == m->relay) {
		out->routes = me->via_routes;
		out->n_routes = me->n_via_routes;
	}
	return true;
}

long mesh_relay_of(const struct mesh *m, size_t a, size_t b)
{
	if (a == b || m->relay < 0 || plan_direct(m, a, b) || !m->nodes[a].via_routes)
		return -1;
	return m->relay;
}

bool mesh_relays_ipv6(const struct mesh *m)
{
	for (size_t i = 0; m->relay >= 0 && i < m->count; i++) {
		const struct mesh_node *n = &m->nodes[i];
		for (size_t k = 0; n->via_routes && k < n->n_routes; k++)
			if (n->routes[k].family == AF_INET6)
				return true;
	}
	return false;
}

long mesh_find_key(const struct mesh *m, const char *public_key)
{
	for (size_t i = 0; i < m->count; i++)
		if (m->nodes[i].has_key && !strcmp(m->nodes[i].public_key, public_key))
			return (long)i;
	return -1;
}

void mesh_release(struct mesh *m)
{
	if (!m)
		return;
	for (size_t i = 0; m->nodes && i < m->count; i++) {
		free(m->nodes[i].addresses);
		free(m->nodes[i].allowed);
		free(m->nodes[i].routes);
		free(m->nodes[i].routes_text);
		free(m->nodes[i].via_routes);
	}
	free(m->nodes);
	free(m->dns_items);
	free(m->dns_text);
	memset(m, 0, sizeof(*m));
}
