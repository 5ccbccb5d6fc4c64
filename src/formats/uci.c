#include "formats/uci.h"

#include "formats/peerref.h"
#include "lib/util.h"
#include "store/attrs.h"

#include <stdio.h>
#include <string.h>

/* A Linux interface name has at most 15 bytes; wireguard.sh names the device
 * after the interface section. */
#define UCI_IFNAME_MAX 15

/* The sections of OpenWrt's default /etc/config/network: the script deletes
 * the section it configures, and replacing one of these with a WireGuard
 * interface would take the router off its own network. */
static const char *const uci_default_sections[] = { "loopback", "lan", "wan", "wan6", "globals",
						    NULL };

bool uci_is_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '_')
			return false;
	return true;
}

bool uci_value_ok(const char *value)
{
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 && *p != '\t')
			return false;
	return true;
}

int uci_put_quoted(struct buf *out, const char *value)
{
	if (!uci_value_ok(value))
		return -1;
	if (buf_putc(out, '\'') < 0)
		return -1;
	/* Runs between quotes at once: a mesh's files hold millions of values. */
	for (const char *p = value;; p++) {
		size_t run = strcspn(p, "'");
		if (buf_append(out, p, run) < 0)
			return -1;
		p += run;
		if (!*p)
			break;
		if (buf_puts(out, "'\\''") < 0)
			return -1;
	}
	return buf_putc(out, '\'');
}

/* "CMD network.SECTION[.OPTION]='value'" */
static int put_cmd(struct buf *out, const char *cmd, const char *section, const char *option,
		   const char *value)
{
	if (buf_puts(out, cmd) < 0 || buf_puts(out, " network.") < 0 ||
	    buf_puts(out, section) < 0 ||
	    (option && (buf_putc(out, '.') < 0 || buf_puts(out, option) < 0)) ||
	    buf_putc(out, '=') < 0 || uci_put_quoted(out, value) < 0)
		return -1;
	return buf_putc(out, '\n');
}

static int put_set(struct buf *out, const char *section, const char *option, const char *value)
{
	return put_cmd(out, "set", section, option, value);
}

static int put_add_list(struct buf *out, const char *section, const char *option,
			const char *value)
{
	return put_cmd(out, "add_list", section, option, value);
}

static int put_uint(struct buf *out, const char *section, const char *option, unsigned long v)
{
	char text[24];

	snprintf(text, sizeof(text), "%lu", v);
	return put_set(out, section, option, text);
}

/* Networks, host bits cleared when masked: netifd hands allowed_ips to the
 * kernel as routes, and the kernel refuses 10.2.0.1/16 (wg-quick's routes come
 * from wg, which clears them); addresses keep theirs. */
static int put_nets(struct buf *out, const char *section, const char *option,
		    const struct ipnet *v, size_t n, bool masked)
{
	for (size_t i = 0; i < n; i++) {
		char text[IPNET_STRLEN];
		struct ipnet net = v[i];
		if (masked)
			ipnet_mask(&net);
		ipnet_format(&net, text);
		if (put_add_list(out, section, option, text) < 0)
			return -1;
	}
	return 0;
}

/* The k-th peer section of interface ifname (k from 1). Named, not anonymous,
 * so that the next run of the script finds and replaces it; the name holds
 * only the interface's name and a number, so it is always a valid UCI name. */
static void peer_section(char out[48], const char *ifname, size_t k)
{
	snprintf(out, 48, "wgpeer_%s_%zu", ifname, k);
}

static int render_interface(const struct mesh_node *n, const char *ifname, struct buf *out,
			    size_t *secret_end)
{
	if (put_set(out, ifname, NULL, "interface") < 0 ||
	    put_set(out, ifname, "proto", "wireguard") < 0 ||
	    put_set(out, ifname, "private_key", n->private_key) < 0)
		return -1;
	*secret_end = out->len;
	if (n->listen_port && put_uint(out, ifname, "listen_port", n->listen_port) < 0)
		return -1;
	if (put_nets(out, ifname, "addresses", n->addresses, n->n_addresses, false) < 0)
		return -1;
	if (n->mtu && put_uint(out, ifname, "mtu", n->mtu) < 0)
		return -1;
	if (n->fwmark && put_set(out, ifname, "fwmark", n->fwmark_text) < 0)
		return -1;
	/* netifd's interface options: servers in dns, search domains in dns_search. */
	for (size_t i = 0; i < n->n_dns; i++)
		if (put_add_list(out, ifname, n->dns[i].server ? "dns" : "dns_search",
				 n->dns[i].text) < 0)
			return -1;
	/* netifd puts the interface's routes (those of route_allowed_ips too) in
	 * ip4table/ip6table, as wg-quick's Table does; it resolves names itself. */
	if (n->table == TABLE_ID || n->table == TABLE_NAME) {
		if (put_set(out, ifname, "ip4table", n->table_text) < 0 ||
		    put_set(out, ifname, "ip6table", n->table_text) < 0)
			return -1;
	}
	return 0;
}

static int render_peer(const struct mesh_node *n, const struct mesh_link *l, const char *ifname,
		       size_t k, struct buf *out, size_t *secret_end)
{
	const struct mesh_node *r = l->remote;
	char sec[48], type[32];

	peer_section(sec, ifname, k);
	snprintf(type, sizeof(type), "wireguard_%s", ifname);
	if (buf_putc(out, '\n') < 0 || put_set(out, sec, NULL, type) < 0 ||
	    put_set(out, sec, "description", r->name) < 0 ||
	    put_set(out, sec, "public_key", r->public_key) < 0)
		return -1;
	if (l->preshared_key) {
		if (put_set(out, sec, "preshared_key", l->preshared_key) < 0)
			return -1;
		*secret_end = out->len;
	}
	/* endpoint_host without brackets: wireguard.sh brackets an IPv6 literal. */
	if (r->has_endpoint && (put_set(out, sec, "endpoint_host", r->endpoint.host) < 0 ||
				put_uint(out, sec, "endpoint_port", r->endpoint.port) < 0))
		return -1;
	if (put_nets(out, sec, "allowed_ips", l->routes, l->n_routes, true) < 0 ||
	    put_set(out, sec, "route_allowed_ips", n->table == TABLE_OFF ? "0" : "1") < 0)
		return -1;
	if (l->keepalive >= 0 && put_uint(out, sec, "persistent_keepalive",
					  (unsigned long)l->keepalive) < 0)
		return -1;
	return 0;
}

static int render_node(const struct mesh *m, size_t self, const char *ifname, struct buf *out,
		       size_t *secret_end)
{
	const struct mesh_node *n = &m->nodes[self];
	struct mesh_link l;
	char sec[48];
	size_t k = 0;

	if (buf_puts(out, "# OpenWrt (netifd's wireguard protocol, package wireguard-tools):\n"
		     "#   uci batch < FILE && uci commit network && /etc/init.d/network reload\n"
		     "# Written by wg-meshconf. Applying it again replaces what it set:\n"
		     "# set SECTION='' deletes a section, and does nothing where there is none.\n") < 0 ||
	    put_set(out, ifname, NULL, "") < 0)
		return -1;
	for (size_t r = 0; r < m->count; r++)
		if (mesh_link(m, self, r, &l)) {
			peer_section(sec, ifname, ++k);
			if (put_set(out, sec, NULL, "") < 0)
				return -1;
		}
	if (buf_putc(out, '\n') < 0 || render_interface(n, ifname, out, secret_end) < 0)
		return -1;
	k = 0;
	for (size_t r = 0; r < m->count; r++)
		if (mesh_link(m, self, r, &l) &&
		    render_peer(n, &l, ifname, ++k, out, secret_end) < 0)
			return -1;
	return 0;
}

/* The interface name must be a UCI section name and a Linux interface name;
 * else says why in err, naming the option or the peer. */
static int check_ifname(const struct mesh *m, const struct mesh_node *n, const char *ifname,
			bool given, char *err, size_t errlen)
{
	const char *why = NULL;
	char q[QUOTED_LEN], ref[256], where[320];

	if (!uci_is_name(ifname) || strlen(ifname) > UCI_IFNAME_MAX)
		why = "is not a UCI interface name (letters, digits and _, at most 15)";
	for (size_t i = 0; !why && uci_default_sections[i]; i++)
		if (!strcmp(ifname, uci_default_sections[i]))
			why = "would replace a section of OpenWrt's default network "
			      "configuration";
	if (!why)
		return 0;
	if (given)
		snprintf(where, sizeof(where), "--interface");
	else
		snprintf(where, sizeof(where), "%s: column Name", peer_ref(m, n, ref, sizeof(ref)));
	snprintf(err, errlen, "%s: the uci format: %s %s%s", where, quoted(ifname, q, sizeof(q)),
		 why, given ? "" : ": name the interface with --interface");
	return -1;
}

static int uci_render(const struct mesh *m, const void *state, const struct format_opts *o,
		      size_t self, struct out_files *out, char *err, size_t errlen)
{
	const struct mesh_node *n = &m->nodes[self];
	const char *ifname = o->ifname ? o->ifname : n->name;
	struct mesh_link l;
	struct out_file *f;

	(void)state;
	if (check_ifname(m, n, ifname, o->ifname != NULL, err, errlen) < 0)
		return -1;
	/* The peers' names are the only free text in the file. */
	for (size_t r = 0; r < m->count; r++)
		if (mesh_link(m, self, r, &l) && !uci_value_ok(l.remote->name)) {
			char ref[256];
			snprintf(err, errlen, "%s: column Name: a control character, which UCI "
				 "cannot store", peer_ref(m, l.remote, ref, sizeof(ref)));
			return -1;
		}
	f = format_node_file(out, o, n, "uci");
	if (!f || render_node(m, self, ifname, &f->data, &f->secret_end) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* The reason OpenWrt's wireguard protocol cannot carry attribute id of node n. */
static const char *uci_cannot(const struct mesh_node *n, enum attr_id id)
{
	switch (id) {
	case ATTR_PREUP:
	case ATTR_POSTUP:
	case ATTR_PREDOWN:
	case ATTR_POSTDOWN:
		return "netifd runs no commands of the interface's own; a hotplug script in "
		       "/etc/hotplug.d/iface/ can";
	case ATTR_RELAY:
		/* OpenWrt forwards by default; what it forwards is the firewall's
		 * to say, and the zones are the administrator's. */
		return n->forwards ? "OpenWrt's firewall decides what is forwarded: put the "
				     "interface in a zone whose forward policy is ACCEPT"
				   : NULL;
	case ATTR_SAVECONFIG:
		return n->save_config == 1 ? "netifd configures the interface from "
					     "/etc/config/network and never saves its running state"
					   : NULL;
	default:
		return NULL;
	}
}

const struct format format_uci = {
	.name = "uci",
	.help = "NAME.uci: uci batch script for OpenWrt",
	.cannot = uci_cannot,
	.render = uci_render,
};
