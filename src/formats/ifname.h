/* The interface name of a node's files in the formats that name the interface
 * (networkd, nm): the --interface name, else the node's own name. */
#ifndef WGM_FORMAT_IFNAME_H
#define WGM_FORMAT_IFNAME_H

#include "formats/format.h"

#include <stddef.h>

/* o->ifname, else node self's name when it is a valid interface name; else NULL
 * with a message in err naming the database line, the peer, the column and the
 * format (fmt). */
const char *format_ifname(const struct mesh *m, const struct format_opts *o, size_t self,
			  const char *fmt, char *err, size_t errlen);

#endif
