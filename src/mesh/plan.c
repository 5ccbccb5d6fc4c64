#include "mesh/plan.h"

#include "store/attrs.h"

#include <stdlib.h>
#include <string.h>

bool plan_direct(const struct mesh *m, size_t a, size_t b)
{
	return m->nodes[a].has_endpoint || m->nodes[b].has_endpoint;
}

static size_t count_behind_nat(const struct mesh *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->count; i++)
		n += !m->nodes[i].has_endpoint;
	return n;
}

/* What node self (behind NAT) routes to relay r: r's routes, then those of
 * every other node behind NAT, which it reaches through r. */
static int via_routes(struct mesh *m, size_t self, size_t r)
{
	struct mesh_node *n = &m->nodes[self];
	size_t total = m->nodes[r].n_routes, k = 0;

	for (size_t i = 0; i < m->count; i++)
		if (i != self && !m->nodes[i].has_endpoint)
			total += m->nodes[i].n_routes;
	n->via_routes = malloc((total ? total : 1) * sizeof(*n->via_routes));
	if (!n->via_routes)
		return -1;
	memcpy(n->via_routes, m->nodes[r].routes, m->nodes[r].n_routes * sizeof(struct ipnet));
	k = m->nodes[r].n_routes;
	for (size_t i = 0; i < m->count; i++) {
		const struct mesh_node *o = &m->nodes[i];
		if (i == self || o->has_endpoint)
			continue;
		memcpy(n->via_routes + k, o->routes, o->n_routes * sizeof(struct ipnet));
		k += o->n_routes;
	}
	n->n_via_routes = k;
	return 0;
}

int plan_build(struct mesh *m)
{
	size_t nat = count_behind_nat(m);

	m->relay = -1;
	for (size_t i = 0; i < m->count; i++) {
		struct mesh_node *n = &m->nodes[i];
		n->relay = attr_bool_value(peer_get(n->row, ATTR_RELAY)) && n->has_endpoint;
		if (n->relay && m->relay < 0)
			m->relay = (long)i;
		/* Its NAT forgets an idle mapping: without keepalives no one could
		 * reach it until it sends first. An explicit value wins. */
		if (!n->has_endpoint && n->keepalive < 0) {
			n->auto_keepalive = true;
			n->keepalive = PLAN_KEEPALIVE;
			m->auto_keepalives++;
		}
	}
	/* A relay is needed only where two nodes are behind NAT. */
	if (m->relay < 0 || nat < 2)
		return 0;
	m->nodes[m->relay].forwards = true;
	for (size_t i = 0; i < m->count; i++)
		if (!m->nodes[i].has_endpoint && via_routes(m, i, (size_t)m->relay) < 0)
			return -1;
	return 0;
}
