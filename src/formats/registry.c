#include "formats/format.h"

#include "formats/json.h"
#include "formats/networkd.h"
#include "formats/nm.h"
#include "formats/qr.h"
#include "formats/mikrotik.h"
#include "formats/uci.h"
#include "formats/wgquick.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>

const struct format *const formats[] = {
	&format_wgquick,
	&format_networkd,
	&format_nm,
	&format_uci,
	&format_mikrotik,
	&format_json,
	&format_qr,
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

size_t format_report_unsupported(const struct format *f, const struct mesh *m, size_t from,
				 size_t to, bool strict)
{
	size_t count = 0;

	if (!f->cannot)
		return 0;
	for (size_t i = from; i < to; i++) {
		const struct mesh_node *n = &m->nodes[i];
		for (int id = 0; id < ATTR_COUNT; id++) {
			const char *why = *n->row->val[id] ? f->cannot(n, (enum attr_id)id) : NULL;
			char q[QUOTED_LEN], line[32] = "";
			if (!why)
				continue;
			if (n->row->line)
				snprintf(line, sizeof(line), ":%zu", n->row->line);
			fprintf(stderr, "%s: %s: %s%s: peer %s: column %s: the %s format cannot carry "
				"it (%s)%s\n", prog_name, strict ? "error" : "warning", m->db->path,
				line, printable(n->name, q, sizeof(q)), attrs[id].column, f->name, why,
				strict ? "" : "; left out of its files");
			count++;
		}
	}
	return count;
}

int format_parse_list(const char *list, const struct format **out, size_t cap)
{
	const char *cursor = list, *p;
	size_t len, n = 0;

	while (list_next(&cursor, &p, &len)) {
		const struct format *f = NULL;
		for (size_t i = 0; formats[i] && !f; i++)
			if (strlen(formats[i]->name) == len && !memcmp(formats[i]->name, p, len))
				f = formats[i];
		if (!f) {
			char name[64], q[QUOTED_LEN], known[256] = "";
			snprintf(name, sizeof(name), "%.*s", (int)len, p);
			for (size_t i = 0; formats[i]; i++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
					 i ? ", " : "", formats[i]->name);
			err_msg("--format: %s is not a format (%s)", quoted(name, q, sizeof(q)), known);
			return -1;
		}
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			seen |= out[i] == f;
		if (!seen && n + 1 < cap)
			out[n++] = f;
	}
	out[n] = NULL;
	return 0;
}
