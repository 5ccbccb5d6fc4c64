/* WireGuard keys: the only module that calls libsodium's key functions. */
#ifndef WGM_KEYS_H
#define WGM_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEY_LEN 32
#define KEY_B64_LEN 44	/* without the terminating NUL */

typedef char key_b64[KEY_B64_LEN + 1];

/* Must be called once before any other function here; 0 or -1. */
int keys_init(void);

/* A clamped Curve25519 private key, as `wg genkey` makes, whose base64 text does
 * not start with '+' (a spreadsheet would read "+abc..." as a formula). */
void key_generate_private(uint8_t key[KEY_LEN]);
/* 32 random bytes, as `wg genpsk` makes. */
void key_generate_preshared(uint8_t key[KEY_LEN]);
/* X25519 base-point multiplication; 0 or -1. */
int key_public_from_private(uint8_t pub[KEY_LEN], const uint8_t priv[KEY_LEN]);

/* Accepts exactly 44 canonical base64 characters decoding to 32 bytes; 0 or -1. */
int key_from_base64(uint8_t key[KEY_LEN], const char *b64);
void key_to_base64(key_b64 out, const uint8_t key[KEY_LEN]);

/* Public key text from private key text; 0 or -1 when priv is not a key. */
int key_public_b64(key_b64 out, const char *priv_b64);
/* A new private key, as text. */
void key_generate_private_b64(key_b64 out);

/* Fills id with 32 bytes that are equal for two private keys exactly when their
 * public keys are equal (keys that differ only in the bits X25519 clamps, and
 * subtler pairs), without the cost of deriving the public keys. id is as secret
 * as the key: wipe it. */
void key_identity(uint8_t id[KEY_LEN], const uint8_t priv[KEY_LEN]);
/* True for a private key whose public key anyone can compute: that of the all-zero
 * key (whatever the clamped bits), or the neutral point. */
bool key_is_weak(const uint8_t priv[KEY_LEN]);

/* Wipes a key or its text; key_wipe_str wipes a NUL-terminated string. */
void key_wipe_str(char *s);
void key_wipe(void *p, unsigned long len);

/* BLAKE2b (libsodium's crypto_generichash) of in, out_len bytes (16 to 64): for
 * identifiers that must follow from a public value and stay the same from one
 * run to the next (NetworkManager's connection uuid). 0, or -1 on a bad length. */
int key_hash(uint8_t *out, size_t out_len, const void *in, size_t in_len);

#endif
