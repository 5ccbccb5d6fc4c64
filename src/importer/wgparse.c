#include "importer/wgparse.h"

#include "lib/buf.h"
#include "lib/regfile.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WGP_MAX_BYTES (1u << 20)

static const char *const ikey_names[WGP_IKEY_COUNT] = {
	"PrivateKey", "ListenPort", "FwMark", "Address", "DNS", "MTU", "Table",
	"PreUp", "PostUp", "PreDown", "PostDown", "SaveConfig",
};

enum pkey { P_PUBLICKEY, P_PRESHAREDKEY, P_ENDPOINT, P_ALLOWEDIPS, P_KEEPALIVE, P_COUNT };

static const char *const pkey_names[P_COUNT] = {
	"PublicKey", "PresharedKey", "Endpoint", "AllowedIPs", "PersistentKeepalive",
};

const char *wgp_ikey_name(enum wgp_ikey k)
{
	return ikey_names[k];
}

enum section { SEC_NONE, SEC_IFACE, SEC_PEER };

struct ctx {
	struct wgp_file *f;
	enum section sec;
	size_t line;
	char *err;
	size_t errlen;
	size_t peer_seen[P_COUNT];	/* line of each key in the current [Peer] */
};

static int fail(struct ctx *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, const char *key, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key)
		snprintf(c->err, c->errlen, "%s:%zu: %s: %s", c->f->path, c->line, key, msg);
	else
		snprintf(c->err, c->errlen, "%s:%zu: %s", c->f->path, c->line, msg);
	return -1;
}

static int oom(struct ctx *c)
{
	snprintf(c->err, c->errlen, "%s: out of memory", c->f->path);
	return -1;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\v' || ch == '\f' || ch == '\r' || ch == '\n';
}

/* Copies s[0..len) trimmed into a new string. */
static char *trimmed(const char *s, size_t len)
{
	char *out;

	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	if (!(out = malloc(len + 1)))
		return NULL;
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

/* wg removes every space of a line before reading it. */
static void drop_spaces(char *s)
{
	char *o = s;

	for (; *s; s++)
		if (!is_space(*s))
			*o++ = *s;
	*o = '\0';
}

/* A "# Name: X" comment (its text after '#'): X, allocated, or NULL. */
static char *name_comment(const char *after_hash)
{
	const char *p = after_hash;

	while (is_space(*p))
		p++;
	if (strncasecmp(p, "Name:", 5))
		return NULL;
	p += 5;
	return trimmed(p, strlen(p));
}

static int set_name(struct ctx *c, char **slot, size_t *slot_line, char *name)
{
	if (!*name) {
		free(name);
		return 0;
	}
	if (*slot) {
		free(name);
		return fail(c, NULL, "a second \"# Name:\" comment in this section (the first is on "
			    "line %zu)", *slot_line);
	}
	*slot = name;
	*slot_line = c->line;
	return 0;
}

static int section(struct ctx *c, char *head)
{
	struct wgp_file *f = c->f;
	struct wgp_peer *grown;

	drop_spaces(head);
	if (c->sec == SEC_PEER && !f->peers[f->n_peers - 1].public_key[0])
		return fail(c, NULL, "the [Peer] of line %zu has no PublicKey",
			    f->peers[f->n_peers - 1].line);
	if (!strcasecmp(head, "[Interface]")) {
		if (f->iface_line)
			return fail(c, NULL, "a second [Interface] section (the first is on line %zu)",
				    f->iface_line);
		f->iface_line = c->line;
		c->sec = SEC_IFACE;
		return 0;
	}
	if (strcasecmp(head, "[Peer]")) {
		char q[QUOTED_LEN];
		return fail(c, NULL, "%s is not a section: [Interface] or [Peer]",
			    quoted(head, q, sizeof(q)));
	}
	if (!(grown = realloc(f->peers, (f->n_peers + 1) * sizeof(*grown))))
		return oom(c);
	f->peers = grown;
	memset(&f->peers[f->n_peers], 0, sizeof(*grown));
	f->peers[f->n_peers].line = c->line;
	f->peers[f->n_peers].keepalive = -1;
	f->n_peers++;
	memset(c->peer_seen, 0, sizeof(c->peer_seen));
	c->sec = SEC_PEER;
	return 0;
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* A number of at most max, in decimal (or "0x" hex when hex). */
static bool number(const char *s, unsigned long long max, bool hex)
{
	char *end;
	unsigned long long n;
	int base = 10;

	if (!isdigit((unsigned char)s[0]))
		return false;
	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2])
		base = 16;
	else if (!all_digits(s) || strlen(s) > 20)
		return false;
	errno = 0;
	n = strtoull(s, &end, base);
	return !*end && !errno && n <= max;
}

static int parse_key(struct ctx *c, const char *key, const char *v, key_b64 out)
{
	uint8_t bin[KEY_LEN];
	int r = key_from_base64(bin, v);

	key_wipe(bin, sizeof(bin));
	if (r < 0)
		return fail(c, key, "not a key (44 characters of base64, as wg genkey prints)");
	memcpy(out, v, KEY_B64_LEN + 1);
	return 0;
}

/* Splits a list at commas (and, for wg-quick's Address and DNS, at spaces as
 * bash does) and checks each item; appends the items, joined by ",", to out. */
static int list_items(struct ctx *c, const char *key, const char *v, bool split_spaces,
		      int (*check)(struct ctx *, const char *, const char *), struct buf *out)
{
	const char *p = v;

	while (*p) {
		size_t n = split_spaces ? strcspn(p, ", \t\v\f") : strcspn(p, ",");
		char *item = trimmed(p, n);
		if (!item)
			return oom(c);
		if (*item) {
			if (check(c, key, item) < 0) {
				free(item);
				return -1;
			}
			if ((out->len && buf_putc(out, ',') < 0) || buf_puts(out, item) < 0) {
				free(item);
				return oom(c);
			}
		} else if (!split_spaces || p[n] == ',') {
			free(item);
			return fail(c, key, "an empty item in the list");
		}
		free(item);
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

static int check_net(struct ctx *c, const char *key, const char *item)
{
	struct ipnet net;
	char q[QUOTED_LEN];

	if (ipnet_parse(&net, item) < 0)
		return fail(c, key, "%s is not an IP address or network", quoted(item, q, sizeof(q)));
	return 0;
}

static int check_dns(struct ctx *c, const char *key, const char *item)
{
	struct ipnet ip;
	char q[QUOTED_LEN];

	if (ipnet_parse_addr(&ip, item) < 0 && !endpoint_is_hostname(item, strlen(item)))
		return fail(c, key, "%s is neither an IP address nor a search domain",
			    quoted(item, q, sizeof(q)));
	return 0;
}

static int interface_key(struct ctx *c, enum wgp_ikey k, const char *key, char *v, char *whole)
{
	struct wgp_value *val = &c->f->v[k];
	bool list = k == WGP_ADDRESS || k == WGP_DNS;
	bool hook = k >= WGP_PREUP && k <= WGP_POSTDOWN;
	struct buf b = BUF_INIT;
	char q[QUOTED_LEN];
	int ret = -1;

	if (val->text && !list && !hook)
		return fail(c, key, "given twice (also on line %zu)", val->line);
	if (hook)
		v = whole;	/* wg-quick keeps a hook's '#' */
	if (k <= WGP_FWMARK)
		drop_spaces(v);
	if (!*v)
		return fail(c, key, "empty value");
	if (val->text && buf_puts(&b, val->text) < 0)
		goto oom;
	switch (k) {
	case WGP_PRIVATEKEY: {
		key_b64 tmp;
		if (parse_key(c, key, v, tmp) < 0)
			goto out;
		key_wipe(tmp, sizeof(tmp));
		break;
	}
	case WGP_LISTENPORT:
		if (!number(v, 65535, false)) {
			fail(c, key, "%s is not a port number (0-65535)", quoted(v, q, sizeof(q)));
			goto out;
		}
		break;
	case WGP_FWMARK:
		if (strcasecmp(v, "off") && !number(v, 0xffffffffULL, true)) {
			fail(c, key, "%s is neither off nor a number up to 0xffffffff",
			     quoted(v, q, sizeof(q)));
			goto out;
		}
		break;
	case WGP_MTU:
		if (!all_digits(v)) {
			fail(c, key, "%s is not a number", quoted(v, q, sizeof(q)));
			goto out;
		}
		break;
	case WGP_SAVECONFIG:
		/* wg-quick compares under nocasematch: 2.5.1's "True" is true. */
		if (strcasecmp(v, "true") && strcasecmp(v, "false")) {
			fail(c, key, "%s is neither true nor false", quoted(v, q, sizeof(q)));
			goto out;
		}
		break;
	case WGP_ADDRESS:
		if (list_items(c, key, v, true, check_net, &b) < 0)
			goto out;
		break;
	case WGP_DNS:
		if (list_items(c, key, v, true, check_dns, &b) < 0)
			goto out;
		break;
	default:
		break;
	}
	if (!list) {
		if ((b.len && buf_putc(&b, '\n') < 0) || buf_puts(&b, v) < 0)
			goto oom;
	}
	if (buf_putc(&b, '\0') < 0)
		goto oom;
	if (!val->text)
		val->line = c->line;
	free(val->text);
	val->text = b.data;
	b = (struct buf)BUF_INIT;
	val->count++;
	ret = 0;
	goto out;
oom:
	ret = oom(c);
out:
	buf_free(&b);
	return ret;
}

/* wg's Endpoint: "[v6]:port", else "host:port" split at the last colon (2.5.1
 * writes IPv6 so, without brackets). */
static int parse_endpoint(struct ctx *c, const char *key, const char *v, struct wgp_peer *p)
{
	char text[300], why[128] = "", q[QUOTED_LEN];
	const char *colon;
	bool bracketed = v[0] == '[';
	size_t hlen;

	if (bracketed) {
		const char *close = strchr(v, ']');
		if (!close || close[1] != ':' || !close[2])
			return fail(c, key, "%s has no port after its ']'", quoted(v, q, sizeof(q)));
		colon = close + 1;
		hlen = (size_t)(close - v - 1);
		v++;
	} else {
		if (!(colon = strrchr(v, ':')) || !colon[1])
			return fail(c, key, "%s has no :port (wg needs one)", quoted(v, q, sizeof(q)));
		hlen = (size_t)(colon - v);
	}
	if (!all_digits(colon + 1) || !number(colon + 1, 65535, false) || !strtoul(colon + 1, NULL, 10))
		return fail(c, key, "%s is not a port (1-65535)", quoted(colon + 1, q, sizeof(q)));
	if (hlen >= 256)
		return fail(c, key, "host name too long");
	if (memchr(v, ':', hlen) || bracketed)
		snprintf(text, sizeof(text), "[%.*s]%s", (int)hlen, v, colon);
	else
		snprintf(text, sizeof(text), "%.*s%s", (int)hlen, v, colon);
	if (endpoint_parse_why(&p->endpoint, text, why, sizeof(why)) < 0 || (bracketed && !p->endpoint.ipv6))
		return fail(c, key, "%s is not HOST:PORT or [IPv6]:PORT%s%s", quoted(text, q, sizeof(q)),
			    *why ? ": " : "", why);
	p->has_endpoint = true;
	p->endpoint_bracketed = bracketed;
	p->endpoint_line = c->line;
	return 0;
}

static int parse_allowed(struct ctx *c, const char *key, const char *v, struct wgp_peer *p)
{
	const char *s = v;

	while (*s) {
		size_t n = strcspn(s, ",");
		char item[IPNET_STRLEN + 8], q[QUOTED_LEN];
		struct ipnet net, *grown;
		if (n == 0 || n >= sizeof(item))
			return fail(c, key, n ? "%s is not an IP network" : "an empty item in the list%s",
				    n ? quoted(s, q, sizeof(q)) : "");
		memcpy(item, s, n);
		item[n] = '\0';
		if (ipnet_parse(&net, item) < 0)
			return fail(c, key, "%s is not an IP network", quoted(item, q, sizeof(q)));
		if (!(grown = realloc(p->allowed, (p->n_allowed + 1) * sizeof(*grown))))
			return oom(c);
		p->allowed = grown;
		p->allowed[p->n_allowed++] = net;
		s += n;
		if (*s && !*++s)
			return fail(c, key, "an empty item in the list");
	}
	if (!p->has_allowed)
		p->allowed_line = c->line;
	p->has_allowed = true;
	return 0;
}

static int peer_key(struct ctx *c, enum pkey k, const char *key, char *v)
{
	struct wgp_peer *p = &c->f->peers[c->f->n_peers - 1];
	char q[QUOTED_LEN];

	drop_spaces(v);
	if (c->peer_seen[k] && k != P_ALLOWEDIPS)
		return fail(c, key, "given twice in this [Peer] (also on line %zu)", c->peer_seen[k]);
	c->peer_seen[k] = c->line;
	if (!*v)
		return fail(c, key, "empty value");
	switch (k) {
	case P_PUBLICKEY:
		return parse_key(c, key, v, p->public_key);
	case P_PRESHAREDKEY:
		p->psk_line = c->line;
		return parse_key(c, key, v, p->preshared_key);
	case P_ENDPOINT:
		return parse_endpoint(c, key, v, p);
	case P_ALLOWEDIPS:
		return parse_allowed(c, key, v, p);
	case P_KEEPALIVE:
		p->keepalive_line = c->line;
		if (!strcasecmp(v, "off")) {
			p->keepalive = 0;
			return 0;
		}
		if (!number(v, 65535, false))
			return fail(c, key, "%s is neither off nor 0-65535", quoted(v, q, sizeof(q)));
		p->keepalive = (int)strtol(v, NULL, 10);
		return 0;
	default:
		return 0;
	}
}

static int key_line(struct ctx *c, char *stripped, const char *raw)
{
	char *eq = strchr(stripped, '='), *key, *value, *whole = NULL;
	const char *raw_eq = strchr(raw, '=');
	char q[QUOTED_LEN];
	int ret = -1;

	if (!eq)
		return fail(c, NULL, "%s is neither KEY = VALUE nor a [section]",
			    quoted(stripped, q, sizeof(q)));
	key = trimmed(stripped, (size_t)(eq - stripped));
	value = trimmed(eq + 1, strlen(eq + 1));
	whole = trimmed(raw_eq + 1, strlen(raw_eq + 1));
	if (!key || !value || !whole) {
		ret = oom(c);
		goto out;
	}
	if (c->sec == SEC_NONE) {
		fail(c, quoted(key, q, sizeof(q)), "before any section ([Interface] or [Peer] first)");
		goto out;
	}
	if (c->sec == SEC_IFACE) {
		for (int k = 0; k < WGP_IKEY_COUNT; k++)
			if (!strcasecmp(key, ikey_names[k])) {
				ret = interface_key(c, (enum wgp_ikey)k, ikey_names[k], value, whole);
				goto out;
			}
		for (int k = 0; k < P_COUNT; k++)
			if (!strcasecmp(key, pkey_names[k])) {
				fail(c, pkey_names[k], "belongs in a [Peer] section, not [Interface]");
				goto out;
			}
		fail(c, quoted(key, q, sizeof(q)), "not a key of [Interface]");
		goto out;
	}
	for (int k = 0; k < P_COUNT; k++)
		if (!strcasecmp(key, pkey_names[k])) {
			ret = peer_key(c, (enum pkey)k, pkey_names[k], value);
			goto out;
		}
	for (int k = 0; k < WGP_IKEY_COUNT; k++)
		if (!strcasecmp(key, ikey_names[k])) {
			fail(c, ikey_names[k], "belongs in the [Interface] section, not [Peer]");
			goto out;
		}
	fail(c, quoted(key, q, sizeof(q)), "not a key of [Peer]");
out:
	if (value)
		key_wipe_str(value);
	if (whole)
		key_wipe_str(whole);
	free(key);
	free(value);
	free(whole);
	return ret;
}

static int one_line(struct ctx *c, char *line)
{
	char *hash = strchr(line, '#'), *stripped;
	size_t len = hash ? (size_t)(hash - line) : strlen(line);
	int ret;

	if (!(stripped = trimmed(line, len)))
		return oom(c);
	if (!*stripped) {
		free(stripped);
		if (hash && c->sec != SEC_NONE) {
			char *name = name_comment(hash + 1);
			if (!name)
				return 0;
			if (c->sec == SEC_IFACE)
				return set_name(c, &c->f->name, &c->f->name_line, name);
			struct wgp_peer *p = &c->f->peers[c->f->n_peers - 1];
			return set_name(c, &p->name, &p->name_line, name);
		}
		return 0;
	}
	ret = stripped[0] == '[' ? section(c, stripped) : key_line(c, stripped, line);
	key_wipe_str(stripped);
	free(stripped);
	return ret;
}

int wgp_parse(struct wgp_file *f, const char *path, const char *text, size_t len, char *err,
	      size_t errlen)
{
	struct ctx c = { .f = f, .err = err, .errlen = errlen };
	const char *p = text, *end = text + len;
	char *line = NULL;
	int ret = -1;

	memset(f, 0, sizeof(*f));
	err[0] = '\0';
	if (!(f->path = xstrdup(path)))
		return oom(&c);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		c.line++;
		if (memchr(p, '\0', n)) {
			fail(&c, NULL, "a NUL byte: not a text file");
			goto out;
		}
		if (!(line = malloc(n + 1))) {
			oom(&c);
			goto out;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (one_line(&c, line) < 0)
			goto out;
		key_wipe_str(line);
		free(line);
		line = NULL;
		p += n + (nl != NULL);
	}
	if (c.sec == SEC_PEER && !f->peers[f->n_peers - 1].public_key[0]) {
		snprintf(err, errlen, "%s:%zu: the [Peer] has no PublicKey", f->path,
			 f->peers[f->n_peers - 1].line);
		goto out;
	}
	for (size_t i = 0; i < f->n_peers; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(f->peers[i].public_key, f->peers[j].public_key)) {
				snprintf(err, errlen, "%s:%zu: PublicKey: the same as the [Peer] of "
					 "line %zu", f->path, f->peers[i].line, f->peers[j].line);
				goto out;
			}
	ret = 0;
out:
	if (line) {
		key_wipe_str(line);
		free(line);
	}
	return ret;
}

int wgp_load(struct wgp_file *f, const char *path, char *err, size_t errlen)
{
	char *text = NULL, why[REGFILE_WHY_LEN];
	size_t len = 0;
	/* A FIFO or a device given for a file is refused, not waited on. */
	int r = regfile_read(path, WGP_MAX_BYTES, 0, &text, &len, NULL, why, sizeof(why));

	memset(f, 0, sizeof(*f));
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	r = wgp_parse(f, path, text, len, err, errlen);
	key_wipe(text, len);
	free(text);
	return r;
}

void wgp_free(struct wgp_file *f)
{
	if (!f)
		return;
	for (int k = 0; k < WGP_IKEY_COUNT; k++) {
		key_wipe_str(f->v[k].text);
		free(f->v[k].text);
	}
	for (size_t i = 0; i < f->n_peers; i++) {
		free(f->peers[i].name);
		free(f->peers[i].allowed);
		key_wipe(f->peers[i].preshared_key, sizeof(f->peers[i].preshared_key));
	}
	free(f->peers);
	free(f->name);
	free(f->path);
	memset(f, 0, sizeof(*f));
}
