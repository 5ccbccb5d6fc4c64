#include "store/attrs.h"

#include "lib/endpoint.h"
#include "lib/sshaddr.h"
#include "lib/ipnet.h"
#include "lib/keys.h"
#include "lib/utf8.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* The rule a value breaks, with what is wrong with this value after it: built
 * here, as the check functions return one string. */
static _Thread_local char why_buf[320];

static const char *because(const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *because(const char *rule, const char *fmt, ...)
{
	int n = snprintf(why_buf, sizeof(why_buf), "%s: ", rule);
	va_list ap;

	if (n < 0 || (size_t)n >= sizeof(why_buf))
		return rule;
	va_start(ap, fmt);
	vsnprintf(why_buf + n, sizeof(why_buf) - (size_t)n, fmt, ap);
	va_end(ap);
	return why_buf;
}

bool attr_has_control(const char *value)
{
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

static const char *check_text(const struct attr *a, const char *v)
{
	(void)a;
	if (attr_has_control(v))
		return "one line without control characters";
	/* wg-quick cuts every line of the file at its first '#', with no way to
	 * escape it: the command would lose its end, and the interface its hook. */
	if (strchr(v, '#'))
		return "a command without '#': wg-quick cuts every line of a config at '#', "
		       "so the rest of the command would be lost";
	return NULL;
}

static const char *check_name(const struct attr *a, const char *v)
{
	(void)a;
	size_t len = strlen(v);

	/* Spaces around a name would be trimmed when the database is read back. */
	if (attr_has_control(v) || strchr(v, '/') || !strcmp(v, ".") || !strcmp(v, "..") ||
	    len > 200 || v[0] == ' ' || (len && v[len - 1] == ' '))
		return "a usable file name (no '/', no control characters, no spaces around "
		       "it, not '.' or '..', at most 200 bytes)";
	/* A spreadsheet opening the database would evaluate it ("=1+1" came back
	 * from a LibreOffice round trip as "2"). '-' is only warned about (see
	 * attr_warning): "-1" is a number, and a "-x" peer may already exist. */
	if (strchr("=+@", v[0]))
		return because("a name a spreadsheet keeps as it is",
			       "it starts with '%c', and a spreadsheet would evaluate it as a formula",
			       v[0]);
	return NULL;
}

#define NETWORKS_RULE "a comma-separated list of IP addresses or networks (10.0.0.1/24, fd00::/64)"

/* What is wrong with the prefix of an item whose address is valid. */
static const char *prefix_problem(const struct ipnet *addr, const char *prefix, size_t len,
				  size_t item)
{
	if (len == 0)
		return because(NETWORKS_RULE, "in item %zu, no prefix length after '/'", item);
	if (strspn(prefix, "0123456789") < len || len > 3)
		return because(NETWORKS_RULE, "in item %zu, the prefix length /%.*s is not a "
			       "number from 0 to %u", item, (int)(len > 8 ? 8 : len), prefix,
			       ipnet_max_prefix(addr));
	if (prefix[0] == '0' && len > 1)
		return because(NETWORKS_RULE, "in item %zu, the prefix length /%.*s has a leading "
			       "zero (ip reads it as octal)", item, (int)len, prefix);
	return because(NETWORKS_RULE, "in item %zu, the prefix length /%.*s is more than %u", item,
		       (int)len, prefix, ipnet_max_prefix(addr));
}

/* Parses a list for check_address and check_allowedips; NULL, or the rule with
 * what is wrong with the item that does not parse. */
static const char *parse_networks(const char *v, struct ipnet **nets, size_t *n)
{
	const char *cursor = v, *p = v;
	size_t bad, len = 0, i = 0, alen;
	char problem[64], addr[64];
	struct ipnet ip;

	if (ipnet_parse_list(v, nets, n, &bad) == 0)
		return NULL;
	while (i++ <= bad && list_next(&cursor, &p, &len))
		;
	if (len == 0)
		return because(NETWORKS_RULE, "item %zu is empty", bad + 1);
	alen = strcspn(p, "/,");
	if (alen > len)
		alen = len;
	if (alen < sizeof(addr)) {
		memcpy(addr, p, alen);
		addr[alen] = '\0';
		if (ipnet_parse_addr(&ip, addr) == 0 && alen < len && p[alen] == '/')
			return prefix_problem(&ip, p + alen + 1, len - alen - 1, bad + 1);
	}
	if (ipnet_digits_and_dots(p, alen))
		return because(NETWORKS_RULE, "in item %zu, %s", bad + 1,
			       ipnet_v4_problem(p, alen, problem, sizeof(problem)));
	return NETWORKS_RULE;
}

static int cmp_ipnet(const void *a, const void *b)
{
	return ipnet_cmp(a, b);
}

/* The first item of the sorted nets that equals the next one, or NULL. */
static const struct ipnet *first_twice(struct ipnet *nets, size_t n)
{
	if (n > 1)
		qsort(nets, n, sizeof(*nets), cmp_ipnet);
	for (size_t i = 1; i < n; i++)
		if (!ipnet_cmp(&nets[i - 1], &nets[i]))
			return &nets[i];
	return NULL;
}

/* What makes an Address item no address of a peer, or NULL. */
static const char *address_problem(const struct ipnet *net, char *text)
{
	enum ipnet_kind kind = ipnet_kind(net);

	ipnet_format(net, text);
	if (kind != IPNET_ORDINARY)
		return because(NETWORKS_RULE, "%s is %s, not the address of a peer", text,
			       ipnet_kind_name(kind));
	switch (ipnet_host_bits(net)) {
	case 0:
		if (net->family == AF_INET6)
			return because(NETWORKS_RULE, "%s is the subnet-router anycast address of "
				       "its network, not the address of a peer", text);
		return because(NETWORKS_RULE, "%s is the address of the network itself, not of "
			       "a peer in it", text);
	case 1:
		return because(NETWORKS_RULE, "%s is the broadcast address of its network, not "
			       "the address of a peer", text);
	}
	return NULL;
}

/* Addresses of the interface: each a usable host address, none twice (wg-quick up
 * fails on the second with "Address already assigned", whatever the prefix). */
static const char *check_address(const struct attr *a, const char *v)
{
	struct ipnet *nets;
	const struct ipnet *twice;
	const char *rule;
	char text[IPNET_STRLEN];
	size_t n;

	(void)a;
	if ((rule = parse_networks(v, &nets, &n)))
		return rule;
	for (size_t i = 0; i < n; i++)
		if ((rule = address_problem(&nets[i], text)))
			goto out;
	for (size_t i = 0; i < n; i++)
		ipnet_host(&nets[i]);
	if ((twice = first_twice(nets, n))) {
		ipnet_format(twice, text);
		text[strcspn(text, "/")] = '\0';
		rule = because(NETWORKS_RULE, "%s is in it twice", text);
	}
out:
	free(nets);
	return rule;
}

/* Networks routed to the peer: the same network twice is a mistake. One inside
 * another is not (WireGuard routes by the longest prefix). */
static const char *check_allowedips(const struct attr *a, const char *v)
{
	struct ipnet *nets;
	const struct ipnet *twice;
	const char *rule;
	size_t n;

	(void)a;
	if ((rule = parse_networks(v, &nets, &n)))
		return rule;
	for (size_t i = 0; i < n; i++)
		ipnet_mask(&nets[i]);
	if ((twice = first_twice(nets, n))) {
		char text[IPNET_STRLEN];
		ipnet_format(twice, text);
		rule = because(NETWORKS_RULE, "the network %s is in it twice", text);
	}
	free(nets);
	return rule;
}

static const char *check_int(const struct attr *a, const char *v)
{
	static const char *const rules[ATTR_COUNT] = {
		[ATTR_LISTENPORT] = "a whole number from 1 to 65535",
		[ATTR_KEEPALIVE] = "a whole number of seconds from 0 to 65535",
		[ATTR_MTU] = "a whole number from 576 to 65535",
	};
	const char *rule = rules[a - attrs];
	char *end;
	long n;

	/* No leading zero: ip(8) would read "01420" as octal. */
	if (!isdigit((unsigned char)v[0]) || strlen(v) > 10 || (v[0] == '0' && v[1]))
		return rule;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end || errno || n < a->min || n > a->max)
		return rule;
	return NULL;
}

/* wg takes "off" (in any case) for 0: no keepalive. */
static const char *check_keepalive(const struct attr *a, const char *v)
{
	if (!strcasecmp(v, "off") || !check_int(a, v))
		return NULL;
	return "a whole number of seconds from 0 to 65535, or off";
}

/* A 32-bit number, decimal or 0x hexadecimal, as wg accepts for FwMark and Table. */
static bool is_u32(const char *v)
{
	char *end;
	unsigned long long n;
	int base = 10;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		v += 2;
	}
	if (!isxdigit((unsigned char)v[0]) || strlen(v) > 10)
		return false;
	/* A decimal leading zero reads as octal to ip(8), which takes Table. */
	if (base == 10 && v[0] == '0' && v[1])
		return false;
	errno = 0;
	n = strtoull(v, &end, base);
	return !*end && !errno && n <= 0xffffffffULL;
}

static const char *check_fwmark(const struct attr *a, const char *v)
{
	(void)a;
	if (!strcmp(v, "off") || is_u32(v))
		return NULL;
	return "\"off\" or a 32-bit number (decimal or 0x hexadecimal)";
}

static const char *check_table(const struct attr *a, const char *v)
{
	(void)a;
	if (!strcmp(v, "off") || !strcmp(v, "auto") || is_u32(v))
		return NULL;
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			goto bad;
	/* All digits is a number, and "010" is not a valid one. */
	if (v[0] != '-' && strlen(v) <= 64 && strspn(v, "0123456789") != strlen(v))
		return NULL;
bad:
	return "\"off\", \"auto\", a table number or a table name from rt_tables";
}

#define DNS_RULE "a comma-separated list of name server addresses or search domains"

/* wg-quick takes an item of digits and dots, or with a colon, for a name server
 * address and any other item for a search domain. */
static const char *check_dns(const struct attr *a, const char *v)
{
	const char *cursor = v, *p, *bad;
	size_t len;

	(void)a;
	while (list_next(&cursor, &p, &len)) {
		char item[256], problem[64];
		struct ipnet ip;
		if (len >= sizeof(item))
			return DNS_RULE;
		memcpy(item, p, len);
		item[len] = '\0';
		if (ipnet_parse_addr(&ip, item) == 0) {
			if ((bad = endpoint_bad_target(&ip)))
				return because(DNS_RULE, "%s is %s, not a name server", item, bad);
			continue;
		}
		if (ipnet_digits_and_dots(p, len))
			return because(DNS_RULE, "%s looks like an IPv4 address, but %s", item,
				       ipnet_v4_problem(p, len, problem, sizeof(problem)));
		if (!endpoint_is_hostname(p, len))
			return DNS_RULE;
	}
	return NULL;
}

static const char *check_endpoint(const struct attr *a, const char *v)
{
	struct endpoint ep;
	char why[160];
	static const char rule[] = "a host name, IPv4 or IPv6 address, with an optional port "
				   "(host, host:port, [v6]:port)";

	(void)a;
	if (endpoint_parse_why(&ep, v, why, sizeof(why)) < 0)
		return *why ? because(rule, "%s", why) : rule;
	return NULL;
}

static const char *check_ssh(const struct attr *a, const char *v)
{
	struct ssh_target t;
	char why[200];
	static const char rule[] = "[USER@]HOST[:PORT], as ssh reaches the host (IPv6 with a "
				   "port in brackets)";

	(void)a;
	if (ssh_target_parse(&t, v, why, sizeof(why)) < 0)
		return *why ? because(rule, "%s", why) : rule;
	return NULL;
}

static const char *check_key(const struct attr *a, const char *v)
{
	uint8_t key[KEY_LEN];
	int bad = key_from_base64(key, v);
	bool weak = !bad && key_is_weak(key);

	(void)a;
	key_wipe(key, sizeof(key));
	if (bad)
		return "a WireGuard key (44 characters of base64, as wg genkey prints)";
	if (weak)
		return "a secret key: its public key is that of the all-zero key, which anyone "
		       "can compute (make one with wg genkey)";
	return NULL;
}

/* Spreadsheets write their booleans in the user's language: French (VRAI, FAUX)
 * and German (WAHR, FALSCH) Excel and LibreOffice are taken as well. */
bool attr_bool_value(const char *v)
{
	return !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
	       !strcasecmp(v, "vrai") || !strcasecmp(v, "wahr");
}

static const char *check_bool(const struct attr *a, const char *v)
{
	(void)a;
	if (attr_bool_value(v) || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
	    !strcmp(v, "0") || !strcasecmp(v, "faux") || !strcasecmp(v, "falsch"))
		return NULL;
	return "true or false";
}

#define CMD(col, opt, when)                                                              \
	{ .column = col, .option = opt, .metavar = "COMMAND", .help = "command to run " when, \
	  .kind = KIND_TEXT, .check = check_text }

const struct attr attrs[ATTR_COUNT] = {
	[ATTR_NAME] = { .column = "Name", .metavar = "NAME",
			.help = "name that identifies the peer", .kind = KIND_NAME,
			.required = true, .color = "36", .check = check_name },
	[ATTR_ADDRESS] = { .column = "Address", .option = "address", .metavar = "ADDRESS",
			   .help = "tunnel address of the peer, with its prefix (repeatable)",
			   .kind = KIND_LIST, .required = true, .color = "31",
			   .check = check_address },
	[ATTR_ENDPOINT] = { .column = "Endpoint", .option = "endpoint", .metavar = "ENDPOINT",
			    .help = "public host name or address the others reach this peer at",
			    .kind = KIND_TEXT, .color = "32", .check = check_endpoint },
	[ATTR_ALLOWEDIPS] = { .column = "AllowedIPs", .option = "allowedips", .metavar = "NETWORK",
			      .help = "further network routed to this peer (repeatable)",
			      .kind = KIND_LIST, .check = check_allowedips },
	[ATTR_LISTENPORT] = { .column = "ListenPort", .option = "listenport", .metavar = "PORT",
			      .help = "UDP port to listen on", .kind = KIND_INT, .min = 1,
			      .max = 65535, .def = "51820", .color = "33", .check = check_int },
	[ATTR_KEEPALIVE] = { .column = "PersistentKeepalive", .option = "persistentkeepalive",
			     .metavar = "SECONDS",
			     .help = "keepalive interval towards every other peer",
			     .kind = KIND_INT, .max = 65535, .check = check_keepalive },
	[ATTR_FWMARK] = { .column = "FwMark", .option = "fwmark", .metavar = "MARK",
			  .help = "fwmark for outgoing packets", .kind = KIND_TEXT,
			  .check = check_fwmark },
	[ATTR_PRIVATEKEY] = { .column = "PrivateKey", .option = "privatekey", .metavar = "KEY",
			      .help = "private key ('-' reads it from standard input)",
			      .kind = KIND_KEY, .required = true, .color = "35",
			      .check = check_key },
	[ATTR_DNS] = { .column = "DNS", .option = "dns", .metavar = "DNS",
		       .help = "name servers and search domains of the interface",
		       .kind = KIND_LIST, .check = check_dns },
	[ATTR_MTU] = { .column = "MTU", .option = "mtu", .metavar = "MTU",
		       .help = "MTU of the interface", .kind = KIND_INT, .min = 576, .max = 65535,
		       .check = check_int },
	[ATTR_TABLE] = { .column = "Table", .option = "table", .metavar = "TABLE",
			 .help = "routing table for the routes", .kind = KIND_TEXT,
			 .check = check_table },
	[ATTR_PREUP] = CMD("PreUp", "preup", "before the interface is up"),
	[ATTR_POSTUP] = CMD("PostUp", "postup", "after the interface is up"),
	[ATTR_PREDOWN] = CMD("PreDown", "predown", "before the interface is down"),
	[ATTR_POSTDOWN] = CMD("PostDown", "postdown", "after the interface is down"),
	[ATTR_SAVECONFIG] = { .column = "SaveConfig", .option = "saveconfig",
			      .help = "save the interface to its file when it goes down",
			      .kind = KIND_BOOL, .check = check_bool },
	[ATTR_RELAY] = { .column = "Relay", .option = "relay",
			 .help = "relay the traffic of peers behind NAT (it needs an Endpoint)",
			 .kind = KIND_BOOL, .check = check_bool, .optional = true },
	[ATTR_SSH] = { .column = "SSH", .option = "ssh", .metavar = "[USER@]HOST[:PORT]",
		       .help = "where deploy, status and verify reach the host over ssh "
			       "(default: the Endpoint's host)",
		       .kind = KIND_TEXT, .check = check_ssh, .optional = true },
};

int attr_by_column(const char *column)
{
	for (int i = 0; i < ATTR_COUNT; i++)
		if (!strcmp(attrs[i].column, column))
			return i;
	for (int i = 0; i < ATTR_COUNT; i++)
		if (!strcasecmp(attrs[i].column, column))
			return i;
	return -1;
}

/* Spaces a spreadsheet or a word processor types for a space, that look like one
 * and are none: the no-break spaces above all (French Excel puts U+202F in
 * numbers). Returns the name of the first one in value, or NULL; *at is its byte. */
static const char *invisible_space(const char *value, size_t *at)
{
	static const struct {
		const char *utf8, *name;
	} spaces[] = {
		{ "\xc2\xa0", "U+00A0 (no-break space)" },
		{ "\xe2\x80\xaf", "U+202F (narrow no-break space)" },
		{ "\xe2\x80\x87", "U+2007 (figure space)" },
		{ "\xe2\x80\x8b", "U+200B (zero-width space)" },
		{ "\xe2\x81\xa0", "U+2060 (word joiner)" },
		{ "\xef\xbb\xbf", "U+FEFF (zero-width no-break space)" },
		{ "\xe3\x80\x80", "U+3000 (ideographic space)" },
	};
	const char *first = NULL, *name = NULL;

	for (size_t i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		const char *p = strstr(value, spaces[i].utf8);
		if (p && (!first || p < first)) {
			first = p;
			name = spaces[i].name;
		}
	}
	/* U+2000 to U+200A, the typographic spaces. */
	for (const char *p = value; (p = strstr(p, "\xe2\x80")); p += 2)
		if ((unsigned char)p[2] >= 0x80 && (unsigned char)p[2] <= 0x8a &&
		    (unsigned char)p[2] != 0x87) {
			if (!first || p < first) {
				first = p;
				name = "a typographic space (U+2000 to U+200A)";
			}
			break;
		}
	if (first)
		*at = (size_t)(first - value) + 1;
	return name;
}

const char *attr_check(enum attr_id id, const char *value)
{
	const char *space;
	size_t at;

	if (!value || !*value)
		return NULL;
	if ((at = utf8_invalid_at(value, strlen(value))))
		return because("valid UTF-8 text", "byte %zu (0x%02x) is not UTF-8 (Latin-1 or "
			       "Windows-1252 text?)", at, (unsigned char)value[at - 1]);
	/* Whatever the column, a control character (a newline above all) would
	 * break the line of the config it is written to, or inject another. */
	if (attr_has_control(value))
		return attrs[id].kind == KIND_NAME ? check_name(&attrs[id], value)
						   : "one line without control characters";
	if ((space = invisible_space(value, &at)))
		return because("free of spaces that only look like one",
			       "byte %zu is %s, which a spreadsheet may have typed for a space", at,
			       space);
	return attrs[id].check(&attrs[id], value);
}

const char *attr_warning(enum attr_id id, const char *value)
{
	if (!value || !*value || !strchr("=+-@", value[0]) || attr_check(id, value))
		return NULL;
	if (attrs[id].kind == KIND_NAME)
		return "starts with '-': a spreadsheet may read it as a formula, and commands "
		       "need `--` before it";
	if (attrs[id].kind == KIND_KEY)
		return "starts with '+': a spreadsheet opening the database would read it as a "
		       "formula and lose the key (wg-meshconf never makes such keys)";
	snprintf(why_buf, sizeof(why_buf), "starts with '%c': a spreadsheet opening the database "
		 "would evaluate it as a formula", value[0]);
	return why_buf;
}

bool attr_is_ifname(const char *name)
{
	size_t len = strlen(name);

	/* Linux refuses "." and ".." as interface names too. */
	if (len == 0 || len > 15 || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_=+.-", *p))
			return false;
	return true;
}
