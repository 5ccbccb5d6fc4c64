/* `wg show IF dump`: the running state of one interface, as wg(8) prints it:
 * a line "private-key public-key listen-port fwmark", then one line per peer
 * "public-key preshared-key endpoint allowed-ips latest-handshake transfer-rx
 * transfer-tx persistent-keepalive", fields separated by tabs. The keys it
 * prints in clear are not kept: only whether there is one. */
#ifndef WGM_WGDUMP_H
#define WGM_WGDUMP_H

#include "lib/ipnet.h"
#include "lib/keys.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wgdump_peer {
	key_b64 public_key;
	bool has_psk;
	char endpoint[64];	/* "ip:port", "[v6]:port", or "" for (none) */
	struct ipnet *allowed;	/* as wg prints them (masked) */
	size_t n_allowed;
	int64_t handshake;	/* Unix seconds; 0: never */
	uint64_t rx, tx;	/* bytes */
	unsigned keepalive;	/* seconds; 0: off */
};

struct wgdump {
	bool has_private_key;
	key_b64 public_key;	/* "" for (none) */
	unsigned listen_port;
	uint32_t fwmark;	/* 0: off */
	struct wgdump_peer *peers;
	size_t count;
};

/* Parses the dump text (len bytes, need not be NUL-terminated). A last line
 * without its newline is accepted. 0, or -1 with what is wrong and on which
 * line in err (errlen bytes). d is always safe to pass to wgdump_free. */
int wgdump_parse(struct wgdump *d, const char *text, size_t len, char *err, size_t errlen);

/* The peer with this public key, or NULL. */
const struct wgdump_peer *wgdump_find(const struct wgdump *d, const char *public_key);

void wgdump_free(struct wgdump *d);

#endif
