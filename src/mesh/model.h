/* The mesh as every output sees it, built once from the database and the
 * preshared-key store. Every value is parsed here, once, into a typed form; the
 * values the configurations need and that the database does not hold (public
 * keys, the networks routed to each node, the endpoint with its port) are
 * derived here and nowhere else. Formats, lint, showpeers, deploy and status read
 * it; none of them parses a column or derives a route again. */
#ifndef WGM_MODEL_H
#define WGM_MODEL_H

#include "lib/endpoint.h"
#include "lib/ipnet.h"
#include "lib/sshaddr.h"
#include "lib/keys.h"
#include "store/db.h"
#include "store/psk.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mesh_opts {
	bool legacy;		/* AllowedIPs as wg-meshconf 2.5.1 writes them: each
				 * Address with its own prefix, nothing masked */
	const struct psk_store *psk;	/* the pairs' preshared keys, or NULL */
};

/* One item of the DNS column: a name server or a search domain. */
struct mesh_dns {
	const char *text;	/* as written, NUL-terminated */
	bool server;		/* an IP address (addr holds it), else a search domain */
	struct ipnet addr;
};

enum mesh_table { TABLE_UNSET, TABLE_OFF, TABLE_AUTO, TABLE_ID, TABLE_NAME };

enum mesh_hook { HOOK_PREUP, HOOK_POSTUP, HOOK_PREDOWN, HOOK_POSTDOWN, HOOK_COUNT };

struct mesh_node {
	const struct peer *row;	/* the database row, for names in messages */
	const char *name;
	bool has_key;		/* the private key is there and valid */
	const char *private_key;	/* base64, as in the database ("" when none) */
	key_b64 public_key;	/* derived; "" when !has_key */

	const char *address_text;	/* Address as written: wg-quick writes it so,
				 * byte for byte what 2.5.1 writes */
	struct ipnet *addresses;	/* Address, each with its own prefix */
	size_t n_addresses;
	struct ipnet *allowed;	/* AllowedIPs, as written */
	size_t n_allowed;
	/* What every other node routes to this one: a host route per address and
	 * the masked AllowedIPs (legacy: both as written). */
	struct ipnet *routes;
	size_t n_routes;
	char *routes_text;	/* legacy only: Address and AllowedIPs as written,
				 * joined by ", " (2.5.1's AllowedIPs); else NULL */

	bool has_endpoint;
	struct endpoint endpoint;	/* its port resolved: its own, else ListenPort,
				 * else 0 (lint refuses that) */
	unsigned listen_port;	/* 0: unset */
	int keepalive;		/* towards every other node; -1: unset */
	unsigned mtu;		/* 0: unset */
	const char *fwmark_text;	/* as written, "" when unset */
	uint32_t fwmark;	/* 0: unset or "off" */
	enum mesh_table table;
	const char *table_text;	/* as written, "" when unset */
	uint32_t table_id;	/* TABLE_ID */
	struct mesh_dns *dns;
	size_t n_dns;
	const char *hooks[HOOK_COUNT];	/* "" when unset */
	int save_config;	/* -1: unset, else 0 or 1 */
	bool has_ssh;		/* the SSH column: where deploy reaches the host */
	struct ssh_target ssh;

	/* NAT and relays (mesh/plan.c). */
	bool relay;		/* marked Relay and reachable (has an Endpoint) */
	bool forwards;		/* the relay that carries some pair: its configs
				 * must enable forwarding on the interface */
	bool auto_keepalive;	/* behind NAT without PersistentKeepalive: it gets
				 * PLAN_KEEPALIVE towards every peer */
	struct ipnet *via_routes;	/* behind NAT, with a relay: what it routes to
				 * the relay (the relay's own routes, then those
				 * of every other node behind NAT) */
	size_t n_via_routes;
};

/* The keepalive a node behind NAT gets when it has none: under the 30 s or more
 * that NAT routers keep an idle UDP mapping. */
#define PLAN_KEEPALIVE 25

/* What node `self` knows of node `remote`: one [Peer] of self's configuration. */
struct mesh_link {
	const struct mesh_node *remote;
	const char *preshared_key;	/* NULL: none */
	int keepalive;		/* self's keepalive towards remote; -1: none */
	const struct ipnet *routes;	/* the networks self routes to remote */
	size_t n_routes;
};

struct mesh {
	const struct db *db;
	struct mesh_opts opts;
	struct mesh_node *nodes;	/* one per peer, in database order */
	size_t count;
	struct mesh_dns *dns_items;
	char *dns_text;
	long relay;		/* the relay of the pairs that cannot connect, or -1 */
	size_t auto_keepalives;	/* nodes given PLAN_KEEPALIVE */
};

/* Builds the mesh from db (and opts->psk). Values that do not parse (a database
 * loaded leniently for check) are left out of the model; lint has them from the
 * database's problems. Public keys are derived on every core. Allocates; release
 * with mesh_release. 0, or -1 when out of memory (with a message). */
int mesh_build(struct mesh *m, const struct db *db, const struct mesh_opts *opts);

/* The link from self to remote; false when self has none: self == remote, or a
 * pair of nodes behind NAT, which can never handshake and talk through the
 * relay instead (the relay's link carries the other's routes). */
bool mesh_link(const struct mesh *m, size_t self, size_t remote, struct mesh_link *out);

/* The relay that carries the traffic between a and b, or -1 when they talk
 * directly (or cannot talk at all: no relay and neither has an Endpoint). */
long mesh_relay_of(const struct mesh *m, size_t a, size_t b);

/* True when the relay carries IPv6 traffic: a node behind NAT has an IPv6
 * address (then its configs must enable IPv6 forwarding too). */
bool mesh_relays_ipv6(const struct mesh *m);

/* Index of the node with this public key, or -1. */
long mesh_find_key(const struct mesh *m, const char *public_key);

/* Frees everything (the model holds no copy of a key). Accepts a zeroed mesh. */
void mesh_release(struct mesh *m);

#endif
