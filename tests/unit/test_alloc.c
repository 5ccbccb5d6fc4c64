/* mesh/alloc.c: the lowest free host of the subnet the peers share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mesh/alloc.h"
#include "unit.h"

#define HEADER "Name,Address,AllowedIPs\n"

static void chosen(const char *csv, const char *nets, const char *want)
{
	struct db db;
	struct ipnet net[2];
	size_t n = 0;
	char out[ALLOC_STRLEN], err[256];

	db_load_text(&db, csv);
	for (const char *p = nets; p && *p; n++) {
		char one[64];
		size_t len = strcspn(p, " ");
		snprintf(one, sizeof(one), "%.*s", (int)len, p);
		assert_int_equal(alloc_parse_network(&net[n], one, err, sizeof(err)), 0);
		p += len + (p[len] == ' ');
	}
	if (alloc_address(&db, net, n, out, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_string_equal(out, want);
	db_close(&db);
}

static void refused(const char *csv, const char *net_text, const char *want)
{
	struct db db;
	struct ipnet net;
	char out[ALLOC_STRLEN], err[256];

	db_load_text(&db, csv);
	if (net_text)
		assert_int_equal(alloc_parse_network(&net, net_text, err, sizeof(err)), 0);
	assert_int_equal(alloc_address(&db, &net, net_text ? 1 : 0, out, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("\"%s\" lacks \"%s\"", err, want);
	db_close(&db);
}

static void test_lowest_free(void **state)
{
	(void)state;
	chosen(HEADER "a,10.0.0.1/24,\n", NULL, "10.0.0.2/24");
	/* A hole is filled first; host bits of the others' prefixes do not matter. */
	chosen(HEADER "a,10.0.0.1/24,\nb,10.0.0.3/24,\n", NULL, "10.0.0.2/24");
	/* Inside an AllowedIPs: skipped whole; a route around the subnet takes none. */
	chosen(HEADER "a,10.0.0.1/24,\"10.0.0.0/30,0.0.0.0/0\"\n", NULL, "10.0.0.4/24");
	chosen(HEADER "a,\"10.0.0.1/24,fd00::1/64\",\nb,\"10.0.0.2/24,fd00::5/64\",\n", NULL,
	       "10.0.0.3/24,fd00::2/64");
	/* --network wins over what the peers share. */
	chosen(HEADER "a,10.0.0.1/24,\n", "10.9.0.0/16", "10.9.0.1/16");
	chosen(HEADER, "10.0.0.0/24 fd00::/64", "10.0.0.1/24,fd00::1/64");
	/* /31 and /32 have no network or broadcast address to skip. */
	chosen(HEADER, "10.0.0.0/31", "10.0.0.0/31");
	/* The last IPv6 address is a host; the first is the subnet-router anycast. */
	chosen(HEADER "a,fd00::1/127,\n", NULL, "fd00::/127");
	/* A routed IPv6 range is skipped whole, not address by address. */
	chosen(HEADER "a,fd00::1/64,fd00::/120\n", NULL, "fd00::100/64");
	chosen(HEADER "a,fd00::1/64,\"fd00::/120,fd00::100/120\"\n", NULL, "fd00::200/64");
}

static void test_full_and_unknown(void **state)
{
	(void)state;
	refused(HEADER "a,10.0.0.1/30,\nb,10.0.0.2/30,\n", NULL, "10.0.0.0/30 is full");
	refused(HEADER "a,10.0.0.1/29,\"10.0.0.0/30,10.0.0.4/30\"\n", NULL, "10.0.0.0/29 is full");
	refused(HEADER, NULL, "name it with --network");
	refused(HEADER "a,10.1.0.1/16,\nb,10.2.0.1/16,\n", NULL,
		"several subnets (10.1.0.0/16, 10.2.0.0/16, ...)");
	refused(HEADER "a,fd00::1/126,\nb,fd00::2/126,\nc,fd00::3/126,\n", NULL, "fd00::/126 is full");
}

static void test_parse_network(void **state)
{
	struct ipnet n;
	char err[256];

	(void)state;
	assert_int_equal(alloc_parse_network(&n, "10.0.0.7/24", err, sizeof(err)), 0);
	assert_int_equal(n.addr[3], 0);
	assert_int_equal(alloc_parse_network(&n, "10.0.0.1", err, sizeof(err)), -1);
	assert_int_equal(alloc_parse_network(&n, "10.0.0.1/32", err, sizeof(err)), -1);
	assert_int_equal(alloc_parse_network(&n, "fd00::/200", err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lowest_free),
		cmocka_unit_test(test_full_and_unknown),
		cmocka_unit_test(test_parse_network),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
