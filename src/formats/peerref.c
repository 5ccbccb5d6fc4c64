#include "formats/peerref.h"

#include "lib/util.h"

#include <stdio.h>

const char *peer_ref(const struct mesh *m, const struct mesh_node *n, char *out, size_t len)
{
	char q[QUOTED_LEN], line[32] = "";

	if (n->row->line)
		snprintf(line, sizeof(line), ":%zu", n->row->line);
	snprintf(out, len, "%s%s: peer %s", m->db->path, line, printable(n->name, q, sizeof(q)));
	return out;
}
