/* Writes the configuration file of each peer of a mesh, on both cores. */
#ifndef WGM_CONFWRITER_H
#define WGM_CONFWRITER_H

#include "formats/format.h"
#include "mesh/model.h"

#include <stdbool.h>

struct confwriter_opts {
	const char *output;	/* folder, already created */
	const struct format *const *formats;	/* NULL-terminated */
	void *const *states;	/* what each format's prepare made */
	const struct format_opts *fo;
	long only;		/* index of the one peer to write, or -1 for all */
	bool durable;		/* flush the files before they replace the old ones */
};

/* Renders and writes the files: all are written to temporary files first, and
 * only when every one is written are they renamed into place, so an error
 * changes no file. Files whose content is already right are left untouched.
 * Returns the number of files replaced, or -1 (with a message). */
long confwriter_run(const struct mesh *m, const struct confwriter_opts *o);

#endif
