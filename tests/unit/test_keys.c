/* keys.c: Curve25519 keys and their 44-character base64 text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>

#include "lib/keys.h"
#include "unit.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The seed4 private keys and the public keys in the 2.5.1 .conf files. */
static const char *const seed4[][3] = {
	{ "tokyo1", "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM=",
	  "i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=" },
	{ "germany1", "SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko=",
	  "m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=" },
	{ "canada1", "2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko=",
	  "00kLZtr/LbHD8soiERedA9ln4ujfAwxPc+be7pmZ4mw=" },
	{ "shanghai1", "CGyR7goj/uGH3TQHgVknpb9ZBR+/yMfkve+kVNGBYlg=",
	  "AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=" },
};

static int setup(void **state)
{
	(void)state;
	return keys_init();
}

static void hex_to_key(uint8_t key[KEY_LEN], const char *hex)
{
	assert_int_equal(strlen(hex), 2 * KEY_LEN);
	for (size_t i = 0; i < KEY_LEN; i++) {
		unsigned byte;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
		key[i] = (uint8_t)byte;
	}
}

static void assert_public_of(const char *priv_hex, const char *pub_hex)
{
	uint8_t priv[KEY_LEN], pub[KEY_LEN], want[KEY_LEN];

	hex_to_key(priv, priv_hex);
	hex_to_key(want, pub_hex);
	assert_int_equal(key_public_from_private(pub, priv), 0);
	assert_memory_equal(pub, want, KEY_LEN);
}

/* RFC 7748, section 6.1. */
static void test_rfc7748_alice_and_bob(void **state)
{
	(void)state;
	assert_public_of("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
			 "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	assert_public_of("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
			 "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
}

static void test_seed4_private_keys_give_the_public_keys_of_2_5_1(void **state)
{
	key_b64 pub;

	(void)state;
	for (size_t i = 0; i < sizeof(seed4) / sizeof(seed4[0]); i++) {
		assert_int_equal(key_public_b64(pub, seed4[i][1]), 0);
		assert_string_equal(pub, seed4[i][2]);
	}
}

static void test_from_base64_accepts_canonical_keys(void **state)
{
	uint8_t key[KEY_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(seed4) / sizeof(seed4[0]); i++) {
		assert_int_equal(key_from_base64(key, seed4[i][1]), 0);
		assert_int_equal(key_from_base64(key, seed4[i][2]), 0);
	}
	/* The all-zero key, and the last character that has zero padding bits. */
	assert_int_equal(key_from_base64(key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), 0);
	assert_int_equal(key_from_base64(key, "//////////////////////////////////////////8="), 0);
}

static void assert_refused(const char *b64)
{
	uint8_t key[KEY_LEN];

	if (key_from_base64(key, b64) != -1)
		fail_msg("accepted: \"%s\"", b64 ? b64 : "(null)");
}

static void test_from_base64_refuses_wrong_lengths_and_padding(void **state)
{
	const char *good = seed4[0][1];
	char text[64];

	(void)state;
	assert_refused(NULL);
	assert_refused("");
	snprintf(text, sizeof(text), "%.43s", good);	/* 43: no '=' */
	assert_refused(text);
	snprintf(text, sizeof(text), "%s=", good);	/* 45 */
	assert_refused(text);
	snprintf(text, sizeof(text), "A%s", good);	/* 45 */
	assert_refused(text);
	snprintf(text, sizeof(text), "%.43sA", good);	/* 44 without '=' */
	assert_refused(text);
	snprintf(text, sizeof(text), "%.42s==", good);	/* 44 with "==" */
	assert_refused(text);
}

static void test_from_base64_refuses_nonzero_padding_bits(void **state)
{
	char text[KEY_B64_LEN + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(seed4) / sizeof(seed4[0]); i++) {
		for (unsigned bit = 1; bit <= 2; bit++) {
			strcpy(text, seed4[i][1]);
			/* The character before '=' carries 4 key bits, then 2 bits
			 * that must be zero. */
			size_t v = (size_t)(strchr(b64_alphabet, text[42]) - b64_alphabet);
			assert_int_equal(v & 3, 0);
			text[42] = b64_alphabet[v | bit];
			assert_refused(text);
		}
	}
}

static void test_from_base64_refuses_invalid_characters(void **state)
{
	const char *bad[] = { "-", "_", " ", "!", "\n", "\x7f" };
	char text[KEY_B64_LEN + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (size_t pos = 0; pos < 42; pos += 41) {
			strcpy(text, seed4[1][1]);
			text[pos] = bad[i][0];
			assert_refused(text);
		}
	}
	strcpy(text, seed4[1][1]);
	text[20] = '=';
	assert_refused(text);
}

/* Fails against src/keys.c as of this writing: libsodium 1.0.18's
 * sodium_base642bin decodes every byte from 0x80 to 0xff as '/', and
 * key_from_base64 checks nothing else, so "\xc3EOa...=" passes as a key (the
 * same key as "/EOa...=") and would be copied into the configurations. */
static void test_from_base64_refuses_non_ascii_bytes(void **state)
{
	char text[KEY_B64_LEN + 1];

	(void)state;
	for (unsigned c = 0x80; c <= 0xff; c++) {
		strcpy(text, seed4[1][1]);
		text[0] = (char)c;
		assert_refused(text);
	}
}

static void test_public_b64_refuses_a_bad_private_key(void **state)
{
	key_b64 pub;

	(void)state;
	assert_int_equal(key_public_b64(pub, "not a key"), -1);
	assert_int_equal(key_public_b64(pub, "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUN="), -1);
}

static void test_generated_private_keys_are_clamped_and_random(void **state)
{
	uint8_t key[KEY_LEN], first[KEY_LEN];
	unsigned seen_bit3 = 0, seen_bit6_low = 0;

	(void)state;
	key_generate_private(first);
	for (int i = 0; i < 2000; i++) {
		key_generate_private(key);
		assert_int_equal(key[0] & 7, 0);
		assert_int_equal(key[31] & 0xc0, 0x40);
		seen_bit3 |= key[0] & 8;
		seen_bit6_low |= key[31] & 0x3f;
		assert_memory_not_equal(key, first, KEY_LEN);
	}
	/* The bits clamping leaves alone do vary. */
	assert_int_equal(seen_bit3, 8);
	assert_int_equal(seen_bit6_low, 0x3f);
}

static void test_generated_private_key_text_decodes_to_a_clamped_key(void **state)
{
	key_b64 a, b;
	uint8_t key[KEY_LEN];

	(void)state;
	key_generate_private_b64(a);
	key_generate_private_b64(b);
	assert_int_equal(strlen(a), KEY_B64_LEN);
	assert_string_not_equal(a, b);
	assert_int_equal(key_from_base64(key, a), 0);
	assert_int_equal(key[0] & 7, 0);
	assert_int_equal(key[31] & 0xc0, 0x40);
}

static void test_preshared_keys_are_not_clamped(void **state)
{
	uint8_t key[KEY_LEN], prev[KEY_LEN] = { 0 };
	unsigned low_bits = 0, high_bit = 0;

	(void)state;
	for (int i = 0; i < 200; i++) {
		key_generate_preshared(key);
		assert_memory_not_equal(key, prev, KEY_LEN);
		memcpy(prev, key, KEY_LEN);
		low_bits |= key[0] & 7;
		high_bit |= key[31] & 0x80;
	}
	assert_int_equal(low_bits, 7);
	assert_int_equal(high_bit, 0x80);
}

static void test_to_base64_round_trips(void **state)
{
	uint8_t key[KEY_LEN], back[KEY_LEN];
	key_b64 text;

	(void)state;
	for (int i = 0; i < 200; i++) {
		key_generate_preshared(key);
		key_to_base64(text, key);
		assert_int_equal(strlen(text), KEY_B64_LEN);
		assert_int_equal(text[KEY_B64_LEN - 1], '=');
		assert_int_equal(key_from_base64(back, text), 0);
		assert_memory_equal(back, key, KEY_LEN);
	}
	hex_to_key(key, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	key_to_base64(text, key);
	assert_string_equal(text, "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=");
}

static void test_wipe_clears_text_and_bytes(void **state)
{
	char text[] = "secret";
	uint8_t key[4] = { 1, 2, 3, 4 }, zero[4] = { 0 };

	(void)state;
	key_wipe_str(text);
	assert_memory_equal(text, "\0\0\0\0\0\0", 7);
	key_wipe(key, sizeof(key));
	assert_memory_equal(key, zero, sizeof(key));
	key_wipe_str(NULL);
}

/* L, the order of the base point, little-endian. */
static const uint8_t order[KEY_LEN] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
	0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
};

/* out = 8L - a, for a clamped key a: another clamped key, with the same public key
 * when a is small enough (bytes 15 to 30 zero). */
static void eight_l_minus(uint8_t out[KEY_LEN], const uint8_t a[KEY_LEN])
{
	unsigned carry = 0;
	int borrow = 0;

	for (int i = 0; i < KEY_LEN; i++) {
		unsigned v = (unsigned)order[i] * 8 + carry;
		int d = (int)(v & 0xff) - a[i] - borrow;
		carry = v >> 8;
		borrow = d < 0;
		out[i] = (uint8_t)(d + (borrow ? 256 : 0));
	}
}

static void test_identity_is_equal_exactly_when_public_keys_are(void **state)
{
	uint8_t a[KEY_LEN] = { 0 }, b[KEY_LEN], c[KEY_LEN];
	uint8_t pa[KEY_LEN], pb[KEY_LEN], ia[KEY_LEN], ib[KEY_LEN];

	(void)state;
	randombytes_buf(a, 15);
	a[0] &= 248;
	a[31] = 64;
	/* The bits X25519 clamps. */
	memcpy(c, a, KEY_LEN);
	c[0] |= 5;
	c[31] |= 0x80;
	key_identity(ia, a);
	key_identity(ib, c);
	assert_memory_equal(ia, ib, KEY_LEN);
	/* A subtler twin: 8L - a is another clamped key, of the same public key. */
	eight_l_minus(b, a);
	assert_int_equal(b[0] & 7, 0);
	assert_int_equal(b[31] & 0xc0, 0x40);
	assert_memory_not_equal(a, b, KEY_LEN);
	assert_int_equal(key_public_from_private(pa, a), 0);
	assert_int_equal(key_public_from_private(pb, b), 0);
	assert_memory_equal(pa, pb, KEY_LEN);
	key_identity(ib, b);
	assert_memory_equal(ia, ib, KEY_LEN);
	/* Two other keys: other identities. */
	for (int i = 0; i < 64; i++) {
		key_generate_private(b);
		key_identity(ib, b);
		assert_memory_not_equal(ia, ib, KEY_LEN);
	}
}

static void test_weak_keys(void **state)
{
	uint8_t k[KEY_LEN] = { 0 }, twin[KEY_LEN];

	(void)state;
	assert_true(key_is_weak(k));
	k[0] = 7;
	k[31] = 0xc0;
	assert_true(key_is_weak(k));
	memset(k, 0, sizeof(k));
	k[31] = 64;
	eight_l_minus(twin, k);
	assert_true(key_is_weak(twin));
	for (size_t i = 0; i < sizeof(seed4) / sizeof(seed4[0]); i++) {
		assert_int_equal(key_from_base64(k, seed4[i][1]), 0);
		assert_false(key_is_weak(k));
	}
}

/* A key text starting with '+' is a formula to a spreadsheet: never made. */
static void test_generated_keys_never_start_with_plus(void **state)
{
	(void)state;
	for (int i = 0; i < 3000; i++) {
		key_b64 text;
		key_generate_private_b64(text);
		assert_true(text[0] != '+');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7748_alice_and_bob),
		cmocka_unit_test(test_seed4_private_keys_give_the_public_keys_of_2_5_1),
		cmocka_unit_test(test_from_base64_accepts_canonical_keys),
		cmocka_unit_test(test_from_base64_refuses_wrong_lengths_and_padding),
		cmocka_unit_test(test_from_base64_refuses_nonzero_padding_bits),
		cmocka_unit_test(test_from_base64_refuses_invalid_characters),
		cmocka_unit_test(test_from_base64_refuses_non_ascii_bytes),
		cmocka_unit_test(test_public_b64_refuses_a_bad_private_key),
		cmocka_unit_test(test_generated_private_keys_are_clamped_and_random),
		cmocka_unit_test(test_generated_private_key_text_decodes_to_a_clamped_key),
		cmocka_unit_test(test_preshared_keys_are_not_clamped),
		cmocka_unit_test(test_to_base64_round_trips),
		cmocka_unit_test(test_wipe_clears_text_and_bytes),
		cmocka_unit_test(test_identity_is_equal_exactly_when_public_keys_are),
		cmocka_unit_test(test_weak_keys),
		cmocka_unit_test(test_generated_keys_never_start_with_plus),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
