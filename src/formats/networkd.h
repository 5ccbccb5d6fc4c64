/* systemd-networkd: a NAME.netdev (the WireGuard device, its key and its peers,
 * systemd.netdev(5)) and a NAME.network (its addresses and DNS,
 * systemd.network(5)) per node. */
#ifndef WGM_NETWORKD_H
#define WGM_NETWORKD_H

#include "formats/format.h"

extern const struct format format_networkd;

#endif
