#include "cmd/commands.h"
#include "formats/qr.h"
#include "lib/json.h"
#include "lib/table.h"
#include "lib/util.h"
#include "mesh/lint.h"
#include "mesh/model.h"
#include "store/db.h"
#include "store/psk.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct showpeers_opts {
	const char *name;
	bool text;		/* --style text */
	bool verbose;		/* also the columns empty for every shown peer */
	bool show_private;	/* the PrivateKey column, hidden by default */
	bool show_psk;		/* NAME's preshared keys, after the table */
	bool qr;		/* --qr: NAME's wg-quick file as a QR code */
	bool json;		/* --json: the peers as JSON */
};


/* Long options without a short form: values past any character. */
enum { OPT_STYLE = 0x100, OPT_SHOW_PRIVATE, OPT_SHOW_PSK, OPT_QR, OPT_JSON };

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] showpeers [NAME] [--style table|text] [-s] [-v]\n"
		   "                   [--show-private] [--show-psk] [--json] [--qr]\n\n"
		   "Show the peers of the database, or NAME only.\n\n"
		   "  --style table|text  a table drawn with box characters (default), or\n"
		   "                      plain `Key: value` lines\n"
		   "  -s, --simplify      leave out the columns empty for every peer shown\n"
		   "                      (the default; kept for wg-meshconf 2.5.1 scripts)\n"
		   "  -v, --verbose       show every column, even empty ones\n"
		   "  --show-private      also show the private keys\n"
		   "  --show-psk          with NAME: also show NAME's preshared keys\n"
		   "  --json              the peers (every column, and the public keys) and\n"
		   "                      the pairs that talk through a relay, as JSON\n"
		   "  --qr                with NAME: draw NAME's wg-quick file, private key\n"
		   "                      included, as a QR code for the phone apps\n"
		   "  -h, --help          show this help and exit\n"
		   "  --                  end of the options: a NAME that starts with '-'\n"
		   "                      follows\n"
		   "\nThe table fits the terminal's width (or COLUMNS): cells wrap between\n"
		   "words, and a table that would have to cut a key, an address or a name\n"
		   "is shown in the text style instead. Colours are used on a terminal\n"
		   "only, and never when NO_COLOR is set.\n",
		prog_name);
}

static const struct option longopts[] = {
	{ "style", required_argument, NULL, OPT_STYLE },
	{ "simplify", no_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "show-private", no_argument, NULL, OPT_SHOW_PRIVATE },
	{ "show-psk", no_argument, NULL, OPT_SHOW_PSK },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "qr", no_argument, NULL, OPT_QR },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const struct option_kind kinds[] = {
	{ "style", COMPLETE_VALUE },
	{ NULL, 0 },
};
const struct cmd_options showpeers_options = {
	.longopts = longopts,
	.shortopts = "hsv",
	.kinds = kinds,
	.positional = COMPLETE_PEER,
};

static int parse(struct showpeers_opts *o, int argc, char **argv)
{
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, showpeers_options.shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_STYLE:
			if (strcmp(optarg, "table") && strcmp(optarg, "text")) {
				char q[QUOTED_LEN];
				err_msg("showpeers: --style: %s is not table or text",
					quoted(optarg, q, sizeof(q)));
				goto usage;
			}
			o->text = !strcmp(optarg, "text");
			break;
		case 's':
			o->verbose = false;
			break;
		case 'v':
			o->verbose = true;
			break;
		case OPT_SHOW_PRIVATE:
			o->show_private = true;
			break;
		case OPT_SHOW_PSK:
			o->show_psk = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_QR:
			o->qr = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default: {
			char q[QUOTED_LEN];
			err_msg("showpeers: option %s is not known or lacks its value",
				opt_refused(argv, q, sizeof(q)));
			goto usage;
		}
		}
	}
	if (optind < argc)
		o->name = argv[optind++];
	if (optind < argc) {
		err_msg("showpeers: one peer NAME at most");
		goto usage;
	}
	if (o->show_psk && !o->name) {
		err_msg("showpeers: --show-psk needs the NAME of one peer");
		goto usage;
	}
	if (o->qr && !o->name) {
		err_msg("showpeers: --qr needs the NAME of one peer");
		goto usage;
	}
	if (o->qr && (o->json || o->show_psk || o->show_private)) {
		err_msg("showpeers: --qr shows the code alone: not with --json, --show-psk or "
			"--show-private");
		goto usage;
	}
	return 0;
usage:
	fprintf(stderr, "Try '%s showpeers --help'.\n", prog_name);
	return 2;
}

/* The value a column shows for peer p: an attribute, the derived public key,
 * or a column the table does not know (a spreadsheet's "Notes"). */
struct column {
	const char *header, *color;
	enum { COL_ATTR, COL_PUB, COL_EXTRA } kind;
	size_t index;
};

static const char *cell(const struct db *db, size_t peer, const struct column *c,
			const char *pub)
{
	const struct peer *p = &db->peers[peer];

	switch (c->kind) {
	case COL_ATTR:
		return p->val[c->index];
	case COL_PUB:
		return pub;
	default:
		return p->extra[c->index];
	}
}

/* Free text, which the table may cut inside a long word: the hooks and the
 * columns it does not know. Keys, addresses and names are never cut. */
static bool free_text(const struct column *c)
{
	return c->kind == COL_EXTRA ||
	       (c->kind == COL_ATTR && c->index >= ATTR_PREUP && c->index <= ATTR_POSTDOWN);
}

/* True when some shown peer has a value in the column, or with -v. */
static bool wanted(const struct showpeers_opts *o, const struct db *db, size_t first, size_t n,
		   key_b64 *pub, const struct column *c)
{
	for (size_t r = 0; r < n && !o->verbose; r++)
		if (*cell(db, first + r, c, pub[r]))
			return true;
	return o->verbose;
}

/* The attribute table in order, the public key where the private key stands
 * (which shows only with --show-private), then every extra column: out holds
 * ATTR_COUNT + 1 + db->extra_count. */
static size_t pick_columns(const struct showpeers_opts *o, const struct db *db, size_t first,
			   size_t n, key_b64 *pub, struct column *out)
{
	size_t cols = 0;

	for (size_t a = 0; a < ATTR_COUNT; a++) {
		struct column c = { attrs[a].column, attrs[a].color, COL_ATTR, a };
		struct column k = { "PublicKey", attrs[a].color, COL_PUB, 0 };
		if (!db_column_used(db, (int)a))
			continue;
		if ((a != ATTR_PRIVATEKEY || o->show_private) &&
		    (a == ATTR_NAME || wanted(o, db, first, n, pub, &c)))
			out[cols++] = c;
		if (a == ATTR_PRIVATEKEY && wanted(o, db, first, n, pub, &k))
			out[cols++] = k;
	}
	for (size_t e = 0; e < db->extra_count; e++) {
		struct column c = { db->extra_cols[e], NULL, COL_EXTRA, e };
		if (wanted(o, db, first, n, pub, &c))
			out[cols++] = c;
	}
	return cols;
}

/* The text to show: as it is, or quoted whole with escapes when it holds what
 * must not reach the terminal raw (a control or bidi character, a byte that
 * is not UTF-8: an extra column may). A quoted copy is stored in *owned;
 * NULL when out of memory. */
static const char *shown(const char *text, char **owned)
{
	if (plain_text(text))
		return text;
	return *owned = quoted_dup(text);
}

/* The arrays of one show(), freed together. */
struct view {
	struct column *colv;
	const char **headers, **colors, **cells;
	bool *split;
	char **owned;
	size_t n_owned;
};

static void view_free(struct view *v)
{
	for (size_t i = 0; v->owned && i < v->n_owned; i++)
		free(v->owned[i]);
	free(v->owned);
	free(v->cells);
	free(v->split);
	free(v->colors);
	free(v->headers);
	free(v->colv);
}

static int show(const struct showpeers_opts *o, const struct db *db, const struct mesh *m,
		size_t first, size_t n)
{
	size_t max = ATTR_COUNT + 1 + db->extra_count, cols;
	key_b64 *pub = calloc(n + 1, sizeof(*pub));
	struct view v = { 0 };
	int ret = 1;

	if (!pub || !(v.colv = calloc(max, sizeof(*v.colv))) ||
	    !(v.headers = calloc(max, sizeof(*v.headers))) ||
	    !(v.colors = calloc(max, sizeof(*v.colors))) ||
	    !(v.split = calloc(max, sizeof(*v.split))))
		goto out;
	for (size_t r = 0; r < n; r++)
		memcpy(pub[r], m->nodes[first + r].public_key, sizeof(pub[r]));
	cols = pick_columns(o, db, first, n, pub, v.colv);
	v.n_owned = n * cols + cols;
	if (!(v.cells = calloc(n * cols + 1, sizeof(*v.cells))) ||
	    !(v.owned = calloc(v.n_owned + 1, sizeof(*v.owned))))
		goto out;
	for (size_t c = 0; c < cols; c++) {
		if (!(v.headers[c] = shown(v.colv[c].header, &v.owned[n * cols + c])))
			goto out;
		v.colors[c] = v.colv[c].color;
		v.split[c] = free_text(&v.colv[c]);
		for (size_t r = 0; r < n; r++)
			if (!(v.cells[r * cols + c] = shown(cell(db, first + r, &v.colv[c], pub[r]),
							    &v.owned[r * cols + c])))
				goto out;
	}
	struct table t = { cols, n, v.headers, v.colors, v.split, v.cells };
	if (o->text) {
		ret = table_print_text(stdout, &t, table_screen_width()) < 0;
	} else {
		const char *no_color = getenv("NO_COLOR");
		ret = table_print(stdout, &t, table_screen_width(),
				  isatty(STDOUT_FILENO) && !(no_color && *no_color)) < 0;
	}
out:
	if (ret)
		err_msg("out of memory");
	view_free(&v);
	free(pub);
	return ret;
}

static int show_psk(const struct db *db, const char *name)
{
	struct psk_store store;
	char q[QUOTED_LEN];
	int ret = 1;

	if (psk_load(&store, db->path) < 0)
		goto out;
	if (!store.exists) {
		err_msg("showpeers: %s has no preshared keys", db->path);
		goto out;
	}
	printf("\nPreshared keys of %s:\n", printable(name, q, sizeof(q)));
	for (size_t i = 0; i < db->count; i++) {
		const char *other = peer_get(&db->peers[i], ATTR_NAME);
		const char *key = strcmp(other, name) ? psk_get(&store, name, other) : NULL;
		if (key)
			printf("  with %s: %s\n", printable(other, q, sizeof(q)), key);
		else if (strcmp(other, name))
			printf("  with %s: (none yet: genconfig creates it)\n",
			       printable(other, q, sizeof(q)));
	}
	ret = 0;
out:
	psk_free(&store);
	return ret;
}

/* True when the pair (a, b) concerns what is shown: every pair, or NAME's. */
static bool pair_shown(long only, size_t a, size_t b)
{
	return only < 0 || (size_t)only == a || (size_t)only == b;
}

/* The pairs that talk through the relay, after the table. */
static int print_relayed(const struct mesh *m, long only)
{
	char qa[QUOTED_LEN], qb[QUOTED_LEN], qr[QUOTED_LEN];
	bool first = true;

	for (size_t a = 0; m->relay >= 0 && a < m->count; a++)
		for (size_t b = a + 1; b < m->count; b++) {
			long r = mesh_relay_of(m, a, b);
			if (r < 0 || !pair_shown(only, a, b))
				continue;
			if (first && printf("\nPairs without Endpoint, which talk through the "
					    "relay:\n") < 0)
				return 1;
			first = false;
			if (printf("  %s \u2194 %s via %s\n",
				   printable(m->nodes[a].name, qa, sizeof(qa)),
				   printable(m->nodes[b].name, qb, sizeof(qb)),
				   printable(m->nodes[r].name, qr, sizeof(qr))) < 0)
				return 1;
		}
	return 0;
}

static int put_member(struct buf *out, const char *key, const char *value)
{
	if (buf_puts(out, ",\n      ") < 0 || json_text(out, key) < 0 || buf_puts(out, ": ") < 0)
		return -1;
	return value ? json_text(out, value) : buf_puts(out, "null");
}

/* NAME's preshared keys as "PresharedKeys": {"OTHER": KEY or null}. */
static int put_psks(struct buf *out, const struct db *db, const char *name,
		    const struct psk_store *store)
{
	bool first = true;

	if (buf_puts(out, ",\n      \"PresharedKeys\": {") < 0)
		return -1;
	for (size_t i = 0; i < db->count; i++) {
		const char *other = peer_get(&db->peers[i], ATTR_NAME);
		if (!strcmp(other, name))
			continue;
		if (buf_puts(out, first ? "" : ", ") < 0 || json_text(out, other) < 0 ||
		    buf_puts(out, ": ") < 0)
			return -1;
		const char *key = psk_get(store, name, other);
		if ((key ? buf_printf(out, "\"%s\"", key) : buf_puts(out, "null")) < 0)
			return -1;
		first = false;
	}
	return buf_putc(out, '}');
}

static int put_peer(struct buf *out, const struct showpeers_opts *o, const struct db *db,
		    const struct mesh *m, size_t i, const struct psk_store *store)
{
	const struct peer *p = &db->peers[i];

	if (buf_puts(out, "    {\n      \"Name\": ") < 0 || json_text(out, peer_get(p, ATTR_NAME)) < 0)
		return -1;
	for (size_t a = 0; a < ATTR_COUNT; a++) {
		if (a == ATTR_NAME || !db_column_used(db, (int)a))
			continue;
		if ((a != ATTR_PRIVATEKEY || o->show_private) &&
		    put_member(out, attrs[a].column, p->val[a]) < 0)
			return -1;
		if (a == ATTR_PRIVATEKEY &&
		    put_member(out, "PublicKey", m->nodes[i].has_key ? m->nodes[i].public_key
								     : NULL) < 0)
			return -1;
	}
	for (size_t e = 0; e < db->extra_count; e++)
		if (put_member(out, db->extra_cols[e], p->extra[e]) < 0)
			return -1;
	if (store && put_psks(out, db, o->name, store) < 0)
		return -1;
	return buf_puts(out, "\n    }");
}

/* The peers shown, with every column of the database (the private key only
 * with --show-private), and the pairs that talk through the relay. */
static int show_json(const struct showpeers_opts *o, const struct db *db, const struct mesh *m,
		     long only)
{
	struct buf out = BUF_INIT;
	struct psk_store store = { 0 };
	bool first = true;
	int ret = 1;

	if (o->show_psk) {
		if (psk_load(&store, db->path) < 0)
			goto out;
		if (!store.exists) {
			err_msg("showpeers: %s has no preshared keys", db->path);
			goto out;
		}
	}
	if (buf_puts(&out, "{\n  \"version\": 1,\n  \"database\": ") < 0 ||
	    json_text(&out, db->path) < 0 || buf_puts(&out, ",\n  \"relay\": ") < 0 ||
	    (m->relay >= 0 ? json_text(&out, m->nodes[m->relay].name) : buf_puts(&out, "null")) < 0 ||
	    buf_puts(&out, ",\n  \"peers\": [") < 0)
		goto oom;
	for (size_t i = 0; i < db->count; i++) {
		if (only >= 0 && (size_t)only != i)
			continue;
		if (buf_puts(&out, first ? "\n" : ",\n") < 0 ||
		    put_peer(&out, o, db, m, i, o->show_psk ? &store : NULL) < 0)
			goto oom;
		first = false;
	}
	if (buf_puts(&out, first ? "],\n  \"relayed\": [" : "\n  ],\n  \"relayed\": [") < 0)
		goto oom;
	first = true;
	for (size_t a = 0; m->relay >= 0 && a < m->count; a++)
		for (size_t b = a + 1; b < m->count; b++) {
			long r = mesh_relay_of(m, a, b);
			if (r < 0 || !pair_shown(only, a, b))
				continue;
			if (buf_puts(&out, first ? "\n    {\"peers\": [" : ",\n    {\"peers\": [") < 0 ||
			    json_text(&out, m->nodes[a].name) < 0 || buf_puts(&out, ", ") < 0 ||
			    json_text(&out, m->nodes[b].name) < 0 ||
			    buf_puts(&out, "], \"via\": ") < 0 || json_text(&out, m->nodes[r].name) < 0 ||
			    buf_putc(&out, '}') < 0)
				goto oom;
			first = false;
		}
	if (buf_puts(&out, first ? "]\n}\n" : "\n  ]\n}\n") < 0)
		goto oom;
	ret = fwrite(out.data, 1, out.len, stdout) != out.len;
	goto out;
oom:
	err_msg("out of memory");
out:
	psk_free(&store);
	buf_free(&out);
	return ret;
}

/* Says when the store has no key yet for some pair of self's file: genconfig
 * would make one, showpeers writes nothing. */
static void note_missing_psks(const struct mesh *m, const struct psk_store *store, size_t self)
{
	char q[QUOTED_LEN];
	size_t missing = 0;

	for (size_t r = 0; r < m->count; r++) {
		struct mesh_link l;
		missing += mesh_link(m, self, r, &l) && !l.preshared_key;
	}
	if (store->exists && missing)
		warn_msg("%s has no preshared key yet for %zu pair%s of %s: the code leaves them "
			 "out; run genconfig first", store->path, missing, missing > 1 ? "s" : "",
			 printable(m->nodes[self].name, q, sizeof(q)));
}

/* NAME's configuration for the phone apps as a QR code, drawn with UTF-8 half
 * blocks. Like qrencode -t UTF8, it is written wherever standard output goes. */
static int show_qr(const struct db *db, const struct mesh *m, const struct psk_store *store,
		   size_t self)
{
	struct lint_opts lo = { .only = (long)self, .report = lint_print, .ctx = (void *)db,
				.mesh = m };
	struct buf out = BUF_INIT;
	struct qr q = { 0 };
	char err[512];
	size_t width, cols;
	long errors;
	int ret = 1;

	if ((errors = lint_db(db, &lo)) != 0) {
		if (errors > 0)
			err_msg("showpeers: %ld error%s in %s: no QR code", errors,
				errors > 1 ? "s" : "", db->path);
		else
			err_msg("out of memory");
		return 1;
	}
	format_report_unsupported(&format_qr, m, self, self + 1, false);
	note_missing_psks(m, store, self);
	/* On a terminal, a code it can show whole: a lower level if need be. */
	cols = isatty(STDOUT_FILENO) ? table_screen_width() : 0;
	if (qr_of_node(m, NULL, self, cols > 2 * QR_MARGIN_TERMINAL ?
			(int)(cols - 2 * QR_MARGIN_TERMINAL) : 0, &q, err, sizeof(err)) < 0) {
		err_msg("showpeers: %s", err);
		goto out;
	}
	if (qr_draw_utf8(&q, QR_MARGIN_TERMINAL, &out) < 0) {
		err_msg("out of memory");
		goto out;
	}
	width = (size_t)q.width + 2 * QR_MARGIN_TERMINAL;
	if (cols && cols < width)
		warn_msg("the code is %zu columns wide and the terminal %zu: widen it or use "
			 "genconfig --format qr", width, cols);
	ret = fwrite(out.data, 1, out.len, stdout) != out.len;
out:
	qr_free(&q);
	buf_free(&out);
	return ret;
}

int cmd_showpeers(const struct cmd_env *env, int argc, char **argv)
{
	struct showpeers_opts o = { 0 };
	struct db db = { 0 };
	struct psk_store store = { 0 };
	struct mesh_opts mo = { 0 };
	struct mesh m = { 0 };
	size_t first = 0, n;
	long only = -1;
	int ret;

	if ((ret = parse(&o, argc, argv)) != 0)
		return ret < 0 ? 0 : ret;
	ret = 1;
	if (db_open(&db, env->database, DB_MUST_EXIST) < 0)
		goto out;
	n = db.count;
	if (o.name) {
		if ((only = db_lookup(&db, "showpeers", o.name)) < 0)
			goto out;
		first = (size_t)only;
		n = 1;
	}
	if (n == 0 && !o.json) {
		fprintf(stderr, "%s has no peers yet: add one with `%s addpeer`\n",
			env->database, prog_name);
		ret = 0;
		goto out;
	}
	/* The code is the file genconfig writes: with the pairs' preshared keys. */
	if (o.qr) {
		if (psk_load(&store, env->database) < 0)
			goto out;
		if (store.exists)
			mo.psk = &store;
	}
	if (mesh_build(&m, &db, &mo) < 0)
		goto out;
	if (o.qr) {
		ret = show_qr(&db, &m, &store, first);
	} else if (o.json) {
		ret = show_json(&o, &db, &m, only);
	} else {
		ret = show(&o, &db, &m, first, n);
		if (ret == 0)
			ret = print_relayed(&m, only);
		if (ret == 0 && o.show_psk)
			ret = show_psk(&db, o.name);
	}
out:
	mesh_release(&m);
	psk_free(&store);
	db_close(&db);
	return ret;
}
