#include "formats/nm.h"

#include "formats/ifname.h"
#include "lib/keys.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Told apart from any other use of the same key. */
#define UUID_CONTEXT "wg-meshconf nm connection uuid\n"

/* As GLib's g_utf8_validate: no overlong form, no surrogate, at most U+10FFFF.
 * A keyfile value that is not UTF-8 makes NetworkManager drop the key. */
static bool is_utf8(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s, n, min;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, min = 0x80, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, min = 0x800, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, min = 0x10000, c &= 0x07;
		else
			return false;
		for (unsigned i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (s[i] & 0x3fu);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
		s += n + 1;
	}
	return true;
}

/* A name server NetworkManager can take: one of a family the interface has an
 * address in (it refuses ipv6.dns with method=disabled). */
static bool has_family(const struct mesh_node *n, int family)
{
	for (size_t i = 0; i < n->n_addresses; i++)
		if (n->addresses[i].family == family)
			return true;
	return false;
}

/* Table names iproute2 defines itself; any other is in rt_tables, unknown to
 * NetworkManager, which takes numbers. 0: not one of them. */
static unsigned long table_number(const struct mesh_node *n)
{
	static const struct {
		const char *name;
		unsigned id;
	} builtin[] = { { "default", 253 }, { "main", 254 }, { "local", 255 } };

	if (n->table == TABLE_ID)
		return n->table_id;
	for (size_t i = 0; n->table == TABLE_NAME && i < sizeof(builtin) / sizeof(*builtin); i++)
		if (!strcmp(n->table_text, builtin[i].name))
			return builtin[i].id;
	return 0;
}

static const char *nm_cannot(const struct mesh_node *n, enum attr_id id)
{
	switch (id) {
	case ATTR_NAME:
		return is_utf8((const unsigned char *)n->name)
			       ? NULL
			       : "not UTF-8, which a keyfile cannot hold: the connection is "
				 "named after its interface";
	case ATTR_DNS:
		for (size_t i = 0; i < n->n_dns; i++)
			if (n->dns[i].server && !has_family(n, n->dns[i].addr.family))
				return "a name server of an address family the peer has no "
				       "Address in";
		return NULL;
	case ATTR_TABLE:
		return n->table == TABLE_NAME && !table_number(n)
			       ? "NetworkManager takes route table numbers, not names"
			       : NULL;
	case ATTR_PREUP:
	case ATTR_POSTUP:
	case ATTR_PREDOWN:
	case ATTR_POSTDOWN:
		return "NetworkManager runs no commands";
	case ATTR_RELAY:
		/* 1.42 (Debian 12) has no forwarding property of its own; the shared
		 * method would also masquerade and run a DHCP server. */
		return n->forwards ? "a connection cannot turn IP forwarding on; set "
				     "net.ipv4.ip_forward (and net.ipv6.conf.all.forwarding) "
				     "with sysctl"
				   : NULL;
	case ATTR_SAVECONFIG:
		return n->save_config == 1 ? "NetworkManager never writes the running "
					     "interface back to its files"
					   : NULL;
	default:
		return NULL;
	}
}

int nm_uuid(const char *public_key, char out[NM_UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	char in[sizeof(UUID_CONTEXT) + KEY_B64_LEN];
	uint8_t b[16];
	size_t k = 0;

	snprintf(in, sizeof(in), "%s%s", UUID_CONTEXT, public_key);
	if (key_hash(b, sizeof(b), in, strlen(in)) < 0)
		return -1;
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);	/* variant RFC 4122 */
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[b[i] >> 4];
		out[k++] = hex[b[i] & 15];
	}
	out[k] = '\0';
	return 0;
}

/* A string value as GKeyFile writes it: backslashes doubled, a leading space
 * as \s (control characters cannot be in the database). */
static int put_string(struct buf *out, const char *key, const char *value)
{
	if (buf_printf(out, "%s=", key) < 0)
		return -1;
	for (const char *p = value; *p; p++) {
		const char *esc = *p == '\\' ? "\\\\" : *p == ' ' && p == value ? "\\s" : NULL;
		if (esc ? buf_puts(out, esc) < 0 : buf_putc(out, *p) < 0)
			return -1;
	}
	return buf_putc(out, '\n');
}

static int put_peer(struct buf *out, const struct mesh_link *l)
{
	const struct mesh_node *r = l->remote;

	/* Comments are not values: GKeyFile takes any text in them. */
	if (buf_printf(out, "\n# Name: %s\n[wireguard-peer.%s]\n", r->name, r->public_key) < 0)
		return -1;
	if (r->has_endpoint) {
		char text[300];
		endpoint_format(&r->endpoint, 0, text, sizeof(text));
		if (buf_printf(out, "endpoint=%s\n", text) < 0)
			return -1;
	}
	/* A GKeyFile list: each item followed by ';'. */
	if (buf_puts(out, "allowed-ips=") < 0)
		return -1;
	for (size_t i = 0; i < l->n_routes; i++) {
		char net[IPNET_STRLEN];
		ipnet_format(&l->routes[i], net);
		if (buf_printf(out, "%s;", net) < 0)
			return -1;
	}
	if (buf_putc(out, '\n') < 0)
		return -1;
	/* Without flags NetworkManager takes the key as not required (4). */
	if (l->preshared_key &&
	    buf_printf(out, "preshared-key=%s\npreshared-key-flags=0\n", l->preshared_key) < 0)
		return -1;
	if (l->keepalive >= 0 && buf_printf(out, "persistent-keepalive=%d\n", l->keepalive) < 0)
		return -1;
	return 0;
}

/* [ipv4] or [ipv6]: the addresses of that family, its name servers and, in the
 * first family with an address, the search domains; method=disabled without
 * an address. */
static int put_ip(struct buf *out, const struct mesh_node *n, int family, bool domains)
{
	const char *section = family == AF_INET ? "ipv4" : "ipv6";
	unsigned long table = table_number(n);
	size_t count = 0;

	if (!has_family(n, family))
		return buf_printf(out, "\n[%s]\nmethod=disabled\n", section);
	if (buf_printf(out, "\n[%s]\nmethod=manual\n", section) < 0)
		return -1;
	for (size_t i = 0; i < n->n_addresses; i++) {
		char net[IPNET_STRLEN];
		if (n->addresses[i].family != family)
			continue;
		ipnet_format(&n->addresses[i], net);
		if (buf_printf(out, "address%zu=%s\n", ++count, net) < 0)
			return -1;
	}
	for (int pass = 0; pass < 2; pass++) {
		bool server = pass == 0, any = false;
		if (!server && !domains)
			break;
		for (size_t i = 0; i < n->n_dns; i++) {
			const struct mesh_dns *d = &n->dns[i];
			if (d->server != server || (server && d->addr.family != family))
				continue;
			if ((!any && buf_puts(out, server ? "dns=" : "dns-search=") < 0) ||
			    buf_printf(out, "%s;", d->text) < 0)
				return -1;
			any = true;
		}
		if (any && buf_putc(out, '\n') < 0)
			return -1;
	}
	if ((n->table == TABLE_ID || table) && buf_printf(out, "route-table=%lu\n", table) < 0)
		return -1;
	return 0;
}

static int render(const struct mesh *m, size_t self, const char *ifname, struct out_file *f)
{
	const struct mesh_node *n = &m->nodes[self];
	struct buf *out = &f->data;
	char uuid[NM_UUID_LEN + 1];

	if (nm_uuid(n->public_key, uuid) < 0 || buf_printf(out, "# Name: %s\n[connection]\n",
							   n->name) < 0 ||
	    put_string(out, "id", nm_cannot(n, ATTR_NAME) ? ifname : n->name) < 0 ||
	    buf_printf(out, "uuid=%s\ntype=wireguard\ninterface-name=%s\nautoconnect=true\n\n"
			    "[wireguard]\nprivate-key=%s\n", uuid, ifname, n->private_key) < 0)
		return -1;
	f->secret_end = out->len;
	if ((n->listen_port && buf_printf(out, "listen-port=%u\n", n->listen_port) < 0) ||
	    (n->fwmark && buf_printf(out, "fwmark=%u\n", n->fwmark) < 0) ||
	    (n->mtu && buf_printf(out, "mtu=%u\n", n->mtu) < 0) ||
	    (n->table == TABLE_OFF && buf_puts(out, "peer-routes=false\n") < 0))
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
	if (put_ip(out, n, AF_INET, true) < 0 ||
	    put_ip(out, n, AF_INET6, !has_family(n, AF_INET)) < 0)
		return -1;
	return 0;
}

static int nm_render(const struct mesh *m, const void *state, const struct format_opts *o,
		     size_t self, struct out_files *out, char *err, size_t errlen)
{
	const char *ifname = format_ifname(m, o, self, "nm", err, errlen);
	struct out_file *f;

	(void)state;
	if (!ifname)
		return -1;
	/* NetworkManager ignores a keyfile that others may read: the 0600 default. */
	if (!(f = format_node_file(out, o, &m->nodes[self], "nmconnection")) ||
	    render(m, self, ifname, f) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

const struct format format_nm = {
	.name = "nm",
	.help = "NAME.nmconnection, a NetworkManager keyfile",
	.cannot = nm_cannot,
	.render = nm_render,
};
