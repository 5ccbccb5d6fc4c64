/* model.c: the typed mesh every format reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "mesh/model.h"
#include "store/psk.h"
#include "unit.h"
#include "fixtures.h"


static int setup(void **state)
{
	(void)state;
	return keys_init();
}

static void build(struct mesh *m, const struct db *db, const struct mesh_opts *o)
{
	assert_int_equal(mesh_build(m, db, o), 0);
	assert_int_equal(m->count, db->count);
}

static void assert_net(const struct ipnet *n, const char *want)
{
	char text[IPNET_STRLEN];

	ipnet_format(n, text);
	assert_string_equal(text, want);
}

static void test_interface_values_are_typed(void **state)
{
	struct mesh m;
	struct db db;
	const struct mesh_node *a;

	(void)state;
	db_load_text(&db, "Name,Address,Endpoint,ListenPort,PersistentKeepalive,FwMark,"
			  "PrivateKey,DNS,MTU,Table,PostUp,SaveConfig\n"
			  "a,\"10.0.0.1/24, fd00::1/64\",a.example,51000,25,0x10," PRIV_A
			  ",\"1.1.1.1, example.com, fd00::53\",1420,1234,echo up,True\n");
	build(&m, &db, NULL);
	a = &m.nodes[0];
	assert_string_equal(a->name, "a");
	assert_true(a->has_key);
	assert_string_equal(a->public_key, PUB_A);
	assert_int_equal(a->n_addresses, 2);
	assert_net(&a->addresses[0], "10.0.0.1/24");
	assert_net(&a->addresses[1], "fd00::1/64");
	assert_int_equal(a->listen_port, 51000);
	assert_int_equal(a->keepalive, 25);
	assert_int_equal(a->fwmark, 16);
	assert_string_equal(a->fwmark_text, "0x10");
	assert_int_equal(a->mtu, 1420);
	assert_int_equal(a->table, TABLE_ID);
	assert_int_equal(a->table_id, 1234);
	assert_string_equal(a->hooks[HOOK_POSTUP], "echo up");
	assert_string_equal(a->hooks[HOOK_PREUP], "");
	assert_int_equal(a->save_config, 1);
	assert_int_equal(a->n_dns, 3);
	assert_true(a->dns[0].server);
	assert_string_equal(a->dns[0].text, "1.1.1.1");
	assert_false(a->dns[1].server);
	assert_string_equal(a->dns[1].text, "example.com");
	assert_true(a->dns[2].server);
	assert_int_equal(a->dns[2].addr.family, AF_INET6);
	mesh_release(&m);
	db_close(&db);
}

static void test_unset_values_are_unset(void **state)
{
	struct mesh m;
	struct db db;
	const struct mesh_node *a;

	(void)state;
	db_load_text(&db, "Name,Address,Endpoint,PrivateKey\na,10.0.0.1/24,a.example:1," PRIV_A "\n");
	build(&m, &db, NULL);
	a = &m.nodes[0];
	assert_int_equal(a->listen_port, 0);
	assert_int_equal(a->keepalive, -1);
	assert_int_equal(a->mtu, 0);
	assert_int_equal(a->fwmark, 0);
	assert_int_equal(a->table, TABLE_UNSET);
	assert_int_equal(a->save_config, -1);
	assert_int_equal(a->n_dns, 0);
	assert_int_equal(a->n_allowed, 0);
	mesh_release(&m);
	db_close(&db);
}

static void test_table_kinds(void **state)
{
	static const struct {
		const char *text;
		enum mesh_table want;
	} cases[] = { { "off", TABLE_OFF }, { "auto", TABLE_AUTO }, { "0", TABLE_ID },
		      { "main", TABLE_NAME }, { "0x20", TABLE_ID } };
	struct mesh m;
	struct db db;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		db_load_text(&db, "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\n");
		assert_int_equal(peer_set(&db.peers[0], ATTR_TABLE, cases[i].text), 0);
		build(&m, &db, NULL);
		assert_int_equal(m.nodes[0].table, cases[i].want);
		assert_string_equal(m.nodes[0].table_text, cases[i].text);
		mesh_release(&m);
		db_close(&db);
	}
}

/* The endpoint's own port wins; else the node's ListenPort. */
static void test_endpoint_port_is_resolved(void **state)
{
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,Endpoint,ListenPort,PrivateKey\n"
			  "a,10.0.0.1/24,a.example:4000,51000," PRIV_A "\n"
			  "b,10.0.0.2/24,[2001:db8::2],51001," PRIV_B "\n"
			  "c,10.0.0.3/24,,51002," PRIV_C "\n");
	build(&m, &db, NULL);
	assert_true(m.nodes[0].has_endpoint);
	assert_string_equal(m.nodes[0].endpoint.host, "a.example");
	assert_int_equal(m.nodes[0].endpoint.port, 4000);
	assert_true(m.nodes[1].endpoint.ipv6);
	assert_string_equal(m.nodes[1].endpoint.host, "2001:db8::2");
	assert_int_equal(m.nodes[1].endpoint.port, 51001);
	assert_false(m.nodes[2].has_endpoint);
	mesh_release(&m);
	db_close(&db);
}

/* What the others route to a node: host routes of its addresses and its masked
 * AllowedIPs; 2.5.1's legacy form keeps each as written. */
static void test_routes(void **state)
{
	struct mesh_opts legacy = { .legacy = true };
	struct mesh m;
	struct db db;
	const struct mesh_node *a;

	(void)state;
	db_load_text(&db, "Name,Address,AllowedIPs,PrivateKey\n"
			  "a,\"10.1.0.1/16, fd00::1/64\",192.168.1.7/24," PRIV_A "\n");
	build(&m, &db, NULL);
	a = &m.nodes[0];
	assert_int_equal(a->n_routes, 3);
	assert_net(&a->routes[0], "10.1.0.1/32");
	assert_net(&a->routes[1], "fd00::1/128");
	assert_net(&a->routes[2], "192.168.1.0/24");
	assert_null(a->routes_text);
	/* The Address values themselves keep their prefix. */
	assert_net(&a->addresses[0], "10.1.0.1/16");
	mesh_release(&m);
	build(&m, &db, &legacy);
	a = &m.nodes[0];
	assert_net(&a->routes[0], "10.1.0.1/16");
	assert_net(&a->routes[2], "192.168.1.7/24");
	assert_string_equal(a->routes_text, "10.1.0.1/16, fd00::1/64, 192.168.1.7/24");
	mesh_release(&m);
	db_close(&db);
}

static void test_links(void **state)
{
	struct psk_store store;
	struct mesh_opts o = { 0 };
	struct mesh_link l;
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,Endpoint,PersistentKeepalive,PrivateKey\n"
			  "a,10.0.0.1/24,a.example:1,25," PRIV_A "\nb,10.0.0.2/24,b.example:1,," PRIV_B
			  "\n");
	memset(&store, 0, sizeof(store));
	assert_int_equal(psk_sync(&store, &db), 1);
	o.psk = &store;
	build(&m, &db, &o);
	assert_false(mesh_link(&m, 0, 0, &l));
	assert_true(mesh_link(&m, 0, 1, &l));
	assert_ptr_equal(l.remote, &m.nodes[1]);
	/* a's keepalive towards b, none from b towards a. */
	assert_int_equal(l.keepalive, 25);
	assert_string_equal(l.preshared_key, psk_get(&store, "a", "b"));
	assert_ptr_equal(l.routes, m.nodes[1].routes);
	assert_int_equal(l.n_routes, 1);
	assert_true(mesh_link(&m, 1, 0, &l));
	assert_int_equal(l.keepalive, -1);
	assert_string_equal(l.preshared_key, psk_get(&store, "a", "b"));
	mesh_release(&m);
	/* Without a store, no preshared key. */
	build(&m, &db, NULL);
	assert_true(mesh_link(&m, 0, 1, &l));
	assert_null(l.preshared_key);
	mesh_release(&m);
	psk_free(&store);
	db_close(&db);
}

static void test_find_key(void **state)
{
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\nb,10.0.0.2/24," PRIV_B
			  "\n");
	build(&m, &db, NULL);
	assert_int_equal(mesh_find_key(&m, PUB_B), 1);
	assert_int_equal(mesh_find_key(&m, PUB_A), 0);
	assert_int_equal(mesh_find_key(&m, "nope"), -1);
	mesh_release(&m);
	db_close(&db);
}

/* Values that do not parse (check loads a database leniently) are left out. */
static void test_invalid_values_are_left_out(void **state)
{
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\n");
	assert_int_equal(peer_set(&db.peers[0], ATTR_ADDRESS, "10.0.0.300/24"), 0);
	assert_int_equal(peer_set(&db.peers[0], ATTR_ENDPOINT, "[nope"), 0);
	build(&m, &db, NULL);
	assert_int_equal(m.nodes[0].n_addresses, 0);
	assert_int_equal(m.nodes[0].n_routes, 0);
	assert_false(m.nodes[0].has_endpoint);
	mesh_release(&m);
	db_close(&db);
}

static void test_empty_database(void **state)
{
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\n");
	build(&m, &db, NULL);
	assert_int_equal(m.count, 0);
	mesh_release(&m);
	mesh_release(&m);
	db_close(&db);
}

#define PRIV_N1 "GGVwA4xB3fWYBqmmnVTsKf6e/sMyh/DmhDAP7RjQU2c="
#define PRIV_E "OAjOMgutFY1Y6J91ixFUL7TIp7HcpXh8DaY+qZr5sFE="

/* r1 (behind NAT, so it cannot relay), r2 and r3 relays, n1 n2 behind NAT. */
static const char relay_db[] = "Name,Address,Endpoint,PersistentKeepalive,PrivateKey,Relay\n"
			       "r1,10.0.0.1/24,,," PRIV_A ",true\n"
			       "r2,10.0.0.2/24,r2.example,," PRIV_B ",true\n"
			       "r3,10.0.0.3/24,r3.example,," PRIV_C ",true\n"
			       "n1,\"10.0.0.4/24, fd00::4/64\",,," PRIV_N1 ",\n"
			       "n2,10.0.0.5/24,,10," PRIV_E ",\n";

static void test_relay_is_the_first_reachable_one(void **state)
{
	struct mesh_link l;
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, relay_db);
	build(&m, &db, NULL);
	assert_false(m.nodes[0].relay);	/* behind NAT: it cannot relay */
	assert_true(m.nodes[1].relay);
	assert_true(m.nodes[2].relay);
	assert_int_equal(m.relay, 1);
	assert_true(m.nodes[1].forwards);
	assert_false(m.nodes[2].forwards);
	/* Pairs behind NAT have no link; they go through r2. */
	assert_false(mesh_link(&m, 3, 4, &l));
	assert_false(mesh_link(&m, 0, 3, &l));
	assert_int_equal(mesh_relay_of(&m, 3, 4), 1);
	assert_int_equal(mesh_relay_of(&m, 4, 0), 1);
	assert_int_equal(mesh_relay_of(&m, 3, 2), -1);
	assert_int_equal(mesh_relay_of(&m, 3, 3), -1);
	/* n1's link to r2 carries r2's route, then r1's and n2's. */
	assert_true(mesh_link(&m, 3, 1, &l));
	assert_int_equal(l.n_routes, 3);
	assert_net(&l.routes[0], "10.0.0.2/32");
	assert_net(&l.routes[1], "10.0.0.1/32");
	assert_net(&l.routes[2], "10.0.0.5/32");
	/* Its link to r3, a relay it does not use, is a plain one. */
	assert_true(mesh_link(&m, 3, 2, &l));
	assert_int_equal(l.n_routes, 1);
	/* r2 itself routes to each NATed node its own routes. */
	assert_true(mesh_link(&m, 1, 3, &l));
	assert_int_equal(l.n_routes, 2);
	assert_true(mesh_relays_ipv6(&m));
	mesh_release(&m);
	db_close(&db);
}

/* Behind NAT without a keepalive: 25, said by the model; an explicit one wins. */
static void test_keepalive_behind_nat(void **state)
{
	struct mesh_link l;
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, relay_db);
	build(&m, &db, NULL);
	assert_true(m.nodes[3].auto_keepalive);
	assert_int_equal(m.nodes[3].keepalive, PLAN_KEEPALIVE);
	assert_false(m.nodes[4].auto_keepalive);
	assert_int_equal(m.nodes[4].keepalive, 10);
	assert_false(m.nodes[1].auto_keepalive);
	assert_int_equal(m.nodes[1].keepalive, -1);
	assert_int_equal(m.auto_keepalives, 2);	/* r1 and n1 */
	assert_true(mesh_link(&m, 3, 1, &l));
	assert_int_equal(l.keepalive, PLAN_KEEPALIVE);
	mesh_release(&m);
	db_close(&db);
}

/* Without a reachable relay, nothing changes: the pair stays (lint warns). */
static void test_no_relay_no_plan(void **state)
{
	struct mesh_link l;
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, relay_db);
	assert_int_equal(peer_set(&db.peers[1], ATTR_RELAY, ""), 0);
	assert_int_equal(peer_set(&db.peers[2], ATTR_RELAY, "false"), 0);
	build(&m, &db, NULL);
	assert_int_equal(m.relay, -1);
	assert_true(mesh_link(&m, 3, 4, &l));
	assert_int_equal(mesh_relay_of(&m, 3, 4), -1);
	assert_null(m.nodes[3].via_routes);
	assert_false(mesh_relays_ipv6(&m));
	mesh_release(&m);
	db_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interface_values_are_typed),
		cmocka_unit_test(test_unset_values_are_unset),
		cmocka_unit_test(test_table_kinds),
		cmocka_unit_test(test_endpoint_port_is_resolved),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_find_key),
		cmocka_unit_test(test_invalid_values_are_left_out),
		cmocka_unit_test(test_empty_database),
		cmocka_unit_test(test_relay_is_the_first_reachable_one),
		cmocka_unit_test(test_keepalive_behind_nat),
		cmocka_unit_test(test_no_relay_no_plan),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
