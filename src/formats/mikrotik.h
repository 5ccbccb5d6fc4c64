/* MikroTik: NAME.rsc, a RouterOS v7 script (`/import file-name=NAME.rsc`) that
 * configures the node's WireGuard interface, its peers, its addresses and the
 * routes to the peers' networks. */
#ifndef WGM_MIKROTIK_H
#define WGM_MIKROTIK_H

#include "formats/format.h"
#include "lib/buf.h"

extern const struct format format_mikrotik;

/* Appends s as a RouterOS string constant: in double quotes, with \" \\ \$ \?
 * (a bare $ would read a variable, a bare ? ask the console for help), and
 * every byte outside printable ASCII as \XX in capital hex digits (control
 * characters cannot break the line, and UTF-8 arrives byte for byte whatever
 * the terminal or the file transfer does). -1 when out of memory. */
int mikrotik_put_string(struct buf *out, const char *s);

#endif
