/* endpoint.c: the Endpoint column, parsed and written as wg-quick takes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/endpoint.h"
#include "unit.h"

static struct endpoint parsed(const char *text)
{
	struct endpoint ep;

	if (endpoint_parse(&ep, text) != 0)
		fail_msg("refused: \"%s\"", text);
	return ep;
}

/* endpoint_format of text with the peer's ListenPort. */
static const char *formatted(const char *text, unsigned listen_port, char out[300])
{
	struct endpoint ep = parsed(text);
	int n = endpoint_format(&ep, listen_port, out, 300);

	assert_int_equal(n, strlen(out));
	return out;
}

static void test_parse_host_name(void **state)
{
	struct endpoint ep = parsed("vpn.example.com");

	(void)state;
	assert_string_equal(ep.host, "vpn.example.com");
	assert_false(ep.ipv6);
	assert_int_equal(ep.port, 0);
}

static void test_parse_host_and_port(void **state)
{
	struct endpoint ep = parsed("vpn.example.com:4500");

	(void)state;
	assert_string_equal(ep.host, "vpn.example.com");
	assert_int_equal(ep.port, 4500);
	ep = parsed("203.0.113.7:51820");
	assert_string_equal(ep.host, "203.0.113.7");
	assert_false(ep.ipv6);
	assert_int_equal(ep.port, 51820);
}

static void test_parse_bare_ipv6(void **state)
{
	struct endpoint ep = parsed("2001:db8::7");

	(void)state;
	assert_string_equal(ep.host, "2001:db8::7");
	assert_true(ep.ipv6);
	assert_int_equal(ep.port, 0);
}

static void test_parse_bracketed_ipv6_with_and_without_port(void **state)
{
	struct endpoint ep = parsed("[2001:db8::7]:51821");

	(void)state;
	assert_string_equal(ep.host, "2001:db8::7");
	assert_true(ep.ipv6);
	assert_int_equal(ep.port, 51821);
	ep = parsed("[2001:db8::7]");
	assert_string_equal(ep.host, "2001:db8::7");
	assert_int_equal(ep.port, 0);
}

static void test_parse_refuses_malformed_endpoints(void **state)
{
	const char *bad[] = {
		"", "[2001:db8::7", "[2001:db8::7]:", "[2001:db8::7]x", "[2001:db8::7]:0",
		"[vpn.example.com]:1", "[203.0.113.7]:1", "host:0", "host:65536", "host:", ":51820",
		"host:port", "host: 1", "ho st", " host", "host ", "host:1:2", "-host", ".host",
		"host/path", "2001:db8::7:51820:x",
	};
	struct endpoint ep;
	char long_host[300];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (endpoint_parse(&ep, bad[i]) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);
	memset(long_host, 'a', sizeof(long_host) - 1);
	long_host[sizeof(long_host) - 1] = '\0';
	assert_int_equal(endpoint_parse(&ep, long_host), -1);
}

static void test_format_uses_the_listen_port_when_there_is_no_own_port(void **state)
{
	char out[300];

	(void)state;
	assert_string_equal(formatted("vpn.example.com", 51820, out), "vpn.example.com:51820");
	assert_string_equal(formatted("203.0.113.7", 4000, out), "203.0.113.7:4000");
}

static void test_format_prefers_the_own_port(void **state)
{
	char out[300];

	(void)state;
	assert_string_equal(formatted("vpn.example.com:4500", 51820, out), "vpn.example.com:4500");
	assert_string_equal(formatted("[2001:db8::7]:4500", 51820, out), "[2001:db8::7]:4500");
}

static void test_format_brackets_ipv6(void **state)
{
	char out[300];

	(void)state;
	assert_string_equal(formatted("2001:db8::7", 51820, out), "[2001:db8::7]:51820");
	assert_string_equal(formatted("[fd00::1]", 51820, out), "[fd00::1]:51820");
}

static void test_format_returns_the_full_length_when_truncating(void **state)
{
	struct endpoint ep = parsed("vpn.example.com:4500");
	char out[8];

	(void)state;
	assert_int_equal(endpoint_format(&ep, 0, out, sizeof(out)), 20);
	assert_string_equal(out, "vpn.exa");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_host_name),
		cmocka_unit_test(test_parse_host_and_port),
		cmocka_unit_test(test_parse_bare_ipv6),
		cmocka_unit_test(test_parse_bracketed_ipv6_with_and_without_port),
		cmocka_unit_test(test_parse_refuses_malformed_endpoints),
		cmocka_unit_test(test_format_uses_the_listen_port_when_there_is_no_own_port),
		cmocka_unit_test(test_format_prefers_the_own_port),
		cmocka_unit_test(test_format_brackets_ipv6),
		cmocka_unit_test(test_format_returns_the_full_length_when_truncating),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
