#include "formats/wgquick.h"

#include "lib/parallel.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Below this many nodes a second thread costs more than it saves. */
#define THREAD_MIN_NODES 64

/* Each node's [Peer] section as the others see it, rendered once: at 1000 nodes
 * every section is written 999 times. head is where a PresharedKey line goes. */
struct wgq_state {
	struct buf *block;
	size_t *head;
	size_t count;
	int failed;
};

static int put_nets(struct buf *out, const struct ipnet *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char text[IPNET_STRLEN];
		ipnet_format(&v[i], text);
		if ((i && buf_puts(out, ", ") < 0) || buf_puts(out, text) < 0)
			return -1;
	}
	return 0;
}

/* "[Peer]", the name and the public key; then, after *head, the endpoint and
 * the networks routed to the node. */
static int render_block(const struct mesh_node *r, const struct ipnet *routes, size_t n_routes,
			struct buf *out, size_t *head)
{
	if (buf_printf(out, "\n[Peer]\n# Name: %s\nPublicKey = %s\n", r->name, r->public_key) < 0)
		return -1;
	*head = out->len;
	if (r->has_endpoint) {
		char text[300];
		endpoint_format(&r->endpoint, 0, text, sizeof(text));
		if (buf_printf(out, "Endpoint = %s\n", text) < 0)
			return -1;
	}
	/* 2.5.1's AllowedIPs are the values as written; relayed routes are ours. */
	if (buf_puts(out, "AllowedIPs = ") < 0 ||
	    (r->routes_text && routes == r->routes ? buf_puts(out, r->routes_text)
						    : put_nets(out, routes, n_routes)) < 0 ||
	    buf_putc(out, '\n') < 0)
		return -1;
	return 0;
}

struct prep {
	const struct mesh *m;
	struct wgq_state *s;
};

static void prep_range(void *ctx, size_t from, size_t to)
{
	struct prep *p = ctx;

	for (size_t i = from; i < to; i++) {
		const struct mesh_node *r = &p->m->nodes[i];
		if (render_block(r, r->routes, r->n_routes, &p->s->block[i], &p->s->head[i]) < 0)
			__atomic_store_n(&p->s->failed, 1, __ATOMIC_RELAXED);
	}
}

static void wgq_release(void *state)
{
	struct wgq_state *s = state;

	if (!s)
		return;
	for (size_t i = 0; s->block && i < s->count; i++)
		buf_free(&s->block[i]);
	free(s->head);
	free(s->block);
	free(s);
}

static int wgq_prepare(const struct mesh *m, const struct format_opts *o, void **state)
{
	struct wgq_state *s = calloc(1, sizeof(*s));
	struct prep p = { m, s };
	size_t n = m->count ? m->count : 1;

	(void)o;
	*state = s;
	if (!s || !(s->block = calloc(n, sizeof(*s->block))) ||
	    !(s->head = calloc(n, sizeof(*s->head))))
		goto oom;
	s->count = m->count;
	parallel_for(m->count, THREAD_MIN_NODES, prep_range, &p);
	if (!s->failed)
		return 0;
oom:
	wgq_release(s);
	*state = NULL;
	return -1;
}

/* "KEY = a, b, c": the items as written, as 2.5.1 writes them. */
static int put_list(struct buf *out, const char *key, const char *list)
{
	bool first = true;

	if (buf_printf(out, "%s = ", key) < 0 || list_join(out, list, &first) < 0)
		return -1;
	return buf_putc(out, '\n');
}

static int put_dns(struct buf *out, const struct mesh_node *n)
{
	if (!n->n_dns)
		return 0;
	if (buf_puts(out, "DNS = ") < 0)
		return -1;
	for (size_t i = 0; i < n->n_dns; i++)
		if ((i && buf_puts(out, ", ") < 0) || buf_puts(out, n->dns[i].text) < 0)
			return -1;
	return buf_putc(out, '\n');
}

/* A relay forwards between the peers of its interface while it is up. IPv4 has
 * a switch per interface, gone with the interface; IPv6 only the global one,
 * whose value is kept under /run and put back when the interface goes down. */
static int put_forwarding(struct buf *out, const struct mesh *m, enum mesh_hook h)
{
	static const char v6_state[] = "/run/wg-meshconf-%i.ipv6-forwarding";

	if (h == HOOK_POSTUP &&
	    buf_puts(out, "PostUp = sysctl -q -w net.ipv4.conf.%i.forwarding=1\n") < 0)
		return -1;
	if (!mesh_relays_ipv6(m))
		return 0;
	if (h == HOOK_POSTUP)
		return buf_printf(out, "PostUp = sysctl -n net.ipv6.conf.all.forwarding > %s; "
				  "sysctl -q -w net.ipv6.conf.all.forwarding=1\n", v6_state);
	if (h == HOOK_POSTDOWN)
		return buf_printf(out, "PostDown = [ ! -f %s ] || sysctl -q -w "
				  "net.ipv6.conf.all.forwarding=$(cat %s); rm -f %s\n",
				  v6_state, v6_state, v6_state);
	return 0;
}

/* The [Interface] keys in the order 2.5.1 writes them (its column order);
 * for the apps, without the keys they refuse. */
static int render_interface(const struct mesh *m, const struct mesh_node *n, bool app,
			    struct buf *out)
{
	static const char *const hook_key[HOOK_COUNT] = { "PreUp", "PostUp", "PreDown",
							  "PostDown" };

	if (buf_printf(out, "[Interface]\n# Name: %s\n", n->name) < 0 ||
	    put_list(out, "Address", n->address_text) < 0 ||
	    buf_printf(out, "PrivateKey = %s\n", n->private_key) < 0)
		return -1;
	if (n->listen_port && buf_printf(out, "ListenPort = %u\n", n->listen_port) < 0)
		return -1;
	if (!app && *n->fwmark_text && buf_printf(out, "FwMark = %s\n", n->fwmark_text) < 0)
		return -1;
	if (put_dns(out, n) < 0)
		return -1;
	if (n->mtu && buf_printf(out, "MTU = %u\n", n->mtu) < 0)
		return -1;
	if (app)
		return 0;
	if (*n->table_text && buf_printf(out, "Table = %s\n", n->table_text) < 0)
		return -1;
	for (int h = 0; h < HOOK_COUNT; h++) {
		if (*n->hooks[h] && buf_printf(out, "%s = %s\n", hook_key[h], n->hooks[h]) < 0)
			return -1;
		if (n->forwards && put_forwarding(out, m, (enum mesh_hook)h) < 0)
			return -1;
	}
	if (n->save_config >= 0 &&
	    buf_printf(out, "SaveConfig = %s\n", n->save_config ? "true" : "false") < 0)
		return -1;
	return 0;
}

static int render_link(const struct wgq_state *s, size_t r, const struct mesh_link *l,
		       struct buf *out)
{
	struct buf fresh = BUF_INIT;
	const struct buf *b;
	size_t head;
	int ret = -1;

	/* Routes of this link alone (a relay's) are not in the shared block. */
	if (s && l->routes == l->remote->routes) {
		b = &s->block[r];
		head = s->head[r];
	} else {
		if (render_block(l->remote, l->routes, l->n_routes, &fresh, &head) < 0)
			goto out;
		b = &fresh;
	}
	if (buf_append(out, b->data, head) < 0 ||
	    (l->preshared_key && buf_printf(out, "PresharedKey = %s\n", l->preshared_key) < 0) ||
	    buf_append(out, b->data + head, b->len - head) < 0 ||
	    (l->keepalive >= 0 && buf_printf(out, "PersistentKeepalive = %d\n", l->keepalive) < 0))
		goto out;
	ret = 0;
out:
	buf_free(&fresh);
	return ret;
}

static int render_file(const struct mesh *m, const void *state, size_t self, bool app,
		       struct buf *out, size_t *secret_end)
{
	bool psk = false;

	if (render_interface(m, &m->nodes[self], app, out) < 0)
		return -1;
	if (secret_end)
		*secret_end = out->len;
	for (size_t r = 0; r < m->count; r++) {
		struct mesh_link l;
		if (!mesh_link(m, self, r, &l))
			continue;
		if (render_link(state, r, &l, out) < 0)
			return -1;
		psk |= l.preshared_key != NULL;
	}
	if (secret_end && psk)
		*secret_end = out->len;
	return 0;
}

int wgquick_render(const struct mesh *m, const void *state, size_t self, struct buf *out,
		   size_t *secret_end)
{
	return render_file(m, state, self, false, out, secret_end);
}

int wgquick_render_app(const struct mesh *m, const void *state, size_t self, struct buf *out,
		       size_t *secret_end)
{
	return render_file(m, state, self, true, out, secret_end);
}

static int wgq_render(const struct mesh *m, const void *state, const struct format_opts *o,
		      size_t self, struct out_files *out, char *err, size_t errlen)
{
	struct out_file *f = format_node_file(out, o, &m->nodes[self], "conf");

	if (!f || wgquick_render(m, state, self, &f->data, &f->secret_end) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

const struct format format_wgquick = {
	.name = "wg-quick",
	.help = "NAME.conf, for wg-quick(8) and the WireGuard apps",
	.prepare = wgq_prepare,
	.render = wgq_render,
	.release = wgq_release,
};
