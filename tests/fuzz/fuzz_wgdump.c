/* wgdump_parse on arbitrary text (what a host's `wg show IF dump` may print).
 * Properties: an accepted dump, printed again the way wg prints it, parses to
 * the same interface and peers; peers' keys are valid and unique; a refusal
 * leaves nothing allocated and names a line or says why. */
#include "fuzz.h"

#include "lib/buf.h"
#include "remote/wgdump.h"

#include <inttypes.h>

static void print_dump(const struct wgdump *d, struct buf *b)
{
	/* The private key is not kept: any valid key stands for it. */
	buf_printf(b, "%s\t%s\t%u\t", d->has_private_key ? d->public_key : "(none)",
		   *d->public_key ? d->public_key : "(none)", d->listen_port);
	if (d->fwmark)
		buf_printf(b, "0x%" PRIx32 "\n", d->fwmark);
	else
		buf_puts(b, "off\n");
	for (size_t i = 0; i < d->count; i++) {
		const struct wgdump_peer *p = &d->peers[i];
		buf_printf(b, "%s\t%s\t%s\t", p->public_key, p->has_psk ? p->public_key : "(none)",
			   *p->endpoint ? p->endpoint : "(none)");
		for (size_t j = 0; j < p->n_allowed; j++) {
			char text[IPNET_STRLEN];
			ipnet_format(&p->allowed[j], text);
			buf_printf(b, "%s%s", j ? "," : "", text);
		}
		if (!p->n_allowed)
			buf_puts(b, "(none)");
		buf_printf(b, "\t%" PRId64 "\t%" PRIu64 "\t%" PRIu64 "\t", p->handshake, p->rx, p->tx);
		if (p->keepalive)
			buf_printf(b, "%u\n", p->keepalive);
		else
			buf_puts(b, "off\n");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgdump d, again;
	struct buf b = BUF_INIT;
	char err[160];

	if (wgdump_parse(&d, (const char *)data, size, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(d.peers == NULL && d.count == 0);
		FUZZ_ASSERT(*err != '\0');
		return 0;
	}
	/* A dump without a private key has no public key either... unless wg says so. */
	if (d.has_private_key && !*d.public_key) {
		wgdump_free(&d);
		return 0;
	}
	for (size_t i = 0; i < d.count; i++) {
		FUZZ_ASSERT(strlen(d.peers[i].public_key) == KEY_B64_LEN);
		FUZZ_ASSERT(wgdump_find(&d, d.peers[i].public_key) == &d.peers[i]);
		FUZZ_ASSERT(d.peers[i].keepalive <= 65535);
	}
	print_dump(&d, &b);
	FUZZ_ASSERT(wgdump_parse(&again, b.data, b.len, err, sizeof(err)) == 0);
	FUZZ_ASSERT(again.count == d.count && again.listen_port == d.listen_port &&
		    again.fwmark == d.fwmark && !strcmp(again.public_key, d.public_key) &&
		    again.has_private_key == d.has_private_key);
	for (size_t i = 0; i < d.count; i++) {
		const struct wgdump_peer *p = &d.peers[i], *q = &again.peers[i];
		FUZZ_ASSERT(!strcmp(p->public_key, q->public_key) && p->has_psk == q->has_psk &&
			    !strcmp(p->endpoint, q->endpoint) && p->n_allowed == q->n_allowed &&
			    p->handshake == q->handshake && p->rx == q->rx && p->tx == q->tx &&
			    p->keepalive == q->keepalive);
		for (size_t j = 0; j < p->n_allowed; j++)
			FUZZ_ASSERT(ipnet_cmp(&p->allowed[j], &q->allowed[j]) == 0 &&
				    p->allowed[j].prefix == q->allowed[j].prefix);
	}
	wgdump_free(&again);
	wgdump_free(&d);
	buf_free(&b);
	return 0;
}
