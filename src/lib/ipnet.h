/* IPv4 and IPv6 addresses and networks, as wg and wg-quick write them. */
#ifndef WGM_IPNET_H
#define WGM_IPNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text ipnet_format writes: an IPv6 address, "/128" and the NUL. */
#define IPNET_STRLEN 51

struct ipnet {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; IPv4 uses the first 4 */
	uint8_t prefix;		/* 0-32 or 0-128 */
};

/* "10.0.0.1/24", "fd00::1/64", or a bare address (prefix = full length).
 * Surrounding spaces are not accepted. 0 or -1. */
int ipnet_parse(struct ipnet *net, const char *text);
/* A bare address, without prefix. 0 or -1. */
int ipnet_parse_addr(struct ipnet *net, const char *text);

void ipnet_format(const struct ipnet *net, char out[IPNET_STRLEN]);
unsigned ipnet_max_prefix(const struct ipnet *net);
/* Clears the host bits: 10.1.2.3/16 becomes 10.1.0.0/16. */
void ipnet_mask(struct ipnet *net);
/* The address alone, as a host route: /32 or /128. */
void ipnet_host(struct ipnet *net);
/* True when one network contains the other (after masking both). */
bool ipnet_overlap(const struct ipnet *a, const struct ipnet *b);
/* Orders by family, masked address, then prefix. */
int ipnet_cmp(const struct ipnet *a, const struct ipnet *b);

/* What an address is, for the columns where some kinds make no sense. */
enum ipnet_kind {
	IPNET_ORDINARY,
	IPNET_UNSPECIFIED,	/* 0.0.0.0/8 ("this network"), :: */
	IPNET_LOOPBACK,		/* 127.0.0.0/8, ::1 */
	IPNET_MULTICAST,	/* 224.0.0.0/4, ff00::/8 */
	IPNET_BROADCAST,	/* 255.255.255.255 */
};
/* The kind of the address of net (its prefix is ignored); an IPv4-mapped IPv6
 * address (::ffff:a.b.c.d) is of the kind of its IPv4 address. */
enum ipnet_kind ipnet_kind(const struct ipnet *net);
/* "the unspecified address", "a loopback address", ...; "" for IPNET_ORDINARY. */
const char *ipnet_kind_name(enum ipnet_kind kind);

/* Of an address with its prefix: 0 when its host bits are all zero (the network
 * address itself), 1 when all one (the IPv4 broadcast address), -1 otherwise or
 * when there are fewer than 2 host bits (/31, /32, /127, /128 have neither). */
int ipnet_host_bits(const struct ipnet *net);

/* True for len bytes of digits and dots with at least one digit: what wg-quick
 * and resolvers take for an IPv4 address, never for a host name. */
bool ipnet_digits_and_dots(const char *s, size_t len);
/* For such a text that is not a valid IPv4 address, writes into out what is wrong
 * with it ("300 is more than 255", "3 numbers, not 4") and returns out. */
const char *ipnet_v4_problem(const char *s, size_t len, char *out, size_t outlen);

/* Splits a comma-separated list ("10.0.0.1/24, fd00::1/64"), trimming spaces
 * around items. Allocates *out (free with free()); empty items are refused.
 * On error returns -1 and sets *bad to the index of the offending item. */
int ipnet_parse_list(const char *text, struct ipnet **out, size_t *count, size_t *bad);

#endif
