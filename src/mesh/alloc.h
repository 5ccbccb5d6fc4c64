/* Addresses chosen for a new peer: per subnet the peers share (an IPv4 one, an
 * IPv6 one, or both: the prefixes of their Address values), the lowest free
 * host address with the same prefix length. Never the network address, never
 * the IPv4 broadcast address, never an address in a peer's Address or inside
 * its AllowedIPs (a route that covers the whole subnet, such as an exit node's
 * 0.0.0.0/0, takes no address of it). Deterministic: the same database gives
 * the same address; the caller holds the database lock, so that two writers
 * never take the same one. */
#ifndef WGM_ALLOC_H
#define WGM_ALLOC_H

#include "lib/ipnet.h"
#include "store/db.h"

#include <stddef.h>

/* Longest text alloc_address writes: an IPv4 and an IPv6 address with prefixes. */
#define ALLOC_STRLEN (2 * IPNET_STRLEN + 2)

/* Chooses the Address for a new peer of db (rows with an empty Address are
 * ignored). nets (n_nets, at most one per family) name the subnets; without
 * them they come from the peers' addresses. Writes "10.0.0.3/24" or
 * "10.0.0.3/24,fd00::3/64" into out. 0, or -1 with why in err (errlen bytes):
 * no subnet known, peers in several subnets of a family, a full subnet. */
int alloc_address(const struct db *db, const struct ipnet *nets, size_t n_nets,
		  char out[ALLOC_STRLEN], char *err, size_t errlen);

/* Parses a --network value: an IPv4 or IPv6 network with room for hosts.
 * 0, or -1 with why in err. */
int alloc_parse_network(struct ipnet *net, const char *text, char *err, size_t errlen);

#endif
