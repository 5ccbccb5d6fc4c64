/* attrs.c: the table of the 16 peer attributes and their validators. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/attrs.h"
#include "lib/keys.h"
#include "unit.h"

static int setup(void **state)
{
	(void)state;
	return keys_init();
}

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static void accepts(enum attr_id id, const char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *rule = attr_check(id, values[i]);
		if (rule)
			fail_msg("%s refused \"%s\": is not %s", attrs[id].column, values[i], rule);
	}
}

static void refuses(enum attr_id id, const char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!attr_check(id, values[i]))
			fail_msg("%s accepted \"%s\"", attrs[id].column, values[i]);
}

#define ACCEPTS(id, ...)                                                                   \
	do {                                                                               \
		const char *const v_[] = { __VA_ARGS__ };                                  \
		accepts(id, v_, LEN(v_));                                                  \
	} while (0)
#define REFUSES(id, ...)                                                                   \
	do {                                                                               \
		const char *const v_[] = { __VA_ARGS__ };                                  \
		refuses(id, v_, LEN(v_));                                                  \
	} while (0)

static void test_table_has_the_16_columns_of_2_5_1_in_order(void **state)
{
	const char *const want[] = {
		"Name", "Address", "Endpoint", "AllowedIPs", "ListenPort", "PersistentKeepalive",
		"FwMark", "PrivateKey", "DNS", "MTU", "Table", "PreUp", "PostUp", "PreDown",
		"PostDown", "SaveConfig",
	};

	(void)state;
	assert_int_equal(ATTR_COUNT, LEN(want));
	for (size_t i = 0; i < LEN(want); i++) {
		assert_string_equal(attrs[i].column, want[i]);
		assert_non_null(attrs[i].check);
	}
	assert_true(attrs[ATTR_NAME].required);
	assert_true(attrs[ATTR_ADDRESS].required);
	assert_true(attrs[ATTR_PRIVATEKEY].required);
	assert_false(attrs[ATTR_ENDPOINT].required);
}

static void test_empty_value_is_valid_for_every_column(void **state)
{
	(void)state;
	for (int i = 0; i < ATTR_COUNT; i++) {
		assert_null(attr_check((enum attr_id)i, ""));
		assert_null(attr_check((enum attr_id)i, NULL));
	}
}

static void test_name(void **state)
{
	char long_name[202];

	(void)state;
	ACCEPTS(ATTR_NAME, "tokyo1", "東京", "café-2", ".hidden", "a..b", "with space");
	REFUSES(ATTR_NAME, "a/b", "/", ".", "..", "a\nb", "a\rb", "tab\there", "\x7f");
	memset(long_name, 'x', 200);
	long_name[200] = '\0';
	ACCEPTS(ATTR_NAME, long_name);
	long_name[200] = 'x';
	long_name[201] = '\0';
	REFUSES(ATTR_NAME, long_name);
}

static void test_address_and_allowedips(void **state)
{
	(void)state;
	ACCEPTS(ATTR_ADDRESS, "10.0.0.1/24", "10.0.0.1/24, fd00::1/64", "10.0.0.1");
	REFUSES(ATTR_ADDRESS, "10.0.0.1/33", "10.0.0.1/24,", "host.example", "10.0.0.1;10.0.0.2");
	ACCEPTS(ATTR_ALLOWEDIPS, "192.168.1.0/24", "0.0.0.0/0, ::/0");
	REFUSES(ATTR_ALLOWEDIPS, "192.168.1.0/24,,10.0.0.0/8", "any");
}

static void test_listen_port_edges(void **state)
{
	(void)state;
	ACCEPTS(ATTR_LISTENPORT, "1", "51820", "65535");
	REFUSES(ATTR_LISTENPORT, "0", "65536", "-1", "+1", " 1", "1 ", "1.0", "abc", "0x10",
		"99999999999", "4294967297");
}

static void test_persistent_keepalive_edges(void **state)
{
	(void)state;
	ACCEPTS(ATTR_KEEPALIVE, "0", "25", "65535");
	REFUSES(ATTR_KEEPALIVE, "-1", "65536", "25s", "0x10");
}

static void test_mtu_edges(void **state)
{
	(void)state;
	ACCEPTS(ATTR_MTU, "576", "1420", "65535");
	REFUSES(ATTR_MTU, "575", "65536", "0", "abc", "1420.5");
}

/* Fails against src/attrs.c as of this writing: check_int and is_u32 read
 * "01420" as decimal 1420, but wg-quick hands MTU and Table to ip(8), which reads
 * a leading 0 as octal: `ip link set mtu 01420` sets 784, `table 010` is table 8. */
static void test_mtu_and_table_with_a_leading_zero_are_refused(void **state)
{
	(void)state;
	REFUSES(ATTR_MTU, "01420", "0576");
	REFUSES(ATTR_TABLE, "010", "0100");
	ACCEPTS(ATTR_TABLE, "0", "0x10");
}

static void test_fwmark(void **state)
{
	(void)state;
	ACCEPTS(ATTR_FWMARK, "off", "0", "51820", "0x1f", "0XFF", "4294967295", "0xffffffff");
	REFUSES(ATTR_FWMARK, "4294967296", "0x100000000", "on", "-1", "0x", "12abc", "0xg1",
		" 1");
}

static void test_table(void **state)
{
	(void)state;
	ACCEPTS(ATTR_TABLE, "off", "auto", "1234", "0x10", "main", "vpn_table-1.x");
	REFUSES(ATTR_TABLE, "my table", "-x", "a;b", "a/b", "t\n");
}

static void test_dns(void **state)
{
	(void)state;
	ACCEPTS(ATTR_DNS, "1.1.1.1", "1.1.1.1, 2606:4700:4700::1111", "10.0.0.53,example.com",
		"10.0.0.53, corp.internal, lab.example.org");
	REFUSES(ATTR_DNS, "1.1.1.1,,8.8.8.8", "1.1.1.1,", "bad domain!", "1.1.1.1; rm -rf /",
		"-leading.dash", ".dot", "10.0.0.53/24");
}

static void test_endpoint(void **state)
{
	(void)state;
	ACCEPTS(ATTR_ENDPOINT, "vpn.example.com", "vpn.example.com:51820", "203.0.113.1:51820",
		"203.0.113.1", "fd00::1", "2001:db8::1", "[fd00::1]:51820", "[fd00::1]",
		"host:1", "host:65535");
	REFUSES(ATTR_ENDPOINT, "[fd00::1", "[fd00::1]51820", "[fd00::1]:", "host:0", "host:65536",
		"host:", "ho st", "host :1", " host", "host ", "host:+1", "host:-1", "-host",
		"[203.0.113.1]:1", "host:1:2", "fd00::1::2");
}

static void test_private_key(void **state)
{
	(void)state;
	ACCEPTS(ATTR_PRIVATEKEY, "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM=");
	REFUSES(ATTR_PRIVATEKEY, "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM",
		"yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUN=",
		" yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM=", "not a key");
}

static void test_save_config_true_or_false_in_any_case(void **state)
{
	(void)state;
	ACCEPTS(ATTR_SAVECONFIG, "true", "TRUE", "True", "false", "FALSE", "fAlSe", "yes", "no",
		"1", "0");
	REFUSES(ATTR_SAVECONFIG, "maybe", "2", "truee", "t", "on", " true");
	assert_true(attr_bool_value("TRUE"));
	assert_true(attr_bool_value("Yes"));
	assert_true(attr_bool_value("1"));
	assert_false(attr_bool_value("false"));
	assert_false(attr_bool_value("no"));
	assert_false(attr_bool_value("0"));
	assert_false(attr_bool_value(""));
}

static void test_commands_are_one_line(void **state)
{
	(void)state;
	for (int id = ATTR_PREUP; id <= ATTR_POSTDOWN; id++) {
		ACCEPTS((enum attr_id)id, "iptables -A FORWARD -i %i -j ACCEPT; echo \"up\"");
		REFUSES((enum attr_id)id, "echo one\necho two", "echo one\r", "a\tb", "\x1b[31m");
	}
}

static void test_by_column_exact_then_any_case(void **state)
{
	(void)state;
	assert_int_equal(attr_by_column("Name"), ATTR_NAME);
	assert_int_equal(attr_by_column("AllowedIPs"), ATTR_ALLOWEDIPS);
	assert_int_equal(attr_by_column("allowedips"), ATTR_ALLOWEDIPS);
	assert_int_equal(attr_by_column("PERSISTENTKEEPALIVE"), ATTR_KEEPALIVE);
	assert_int_equal(attr_by_column("saveConfig"), ATTR_SAVECONFIG);
	assert_int_equal(attr_by_column("Notes"), -1);
	assert_int_equal(attr_by_column(""), -1);
	assert_int_equal(attr_by_column(" Name"), -1);
	assert_int_equal(attr_by_column("Names"), -1);
}

static void test_is_ifname(void **state)
{
	(void)state;
	assert_true(attr_is_ifname("wg0"));
	assert_true(attr_is_ifname("tokyo1"));
	assert_true(attr_is_ifname("a=b+c.d-e_f"));
	assert_true(attr_is_ifname("fifteen-chars-x"));
	assert_false(attr_is_ifname("sixteen-chars-xy"));
	assert_false(attr_is_ifname(""));
	assert_false(attr_is_ifname("wg 0"));
	assert_false(attr_is_ifname("a/b"));
	assert_false(attr_is_ifname("東京"));
}

static void test_has_control(void **state)
{
	(void)state;
	assert_false(attr_has_control("plain text, UTF-8 é"));
	assert_true(attr_has_control("a\nb"));
	assert_true(attr_has_control("\x01"));
	assert_true(attr_has_control("del\x7f"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_has_the_16_columns_of_2_5_1_in_order),
		cmocka_unit_test(test_empty_value_is_valid_for_every_column),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_address_and_allowedips),
		cmocka_unit_test(test_listen_port_edges),
		cmocka_unit_test(test_persistent_keepalive_edges),
		cmocka_unit_test(test_mtu_edges),
		cmocka_unit_test(test_mtu_and_table_with_a_leading_zero_are_refused),
		cmocka_unit_test(test_fwmark),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_private_key),
		cmocka_unit_test(test_save_config_true_or_false_in_any_case),
		cmocka_unit_test(test_commands_are_one_line),
		cmocka_unit_test(test_by_column_exact_then_any_case),
		cmocka_unit_test(test_is_ifname),
		cmocka_unit_test(test_has_control),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
