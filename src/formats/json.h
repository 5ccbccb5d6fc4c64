/* mesh.json: the whole model of the mesh for scripts and other tools, as
 * doc/mesh.schema.json describes it. Keys only with --secrets. */
#ifndef WGM_JSON_FORMAT_H
#define WGM_JSON_FORMAT_H

#include "formats/format.h"

extern const struct format format_json;

/* The version of the document's shape (its "version" field): raised when a
 * field changes meaning or goes away, not when one is added. */
#define MESH_JSON_VERSION 1

/* "[\"a\", \"b\"]": the networks as a JSON array of strings. 0 or -1. */
int json_put_nets(struct buf *out, const struct ipnet *v, size_t n);

/* The whole mesh.json text, appended to out: with the private and preshared
 * keys when secrets. 0, or -1 with a message in err. */
int json_render_mesh(const struct mesh *m, bool secrets, struct buf *out, char *err,
		     size_t errlen);

#endif
