#include "formats/json.h"

#include "lib/json.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>

int json_put_nets(struct buf *out, const struct ipnet *v, size_t n)
{
	if (buf_putc(out, '[') < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char text[IPNET_STRLEN];
		ipnet_format(&v[i], text);
		/* (No printf: at 1000 nodes this runs a million times.) */
		if ((i && buf_puts(out, ", ") < 0) || buf_putc(out, '"') < 0 ||
		    buf_puts(out, text) < 0 || buf_putc(out, '"') < 0)
			return -1;
	}
	return buf_putc(out, ']');
}

/* "KEY": N, or null when unset. */
static int put_number(struct buf *out, const char *key, long value, bool set)
{
	if (!set)
		return buf_printf(out, "\"%s\": null", key);
	return buf_printf(out, "\"%s\": %ld", key, value);
}

static int put_endpoint(struct buf *out, const struct mesh_node *n)
{
	int rc = 0;

	if (!n->has_endpoint)
		return buf_puts(out, "\"endpoint\": null");
	if (buf_puts(out, "\"endpoint\": {\"host\": ") < 0)
		return -1;
	if ((rc = json_string(out, n->endpoint.host)) < 0)
		return rc;
	return buf_printf(out, ", \"port\": %u}", n->endpoint.port);
}

static int put_table(struct buf *out, const struct mesh_node *n)
{
	switch (n->table) {
	case TABLE_UNSET:
		return buf_puts(out, "\"table\": null");
	case TABLE_ID:
		return buf_printf(out, "\"table\": %u", n->table_id);
	default:
		/* off, auto, or a name of rt_tables. */
		if (buf_puts(out, "\"table\": ") < 0)
			return -1;
		return json_string(out, n->table_text);
	}
}

static int put_dns(struct buf *out, const struct mesh_node *n)
{
	int rc = 0;

	for (int server = 1; server >= 0; server--) {
		bool first = true;
		if (buf_puts(out, server ? "\"dns\": {\"servers\": [" : "], \"search\": [") < 0)
			return -1;
		for (size_t i = 0; i < n->n_dns; i++) {
			if (n->dns[i].server != (server == 1))
				continue;
			if (!first && buf_puts(out, ", ") < 0)
				return -1;
			if ((rc = json_string(out, n->dns[i].text)) < 0)
				return rc;
			first = false;
		}
	}
	return buf_puts(out, "]}");
}

static int put_hooks(struct buf *out, const struct mesh_node *n)
{
	static const char *const key[HOOK_COUNT] = { "pre_up", "post_up", "pre_down",
						     "post_down" };
	int rc = 0;

	if (buf_puts(out, "\"hooks\": {") < 0)
		return -1;
	for (int h = 0; h < HOOK_COUNT; h++) {
		if (h && buf_puts(out, ", ") < 0)
			return -1;
		if ((rc = json_member_string(out, key[h], *n->hooks[h] ? n->hooks[h] : NULL)) < 0)
			return rc;
	}
	return buf_putc(out, '}');
}

static int put_link(struct buf *out, const struct mesh_link *l, bool secrets)
{
	int rc = 0;

	if (buf_puts(out, "{") < 0 || (rc = json_member_string(out, "peer", l->remote->name)) < 0)
		return rc < 0 ? rc : -1;
	if (buf_puts(out, ", \"allowed_ips\": ") < 0 ||
	    json_put_nets(out, l->routes, l->n_routes) < 0 || buf_puts(out, ", ") < 0 ||
	    put_number(out, "persistent_keepalive", l->keepalive, l->keepalive >= 0) < 0 ||
	    buf_puts(out, l->preshared_key ? ", \"has_preshared_key\": true"
					   : ", \"has_preshared_key\": false") < 0)
		return -1;
	if (secrets && l->preshared_key &&
	    buf_printf(out, ", \"preshared_key\": \"%s\"", l->preshared_key) < 0)
		return -1;
	return buf_putc(out, '}');
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

static int put_node(struct buf *out, const struct mesh *m, size_t self, bool secrets)
{
	const struct mesh_node *n = &m->nodes[self];
	bool first = true;
	int rc = 0;

	if (buf_puts(out, "    {\n      ") < 0 || (rc = json_member_string(out, "name", n->name)) < 0)
		return rc < 0 ? rc : -1;
	if (buf_puts(out, ",\n      ") < 0 ||
	    json_member_string(out, "public_key", n->has_key ? n->public_key : NULL) < 0)
		return -1;
	if (secrets && (buf_puts(out, ",\n      ") < 0 ||
			(rc = json_member_string(out, "private_key", n->private_key)) < 0))
		return rc < 0 ? rc : -1;
	if (buf_puts(out, ",\n      \"addresses\": ") < 0 ||
	    json_put_nets(out, n->addresses, n->n_addresses) < 0 ||
	    buf_puts(out, ",\n      \"allowed_ips\": ") < 0 ||
	    json_put_nets(out, n->allowed, n->n_allowed) < 0 ||
	    buf_puts(out, ",\n      \"routes\": ") < 0 ||
	    json_put_nets(out, n->routes, n->n_routes) < 0 || buf_puts(out, ",\n      ") < 0)
		return -1;
	if ((rc = put_endpoint(out, n)) < 0)
		return rc;
	if (buf_puts(out, ",\n      ") < 0 ||
	    put_number(out, "listen_port", n->listen_port, n->listen_port) < 0 ||
	    buf_puts(out, ",\n      ") < 0 ||
	    put_number(out, "persistent_keepalive", n->keepalive, n->keepalive >= 0) < 0 ||
	    buf_printf(out, ",\n      \"auto_keepalive\": %s,\n      ",
		       json_bool(n->auto_keepalive)) < 0 ||
	    put_number(out, "mtu", n->mtu, n->mtu) < 0 || buf_puts(out, ",\n      ") < 0 ||
	    put_number(out, "fwmark", n->fwmark, *n->fwmark_text) < 0 ||
	    buf_puts(out, ",\n      ") < 0)
		return -1;
	if ((rc = put_table(out, n)) < 0 || buf_puts(out, ",\n      ") < 0 ||
	    (rc = put_dns(out, n)) < 0 || buf_puts(out, ",\n      ") < 0 ||
	    (rc = put_hooks(out, n)) < 0)
		return rc < 0 ? rc : -1;
	if (buf_printf(out, ",\n      \"save_config\": %s,\n      \"relay\": %s,\n      "
			    "\"forwards\": %s,\n      \"links\": [",
		       n->save_config < 0 ? "null" : json_bool(n->save_config),
		       json_bool(n->relay), json_bool(n->forwards)) < 0)
		return -1;
	for (size_t r = 0; r < m->count; r++) {
		struct mesh_link l;
		if (!mesh_link(m, self, r, &l))
			continue;
		if (buf_puts(out, first ? "\n        " : ",\n        ") < 0 ||
		    (rc = put_link(out, &l, secrets)) < 0)
			return rc < 0 ? rc : -1;
		first = false;
	}
	return buf_puts(out, first ? "]\n    }" : "\n      ]\n    }");
}

/* The pairs whose traffic crosses the relay, each once. */
static int put_relayed(struct buf *out, const struct mesh *m)
{
	bool first = true;
	int rc = 0;

	if (buf_puts(out, "  \"relayed\": [") < 0)
		return -1;
	for (size_t a = 0; m->relay >= 0 && a < m->count; a++)
		for (size_t b = a + 1; b < m->count; b++) {
			long r = mesh_relay_of(m, a, b);
			if (r < 0)
				continue;
			if (buf_puts(out, first ? "\n    {\"peers\": [" : ",\n    {\"peers\": [") < 0 ||
			    (rc = json_string(out, m->nodes[a].name)) < 0 ||
			    buf_puts(out, ", ") < 0 || (rc = json_string(out, m->nodes[b].name)) < 0 ||
			    buf_puts(out, "], ") < 0 ||
			    (rc = json_member_string(out, "via", m->nodes[r].name)) < 0 ||
			    buf_putc(out, '}') < 0)
				return rc < 0 ? rc : -1;
			first = false;
		}
	return buf_puts(out, first ? "]\n" : "\n  ]\n");
}

int json_render_mesh(const struct mesh *m, bool secrets, struct buf *out, char *err,
		     size_t errlen)
{
	int rc = 0;

	if (buf_printf(out, "{\n  \"version\": %d,\n  ", MESH_JSON_VERSION) < 0 ||
	    json_member_string(out, "relay", m->relay >= 0 ? m->nodes[m->relay].name : NULL) < 0 ||
	    buf_puts(out, ",\n  \"nodes\": [") < 0)
		goto oom;
	for (size_t i = 0; i < m->count; i++) {
		if (buf_puts(out, i ? ",\n" : "\n") < 0)
			goto oom;
		if ((rc = put_node(out, m, i, secrets)) < 0) {
			char q[QUOTED_LEN];
			if (rc != JSON_EUTF8)
				goto oom;
			snprintf(err, errlen, "json: peer %s: a value is not valid UTF-8",
				 printable(m->nodes[i].name, q, sizeof(q)));
			return -1;
		}
	}
	if (buf_puts(out, m->count ? "\n  ],\n" : "],\n") < 0 || (rc = put_relayed(out, m)) < 0 ||
	    buf_puts(out, "}\n") < 0)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, rc == JSON_EUTF8 ? "json: a name is not valid UTF-8" : "out of memory");
	return -1;
}

static int json_render(const struct mesh *m, const void *state, const struct format_opts *o,
		       size_t self, struct out_files *out, char *err, size_t errlen)
{
	struct out_file *f = out_files_add(out, "mesh.json");

	(void)state;
	(void)self;
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Without keys it holds nothing secret: readable, like a public key. */
	f->mode = o->secrets ? 0600 : 0644;
	if (json_render_mesh(m, o->secrets, &f->data, err, errlen) < 0)
		return -1;
	f->secret_end = o->secrets ? f->data.len : 0;
	return 0;
}

const struct format format_json = {
	.name = "json",
	.help = "mesh.json, the whole mesh for scripts (keys with --secrets)",
	.whole_mesh = true,
	.render = json_render,
};
