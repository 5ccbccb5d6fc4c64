/* ipnet_parse, ipnet_parse_addr and ipnet_parse_list on arbitrary text.
 * Properties: parse -> format -> parse gives the same network and the same text;
 * the prefix is accepted only in its plain decimal form;
 * a formatted list parses to the same networks; masking, host routes, overlap and
 * ordering behave (an order must be one for qsort in lint's overlap check). */
#include "fuzz.h"

#include "lib/ipnet.h"

#include <sys/socket.h>

static bool same_net(const struct ipnet *a, const struct ipnet *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void one_net(const char *text)
{
	struct ipnet net, again, masked;
	char out[IPNET_STRLEN], out2[IPNET_STRLEN];

	if (ipnet_parse(&net, text) < 0)
		return;
	FUZZ_ASSERT(net.family == AF_INET || net.family == AF_INET6);
	FUZZ_ASSERT(net.prefix <= ipnet_max_prefix(&net));
	if (net.family == AF_INET)
		for (size_t i = 4; i < sizeof(net.addr); i++)
			FUZZ_ASSERT(net.addr[i] == 0);
	ipnet_format(&net, out);
	FUZZ_ASSERT(strlen(out) < IPNET_STRLEN - 1 || out[IPNET_STRLEN - 1] == '\0');
	FUZZ_ASSERT(ipnet_parse(&again, out) == 0);
	FUZZ_ASSERT(same_net(&net, &again));
	ipnet_format(&again, out2);
	FUZZ_ASSERT(!strcmp(out, out2));

	masked = net;
	ipnet_mask(&masked);
	FUZZ_ASSERT(ipnet_overlap(&net, &masked) && ipnet_overlap(&masked, &net));
	FUZZ_ASSERT(ipnet_cmp(&masked, &masked) == 0);
	again = masked;
	ipnet_mask(&again);
	FUZZ_ASSERT(same_net(&again, &masked));	/* masking is idempotent */
	again = net;
	ipnet_host(&again);
	FUZZ_ASSERT(again.prefix == ipnet_max_prefix(&net));
	FUZZ_ASSERT(ipnet_overlap(&again, &net));

	/* The prefix is written as wg and ip(8) read it: ip reads "/024" as octal
	 * (a /20), so only the plain decimal form may pass. */
	if (strchr(text, '/')) {
		char prefix[8];
		snprintf(prefix, sizeof(prefix), "%u", (unsigned)net.prefix);
		if (strcmp(strchr(text, '/') + 1, prefix))
			fprintf(fuzz_out, "prefix \"%s\" accepted as /%s\n", strchr(text, '/') + 1,
				prefix);
		FUZZ_ASSERT(!strcmp(strchr(text, '/') + 1, prefix));
	}

	/* A bare address is the same address with the full prefix. */
	if (!strchr(text, '/')) {
		FUZZ_ASSERT(ipnet_parse_addr(&again, text) == 0);
		FUZZ_ASSERT(same_net(&again, &net));
	}
}

static void list(const char *text)
{
	struct ipnet *nets, *again;
	size_t n, n2, bad, commas = 0;
	char *joined;
	size_t len = 0;

	for (const char *p = text; *p; p++)
		commas += *p == ',';
	if (ipnet_parse_list(text, &nets, &n, &bad) < 0) {
		FUZZ_ASSERT(nets == NULL && n == 0);
		FUZZ_ASSERT(bad <= commas);
		return;
	}
	FUZZ_ASSERT(n == commas + 1);
	if (!(joined = malloc(n * (IPNET_STRLEN + 2) + 1)))
		abort();
	for (size_t i = 0; i < n; i++) {
		char out[IPNET_STRLEN];
		ipnet_format(&nets[i], out);
		len += (size_t)sprintf(joined + len, "%s%s", i ? ", " : "", out);
	}
	FUZZ_ASSERT(ipnet_parse_list(joined, &again, &n2, &bad) == 0);
	FUZZ_ASSERT(n2 == n);
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT(same_net(&nets[i], &again[i]));

	/* The order lint sorts by: antisymmetric, and consistent with overlap on
	 * masked networks of one family. */
	for (size_t i = 0; i + 1 < n && i < 16; i++) {
		struct ipnet a = nets[i], b = nets[i + 1];
		ipnet_mask(&a);
		ipnet_mask(&b);
		FUZZ_ASSERT(sign(ipnet_cmp(&a, &b)) == -sign(ipnet_cmp(&b, &a)));
		FUZZ_ASSERT(ipnet_overlap(&a, &b) == ipnet_overlap(&b, &a));
		if (ipnet_cmp(&a, &b) == 0)
			FUZZ_ASSERT(same_net(&a, &b));
		if (i + 2 < n) {
			struct ipnet c = nets[i + 2];
			ipnet_mask(&c);
			if (ipnet_cmp(&a, &b) <= 0 && ipnet_cmp(&b, &c) <= 0)
				FUZZ_ASSERT(ipnet_cmp(&a, &c) <= 0);
		}
	}
	free(again);
	free(joined);
	free(nets);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	struct ipnet net;

	one_net(text);
	if (ipnet_parse_addr(&net, text) == 0)
		FUZZ_ASSERT(net.prefix == ipnet_max_prefix(&net));
	list(text);
	free(text);
	return 0;
}
