#include "formats/mikrotik.h"

#include "formats/peerref.h"
#include "lib/util.h"
#include "store/attrs.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* RouterOS's own MTU for a WireGuard interface: written when the database has
 * none, so that a run after the MTU was cleared puts the default back. */
#define ROS_DEFAULT_MTU 1420

int mikrotik_put_string(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (buf_putc(out, '"') < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t run = 0;
		int rc;
		/* Runs of plain characters at once: a mesh's files hold millions. */
		while (p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\' &&
		       p[run] != '$' && p[run] != '?')
			run++;
		if (run) {
			if (buf_append(out, p, run) < 0)
				return -1;
			p += run - 1;
			continue;
		}
		if (*p == '"' || *p == '\\' || *p == '$' || *p == '?') {
			char esc[2] = { '\\', (char)*p };
			rc = buf_append(out, esc, 2);
		} else {
			char esc[3] = { '\\', hex[*p >> 4], hex[*p & 15] };
			rc = buf_append(out, esc, 3);
		}
		if (rc < 0)
			return -1;
	}
	return buf_putc(out, '"');
}

/* What the script marks its addresses and routes with, to find them again. */
static int put_mark(struct buf *out, const char *ifname)
{
	char mark[64];

	snprintf(mark, sizeof(mark), "wg-meshconf %s", ifname);
	return mikrotik_put_string(out, mark);
}

/* " key=" and the string. */
static int put_prop(struct buf *out, const char *key, const char *value)
{
	return buf_printf(out, " %s=", key) < 0 || mikrotik_put_string(out, value) < 0 ? -1 : 0;
}

/* The network, host bits cleared: wg clears them, RouterOS wants them clear. */
static void net_text(const struct ipnet *net, char out[IPNET_STRLEN])
{
	struct ipnet masked = *net;

	ipnet_mask(&masked);
	ipnet_format(&masked, out);
}

/* True when net lies inside the subnet of one of n's addresses: the connected
 * route RouterOS makes for that address reaches it already. */
static bool connected(const struct mesh_node *n, const struct ipnet *net)
{
	for (size_t i = 0; i < n->n_addresses; i++)
		if (n->addresses[i].prefix <= net->prefix && ipnet_overlap(&n->addresses[i], net))
			return true;
	return false;
}

/* The routing table of the routes, or NULL for the main one. */
static const char *route_table(const struct mesh_node *n)
{
	return n->table == TABLE_NAME && strcmp(n->table_text, "main") ? n->table_text : NULL;
}

static int render_interface(const struct mesh_node *n, const char *ifname, struct buf *out,
			    size_t *secret_end)
{
	const char *table = route_table(n);

	/* Created only when missing, then set: removing and adding it again would
	 * leave the firewall rules and lists that name it pointing at nothing. */
	if (buf_puts(out, ":if ([:len [/interface wireguard find where name=") < 0 ||
	    mikrotik_put_string(out, ifname) < 0 ||
	    buf_puts(out, "]] = 0) do={ /interface wireguard add") < 0 ||
	    put_prop(out, "name", ifname) < 0 || buf_puts(out, " }\n") < 0 ||
	    buf_puts(out, "/interface wireguard set [find where name=") < 0 ||
	    mikrotik_put_string(out, ifname) < 0 || buf_puts(out, "]") < 0)
		return -1;
	if (n->listen_port && buf_printf(out, " listen-port=%u", n->listen_port) < 0)
		return -1;
	if (buf_printf(out, " mtu=%u", n->mtu ? n->mtu : ROS_DEFAULT_MTU) < 0 ||
	    put_prop(out, "private-key", n->private_key) < 0)
		return -1;
	*secret_end = out->len;
	if (put_prop(out, "comment", n->name) < 0 || buf_putc(out, '\n') < 0)
		return -1;
	if (table && (buf_puts(out, ":if ([:len [/routing table find where name=") < 0 ||
		      mikrotik_put_string(out, table) < 0 ||
		      buf_puts(out, "]] = 0) do={ /routing table add") < 0 ||
		      put_prop(out, "name", table) < 0 || buf_puts(out, " fib }\n") < 0))
		return -1;
	return 0;
}

/* Removes what an earlier run of the script added: every peer of the
 * interface, and the addresses and routes it marked. */
static int render_cleanup(const char *ifname, struct buf *out)
{
	static const char *const menus[] = { "/ip address", "/ipv6 address", "/ip route",
					      "/ipv6 route" };

	if (buf_puts(out, "/interface wireguard peers remove [find where interface=") < 0 ||
	    mikrotik_put_string(out, ifname) < 0 || buf_puts(out, "]\n") < 0)
		return -1;
	for (size_t i = 0; i < sizeof(menus) / sizeof(*menus); i++)
		if (buf_printf(out, "%s remove [find where comment=", menus[i]) < 0 ||
		    put_mark(out, ifname) < 0 || buf_puts(out, "]\n") < 0)
			return -1;
	return 0;
}

static int render_addresses(const struct mesh_node *n, const char *ifname, struct buf *out)
{
	for (size_t i = 0; i < n->n_addresses; i++) {
		bool v6 = n->addresses[i].family == AF_INET6;
		char text[IPNET_STRLEN];
		ipnet_format(&n->addresses[i], text);
		if (buf_printf(out, "%s address add address=%s", v6 ? "/ipv6" : "/ip", text) < 0 ||
		    put_prop(out, "interface", ifname) < 0 ||
		    /* Router advertisements would hand the mesh's prefix out to the peers. */
		    (v6 && buf_puts(out, " advertise=no") < 0) ||
		    buf_puts(out, " comment=") < 0 || put_mark(out, ifname) < 0 ||
		    buf_putc(out, '\n') < 0)
			return -1;
	}
	return 0;
}

static int render_peer(const struct mesh_link *l, const char *ifname, struct buf *out,
		       size_t *secret_end)
{
	const struct mesh_node *r = l->remote;

	if (buf_puts(out, "/interface wireguard peers add") < 0 ||
	    put_prop(out, "interface", ifname) < 0 || put_prop(out, "name", r->name) < 0 ||
	    put_prop(out, "comment", r->name) < 0 || put_prop(out, "public-key", r->public_key) < 0)
		return -1;
	if (l->preshared_key) {
		if (put_prop(out, "preshared-key", l->preshared_key) < 0)
			return -1;
		*secret_end = out->len;
	}
	if (buf_puts(out, " allowed-address=") < 0)
		return -1;
	for (size_t i = 0; i < l->n_routes; i++) {
		char text[IPNET_STRLEN];
		net_text(&l->routes[i], text);
		if (buf_printf(out, "%s%s", i ? "," : "", text) < 0)
			return -1;
	}
	/* endpoint-address takes no brackets: the port is a property of its own. */
	if (r->has_endpoint && (put_prop(out, "endpoint-address", r->endpoint.host) < 0 ||
				buf_printf(out, " endpoint-port=%u", r->endpoint.port) < 0))
		return -1;
	if (l->keepalive > 0 && buf_printf(out, " persistent-keepalive=%ds", l->keepalive) < 0)
		return -1;
	return buf_putc(out, '\n');
}

/* A route through the interface for each network of the link that no address
 * of n covers (Table=off: none, as wg-quick adds none). */
static int render_routes(const struct mesh_node *n, const struct mesh_link *l,
			 const char *ifname, struct buf *out)
{
	const char *table = route_table(n);

	if (n->table == TABLE_OFF)
		return 0;
	for (size_t i = 0; i < l->n_routes; i++) {
		char text[IPNET_STRLEN];
		if (connected(n, &l->routes[i]))
			continue;
		net_text(&l->routes[i], text);
		if (buf_printf(out, "%s route add dst-address=%s",
			       l->routes[i].family == AF_INET6 ? "/ipv6" : "/ip", text) < 0 ||
		    put_prop(out, "gateway", ifname) < 0 ||
		    (table && put_prop(out, "routing-table", table) < 0) ||
		    buf_puts(out, " comment=") < 0 || put_mark(out, ifname) < 0 ||
		    buf_putc(out, '\n') < 0)
			return -1;
	}
	return 0;
}

/* The relay forwards between the peers of its interface. RouterOS forwards
 * by default, with one switch per family for the router: turned on where an
 * administrator turned it off (setting ip-forward resets other IPv4 settings
 * to their router defaults, so not when it is on already), never off again. */
static int render_forwarding(const struct mesh *m, struct buf *out)
{
	if (buf_puts(out, ":if (![/ip settings get ip-forward]) do={ /ip settings set "
		     "ip-forward=yes }\n") < 0)
		return -1;
	if (mesh_relays_ipv6(m) &&
	    buf_puts(out, ":if (![/ipv6 settings get forward]) do={ /ipv6 settings set "
		     "forward=yes }\n") < 0)
		return -1;
	return 0;
}

static int render_node(const struct mesh *m, size_t self, const char *ifname, struct buf *out,
		       size_t *secret_end)
{
	const struct mesh_node *n = &m->nodes[self];
	struct mesh_link l;

	if (buf_puts(out, "# RouterOS v7: /import file-name=FILE\n"
		     "# Written by wg-meshconf. Importing it again replaces what it added: the\n"
		     "# interface is kept and set again; its peers, and the addresses and routes\n"
		     "# with the comment \"wg-meshconf INTERFACE\", are removed and added again.\n") < 0 ||
	    render_interface(n, ifname, out, secret_end) < 0 ||
	    (n->forwards && render_forwarding(m, out) < 0) || render_cleanup(ifname, out) < 0 ||
	    render_addresses(n, ifname, out) < 0)
		return -1;
	for (size_t r = 0; r < m->count; r++)
		if (mesh_link(m, self, r, &l) && render_peer(&l, ifname, out, secret_end) < 0)
			return -1;
	for (size_t r = 0; r < m->count; r++)
		if (mesh_link(m, self, r, &l) && render_routes(n, &l, ifname, out) < 0)
			return -1;
	return 0;
}

static int mikrotik_render(const struct mesh *m, const void *state, const struct format_opts *o,
			   size_t self, struct out_files *out, char *err, size_t errlen)
{
	const struct mesh_node *n = &m->nodes[self];
	const char *ifname = o->ifname ? o->ifname : n->name;
	struct out_file *f;

	(void)state;
	/* --interface is checked already. The name goes in gateway=, where RouterOS
	 * also reads addresses and lists: keep to what an interface name is. */
	if (!attr_is_ifname(ifname)) {
		char q[QUOTED_LEN], ref[256];
		snprintf(err, errlen, "%s: column Name: the mikrotik format: %s is not an "
			 "interface name ([a-zA-Z0-9_=+.-]{1,15}): name the interface with "
			 "--interface", peer_ref(m, n, ref, sizeof(ref)), quoted(ifname, q, sizeof(q)));
		return -1;
	}
	f = format_node_file(out, o, n, "rsc");
	if (!f || render_node(m, self, ifname, &f->data, &f->secret_end) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* The reason RouterOS cannot carry attribute id of node n. */
static const char *mikrotik_cannot(const struct mesh_node *n, enum attr_id id)
{
	switch (id) {
	case ATTR_DNS:
		return "RouterOS has one DNS resolver for the router (/ip dns), none per interface";
	case ATTR_FWMARK:
		return n->fwmark ? "RouterOS's WireGuard interfaces have no firewall mark" : NULL;
	case ATTR_TABLE:
		return n->table == TABLE_ID ? "RouterOS names its routing tables: a number is no "
					      "table there; give a table name"
					    : NULL;
	case ATTR_PREUP:
	case ATTR_POSTUP:
	case ATTR_PREDOWN:
	case ATTR_POSTDOWN:
		return "RouterOS runs no commands when an interface goes up or down";
	case ATTR_SAVECONFIG:
		return n->save_config == 1 ? "RouterOS keeps the configured values, not the running "
					     "state (roamed endpoints) that SaveConfig saves"
					   : NULL;
	default:
		return NULL;
	}
}

const struct format format_mikrotik = {
	.name = "mikrotik",
	.help = "NAME.rsc: RouterOS v7 script (MikroTik)",
	.cannot = mikrotik_cannot,
	.render = mikrotik_render,
};
