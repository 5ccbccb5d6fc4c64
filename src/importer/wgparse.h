/* A strict parser of wg-quick files: the grammar of wg(8)'s config.c and of
 * wg-quick's parse_options. Keys are case-insensitive; Address, DNS, AllowedIPs
 * and the four hooks may be repeated (their values add up); '#' starts a comment
 * except in a hook, whose value wg-quick keeps whole. What wg or wg-quick would
 * refuse is refused, and so is what they would silently take the last of (a
 * key given twice, two [Peer]s with one key). The "# Name: X" comment that
 * wg-meshconf writes in each section is kept. */
#ifndef WGM_WGPARSE_H
#define WGM_WGPARSE_H

#include "lib/endpoint.h"
#include "lib/ipnet.h"
#include "lib/keys.h"

#include <stdbool.h>
#include <stddef.h>

/* The [Interface] keys: the wg ones, then wg-quick's. */
enum wgp_ikey {
	WGP_PRIVATEKEY,
	WGP_LISTENPORT,
	WGP_FWMARK,
	WGP_ADDRESS,
	WGP_DNS,
	WGP_MTU,
	WGP_TABLE,
	WGP_PREUP,
	WGP_POSTUP,
	WGP_PREDOWN,
	WGP_POSTDOWN,
	WGP_SAVECONFIG,
	WGP_IKEY_COUNT
};

/* A value as the file gives it: lists joined by ",", repeated hooks kept one
 * per line (joined by "\n"). NULL when the key is absent. */
struct wgp_value {
	char *text;
	size_t line;		/* of its first line */
	size_t count;		/* lines that gave it (hooks and lists repeat) */
};

struct wgp_peer {
	size_t line;		/* of "[Peer]" */
	char *name;		/* of its "# Name:" comment, or NULL */
	size_t name_line;
	key_b64 public_key;
	key_b64 preshared_key;	/* "" when none */
	size_t psk_line;
	bool has_endpoint;
	struct endpoint endpoint;	/* its port always set */
	bool endpoint_bracketed;	/* "[v6]:port" (as we write), not "v6:port" (2.5.1) */
	size_t endpoint_line;
	struct ipnet *allowed;	/* in file order, host bits as written */
	size_t n_allowed;
	bool has_allowed;
	size_t allowed_line;
	int keepalive;		/* -1: absent; 0: off */
	size_t keepalive_line;
};

struct wgp_file {
	char *path;		/* as given, for messages */
	size_t iface_line;	/* of "[Interface]", 0 when none */
	char *name;		/* of the [Interface]'s "# Name:" comment, or NULL */
	size_t name_line;
	struct wgp_value v[WGP_IKEY_COUNT];
	struct wgp_peer *peers;
	size_t n_peers;
};

/* The key as wg-quick files spell it: "PrivateKey", "ListenPort", ... */
const char *wgp_ikey_name(enum wgp_ikey k);

/* Parses text (len bytes, may hold NULs, which are refused) into f; path names
 * the file in messages. On error returns -1 and writes into err (errlen bytes)
 * one line "PATH:LINE: KEY: what is wrong". Free f with wgp_free even then. */
int wgp_parse(struct wgp_file *f, const char *path, const char *text, size_t len, char *err,
	      size_t errlen);

/* Reads (a regular file of at most 1 MiB, lib/regfile.c) and parses the file
 * at path. 0 or -1 as wgp_parse; err also says why a file cannot be read. */
int wgp_load(struct wgp_file *f, const char *path, char *err, size_t errlen);

/* Frees f and wipes its keys. Accepts a zeroed f. */
void wgp_free(struct wgp_file *f);

#endif
