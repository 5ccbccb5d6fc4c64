#include "formats/wgquick.h"

#include "lib/endpoint.h"
#include "lib/ipnet.h"
#include "lib/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Below this many peers a second thread costs more than it saves. */
#define THREAD_MIN_PEERS 64

/* Appends the items of a comma-separated value joined by ", ". */
static int put_list(struct buf *out, const char *list)
{
	const char *cursor = list, *p;
	size_t len;

	for (bool first = true; list_next(&cursor, &p, &len); first = false)
		if ((!first && buf_puts(out, ", ") < 0) || buf_append(out, p, len) < 0)
			return -1;
	return 0;
}

static int put_nets(struct buf *out, const char *list, bool host, bool *first)
{
	struct ipnet *nets;
	size_t n, bad;
	int ret = 0;

	if (!*list)
		return 0;
	if (ipnet_parse_list(list, &nets, &n, &bad) < 0)
		return -1;
	for (size_t i = 0; i < n && ret == 0; i++) {
		char text[IPNET_STRLEN];
		if (host)
			ipnet_host(&nets[i]);
		else
			ipnet_mask(&nets[i]);
		ipnet_format(&nets[i], text);
		if (!*first)
			ret = buf_puts(out, ", ");
		if (ret == 0)
			ret = buf_puts(out, text);
		*first = false;
	}
	free(nets);
	return ret;
}

int wgquick_allowed_ips(const struct peer *p, bool legacy, struct buf *out)
{
	const char *addr = peer_get(p, ATTR_ADDRESS), *nets = peer_get(p, ATTR_ALLOWEDIPS);
	bool first = true;

	if (legacy) {
		if (put_list(out, addr) < 0)
			return -1;
		return *nets ? (buf_puts(out, ", ") < 0 ? -1 : put_list(out, nets)) : 0;
	}
	/* A peer owns its addresses, not the subnet they sit in: a host route each,
	 * so that peers sharing one subnet do not steal each other's traffic. */
	if (put_nets(out, addr, true, &first) < 0)
		return -1;
	return put_nets(out, nets, false, &first);
}

static int render_block(const struct mesh *m, size_t i, struct buf *out)
{
	const struct peer *p = &m->db->peers[i];
	const char *ep_text = peer_get(p, ATTR_ENDPOINT);

	if (buf_printf(out, "\n[Peer]\n# Name: %s\nPublicKey = %s\n", peer_get(p, ATTR_NAME),
		       m->pub[i]) < 0)
		return -1;
	m->head[i] = out->len;
	if (*ep_text) {
		struct endpoint ep;
		char text[300];
		unsigned port = (unsigned)atoi(peer_get(p, ATTR_LISTENPORT));
		if (endpoint_parse(&ep, ep_text) < 0)
			return -1;
		endpoint_format(&ep, port, text, sizeof(text));
		if (buf_printf(out, "Endpoint = %s\n", text) < 0)
			return -1;
	}
	if (buf_puts(out, "AllowedIPs = ") < 0 || wgquick_allowed_ips(p, m->legacy, out) < 0 ||
	    buf_putc(out, '\n') < 0)
		return -1;
	return 0;
}

struct prep_job {
	const struct mesh *m;
	size_t from, to;
	int ret;
};

static void *prep_range(void *arg)
{
	struct prep_job *job = arg;
	const struct db *db = job->m->db;

	job->ret = 0;
	for (size_t i = job->from; i < job->to && job->ret == 0; i++) {
		if (key_public_b64(job->m->pub[i], peer_get(&db->peers[i], ATTR_PRIVATEKEY)) < 0 ||
		    render_block(job->m, i, &job->m->block[i]) < 0)
			job->ret = -1;
	}
	return NULL;
}

int mesh_prepare(struct mesh *m, const struct db *db, bool legacy)
{
	struct prep_job jobs[2];
	pthread_t thread;
	bool threaded = db->count >= THREAD_MIN_PEERS;

	memset(m, 0, sizeof(*m));
	m->db = db;
	m->legacy = legacy;
	m->pub = calloc(db->count ? db->count : 1, sizeof(*m->pub));
	m->block = calloc(db->count ? db->count : 1, sizeof(*m->block));
	m->head = calloc(db->count ? db->count : 1, sizeof(*m->head));
	if (!m->pub || !m->block || !m->head)
		goto oom;
	/* Key derivation dominates: split it between two threads. */
	jobs[0] = (struct prep_job){ m, 0, threaded ? db->count / 2 : db->count, 0 };
	jobs[1] = (struct prep_job){ m, jobs[0].to, db->count, 0 };
	if (threaded && pthread_create(&thread, NULL, prep_range, &jobs[1]) != 0)
		threaded = false, jobs[0].to = db->count;
	prep_range(&jobs[0]);
	if (threaded)
		pthread_join(thread, NULL);
	else
		jobs[1].ret = 0;
	if (jobs[0].ret == 0 && jobs[1].ret == 0)
		return 0;
oom:
	err_msg("cannot prepare the configurations (out of memory or a bad key)");
	mesh_free(m);
	return -1;
}

void mesh_free(struct mesh *m)
{
	if (!m || !m->db)
		return;
	if (m->block)
		for (size_t i = 0; i < m->db->count; i++)
			buf_free(&m->block[i]);
	free(m->block);
	free(m->head);
	free(m->pub);
	memset(m, 0, sizeof(*m));
}

static int render_interface(const struct peer *p, struct buf *out)
{
	if (buf_printf(out, "[Interface]\n# Name: %s\n", peer_get(p, ATTR_NAME)) < 0)
		return -1;
	for (int pass = 0; pass < 2; pass++) {
		enum attr_place place = pass == 0 ? PLACE_INTERFACE_HEAD : PLACE_INTERFACE;
		for (int i = 0; i < ATTR_COUNT; i++) {
			const char *v = p->val[i];
			if (attrs[i].place != place || !*v)
				continue;
			if (buf_printf(out, "%s = ", attrs[i].column) < 0)
				return -1;
			if (attrs[i].kind == KIND_BOOL)
				v = attr_bool_value(v) ? "true" : "false";
			if ((attrs[i].kind == KIND_LIST ? put_list(out, v) : buf_puts(out, v)) < 0 ||
			    buf_putc(out, '\n') < 0)
				return -1;
		}
	}
	return 0;
}

int wgquick_render(const struct mesh *m, size_t self, struct buf *out, size_t *secret_end)
{
	const struct peer *me = &m->db->peers[self];
	struct buf local = BUF_INIT;
	int ret = -1;

	if (render_interface(me, out) < 0)
		goto out;
	if (secret_end)
		*secret_end = out->len;
	/* What this peer adds to each of its [Peer] sections. */
	for (int i = 0; i < ATTR_COUNT; i++)
		if (attrs[i].place == PLACE_LOCAL && *me->val[i] &&
		    buf_printf(&local, "%s = %s\n", attrs[i].column, me->val[i]) < 0)
			goto out;
	for (size_t i = 0; i < m->db->count; i++) {
		if (i == self)
			continue;
		const struct buf *b = &m->block[i];
		const char *psk = m->psk ? psk_get(m->psk, peer_get(me, ATTR_NAME),
						   peer_get(&m->db->peers[i], ATTR_NAME)) : NULL;
		if (buf_append(out, b->data, m->head[i]) < 0 ||
		    (psk && buf_printf(out, "PresharedKey = %s\n", psk) < 0) ||
		    buf_append(out, b->data + m->head[i], b->len - m->head[i]) < 0 ||
		    buf_append(out, local.data, local.len) < 0)
			goto out;
	}
	if (secret_end && m->psk)
		*secret_end = out->len;
	ret = 0;
out:
	buf_free(&local);
	return ret;
}
