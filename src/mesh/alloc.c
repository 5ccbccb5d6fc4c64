#include "mesh/alloc.h"

#include "lib/util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static bool in_net(const struct ipnet *net, const uint8_t *addr)
{
	struct ipnet a = { .family = net->family, .prefix = net->prefix };

	memcpy(a.addr, addr, addr_len(net->family));
	ipnet_mask(&a);
	return !memcmp(a.addr, net->addr, addr_len(net->family));
}

/* The last address of a (masked) network. */
static void last_of(const struct ipnet *net, uint8_t *out)
{
	unsigned max = ipnet_max_prefix(net);

	memcpy(out, net->addr, addr_len(net->family));
	for (unsigned bit = net->prefix; bit < max; bit++)
		out[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
}

/* addr + 1; false when it wraps. */
static bool next(uint8_t *addr, size_t len)
{
	for (size_t i = len; i-- > 0;)
		if (++addr[i])
			return true;
	return false;
}

struct used {
	struct ipnet *v;
	size_t n, cap;
};

static int add_used(struct used *u, const struct ipnet *net)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		struct ipnet *grown = realloc(u->v, cap * sizeof(*grown));
		if (!grown)
			return -1;
		u->v = grown;
		u->cap = cap;
	}
	u->v[u->n++] = *net;
	return 0;
}

/* What the peers take of subnet s: each Address as a host, each AllowedIPs
 * network inside or across s, masked. */
static int collect_used(const struct db *db, const struct ipnet *s, struct used *u)
{
	static const enum attr_id cols[2] = { ATTR_ADDRESS, ATTR_ALLOWEDIPS };

	for (size_t i = 0; i < db->count; i++) {
		for (int c = 0; c < 2; c++) {
			struct ipnet *v = NULL;
			size_t n = 0, bad;
			const char *text = peer_get(&db->peers[i], cols[c]);
			if (!*text)
				continue;
			errno = 0;
			if (ipnet_parse_list(text, &v, &n, &bad) < 0) {
				if (errno == ENOMEM)
					return -1;
				continue;
			}
			for (size_t k = 0; k < n; k++) {
				struct ipnet r = v[k];
				if (r.family != s->family)
					continue;
				if (c == 0)
					ipnet_host(&r);
				ipnet_mask(&r);
				/* A route around the whole subnet is not an address in it. */
				if (c == 1 && r.prefix <= s->prefix)
					continue;
				if (ipnet_overlap(&r, s) && add_used(u, &r) < 0) {
					free(v);
					return -1;
				}
			}
			free(v);
		}
	}
	return 0;
}

/* The lowest free host of s into *out (with s's prefix). 0, 1 when s is full,
 * -1 when out of memory. */
static int lowest_free(const struct db *db, const struct ipnet *s, struct ipnet *out)
{
	size_t len = addr_len(s->family);
	unsigned max = ipnet_max_prefix(s);
	uint8_t cand[16] = { 0 }, last[16] = { 0 };
	struct used u = { 0 };
	int ret = 1;

	if (collect_used(db, s, &u) < 0) {
		free(u.v);
		return -1;
	}
	memcpy(cand, s->addr, len);
	last_of(s, last);
	/* /31, /32, /127 and /128 have no network or broadcast address to skip. */
	if (s->prefix + 1u < max) {
		next(cand, len);
		if (s->family == AF_INET)
			for (size_t i = len; i-- > 0;)
				if (last[i]--)
					break;
	}
	for (;;) {
		bool taken = false;
		if (memcmp(cand, last, len) > 0)
			break;
		for (size_t k = 0; k < u.n && !taken; k++) {
			if (!in_net(&u.v[k], cand))
				continue;
			/* Past the whole of that network at once. */
			taken = true;
			last_of(&u.v[k], cand);
		}
		if (!taken) {
			*out = *s;
			memcpy(out->addr, cand, len);
			ret = 0;
			break;
		}
		if (!next(cand, len))
			break;
	}
	free(u.v);
	return ret;
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* The subnet of family the peers share: 1 found, 0 none of that family, -1 when
 * they are in several (err says which). */
static int shared_subnet(const struct db *db, int family, struct ipnet *out, char *err,
			 size_t errlen)
{
	bool found = false;

	for (size_t i = 0; i < db->count; i++) {
		struct ipnet *v = NULL;
		size_t n = 0, bad;
		const char *text = peer_get(&db->peers[i], ATTR_ADDRESS);
		if (!*text || ipnet_parse_list(text, &v, &n, &bad) < 0)
			continue;
		for (size_t k = 0; k < n; k++) {
			struct ipnet s = v[k];
			if (s.family != family)
				continue;
			ipnet_mask(&s);
			if (!found) {
				*out = s;
				found = true;
			} else if (s.prefix != out->prefix || memcmp(s.addr, out->addr, addr_len(family))) {
				char a[IPNET_STRLEN], b[IPNET_STRLEN];
				ipnet_format(out, a);
				ipnet_format(&s, b);
				snprintf(err, errlen, "the peers' %s addresses are in several subnets (%s, "
					 "%s, ...): name the one to take an address from with --network "
					 "%s", family_name(family), a, b, a);
				free(v);
				return -1;
			}
		}
		free(v);
	}
	return found;
}

int alloc_parse_network(struct ipnet *net, const char *text, char *err, size_t errlen)
{
	char q[QUOTED_LEN];

	if (ipnet_parse(net, text) < 0 || !strchr(text, '/')) {
		snprintf(err, errlen, "%s is not a network (10.0.0.0/24, fd00::/64)",
			 quoted(text, q, sizeof(q)));
		return -1;
	}
	ipnet_mask(net);
	if (net->prefix == ipnet_max_prefix(net)) {
		snprintf(err, errlen, "%s is a single address, not a network to choose from",
			 quoted(text, q, sizeof(q)));
		return -1;
	}
	return 0;
}

int alloc_address(const struct db *db, const struct ipnet *nets, size_t n_nets,
		  char out[ALLOC_STRLEN], char *err, size_t errlen)
{
	static const int families[2] = { AF_INET, AF_INET6 };
	struct ipnet subnet[2];
	bool have[2] = { false, false };
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n_nets; i++) {
		int f = nets[i].family == AF_INET ? 0 : 1;
		if (have[f]) {
			snprintf(err, errlen, "--network: one %s network only", family_name(families[f]));
			return -1;
		}
		subnet[f] = nets[i];
		have[f] = true;
	}
	for (int f = 0; f < 2 && !n_nets; f++) {
		int r = shared_subnet(db, families[f], &subnet[f], err, errlen);
		if (r < 0)
			return -1;
		have[f] = r == 1;
	}
	if (!have[0] && !have[1]) {
		snprintf(err, errlen, "no peer has an address to take the subnet from: name it "
			 "with --network 10.0.0.0/24 (and --network fd00::/64 for IPv6)");
		return -1;
	}
	for (int f = 0; f < 2; f++) {
		struct ipnet host;
		char text[IPNET_STRLEN];
		int r;
		if (!have[f])
			continue;
		if ((r = lowest_free(db, &subnet[f], &host)) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (r > 0) {
			ipnet_format(&subnet[f], text);
			snprintf(err, errlen, "%s is full: every host address in it is a peer's "
				 "Address or inside its AllowedIPs; nothing changed", text);
			return -1;
		}
		ipnet_format(&host, text);
		len += (size_t)snprintf(out + len, ALLOC_STRLEN - len, "%s%s", len ? "," : "", text);
	}
	return 0;
}
