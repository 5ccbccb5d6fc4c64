#include "lib/keys.h"

#include <sodium.h>
#include <string.h>

int keys_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void key_generate_private(uint8_t key[KEY_LEN])
{
	randombytes_buf(key, KEY_LEN);
	/* Clamp as RFC 7748 and `wg genkey` do. */
	key[0] &= 248;
	key[31] = (uint8_t)((key[31] & 127) | 64);
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
