/* ssh.c: targets, the argv ssh gets, and running a script through a stand-in
 * for ssh that executes the remote command with a real shell, as sshd does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "remote/ssh.h"
#include "unit.h"

#include <time.h>

static void target(const char *text, const char *user, const char *host, unsigned port)
{
	struct ssh_target t;
	char why[160], back[300];

	if (ssh_target_parse(&t, text, why, sizeof(why)) < 0)
		fail_msg("refused %s: %s", text, why);
	assert_string_equal(t.user, user);
	assert_string_equal(t.host, host);
	assert_int_equal(t.port, port);
	ssh_target_format(&t, back, sizeof(back));
	/* A bare IPv6 address comes back as it was; with a port, bracketed. */
	assert_string_equal(back, text);
}

static void test_targets(void **state)
{
	(void)state;
	target("tokyo1.com", "", "tokyo1.com", 0);
	target("root@tokyo1.com", "root", "tokyo1.com", 0);
	target("admin@192.0.2.1:2222", "admin", "192.0.2.1", 2222);
	target("2001:db8::1", "", "2001:db8::1", 0);
	target("u_1@[2001:db8::1]:22", "u_1", "2001:db8::1", 22);
}

static void refused(const char *text, const char *want)
{
	struct ssh_target t;
	char why[160];

	if (ssh_target_parse(&t, text, why, sizeof(why)) == 0)
		fail_msg("accepted %s", text);
	if (!strstr(why, want))
		fail_msg("%s: \"%s\" instead of \"%s\"", text, why, want);
}

static void test_refused_targets(void **state)
{
	(void)state;
	refused("@host", "user name");
	refused("-oProxyCommand=x@host", "user name");
	refused("a b@host", "user name");
	refused("root@", "host");
	refused("root@host:99999", "");
	refused("root@-oProxyCommand=x", "");
	refused("a@b@c", "");
}

static void test_argv(void **state)
{
	struct ssh_config c = { .connect_timeout = 7, .config_file = "cfg", .sudo = true };
	struct ssh_target t;
	const char *args[] = { "it's", "$(reboot)", NULL };
	char why[64], **argv;
	struct buf all = BUF_INIT;

	(void)state;
	c.options[c.n_options++] = "StrictHostKeyChecking=accept-new";
	snprintf(c.control_dir, sizeof(c.control_dir), "/tmp/x");
	assert_int_equal(ssh_target_parse(&t, "me@h:2", why, sizeof(why)), 0);
	assert_int_equal(ssh_argv(&c, &t, "echo \"$1\"", args, &argv), 0);
	for (char **p = argv; *p; p++)
		buf_printf(&all, "[%s]", *p);
	assert_string_equal(all.data,
		"[ssh][-F][cfg][-o][StrictHostKeyChecking=accept-new][-o][BatchMode=yes]"
		"[-o][ConnectTimeout=7][-o][ControlMaster=auto][-o][ControlPath=/tmp/x/%C]"
		"[-o][ControlPersist=120][-l][me][-p][2][--][h]"
		"[sudo -n sh -c 'echo \"$1\"' wg-meshconf 'it'\\''s' '$(reboot)']");
	assert_null(strstr(all.data, "StrictHostKeyChecking=no"));
	ssh_argv_free(argv);
	buf_free(&all);
}

/* A stand-in for ssh: skips to "--", drops the host and runs the command as
 * sshd does, with a shell. */
static char fake[64];

static int make_fake(void **state)
{
	int fd;
	static const char body[] = "#!/bin/sh\nwhile [ \"$1\" != -- ]; do shift; done\n"
				   "shift 2\nexec sh -c \"$1\"\n";

	(void)state;
	snprintf(fake, sizeof(fake), "/tmp/wgm-fakessh.XXXXXX");
	if ((fd = mkstemp(fake)) < 0 || write(fd, body, sizeof(body) - 1) < 0 ||
	    fchmod(fd, 0700) < 0 || close(fd) < 0)
		return -1;
	return 0;
}

static int remove_fake(void **state)
{
	(void)state;
	unlink(fake);
	return 0;
}

static void test_run_passes_args_and_stdin(void **state)
{
	struct ssh_config c = { 0 };
	struct ssh_target t;
	const char *args[] = { "it's", "$(echo no)", NULL };
	struct ssh_result r;
	char why[64];

	(void)state;
	assert_int_equal(ssh_config_command(&c, fake), 0);
	assert_int_equal(ssh_target_parse(&t, "host", why, sizeof(why)), 0);
	assert_int_equal(ssh_run(&c, &t, "printf '%s|%s|' \"$1\" \"$2\"; cat; echo oops >&2; exit 3",
				 args, "secret\n", 7, 10, &r), 0);
	assert_int_equal(r.status, 3);
	assert_false(r.timed_out);
	assert_string_equal(r.out.data, "it's|$(echo no)|secret\n");
	assert_string_equal(ssh_result_message(&r, "x"), "oops");
	ssh_result_free(&r);
	ssh_config_stop(&c, NULL, 0);
}

static void test_run_large_input_and_output(void **state)
{
	struct ssh_config c = { 0 };
	struct ssh_target t;
	struct ssh_result r;
	char why[64];
	size_t n = 3 << 20;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, 'k', n);
	assert_int_equal(ssh_config_command(&c, fake), 0);
	assert_int_equal(ssh_target_parse(&t, "host", why, sizeof(why)), 0);
	assert_int_equal(ssh_run(&c, &t, "cat", NULL, big, n, 20, &r), 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out.len, n);
	assert_memory_equal(r.out.data, big, n);
	ssh_result_free(&r);
	ssh_config_stop(&c, NULL, 0);
	free(big);
}

static void test_run_times_out(void **state)
{
	struct ssh_config c = { 0 };
	struct ssh_target t;
	struct ssh_result r;
	char why[64];
	time_t t0 = time(NULL);

	(void)state;
	assert_int_equal(ssh_config_command(&c, fake), 0);
	assert_int_equal(ssh_target_parse(&t, "host", why, sizeof(why)), 0);
	assert_int_equal(ssh_run(&c, &t, "exec sleep 30", NULL, NULL, 0, 1, &r), 0);
	assert_true(r.timed_out);
	assert_int_equal(r.status, -1);
	assert_true(time(NULL) - t0 < 10);
	ssh_result_free(&r);
	ssh_config_stop(&c, NULL, 0);
}

/* A command that closes its output and goes on must not outlive the timeout. */
static void test_timeout_holds_after_output_closed(void **state)
{
	struct ssh_config c = { 0 };
	struct ssh_target t;
	struct ssh_result r;
	char why[64];
	time_t t0 = time(NULL);

	(void)state;
	char closer[64];
	int fd;
	static const char body[] = "#!/bin/sh\nexec >&- 2>&- <&-\nexec sleep 30\n";

	snprintf(closer, sizeof(closer), "/tmp/wgm-closer.XXXXXX");
	assert_true((fd = mkstemp(closer)) >= 0);
	assert_int_equal(write(fd, body, sizeof(body) - 1), sizeof(body) - 1);
	assert_int_equal(fchmod(fd, 0700), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(ssh_config_command(&c, closer), 0);
	assert_int_equal(ssh_target_parse(&t, "host", why, sizeof(why)), 0);
	assert_int_equal(ssh_run(&c, &t, "true", NULL, NULL, 0, 1, &r), 0);
	unlink(closer);
	assert_true(r.timed_out);
	assert_true(time(NULL) - t0 < 10);
	ssh_result_free(&r);
	ssh_config_stop(&c, NULL, 0);
}

static void test_missing_program(void **state)
{
	struct ssh_config c = { 0 };
	struct ssh_target t;
	struct ssh_result r;
	char why[64];

	(void)state;
	assert_int_equal(ssh_config_command(&c, "/nonexistent/ssh -v"), 0);
	assert_int_equal(c.n_words, 2);
	assert_int_equal(ssh_target_parse(&t, "host", why, sizeof(why)), 0);
	assert_int_equal(ssh_run(&c, &t, "true", NULL, NULL, 0, 5, &r), -1);
	assert_non_null(strstr(r.err.data, "/nonexistent/ssh"));
	ssh_result_free(&r);
	ssh_config_stop(&c, NULL, 0);
}

static void test_control_dir_private_and_removed(void **state)
{
	struct ssh_config c = { 0 };
	struct stat st;
	char dir[64];

	(void)state;
	assert_int_equal(ssh_config_start(&c), 0);
	snprintf(dir, sizeof(dir), "%s", c.control_dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	ssh_config_stop(&c, NULL, 0);
	assert_int_equal(stat(dir, &st), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_refused_targets),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_run_passes_args_and_stdin),
		cmocka_unit_test(test_run_large_input_and_output),
		cmocka_unit_test(test_run_times_out),
		cmocka_unit_test(test_timeout_holds_after_output_closed),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_control_dir_private_and_removed),
	};

	return cmocka_run_group_tests(tests, make_fake, remove_fake);
}
