/* Routing plan of the mesh: which pairs can connect directly, and the relay that
 * carries the traffic of those that cannot (two nodes behind NAT, neither with
 * an Endpoint). Part of the model: mesh_build runs it. */
#ifndef WGM_PLAN_H
#define WGM_PLAN_H

#include "mesh/model.h"

/* Chooses the relay (the first node marked Relay that has an Endpoint, in
 * database order), gives the nodes behind NAT their routes through it and their
 * keepalive. 0, or -1 when out of memory. */
int plan_build(struct mesh *m);

/* True when a and b can handshake: at least one of them has an Endpoint. */
bool plan_direct(const struct mesh *m, size_t a, size_t b);

#endif
