/* remote/: what deploy and status decide from a host's state: confdiff.c (a
 * restart or live, the masked diff), drift.c (the running interface against the
 * model) and host.c (what the probe script prints). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mesh/model.h"
#include "remote/confdiff.h"
#include "remote/drift.h"
#include "remote/host.h"
#include "unit.h"

/* The tutorial's tokyo1, germany1, canada1 (seed4 keys). */
#define PUB_T "i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo="
#define PUB_G "m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg="
#define PUB_C "00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw="
#define PRIV_T "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM="

static const char conf[] = "[Interface]\n# Name: tokyo1\nAddress = 10.1.0.1/16\n"
			   "PrivateKey = " PRIV_T "\nListenPort = 51820\n\n"
			   "[Peer]\n# Name: germany1\nPublicKey = " PUB_G "\n"
			   "PresharedKey = FqC5HzLjbJJ5KSShvTfB7Xv0bKl0KFSf7tIZ4+X2wG0=\n"
			   "Endpoint = germany1.com:51820\nAllowedIPs = 10.2.0.1/32\n";

static bool changed(const char *from, const char *to, const char *want)
{
	char what[200];
	bool c = confdiff_interface_changed(from, strlen(from), to, strlen(to), what,
					    sizeof(what));
	assert_string_equal(what, want);
	return c;
}

static char *edited(const char *find, const char *replace)
{
	static char out[2048];
	const char *at = strstr(conf, find);

	assert_non_null(at);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - conf), conf, replace, at + strlen(find));
	return out;
}

static void test_what_needs_a_restart(void **state)
{
	(void)state;
	assert_false(changed(conf, conf, ""));
	/* What syncconf applies: keys, port, peers, endpoints. */
	assert_false(changed(conf, edited("ListenPort = 51820", "ListenPort = 51821"), ""));
	assert_false(changed(conf, edited("germany1.com", "germany2.com"), ""));
	assert_false(changed(conf, edited("PrivateKey = y", "PrivateKey = z"), ""));
	/* Spaces and case of keys are wg-quick's business, not a change. */
	assert_false(changed(conf, edited("Address = 10.1.0.1/16", "address=10.1.0.1/16 "), ""));
	assert_true(changed(conf, edited("Address = 10.1.0.1/16", "Address = 10.1.0.2/16"),
			    "Address"));
	assert_true(changed(conf, edited("ListenPort = 51820\n", "ListenPort = 51820\nMTU = 1400\n"
					 "PostUp = true\n"), "MTU, PostUp"));
	/* A PostUp in a [Peer] section is not one of the interface's. */
	assert_false(changed(conf, edited("AllowedIPs", "PostUp = x\nAllowedIPs"), ""));
}

static void test_masked_diff(void **state)
{
	struct buf out = BUF_INIT;
	const char *to = edited("germany1.com", "germany2.com");

	(void)state;
	assert_int_equal(confdiff_masked(conf, strlen(conf), to, strlen(to), &out), 0);
	assert_string_equal(out.data, " PublicKey = " PUB_G "\n"
				      " PresharedKey = (hidden)\n"
				      "-Endpoint = germany1.com:51820\n"
				      "+Endpoint = germany2.com:51820\n"
				      " AllowedIPs = 10.2.0.1/32\n");
	buf_free(&out);
	/* A new file: every line added, no key in clear. */
	assert_int_equal(confdiff_masked("", 0, conf, strlen(conf), &out), 0);
	assert_null(strstr(out.data, PRIV_T));
	assert_null(strstr(out.data, "FqC5Hz"));
	assert_non_null(strstr(out.data, "+PrivateKey = (hidden)\n"));
	buf_free(&out);
}

static const char db3[] =
	"Name,Address,Endpoint,ListenPort,PrivateKey\n"
	"tokyo1,10.1.0.1/16,tokyo1.com,51820," PRIV_T "\n"
	"germany1,10.2.0.1/16,germany1.com,51820,SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko=\n"
	"canada1,10.3.0.1/16,canada1.com,51820,2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko=\n";

static long drifts(const char *dump, struct buf *out)
{
	struct db db = { 0 };
	struct mesh m;
	struct mesh_opts mo = { 0 };
	struct wgdump d;
	char err[160];
	long n;

	assert_int_equal(db_parse(&db, "db.csv", db3, sizeof(db3) - 1), 0);
	assert_int_equal(mesh_build(&m, &db, &mo), 0);
	if (wgdump_parse(&d, dump, strlen(dump), err, sizeof(err)) < 0)
		fail_msg("%s", err);
	n = drift_find(&m, 0, &d, out);
	wgdump_free(&d);
	mesh_release(&m);
	db_close(&db);
	return n;
}

#define IFLINE(pub, port) PRIV_T "\t" pub "\t" port "\toff\n"
#define PEER(pub, psk, allowed) pub "\t" psk "\t(none)\t" allowed "\t0\t0\t0\toff\n"

static void test_drift(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(drifts(IFLINE(PUB_T, "51820") PEER(PUB_G, "(none)", "10.2.0.1/32")
				PEER(PUB_C, "(none)", "10.3.0.1/32"), &out), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(drifts(IFLINE(PUB_G, "1") PEER(PUB_G, PUB_C, "10.2.0.0/16,10.9.0.0/16")
				PEER(PUB_T, "(none)", "(none)"), &out), 6);
	assert_string_equal(out.data,
		"the interface's public key is " PUB_G ", the database's " PUB_T "\n"
		"listen port 1 instead of 51820\n"
		"peer germany1: AllowedIPs 10.2.0.0/16,10.9.0.0/16 instead of 10.2.0.1/32\n"
		"peer germany1: a preshared key that the database has not\n"
		"peer canada1 is missing\n"
		"peer tokyo1 is there but should not be (relayed)\n");
	buf_free(&out);
	/* What Debian 12's wg syncconf leaves behind: a keepalive the file dropped. */
	assert_int_equal(drifts(IFLINE(PUB_T, "51820")
				PUB_G "\t(none)\t(none)\t10.2.0.1/32\t0\t0\t0\t25\n"
				PEER(PUB_C, "(none)", "10.3.0.1/32"), &out), 1);
	assert_string_equal(out.data, "peer germany1: PersistentKeepalive 25 instead of 0 (0: off)\n");
	buf_free(&out);
}

static void test_probe_output(void **state)
{
	static const char text[] = "systemd 1\nconf 5\nab\ncddump 45\n"
				   IFLINE(PUB_T, "51820");
	static const char down[] = "systemd 0\nconf -\ndump -\n";
	struct host_state s;
	char err[160];

	(void)state;
	assert_int_equal(host_parse_probe(&s, text, sizeof(text) - 1, err, sizeof(err)), -1);
	/* The interface line is 45 + 45 + 6 + 4 = 100 bytes. */
	static const char ok[] = "systemd 1\nconf 5\nab\ncddump 100\n" IFLINE(PUB_T, "51820");
	assert_int_equal(host_parse_probe(&s, ok, sizeof(ok) - 1, err, sizeof(err)), 0);
	assert_true(s.systemd && s.has_conf && s.up);
	assert_int_equal(s.conf_len, 5);
	assert_memory_equal(s.conf, "ab\ncd", 5);
	assert_string_equal(s.dump.public_key, PUB_T);
	host_state_free(&s);
	assert_int_equal(host_parse_probe(&s, down, sizeof(down) - 1, err, sizeof(err)), 0);
	assert_false(s.systemd || s.has_conf || s.up);
	host_state_free(&s);
	assert_int_equal(host_parse_probe(&s, "bash: wg: not found\n", 20, err, sizeof(err)), -1);
	assert_int_equal(host_parse_probe(&s, "systemd 0\nconf 99\nab", 20, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_needs_a_restart),
		cmocka_unit_test(test_masked_diff),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_probe_output),
	};

	if (keys_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
