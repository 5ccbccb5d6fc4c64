/* lint.c: what would give broken or unsafe configurations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/keys.h"
#include "mesh/lint.h"
#include "mesh/model.h"
#include "unit.h"

#define KEY_A "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM="
#define KEY_B "SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko="
#define KEY_C "2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko="
#define HEADER "Name,Address,AllowedIPs,Endpoint,ListenPort,PrivateKey\n"

struct found {
	enum lint_severity severity;
	char peer[32], column[32], msg[512];
};

struct findings {
	struct found v[64];
	size_t count;
};

static int setup(void **state)
{
	(void)state;
	return keys_init();
}

static void collect(void *ctx, const struct lint_finding *f)
{
	struct findings *fs = ctx;
	struct found *o;

	assert_true(fs->count < sizeof(fs->v) / sizeof(fs->v[0]));
	o = &fs->v[fs->count++];
	o->severity = f->severity;
	snprintf(o->peer, sizeof(o->peer), "%s", f->peer ? peer_get(f->peer, ATTR_NAME) : "");
	snprintf(o->column, sizeof(o->column), "%s", f->column ? f->column : "");
	snprintf(o->msg, sizeof(o->msg), "%s", f->msg);
}

/* Lints the CSV text; returns lint_db's result, findings in fs. */
static long lint_text(const char *text, bool legacy, long only, struct findings *fs)
{
	struct lint_opts opts = { .legacy = legacy, .only = only, .report = collect, .ctx = fs };
	struct db db;
	long errors;

	memset(fs, 0, sizeof(*fs));
	db_load_text(&db, text);
	errors = lint_db(&db, &opts);
	db_close(&db);
	return errors;
}

/* Number of findings of this severity about this column (and peer, unless NULL). */
static size_t with(const struct findings *fs, enum lint_severity sev, const char *column,
		   const char *peer)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->count; i++)
		n += fs->v[i].severity == sev && !strcmp(fs->v[i].column, column) &&
		     (!peer || !strcmp(fs->v[i].peer, peer));
	return n;
}

static void dump(const struct findings *fs)
{
	for (size_t i = 0; i < fs->count; i++)
		print_message("%s: peer %s: column %s: %s\n",
			      fs->v[i].severity == LINT_ERROR	 ? "error"
			      : fs->v[i].severity == LINT_NOTE ? "note"
							       : "warning",
			      fs->v[i].peer,
			      fs->v[i].column, fs->v[i].msg);
}

static void test_seed4_is_clean(void **state)
{
	char *text = slurp(SEED4 "database.csv", NULL);
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, true, -1, &fs), 0);
	assert_int_equal(fs.count, 0);
	assert_int_equal(lint_text(text, false, -1, &fs), 0);
	assert_int_equal(fs.count, 0);
	free(text);
}

static void test_two_peers_routing_the_same_network_is_an_error(void **state)
{
	const char *text = HEADER "a,10.1.0.1/32,10.0.0.0/24,a.example,51820," KEY_A "\n"
				  "b,10.1.0.2/32,,b.example,51820," KEY_B "\n"
				  "c,10.1.0.3/32,10.0.0.0/24,c.example,51820," KEY_C "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 1);
	assert_int_equal(with(&fs, LINT_ERROR, "AllowedIPs", NULL), 1);
	assert_non_null(strstr(fs.v[0].msg, "10.0.0.0/24"));
	assert_true(strstr(fs.v[0].msg, "peer a") || strstr(fs.v[0].msg, "peer c"));
}

/* WireGuard routes by the longest prefix: one network inside another is fine. */
static void test_nested_networks_of_two_peers_are_fine(void **state)
{
	const char *text = HEADER "a,10.1.0.1/32,10.0.0.0/16,a.example,51820," KEY_A "\n"
				  "b,10.1.0.2/32,10.0.5.0/24,b.example,51820," KEY_B "\n"
				  "c,10.1.0.3/32,,c.example,51820," KEY_C "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 0);
	dump(&fs);
	assert_int_equal(fs.count, 0);
}

/* The gateway: two peers' /32 inside the gateway's /8, and an exit node. */
static void test_a_gateway_network_around_the_peers_is_fine(void **state)
{
	const char *gw = HEADER "a,10.0.0.1/24,,a.example,51820," KEY_A "\n"
				"b,10.0.0.2/24,,b.example,51820," KEY_B "\n"
				"gw,10.0.0.3/24,10.0.0.0/8,gw.example,51820," KEY_C "\n";
	const char *exit_node = HEADER "a,10.0.0.1/24,,a.example,51820," KEY_A "\n"
				       "b,10.0.0.2/24,,b.example,51820," KEY_B "\n"
				       "gw,10.0.0.3/24,0.0.0.0/0,gw.example,51820," KEY_C "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(gw, false, -1, &fs), 0);
	assert_int_equal(fs.count, 0);
	assert_int_equal(lint_text(exit_node, false, -1, &fs), 0);
	assert_int_equal(fs.count, 0);
	/* In legacy mode the /24 of each Address is claimed by a, b and gw alike. */
	assert_int_equal(lint_text(gw, true, -1, &fs), 0);
	assert_int_equal(with(&fs, LINT_WARNING, "AllowedIPs", NULL), 2);
}

/* Another peer's address as a network of one's own: the same host route twice. */
static void test_another_peers_address_in_allowedips_is_an_error(void **state)
{
	const char *text = HEADER "a,10.0.0.1/24,10.0.0.2/32,a.example,51820," KEY_A "\n"
				  "b,10.0.0.2/24,,b.example,51820," KEY_B "\n"
				  "c,10.0.0.3/24,,c.example,51820," KEY_C "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 1);
	assert_int_equal(with(&fs, LINT_ERROR, "AllowedIPs", NULL), 1);
	assert_non_null(strstr(fs.v[0].msg, "10.0.0.2/32"));
}

static void test_addresses_in_one_subnet_are_host_routes_not_overlaps(void **state)
{
	const char *text = HEADER "a,10.0.0.1/24,,a.example,51820," KEY_A "\n"
				  "b,10.0.0.2/24,,b.example,51820," KEY_B "\n"
				  "c,10.0.0.3/24,,c.example,51820," KEY_C "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 0);
	dump(&fs);
	assert_int_equal(fs.count, 0);
	/* 2.5.1 routes the whole /24 to each of them: the others' files are
	 * ambiguous, which lint only warns about in legacy mode. */
	assert_int_equal(lint_text(text, true, -1, &fs), 0);
	assert_true(with(&fs, LINT_WARNING, "AllowedIPs", NULL) >= 1);
	assert_int_equal(with(&fs, LINT_ERROR, "AllowedIPs", NULL), 0);
}

static void test_same_address_twice_is_an_error(void **state)
{
	const char *text = HEADER "a,10.0.0.1/24,,a.example,51820," KEY_A "\n"
				  "b,10.0.0.1/24,,b.example,51820," KEY_B "\n"
				  "c,10.0.0.3/24,,c.example,51820," KEY_C "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 1);
	assert_int_equal(with(&fs, LINT_ERROR, "Address", NULL), 1);
}

static void test_only_skips_the_routes_of_the_peer_being_written(void **state)
{
	const char *text = HEADER "a,10.1.0.1/32,10.0.0.0/24,a.example,51820," KEY_A "\n"
				  "b,10.1.0.2/32,10.0.0.0/24,b.example,51820," KEY_B "\n"
				  "c,10.1.0.3/32,,c.example,51820," KEY_C "\n";
	struct findings fs;

	(void)state;
	/* a's file has no route to itself: only b routes 10.0.0.0/24 there. */
	assert_int_equal(lint_text(text, false, 0, &fs), 0);
	/* c's file has both. */
	assert_int_equal(lint_text(text, false, 2, &fs), 1);
	assert_int_equal(with(&fs, LINT_ERROR, "AllowedIPs", NULL), 1);
}

static void test_duplicate_private_keys_are_an_error(void **state)
{
	const char *text = HEADER "a,10.0.0.1/32,,a.example,51820," KEY_A "\n"
				  "b,10.0.0.2/32,,b.example,51820," KEY_B "\n"
				  "c,10.0.0.3/32,,c.example,51820," KEY_A "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 1);
	assert_int_equal(with(&fs, LINT_ERROR, "PrivateKey", NULL), 1);
	assert_true(strstr(fs.v[0].msg, "peer a") || strstr(fs.v[0].msg, "peer c"));
}

/* KEY_A with the bits that X25519 clamps flipped: another text, the same key. */
static void clamp_variant(key_b64 out, const char *b64)
{
	uint8_t k[KEY_LEN];

	assert_int_equal(key_from_base64(k, b64), 0);
	k[0] ^= 7;
	k[31] ^= 0x80;
	key_to_base64(out, k);
}

static void test_keys_differing_in_clamped_bits_are_the_same_key(void **state)
{
	key_b64 other, pub_a, pub_other;
	char text[512];
	struct findings fs;

	(void)state;
	clamp_variant(other, KEY_A);
	assert_string_not_equal(other, KEY_A);
	assert_int_equal(key_public_b64(pub_a, KEY_A), 0);
	assert_int_equal(key_public_b64(pub_other, other), 0);
	assert_string_equal(pub_a, pub_other);
	snprintf(text, sizeof(text), HEADER "a,10.0.0.1/32,,a.example,51820," KEY_A "\n"
		 "b,10.0.0.2/32,,b.example,51820," KEY_B "\n"
		 "c,10.0.0.3/32,,c.example,51820,%s\n", other);
	assert_int_equal(lint_text(text, false, -1, &fs), 1);
	assert_int_equal(with(&fs, LINT_ERROR, "PrivateKey", NULL), 1);
	assert_non_null(strstr(fs.v[0].msg, "same public key"));
}

static void test_an_ipv4_only_and_an_ipv6_only_peer_are_named(void **state)
{
	const char *text = HEADER "a,10.0.0.1/24,,a.example,51820," KEY_A "\n"
				  "b,fd00::2/64,,b.example,51820," KEY_B "\n"
				  "c,\"10.0.0.3/24,fd00::3/64\",,c.example,51820," KEY_C "\n";
	const char *both = HEADER "a,\"10.0.0.1/24,fd00::1/64\",,a.example,51820," KEY_A "\n"
				  "b,fd00::2/64,,b.example,51820," KEY_B "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 0);
	assert_int_equal(fs.count, 1);
	assert_int_equal(with(&fs, LINT_WARNING, "Address", NULL), 1);
	assert_true((!strcmp(fs.v[0].peer, "b") && strstr(fs.v[0].msg, "peer a")) ||
		    (!strcmp(fs.v[0].peer, "a") && strstr(fs.v[0].msg, "peer b")));
	assert_int_equal(lint_text(both, false, -1, &fs), 0);
	assert_int_equal(fs.count, 0);
}

static long lint_pedantic(const char *text, struct findings *fs);

static void test_keepalive_off_or_zero_is_no_keepalive(void **state)
{
	const char *text = "Name,Address,Endpoint,ListenPort,PersistentKeepalive,PrivateKey\n"
			   "a,10.0.0.1/32,,51820,off," KEY_A "\n"
			   "b,10.0.0.2/32,b.example,51820,," KEY_B "\n"
			   "c,10.0.0.3/32,c.example,51820,," KEY_C "\n";
	struct findings fs;

	const char *zero = "Name,Address,Endpoint,ListenPort,PersistentKeepalive,PrivateKey\n"
			   "a,10.0.0.1/32,,51820,0," KEY_A "\n"
			   "b,10.0.0.2/32,b.example,51820,," KEY_B "\n";

	(void)state;
	/* off: none, so the file gets the plan's 25 (a note of check's only). */
	assert_int_equal(lint_text(text, false, -1, &fs), 0);
	assert_int_equal(with(&fs, LINT_WARNING, "PersistentKeepalive", "a"), 0);
	assert_int_equal(lint_pedantic(text, &fs), 0);
	assert_int_equal(with(&fs, LINT_NOTE, "PersistentKeepalive", "a"), 1);
	/* 0 kept as the user set it: nobody reaches the peer first. */
	assert_int_equal(lint_text(zero, false, -1, &fs), 0);
	assert_int_equal(with(&fs, LINT_WARNING, "PersistentKeepalive", "a"), 1);
}

static void test_pedantic_warns_about_formulas_and_default_routes(void **state)
{
	const char *text = "Name,Address,AllowedIPs,Endpoint,ListenPort,PrivateKey,PostUp\n"
			   "-a,10.0.0.1/32,0.0.0.0/0,a.example,51820," KEY_A ",\"=HYPERLINK(\"\"x\"\")\"\n"
			   "b,10.0.0.2/32,10.0.0.2/32,b.example,51820," KEY_B ",echo hi\n";
	struct findings fs = { .count = 0 };
	struct lint_opts opts = { .only = -1, .report = collect, .ctx = &fs };
	struct db db;

	(void)state;
	db_load_text(&db, text);
	assert_int_equal(lint_db(&db, &opts), 0);
	assert_int_equal(fs.count, 0);
	opts.pedantic = true;
	assert_int_equal(lint_db(&db, &opts), 0);
	dump(&fs);
	assert_int_equal(with(&fs, LINT_WARNING, "PostUp", "-a"), 1);
	assert_int_equal(with(&fs, LINT_WARNING, "Name", "-a"), 1);
	assert_int_equal(with(&fs, LINT_WARNING, "AllowedIPs", "-a"), 1);
	assert_int_equal(with(&fs, LINT_WARNING, "PostUp", "b"), 0);
	db_close(&db);
}

static void test_lint_peer_compares_public_keys_and_addresses(void **state)
{
	key_b64 other;
	char text[512];
	struct findings fs = { .count = 0 };
	struct lint_opts opts = { .only = -1, .report = collect, .ctx = &fs };
	struct db db;

	(void)state;
	clamp_variant(other, KEY_B);
	snprintf(text, sizeof(text), HEADER "a,10.0.0.1/32,,a.example,51820," KEY_A "\n"
		 "b,10.0.0.2/32,,b.example,51820," KEY_B "\n"
		 "c,\"10.0.0.3/32, 10.0.0.1/24\",,c.example,51820,%s\n", other);
	db_load_text(&db, text);
	assert_int_equal(lint_peer(&db, 2, LINT_PEER_KEY | LINT_PEER_ADDRESS, &opts), 1);
	assert_int_equal(with(&fs, LINT_ERROR, "PrivateKey", "c"), 1);
	assert_int_equal(with(&fs, LINT_WARNING, "Address", "c"), 1);
	fs.count = 0;
	assert_int_equal(lint_peer(&db, 2, LINT_PEER_ADDRESS, &opts), 0);
	assert_int_equal(fs.count, 1);
	fs.count = 0;
	assert_int_equal(lint_peer(&db, 0, LINT_PEER_KEY, &opts), 0);
	assert_int_equal(fs.count, 0);
	db_close(&db);
}

static void test_missing_private_key_and_address_are_errors(void **state)
{
	const char *text = HEADER "a,10.0.0.1/32,,a.example,51820,\n"
				  "b,,,b.example,51820," KEY_B "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 2);
	assert_int_equal(with(&fs, LINT_ERROR, "PrivateKey", "a"), 1);
	assert_int_equal(with(&fs, LINT_ERROR, "Address", "b"), 1);
}

static void test_endpoint_without_any_port_is_an_error(void **state)
{
	const char *text = HEADER "a,10.0.0.1/32,,a.example,," KEY_A "\n"
				  "b,10.0.0.2/32,,b.example:4000,," KEY_B "\n"
				  "c,10.0.0.3/32,,c.example,51820," KEY_C "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 1);
	assert_int_equal(with(&fs, LINT_ERROR, "Endpoint", "a"), 1);
}

static void test_two_peers_without_endpoint_is_a_warning(void **state)
{
	const char *two = "Name,Address,Endpoint,ListenPort,PersistentKeepalive,PrivateKey\n"
			  "a,10.0.0.1/32,,51820,25," KEY_A "\n"
			  "b,10.0.0.2/32,b.example,51820,," KEY_B "\n"
			  "c,10.0.0.3/32,,51820,25," KEY_C "\n";
	const char *one = "Name,Address,Endpoint,ListenPort,PersistentKeepalive,PrivateKey\n"
			  "a,10.0.0.1/32,,51820,25," KEY_A "\n"
			  "b,10.0.0.2/32,b.example,51820,," KEY_B "\n"
			  "c,10.0.0.3/32,c.example,51820,," KEY_C "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(two, false, -1, &fs), 0);
	assert_int_equal(with(&fs, LINT_WARNING, "Endpoint", NULL), 1);
	assert_int_equal(fs.count, 1);
	assert_int_equal(lint_text(one, false, -1, &fs), 0);
	assert_int_equal(fs.count, 0);
}

#define RELAY_HEADER "Name,Address,Endpoint,ListenPort,PersistentKeepalive,PrivateKey,Relay\n"

/* Lints text with pedantic set (as check does). */
static long lint_pedantic(const char *text, struct findings *fs)
{
	struct lint_opts opts = { .only = -1, .pedantic = true, .report = collect, .ctx = fs };
	struct db db;
	long errors;

	memset(fs, 0, sizeof(*fs));
	db_load_text(&db, text);
	errors = lint_db(&db, &opts);
	db_close(&db);
	return errors;
}

static void test_pair_behind_nat_through_the_relay_is_a_note(void **state)
{
	const char *text = RELAY_HEADER "a,10.0.0.1/32,,51820,25," KEY_A ",\n"
					"r,10.0.0.2/32,r.example,51820,," KEY_B ",true\n"
					"c,10.0.0.3/32,,51820,25," KEY_C ",\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_pedantic(text, &fs), 0);
	assert_int_equal(fs.count, 1);
	assert_int_equal(with(&fs, LINT_NOTE, "Endpoint", "c"), 1);
	assert_non_null(strstr(fs.v[0].msg, "c reaches a through relay r"));
	/* genconfig (not pedantic) says nothing of a pair that works. */
	assert_int_equal(lint_text(text, false, -1, &fs), 0);
	assert_int_equal(fs.count, 0);
}

static void test_pair_behind_nat_without_a_relay_that_can_serve_is_a_warning(void **state)
{
	/* r is marked but has no Endpoint itself: it cannot relay. */
	const char *text = RELAY_HEADER "a,10.0.0.1/32,,51820,25," KEY_A ",\n"
					"r,10.0.0.2/32,,51820,25," KEY_B ",true\n"
					"b,10.0.0.4/32,b.example,51820,," KEY_C ",\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_pedantic(text, &fs), 0);
	assert_int_equal(with(&fs, LINT_WARNING, "Endpoint", "r"), 1);
	assert_int_equal(with(&fs, LINT_NOTE, "Endpoint", NULL), 0);
	assert_non_null(strstr(fs.v[0].msg, "they can never connect to each other"));
}

/* lint_db reads a model it is given: with one whose relay is gone, the pair is
 * a warning again, whatever the database says. */
static void test_lint_reads_the_model_it_is_given(void **state)
{
	const char *text = RELAY_HEADER "a,10.0.0.1/32,,51820,25," KEY_A ",\n"
					"r,10.0.0.2/32,r.example,51820,," KEY_B ",true\n"
					"c,10.0.0.3/32,,51820,25," KEY_C ",\n";
	struct findings fs = { .count = 0 };
	struct lint_opts opts = { .only = -1, .pedantic = true, .report = collect, .ctx = &fs };
	struct mesh m;
	struct db db;

	(void)state;
	db_load_text(&db, text);
	assert_int_equal(mesh_build(&m, &db, NULL), 0);
	opts.mesh = &m;
	assert_int_equal(lint_db(&db, &opts), 0);
	assert_int_equal(with(&fs, LINT_NOTE, "Endpoint", "c"), 1);
	m.relay = -1;
	fs.count = 0;
	assert_int_equal(lint_db(&db, &opts), 0);
	assert_int_equal(with(&fs, LINT_WARNING, "Endpoint", "c"), 1);
	assert_int_equal(with(&fs, LINT_NOTE, "Endpoint", NULL), 0);
	mesh_release(&m);
	db_close(&db);
}

/* The file of a peer behind NAT gets the plan's keepalive: genconfig says so in
 * its own note, check in a note of its findings; neither warns. */
static void test_no_endpoint_and_no_keepalive_is_a_note(void **state)
{
	const char *text = HEADER "a,10.0.0.1/32,,,51820," KEY_A "\n"
				  "b,10.0.0.2/32,,b.example,51820," KEY_B "\n";
	struct findings fs;

	(void)state;
	assert_int_equal(lint_text(text, false, -1, &fs), 0);
	assert_int_equal(fs.count, 0);
	assert_int_equal(lint_pedantic(text, &fs), 0);
	assert_int_equal(with(&fs, LINT_NOTE, "PersistentKeepalive", "a"), 1);
	assert_int_equal(with(&fs, LINT_WARNING, "PersistentKeepalive", NULL), 0);
}

static void test_pedantic_adds_interface_names_and_file_mode(void **state)
{
	const char *text = HEADER "a-name-too-long-for-linux,10.0.0.1/32,,a.example,51820," KEY_A "\n"
				  "b,10.0.0.2/32,,b.example,51820," KEY_B "\n";
	struct findings fs = { .count = 0 };
	struct lint_opts opts = { .only = -1, .report = collect, .ctx = &fs };
	struct db db;

	(void)state;
	db_load_text(&db, text);
	db.exists = true;
	db.mode = 0644;
	assert_int_equal(lint_db(&db, &opts), 0);
	assert_int_equal(fs.count, 0);
	opts.pedantic = true;
	assert_int_equal(lint_db(&db, &opts), 0);
	assert_int_equal(with(&fs, LINT_WARNING, "Name", "a-name-too-long-for-linux"), 1);
	assert_int_equal(with(&fs, LINT_WARNING, "", ""), 1);
	assert_int_equal(fs.count, 2);
	db_close(&db);
}

static void test_fprint_names_file_line_peer_and_column(void **state)
{
	const char *text = HEADER "a,10.0.0.1/32,,a.example,51820," KEY_A "\n"
				  "b,10.0.0.2/32,,b.example,51820,\n";
	struct lint_finding f;
	struct db db;
	char *out = NULL;
	size_t len = 0;
	FILE *mem;

	(void)state;
	db_load_text(&db, text);
	f = (struct lint_finding){ LINT_ERROR, &db.peers[1], "PrivateKey", "empty" };
	assert_non_null(mem = open_memstream(&out, &len));
	lint_fprint(mem, &db, &f);
	f = (struct lint_finding){ LINT_WARNING, NULL, NULL, "whole file" };
	lint_fprint(mem, &db, &f);
	f = (struct lint_finding){ LINT_NOTE, &db.peers[0], "Endpoint", "through r" };
	lint_fprint(mem, &db, &f);
	assert_int_equal(fclose(mem), 0);
	assert_string_equal(out, "error: test.csv:3: peer b: column PrivateKey: empty\n"
				 "warning: test.csv: whole file\n"
				 "note: test.csv:2: peer a: column Endpoint: through r\n");
	free(out);
	db_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed4_is_clean),
		cmocka_unit_test(test_two_peers_routing_the_same_network_is_an_error),
		cmocka_unit_test(test_nested_networks_of_two_peers_are_fine),
		cmocka_unit_test(test_a_gateway_network_around_the_peers_is_fine),
		cmocka_unit_test(test_another_peers_address_in_allowedips_is_an_error),
		cmocka_unit_test(test_keys_differing_in_clamped_bits_are_the_same_key),
		cmocka_unit_test(test_an_ipv4_only_and_an_ipv6_only_peer_are_named),
		cmocka_unit_test(test_keepalive_off_or_zero_is_no_keepalive),
		cmocka_unit_test(test_pedantic_warns_about_formulas_and_default_routes),
		cmocka_unit_test(test_lint_peer_compares_public_keys_and_addresses),
		cmocka_unit_test(test_addresses_in_one_subnet_are_host_routes_not_overlaps),
		cmocka_unit_test(test_same_address_twice_is_an_error),
		cmocka_unit_test(test_only_skips_the_routes_of_the_peer_being_written),
		cmocka_unit_test(test_duplicate_private_keys_are_an_error),
		cmocka_unit_test(test_missing_private_key_and_address_are_errors),
		cmocka_unit_test(test_endpoint_without_any_port_is_an_error),
		cmocka_unit_test(test_two_peers_without_endpoint_is_a_warning),
		cmocka_unit_test(test_pair_behind_nat_through_the_relay_is_a_note),
		cmocka_unit_test(test_pair_behind_nat_without_a_relay_that_can_serve_is_a_warning),
		cmocka_unit_test(test_lint_reads_the_model_it_is_given),
		cmocka_unit_test(test_no_endpoint_and_no_keepalive_is_a_note),
		cmocka_unit_test(test_pedantic_adds_interface_names_and_file_mode),
		cmocka_unit_test(test_fprint_names_file_line_peer_and_column),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
