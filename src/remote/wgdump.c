#include "remote/wgdump.h"

#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 8

/* Splits line (NUL-terminated, modified) at tabs. Returns the field count, or
 * MAX_FIELDS + 1 when there are more. */
static size_t split(char *line, char *f[MAX_FIELDS])
{
	size_t n = 0;

	for (char *p = line;; p++) {
		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		f[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			return n;
		*p = '\0';
	}
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno || v > max)
		return false;
	*out = v;
	return true;
}

/* A key field: 44 characters of base64 that decode to 32 bytes, or "(none)". */
static bool parse_key(const char *s, bool *present, char *out)
{
	uint8_t key[KEY_LEN];
	bool ok;

	if (!strcmp(s, "(none)")) {
		*present = false;
		if (out)
			*out = '\0';
		return true;
	}
	ok = key_from_base64(key, s) == 0;
	key_wipe(key, sizeof(key));
	if (ok && out)
		memcpy(out, s, KEY_B64_LEN + 1);
	*present = ok;
	return ok;
}

static int parse_interface(struct wgdump *d, char **f, char *err, size_t errlen)
{
	uint64_t v;
	bool pub;

	if (!parse_key(f[0], &d->has_private_key, NULL))
		return snprintf(err, errlen, "line 1: the private key is not a key"), -1;
	if (!parse_key(f[1], &pub, d->public_key))
		return snprintf(err, errlen, "line 1: the public key is not a key"), -1;
	if (!parse_u64(f[2], 65535, &v))
		return snprintf(err, errlen, "line 1: the listen port is not a port"), -1;
	d->listen_port = (unsigned)v;
	if (!strcmp(f[3], "off")) {
		d->fwmark = 0;
	} else {
		char *end;
		unsigned long m;
		errno = 0;
		if (strncmp(f[3], "0x", 2) || !f[3][2] || f[3][2] == '-' || f[3][2] == '+' ||
		    ((m = strtoul(f[3] + 2, &end, 16)), *end) || errno || m > 0xffffffffUL)
			return snprintf(err, errlen, "line 1: the fwmark is not 0x... or off"), -1;
		d->fwmark = (uint32_t)m;
	}
	return 0;
}

static int parse_allowed(struct wgdump_peer *p, char *s)
{
	size_t n = 1, i = 0;

	if (!strcmp(s, "(none)"))
		return 0;
	for (const char *c = s; *c; c++)
		n += *c == ',';
	if (!(p->allowed = calloc(n, sizeof(*p->allowed))))
		return -1;
	for (char *item = s, *comma; item; item = comma) {
		if ((comma = strchr(item, ',')))
			*comma++ = '\0';
		/* wg always prints a prefix. */
		if (!strchr(item, '/') || ipnet_parse(&p->allowed[i], item) < 0)
			return -1;
		i++;
	}
	p->n_allowed = i;
	return 0;
}

/* "ip:port" or "[v6]:port" as getnameinfo gives them to wg, or "(none)". */
static bool valid_endpoint(const char *s)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	struct ipnet ip;
	uint64_t port;
	size_t hl;

	if (!strcmp(s, "(none)"))
		return true;
	if (!colon || !parse_u64(colon + 1, 65535, &port))
		return false;
	hl = (size_t)(colon - s);
	bool br = s[0] == '[';
	if (br) {
		if (hl < 3 || s[hl - 1] != ']')
			return false;
		s++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	/* A scoped link-local address (fe80::1%eth0) has its zone after '%'. */
	char *pct = strchr(host, '%');
	if (pct && br)
		*pct = '\0';
	if (ipnet_parse_addr(&ip, host) < 0)
		return false;
	return br == (ip.family == AF_INET6);
}

static int parse_peer(struct wgdump_peer *p, char **f, size_t line, char *err, size_t errlen)
{
	uint64_t v;
	bool pub;

	if (!parse_key(f[0], &pub, p->public_key) || !pub)
		return snprintf(err, errlen, "line %zu: the peer's public key is not a key", line), -1;
	if (!parse_key(f[1], &p->has_psk, NULL))
		return snprintf(err, errlen, "line %zu: the preshared key is not a key", line), -1;
	if (!valid_endpoint(f[2]) || strlen(f[2]) >= sizeof(p->endpoint))
		return snprintf(err, errlen, "line %zu: the endpoint is not ip:port", line), -1;
	if (strcmp(f[2], "(none)"))
		memcpy(p->endpoint, f[2], strlen(f[2]) + 1);
	if (parse_allowed(p, f[3]) < 0)
		return snprintf(err, errlen, "line %zu: the allowed ips are not networks", line), -1;
	if (!parse_u64(f[4], INT64_MAX, &v))
		return snprintf(err, errlen, "line %zu: the latest handshake is not a time", line), -1;
	p->handshake = (int64_t)v;
	if (!parse_u64(f[5], UINT64_MAX, &p->rx) || !parse_u64(f[6], UINT64_MAX, &p->tx))
		return snprintf(err, errlen, "line %zu: the transfer is not a number", line), -1;
	if (!strcmp(f[7], "off"))
		p->keepalive = 0;
	else if (parse_u64(f[7], 65535, &v) && v)
		p->keepalive = (unsigned)v;
	else
		return snprintf(err, errlen, "line %zu: the keepalive is not seconds or off", line), -1;
	return 0;
}

int wgdump_parse(struct wgdump *d, const char *text, size_t len, char *err, size_t errlen)
{
	char *copy = malloc(len + 1), *line, *next;
	size_t lineno = 0, cap = 0;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	*err = '\0';
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "a NUL byte in the dump");
		goto out;
	}
	for (line = copy; line && *line; line = next) {
		char *f[MAX_FIELDS];
		size_t n;
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		lineno++;
		n = split(line, f);
		if (lineno == 1) {
			if (n != 4) {
				snprintf(err, errlen, "line 1: %zu fields, not the 4 of an interface", n);
				goto out;
			}
			if (parse_interface(d, f, err, errlen) < 0)
				goto out;
			continue;
		}
		if (n != 8) {
			snprintf(err, errlen, "line %zu: %zu fields, not the 8 of a peer", lineno, n);
			goto out;
		}
		if (d->count == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct wgdump_peer *v = realloc(d->peers, ncap * sizeof(*v));
			if (!v) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			d->peers = v;
			cap = ncap;
		}
		memset(&d->peers[d->count], 0, sizeof(d->peers[0]));
		d->count++;
		if (parse_peer(&d->peers[d->count - 1], f, lineno, err, errlen) < 0)
			goto out;
		if (wgdump_find(d, d->peers[d->count - 1].public_key) != &d->peers[d->count - 1]) {
			snprintf(err, errlen, "line %zu: a peer twice", lineno);
			goto out;
		}
	}
	if (!lineno) {
		snprintf(err, errlen, "empty dump");
		goto out;
	}
	ret = 0;
out:
	key_wipe(copy, len + 1);
	free(copy);
	if (ret < 0) {
		wgdump_free(d);
		memset(d, 0, sizeof(*d));
	}
	return ret;
}

const struct wgdump_peer *wgdump_find(const struct wgdump *d, const char *public_key)
{
	for (size_t i = 0; i < d->count; i++)
		if (!strcmp(d->peers[i].public_key, public_key))
			return &d->peers[i];
	return NULL;
}

void wgdump_free(struct wgdump *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->count; i++)
		free(d->peers[i].allowed);
	free(d->peers);
	d->peers = NULL;
	d->count = 0;
}
