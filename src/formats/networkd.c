#include "formats/networkd.h"

#include "formats/ifname.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>

/* systemd reads the .netdev as the systemd-network user: the private key in it
 * must be readable by that group and by nobody else. */
#define NETDEV_GROUP "systemd-network"
#define NETDEV_MODE 0640
/* The .network holds no secret, and systemd-networkd reads it after dropping
 * its privileges, so a root-only file is refused ("Permission denied"). */
#define NETWORK_MODE 0644

static const char *nd_cannot(const struct mesh_node *n, enum attr_id id)
{
	switch (id) {
	case ATTR_PREUP:
	case ATTR_POSTUP:
	case ATTR_PREDOWN:
	case ATTR_POSTDOWN:
		return "systemd-networkd runs no commands";
	case ATTR_SAVECONFIG:
		/* SaveConfig=false is what networkd does anyway. */
		return n->save_config == 1 ? "systemd-networkd never writes the running "
					     "interface back to its files"
					   : NULL;
	default:
		return NULL;
	}
}

/* "# Name: NAME". systemd before v252 joins a line ending in a backslash with the
 * next one even in a comment, which would swallow the key after it: such a name
 * is written quoted, with C escapes. Names hold no control character. */
static int put_name(struct buf *out, const char *name)
{
	size_t len = strlen(name);
	char q[4 * 200 + 8];

	if (len && name[len - 1] == '\\')
		name = quoted(name, q, sizeof(q));
	return buf_printf(out, "# Name: %s\n", name);
}

/* RouteTable=: networkd adds no route for AllowedIPs unless it is set, where
 * wg-quick adds them to the main table unless Table=off. */
static int put_route_table(struct buf *out, const struct mesh_node *n)
{
	switch (n->table) {
	case TABLE_OFF:
		return 0;
	case TABLE_UNSET:
	case TABLE_AUTO:
		return buf_puts(out, "RouteTable=main\n");
	case TABLE_ID:
		return buf_printf(out, "RouteTable=%u\n", n->table_id);
	case TABLE_NAME:
		/* Other than default, main and local, networkd knows the names that
		 * networkd.conf's RouteTable= defines (the README says so). */
		return buf_printf(out, "RouteTable=%s\n", n->table_text);
	}
	return 0;
}

static int put_peer(struct buf *out, const struct mesh_link *l)
{
	const struct mesh_node *r = l->remote;

	if (buf_puts(out, "\n[WireGuardPeer]\n") < 0 || put_name(out, r->name) < 0 ||
	    buf_printf(out, "PublicKey=%s\n", r->public_key) < 0)
		return -1;
	if (l->preshared_key && buf_printf(out, "PresharedKey=%s\n", l->preshared_key) < 0)
		return -1;
	if (r->has_endpoint) {
		char text[300];
		/* Brackets around an IPv6 address, as systemd.netdev(5) wants. */
		endpoint_format(&r->endpoint, 0, text, sizeof(text));
		if (buf_printf(out, "Endpoint=%s\n", text) < 0)
			return -1;
	}
	for (size_t i = 0; i < l->n_routes; i++) {
		/* --legacy-allowedips routes addresses with their host bits, which
		 * networkd warns about ("not properly masked") before it masks them,
		 * as wg and the kernel do silently: the same network, written masked. */
		struct ipnet route = l->routes[i];
		char net[IPNET_STRLEN];
		ipnet_mask(&route);
		ipnet_format(&route, net);
		if (buf_printf(out, "AllowedIPs=%s\n", net) < 0)
			return -1;
	}
	if (l->keepalive >= 0 && buf_printf(out, "PersistentKeepalive=%d\n", l->keepalive) < 0)
		return -1;
	return 0;
}

static int render_netdev(const struct mesh *m, size_t self, const char *ifname,
			 struct out_file *f)
{
	const struct mesh_node *n = &m->nodes[self];
	struct buf *out = &f->data;

	if (put_name(out, n->name) < 0 ||
	    buf_printf(out, "[NetDev]\nName=%s\nKind=wireguard\n", ifname) < 0 ||
	    (n->mtu && buf_printf(out, "MTUBytes=%u\n", n->mtu) < 0) ||
	    buf_printf(out, "\n[WireGuard]\nPrivateKey=%s\n", n->private_key) < 0)
		return -1;
	f->secret_end = out->len;
	if ((n->listen_port && buf_printf(out, "ListenPort=%u\n", n->listen_port) < 0) ||
	    (n->fwmark && buf_printf(out, "FirewallMark=%u\n", n->fwmark) < 0) ||
	    put_route_table(out, n) < 0)
		return -1;
	for (size_t r = 0; r < m->count; r++) {
		struct mesh_link l;
		if (!mesh_link(m, self, r, &l))
			continue;
		if (put_peer(out, &l) < 0)
			return -1;
		if (l.preshared_key)
			f->secret_end = out->len;
	}
	return 0;
}

static int render_network(const struct mesh *m, const struct mesh_node *n, const char *ifname,
			  struct buf *out)
{
	if (put_name(out, n->name) < 0 ||
	    buf_printf(out, "[Match]\nName=%s\n\n[Network]\n", ifname) < 0)
		return -1;
	/* The relay forwards between the peers of its interface. systemd 252's
	 * IPForward= turns the global switches on when the interface comes up
	 * and never off again; IPv6 only where the relay carries IPv6. */
	if (n->forwards &&
	    buf_printf(out, "IPForward=%s\n", mesh_relays_ipv6(m) ? "yes" : "ipv4") < 0)
		return -1;
	for (size_t i = 0; i < n->n_addresses; i++) {
		char net[IPNET_STRLEN];
		ipnet_format(&n->addresses[i], net);
		if (buf_printf(out, "Address=%s\n", net) < 0)
			return -1;
	}
	for (size_t i = 0; i < n->n_dns; i++)
		if (n->dns[i].server && buf_printf(out, "DNS=%s\n", n->dns[i].text) < 0)
			return -1;
	for (size_t i = 0; i < n->n_dns; i++)
		if (!n->dns[i].server && buf_printf(out, "Domains=%s\n", n->dns[i].text) < 0)
			return -1;
	return 0;
}

static int nd_render(const struct mesh *m, const void *state, const struct format_opts *o,
		     size_t self, struct out_files *out, char *err, size_t errlen)
{
	const struct mesh_node *n = &m->nodes[self];
	const char *ifname = format_ifname(m, o, self, "networkd", err, errlen);
	struct out_file *f;

	(void)state;
	if (!ifname)
		return -1;
	if (!(f = format_node_file(out, o, n, "netdev")))
		goto oom;
	f->mode = NETDEV_MODE;
	f->group = NETDEV_GROUP;
	if (render_netdev(m, self, ifname, f) < 0)
		goto oom;
	if (!(f = format_node_file(out, o, n, "network")))
		goto oom;
	f->mode = NETWORK_MODE;
	if (render_network(m, n, ifname, &f->data) < 0)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

const struct format format_networkd = {
	.name = "networkd",
	.help = "NAME.netdev and NAME.network for systemd-networkd",
	.cannot = nd_cannot,
	.render = nd_render,
};
