/* attr_check for every attribute on arbitrary text, and the other helpers of
 * attrs.h and util.h that see user text. Properties: a check returns NULL or a
 * rule; no accepted value of any column holds a control character (a value is
 * written on one line of a wg-quick file); each kind's accepted values parse as
 * that kind; quoted() stays inside its buffer and escapes control characters.
 * Issue 15: an accepted value is valid UTF-8 without a no-break space; a hook
 * holds no '#'; a name does not start with '=', '+' or '@'; an Address holds no
 * address twice and no unspecified or multicast one; a key is not weak; an
 * Endpoint host of digits and dots is an IPv4 address. */
#include "fuzz.h"

#include "store/attrs.h"
#include "lib/endpoint.h"
#include "lib/ipnet.h"
#include "lib/utf8.h"
#include "lib/util.h"
#include "lib/keys.h"

#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>

static void check_accepted(enum attr_id id, const char *v)
{
	const struct attr *a = &attrs[id];

	if (!*v)
		return;
	if (attr_has_control(v))
		fprintf(fuzz_out, "column %s accepts a control character\n", a->column);
	FUZZ_ASSERT(!attr_has_control(v));
	FUZZ_ASSERT(utf8_invalid_at(v, strlen(v)) == 0);
	FUZZ_ASSERT(!strstr(v, "\xc2\xa0") && !strstr(v, "\xe2\x80\xaf"));
	if (attr_warning(id, v))
		FUZZ_ASSERT(strchr("=+-@", v[0]));
	switch (a->kind) {
	case KIND_NAME:
		FUZZ_ASSERT(!strchr(v, '/') && strcmp(v, ".") && strcmp(v, ".."));
		FUZZ_ASSERT(!strchr("=+@", v[0]));
		break;
	case KIND_INT: {
		if (id == ATTR_KEEPALIVE && !strcasecmp(v, "off"))
			break;
		char *end;
		long n;
		errno = 0;
		n = strtol(v, &end, 10);
		FUZZ_ASSERT(!*end && !errno && n >= a->min && n <= a->max);
		FUZZ_ASSERT(isdigit((unsigned char)v[0]));
		break;
	}
	case KIND_KEY: {
		uint8_t key[KEY_LEN];
		FUZZ_ASSERT(key_from_base64(key, v) == 0);
		FUZZ_ASSERT(!key_is_weak(key));
		break;
	}
	case KIND_BOOL:
		FUZZ_ASSERT(attr_bool_value(v) || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
			    !strcmp(v, "0") || !strcasecmp(v, "faux") || !strcasecmp(v, "falsch"));
		break;
	case KIND_LIST:
		if (id != ATTR_DNS) {
			struct ipnet *nets;
			size_t n, bad;
			FUZZ_ASSERT(ipnet_parse_list(v, &nets, &n, &bad) == 0);
			for (size_t i = 0; id == ATTR_ADDRESS && i < n; i++) {
				FUZZ_ASSERT(ipnet_kind(&nets[i]) == IPNET_ORDINARY);
				for (size_t j = 0; j < i && j < 64; j++)
					FUZZ_ASSERT(nets[i].family != nets[j].family ||
						    memcmp(nets[i].addr, nets[j].addr, 16));
			}
			free(nets);
		}
		break;
	case KIND_TEXT:
		if (id == ATTR_ENDPOINT) {
			struct endpoint ep;
			struct ipnet ip;
			FUZZ_ASSERT(endpoint_parse(&ep, v) == 0);
			if (ipnet_digits_and_dots(ep.host, strlen(ep.host)))
				FUZZ_ASSERT(ipnet_parse_addr(&ip, ep.host) == 0 &&
					    ip.family == AF_INET && !endpoint_bad_target(&ip));
		}
		if (id >= ATTR_PREUP && id <= ATTR_POSTDOWN)
			FUZZ_ASSERT(!strchr(v, '#'));
		break;
	}
}

static void check_quoted(const char *s)
{
	char out[QUOTED_LEN + 8];

	for (size_t len = 0; len <= QUOTED_LEN; len += 7) {
		memset(out, 'X', sizeof(out));
		FUZZ_ASSERT(quoted(s, out, len) == out);
		FUZZ_ASSERT(out[len] == 'X' || len == 0);
		if (!len)
			continue;
		FUZZ_ASSERT(memchr(out, '\0', len) != NULL);
		FUZZ_ASSERT(!attr_has_control(out));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	int col;

	for (int id = 0; id < ATTR_COUNT; id++) {
		const char *rule = attr_check((enum attr_id)id, text);
		if (rule)
			FUZZ_ASSERT(*rule);
		else
			check_accepted((enum attr_id)id, text);
	}
	FUZZ_ASSERT(attr_check(ATTR_NAME, "") == NULL);
	if (attr_is_ifname(text)) {
		FUZZ_ASSERT(attr_check(ATTR_NAME, text) == NULL || !strcmp(text, ".") ||
			    !strcmp(text, "..") || text[0] == '=' || text[0] == '+');
		FUZZ_ASSERT(strlen(text) >= 1 && strlen(text) <= 15);
	}
	if (attr_bool_value(text))
		FUZZ_ASSERT(attr_check(ATTR_SAVECONFIG, text) == NULL);
	if ((col = attr_by_column(text)) >= 0)
		FUZZ_ASSERT(col < ATTR_COUNT && !strcasecmp(attrs[col].column, text));
	check_quoted(text);
	free(text);
	return 0;
}
