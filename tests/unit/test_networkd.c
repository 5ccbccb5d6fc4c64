/* networkd.c: the .netdev and .network files of each peer for systemd-networkd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats/networkd.h"
#include "mesh/model.h"
#include "store/psk.h"
#include "unit.h"
#include "fixtures.h"


static int setup(void **state)
{
	(void)state;
	return keys_init();
}

static void build_opts(struct mesh *m, const struct db *db, const struct psk_store *psk,
		       bool legacy)
{
	struct mesh_opts o = { .psk = psk, .legacy = legacy };

	assert_int_equal(mesh_build(m, db, &o), 0);
}

static void build(struct mesh *m, const struct db *db, const struct psk_store *psk)
{
	struct mesh_opts o = { .psk = psk };

	assert_int_equal(mesh_build(m, db, &o), 0);
}

/* Renders node i into files (two: the .netdev, then the .network). */
static void render(const struct mesh *m, size_t i, const char *ifname, struct out_files *files)
{
	struct format_opts o = { .ifname = ifname };
	char err[512] = "";

	out_files_reset(files);
	if (format_networkd.render(m, NULL, &o, i, files, err, sizeof(err)) != 0)
		fail_msg("render refused: %s", err);
	assert_int_equal(files->count, 2);
}

static void assert_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("\"%s\" not in:\n%s", needle, text);
}

static void test_seed4_files(void **state)
{
	static const char netdev[] =
		"# Name: tokyo1\n[NetDev]\nName=tokyo1\nKind=wireguard\n\n"
		"[WireGuard]\nPrivateKey=yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM=\n"
		"ListenPort=51820\nRouteTable=main\n\n"
		"[WireGuardPeer]\n# Name: germany1\nPublicKey=" PUB_B "\n"
		"Endpoint=germany1.com:51820\nAllowedIPs=10.2.0.1/32\n\n"
		"[WireGuardPeer]\n# Name: canada1\n"
		"PublicKey=00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=\n"
		"Endpoint=canada1.com:51820\nAllowedIPs=10.3.0.1/32\n\n"
		"[WireGuardPeer]\n# Name: shanghai1\n"
		"PublicKey=AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=\n"
		"Endpoint=shanghai1.com:51820\nAllowedIPs=10.4.0.1/32\n";
	static const char network[] =
		"# Name: tokyo1\n[Match]\nName=tokyo1\n\n[Network]\nAddress=10.1.0.1/16\n";
	char *text = slurp(SEED4 "database.csv", NULL);
	struct out_files files = OUT_FILES_INIT;
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, text);
	build(&m, &db, NULL);
	render(&m, 0, NULL, &files);
	assert_string_equal(files.v[0].path, "tokyo1.netdev");
	assert_string_equal(files.v[0].data.data, netdev);
	/* networkd reads its files as the systemd-network user. */
	assert_int_equal(files.v[0].mode, 0640);
	assert_string_equal(files.v[0].group, "systemd-network");
	assert_string_equal(files.v[1].path, "tokyo1.network");
	assert_string_equal(files.v[1].data.data, network);
	assert_int_equal(files.v[1].mode, 0644);
	assert_null(files.v[1].group);
	/* Without preshared keys only the private key is secret. */
	assert_true(files.v[0].secret_end < files.v[0].data.len);
	assert_non_null(memmem(files.v[0].data.data, files.v[0].secret_end, PRIV_A, strlen(PRIV_A)));
	assert_int_equal(files.v[1].secret_end, 0);
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
	free(text);
}

static void test_interface_names_the_files_and_the_device(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\n\"my laptop\",10.0.0.1/24," PRIV_A
			  "\nb,10.0.0.2/24," PRIV_B "\n");
	build(&m, &db, NULL);
	render(&m, 0, "wg0", &files);
	assert_string_equal(files.v[0].path, "my laptop/wg0.netdev");
	assert_string_equal(files.v[1].path, "my laptop/wg0.network");
	assert_contains(files.v[0].data.data, "# Name: my laptop\n[NetDev]\nName=wg0\n");
	assert_contains(files.v[1].data.data, "[Match]\nName=wg0\n");
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
}

/* A name that cannot be an interface name needs --interface: refused, naming
 * the database line, the peer and the column. */
static void test_name_that_is_no_ifname_is_refused_without_interface(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct format_opts o = { 0 };
	char err[512] = "";
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\n\"my laptop\",10.0.0.1/24," PRIV_A
			  "\nb,10.0.0.2/24," PRIV_B "\n");
	build(&m, &db, NULL);
	assert_int_equal(format_networkd.render(&m, NULL, &o, 0, &files, err, sizeof(err)), -1);
	assert_contains(err, "test.csv:2: peer my laptop: column Name: ");
	assert_contains(err, "--interface");
	out_files_reset(&files);
	assert_int_equal(format_networkd.render(&m, NULL, &o, 1, &files, err, sizeof(err)), 0);
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
}

static void test_every_value(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct mesh m;
	struct db db;
	const char *nd, *nw;

	(void)state;
	db_load_text(&db, "Name,Address,Endpoint,AllowedIPs,ListenPort,PersistentKeepalive,FwMark,"
			  "PrivateKey,DNS,MTU\n"
			  "a,\"10.0.0.1/24, fd00::1/64\",,,51821,25,0x10," PRIV_A
			  ",\"10.0.0.53, fd00::53, example.com, b.example\",1420\n"
			  "b,\"10.0.0.2/24, fd00::2/64\",fd00:1::2,192.168.7.1/24,51820,0,," PRIV_B
			  ",,\n");
	build(&m, &db, NULL);
	render(&m, 0, NULL, &files);
	nd = files.v[0].data.data;
	nw = files.v[1].data.data;
	assert_contains(nd, "Kind=wireguard\nMTUBytes=1420\n\n[WireGuard]\n");
	/* The mark in decimal, whatever base the database has it in. */
	assert_contains(nd, "ListenPort=51821\nFirewallMark=16\nRouteTable=main\n");
	/* Bracketed IPv6, the port of b; host routes, the masked network. */
	assert_contains(nd, "PublicKey=" PUB_B "\nEndpoint=[fd00:1::2]:51820\n"
			    "AllowedIPs=10.0.0.2/32\nAllowedIPs=fd00::2/128\n"
			    "AllowedIPs=192.168.7.0/24\nPersistentKeepalive=25\n");
	assert_string_equal(nw, "# Name: a\n[Match]\nName=a\n\n[Network]\n"
				"Address=10.0.0.1/24\nAddress=fd00::1/64\n"
				"DNS=10.0.0.53\nDNS=fd00::53\nDomains=example.com\nDomains=b.example\n");
	render(&m, 1, NULL, &files);
	/* Keepalive 0 is written: it is what the database says (off). */
	assert_contains(files.v[0].data.data, "AllowedIPs=10.0.0.1/32\nAllowedIPs=fd00::1/128\n"
					      "PersistentKeepalive=0\n");
	assert_null(strstr(files.v[0].data.data, "FirewallMark"));
	assert_null(strstr(files.v[0].data.data, "MTUBytes"));
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
}

/* --legacy-allowedips routes each Address with its own prefix: networkd warns
 * about host bits ("not properly masked") and masks them, as the kernel does;
 * the file says the network so masked. */
static void test_legacy_routes_are_masked(void **state)
{
	char *text = slurp(SEED4 "database.csv", NULL);
	struct out_files files = OUT_FILES_INIT;
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, text);
	build_opts(&m, &db, NULL, true);
	render(&m, 0, NULL, &files);
	assert_contains(files.v[0].data.data, "AllowedIPs=10.2.0.0/16\n");
	assert_null(strstr(files.v[0].data.data, "10.2.0.1/16"));
	/* The interface's own Address keeps its host part. */
	assert_contains(files.v[1].data.data, "Address=10.1.0.1/16\n");
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
	free(text);
}

/* networkd adds no route for AllowedIPs unless RouteTable= is set. */
static void test_route_table(void **state)
{
	static const struct {
		const char *table, *want;
	} cases[] = {
		{ "", "RouteTable=main\n" },	     { "auto", "RouteTable=main\n" },
		{ "off", NULL },		     { "1234", "RouteTable=1234\n" },
		{ "main", "RouteTable=main\n" },     { "vpn", "RouteTable=vpn\n" },
	};
	struct out_files files = OUT_FILES_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char csv[512];
		struct mesh m;
		struct db db;
		snprintf(csv, sizeof(csv), "Name,Address,Table,PrivateKey\na,10.0.0.1/24,%s," PRIV_A
			 "\nb,10.0.0.2/24,," PRIV_B "\n", cases[i].table);
		db_load_text(&db, csv);
		build(&m, &db, NULL);
		render(&m, 0, NULL, &files);
		if (cases[i].want)
			assert_contains(files.v[0].data.data, cases[i].want);
		else
			assert_null(strstr(files.v[0].data.data, "RouteTable"));
		mesh_release(&m);
		db_close(&db);
	}
	out_files_release(&files);
}

static void test_preshared_keys_are_secret(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct psk_store store;
	struct mesh m;
	struct db db;
	char want[160];
	const char *key;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\nb,10.0.0.2/24," PRIV_B "\n");
	memset(&store, 0, sizeof(store));
	assert_int_equal(psk_sync(&store, &db), 1);
	assert_non_null(key = psk_get(&store, "a", "b"));
	build(&m, &db, &store);
	render(&m, 0, NULL, &files);
	snprintf(want, sizeof(want), "PublicKey=%s\nPresharedKey=%s\n", PUB_B, key);
	assert_contains(files.v[0].data.data, want);
	assert_int_equal(files.v[0].secret_end, files.v[0].data.len);
	render(&m, 1, NULL, &files);
	snprintf(want, sizeof(want), "PublicKey=%s\nPresharedKey=%s\n", PUB_A, key);
	assert_contains(files.v[0].data.data, want);
	out_files_release(&files);
	psk_free(&store);
	mesh_release(&m);
	db_close(&db);
}

/* systemd before v252 continues a comment ending in a backslash on the next
 * line: such a name is quoted, so PublicKey= stays a key of its own. */
static void test_name_ending_in_backslash_is_quoted(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\n\"b\\\",10.0.0.2/24,"
			  PRIV_B "\n");
	build(&m, &db, NULL);
	render(&m, 0, NULL, &files);
	assert_contains(files.v[0].data.data, "# Name: \"b\\\\\"\nPublicKey=" PUB_B "\n");
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
}

static void test_cannot(void **state)
{
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey,PreUp,PostUp,PreDown,PostDown,SaveConfig,Table,DNS\n"
			  "a,10.0.0.1/24," PRIV_A ",w,x,y,z,true,vpn,fd00::53\n"
			  "b,10.0.0.2/24," PRIV_B ",,,,,false,,\n");
	build(&m, &db, NULL);
	for (int id = ATTR_PREUP; id <= ATTR_POSTDOWN; id++)
		assert_non_null(format_networkd.cannot(&m.nodes[0], (enum attr_id)id));
	assert_non_null(format_networkd.cannot(&m.nodes[0], ATTR_SAVECONFIG));
	/* SaveConfig=false is what networkd does anyway: nothing is lost. */
	assert_null(format_networkd.cannot(&m.nodes[1], ATTR_SAVECONFIG));
	assert_null(format_networkd.cannot(&m.nodes[0], ATTR_TABLE));
	assert_null(format_networkd.cannot(&m.nodes[0], ATTR_DNS));
	assert_null(format_networkd.cannot(&m.nodes[0], ATTR_NAME));
	mesh_release(&m);
	db_close(&db);
}


/* The relay's .network turns forwarding on (IPv6 only where the relay carries
 * it); no other node's does, nor a relay that carries no pair. */
static void test_relay_forwards(void **state)
{
	static const struct {
		const char *csv, *want;
	} cases[] = { { RELAY_CSV, "IPForward=ipv4\n" }, { RELAY6_CSV, "IPForward=yes\n" },
		      { IDLE_CSV, NULL } };
	struct out_files files = OUT_FILES_INIT;

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
		struct mesh m;
		struct db db;
		db_load_text(&db, cases[c].csv);
		build(&m, &db, NULL);
		for (size_t i = 0; i < m.count; i++) {
			render(&m, i, NULL, &files);
			const char *got = strstr(files.v[1].data.data, "IPForward=");
			if (i == 0 && cases[c].want) {
				assert_non_null(got);
				assert_memory_equal(got, cases[c].want, strlen(cases[c].want));
				assert_non_null(strstr(files.v[1].data.data, "[Network]\nIPForward="));
			} else {
				assert_null(got);
			}
			assert_null(strstr(files.v[0].data.data, "IPForward"));
		}
		assert_null(format_networkd.cannot(&m.nodes[0], ATTR_RELAY));
		mesh_release(&m);
		db_close(&db);
	}
	out_files_release(&files);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed4_files),
		cmocka_unit_test(test_interface_names_the_files_and_the_device),
		cmocka_unit_test(test_name_that_is_no_ifname_is_refused_without_interface),
		cmocka_unit_test(test_every_value),
		cmocka_unit_test(test_legacy_routes_are_masked),
		cmocka_unit_test(test_route_table),
		cmocka_unit_test(test_preshared_keys_are_secret),
		cmocka_unit_test(test_name_ending_in_backslash_is_quoted),
		cmocka_unit_test(test_cannot),
		cmocka_unit_test(test_relay_forwards),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
