/* nm.c: the NetworkManager keyfile of each peer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats/nm.h"
#include "mesh/model.h"
#include "store/psk.h"
#include "unit.h"
#include "fixtures.h"


static int setup(void **state)
{
	(void)state;
	return keys_init();
}

static void build(struct mesh *m, const struct db *db, const struct psk_store *psk)
{
	struct mesh_opts o = { .psk = psk };

	assert_int_equal(mesh_build(m, db, &o), 0);
}

static const char *render(const struct mesh *m, size_t i, const char *ifname,
			  struct out_files *files)
{
	struct format_opts o = { .ifname = ifname };
	char err[512] = "";

	out_files_reset(files);
	if (format_nm.render(m, NULL, &o, i, files, err, sizeof(err)) != 0)
		fail_msg("render refused: %s", err);
	assert_int_equal(files->count, 1);
	return files->v[0].data.data;
}

static void assert_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("\"%s\" not in:\n%s", needle, text);
}

static void test_seed4_file(void **state)
{
	static const char want[] =
		"# Name: tokyo1\n[connection]\nid=tokyo1\n"
		"uuid=0b797b6d-05d2-4c96-a1c0-a1d53f50c65a\ntype=wireguard\n"
		"interface-name=tokyo1\nautoconnect=true\n\n"
		"[wireguard]\nprivate-key=" PRIV_A "\nlisten-port=51820\n\n"
		"# Name: germany1\n[wireguard-peer." PUB_B "]\n"
		"endpoint=germany1.com:51820\nallowed-ips=10.2.0.1/32;\n\n"
		"# Name: canada1\n[wireguard-peer.00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=]\n"
		"endpoint=canada1.com:51820\nallowed-ips=10.3.0.1/32;\n\n"
		"# Name: shanghai1\n[wireguard-peer.AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=]\n"
		"endpoint=shanghai1.com:51820\nallowed-ips=10.4.0.1/32;\n\n"
		"[ipv4]\nmethod=manual\naddress1=10.1.0.1/16\n\n[ipv6]\nmethod=disabled\n";
	char *text = slurp(SEED4 "database.csv", NULL);
	struct out_files files = OUT_FILES_INIT;
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, text);
	build(&m, &db, NULL);
	assert_string_equal(render(&m, 0, NULL, &files), want);
	assert_string_equal(files.v[0].path, "tokyo1.nmconnection");
	/* NetworkManager ignores a keyfile others can read. */
	assert_int_equal(files.v[0].mode, 0600);
	assert_null(files.v[0].group);
	assert_non_null(memmem(files.v[0].data.data, files.v[0].secret_end, PRIV_A, strlen(PRIV_A)));
	render(&m, 0, "wg0", &files);
	assert_string_equal(files.v[0].path, "tokyo1/wg0.nmconnection");
	assert_contains(files.v[0].data.data, "id=tokyo1\n");
	assert_contains(files.v[0].data.data, "interface-name=wg0\n");
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
	free(text);
}

/* The uuid follows from the public key alone: the same on every run, another
 * for every node, RFC 4122 version 4 and variant bits. */
static void test_uuid(void **state)
{
	char a[NM_UUID_LEN + 1], again[NM_UUID_LEN + 1], b[NM_UUID_LEN + 1];

	(void)state;
	assert_int_equal(nm_uuid(PUB_A, a), 0);
	assert_int_equal(nm_uuid(PUB_A, again), 0);
	assert_int_equal(nm_uuid(PUB_B, b), 0);
	assert_string_equal(a, again);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), NM_UUID_LEN);
	for (size_t i = 0; i < NM_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", a[i]));
	}
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
}

/* GKeyFile string escapes in the id; a name that is not UTF-8 cannot be one. */
static void test_id_is_escaped(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct mesh m;
	struct db db;

	(void)state;
	/* A name that is not UTF-8 no longer loads: the database refuses it. */
	db_load_text(&db, "Name,Address,PrivateKey\n\"a\\b \\c\",10.0.0.1/24," PRIV_A
			  "\nu\xc3\xa9,10.0.0.3/24,"
			  "2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko=\n");
	build(&m, &db, NULL);
	assert_contains(render(&m, 0, "wg0", &files), "\nid=a\\\\b \\\\c\n");
	assert_null(format_nm.cannot(&m.nodes[0], ATTR_NAME));
	assert_null(format_nm.cannot(&m.nodes[1], ATTR_NAME));
	assert_contains(render(&m, 1, "wg0", &files), "\nid=u\xc3\xa9\n");
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
}

static void test_name_that_is_no_ifname_is_refused_without_interface(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct format_opts o = { 0 };
	char err[512] = "";
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\nb,10.0.0.2/24," PRIV_B "\n"
			  "\"my laptop\",10.0.0.1/24," PRIV_A "\n");
	build(&m, &db, NULL);
	assert_int_equal(format_nm.render(&m, NULL, &o, 1, &files, err, sizeof(err)), -1);
	assert_contains(err, "test.csv:3: peer my laptop: column Name: the nm format");
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
}

static void test_dual_stack_every_value(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct mesh m;
	struct db db;
	const char *t;

	(void)state;
	db_load_text(&db, "Name,Address,Endpoint,AllowedIPs,ListenPort,PersistentKeepalive,FwMark,"
			  "PrivateKey,DNS,MTU\n"
			  "a,\"10.0.0.1/24, fd00::1/64\",,,51821,25,0x10," PRIV_A
			  ",\"10.0.0.53, fd00::53, example.com, b.example\",1420\n"
			  "b,fd00::2/64,fd00:1::2,192.168.7.1/24,51820,,," PRIV_B ",\"fd00::53, x.example\",\n");
	build(&m, &db, NULL);
	t = render(&m, 0, NULL, &files);
	assert_contains(t, "[wireguard]\nprivate-key=" PRIV_A "\nlisten-port=51821\nfwmark=16\n"
			   "mtu=1420\n\n");
	assert_contains(t, "[wireguard-peer." PUB_B "]\nendpoint=[fd00:1::2]:51820\n"
			   "allowed-ips=fd00::2/128;192.168.7.0/24;\npersistent-keepalive=25\n");
	assert_contains(t, "\n[ipv4]\nmethod=manual\naddress1=10.0.0.1/24\ndns=10.0.0.53;\n"
			   "dns-search=example.com;b.example;\n\n[ipv6]\nmethod=manual\n"
			   "address1=fd00::1/64\ndns=fd00::53;\n");
	assert_null(format_nm.cannot(&m.nodes[0], ATTR_DNS));
	t = render(&m, 1, NULL, &files);
	/* No IPv4 address: IPv4 disabled, the search domains with IPv6. */
	assert_contains(t, "\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=manual\n"
			   "address1=fd00::2/64\ndns=fd00::53;\ndns-search=x.example;\n");
	assert_null(strstr(t, "endpoint="));
	assert_null(strstr(t, "persistent-keepalive"));
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
}

/* NetworkManager refuses ipv6.dns with method=disabled: such a server is left
 * out, and cannot() says so. */
static void test_name_server_of_a_family_without_address(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct mesh m;
	struct db db;
	const char *t;

	(void)state;
	db_load_text(&db, "Name,Address,DNS,PrivateKey\na,10.0.0.1/24,\"fd00::53, 10.0.0.53\","
			  PRIV_A "\nb,10.0.0.2/24,," PRIV_B "\n");
	build(&m, &db, NULL);
	assert_non_null(format_nm.cannot(&m.nodes[0], ATTR_DNS));
	t = render(&m, 0, NULL, &files);
	assert_contains(t, "dns=10.0.0.53;\n");
	assert_null(strstr(t, "fd00::53"));
	assert_contains(t, "[ipv6]\nmethod=disabled\n");
	out_files_release(&files);
	mesh_release(&m);
	db_close(&db);
}

static void test_route_table(void **state)
{
	static const struct {
		const char *table, *want;
		bool cannot;
	} cases[] = {
		{ "", NULL, false },
		{ "auto", NULL, false },
		{ "off", "peer-routes=false\n", false },
		{ "1234", "address1=10.0.0.1/24\nroute-table=1234\n", false },
		{ "main", "address1=10.0.0.1/24\nroute-table=254\n", false },
		{ "vpn", NULL, true },
	};
	struct out_files files = OUT_FILES_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char csv[512];
		struct mesh m;
		struct db db;
		const char *t;
		snprintf(csv, sizeof(csv), "Name,Address,Table,PrivateKey\na,10.0.0.1/24,%s," PRIV_A
			 "\nb,10.0.0.2/24,," PRIV_B "\n", cases[i].table);
		db_load_text(&db, csv);
		build(&m, &db, NULL);
		t = render(&m, 0, NULL, &files);
		if (cases[i].want)
			assert_contains(t, cases[i].want);
		else
			assert_true(!strstr(t, "route-table") && !strstr(t, "peer-routes"));
		assert_int_equal(format_nm.cannot(&m.nodes[0], ATTR_TABLE) != NULL, cases[i].cannot);
		mesh_release(&m);
		db_close(&db);
	}
	out_files_release(&files);
}

static void test_preshared_keys(void **state)
{
	struct out_files files = OUT_FILES_INIT;
	struct psk_store store;
	struct mesh m;
	struct db db;
	char want[200];
	const char *key;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\nb,10.0.0.2/24," PRIV_B "\n");
	memset(&store, 0, sizeof(store));
	assert_int_equal(psk_sync(&store, &db), 1);
	assert_non_null(key = psk_get(&store, "a", "b"));
	build(&m, &db, &store);
	snprintf(want, sizeof(want), "allowed-ips=10.0.0.2/32;\npreshared-key=%s\n"
		 "preshared-key-flags=0\n", key);
	assert_contains(render(&m, 0, NULL, &files), want);
	/* The writer wipes up to secret_end: past the last key. */
	assert_true(files.v[0].secret_end >= (size_t)(strstr(files.v[0].data.data, want) -
						      files.v[0].data.data) + strlen(want));
	out_files_release(&files);
	psk_free(&store);
	mesh_release(&m);
	db_close(&db);
}

static void test_cannot(void **state)
{
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey,PreUp,PostUp,PreDown,PostDown,SaveConfig\n"
			  "a,10.0.0.1/24," PRIV_A ",w,x,y,z,true\n"
			  "b,10.0.0.2/24," PRIV_B ",,,,,false\n");
	build(&m, &db, NULL);
	for (int id = ATTR_PREUP; id <= ATTR_POSTDOWN; id++)
		assert_non_null(format_nm.cannot(&m.nodes[0], (enum attr_id)id));
	assert_non_null(format_nm.cannot(&m.nodes[0], ATTR_SAVECONFIG));
	assert_null(format_nm.cannot(&m.nodes[1], ATTR_SAVECONFIG));
	mesh_release(&m);
	db_close(&db);
}


/* No forwarding setting: the relay that carries a pair gets the warning of
 * the column Relay; a relay that carries none, and the other nodes, do not. */
static void test_relay_cannot_forward(void **state)
{
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, RELAY6_CSV);
	assert_int_equal(mesh_build(&m, &db, NULL), 0);
	assert_non_null(format_nm.cannot(&m.nodes[0], ATTR_RELAY));
	assert_null(format_nm.cannot(&m.nodes[1], ATTR_RELAY));
	mesh_release(&m);
	db_close(&db);
	db_load_text(&db, IDLE_CSV);
	assert_int_equal(mesh_build(&m, &db, NULL), 0);
	assert_null(format_nm.cannot(&m.nodes[0], ATTR_RELAY));
	mesh_release(&m);
	db_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed4_file),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_id_is_escaped),
		cmocka_unit_test(test_name_that_is_no_ifname_is_refused_without_interface),
		cmocka_unit_test(test_dual_stack_every_value),
		cmocka_unit_test(test_name_server_of_a_family_without_address),
		cmocka_unit_test(test_route_table),
		cmocka_unit_test(test_preshared_keys),
		cmocka_unit_test(test_cannot),
		cmocka_unit_test(test_relay_cannot_forward),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
