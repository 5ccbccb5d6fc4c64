/* db_parse on arbitrary bytes, strictly and leniently (as `check` loads).
 * Properties:
 *  - what parses, db_serialize writes back as text that parses to the same
 *    peers, values and extra columns, and serializes to the same bytes again;
 *  - strict and lenient loading agree: strict succeeds exactly when lenient
 *    succeeds without a problem, and then both hold the same peers;
 *  - lint_db never crashes, even on the invalid values a lenient load keeps;
 *  - a database that passes lint renders wg-quick files whose every line is a
 *    section, a "# Name:" comment or a known "Key = value": no value can
 *    inject a line (a PostUp holding a newline, say);
 *  - every format of the registry renders every node of such a database (with
 *    and without --interface) into files with names the writer accepts. */
#include "fuzz.h"

#include "lib/buf.h"
#include "store/db.h"
#include "mesh/lint.h"
#include "formats/format.h"
#include "formats/wgquick.h"
#include "output/outdir.h"
#include "mesh/model.h"

/* Above this many peers the (quadratic) rendering is skipped to keep runs fast. */
#define RENDER_MAX_PEERS 24

static void db_blank(struct db *db, bool lenient)
{
	memset(db, 0, sizeof(*db));
	db->path = "fuzz.csv";
	db->lock_fd = -1;
	db->sep = ',';
	db->crlf = true;
	db->mode = 0600;
	db->exists = true;
	db->lenient = lenient;
}

static void same_db(const struct db *a, const struct db *b)
{
	FUZZ_ASSERT(a->count == b->count);
	FUZZ_ASSERT(a->extra_count == b->extra_count);
	FUZZ_ASSERT(a->sep == b->sep && a->bom == b->bom && a->crlf == b->crlf);
	for (size_t e = 0; e < a->extra_count; e++)
		FUZZ_ASSERT(!strcmp(a->extra_cols[e], b->extra_cols[e]));
	for (size_t i = 0; i < a->count; i++) {
		for (int v = 0; v < ATTR_COUNT; v++)
			FUZZ_ASSERT(!strcmp(a->peers[i].val[v], b->peers[i].val[v]));
		for (size_t e = 0; e < a->extra_count; e++)
			FUZZ_ASSERT(!strcmp(a->peers[i].extra[e], b->peers[i].extra[e]));
	}
}

/* Serializes db, re-parses the text the same way and checks both properties. */
static void round_trip(const struct db *db)
{
	struct buf out = BUF_INIT, out2 = BUF_INIT;
	struct db again;

	if (db_serialize(db, &out) < 0)
		abort();
	db_blank(&again, db->lenient);
	FUZZ_ASSERT(db_parse(&again, "fuzz.csv", out.data, out.len) == 0);
	same_db(db, &again);
	if (db_serialize(&again, &out2) < 0)
		abort();
	FUZZ_ASSERT(out.len == out2.len && !memcmp(out.data, out2.data, out.len));
	db_close(&again);
	buf_free(&out);
	buf_free(&out2);
}

struct tally {
	const struct db *db;
	long errors;
};

/* The no-op report: counts, and checks that each finding points at the database. */
static void count_finding(void *ctx, const struct lint_finding *f)
{
	struct tally *t = ctx;

	FUZZ_ASSERT(f->msg != NULL && f->msg[0] != '\0');
	FUZZ_ASSERT(!f->peer || (f->peer >= t->db->peers && f->peer < t->db->peers + t->db->count));
	if (f->column)
		FUZZ_ASSERT(attr_by_column(f->column) >= 0);
	t->errors += f->severity == LINT_ERROR;
}

static long lint(const struct db *db, bool legacy, long only, bool pedantic)
{
	struct tally t = { db, 0 };
	struct lint_opts o = { .legacy = legacy, .only = only, .pedantic = pedantic,
				 .report = count_finding, .ctx = &t };
	long errors = lint_db(db, &o);

	FUZZ_ASSERT(errors == t.errors);
	return errors;
}

static bool starts(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(line, prefix, n);
}

/* Every line of a rendered file is one the format allows. */
static void check_rendered(const struct db *db, const struct buf *text)
{
	/* Every key wg-quick files get from the renderer. */
	static const char *const keys[] = {
		"Address = ", "PrivateKey = ", "ListenPort = ", "FwMark = ", "DNS = ", "MTU = ",
		"Table = ", "PreUp = ", "PostUp = ", "PreDown = ", "PostDown = ", "SaveConfig = ",
		"PublicKey = ", "PresharedKey = ", "Endpoint = ", "AllowedIPs = ",
		"PersistentKeepalive = ",
	};
	size_t interfaces = 0, peers = 0, names = 0;
	const char *p = text->data, *end = text->data + text->len;

	FUZZ_ASSERT(text->len > 0 && end[-1] == '\n');
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)(nl - p);
		bool ok = len == 0;

		for (size_t i = 0; i < len; i++)
			FUZZ_ASSERT((unsigned char)p[i] >= 0x20 && p[i] != 0x7f);
		if (len == 11 && starts(p, len, "[Interface]"))
			ok = true, interfaces++;
		else if (len == 6 && starts(p, len, "[Peer]"))
			ok = true, peers++;
		else if (starts(p, len, "# Name: "))
			ok = true, names++;
		for (size_t k = 0; !ok && k < sizeof(keys) / sizeof(keys[0]); k++)
			ok = starts(p, len, keys[k]);
		if (!ok)
			fprintf(fuzz_out, "unexpected line: %.*s\n", (int)len, p);
		FUZZ_ASSERT(ok);
		p = nl + 1;
	}
	FUZZ_ASSERT(interfaces == 1);
	FUZZ_ASSERT(peers == db->count - 1);
	FUZZ_ASSERT(names == db->count);
}

/* Every node in one format: it renders (or refuses with a message), and
 * names files the writer may write. */
static void render_format(const struct mesh *m, const struct format *f, const char *ifname)
{
	struct format_opts fo = { .ifname = ifname };
	struct out_files out = OUT_FILES_INIT;
	void *state = NULL;
	char err[512];

	if (f->prepare && f->prepare(m, &fo, &state) < 0)
		return;
	for (size_t i = 0; i < (f->whole_mesh ? 1 : m->count); i++) {
		out_files_reset(&out);
		err[0] = '\0';
		if (f->render(m, state, &fo, i, &out, err, sizeof(err)) < 0) {
			FUZZ_ASSERT(err[0] != '\0');
			continue;
		}
		for (size_t k = 0; k < out.count; k++)
			FUZZ_ASSERT(outdir_path_ok(out.v[k].path));
	}
	out_files_release(&out);
	if (f->release)
		f->release(state);
}

static void render(const struct db *db, bool legacy)
{
	struct mesh_opts o = { .legacy = legacy };
	struct format_opts fo = { 0 };
	struct mesh mesh;
	struct buf text = BUF_INIT;
	void *state = NULL;

	FUZZ_ASSERT(mesh_build(&mesh, db, &o) == 0);
	FUZZ_ASSERT(format_wgquick.prepare(&mesh, &fo, &state) == 0);
	for (size_t i = 0; i < db->count; i++) {
		/* lint passed: every peer has a valid key. */
		FUZZ_ASSERT(mesh.nodes[i].has_key);
		buf_reset(&text);
		FUZZ_ASSERT(wgquick_render(&mesh, state, i, &text, NULL) == 0);
		check_rendered(db, &text);
	}
	buf_free(&text);
	format_wgquick.release(state);
	for (size_t f = 0; formats[f]; f++)
		for (int with_if = 0; with_if < 2; with_if++)
			render_format(&mesh, formats[f], with_if ? "wg0" : NULL);
	mesh_release(&mesh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct db strict, lenient;
	int rs, rl;

	db_blank(&strict, false);
	rs = db_parse(&strict, "fuzz.csv", text, size);
	db_blank(&lenient, true);
	rl = db_parse(&lenient, "fuzz.csv", text, size);

	FUZZ_ASSERT(rs == 0 ? rl == 0 && lenient.problem_count == 0 : rl < 0 || lenient.problem_count > 0);
	if (rs == 0) {
		same_db(&strict, &lenient);
		for (size_t i = 0; i < strict.count; i++) {
			FUZZ_ASSERT(strict.peers[i].val[ATTR_NAME][0] != '\0');
			for (int v = 0; v < ATTR_COUNT; v++)
				FUZZ_ASSERT(attr_check((enum attr_id)v, strict.peers[i].val[v]) == NULL);
			FUZZ_ASSERT(db_find(&strict, strict.peers[i].val[ATTR_NAME]) == (long)i);
		}
		round_trip(&strict);
		lint(&strict, true, -1, true);
		if (strict.count)
			lint(&strict, false, (long)(size % strict.count), false);
		if (lint(&strict, false, -1, false) == 0 && strict.count <= RENDER_MAX_PEERS)
			render(&strict, false);
		if (lint(&strict, true, -1, false) == 0 && strict.count <= RENDER_MAX_PEERS)
			render(&strict, true);
	}
	if (rl == 0) {
		for (size_t i = 0; i < lenient.problem_count; i++)
			FUZZ_ASSERT(!strncmp(lenient.problems[i], "fuzz.csv:", 9));
		round_trip(&lenient);
		lint(&lenient, false, -1, true);
		lint(&lenient, true, -1, true);
	}
	db_close(&strict);
	db_close(&lenient);
	return 0;
}
