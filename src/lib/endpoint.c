#include "lib/endpoint.h"

#include "lib/ipnet.h"

#include <ctype.h>
#include <stdarg.h>
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
	size_t label = 0, last = 0;

	/* A trailing dot (a fully qualified name) ends the last label. */
	if (len > 1 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
			last = i + 1;
			continue;
		}
		if ((!isalnum((unsigned char)s[i]) && !strchr("-_", s[i])) || ++label > 63)
			return false;
	}
	/* No top-level domain is a number: "10.0.7" is an IPv4 address to a resolver. */
	return strspn(s + last, "0123456789") != len - last;
}

const char *endpoint_bad_target(const struct ipnet *ip)
{
	enum ipnet_kind kind = ipnet_kind(ip);

	/* Loopback stays: a test mesh in network namespaces may well use it. */
	if (kind == IPNET_UNSPECIFIED || kind == IPNET_MULTICAST || kind == IPNET_BROADCAST)
		return ipnet_kind_name(kind);
	return NULL;
}

static void say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* Checks the host part (without brackets): an IP literal that makes sense as a
 * target, or a host name. */
static int check_host(const char *host, bool v6, char *why, size_t len)
{
	struct ipnet ip;
	size_t n = strlen(host);
	const char *bad;
	char problem[64];

	if (v6 || ipnet_digits_and_dots(host, n)) {
		if (ipnet_parse_addr(&ip, host) < 0 || (v6 && ip.family != AF_INET6) ||
		    (!v6 && ip.family != AF_INET)) {
			if (!v6)
				say(why, len, "it looks like an IPv4 address, but %s",
				    ipnet_v4_problem(host, n, problem, sizeof(problem)));
			return -1;
		}
		if ((bad = endpoint_bad_target(&ip))) {
			say(why, len, "%s is %s, which no peer can be reached at", host, bad);
			return -1;
		}
		return 0;
	}
	if (!endpoint_is_hostname(host, n)) {
		const char *dot = strrchr(host, '.');
		if (dot && dot[1] && strspn(dot + 1, "0123456789") == strlen(dot + 1))
			say(why, len, "it ends in a number (%s), which no host name does",
			    dot + 1);
		return -1;
	}
	return 0;
}

int endpoint_parse(struct endpoint *ep, const char *text)
{
	return endpoint_parse_why(ep, text, NULL, 0);
}

int endpoint_parse_why(struct endpoint *ep, const char *text, char *why, size_t wlen)
{
	struct ipnet ip;
	const char *colon;
	size_t len = strlen(text);

	memset(ep, 0, sizeof(*ep));
	if (why && wlen)
		why[0] = '\0';
	/* The host and, after it, ":65535" at the most. */
	if (len == 0 || len >= sizeof(ep->host) + 6)
		return -1;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || (size_t)(close - text - 1) >= sizeof(ep->host))
			return -1;
		memcpy(ep->host, text + 1, (size_t)(close - text - 1));
		if (check_host(ep->host, true, why, wlen) < 0)
			return -1;
		ep->ipv6 = true;
		if (close[1] == '\0')
			return 0;
		return close[1] == ':' ? parse_port(close + 2, &ep->port) : -1;
	}
	colon = strchr(text, ':');
	if (colon && strchr(colon + 1, ':')) {
		/* Two colons or more: a bare IPv6 literal, without port. */
		if (len >= sizeof(ep->host) || ipnet_parse_addr(&ip, text) < 0)
			return -1;
		memcpy(ep->host, text, len + 1);
		ep->ipv6 = true;
		return check_host(ep->host, true, why, wlen);
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
	return check_host(ep->host, false, why, wlen);
}

int endpoint_format(const struct endpoint *ep, unsigned default_port, char *out, size_t len)
{
	unsigned port = ep->port ? ep->port : default_port;

	if (ep->ipv6)
		return snprintf(out, len, "[%s]:%u", ep->host, port);
	return snprintf(out, len, "%s:%u", ep->host, port);
}
