/* The Endpoint column: "host", "host:port", "v6addr" or "[v6addr]:port". */
#ifndef WGM_ENDPOINT_H
#define WGM_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

struct endpoint {
	char host[256];		/* without brackets */
	bool ipv6;		/* host is an IPv6 literal */
	unsigned port;		/* 0 when the column has none */
};

/* True for a host name of letters, digits, '-', '.' and '_' (at most 253, not
 * starting with '-' or '.'): what an Endpoint or a DNS search domain may be. */
bool endpoint_is_hostname(const char *s, size_t len);

/* 0, or -1 when text is not a valid endpoint. */
int endpoint_parse(struct endpoint *ep, const char *text);

/* Writes "host:port", bracketing IPv6 literals; the endpoint's own port wins over
 * default_port. Returns the length as snprintf does. */
int endpoint_format(const struct endpoint *ep, unsigned default_port, char *out, size_t len);

#endif
