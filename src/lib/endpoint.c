#include "lib/endpoint.h"

#include "lib/ipnet.h"

#include <ctype.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *s, unsigned *port)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)s[0]) || strlen(s) > 5)
		return -1;
	n = strtoul(s, &end, 10);
	if (*end || n < 1 || n > 65535)
		return -1;
	*port = (unsigned)n;
	return 0;
}

bool endpoint_is_hostname(const char *s, size_t len)
{
	if (len == 0 || len > 253 || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-._", s[i]))
			return false;
	return true;
}

int endpoint_parse(struct endpoint *ep, const char *text)
{
	struct ipnet ip;
	const char *colon;
	size_t len = strlen(text);

	memset(ep, 0, sizeof(*ep));
	/* The host and, after it, ":65535" at the most. */
	if (len == 0 || len >= sizeof(ep->host) + 6)
		return -1;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || (size_t)(close - text - 1) >= sizeof(ep->host))
			return -1;
		memcpy(ep->host, text + 1, (size_t)(close - text - 1));
		if (ipnet_parse_addr(&ip, ep->host) < 0 || ip.family != AF_INET6)
			return -1;
		ep->ipv6 = true;
		if (close[1] == '\0')
			return 0;
		return close[1] == ':' ? parse_port(close + 2, &ep->port) : -1;
	}
	colon = strchr(text, ':');
	if (colon && strchr(colon + 1, ':')) {
		/* Two colons or more: a bare IPv6 literal, without port. */
		if (ipnet_parse_addr(&ip, text) < 0)
			return -1;
		if (len >= sizeof(ep->host))
			return -1;
		memcpy(ep->host, text, len + 1);
		ep->ipv6 = true;
		return 0;
	}
	if (colon) {
		if ((size_t)(colon - text) >= sizeof(ep->host))
			return -1;
		memcpy(ep->host, text, (size_t)(colon - text));
		if (parse_port(colon + 1, &ep->port) < 0)
			return -1;
	} else {
		if (len >= sizeof(ep->host))
			return -1;
		memcpy(ep->host, text, len + 1);
	}
	return endpoint_is_hostname(ep->host, strlen(ep->host)) ? 0 : -1;
}

int endpoint_format(const struct endpoint *ep, unsigned default_port, char *out, size_t len)
{
	unsigned port = ep->port ? ep->port : default_port;

	if (ep->ipv6)
		return snprintf(out, len, "[%s]:%u", ep->host, port);
	return snprintf(out, len, "%s:%u", ep->host, port);
}
