#include "lib/ipnet.h"

#include "lib/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

unsigned ipnet_max_prefix(const struct ipnet *net)
{
	return net->family == AF_INET ? 32 : 128;
}

int ipnet_parse_addr(struct ipnet *net, const char *text)
{
	memset(net, 0, sizeof(*net));
	if (inet_pton(AF_INET, text, net->addr) == 1) {
		net->family = AF_INET;
		net->prefix = 32;
		return 0;
	}
	/* inet_pton accepts no zone index ("%eth0"), which wg-quick refuses too. */
	if (inet_pton(AF_INET6, text, net->addr) == 1) {
		net->family = AF_INET6;
		net->prefix = 128;
		return 0;
	}
	return -1;
}

int ipnet_parse(struct ipnet *net, const char *text)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned long prefix;
	char *end;

	if (len == 0 || len >= sizeof(addr))
		return -1;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (ipnet_parse_addr(net, addr) < 0)
		return -1;
	if (!slash)
		return 0;
	/* Digits only: no sign, no spaces, no hex, at most 3 of them, and no
	 * leading zero, which ip(8) would read as octal (/024 is /20 to it). */
	if (!isdigit((unsigned char)slash[1]) || strlen(slash + 1) > 3 ||
	    (slash[1] == '0' && slash[2]))
		return -1;
	prefix = strtoul(slash + 1, &end, 10);
	if (*end || prefix > ipnet_max_prefix(net))
		return -1;
	net->prefix = (uint8_t)prefix;
	return 0;
}

void ipnet_format(const struct ipnet *net, char out[IPNET_STRLEN])
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(net->family, net->addr, addr, sizeof(addr)))
		addr[0] = '\0';
	snprintf(out, IPNET_STRLEN, "%s/%u", addr, (unsigned)net->prefix);
}

void ipnet_mask(struct ipnet *net)
{
	unsigned bytes = ipnet_max_prefix(net) / 8, i;

	for (i = 0; i < bytes; i++) {
		unsigned start = i * 8;
		if (net->prefix >= start + 8)
			continue;
		if (net->prefix <= start)
			net->addr[i] = 0;
		else
			net->addr[i] &= (uint8_t)(0xff << (8 - (net->prefix - start)));
	}
}

void ipnet_host(struct ipnet *net)
{
	net->prefix = (uint8_t)ipnet_max_prefix(net);
}

/* Compares the first `bits` bits of two addresses. */
static int bits_cmp(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	int c = memcmp(a, b, full);

	if (c || !rest)
		return c;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (int)(a[full] & mask) - (int)(b[full] & mask);
}

bool ipnet_overlap(const struct ipnet *a, const struct ipnet *b)
{
	if (a->family != b->family)
		return false;
	return bits_cmp(a->addr, b->addr, a->prefix < b->prefix ? a->prefix : b->prefix) == 0;
}

int ipnet_cmp(const struct ipnet *a, const struct ipnet *b)
{
	int c;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	c = bits_cmp(a->addr, b->addr, a->prefix < b->prefix ? a->prefix : b->prefix);
	if (c)
		return c;
	return (int)a->prefix - (int)b->prefix;
}

int ipnet_parse_list(const char *text, struct ipnet **out, size_t *count, size_t *bad)
{
	struct ipnet *nets = NULL;
	size_t n = 0, cap = 0, len;
	const char *cursor = text, *p;
	char item[128];

	*out = NULL;
	*count = 0;
	*bad = 0;
	while (list_next(&cursor, &p, &len)) {
		if (len == 0 || len >= sizeof(item))
			goto fail;
		memcpy(item, p, len);
		item[len] = '\0';
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct ipnet *grown = realloc(nets, ncap * sizeof(*nets));
			if (!grown)
				goto fail;
			nets = grown;
			cap = ncap;
		}
		if (ipnet_parse(&nets[n], item) < 0)
			goto fail;
		n++;
	}
	*out = nets;
	*count = n;
	return 0;
fail:
	free(nets);
	*bad = n;
	return -1;
}

enum ipnet_kind ipnet_kind(const struct ipnet *net)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t zero[16], one[16] = { [15] = 1 };
	const uint8_t *a = net->addr;

	if (net->family == AF_INET6 && !memcmp(a, mapped, sizeof(mapped)))
		a += 12;
	else if (net->family == AF_INET6) {
		if (!memcmp(a, zero, 16))
			return IPNET_UNSPECIFIED;
		if (!memcmp(a, one, 16))
			return IPNET_LOOPBACK;
		return a[0] == 0xff ? IPNET_MULTICAST : IPNET_ORDINARY;
	}
	if (a[0] == 0)
		return IPNET_UNSPECIFIED;
	if (a[0] == 127)
		return IPNET_LOOPBACK;
	if ((a[0] & 0xf0) == 224)
		return IPNET_MULTICAST;
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return IPNET_BROADCAST;
	return IPNET_ORDINARY;
}

const char *ipnet_kind_name(enum ipnet_kind kind)
{
	switch (kind) {
	case IPNET_UNSPECIFIED:
		return "the unspecified address";
	case IPNET_LOOPBACK:
		return "a loopback address";
	case IPNET_MULTICAST:
		return "a multicast address";
	case IPNET_BROADCAST:
		return "the broadcast address";
	case IPNET_ORDINARY:
		break;
	}
	return "";
}

int ipnet_host_bits(const struct ipnet *net)
{
	unsigned max = ipnet_max_prefix(net);
	bool zeros = true, ones = true;

	if ((unsigned)net->prefix + 2 > max)
		return -1;
	for (unsigned bit = net->prefix; bit < max; bit++) {
		bool set = net->addr[bit / 8] & (0x80 >> (bit % 8));
		zeros = zeros && !set;
		ones = ones && set;
	}
	if (zeros)
		return 0;
	/* IPv6 has no broadcast address. */
	return ones && net->family == AF_INET ? 1 : -1;
}

bool ipnet_digits_and_dots(const char *s, size_t len)
{
	bool digit = false;

	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]) && s[i] != '.')
			return false;
		digit = digit || s[i] != '.';
	}
	return digit;
}

const char *ipnet_v4_problem(const char *s, size_t len, char *out, size_t outlen)
{
	const char *end = s + len, *p = s;
	size_t parts = 0;

	snprintf(out, outlen, "not an IPv4 address");
	for (;;) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		const char *stop = dot ? dot : end;
		int n = (int)(stop - p);
		parts++;
		if (n == 0) {
			snprintf(out, outlen, "a number is missing between two dots");
			return out;
		}
		if (n > 1 && p[0] == '0') {
			snprintf(out, outlen, "%.*s has a leading zero (read as octal by some tools)",
				 n > 10 ? 10 : n, p);
			return out;
		}
		if (n > 3 || atoi(p) > 255) {
			snprintf(out, outlen, "%.*s%s is more than 255", n > 10 ? 10 : n, p,
				 n > 10 ? "..." : "");
			return out;
		}
		if (!dot)
			break;
		p = dot + 1;
	}
	if (parts != 4)
		snprintf(out, outlen, "it has %zu number%s, not 4", parts, parts == 1 ? "" : "s");
	return out;
}
