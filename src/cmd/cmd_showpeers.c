#include "cmd/commands.h"
#include "store/db.h"
#include "lib/keys.h"
#include "store/psk.h"
#include "lib/table.h"
#include "lib/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct showpeers_opts {
	const char *name;
	bool text;		/* --style text */
	bool verbose;		/* also the columns empty for every shown peer */
	bool show_private;	/* the PrivateKey column, hidden by default */
	bool show_psk;		/* NAME's preshared keys, after the table */
};


/* Long options without a short form: values past any character. */
enum { OPT_STYLE = 0x100, OPT_SHOW_PRIVATE, OPT_SHOW_PSK };

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] showpeers [NAME] [--style table|text] [-s] [-v]\n"
		   "                   [--show-private] [--show-psk]\n\n"
		   "Show the peers of the database, or NAME only.\n\n"
		   "  --style table|text  a table drawn with box characters (default), or\n"
		   "                      plain `Key: value` lines\n"
		   "  -s, --simplify      leave out the columns empty for every peer shown\n"
		   "                      (the default; kept for wg-meshconf 2.5.1 scripts)\n"
		   "  -v, --verbose       show every column, even empty ones\n"
		   "  --show-private      also show the private keys\n"
		   "  --show-psk          with NAME: also show NAME's preshared keys\n"
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
	return 0;
usage:
	fprintf(stderr, "Try '%s showpeers --help'.\n", prog_name);
	return 2;
}

/* Screen width for wrapping: the terminal's, else $COLUMNS, else no limit. */
static size_t screen_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	if (env && atoi(env) > 0)
		return (size_t)atoi(env);
	return 0;
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

static int show(const struct showpeers_opts *o, const struct db *db, size_t first, size_t n)
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
		if (key_public_b64(pub[r], peer_get(&db->peers[first + r], ATTR_PRIVATEKEY)) < 0)
			pub[r][0] = '\0';
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
		ret = table_print_text(stdout, &t, screen_width()) < 0;
	} else {
		const char *no_color = getenv("NO_COLOR");
		ret = table_print(stdout, &t, screen_width(),
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

int cmd_showpeers(const struct cmd_env *env, int argc, char **argv)
{
	struct showpeers_opts o = { 0 };
	struct db db = { 0 };
	size_t first = 0, n;
	int ret;

	if ((ret = parse(&o, argc, argv)) != 0)
		return ret < 0 ? 0 : ret;
	ret = 1;
	if (db_open(&db, env->database, DB_MUST_EXIST) < 0)
		goto out;
	n = db.count;
	if (o.name) {
		long i = db_lookup(&db, "showpeers", o.name);
		if (i < 0)
			goto out;
		first = (size_t)i;
		n = 1;
	}
	if (n == 0) {
		fprintf(stderr, "%s has no peers yet: add one with `%s addpeer`\n",
			env->database, prog_name);
		ret = 0;
		goto out;
	}
	ret = show(&o, &db, first, n);
	if (ret == 0 && o.show_psk)
		ret = show_psk(&db, o.name);
out:
	db_close(&db);
	return ret;
}
