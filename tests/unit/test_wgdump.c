/* wgdump.c: the output of `wg show IF dump`, as wireguard-tools prints it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "remote/wgdump.h"
#include "unit.h"

#define K1 "aF3mXu7kxoW5rs04QrZYeUWhvzQbpY9Tcv7LkXlXL2k="
#define K2 "GLUR6vMIsNfvyDgR8Yenxz00wV8jkchCQqiLLMUcjFY="
#define K3 "CCUsQI8Lc0g1v2iEHXN/+QgGry297a/6H1dkU0qI7Fs="
#define PSK "CN0b5vcVPaQi0rkw81JEeAttAOwoBK+o2n0OMHFQrUw="

static const char dump[] =
	K1 "\t" K2 "\t51820\toff\n"
	K3 "\t" PSK "\t203.0.113.7:51820\t10.0.0.2/32,fd00::2/128\t1764680000\t9120\t8712\t25\n"
	K2 "\t(none)\t[2001:db8::1]:4242\t10.1.0.0/16\t0\t0\t0\toff\n";

static void test_interface_and_peers(void **state)
{
	struct wgdump d;
	char err[128];

	(void)state;
	assert_int_equal(wgdump_parse(&d, dump, sizeof(dump) - 1, err, sizeof(err)), 0);
	assert_true(d.has_private_key);
	assert_string_equal(d.public_key, K2);
	assert_int_equal(d.listen_port, 51820);
	assert_int_equal(d.fwmark, 0);
	assert_int_equal(d.count, 2);
	assert_string_equal(d.peers[0].public_key, K3);
	assert_true(d.peers[0].has_psk);
	assert_string_equal(d.peers[0].endpoint, "203.0.113.7:51820");
	assert_int_equal(d.peers[0].n_allowed, 2);
	char text[IPNET_STRLEN];
	ipnet_format(&d.peers[0].allowed[1], text);
	assert_string_equal(text, "fd00::2/128");
	assert_int_equal(d.peers[0].handshake, 1764680000);
	assert_int_equal(d.peers[0].rx, 9120);
	assert_int_equal(d.peers[0].tx, 8712);
	assert_int_equal(d.peers[0].keepalive, 25);
	assert_false(d.peers[1].has_psk);
	assert_string_equal(d.peers[1].endpoint, "[2001:db8::1]:4242");
	assert_int_equal(d.peers[1].keepalive, 0);
	assert_int_equal(d.peers[1].handshake, 0);
	assert_ptr_equal(wgdump_find(&d, K2), &d.peers[1]);
	assert_null(wgdump_find(&d, K1));
	wgdump_free(&d);
}

static void test_no_key_no_peers_fwmark_last_line_without_newline(void **state)
{
	static const char text[] = "(none)\t(none)\t0\t0x2a";
	struct wgdump d;
	char err[128];

	(void)state;
	assert_int_equal(wgdump_parse(&d, text, sizeof(text) - 1, err, sizeof(err)), 0);
	assert_false(d.has_private_key);
	assert_string_equal(d.public_key, "");
	assert_int_equal(d.listen_port, 0);
	assert_int_equal(d.fwmark, 42);
	assert_int_equal(d.count, 0);
	wgdump_free(&d);
}

static void test_peer_without_endpoint_or_allowed_ips(void **state)
{
	static const char text[] = K1 "\t" K2 "\t1\toff\n"
				   K3 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n";
	struct wgdump d;
	char err[128];

	(void)state;
	assert_int_equal(wgdump_parse(&d, text, sizeof(text) - 1, err, sizeof(err)), 0);
	assert_int_equal(d.count, 1);
	assert_string_equal(d.peers[0].endpoint, "");
	assert_int_equal(d.peers[0].n_allowed, 0);
	wgdump_free(&d);
}

/* Each refusal names its line. */
static void refuses(const char *text, const char *want)
{
	struct wgdump d;
	char err[128];

	if (wgdump_parse(&d, text, strlen(text), err, sizeof(err)) == 0)
		fail_msg("accepted: %s", text);
	if (!strstr(err, want))
		fail_msg("\"%s\" instead of \"%s\"", err, want);
	assert_int_equal(d.count, 0);
	assert_null(d.peers);
}

static void test_refusals(void **state)
{
	(void)state;
	refuses("", "empty");
	refuses(K1 "\t" K2 "\t51820\n", "line 1: 3 fields");
	refuses("nokey\t" K2 "\t51820\toff\n", "line 1: the private key");
	refuses(K1 "\t" K2 "\t65536\toff\n", "line 1: the listen port");
	refuses(K1 "\t" K2 "\t051820\toff\n", "line 1: the listen port");
	refuses(K1 "\t" K2 "\t1\t42\n", "line 1: the fwmark");
	refuses(K1 "\t" K2 "\t1\t0x\n", "line 1: the fwmark");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\n", "line 2: 2 fields");
	refuses(K1 "\t" K2 "\t1\toff\n(none)\t(none)\t(none)\t(none)\t0\t0\t0\toff\n",
		"line 2: the peer's public key");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t1.2.3.4\t(none)\t0\t0\t0\toff\n",
		"line 2: the endpoint");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t2001:db8::1:5\t(none)\t0\t0\t0\toff\n",
		"line 2: the endpoint");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t[1.2.3.4]:5\t(none)\t0\t0\t0\toff\n",
		"line 2: the endpoint");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t(none)\t10.0.0.1\t0\t0\t0\toff\n",
		"line 2: the allowed ips");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t(none)\t10.0.0.1/32,\t0\t0\t0\toff\n",
		"line 2: the allowed ips");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t(none)\t(none)\t-1\t0\t0\toff\n",
		"line 2: the latest handshake");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t(none)\t(none)\t0\t18446744073709551616\t0\toff\n",
		"line 2: the transfer");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t(none)\t(none)\t0\t0\t0\t0\n",
		"line 2: the keepalive");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\textra\n",
		"line 2: 9 fields");
	refuses(K1 "\t" K2 "\t1\toff\n" K3 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n"
		K3 "\t(none)\t(none)\t(none)\t0\t0\t0\toff\n", "line 3: a peer twice");
}

static void test_nul_byte_refused(void **state)
{
	static const char text[] = K1 "\t" K2 "\t1\toff\n\0";
	struct wgdump d;
	char err[128];

	(void)state;
	assert_int_equal(wgdump_parse(&d, text, sizeof(text), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interface_and_peers),
		cmocka_unit_test(test_no_key_no_peers_fwmark_last_line_without_newline),
		cmocka_unit_test(test_peer_without_endpoint_or_allowed_ips),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_nul_byte_refused),
	};

	if (keys_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
