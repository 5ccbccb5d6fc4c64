/* importer/wgparse.c: the grammar of wg and wg-quick files, strictly; and
 * importer/rebuild.c on small meshes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "importer/rebuild.h"
#include "importer/wgparse.h"
#include "lib/keys.h"
#include "unit.h"
#include "fixtures.h"

#include <sys/socket.h>

#define PSK "VuIT3BaJ0lLg/CvihNs4crD7zjjYxAvMWzX5y3Ac2Gw="

static int setup(void **state)
{
	(void)state;
	return keys_init();
}

static void parse_ok(struct wgp_file *f, const char *text)
{
	char err[512];

	if (wgp_parse(f, "t.conf", text, strlen(text), err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
}

/* The error of a text that must be refused. */
static void parse_err(const char *text, const char *want)
{
	struct wgp_file f;
	char err[512];

	assert_int_equal(wgp_parse(&f, "t.conf", text, strlen(text), err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	wgp_free(&f);
}

static void test_case_insensitive_and_repeated(void **state)
{
	struct wgp_file f;

	(void)state;
	parse_ok(&f, "[INTERFACE]\r\n# Name: a\r\naddress = 10.0.0.1/24 # mesh\r\n"
		     "ADDRESS = fd00::1/64, 10.1.0.1/24\r\nprivatekey=" PRIV_A "\r\n"
		     "dns = 1.1.1.1\r\nDns = example.org\r\nPostUp = echo a # kept\r\n"
		     "postup = echo b\r\nsaveconfig = True\r\n"
		     "[peer]\r\n# Name: b\r\npublickey = " PUB_B "\r\n"
		     "allowedips = 10.0.0.2/32\r\nAllowedIPs = 192.168.0.0/24 , fd00::2/128\r\n"
		     "persistentkeepalive = off\r\n");
	assert_string_equal(f.name, "a");
	assert_string_equal(f.v[WGP_ADDRESS].text, "10.0.0.1/24,fd00::1/64,10.1.0.1/24");
	assert_int_equal(f.v[WGP_ADDRESS].line, 3);
	assert_string_equal(f.v[WGP_DNS].text, "1.1.1.1,example.org");
	/* A hook keeps its '#': wg-quick passes it on. */
	assert_string_equal(f.v[WGP_POSTUP].text, "echo a # kept\necho b");
	assert_int_equal(f.v[WGP_POSTUP].count, 2);
	assert_string_equal(f.v[WGP_SAVECONFIG].text, "True");
	assert_int_equal(f.n_peers, 1);
	assert_string_equal(f.peers[0].name, "b");
	assert_string_equal(f.peers[0].public_key, PUB_B);
	assert_int_equal(f.peers[0].n_allowed, 3);
	assert_int_equal(f.peers[0].allowed[1].prefix, 24);
	assert_int_equal(f.peers[0].allowed[2].family, AF_INET6);
	assert_int_equal(f.peers[0].keepalive, 0);
	assert_false(f.peers[0].has_endpoint);
	wgp_free(&f);
}

static void test_endpoints(void **state)
{
	struct wgp_file f;

	(void)state;
	parse_ok(&f, "[Peer]\nPublicKey = " PUB_A "\nEndpoint = 2001:db8::1:51820\n"
		     "[Peer]\nPublicKey = " PUB_B "\nEndpoint = [2001:db8::2]:4000\n"
		     "PresharedKey = " PSK "\nPersistentKeepalive = 25\n");
	/* 2.5.1's unbracketed IPv6: split at the last colon, as wg does. */
	assert_true(f.peers[0].endpoint.ipv6);
	assert_false(f.peers[0].endpoint_bracketed);
	assert_string_equal(f.peers[0].endpoint.host, "2001:db8::1");
	assert_int_equal(f.peers[0].endpoint.port, 51820);
	assert_true(f.peers[1].endpoint_bracketed);
	assert_int_equal(f.peers[1].endpoint.port, 4000);
	assert_string_equal(f.peers[1].preshared_key, PSK);
	assert_int_equal(f.peers[1].keepalive, 25);
	assert_int_equal(f.iface_line, 0);
	wgp_free(&f);
}

static void test_refused(void **state)
{
	(void)state;
	parse_err("[Interface]\nListen Port = 1\n", "t.conf:2: \"Listen Port\": not a key");
	parse_err("[Interface]\nMTU = 1420\nmtu = 1380\n", "t.conf:3: MTU: given twice (also on line 2)");
	parse_err("Address = 10.0.0.1/24\n", "t.conf:1: \"Address\": before any section");
	parse_err("[Interface]\n[Interface]\n", "t.conf:2: a second [Interface]");
	parse_err("[Wireguard]\n", "is not a section");
	parse_err("[Peer]\nEndpoint = h:1\n", "t.conf:1: the [Peer] has no PublicKey");
	parse_err("[Peer]\n[Interface]\n", "t.conf:2: the [Peer] of line 1 has no PublicKey");
	parse_err("[Peer]\nPublicKey = " PUB_A "\n[Peer]\nPublicKey = " PUB_A "\n",
		  "t.conf:3: PublicKey: the same as the [Peer] of line 1");
	parse_err("[Peer]\nPublicKey = " PUB_A "\nEndpoint = host\n", "Endpoint: \"host\" has no :port");
	parse_err("[Peer]\nPublicKey = " PUB_A "\nEndpoint = [::1]\n", "no port after its ']'");
	parse_err("[Peer]\nPublicKey = " PUB_A "\nEndpoint = h:0\n", "is not a port (1-65535)");
	parse_err("[Peer]\nPublicKey = " PUB_A "\nEndpoint = [host]:1\n", "is not HOST:PORT");
	parse_err("[Peer]\nPublicKey = " PUB_A "\nAllowedIPs = 10.0.0.1/33\n", "is not an IP network");
	parse_err("[Peer]\nPublicKey = " PUB_A "\nAllowedIPs = 10.0.0.1/32,\n", "an empty item");
	parse_err("[Peer]\nPublicKey = " PUB_A "\nAllowedIPs = +10.0.0.1/32\n", "is not an IP network");
	parse_err("[Peer]\nPublicKey = " PUB_A "\nPersistentKeepalive = 65536\n", "neither off nor");
	parse_err("[Peer]\nPublicKey = " PUB_A "\nAddress = 10.0.0.1/24\n", "belongs in the [Interface]");
	parse_err("[Interface]\nPublicKey = " PUB_A "\n", "belongs in a [Peer]");
	parse_err("[Interface]\nPrivateKey = abc\n", "PrivateKey: not a key");
	parse_err("[Interface]\nPrivateKey =\n", "PrivateKey: empty value");
	parse_err("[Interface]\nSaveConfig = yes\n", "neither true nor false");
	parse_err("[Interface]\nListenPort = 65536\n", "not a port number");
	parse_err("[Interface]\nListenPort = http\n", "not a port number");
	parse_err("[Interface]\nFwMark = 0x100000000\n", "neither off nor a number");
	parse_err("[Interface]\nDNS = 1.1.1.1,,8.8.8.8\n", "an empty item");
	parse_err("[Interface]\nMTU = 14x\n", "not a number");
	parse_err("[Interface]\n# Name: a\n# Name: b\n", "a second \"# Name:\"");
	parse_err("[Interface]\nAddress 10.0.0.1\n", "neither KEY = VALUE");
	{
		static const char nul[] = "[Interface]\n\0\n";
		struct wgp_file f;
		char err[256];
		assert_int_equal(wgp_parse(&f, "t.conf", nul, sizeof(nul) - 1, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "t.conf:2: a NUL byte"));
		wgp_free(&f);
	}
}

static void count_conflict(void *ctx, const char *line)
{
	(void)line;
	(*(int *)ctx)++;
}

/* Two files of a two-node mesh rebuilt into rows: each one's endpoint from
 * the other's file, its extra AllowedIPs beyond its host route. */
static void test_rebuild_pair(void **state)
{
	struct wgp_file f[2];
	struct db db = { .path = "new.csv", .lock_fd = -1 };
	struct psk_store s = { 0 };
	int conflicts = 0;
	struct rebuild_report r = { count_conflict, NULL, &conflicts };
	bool has_psk;

	(void)state;
	parse_ok(&f[0], "[Interface]\n# Name: a\nAddress = 10.0.0.1/24\nPrivateKey = " PRIV_A "\n"
			"ListenPort = 51820\n\n[Peer]\n# Name: b\nPublicKey = " PUB_B "\n"
			"PresharedKey = " PSK "\nEndpoint = b.example:4000\n"
			"AllowedIPs = 10.0.0.2/32, 192.168.2.0/24\nPersistentKeepalive = 10\n");
	parse_ok(&f[1], "[Interface]\n# Name: b\nAddress = 10.0.0.2/24\nPrivateKey = " PRIV_B "\n"
			"ListenPort = 4000\n\n[Peer]\n# Name: a\nPublicKey = " PUB_A "\n"
			"PresharedKey = " PSK "\nEndpoint = a.example:51820\nAllowedIPs = 10.0.0.1/24\n");
	assert_int_equal(rebuild_db(f, 2, &db, &s, &has_psk, &r), 0);
	assert_int_equal(conflicts, 0);
	assert_int_equal(db.count, 2);
	assert_true(has_psk);
	/* File order a, b; the port that is its own ListenPort is left to genconfig. */
	assert_string_equal(peer_get(&db.peers[0], ATTR_NAME), "a");
	assert_string_equal(peer_get(&db.peers[0], ATTR_ENDPOINT), "a.example");
	assert_string_equal(peer_get(&db.peers[0], ATTR_KEEPALIVE), "10");
	assert_string_equal(peer_get(&db.peers[0], ATTR_ALLOWEDIPS), "");
	assert_string_equal(peer_get(&db.peers[1], ATTR_ENDPOINT), "b.example");
	assert_string_equal(peer_get(&db.peers[1], ATTR_ALLOWEDIPS), "192.168.2.0/24");
	assert_string_equal(peer_get(&db.peers[1], ATTR_KEEPALIVE), "");
	assert_string_equal(psk_get(&s, "a", "b"), PSK);
	psk_free(&s);
	db_close(&db);

	/* The same key at the two ends, now different: a conflict, no row. */
	memset(&db, 0, sizeof(db));
	db.path = "new.csv";
	db.lock_fd = -1;
	f[1].peers[0].preshared_key[0] = 'W';
	assert_int_equal(rebuild_db(f, 2, &db, &s, &has_psk, &r), 1);
	assert_int_equal(db.count, 0);
	psk_free(&s);
	db_close(&db);
	wgp_free(&f[0]);
	wgp_free(&f[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_insensitive_and_repeated),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_rebuild_pair),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
