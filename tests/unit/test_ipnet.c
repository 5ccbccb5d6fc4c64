/* ipnet.c: IPv4 and IPv6 addresses and networks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/ipnet.h"
#include "unit.h"

#include <sys/socket.h>

static struct ipnet net(const char *text)
{
	struct ipnet n;

	if (ipnet_parse(&n, text) != 0)
		fail_msg("refused: \"%s\"", text);
	return n;
}

/* Formats the network: the text ipnet_format writes. */
static const char *fmt(struct ipnet n, char out[IPNET_STRLEN])
{
	ipnet_format(&n, out);
	return out;
}

static void test_parse_ipv4_with_and_without_prefix(void **state)
{
	const uint8_t addr[4] = { 10, 1, 2, 3 };
	struct ipnet n = net("10.1.2.3/24");

	(void)state;
	assert_int_equal(n.family, AF_INET);
	assert_memory_equal(n.addr, addr, 4);
	assert_int_equal(n.prefix, 24);
	n = net("10.1.2.3");
	assert_int_equal(n.prefix, 32);
	assert_memory_equal(n.addr, addr, 4);
	assert_int_equal(net("0.0.0.0/0").prefix, 0);
	assert_int_equal(net("10.0.0.0/32").prefix, 32);
}

static void test_parse_ipv6_with_and_without_prefix(void **state)
{
	const uint8_t addr[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct ipnet n = net("fd00::1/64");

	(void)state;
	assert_int_equal(n.family, AF_INET6);
	assert_memory_equal(n.addr, addr, 16);
	assert_int_equal(n.prefix, 64);
	n = net("fd00::1");
	assert_int_equal(n.prefix, 128);
	assert_int_equal(net("::/0").prefix, 0);
	assert_int_equal(net("fd00::/128").prefix, 128);
	assert_int_equal(ipnet_max_prefix(&n), 128);
}

static void test_parse_refuses_bad_prefixes(void **state)
{
	const char *bad[] = {
		"10.0.0.0/33", "fd00::/129", "10.0.0.0/-1", "10.0.0.0/+1", "10.0.0.0/", "10.0.0.0/ ",
		"10.0.0.0/ 8", "10.0.0.0/8 ", "10.0.0.0/0x8", "10.0.0.0/8/8", "10.0.0.0/1000",
		"10.0.0.0/4294967304", "fd00::/1a", "/24",
	};
	struct ipnet n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ipnet_parse(&n, bad[i]) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);
}

static void test_parse_refuses_spaces_and_garbage(void **state)
{
	const char *bad[] = {
		"", " 10.0.0.1", "10.0.0.1 ", " 10.0.0.0/8", "10.0.0.0 /8", "abc", "10.0.0",
		"10.0.0.256", "1.2.3.4.5", "fd00::1::2", "fe80::1%eth0", "10.0.0.1,10.0.0.2",
		"example.com", "[fd00::1]",
	};
	struct ipnet n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ipnet_parse(&n, bad[i]) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);
	assert_int_equal(ipnet_parse_addr(&n, "10.0.0.1/24"), -1);
	assert_int_equal(ipnet_parse_addr(&n, "10.0.0.1"), 0);
}

static void test_mask_clears_host_bits(void **state)
{
	char out[IPNET_STRLEN];
	struct ipnet n;

	(void)state;
	n = net("10.1.2.3/16");
	ipnet_mask(&n);
	assert_string_equal(fmt(n, out), "10.1.0.0/16");
	n = net("10.1.255.3/20");
	ipnet_mask(&n);
	assert_string_equal(fmt(n, out), "10.1.240.0/20");
	n = net("192.168.1.7/24");
	ipnet_mask(&n);
	assert_string_equal(fmt(n, out), "192.168.1.0/24");
	n = net("10.1.2.3/32");
	ipnet_mask(&n);
	assert_string_equal(fmt(n, out), "10.1.2.3/32");
	n = net("10.1.2.3/0");
	ipnet_mask(&n);
	assert_string_equal(fmt(n, out), "0.0.0.0/0");
	n = net("fd00:1:2:ffff::1/50");
	ipnet_mask(&n);
	assert_string_equal(fmt(n, out), "fd00:1:2:c000::/50");
}

static void test_host_keeps_the_address_with_a_full_prefix(void **state)
{
	char out[IPNET_STRLEN];
	struct ipnet n;

	(void)state;
	n = net("10.1.2.3/16");
	ipnet_host(&n);
	assert_string_equal(fmt(n, out), "10.1.2.3/32");
	n = net("fd00::7/64");
	ipnet_host(&n);
	assert_string_equal(fmt(n, out), "fd00::7/128");
}

static bool overlap(const char *a, const char *b)
{
	struct ipnet x = net(a), y = net(b);
	bool r = ipnet_overlap(&x, &y);

	assert_int_equal(ipnet_overlap(&y, &x), r);
	return r;
}

static void test_overlap(void **state)
{
	(void)state;
	assert_true(overlap("10.0.0.0/8", "10.1.0.0/16"));
	assert_true(overlap("10.0.0.0/24", "10.0.0.0/24"));
	assert_true(overlap("10.0.0.5/24", "10.0.0.200/32"));
	assert_true(overlap("0.0.0.0/0", "192.168.1.1"));
	assert_true(overlap("fd00::/8", "fd12:3456::1/64"));
	assert_false(overlap("10.0.0.0/24", "10.0.1.0/24"));
	assert_false(overlap("10.0.0.1", "10.0.0.2"));
	assert_false(overlap("10.0.0.0/9", "10.128.0.0/9"));
	assert_false(overlap("fd00::/64", "fd00:0:0:1::/64"));
	assert_false(overlap("0.0.0.0/0", "::/0"));
	assert_false(overlap("10.0.0.1", "::ffff:10.0.0.1"));
}

static int cmp_nets(const void *a, const void *b)
{
	return ipnet_cmp(a, b);
}

static void test_cmp_orders_by_family_address_then_prefix(void **state)
{
	const char *sorted[] = {
		"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "10.0.0.1/32", "10.5.0.0/16",
		"10.255.0.0/16", "192.168.0.0/16", "::/0", "fd00::/8", "fd00::1/128",
	};
	const size_t n = sizeof(sorted) / sizeof(sorted[0]);
	struct ipnet v[sizeof(sorted) / sizeof(sorted[0])];
	char out[IPNET_STRLEN];

	(void)state;
	/* In reverse, so that sorting has to move every element. */
	for (size_t i = 0; i < n; i++)
		v[i] = net(sorted[n - 1 - i]);
	qsort(v, n, sizeof(v[0]), cmp_nets);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(fmt(v[i], out), sorted[i]);
	v[0] = net("10.0.0.0/8");
	v[1] = net("10.9.9.9/8");	/* the same network once masked */
	assert_int_equal(ipnet_cmp(&v[0], &v[1]), 0);
	v[1] = net("10.0.0.0/16");
	assert_true(ipnet_cmp(&v[0], &v[1]) < 0);
	assert_true(ipnet_cmp(&v[1], &v[0]) > 0);
}

static void test_format_is_canonical(void **state)
{
	char out[IPNET_STRLEN];

	(void)state;
	assert_string_equal(fmt(net("FD00:0:0:0:0:0:0:1/64"), out), "fd00::1/64");
	assert_string_equal(fmt(net("2001:0db8:0:0:1:0:0:1"), out), "2001:db8::1:0:0:1/128");
	assert_string_equal(fmt(net("::"), out), "::/128");
	assert_string_equal(fmt(net("10.0.0.1"), out), "10.0.0.1/32");
	assert_string_equal(
		fmt(net("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128"), out),
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
}

static void test_parse_list_trims_spaces_around_items(void **state)
{
	char out[IPNET_STRLEN];
	struct ipnet *v;
	size_t n, bad;

	(void)state;
	assert_int_equal(ipnet_parse_list("  10.0.0.1/24 ,fd00::1/64 ,\t192.168.1.0/24  ", &v,
					  &n, &bad), 0);
	assert_int_equal(n, 3);
	assert_string_equal(fmt(v[0], out), "10.0.0.1/24");
	assert_string_equal(fmt(v[1], out), "fd00::1/64");
	assert_string_equal(fmt(v[2], out), "192.168.1.0/24");
	free(v);
	assert_int_equal(ipnet_parse_list("10.0.0.1", &v, &n, &bad), 0);
	assert_int_equal(n, 1);
	free(v);
}

static void assert_list_refused(const char *text, size_t want_bad)
{
	static struct ipnet dummy;
	struct ipnet *v = &dummy;
	size_t n = 99, bad = 99;

	if (ipnet_parse_list(text, &v, &n, &bad) != -1)
		fail_msg("accepted: \"%s\"", text);
	assert_null(v);
	assert_int_equal(n, 0);
	if (bad != want_bad)
		fail_msg("\"%s\": bad item %zu, expected %zu", text, bad, want_bad);
}

static void test_parse_list_refuses_empty_and_bad_items(void **state)
{
	(void)state;
	assert_list_refused("", 0);
	assert_list_refused(" , ", 0);
	assert_list_refused(",10.0.0.1", 0);
	assert_list_refused("10.0.0.1/24,,10.0.0.2", 1);
	assert_list_refused("10.0.0.1/24,", 1);
	assert_list_refused("10.0.0.1/24, nope, fd00::1", 1);
	assert_list_refused("10.0.0.1, fd00::1, 10.0.0.2/33", 2);
	assert_list_refused("10.0.0.1 10.0.0.2", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ipv4_with_and_without_prefix),
		cmocka_unit_test(test_parse_ipv6_with_and_without_prefix),
		cmocka_unit_test(test_parse_refuses_bad_prefixes),
		cmocka_unit_test(test_parse_refuses_spaces_and_garbage),
		cmocka_unit_test(test_mask_clears_host_bits),
		cmocka_unit_test(test_host_keeps_the_address_with_a_full_prefix),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_cmp_orders_by_family_address_then_prefix),
		cmocka_unit_test(test_format_is_canonical),
		cmocka_unit_test(test_parse_list_trims_spaces_around_items),
		cmocka_unit_test(test_parse_list_refuses_empty_and_bad_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
