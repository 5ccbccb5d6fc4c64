/* attr_check for every attribute on arbitrary text, and the other helpers of
 * attrs.h and util.h that see user text. Properties: a check returns NULL or a
 * rule; no accepted value of any column holds a control character (a value is
 * written on one line of a wg-quick file); each kind's accepted values parse as
 * that kind; quoted() stays inside its buffer and escapes control characters. */
#include "fuzz.h"

#include "store/attrs.h"
#include "lib/endpoint.h"
#include "lib/ipnet.h"
#include "lib/util.h"

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
	switch (a->kind) {
	case KIND_NAME:
		FUZZ_ASSERT(!strchr(v, '/') && strcmp(v, ".") && strcmp(v, ".."));
		break;
	case KIND_INT: {
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
		break;
	}
	case KIND_BOOL:
		FUZZ_ASSERT(attr_bool_value(v) || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
			    !strcmp(v, "0"));
		break;
	case KIND_LIST:
		if (id != ATTR_DNS) {
			struct ipnet *nets;
			size_t n, bad;
			FUZZ_ASSERT(ipnet_parse_list(v, &nets, &n, &bad) == 0);
			free(nets);
		}
		break;
	case KIND_TEXT:
		if (id == ATTR_ENDPOINT) {
			struct endpoint ep;
			FUZZ_ASSERT(endpoint_parse(&ep, v) == 0);
		}
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
			    !strcmp(text, ".."));
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
