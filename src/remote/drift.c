#include "remote/drift.h"

#include <stdlib.h>
#include <string.h>

static int cmp_net(const void *a, const void *b)
{
	const struct ipnet *x = a, *y = b;
	int c = ipnet_cmp(x, y);

	return c ? c : (int)x->prefix - (int)y->prefix;
}

/* The networks as sorted, masked, deduplicated copies. */
static struct ipnet *normal(const struct ipnet *v, size_t n, size_t *out_n)
{
	struct ipnet *c = malloc((n ? n : 1) * sizeof(*c));
	size_t k = 0;

	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		c[i] = v[i];
		ipnet_mask(&c[i]);
	}
	qsort(c, n, sizeof(*c), cmp_net);
	for (size_t i = 0; i < n; i++)
		if (!k || cmp_net(&c[k - 1], &c[i]))
			c[k++] = c[i];
	*out_n = k;
	return c;
}

static int put_nets(struct buf *out, const struct ipnet *v, size_t n)
{
	if (!n)
		return buf_puts(out, "(none)");
	for (size_t i = 0; i < n; i++) {
		char t[IPNET_STRLEN];
		ipnet_format(&v[i], t);
		if ((i && buf_putc(out, ',') < 0) || buf_puts(out, t) < 0)
			return -1;
	}
	return 0;
}

static int compare_allowed(const char *name, const struct ipnet *want, size_t nw,
			   const struct wgdump_peer *p, struct buf *out, long *count)
{
	size_t na, nb;
	struct ipnet *a = normal(want, nw, &na), *b = normal(p->allowed, p->n_allowed, &nb);
	int ret = -1;

	if (!a || !b)
		goto out;
	bool same = na == nb;
	for (size_t i = 0; same && i < na; i++)
		same = !cmp_net(&a[i], &b[i]);
	if (!same) {
		if (buf_printf(out, "peer %s: AllowedIPs ", name) < 0 || put_nets(out, b, nb) < 0 ||
		    buf_puts(out, " instead of ") < 0 || put_nets(out, a, na) < 0 ||
		    buf_putc(out, '\n') < 0)
			goto out;
		(*count)++;
	}
	ret = 0;
out:
	free(a);
	free(b);
	return ret;
}

long drift_find(const struct mesh *m, size_t self, const struct wgdump *d, struct buf *out)
{
	const struct mesh_node *n = &m->nodes[self];
	bool *expected = calloc(d->count ? d->count : 1, sizeof(*expected));
	long count = 0;

	if (!expected)
		return -1;
	if (strcmp(d->public_key, n->public_key)) {
		if (buf_printf(out, "the interface's public key is %s, the database's %s\n",
			       *d->public_key ? d->public_key : "(none)", n->public_key) < 0)
			goto oom;
		count++;
	}
	if (n->listen_port && d->listen_port != n->listen_port) {
		if (buf_printf(out, "listen port %u instead of %u\n", d->listen_port,
			       n->listen_port) < 0)
			goto oom;
		count++;
	}
	for (size_t r = 0; r < m->count; r++) {
		struct mesh_link l;
		if (!mesh_link(m, self, r, &l))
			continue;
		const struct wgdump_peer *p = wgdump_find(d, l.remote->public_key);
		if (!p) {
			if (buf_printf(out, "peer %s is missing\n", l.remote->name) < 0)
				goto oom;
			count++;
			continue;
		}
		expected[p - d->peers] = true;
		if (compare_allowed(l.remote->name, l.routes, l.n_routes, p, out, &count) < 0)
			goto oom;
		unsigned want_ka = l.keepalive > 0 ? (unsigned)l.keepalive : 0;
		if (p->keepalive != want_ka) {
			if (buf_printf(out, "peer %s: PersistentKeepalive %u instead of %u (0: off)\n",
				       l.remote->name, p->keepalive, want_ka) < 0)
				goto oom;
			count++;
		}
		if (p->has_psk != (l.preshared_key != NULL)) {
			if (buf_printf(out, "peer %s: %s\n", l.remote->name, p->has_psk
				       ? "a preshared key that the database has not"
				       : "no preshared key, the database has one") < 0)
				goto oom;
			count++;
		}
	}
	for (size_t i = 0; i < d->count; i++) {
		if (expected[i])
			continue;
		long k = mesh_find_key(m, d->peers[i].public_key);
		if ((k >= 0 ? buf_printf(out, "peer %s is there but should not be (relayed)\n",
					 m->nodes[k].name)
			    : buf_printf(out, "unknown peer %s\n", d->peers[i].public_key)) < 0)
			goto oom;
		count++;
	}
	free(expected);
	return count;
oom:
	free(expected);
	return -1;
}
