#include "store/attrs.h"

#include "lib/endpoint.h"
#include "lib/ipnet.h"
#include "lib/keys.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	return attr_has_control(v) ? "one line without control characters" : NULL;
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
	return NULL;
}

static const char *check_networks(const struct attr *a, const char *v)
{
	struct ipnet *nets;
	size_t n, bad;

	(void)a;
	if (ipnet_parse_list(v, &nets, &n, &bad) < 0)
		return "a comma-separated list of IP addresses or networks (10.0.0.1/24, fd00::/64)";
	free(nets);
	return NULL;
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

/* wg-quick takes IP addresses as name servers and other items as search domains. */
static const char *check_dns(const struct attr *a, const char *v)
{
	const char *cursor = v, *p;
	size_t len;

	(void)a;
	while (list_next(&cursor, &p, &len)) {
		char item[256];
		struct ipnet ip;
		if (len >= sizeof(item))
			goto bad;
		memcpy(item, p, len);
		item[len] = '\0';
		if (ipnet_parse_addr(&ip, item) < 0 && !endpoint_is_hostname(p, len))
			goto bad;
	}
	return NULL;
bad:
	return "a comma-separated list of name server addresses or search domains";
}

static const char *check_endpoint(const struct attr *a, const char *v)
{
	struct endpoint ep;

	(void)a;
	if (endpoint_parse(&ep, v) < 0)
		return "a host name, IPv4 or IPv6 address, with an optional port "
		       "(host, host:port, [v6]:port)";
	return NULL;
}

static const char *check_key(const struct attr *a, const char *v)
{
	uint8_t key[KEY_LEN];
	int bad = key_from_base64(key, v);

	(void)a;
	key_wipe(key, sizeof(key));
	return bad ? "a WireGuard key (44 characters of base64, as wg genkey prints)" : NULL;
}

bool attr_bool_value(const char *v)
{
	return !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1");
}

static const char *check_bool(const struct attr *a, const char *v)
{
	(void)a;
	if (attr_bool_value(v) || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
	    !strcmp(v, "0"))
		return NULL;
	return "true or false";
}

#define CMD(col, opt, when)                                                              \
	{ col, opt, "COMMAND", "command to run " when, KIND_TEXT, PLACE_INTERFACE, 0, 0,   \
	  false, NULL, NULL, check_text }

const struct attr attrs[ATTR_COUNT] = {
	[ATTR_NAME] = { "Name", NULL, "NAME", "name that identifies the peer", KIND_NAME,
			PLACE_NONE, 0, 0, true, NULL, "36", check_name },
	[ATTR_ADDRESS] = { "Address", "address", "ADDRESS",
			   "tunnel address of the peer, with its prefix (repeatable)", KIND_LIST,
			   PLACE_INTERFACE_HEAD, 0, 0, true, NULL, "31", check_networks },
	[ATTR_ENDPOINT] = { "Endpoint", "endpoint", "ENDPOINT",
			    "public host name or address the others reach this peer at",
			    KIND_TEXT, PLACE_REMOTE, 0, 0, false, NULL, "32", check_endpoint },
	[ATTR_ALLOWEDIPS] = { "AllowedIPs", "allowedips", "NETWORK",
			      "further network routed to this peer (repeatable)", KIND_LIST,
			      PLACE_REMOTE, 0, 0, false, NULL, NULL, check_networks },
	[ATTR_LISTENPORT] = { "ListenPort", "listenport", "PORT", "UDP port to listen on",
			      KIND_INT, PLACE_INTERFACE, 1, 65535, false, "51820", "33",
			      check_int },
	[ATTR_KEEPALIVE] = { "PersistentKeepalive", "persistentkeepalive", "SECONDS",
			     "keepalive interval towards every other peer", KIND_INT,
			     PLACE_LOCAL, 0, 65535, false, NULL, NULL, check_int },
	[ATTR_FWMARK] = { "FwMark", "fwmark", "MARK", "fwmark for outgoing packets", KIND_TEXT,
			  PLACE_INTERFACE, 0, 0, false, NULL, NULL, check_fwmark },
	[ATTR_PRIVATEKEY] = { "PrivateKey", "privatekey", "KEY",
			      "private key ('-' reads it from standard input)",
			      KIND_KEY, PLACE_INTERFACE_HEAD, 0, 0, true, NULL, "35", check_key },
	[ATTR_DNS] = { "DNS", "dns", "DNS", "name servers and search domains of the interface",
		       KIND_LIST, PLACE_INTERFACE, 0, 0, false, NULL, NULL, check_dns },
	[ATTR_MTU] = { "MTU", "mtu", "MTU", "MTU of the interface", KIND_INT, PLACE_INTERFACE,
		       576, 65535, false, NULL, NULL, check_int },
	[ATTR_TABLE] = { "Table", "table", "TABLE", "routing table for the routes", KIND_TEXT,
			 PLACE_INTERFACE, 0, 0, false, NULL, NULL, check_table },
	[ATTR_PREUP] = CMD("PreUp", "preup", "before the interface is up"),
	[ATTR_POSTUP] = CMD("PostUp", "postup", "after the interface is up"),
	[ATTR_PREDOWN] = CMD("PreDown", "predown", "before the interface is down"),
	[ATTR_POSTDOWN] = CMD("PostDown", "postdown", "after the interface is down"),
	[ATTR_SAVECONFIG] = { "SaveConfig", "saveconfig", NULL,
			      "save the interface to its file when it goes down", KIND_BOOL,
			      PLACE_INTERFACE, 0, 0, false, NULL, NULL, check_bool },
	[ATTR_RELAY] = { "Relay", "relay", NULL,
			 "relay the traffic of peers behind NAT (it needs an Endpoint)",
			 KIND_BOOL, PLACE_NONE, 0, 0, false, NULL, NULL, check_bool, true },
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

const char *attr_check(enum attr_id id, const char *value)
{
	if (!value || !*value)
		return NULL;
	/* Whatever the column, a control character (a newline above all) would
	 * break the line of the config it is written to, or inject another. */
	if (attr_has_control(value))
		return attrs[id].kind == KIND_NAME ? check_name(&attrs[id], value)
						   : "one line without control characters";
	return attrs[id].check(&attrs[id], value);
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
