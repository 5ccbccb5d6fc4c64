/* key_from_base64 / key_to_base64 on arbitrary text. Properties: any text that is
 * accepted is re-encoded identically (only the canonical form passes); any 32
 * bytes encode to 44 characters that decode back to them; a public key is
 * derived from exactly the texts that are accepted; two keys have the same
 * key_identity exactly when they have the same public key. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strdup(data, size);
	uint8_t key[KEY_LEN], again[KEY_LEN];
	key_b64 b64, pub;
	int ok = key_from_base64(key, text) == 0;

	if (ok) {
		key_to_base64(b64, key);
		FUZZ_ASSERT(!strcmp(b64, text));
	}
	FUZZ_ASSERT((key_public_b64(pub, text) == 0) == ok);
	if (ok) {
		FUZZ_ASSERT(strlen(pub) == KEY_B64_LEN);
		FUZZ_ASSERT(key_from_base64(again, pub) == 0);
	}

	/* The raw bytes as a key. */
	if (size >= KEY_LEN) {
		memcpy(key, data, KEY_LEN);
		key_to_base64(b64, key);
		FUZZ_ASSERT(strlen(b64) == KEY_B64_LEN && b64[KEY_B64_LEN - 1] == '=');
		FUZZ_ASSERT(key_from_base64(again, b64) == 0);
		FUZZ_ASSERT(!memcmp(key, again, KEY_LEN));
	}
	/* The first 32 bytes and the next 32 (or their clamp variant) as two keys. */
	if (size >= 2 * KEY_LEN) {
		uint8_t a[KEY_LEN], b[KEY_LEN], pa[KEY_LEN], pb[KEY_LEN], ia[KEY_LEN], ib[KEY_LEN];
		memcpy(a, data, KEY_LEN);
		memcpy(b, data + KEY_LEN, KEY_LEN);
		if (data[size - 1] & 1) {
			memcpy(b, a, KEY_LEN);
			b[0] ^= data[size - 1] & 7;
			b[31] ^= data[size - 1] & 0x80;
		}
		key_identity(ia, a);
		key_identity(ib, b);
		FUZZ_ASSERT(key_public_from_private(pa, a) == 0);
		FUZZ_ASSERT(key_public_from_private(pb, b) == 0);
		FUZZ_ASSERT(!memcmp(ia, ib, KEY_LEN) == !memcmp(pa, pb, KEY_LEN));
	}
	key_wipe_str(text);
	FUZZ_ASSERT(text[0] == '\0');
	free(text);
	return 0;
}
