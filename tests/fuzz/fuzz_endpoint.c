/* endpoint_parse and endpoint_format on arbitrary text. Properties: an accepted
 * endpoint formats as "host:port" (IPv6 in brackets) that parses back to the
 * same endpoint; formatting into any buffer size stays inside it. */
#include "fuzz.h"

#include "lib/endpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	struct endpoint ep, again;
	char out[300], small[16];
	unsigned port = 51820;
	int n;

	if (endpoint_parse(&ep, text) < 0) {
		free(text);
		return 0;
	}
	FUZZ_ASSERT(memchr(ep.host, '\0', sizeof(ep.host)) != NULL);
	FUZZ_ASSERT(ep.host[0] != '\0');
	FUZZ_ASSERT(ep.port <= 65535);
	for (const char *p = ep.host; *p; p++)
		FUZZ_ASSERT((unsigned char)*p > 0x20 && *p != 0x7f && *p != '/');
	if (!ep.ipv6)
		FUZZ_ASSERT(!strchr(ep.host, ':'));
	if (ep.port)
		port = ep.port;

	n = endpoint_format(&ep, 51820, out, sizeof(out));
	FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(out));
	FUZZ_ASSERT(endpoint_parse(&again, out) == 0);
	FUZZ_ASSERT(!strcmp(again.host, ep.host));
	FUZZ_ASSERT(again.ipv6 == ep.ipv6);
	FUZZ_ASSERT(again.port == port);

	/* Truncation is snprintf's: the full length comes back, the text is cut. */
	for (size_t len = 0; len <= sizeof(small); len += 5) {
		memset(small, 'X', sizeof(small));
		FUZZ_ASSERT(endpoint_format(&ep, 51820, small, len) == n);
		if (len)
			FUZZ_ASSERT(memchr(small, '\0', len) != NULL);
	}
	free(text);
	return 0;
}
