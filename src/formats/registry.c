#include "formats/format.h"

#include "formats/wgquick.h"

#include <string.h>

const struct format *const formats[] = {
	&format_wgquick,
	NULL,
};

const struct format *format_by_name(const char *name)
{
	for (size_t i = 0; formats[i]; i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

struct out_file *format_node_file(struct out_files *out, const struct format_opts *o,
				  const struct mesh_node *n, const char *ext)
{
	if (o->ifname)
		return out_files_add(out, "%s/%s.%s", n->name, o->ifname, ext);
	return out_files_add(out, "%s.%s", n->name, ext);
}
