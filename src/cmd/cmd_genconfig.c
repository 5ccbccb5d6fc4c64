#include "lib/atomic.h"
#include "output/writer.h"
#include "cmd/commands.h"
#include "store/db.h"
#include "mesh/lint.h"
#include "store/psk.h"
#include "lib/util.h"
#include "formats/format.h"
#include "formats/wgquick.h"
#include "mesh/model.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct genconfig_opts {
	const char *name;	/* one peer, or NULL for all */
	const char *output;
	bool output_given;	/* -o was given */
	const char *file;	/* --file: NAME's one file to this path, or "-" */
	const char *ifname;	/* --interface: DIR/NAME/IFNAME.conf */
	bool legacy;
	int psk;		/* 1: --psk, 0: --no-psk, -1: as the store says */
	bool sync;		/* --sync: flush the files before renaming them */
	const struct format *formats[16];	/* --format, NULL-terminated */
	bool strict;		/* --strict: a value a format cannot carry is an error */
	bool secrets;		/* --secrets: keys in the json format */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] genconfig [NAME] [-o DIR | --file FILE]\n"
		   "                   [--interface IFNAME]\n"
		   "                   [--legacy-allowedips] [--psk | --no-psk] [--sync]\n"
		   "                   [--format F[,F...]] [--strict] [--secrets]\n\n"
		   "Write the wg-quick configuration of every peer, or of NAME only, as\n"
		   "DIR/NAME.conf (mode 0600).\n\n"
		   "  NAME                     only this peer's file\n"
		   "  -o, --output DIR         where to write (default: output), created 0700\n"
		   "  --file FILE              NAME's file to FILE instead (mode 0600), such as\n"
		   "                           /etc/wireguard/wg0.conf; - for standard output\n"
		   "  --interface IFNAME       write DIR/NAME/IFNAME.conf instead, so that\n"
		   "                           `wg-quick up` names the interface IFNAME\n"
		   "  --legacy-allowedips      AllowedIPs as wg-meshconf 2.5.1 writes them (each\n"
		   "                           address with its own prefix; peers that share a\n"
		   "                           subnet then break each other)\n"
		   "  --psk                    a PresharedKey for every pair of peers, kept in\n"
		   "                           DATABASE.psk (created 0600); once that file\n"
		   "                           exists, genconfig uses it without --psk\n"
		   "  --no-psk                 leave the preshared keys out of the files\n"
		   "  --sync                   flush the files to disk before they replace the\n"
		   "                           old ones (slower; the database is always flushed)\n"
		   "  --format F[,F...]        the formats to write (default: wg-quick):\n",
		prog_name);
	for (size_t i = 0; formats[i]; i++)
		fprintf(f, "      %-9s  %s\n", formats[i]->name, formats[i]->help);
	fprintf(f, "  --strict                 a value a format cannot carry is an error, not a\n"
		   "                           warning\n"
		   "  --secrets                json: also the private and preshared keys\n"
		   "  -h, --help               show this help and exit\n");
}

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "file", required_argument, NULL, 'F' },
	{ "interface", required_argument, NULL, 'i' },
	{ "legacy-allowedips", no_argument, NULL, 'L' },
	{ "psk", no_argument, NULL, 'p' },
	{ "no-psk", no_argument, NULL, 'n' },
	{ "sync", no_argument, NULL, 's' },
	{ "format", required_argument, NULL, 'f' },
	{ "strict", no_argument, NULL, 'S' },
	{ "secrets", no_argument, NULL, 'K' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const struct option_kind kinds[] = {
	{ "output", COMPLETE_DIR },
	{ "file", COMPLETE_FILE },
	{ "interface", COMPLETE_VALUE },
	{ "format", COMPLETE_FORMAT },
	{ NULL, 0 },
};
const struct cmd_options genconfig_options = {
	.longopts = longopts,
	.shortopts = "ho:",
	.kinds = kinds,
	.positional = COMPLETE_PEER,
};

static int parse(struct genconfig_opts *o, int argc, char **argv)
{
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, genconfig_options.shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			o->output_given = true;
			break;
		case 'F':
			o->file = optarg;
			break;
		case 'i':
			o->ifname = optarg;
			break;
		case 'L':
			o->legacy = true;
			break;
		case 'p':
		case 'n':
			if (o->psk != -1 && o->psk != (c == 'p')) {
				err_msg("genconfig: --psk and --no-psk cannot go together");
				goto usage;
			}
			o->psk = c == 'p';
			break;
		case 's':
			o->sync = true;
			break;
		case 'f':
			if (format_parse_list(optarg, o->formats,
					      sizeof(o->formats) / sizeof(o->formats[0])) < 0)
				goto usage;
			break;
		case 'S':
			o->strict = true;
			break;
		case 'K':
			o->secrets = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			err_msg("genconfig: option %s is not known or lacks its value",
				argv[optind - 1]);
			goto usage;
		}
	}
	if (optind < argc)
		o->name = argv[optind++];
	if (optind < argc) {
		err_msg("genconfig: one peer NAME at most");
		goto usage;
	}
	if (o->file && (!o->name || o->output_given)) {
		err_msg(o->name ? "genconfig: --file and --output cannot go together"
				: "genconfig: --file writes one peer's file: name the peer");
		goto usage;
	}
	if (o->file && (!*o->file || o->file[strlen(o->file) - 1] == '/')) {
		err_msg("genconfig: --file: a file name is needed");
		return 2;
	}
	if (!*o->output) {
		err_msg("genconfig: --output: empty folder name");
		return 2;
	}
	if (o->ifname && !attr_is_ifname(o->ifname)) {
		char q[QUOTED_LEN];
		err_msg("genconfig: --interface: %s is not a valid interface name "
			"([a-zA-Z0-9_=+.-]{1,15})", quoted(o->ifname, q, sizeof(q)));
		return 2;
	}
	return 0;
usage:
	fprintf(stderr, "Try '%s genconfig --help'.\n", prog_name);
	return 2;
}

/* Said once: the model gave the nodes behind NAT a keepalive they lacked. */
static void note_keepalives(const struct mesh *m)
{
	char q[QUOTED_LEN];
	size_t shown = 0;

	fprintf(stderr, "%s: note: peers without Endpoint or PersistentKeepalive get "
		"PersistentKeepalive = %d, so that their NAT keeps them reachable:", prog_name,
		PLAN_KEEPALIVE);
	for (size_t i = 0; i < m->count; i++)
		if (m->nodes[i].auto_keepalive && shown++ < 10)
			fprintf(stderr, " %s", printable(m->nodes[i].name, q, sizeof(q)));
	if (shown > 10)
		fprintf(stderr, " and %zu more", shown - 10);
	fputc('\n', stderr);
}

struct render_ctx {
	const struct mesh *m;
	const struct format *const *fmts;
	void *const *states;
	const struct format_opts *fo;
	size_t first;		/* the whole-mesh formats render with this item */
};

/* The files of one node in every format asked for (and, with the first node,
 * those of the whole-mesh formats). */
static int render_node(void *ctx, size_t item, struct out_files *out, char *err, size_t errlen)
{
	const struct render_ctx *r = ctx;

	for (size_t i = 0; r->fmts[i]; i++) {
		const struct format *f = r->fmts[i];
		if (f->whole_mesh && item != r->first)
			continue;
		if (f->render(r->m, r->states[i], r->fo, f->whole_mesh ? 0 : item, out, err,
			      errlen) < 0)
			return -1;
	}
	return 0;
}

/* Files no output may replace: the database (and where it points), its
 * preshared-key store and its lock. */
struct protected {
	char *paths[6];
	const char *list[6];
};

static int protect_db(struct protected *p, const struct db *db)
{
	const char *real = db->real_path ? db->real_path : db->path;
	char *dir, *base;
	bool failed = false;

	memset(p, 0, sizeof(*p));
	if (path_split(real, &dir, &base) < 0)
		return -1;
	/* (asprintf leaves its pointer undefined when it fails.) */
	if (asprintf(&p->paths[0], "%s", db->path) < 0)
		p->paths[0] = NULL;
	if (asprintf(&p->paths[1], "%s", real) < 0)
		p->paths[1] = NULL;
	if (asprintf(&p->paths[2], "%s.psk", db->path) < 0)
		p->paths[2] = NULL;
	if (asprintf(&p->paths[3], "%s.psk", real) < 0)
		p->paths[3] = NULL;
	if (asprintf(&p->paths[4], "%s/.%s.lock", dir, base) < 0)
		p->paths[4] = NULL;
	for (size_t i = 0; i < 5; i++) {
		failed |= !p->paths[i];
		p->list[i] = p->paths[i];
	}
	free(dir);
	free(base);
	return failed ? -1 : 0;
}

static void protect_free(struct protected *p)
{
	for (size_t i = 0; i < 6; i++)
		free(p->paths[i]);
}

/* The model was built before the checks (which read it); the preshared keys
 * join it now that the store is up to date. */
static int write_files(const struct genconfig_opts *o, const struct db *db, long only,
		       struct mesh *model, const struct psk_store *psk)
{
	const struct format *const *fmts = o->formats;
	void *states[16] = { NULL };
	struct format_opts fo = { .ifname = o->ifname, .secrets = o->secrets };
	size_t from = only < 0 ? 0 : (size_t)only, to = only < 0 ? db->count : from + 1;
	size_t unsupported = 0;
	struct protected prot;
	const struct mesh *m = model;
	int ret = 1;

	model->opts.psk = psk;
	if (protect_db(&prot, db) < 0) {
		protect_free(&prot);
		err_msg("out of memory");
		return 1;
	}
	if (m->auto_keepalives)
		note_keepalives(m);
	for (size_t i = 0; fmts[i]; i++)
		unsupported += format_report_unsupported(fmts[i], m, from, to, o->strict);
	if (unsupported && o->strict) {
		err_msg("genconfig: %zu value%s the formats cannot carry (--strict): no file written",
			unsupported, unsupported > 1 ? "s" : "");
		goto out;
	}
	for (size_t i = 0; fmts[i]; i++)
		if (fmts[i]->prepare && fmts[i]->prepare(m, &fo, &states[i]) < 0) {
			err_msg("genconfig: %s: out of memory", fmts[i]->name);
			goto out;
		}
	struct render_ctx rc = { m, fmts, states, &fo, from };
	struct writer_opts wo = {
		.cmd = "genconfig", .output = o->output, .file = o->file, .from = from,
		.to = to, .partial = only >= 0, .durable = o->sync, .protect = prot.list,
		.db_path = db->path,
	};
	if (writer_run(&wo, render_node, &rc) >= 0)
		ret = 0;
out:
	for (size_t i = 0; fmts[i]; i++)
		if (fmts[i]->release)
			fmts[i]->release(states[i]);
	protect_free(&prot);
	return ret;
}

int cmd_genconfig(const struct cmd_env *env, int argc, char **argv)
{
	struct genconfig_opts o = { .output = "output", .psk = -1, .formats = { &format_wgquick } };
	struct db db = { 0 };
	struct psk_store store = { 0 };
	bool use_psk;
	struct lint_opts lo = { .only = -1, .report = lint_print, .ctx = &db };
	struct mesh mesh;
	bool built = false;
	struct stat st;
	long errors;
	int ret;

	if ((ret = parse(&o, argc, argv)) != 0)
		return ret < 0 ? 0 : ret;
	ret = 1;
	use_psk = o.psk == 1 || (o.psk == -1 && psk_store_exists(env->database));
	/* The store may be written: hold the database lock, as the writers do. */
	if (db_open(&db, env->database, DB_MUST_EXIST | (use_psk ? DB_LOCK : 0)) < 0)
		goto out;
	if (o.name && (lo.only = db_lookup(&db, "genconfig", o.name)) < 0)
		goto out;
	lo.legacy = o.legacy;
	/* One model for the checks and the files: its public keys are derived once. */
	struct mesh_opts mo = { .legacy = o.legacy };
	if (mesh_build(&mesh, &db, &mo) < 0)
		goto out;
	built = true;
	lo.mesh = &mesh;
	if ((errors = lint_db(&db, &lo)) != 0) {
		if (errors > 0)
			err_msg("genconfig: %ld error%s in %s: no file written", errors,
				errors > 1 ? "s" : "", env->database);
		else
			err_msg("out of memory");
		goto out;
	}
	/* Everything that can refuse, before anything is written. */
	if (use_psk && psk_load(&store, env->database) < 0)
		goto out;
	if (!o.file && stat(o.output, &st) == 0 && !S_ISDIR(st.st_mode)) {
		err_msg("genconfig: %s exists and is not a directory", o.output);
		goto out;
	}
	if (use_psk && psk_update(&store, &db) < 0)
		goto out;
	if (o.file) {
		/* The folder of FILE is the user's: neither created nor checked here. */
	} else if (stat(o.output, &st) < 0) {
		fprintf(stderr, "Creating output directory: %s\n", o.output);
		if (mkdir_parents(o.output) < 0) {
			err_msg("genconfig: %s: %s", o.output, strerror(errno));
			goto out;
		}
	} else if (st.st_mode & 0022) {
		warn_msg("%s can be written by other users, who could replace the files",
			 o.output);
	}
	ret = write_files(&o, &db, lo.only, &mesh, use_psk ? &store : NULL);
out:
	if (built)
		mesh_release(&mesh);
	psk_free(&store);
	db_close(&db);
	return ret;
}
