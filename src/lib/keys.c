#include "lib/keys.h"

#include <sodium.h>
#include <string.h>

int keys_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

static void clamp(uint8_t key[KEY_LEN])
{
	/* As RFC 7748 and `wg genkey` do. */
	key[0] &= 248;
	key[31] = (uint8_t)((key[31] & 127) | 64);
}

void key_generate_private(uint8_t key[KEY_LEN])
{
	/* The first base64 character is key[0] >> 2, '+' for 62: after clamping,
	 * key[0] == 248. Drawing again costs 1/64 of the key space (0.02 bits). */
	do {
		randombytes_buf(key, KEY_LEN);
		clamp(key);
	} while (key[0] == 248);
}

void key_generate_preshared(uint8_t key[KEY_LEN])
{
	randombytes_buf(key, KEY_LEN);
}

int key_public_from_private(uint8_t pub[KEY_LEN], const uint8_t priv[KEY_LEN])
{
	return crypto_scalarmult_curve25519_base(pub, priv) == 0 ? 0 : -1;
}

int key_from_base64(uint8_t key[KEY_LEN], const char *b64)
{
	size_t bin_len = 0;
	const char *end = NULL;

	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	/* libsodium 1.0.18 decodes bytes >= 0x80 as '/': check the alphabet first. */
	if (!b64 || strlen(b64) != KEY_B64_LEN || strspn(b64, alphabet) != KEY_B64_LEN - 1 ||
	    b64[KEY_B64_LEN - 1] != '=')
		return -1;
	/* libsodium refuses non-zero padding bits, so only the canonical text passes. */
	if (sodium_base642bin(key, KEY_LEN, b64, KEY_B64_LEN, NULL, &bin_len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    bin_len != KEY_LEN || end != b64 + KEY_B64_LEN) {
		sodium_memzero(key, KEY_LEN);
		return -1;
	}
	return 0;
}

void key_to_base64(key_b64 out, const uint8_t key[KEY_LEN])
{
	sodium_bin2base64(out, KEY_B64_LEN + 1, key, KEY_LEN, sodium_base64_VARIANT_ORIGINAL);
}

int key_public_b64(key_b64 out, const char *priv_b64)
{
	uint8_t priv[KEY_LEN], pub[KEY_LEN];
	int ret = -1;

	if (key_from_base64(priv, priv_b64) == 0 && key_public_from_private(pub, priv) == 0) {
		key_to_base64(out, pub);
		ret = 0;
	}
	sodium_memzero(priv, sizeof(priv));
	return ret;
}

void key_generate_private_b64(key_b64 out)
{
	uint8_t priv[KEY_LEN];

	key_generate_private(priv);
	key_to_base64(out, priv);
	sodium_memzero(priv, sizeof(priv));
}

/* X25519 gives the u-coordinate of a.B, where a is the clamped key and B has the
 * prime order L; P and -P have the same u. So two keys give one public key
 * exactly when a = b or a = -b (mod L). id is the smaller (as a little-endian
 * number) of a mod L and -a mod L: libsodium's scalar arithmetic, no curve
 * operation of our own. */
void key_identity(uint8_t id[KEY_LEN], const uint8_t priv[KEY_LEN])
{
	uint8_t wide[crypto_core_ed25519_NONREDUCEDSCALARBYTES] = { 0 };
	uint8_t neg[KEY_LEN];
	int i;

	memcpy(wide, priv, KEY_LEN);
	clamp(wide);
	crypto_core_ed25519_scalar_reduce(id, wide);
	crypto_core_ed25519_scalar_negate(neg, id);
	for (i = KEY_LEN - 1; i > 0 && neg[i] == id[i]; i--)
		;
	if (neg[i] < id[i])
		memcpy(id, neg, KEY_LEN);
	sodium_memzero(wide, sizeof(wide));
	sodium_memzero(neg, sizeof(neg));
}

bool key_is_weak(const uint8_t priv[KEY_LEN])
{
	static const uint8_t zero_key[KEY_LEN];
	uint8_t id[KEY_LEN], zero_id[KEY_LEN];
	bool weak;

	key_identity(id, priv);
	key_identity(zero_id, zero_key);
	/* A zero id (a multiple of L) cannot come from a clamped key; checked all the
	 * same, as its public key would be the neutral point. */
	weak = sodium_is_zero(id, KEY_LEN) || !sodium_memcmp(id, zero_id, KEY_LEN);
	sodium_memzero(id, sizeof(id));
	return weak;
}

void key_wipe(void *p, unsigned long len)
{
	sodium_memzero(p, len);
}

void key_wipe_str(char *s)
{
	if (s)
		sodium_memzero(s, strlen(s));
}

int key_hash(uint8_t *out, size_t out_len, const void *in, size_t in_len)
{
	if (out_len < crypto_generichash_BYTES_MIN || out_len > crypto_generichash_BYTES_MAX)
		return -1;
	return crypto_generichash(out, out_len, in, in_len, NULL, 0) == 0 ? 0 : -1;
}
