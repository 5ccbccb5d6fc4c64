/* wgquick.c: the wg-quick configuration file of each peer of the mesh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/psk.h"
#include "formats/wgquick.h"
#include "mesh/model.h"
#include "unit.h"

/* Private and public keys of the seed4 peers. */
#define PRIV_A "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM="
#define PUB_A "i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo="
#define PRIV_B "SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko="
#define PUB_B "m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg="
#define PRIV_C "2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko="

static int setup(void **state)
{
	(void)state;
	return keys_init();
}

static void build(struct mesh *m, const struct db *db, bool legacy)
{
	struct mesh_opts o = { .legacy = legacy };

	assert_int_equal(mesh_build(m, db, &o), 0);
}

/* The configuration file of peer i, allocated. It must be the same whether the
 * [Peer] sections come from the renderer's shared state or are made on the fly. */
static char *render(const struct mesh *m, size_t i)
{
	struct buf out = BUF_INIT, fly = BUF_INIT;
	struct format_opts o = { 0 };
	void *st = NULL;
	char *text;

	assert_int_equal(format_wgquick.prepare(m, &o, &st), 0);
	assert_int_equal(wgquick_render(m, st, i, &out, NULL), 0);
	assert_int_equal(wgquick_render(m, NULL, i, &fly, NULL), 0);
	format_wgquick.release(st);
	assert_int_equal(out.len, fly.len);
	assert_memory_equal(out.data, fly.data, out.len);
	text = strdup(out.data ? out.data : "");
	assert_non_null(text);
	buf_free(&out);
	buf_free(&fly);
	return text;
}

/* The networks the others route to node n, as wg-quick writes them. */
static char *routes(const struct mesh_node *n)
{
	struct buf out = BUF_INIT;
	char *text;

	for (size_t i = 0; i < n->n_routes; i++) {
		char net[IPNET_STRLEN];
		ipnet_format(&n->routes[i], net);
		assert_int_equal(buf_printf(&out, "%s%s", i ? ", " : "", net), 0);
	}
	text = strdup(out.data ? out.data : "");
	assert_non_null(text);
	buf_free(&out);
	return text;
}

/* The [Peer] section about peer name in conf, allocated. */
static char *section(const char *conf, const char *name)
{
	char head[128];
	const char *start, *end;
	char *s;

	snprintf(head, sizeof(head), "[Peer]\n# Name: %s\n", name);
	start = strstr(conf, head);
	if (!start)
		fail_msg("no [Peer] section for %s in:\n%s", name, conf);
	end = strstr(start, "\n\n");
	end = end ? end + 1 : start + strlen(start);
	s = strndup(start, (size_t)(end - start));
	assert_non_null(s);
	return s;
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void assert_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("\"%s\" not in:\n%s", needle, text);
}

static void test_seed4_legacy_files_are_byte_identical_to_2_5_1(void **state)
{
	char *text = slurp(SEED4 "database.csv", NULL);
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, text);
	build(&m, &db, true);
	for (size_t i = 0; i < db.count; i++) {
		char path[128], *want, *got = render(&m, i);
		snprintf(path, sizeof(path), SEED4 "%s.conf", peer_get(&db.peers[i], ATTR_NAME));
		want = slurp(path, NULL);
		assert_string_equal(got, want);
		free(want);
		free(got);
	}
	mesh_release(&m);
	db_close(&db);
	free(text);
}

static void test_full_interface_in_column_order(void **state)
{
	const char *want_alpha =
		"[Interface]\n# Name: alpha\nAddress = 10.0.0.1/24\nPrivateKey = " PRIV_A "\n"
		"ListenPort = 51820\nFwMark = 0x10\nDNS = 1.1.1.1, 8.8.8.8\nMTU = 1420\n"
		"Table = off\nPreUp = echo preup\nPostUp = echo postup\n"
		"PreDown = echo predown\nPostDown = echo postdown\nSaveConfig = true\n"
		"\n[Peer]\n# Name: beta\nPublicKey = " PUB_B "\nAllowedIPs = 10.0.0.2/32\n"
		"PersistentKeepalive = 25\n";
	const char *want_beta =
		"[Interface]\n# Name: beta\nAddress = 10.0.0.2/24\nPrivateKey = " PRIV_B "\n"
		"\n[Peer]\n# Name: alpha\nPublicKey = " PUB_A "\n"
		"Endpoint = alpha.example:51820\nAllowedIPs = 10.0.0.1/32\n"
		/* beta has no Endpoint and no keepalive: its NAT needs one. */
		"PersistentKeepalive = 25\n";
	struct mesh m;
	struct db db;
	char *got;

	(void)state;
	db_load_text(&db, "SaveConfig,PostDown,PreDown,PostUp,PreUp,Table,MTU,DNS,PrivateKey,FwMark,"
		  "PersistentKeepalive,ListenPort,AllowedIPs,Endpoint,Address,Name\n"
		  "yes,echo postdown,echo predown,echo postup,echo preup,off,1420,\"1.1.1.1,8.8.8.8\","
		  PRIV_A ",0x10,25,51820,,alpha.example,10.0.0.1/24,alpha\n"
		  ",,,,,,,," PRIV_B ",,,,,,10.0.0.2/24,beta\n");
	build(&m, &db, false);
	got = render(&m, 0);
	assert_string_equal(got, want_alpha);
	free(got);
	got = render(&m, 1);
	assert_string_equal(got, want_beta);
	free(got);
	mesh_release(&m);
	db_close(&db);
}

static void test_allowed_ips_are_host_routes_and_masked_networks(void **state)
{
	struct mesh m;
	struct db db;
	char *conf, *r;

	(void)state;
	db_load_text(&db, "Name,Address,AllowedIPs,PrivateKey\n"
		  "a,10.1.0.1/16,\"192.168.1.7/24, 10.99.3.4/16\"," PRIV_A "\n"
		  "b,\"10.2.0.1/16, fd00::2/64\",," PRIV_B "\n");
	build(&m, &db, false);
	assert_string_equal(r = routes(&m.nodes[0]), "10.1.0.1/32, 192.168.1.0/24, 10.99.0.0/16");
	free(r);
	assert_string_equal(r = routes(&m.nodes[1]), "10.2.0.1/32, fd00::2/128");
	free(r);
	assert_null(m.nodes[0].routes_text);
	mesh_release(&m);
	/* 2.5.1 copies the text: the subnet of each address, host bits and all. */
	build(&m, &db, true);
	assert_string_equal(m.nodes[0].routes_text, "10.1.0.1/16, 192.168.1.7/24, 10.99.3.4/16");
	mesh_release(&m);
	build(&m, &db, false);
	conf = render(&m, 1);
	assert_contains(conf, "\nAllowedIPs = 10.1.0.1/32, 192.168.1.0/24, 10.99.0.0/16\n");
	free(conf);
	mesh_release(&m);
	db_close(&db);
}

static void test_legacy_lists_are_joined_with_comma_space(void **state)
{
	struct mesh m;
	struct db db;
	char *conf;

	(void)state;
	db_load_text(&db, "Name,Address,AllowedIPs,PrivateKey\n"
		  "a,\"10.1.0.1/16 ,fd00::1/64\",\"192.168.1.0/24,192.168.2.0/24\"," PRIV_A "\n"
		  "b,10.2.0.1/16,," PRIV_B "\n");
	build(&m, &db, true);
	conf = render(&m, 0);
	assert_contains(conf, "\nAddress = 10.1.0.1/16, fd00::1/64\n");
	free(conf);
	conf = render(&m, 1);
	assert_contains(conf, "\nAllowedIPs = 10.1.0.1/16, fd00::1/64, 192.168.1.0/24, "
			      "192.168.2.0/24\n");
	free(conf);
	mesh_release(&m);
	db_close(&db);
}

static void test_keepalive_of_the_local_peer_is_in_each_of_its_peer_sections(void **state)
{
	struct mesh m;
	struct db db;
	char *conf, *sec;

	(void)state;
	db_load_text(&db, "Name,Address,Endpoint,PersistentKeepalive,PrivateKey\n"
		  "a,10.0.0.1/24,a.example,25," PRIV_A "\n"
		  "b,10.0.0.2/24,b.example,," PRIV_B "\n"
		  "c,10.0.0.3/24,c.example,," PRIV_C "\n");
	build(&m, &db, false);
	conf = render(&m, 0);
	assert_int_equal(count(conf, "PersistentKeepalive"), 2);
	sec = section(conf, "b");
	assert_contains(sec, "\nPersistentKeepalive = 25\n");
	free(sec);
	sec = section(conf, "c");
	assert_contains(sec, "\nPersistentKeepalive = 25\n");
	free(sec);
	free(conf);
	/* Not in the files of the others, not even in their section about a. */
	conf = render(&m, 1);
	assert_int_equal(count(conf, "PersistentKeepalive"), 0);
	free(conf);
	mesh_release(&m);
	db_close(&db);
}

static void test_save_config_is_written_true_or_false(void **state)
{
	struct mesh m;
	struct db db;
	char *conf;

	(void)state;
	db_load_text(&db, "Name,Address,SaveConfig,PrivateKey\n"
		  "a,10.0.0.1/24,TRUE," PRIV_A "\n"
		  "b,10.0.0.2/24,no," PRIV_B "\n"
		  "c,10.0.0.3/24,," PRIV_C "\n");
	build(&m, &db, false);
	conf = render(&m, 0);
	assert_contains(conf, "\nSaveConfig = true\n");
	free(conf);
	conf = render(&m, 1);
	assert_contains(conf, "\nSaveConfig = false\n");
	free(conf);
	conf = render(&m, 2);
	assert_null(strstr(conf, "SaveConfig"));
	free(conf);
	mesh_release(&m);
	db_close(&db);
}

static void test_ipv6_endpoints_are_bracketed(void **state)
{
	struct mesh m;
	struct db db;
	char *conf, *sec;

	(void)state;
	db_load_text(&db, "Name,Address,Endpoint,ListenPort,PrivateKey\n"
		  "a,10.0.0.1/24,2001:db8::1,51820," PRIV_A "\n"
		  "b,10.0.0.2/24,[2001:db8::2]:4000,51820," PRIV_B "\n"
		  "c,10.0.0.3/24,,51820," PRIV_C "\n");
	build(&m, &db, false);
	conf = render(&m, 2);
	sec = section(conf, "a");
	assert_contains(sec, "\nEndpoint = [2001:db8::1]:51820\n");
	free(sec);
	sec = section(conf, "b");
	assert_contains(sec, "\nEndpoint = [2001:db8::2]:4000\n");
	free(sec);
	free(conf);
	conf = render(&m, 0);
	sec = section(conf, "c");
	assert_null(strstr(sec, "Endpoint"));
	free(sec);
	free(conf);
	mesh_release(&m);
	db_close(&db);
}

/* A key that does not parse (a database loaded leniently for check) is left
 * out of the model, never guessed at; the other nodes keep theirs. */
static void test_model_leaves_out_a_bad_private_key(void **state)
{
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\nb,10.0.0.2/24," PRIV_B "\n");
	assert_int_equal(peer_set(&db.peers[1], ATTR_PRIVATEKEY, "not a key"), 0);
	build(&m, &db, false);
	assert_true(m.nodes[0].has_key);
	assert_string_equal(m.nodes[0].public_key, PUB_A);
	assert_false(m.nodes[1].has_key);
	assert_string_equal(m.nodes[1].public_key, "");
	mesh_release(&m);
	db_close(&db);
}

/* From 64 peers on, the model derives the keys on every core. */
static void test_many_peers_get_their_own_public_keys(void **state)
{
	enum { N = 70 };
	struct mesh m;
	struct db db;
	char *conf;

	(void)state;
	db_load_text(&db, "");
	for (int i = 0; i < N; i++) {
		char name[16], addr[32];
		key_b64 priv;
		struct peer *p = db_add(&db);
		assert_non_null(p);
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(addr, sizeof(addr), "10.0.%d.%d/16", i / 250, i % 250 + 1);
		key_generate_private_b64(priv);
		assert_int_equal(peer_set(p, ATTR_NAME, name), 0);
		assert_int_equal(peer_set(p, ATTR_ADDRESS, addr), 0);
		assert_int_equal(peer_set(p, ATTR_PRIVATEKEY, priv), 0);
	}
	build(&m, &db, false);
	for (int i = 0; i < N; i++) {
		key_b64 pub;
		assert_int_equal(key_public_b64(pub, peer_get(&db.peers[i], ATTR_PRIVATEKEY)), 0);
		assert_string_equal(m.nodes[i].public_key, pub);
	}
	conf = render(&m, N - 1);
	assert_int_equal(count(conf, "[Peer]"), N - 1);
	assert_contains(conf, m.nodes[0].public_key);
	assert_contains(conf, m.nodes[N / 2].public_key);
	free(conf);
	mesh_release(&m);
	db_close(&db);
}

static void test_preshared_key_follows_the_public_key_in_both_files(void **state)
{
	struct psk_store store;
	struct mesh m;
	struct db db;
	char *conf, *sec, want[128];
	const char *key;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\nb,10.0.0.2/24," PRIV_B "\n");
	build(&m, &db, false);
	conf = render(&m, 0);
	assert_null(strstr(conf, "PresharedKey"));
	free(conf);
	memset(&store, 0, sizeof(store));
	assert_int_equal(psk_sync(&store, &db), 1);
	assert_non_null(key = psk_get(&store, "b", "a"));
	m.opts.psk = &store;
	conf = render(&m, 0);
	sec = section(conf, "b");
	snprintf(want, sizeof(want), "PublicKey = %s\nPresharedKey = %s\n", PUB_B, key);
	assert_contains(sec, want);
	free(sec);
	free(conf);
	conf = render(&m, 1);
	sec = section(conf, "a");
	snprintf(want, sizeof(want), "PublicKey = %s\nPresharedKey = %s\n", PUB_A, key);
	assert_contains(sec, want);
	free(sec);
	free(conf);
	psk_free(&store);
	mesh_release(&m);
	db_close(&db);
}

/* The file writer wipes the text up to secret_end: it must cover every key. */
static void test_secret_end_covers_every_secret(void **state)
{
	struct psk_store store;
	struct buf out = BUF_INIT;
	struct mesh m;
	struct db db;
	size_t end = 0;

	(void)state;
	db_load_text(&db, "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\nb,10.0.0.2/24," PRIV_B "\n");
	build(&m, &db, false);
	assert_int_equal(wgquick_render(&m, NULL, 0, &out, &end), 0);
	/* Without preshared keys: the [Interface] section, private key included. */
	assert_true(end > 0 && end < out.len);
	assert_non_null(memmem(out.data, end, PRIV_A, strlen(PRIV_A)));
	assert_memory_equal(out.data + end, "\n[Peer]\n", 8);
	memset(&store, 0, sizeof(store));
	assert_int_equal(psk_sync(&store, &db), 1);
	m.opts.psk = &store;
	out.len = 0;
	assert_int_equal(wgquick_render(&m, NULL, 0, &out, &end), 0);
	/* With them: the whole file. */
	assert_int_equal(end, out.len);
	buf_free(&out);
	psk_free(&store);
	mesh_release(&m);
	db_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_end_covers_every_secret),
		cmocka_unit_test(test_seed4_legacy_files_are_byte_identical_to_2_5_1),
		cmocka_unit_test(test_full_interface_in_column_order),
		cmocka_unit_test(test_allowed_ips_are_host_routes_and_masked_networks),
		cmocka_unit_test(test_legacy_lists_are_joined_with_comma_space),
		cmocka_unit_test(test_keepalive_of_the_local_peer_is_in_each_of_its_peer_sections),
		cmocka_unit_test(test_save_config_is_written_true_or_false),
		cmocka_unit_test(test_ipv6_endpoints_are_bracketed),
		cmocka_unit_test(test_model_leaves_out_a_bad_private_key),
		cmocka_unit_test(test_many_peers_get_their_own_public_keys),
		cmocka_unit_test(test_preshared_key_follows_the_public_key_in_both_files),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
