/* An output format: a renderer over the mesh model. It names its files and their
 * modes and renders them to memory; the output writer puts them on disk. */
#ifndef WGM_FORMAT_H
#define WGM_FORMAT_H

#include "mesh/model.h"
#include "output/writer.h"
#include "store/attrs.h"

#include <stdbool.h>
#include <stddef.h>

struct format_opts {
	const char *ifname;	/* --interface: the interface name, files in NAME/;
				 * NULL: files named after the node */
	bool secrets;		/* json: also the private and preshared keys */
};

struct format {
	const char *name;	/* as --format takes it */
	const char *help;	/* one line for --help */
	bool whole_mesh;	/* one set of files for the mesh (render gets self 0) */
	/* The reason the format cannot carry attribute id as node n has it, or NULL
	 * when it can (or the value is empty). Values it cannot carry are left out
	 * of its files, with a warning naming the peer, the column and the format. */
	const char *(*cannot)(const struct mesh_node *n, enum attr_id id);
	/* Optional: state shared by every render call (read-only there). */
	int (*prepare)(const struct mesh *m, const struct format_opts *o, void **state);
	/* Appends the files of node self to out. Called from several threads at
	 * once. 0, or -1 with a message in err. */
	int (*render)(const struct mesh *m, const void *state, const struct format_opts *o,
		      size_t self, struct out_files *out, char *err, size_t errlen);
	void (*release)(void *state);
};

/* Every format, in the order --help lists them; NULL-terminated. */
extern const struct format *const formats[];

/* The format of this name, or NULL. */
const struct format *format_by_name(const char *name);

/* Says, for every value of the nodes [from, to) that f cannot carry, one line
 * naming the database line, the peer, the column and the format: a warning, or
 * an error when strict. Returns how many there were. */
size_t format_report_unsupported(const struct format *f, const struct mesh *m, size_t from,
				 size_t to, bool strict);

/* Parses a --format list ("wg-quick,nm"): fills out (cap entries, then a NULL)
 * with each named format once. 0, or -1 with a message naming the bad name. */
int format_parse_list(const char *list, const struct format **out, size_t cap);

/* The file name a per-node file gets: "NAME.EXT", or "NAME/IFNAME.EXT" with
 * --interface. Appends it to out as a new file; NULL when out of memory. */
struct out_file *format_node_file(struct out_files *out, const struct format_opts *o,
				  const struct mesh_node *n, const char *ext);

#endif
