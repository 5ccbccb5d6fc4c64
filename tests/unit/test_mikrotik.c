/* mikrotik.c: the RouterOS v7 script of each peer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats/mikrotik.h"
#include "mesh/model.h"
#include "store/psk.h"
#include "unit.h"
#include "fixtures.h"


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

static void render_text(struct rendered *r, const char *csv, size_t i, const char *ifname,
			const struct psk_store *psk)
{
	struct mesh_opts mo = { .psk = psk };
	struct format_opts fo = { .ifname = ifname };
	struct out_files empty = OUT_FILES_INIT;

	db_load_text(&r->db, csv);
	assert_int_equal(mesh_build(&r->m, &r->db, &mo), 0);
	r->files = empty;
	r->err[0] = 0;
	r->rc = format_mikrotik.render(&r->m, NULL, &fo, i, &r->files, r->err, sizeof(r->err));
}

static const char *text_of(struct rendered *r)
{
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->files.count, 1);
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

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Reads the RouterOS string constant at *p (the opening quote) as the scripting
 * manual defines its escapes; fails on anything else. Returns the decoded text
 * (static) and moves *p past the closing quote. */
static const char *ros_string(const char **p)
{
	static char out[1024];
	size_t len = 0;
	const char *s = *p;

	assert_true(*s == '"');
	for (s++; *s != '"'; s++) {
		assert_true(*s && *s != '\n' && *s != '$' && *s != '?');
		assert_true((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f);
		if (*s == '\\') {
			s++;
			if (strchr("\"\\$?", *s))
				out[len++] = *s;
			else if (hexval(s[0]) >= 0 && hexval(s[1]) >= 0) {
				out[len++] = (char)(hexval(s[0]) * 16 + hexval(s[1]));
				s++;
			} else
				fail_msg("unknown escape \\%c", *s);
		} else {
			out[len++] = *s;
		}
		assert_true(len < sizeof(out) - 1);
	}
	out[len] = 0;
	*p = s + 1;
	return out;
}

/* Checks that outside strings a line has no $, ? or backslash, and returns how
 * many of its strings that follow "key=" decode to value. */
static size_t check_line(const char *line, const char *key, const char *value)
{
	size_t hits = 0, klen = key ? strlen(key) : 0;

	for (const char *p = line; *p && *p != '\n';) {
		if (*p == '"') {
			bool keyed = key && p - line > (long)klen &&
				     !strncmp(p - klen - 1, key, klen) && p[-1] == '=';
			const char *v = ros_string(&p);
			hits += keyed && !strcmp(v, value);
			continue;
		}
		if (*p == '$' || *p == '?' || *p == '\\')
			fail_msg("bare %c in: %s", *p, line);
		p++;
	}
	return hits;
}

static size_t check_script(const char *text, const char *key, const char *value)
{
	size_t hits = 0;

	for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
		if (*line != '#' && strncmp(line, "/interface wireguard ", 21) &&
		    strncmp(line, "/ip address ", 12) && strncmp(line, "/ipv6 address ", 14) &&
		    strncmp(line, "/ip route ", 10) && strncmp(line, "/ipv6 route ", 12) &&
		    strncmp(line, ":if ([:len [/", 13))
			fail_msg("unknown command: %s", line);
		if (*line != '#')
			hits += check_line(line, key, value);
		if (!strchr(line, '\n'))
			fail_msg("last line without newline");
	}
	return hits;
}

static void test_seed4_file(void **state)
{
	const char *want =
		"# RouterOS v7: /import file-name=FILE\n"
		"# Written by wg-meshconf. Importing it again replaces what it added: the\n"
		"# interface is kept and set again; its peers, and the addresses and routes\n"
		"# with the comment \"wg-meshconf INTERFACE\", are removed and added again.\n"
		":if ([:len [/interface wireguard find where name=\"germany1\"]] = 0) do={ "
		"/interface wireguard add name=\"germany1\" }\n"
		"/interface wireguard set [find where name=\"germany1\"] listen-port=51820 mtu=1420 "
		"private-key=\"" PRIV_B "\" comment=\"germany1\"\n"
		"/interface wireguard peers remove [find where interface=\"germany1\"]\n"
		"/ip address remove [find where comment=\"wg-meshconf germany1\"]\n"
		"/ipv6 address remove [find where comment=\"wg-meshconf germany1\"]\n"
		"/ip route remove [find where comment=\"wg-meshconf germany1\"]\n"
		"/ipv6 route remove [find where comment=\"wg-meshconf germany1\"]\n"
		"/ip address add address=10.2.0.1/16 interface=\"germany1\" "
		"comment=\"wg-meshconf germany1\"\n"
		"/interface wireguard peers add interface=\"germany1\" name=\"tokyo1\" "
		"comment=\"tokyo1\" public-key=\"" PUB_A "\" allowed-address=10.1.0.1/32 "
		"endpoint-address=\"tokyo1.com\" endpoint-port=51820\n";
	char *csv = slurp(SEED4 "database.csv", NULL);
	struct rendered r;
	const char *text;

	(void)state;
	render_text(&r, csv, 1, NULL, NULL);
	text = text_of(&r);
	assert_string_equal(r.files.v[0].path, "germany1.rsc");
	assert_int_equal(r.files.v[0].mode, 0600);
	assert_memory_equal(text, want, strlen(want));
	/* Each other peer once; a route to each, as each is outside 10.2.0.0/16. */
	assert_int_equal(count(text, "/interface wireguard peers add"), 3);
	assert_int_equal(check_script(text, "comment", "canada1"), 1);
	assert_contains(text, "/ip route add dst-address=10.4.0.1/32 gateway=\"germany1\" "
			      "comment=\"wg-meshconf germany1\"\n");
	assert_int_equal(count(text, "/ip route add"), 3);
	done(&r);
	free(csv);
}

/* One /24 and one /64 for all: the peers are reached through the connected
 * subnets, and only the networks outside them get a route. */
static void test_dual_stack_routes_only_outside_the_subnets(void **state)
{
	struct rendered r;
	const char *text;

	(void)state;
	render_text(&r,
		    "Name,Address,Endpoint,AllowedIPs,PersistentKeepalive,PrivateKey,MTU\n"
		    "a,\"10.0.0.1/24,fd00::1/64\",,,25," PRIV_A ",1380\n"
		    "b,\"10.0.0.2/24,fd00::2/64\",[2001:db8::2]:51821,"
		    "\"192.168.2.7/24,fd00:2::/48\",," PRIV_B ",\n"
		    "c,\"10.0.0.3/24,fd00::3/64\",,,0," PRIV_C ",\n",
		    0, NULL, NULL);
	text = text_of(&r);
	check_script(text, NULL, NULL);
	assert_contains(text, " mtu=1380 ");
	assert_contains(text, "/ipv6 address add address=fd00::1/64 interface=\"a\" advertise=no "
			      "comment=\"wg-meshconf a\"\n");
	assert_contains(text, " allowed-address=10.0.0.2/32,fd00::2/128,192.168.2.0/24,fd00:2::/48"
			      " endpoint-address=\"2001:db8::2\" endpoint-port=51821"
			      " persistent-keepalive=25s\n");
	assert_contains(text, "/ip route add dst-address=192.168.2.0/24 gateway=\"a\"");
	assert_contains(text, "/ipv6 route add dst-address=fd00:2::/48 gateway=\"a\"");
	assert_int_equal(count(text, " route add "), 2);
	/* A peer without endpoint has none. */
	assert_contains(text, "allowed-address=10.0.0.3/32,fd00::3/128 persistent-keepalive=25s\n");
	done(&r);
	/* Keepalive 0 is off: nothing written. */
	render_text(&r, "Name,Address,PersistentKeepalive,PrivateKey\na,10.0.0.1/24,0," PRIV_A
			"\nb,10.0.0.2/24,," PRIV_B "\n", 0, NULL, NULL);
	assert_null(strstr(text_of(&r), "persistent-keepalive"));
	assert_contains(text_of(&r), " mtu=1420 ");
	done(&r);
}

/* A network wider than the connected subnet is not covered by it. */
static void test_wider_network_gets_a_route(void **state)
{
	struct rendered r;

	(void)state;
	render_text(&r, "Name,Address,AllowedIPs,PrivateKey\na,10.0.0.1/24,," PRIV_A
			"\nb,10.0.0.2/32,10.0.0.0/16," PRIV_B "\n", 0, NULL, NULL);
	assert_contains(text_of(&r), "/ip route add dst-address=10.0.0.0/16 gateway=\"a\"");
	assert_int_equal(count(text_of(&r), "/ip route add"), 1);
	done(&r);
}

static void test_hostile_names_round_trip(void **state)
{
	static const char *const names[] = {
		"a\"b", "$x", "$(reboot)", "what?", "back\\slash\\", "caf\xc3\xa9", "-x",
		"\" ; :execute reboot ; \"", "# not a comment", "x]", "{a}", "it's", "a\\\"",
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
	for (size_t i = 0; i < n; i++) {
		if (check_script(text, "comment", names[i]) != 1 ||
		    check_script(text, "name", names[i]) != 1)
			fail_msg("name %zu (%s) does not come back:\n%s", i, names[i], text);
	}
	assert_contains(text, "comment=\"caf\\C3\\A9\"");
	assert_contains(text, "comment=\"\\$(reboot)\"");
	done(&r);
	buf_free(&csv);
}

static void test_string_escapes(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(mikrotik_put_string(&b, "\"\\$?\n\x01\xff ok"), 0);
	assert_string_equal(b.data, "\"\\\"\\\\\\$\\?\\0A\\01\\FF ok\"");
	buf_free(&b);
}

static void test_tables(void **state)
{
#define TABLES_CSV(table) "Name,Address,AllowedIPs,PrivateKey,Table\n" \
	"a,10.0.0.1/24,," PRIV_A "," table "\nb,10.0.1.1/24,192.168.9.0/24," PRIV_B ",\n"
	struct rendered r;
	const char *text;

	(void)state;
	text = TABLES_CSV("vpn");
	render_text(&r, text, 0, NULL, NULL);
	assert_contains(text_of(&r), ":if ([:len [/routing table find where name=\"vpn\"]] = 0) "
				     "do={ /routing table add name=\"vpn\" fib }\n");
	assert_contains(text_of(&r), "/ip route add dst-address=10.0.1.1/32 gateway=\"a\" "
				     "routing-table=\"vpn\" comment=");
	assert_null(format_mikrotik.cannot(&r.m.nodes[0], ATTR_TABLE));
	done(&r);
	text = TABLES_CSV("main");
	render_text(&r, text, 0, NULL, NULL);
	assert_null(strstr(text_of(&r), "routing"));
	assert_int_equal(count(text_of(&r), "/ip route add"), 2);
	done(&r);
	text = TABLES_CSV("off");
	render_text(&r, text, 0, NULL, NULL);
	assert_null(strstr(text_of(&r), "route add"));
	assert_null(format_mikrotik.cannot(&r.m.nodes[0], ATTR_TABLE));
	done(&r);
	text = TABLES_CSV("1234");
	render_text(&r, text, 0, NULL, NULL);
	assert_non_null(format_mikrotik.cannot(&r.m.nodes[0], ATTR_TABLE));
	assert_null(strstr(text_of(&r), "routing"));
	done(&r);
}

static void test_what_routeros_cannot_carry(void **state)
{
	struct rendered r;
	const struct mesh_node *n;

	(void)state;
	render_text(&r, "Name,Address,PrivateKey,PreUp,SaveConfig,DNS,FwMark,MTU\n"
			"a,10.0.0.1/24," PRIV_A ",echo up,true,1.1.1.1,0x10,1400\n"
			"b,10.0.0.2/24," PRIV_B ",,false,,off,\n", 0, NULL, NULL);
	n = &r.m.nodes[0];
	assert_non_null(format_mikrotik.cannot(n, ATTR_PREUP));
	assert_non_null(format_mikrotik.cannot(n, ATTR_SAVECONFIG));
	assert_non_null(format_mikrotik.cannot(n, ATTR_DNS));
	assert_non_null(format_mikrotik.cannot(n, ATTR_FWMARK));
	assert_null(format_mikrotik.cannot(n, ATTR_MTU));
	n = &r.m.nodes[1];
	assert_null(format_mikrotik.cannot(n, ATTR_SAVECONFIG));
	assert_null(format_mikrotik.cannot(n, ATTR_FWMARK));
	assert_null(strstr(text_of(&r), "echo"));
	assert_null(strstr(text_of(&r), "1.1.1.1"));
	done(&r);
}

static void test_interface_names(void **state)
{
	const char *csv = "Name,Address,PrivateKey\ntokyo 1,10.0.0.1/24," PRIV_A "\n"
			  "b,10.0.0.2/24," PRIV_B "\n";
	struct rendered r;

	(void)state;
	render_text(&r, csv, 0, NULL, NULL);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err, "test.csv:2: peer tokyo 1: column Name: the mikrotik format: "
			    "\"tokyo 1\" is not an interface name ([a-zA-Z0-9_=+.-]{1,15}): name "
			    "the interface with --interface");
	done(&r);
	render_text(&r, csv, 0, "wg0", NULL);
	assert_string_equal(r.files.v[0].path, "tokyo 1/wg0.rsc");
	assert_contains(text_of(&r), "/interface wireguard set [find where name=\"wg0\"] ");
	assert_contains(text_of(&r), " comment=\"tokyo 1\"\n");
	done(&r);
}

static void test_preshared_keys_and_secret_end(void **state)
{
	const char *csv = "Name,Address,PrivateKey\na,10.0.0.1/24," PRIV_A "\nb,10.0.0.2/24," PRIV_B
			  "\nc,10.0.0.3/24," PRIV_C "\n";
	struct psk_store store;
	struct rendered r;
	const char *text;
	char want[128];

	(void)state;
	render_text(&r, csv, 2, NULL, NULL);
	text = text_of(&r);
	assert_memory_equal(text + r.files.v[0].secret_end - strlen(PRIV_A) - 1, PRIV_C "\"",
			    strlen(PRIV_C) + 1);
	memset(&store, 0, sizeof(store));
	assert_int_equal(psk_sync(&store, &r.db), 3);
	done(&r);
	render_text(&r, csv, 2, NULL, &store);
	text = text_of(&r);
	snprintf(want, sizeof(want), " public-key=\"%s\" preshared-key=\"%s\" ", PUB_B,
		 psk_get(&store, "b", "c"));
	assert_contains(text, want);
	assert_true(r.files.v[0].secret_end > (size_t)(strstr(text, want) - text));
	done(&r);
	psk_free(&store);
}


/* The relay's script turns forwarding on where it is off (IPv6 only where the
 * relay carries it), before anything else of the interface; no other node's. */
static void test_relay_forwards(void **state)
{
	static const char v4[] = ":if (![/ip settings get ip-forward]) do={ /ip settings set "
				 "ip-forward=yes }\n";
	static const char v6[] = ":if (![/ipv6 settings get forward]) do={ /ipv6 settings set "
				 "forward=yes }\n";
	struct rendered r;

	(void)state;
	render_text(&r, RELAY_CSV, 0, NULL, NULL);
	assert_int_equal(count(text_of(&r), v4), 1);
	assert_int_equal(count(text_of(&r), v6), 0);
	assert_true(strstr(text_of(&r), v4) < strstr(text_of(&r), "/interface wireguard peers remove"));
	assert_null(format_mikrotik.cannot(&r.m.nodes[0], ATTR_RELAY));
	done(&r);
	render_text(&r, RELAY6_CSV, 0, NULL, NULL);
	assert_int_equal(count(text_of(&r), v4), 1);
	assert_int_equal(count(text_of(&r), v6), 1);
	done(&r);
	for (size_t i = 1; i < 3; i++) {
		render_text(&r, RELAY6_CSV, i, NULL, NULL);
		assert_null(strstr(text_of(&r), "settings"));
		done(&r);
	}
	render_text(&r, IDLE_CSV, 0, NULL, NULL);
	assert_null(strstr(text_of(&r), "settings"));
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed4_file),
		cmocka_unit_test(test_dual_stack_routes_only_outside_the_subnets),
		cmocka_unit_test(test_wider_network_gets_a_route),
		cmocka_unit_test(test_hostile_names_round_trip),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_what_routeros_cannot_carry),
		cmocka_unit_test(test_interface_names),
		cmocka_unit_test(test_preshared_keys_and_secret_end),
		cmocka_unit_test(test_relay_forwards),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
