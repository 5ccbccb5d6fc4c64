#include "formats/ifname.h"

#include "lib/util.h"
#include "store/attrs.h"

#include <stdio.h>

const char *format_ifname(const struct mesh *m, const struct format_opts *o, size_t self,
			  const char *fmt, char *err, size_t errlen)
{
	const struct mesh_node *n = &m->nodes[self];
	char q[QUOTED_LEN], line[32] = "";

	if (o->ifname)
		return o->ifname;
	if (attr_is_ifname(n->name))
		return n->name;
	if (n->row->line)
		snprintf(line, sizeof(line), ":%zu", n->row->line);
	snprintf(err, errlen, "%s%s: peer %s: column Name: the %s format names the interface "
		 "after the peer, and this name is not a valid interface name "
		 "([a-zA-Z0-9_=+.-]{1,15}): give one with --interface", m->db->path, line,
		 printable(n->name, q, sizeof(q)), fmt);
	return NULL;
}
