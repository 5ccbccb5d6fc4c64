/* OpenWrt: NAME.uci, a script for `uci batch` that configures the node's
 * WireGuard interface and its peers in /etc/config/network, for netifd's
 * wireguard protocol (package wireguard-tools). */
#ifndef WGM_UCI_H
#define WGM_UCI_H

#include "formats/format.h"
#include "lib/buf.h"

#include <stdbool.h>

extern const struct format format_uci;

/* True for a UCI section or option name: letters, digits and '_' (uci's
 * uci_validate_name). */
bool uci_is_name(const char *s);

/* True when UCI can store value: no CR, LF or other control character but tab
 * (uci's uci_validate_text). */
bool uci_value_ok(const char *value);

/* Appends value as one single-quoted argument of `uci batch`: inside single
 * quotes nothing is special, and a quote is written '\'' (close, escaped quote,
 * open), as uci itself writes values. -1 when out of memory or when value is
 * not uci_value_ok (then nothing is appended). */
int uci_put_quoted(struct buf *out, const char *value);

#endif
