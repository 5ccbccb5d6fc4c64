#include "formats/qr.h"

#include "formats/wgquick.h"
#include "lib/util.h"

#include <stdio.h>

static const char *qr_cannot(const struct mesh_node *n, enum attr_id id)
{
	switch (id) {
	case ATTR_FWMARK:
	case ATTR_TABLE:
	case ATTR_SAVECONFIG:
		return "the WireGuard apps refuse a file with it";
	case ATTR_PREUP:
	case ATTR_POSTUP:
	case ATTR_PREDOWN:
	case ATTR_POSTDOWN:
		return "the WireGuard apps run no commands and refuse a file with one";
	case ATTR_RELAY:
		/* A relay turns forwarding on with PostUp commands. */
		return n->forwards ? "the WireGuard apps cannot turn forwarding on" : NULL;
	default:
		return NULL;
	}
}

int qr_of_node(const struct mesh *m, const void *state, size_t self, int max_width,
	       struct qr *q, char *err, size_t errlen)
{
	struct buf text = BUF_INIT;
	char q_name[QUOTED_LEN];
	const char *name = printable(m->nodes[self].name, q_name, sizeof(q_name));
	int rc = -1;

	if (wgquick_render_app(m, state, self, &text, NULL) == 0)
		rc = qr_encode(q, text.data, text.len, max_width);
	if (rc == QR_ETOOBIG)
		snprintf(err, errlen, "qr: peer %s: its configuration is %zu bytes, more than a QR "
			 "code holds (%d bytes at the lowest error correction): use its wg-quick "
			 "file instead", name, text.len, QR_MAX_BYTES);
	else if (rc < 0)
		snprintf(err, errlen, "qr: peer %s: out of memory", name);
	buf_free(&text);
	return rc < 0 ? -1 : 0;
}

static int qr_prepare(const struct mesh *m, const struct format_opts *o, void **state)
{
	return format_wgquick.prepare(m, o, state);
}

static void qr_release(void *state)
{
	format_wgquick.release(state);
}

static int qr_render(const struct mesh *m, const void *state, const struct format_opts *o,
		     size_t self, struct out_files *out, char *err, size_t errlen)
{
	struct out_file *f = format_node_file(out, o, &m->nodes[self], "png");
	struct qr q;
	int ret = -1;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The image is the private key, in another form. */
	f->mode = 0600;
	if (qr_of_node(m, state, self, 0, &q, err, errlen) < 0)
		return -1;
	if (qr_png(&q, QR_PNG_SCALE, QR_MARGIN, &f->data) < 0)
		snprintf(err, errlen, "out of memory");
	else
		ret = 0;
	f->secret_end = f->data.len;
	qr_free(&q);
	return ret;
}

const struct format format_qr = {
	.name = "qr",
	.help = "NAME.png, the wg-quick file as a QR code for the phone apps",
	.cannot = qr_cannot,
	.prepare = qr_prepare,
	.render = qr_render,
	.release = qr_release,
};
