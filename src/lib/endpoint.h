/* The Endpoint column: "host", "host:port", "v6addr" or "[v6addr]:port". */
#ifndef WGM_ENDPOINT_H
#define WGM_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

struct ipnet;

struct endpoint {
	char host[256];		/* without brackets */
	bool ipv6;		/* host is an IPv6 literal */
	unsigned port;		/* 0 when the column has none */
};

/* True for a host name of letters, digits, '-', '.' and '_' (at most 253, not
 * starting with '-' or '.', no empty label, labels of at most 63) whose last label
 * is not a number: what an Endpoint or a DNS search domain may be. "10.0.7" or
 * "host.5" are not host names: resolvers take them for IPv4 addresses. */
bool endpoint_is_hostname(const char *s, size_t len);

/* 0, or -1 when text is not a valid endpoint. */
int endpoint_parse(struct endpoint *ep, const char *text);
/* endpoint_parse that also says, in why (len bytes), what is wrong when it can
 * tell more than the general rule: "192.168.1.300: 300 is more than 255", "0.0.0.0
 * is the unspecified address". why is "" otherwise. */
int endpoint_parse_why(struct endpoint *ep, const char *text, char *why, size_t len);

/* For an IP literal given where a host is reached (Endpoint, name server): NULL
 * when it makes sense, else what it is ("the unspecified address", "a multicast
 * address", "the broadcast address"), which no packet can be sent to. */
const char *endpoint_bad_target(const struct ipnet *ip);

/* Writes "host:port", bracketing IPv6 literals; the endpoint's own port wins over
 * default_port. Returns the length as snprintf does. */
int endpoint_format(const struct endpoint *ep, unsigned default_port, char *out, size_t len);

#endif
