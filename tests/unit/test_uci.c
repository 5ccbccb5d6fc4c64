/* uci.c: the `uci batch` script of each peer for OpenWrt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats/uci.h"
#include "mesh/model.h"
#include "store/psk.h"
#include "unit.h"
#include "fixtures.h"

/* Keys of the seed4 peers. */

static int setup(void **state)
{
	(void)state;
	return keys_init();
}

struct rendered {
	struct mesh m;
	struct db db;
	struct out_files files;
	char err[512];
	int rc;
};

/* Renders node i of the database text; r->rc is what render returned. */
static bool legacy;

static void render_text(struct rendered *r, const char *csv, size_t i, const char *ifname,
			const struct psk_store *psk)
{
	struct mesh_opts mo = { .legacy = legacy, .psk = psk };
	struct format_opts fo = { .ifname = ifname };
	struct out_files empty = OUT_FILES_INIT;

	db_load_text(&r->db, csv);
	assert_int_equal(mesh_build(&r->m, &r->db, &mo), 0);
	r->files = empty;
	r->err[0] = 0;
	r->rc = format_uci.render(&r->m, NULL, &fo, i, &r->files, r->err, sizeof(r->err));
}

static const char *text_of(struct rendered *r)
{
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->files.count, 1);
	assert_non_null(r->files.v[0].data.data);
	return r->files.v[0].data.data;
}

static void done(struct rendered *r)
{
	out_files_release(&r->files);
	mesh_release(&r->m);
	db_close(&r->db);
}

static void assert_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("\"%s\" not in:\n%s", needle, text);
}

/* One line of `uci batch` split into its arguments as uci's parser does
 * (file.c parse_str): '...' is literal, "..." and bare text take \x as x, '#'
 * outside quotes ends the line, white space separates arguments. Returns the
 * number of arguments, or -1 for an unterminated quote. */
static int batch_split(const char *line, char args[][512], int max)
{
	int n = 0;
	const char *p = line;

	for (;;) {
		size_t len = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == max)
			return -1;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '#' || *p == ';')
				return -1;	/* never written bare */
			if (*p == '\'') {
				for (p++; *p && *p != '\''; p++)
					args[n][len++] = *p;
				if (!*p++)
					return -1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1])
						p++;
					args[n][len++] = *p;
				}
				if (!*p++)
					return -1;
			} else {
				if (*p == '\\' && p[1])
					p++;
				args[n][len++] = *p++;
			}
			assert_true(len < 500);
		}
		args[n++][len] = 0;
	}
}

/* Checks every line of the script: a comment, an empty line, or set/add_list
 * of network.SECTION[.OPTION]=VALUE with valid names; returns how many lines
 * give option `option` of any section the value `value`. */
static size_t check_script(const char *text, const char *option, const char *value)
{
	char *copy = strdup(text), *save = NULL, args[4][512];
	size_t hits = 0;

	assert_non_null(copy);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *sec, *opt;
		int n = batch_split(line, args, 4);
		if (n == 0)
			continue;
		if (n != 2)
			fail_msg("not two arguments: %s", line);
		if (strcmp(args[0], "set") && strcmp(args[0], "add_list"))
			fail_msg("unknown command: %s", line);
		if (!(eq = strchr(args[1], '=')))
			fail_msg("no value: %s", line);
		*eq = 0;
		if (strncmp(args[1], "network.", 8))
			fail_msg("not the network package: %s", line);
		sec = args[1] + 8;
		opt = strchr(sec, '.');
		if (opt)
			*opt++ = 0;
		if (!uci_is_name(sec) || (opt && !uci_is_name(opt)))
			fail_msg("invalid name: %s", line);
		if (!strcmp(args[0], "add_list") && !opt)
			fail_msg("add_list of a section: %s", line);
		if (option && opt && !strcmp(opt, option) && !strcmp(eq + 1, value))
			hits++;
	}
	free(copy);
	return hits;
}

static void test_seed4_file(void **state)
{
	const char *want =
		"# OpenWrt (netifd's wireguard protocol, package wireguard-tools):\n"
		"#   uci batch < FILE && uci commit network && /etc/init.d/network reload\n"
		"# Written by wg-meshconf. Applying it again replaces what it set:\n"
		"# set SECTION='' deletes a section, and does nothing where there is none.\n"
		"set network.germany1=''\n"
		"set network.wgpeer_germany1_1=''\n"
		"set network.wgpeer_germany1_2=''\n"
		"set network.wgpeer_germany1_3=''\n"
		"\n"
		"set network.germany1='interface'\n"
		"set network.germany1.proto='wireguard'\n"
		"set network.germany1.private_key='" PRIV_B "'\n"
		"set network.germany1.listen_port='51820'\n"
		"add_list network.germany1.addresses='10.2.0.1/16'\n"
		"\n"
		"set network.wgpeer_germany1_1='wireguard_germany1'\n"
		"set network.wgpeer_germany1_1.description='tokyo1'\n"
		"set network.wgpeer_germany1_1.public_key='" PUB_A "'\n"
		"set network.wgpeer_germany1_1.endpoint_host='tokyo1.com'\n"
		"set network.wgpeer_germany1_1.endpoint_port='51820'\n"
		"add_list network.wgpeer_germany1_1.allowed_ips='10.1.0.1/32'\n"
		"set network.wgpeer_germany1_1.route_allowed_ips='1'\n";
	char *csv = slurp(SEED4 "database.csv", NULL);
	struct rendered r;
	const char *text;

	(void)state;
	render_text(&r, csv, 1, NULL, NULL);
	text = text_of(&r);
	assert_string_equal(r.files.v[0].path, "germany1.uci");
	assert_int_equal(r.files.v[0].mode, 0600);
	assert_memory_equal(text, want, strlen(want));
	/* Three peers, each section emptied once before it is made. */
	assert_int_equal(check_script(text, "description", "canada1"), 1);
	assert_int_equal(check_script(text, "description", "shanghai1"), 1);
	assert_int_equal(check_script(text, "public_key", PUB_B), 0);
	done(&r);
	free(csv);
}

/* Every section the script makes was deleted first, so a second run replaces
 * it: nothing of the first run is left, nothing is doubled. */
static void test_every_section_is_deleted_before_it_is_made(void **state)
{
	char *csv = slurp(SEED4 "database.csv", NULL);
	struct rendered r;
	const char *text;
	int made;

	(void)state;
	render_text(&r, csv, 0, NULL, NULL);
	text = text_of(&r);
	made = 0;
	for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
		const char *eq = strchr(line, '='), *dot = strchr(line + 12, '.');
		char del[96];
		if (strncmp(line, "set network.", 12) || !strncmp(eq, "=''", 3) || dot < eq)
			continue;	/* not the making of a section */
		snprintf(del, sizeof(del), "set network.%.*s=''\n", (int)(eq - line - 12), line + 12);
		if (!strstr(text, del) || strstr(text, del) > line)
			fail_msg("made without being deleted first: %.*s", (int)(eq - line), line);
		made++;
	}
	assert_int_equal(made, 4);
	done(&r);
	free(csv);
}

static void test_every_option(void **state)
{
	struct rendered r;
	const char *text;

	(void)state;
	render_text(&r,
		    "Name,Address,Endpoint,AllowedIPs,ListenPort,PersistentKeepalive,FwMark,"
		    "PrivateKey,DNS,MTU,Table\n"
		    "alpha,\"10.0.0.1/24,fd00::1/64\",,,51820,25,0x10," PRIV_A
		    ",\"1.1.1.1,fd00::53,example.com\",1420,1234\n"
		    "beta,\"10.0.0.2/24,fd00::2/64\",[2001:db8::2]:51821,192.168.2.0/24,,,," PRIV_B
		    ",,,\n"
		    "gamma,10.0.0.3/24,,,,,," PRIV_C ",,,\n",
		    0, NULL, NULL);
	text = text_of(&r);
	assert_contains(text, "set network.alpha.mtu='1420'\n");
	assert_contains(text, "set network.alpha.fwmark='0x10'\n");
	assert_contains(text, "add_list network.alpha.addresses='10.0.0.1/24'\n"
			      "add_list network.alpha.addresses='fd00::1/64'\n");
	assert_contains(text, "add_list network.alpha.dns='1.1.1.1'\n"
			      "add_list network.alpha.dns='fd00::53'\n"
			      "add_list network.alpha.dns_search='example.com'\n");
	assert_contains(text, "set network.alpha.ip4table='1234'\n"
			      "set network.alpha.ip6table='1234'\n");
	/* An IPv6 endpoint without brackets, its own port. */
	assert_contains(text, "set network.wgpeer_alpha_1.endpoint_host='2001:db8::2'\n"
			      "set network.wgpeer_alpha_1.endpoint_port='51821'\n");
	assert_contains(text, "add_list network.wgpeer_alpha_1.allowed_ips='10.0.0.2/32'\n"
			      "add_list network.wgpeer_alpha_1.allowed_ips='fd00::2/128'\n"
			      "add_list network.wgpeer_alpha_1.allowed_ips='192.168.2.0/24'\n");
	assert_contains(text, "set network.wgpeer_alpha_1.persistent_keepalive='25'\n");
	/* A peer without endpoint: none written, routes still. */
	assert_contains(text, "set network.wgpeer_alpha_2.description='gamma'\n"
			      "set network.wgpeer_alpha_2.public_key=");
	assert_null(strstr(text, "wgpeer_alpha_2.endpoint"));
	assert_int_equal(check_script(text, "route_allowed_ips", "1"), 2);
	done(&r);
}

/* --legacy-allowedips routes each Address with its own prefix: netifd makes
 * kernel routes of allowed_ips, and the kernel refuses host bits. */
static void test_legacy_allowed_ips_are_masked(void **state)
{
	char *csv = slurp(SEED4 "database.csv", NULL);
	struct rendered r;

	(void)state;
	legacy = true;
	render_text(&r, csv, 0, NULL, NULL);
	legacy = false;
	assert_contains(text_of(&r), "add_list network.wgpeer_tokyo1_1.allowed_ips='10.2.0.0/16'\n");
	assert_contains(text_of(&r), "add_list network.tokyo1.addresses='10.1.0.1/16'\n");
	done(&r);
	free(csv);
}

static void test_table_off_routes_nothing(void **state)
{
	struct rendered r;
	const char *text;

	(void)state;
	render_text(&r, "Name,Address,PrivateKey,Table\na,10.0.0.1/24," PRIV_A ",off\n"
			"b,10.0.0.2/24," PRIV_B ",\n", 0, NULL, NULL);
	text = text_of(&r);
	assert_contains(text, "set network.wgpeer_a_1.route_allowed_ips='0'\n");
	assert_null(strstr(text, "ip4table"));
	done(&r);
}

/* Names are free text: each reaches uci as itself, whatever it holds. */
static void test_hostile_names_round_trip(void **state)
{
	static const char *const names[] = {
		"it's", "a''b", "'", "$(reboot)", "back\\slash\\", "\"dq\"", "-x", "caf\xc3\xa9 \xe2\x82\xac",
		"x' ; reboot ; '", "# not a comment", "semi;colon", "x\\",
	};
	const size_t n = sizeof(names) / sizeof(*names);
	struct buf csv = BUF_INIT;
	struct rendered r;
	const char *text;

	(void)state;
	assert_int_equal(buf_printf(&csv, "Name,Address,PrivateKey\nself,10.0.0.1/16," PRIV_A "\n"), 0);
	for (size_t i = 0; i < n; i++) {
		key_b64 priv;
		key_generate_private_b64(priv);
		assert_int_equal(buf_puts(&csv, "\""), 0);
		for (const char *p = names[i]; *p; p++)
			assert_int_equal(buf_puts(&csv, *p == '"' ? "\"\"" : (char[]){ *p, 0 }), 0);
		assert_int_equal(buf_printf(&csv, "\",10.0.%zu.1/16,%s\n", i + 1, priv), 0);
	}
	render_text(&r, csv.data, 0, NULL, NULL);
	text = text_of(&r);
	for (size_t i = 0; i < n; i++)
		if (check_script(text, "description", names[i]) != 1)
			fail_msg("name %zu (%s) does not come back:\n%s", i, names[i], text);
	assert_contains(text, "description='it'\\''s'\n");
	done(&r);
	buf_free(&csv);
}

static void test_quoting(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(uci_put_quoted(&b, "a'b"), 0);
	assert_int_equal(uci_put_quoted(&b, ""), 0);
	assert_int_equal(uci_put_quoted(&b, "\\$\""), 0);
	assert_string_equal(b.data, "'a'\\''b''''\\$\"'");
	/* What uci cannot store is refused, never written. */
	b.len = 0;
	assert_int_equal(uci_put_quoted(&b, "a\nset network.lan=''"), -1);
	assert_int_equal(uci_put_quoted(&b, "a\rb"), -1);
	assert_int_equal(b.len, 0);
	assert_true(uci_value_ok("tab\there"));
	assert_false(uci_is_name("wg-0"));
	assert_false(uci_is_name(""));
	assert_true(uci_is_name("wg_0"));
	buf_free(&b);
}

static void test_interface_names(void **state)
{
	const char *csv = "Name,Address,PrivateKey\ntokyo-1,10.0.0.1/24," PRIV_A "\n"
			  "lan,10.0.0.2/24," PRIV_B "\n"
			  "sixteen_chars_xx,10.0.0.3/24," PRIV_C "\n"
			  "ok_1,10.0.0.4/24," PRIV_D "\n";
	struct rendered r;

	(void)state;
	render_text(&r, csv, 0, NULL, NULL);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err, "test.csv:2: peer tokyo-1: column Name: the uci format: \"tokyo-1\" "
			    "is not a UCI interface name (letters, digits and _, at most 15): "
			    "name the interface with --interface");
	done(&r);
	render_text(&r, csv, 1, NULL, NULL);
	assert_int_equal(r.rc, -1);
	assert_contains(r.err, "test.csv:3: peer lan: column Name: the uci format: \"lan\" would "
			       "replace a section of OpenWrt's default network configuration");
	done(&r);
	render_text(&r, csv, 2, NULL, NULL);
	assert_int_equal(r.rc, -1);
	assert_contains(r.err, "at most 15");
	done(&r);
	render_text(&r, csv, 0, "wg-0", NULL);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err, "--interface: the uci format: \"wg-0\" is not a UCI interface "
			    "name (letters, digits and _, at most 15)");
	done(&r);
	/* --interface names the sections, and the file NAME/IF.uci. */
	render_text(&r, csv, 0, "wg0", NULL);
	assert_string_equal(r.files.v[0].path, "tokyo-1/wg0.uci");
	assert_contains(text_of(&r), "set network.wgpeer_wg0_3='wireguard_wg0'\n"
				     "set network.wgpeer_wg0_3.description='ok_1'\n");
	done(&r);
	render_text(&r, csv, 3, NULL, NULL);
	assert_int_equal(check_script(text_of(&r), "description", "tokyo-1"), 1);
	done(&r);
}

/* secret_end covers every key, so that the writer wipes them all. */
static void test_preshared_keys_and_secret_end(void **state)
{
	const char *csv = "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\nb,10.0.0.2/24," PRIV_B
			  "\nc,10.0.0.3/24," PRIV_C "\n";
	struct psk_store store;
	struct rendered r;
	const char *text, *key;
	char want[128];

	(void)state;
	render_text(&r, csv, 0, NULL, NULL);
	text = text_of(&r);
	assert_null(strstr(text, "preshared_key"));
	assert_memory_equal(text + r.files.v[0].secret_end - strlen(PRIV_A) - 2, PRIV_A "'\n",
			    strlen(PRIV_A) + 2);
	db_close(&r.db);
	memset(&store, 0, sizeof(store));
	db_load_text(&r.db, csv);
	assert_int_equal(psk_sync(&store, &r.db), 3);
	db_close(&r.db);
	out_files_release(&r.files);
	mesh_release(&r.m);
	render_text(&r, csv, 0, NULL, &store);
	text = text_of(&r);
	assert_non_null(key = psk_get(&store, "a", "c"));
	snprintf(want, sizeof(want), "set network.wgpeer_a_2.preshared_key='%s'\n", key);
	assert_contains(text, want);
	assert_int_equal(check_script(text, "preshared_key", psk_get(&store, "a", "b")), 1);
	/* The last key is in the last peer section. */
	assert_true(r.files.v[0].secret_end > (size_t)(strstr(text, want) - text));
	done(&r);
	psk_free(&store);
}

static void test_what_uci_cannot_carry(void **state)
{
	struct rendered r;
	const struct mesh_node *n;

	(void)state;
	render_text(&r, "Name,Address,PrivateKey,PostUp,SaveConfig,DNS,Table,FwMark\n"
			"a,10.0.0.1/24," PRIV_A ",echo up,true,1.1.1.1,1234,0x10\n"
			"b,10.0.0.2/24," PRIV_B ",,false,,off,\n", 0, NULL, NULL);
	n = &r.m.nodes[0];
	assert_non_null(format_uci.cannot(n, ATTR_POSTUP));
	assert_non_null(format_uci.cannot(n, ATTR_SAVECONFIG));
	assert_null(format_uci.cannot(n, ATTR_DNS));
	assert_null(format_uci.cannot(n, ATTR_TABLE));
	assert_null(format_uci.cannot(n, ATTR_FWMARK));
	assert_null(format_uci.cannot(n, ATTR_MTU));
	n = &r.m.nodes[1];
	assert_null(format_uci.cannot(n, ATTR_SAVECONFIG));
	assert_null(format_uci.cannot(n, ATTR_TABLE));
	/* Hooks are left out of the file. */
	assert_null(strstr(text_of(&r), "echo"));
	done(&r);
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
	assert_non_null(format_uci.cannot(&m.nodes[0], ATTR_RELAY));
	assert_null(format_uci.cannot(&m.nodes[1], ATTR_RELAY));
	mesh_release(&m);
	db_close(&db);
	db_load_text(&db, IDLE_CSV);
	assert_int_equal(mesh_build(&m, &db, NULL), 0);
	assert_null(format_uci.cannot(&m.nodes[0], ATTR_RELAY));
	mesh_release(&m);
	db_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed4_file),
		cmocka_unit_test(test_every_section_is_deleted_before_it_is_made),
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_legacy_allowed_ips_are_masked),
		cmocka_unit_test(test_table_off_routes_nothing),
		cmocka_unit_test(test_hostile_names_round_trip),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_interface_names),
		cmocka_unit_test(test_preshared_keys_and_secret_end),
		cmocka_unit_test(test_what_uci_cannot_carry),
		cmocka_unit_test(test_relay_cannot_forward),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
