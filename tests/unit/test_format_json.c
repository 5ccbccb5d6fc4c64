/* formats/json.c and formats/qr.c: mesh.json and the QR codes, from the model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats/json.h"
#include "formats/qr.h"
#include "formats/wgquick.h"
#include "mesh/model.h"
#include "store/psk.h"
#include "unit.h"
#include "fixtures.h"

#define PSK_AB "n0dyjsEWxOUx2JQFm2DtSggFLTT58PAZrsZhxem2ZeQ="

/* hub relays between c and d, which have no Endpoint. */
static const char relay_csv[] =
	"Name,Address,Endpoint,ListenPort,PrivateKey,Relay,PostUp,Table\n"
	"hub,10.0.0.1/24,hub.example,51820," PRIV_A ",yes,,\n"
	"\"say \"\"hi\"\"\",10.0.0.2/24,[2001:db8::2]:51821,51821," PRIV_B ",,echo up,off\n"
	"c,10.0.0.3/24,,," PRIV_C ",,,\n"
	"d,10.0.0.4/24,,," PRIV_D ",,,\n";

struct fixture {
	struct db db;
	struct mesh m;
	struct psk_store psk;
	struct out_files files;
	char err[512];
};

static void build(struct fixture *f, const char *csv, bool with_psk)
{
	static const char store[] = "\"Peer1\",\"Peer2\",\"PresharedKey\"\n"
				    "\"hub\",\"say \"\"hi\"\"\",\"" PSK_AB "\"\n";
	struct mesh_opts mo = { 0 };

	memset(f, 0, sizeof(*f));
	db_load_text(&f->db, csv);
	if (with_psk) {
		assert_int_equal(psk_parse(&f->psk, "test.csv.psk", store, strlen(store)), 0);
		mo.psk = &f->psk;
	}
	assert_int_equal(mesh_build(&f->m, &f->db, &mo), 0);
}

static void done(struct fixture *f)
{
	out_files_release(&f->files);
	mesh_release(&f->m);
	psk_free(&f->psk);
	db_close(&f->db);
}

static const char *render_json(struct fixture *f, bool secrets)
{
	struct format_opts o = { .secrets = secrets };

	assert_true(format_json.whole_mesh);
	assert_int_equal(format_json.render(&f->m, NULL, &o, 0, &f->files, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->files.count, 1);
	assert_string_equal(f->files.v[0].path, "mesh.json");
	return f->files.v[0].data.data;
}

static void assert_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("\"%s\" not in:\n%s", needle, text);
}

static void test_json_without_secrets(void **state)
{
	struct fixture f;
	const char *text;

	(void)state;
	build(&f, relay_csv, true);
	text = render_json(&f, false);
	assert_contains(text, "{\n  \"version\": 1,\n  \"relay\": \"hub\",\n");
	assert_contains(text, "\"public_key\": \"" PUB_A "\"");
	assert_null(strstr(text, PRIV_A));
	assert_null(strstr(text, PSK_AB));
	assert_null(strstr(text, "private_key"));
	assert_null(strstr(text, "\"preshared_key\""));
	assert_contains(text, "\"has_preshared_key\": true");
	assert_int_equal(f.files.v[0].mode, 0644);
	assert_int_equal(f.files.v[0].secret_end, 0);
	done(&f);
}

static void test_json_with_secrets(void **state)
{
	struct fixture f;
	const char *text;

	(void)state;
	build(&f, relay_csv, true);
	text = render_json(&f, true);
	assert_contains(text, "\"private_key\": \"" PRIV_A "\"");
	assert_contains(text, "\"private_key\": \"" PRIV_D "\"");
	assert_contains(text, "\"has_preshared_key\": true, \"preshared_key\": \"" PSK_AB "\"}");
	assert_int_equal(f.files.v[0].mode, 0600);
	assert_int_equal(f.files.v[0].secret_end, f.files.v[0].data.len);
	done(&f);
}

static void test_json_values_and_relay(void **state)
{
	struct fixture f;
	const char *text;

	(void)state;
	build(&f, relay_csv, false);
	text = render_json(&f, false);
	/* A name with quotes is escaped; the IPv6 endpoint has no brackets. */
	assert_contains(text, "\"name\": \"say \\\"hi\\\"\"");
	assert_contains(text, "\"endpoint\": {\"host\": \"2001:db8::2\", \"port\": 51821}");
	assert_contains(text, "\"endpoint\": null");
	assert_contains(text, "\"table\": \"off\"");
	assert_contains(text, "\"post_up\": \"echo up\"");
	/* c and d have no link to each other; c routes d's address to hub. */
	assert_contains(text, "{\"peer\": \"hub\", \"allowed_ips\": [\"10.0.0.1/32\", "
			      "\"10.0.0.4/32\"], \"persistent_keepalive\": 25");
	assert_null(strstr(text, "{\"peer\": \"d\", \"allowed_ips\": [\"10.0.0.4/32\"], "
				 "\"persistent_keepalive\": 25"));
	assert_contains(text, "\"auto_keepalive\": true");
	assert_contains(text, "\"relay\": true,\n      \"forwards\": true");
	assert_contains(text, "\"relayed\": [\n    {\"peers\": [\"c\", \"d\"], \"via\": \"hub\"}\n  ]\n}\n");
	assert_int_equal(f.files.v[0].data.len, strlen(text));
	done(&f);
}

static void test_json_empty_mesh(void **state)
{
	struct fixture f;

	(void)state;
	build(&f, "Name,Address,PrivateKey\n", false);
	assert_string_equal(render_json(&f, false),
			    "{\n  \"version\": 1,\n  \"relay\": null,\n  \"nodes\": [],\n"
			    "  \"relayed\": []\n}\n");
	done(&f);
}

static void test_qr_cannot(void **state)
{
	struct fixture f;

	(void)state;
	build(&f, relay_csv, false);
	assert_null(format_qr.cannot(&f.m.nodes[0], ATTR_ADDRESS));
	assert_null(format_qr.cannot(&f.m.nodes[0], ATTR_DNS));
	assert_non_null(format_qr.cannot(&f.m.nodes[1], ATTR_POSTUP));
	assert_non_null(format_qr.cannot(&f.m.nodes[1], ATTR_TABLE));
	assert_non_null(format_qr.cannot(&f.m.nodes[1], ATTR_FWMARK));
	assert_non_null(format_qr.cannot(&f.m.nodes[1], ATTR_SAVECONFIG));
	/* The relay forwards with commands the apps cannot run. */
	assert_non_null(format_qr.cannot(&f.m.nodes[0], ATTR_RELAY));
	done(&f);
}

static void test_qr_holds_the_app_file(void **state)
{
	struct fixture f;
	struct format_opts o = { 0 };
	struct buf want = BUF_INIT;
	struct qr q;
	const struct out_file *png;

	(void)state;
	build(&f, relay_csv, true);
	assert_int_equal(format_qr.render(&f.m, NULL, &o, 1, &f.files, f.err, sizeof(f.err)), 0);
	png = &f.files.v[0];
	assert_string_equal(png->path, "say \"hi\".png");
	assert_int_equal(png->mode, 0600);
	assert_int_equal(png->secret_end, png->data.len);
	assert_memory_equal(png->data.data, "\x89PNG", 4);
	/* The code is of the file without what the apps refuse. */
	assert_int_equal(wgquick_render_app(&f.m, NULL, 1, &want, NULL), 0);
	assert_null(strstr(want.data, "PostUp"));
	assert_null(strstr(want.data, "Table"));
	assert_non_null(strstr(want.data, "PresharedKey = " PSK_AB));
	assert_int_equal(qr_of_node(&f.m, NULL, 1, 0, &q, f.err, sizeof(f.err)), 0);
	assert_int_equal(q.level, 'H');
	qr_free(&q);
	buf_free(&want);
	done(&f);
}

static void test_qr_too_large_names_the_peer(void **state)
{
	struct buf csv = BUF_INIT;
	struct fixture f;
	struct format_opts o = { 0 };
	key_b64 key;

	(void)state;
	assert_int_equal(buf_puts(&csv, "Name,Address,Endpoint,ListenPort,PrivateKey\n"), 0);
	for (int i = 0; i < 40; i++) {
		key_generate_private_b64(key);
		assert_int_equal(buf_printf(&csv, "peer%d,10.0.%d.1/24,peer%d.example,51820,%s\n", i, i,
					    i, key), 0);
	}
	build(&f, csv.data, false);
	assert_int_equal(format_qr.render(&f.m, NULL, &o, 3, &f.files, f.err, sizeof(f.err)), -1);
	assert_non_null(strstr(f.err, "qr: peer peer3: its configuration is "));
	assert_non_null(strstr(f.err, " bytes, more than a QR code holds (2953 bytes"));
	done(&f);
	buf_free(&csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_without_secrets),
		cmocka_unit_test(test_json_with_secrets),
		cmocka_unit_test(test_json_values_and_relay),
		cmocka_unit_test(test_json_empty_mesh),
		cmocka_unit_test(test_qr_cannot),
		cmocka_unit_test(test_qr_holds_the_app_file),
		cmocka_unit_test(test_qr_too_large_names_the_peer),
	};
	if (keys_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
