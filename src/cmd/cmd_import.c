#include "cmd/commands.h"
#include "importer/rebuild.h"
#include "importer/wgparse.h"
#include "lib/util.h"
#include "store/db.h"
#include "store/psk.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] import [--dry-run] [--merge]\n"
		   "                   FILE.conf...|FOLDER\n\n"
		   "Rebuild the database of a mesh from its wg-quick files (one per peer, as\n"
		   "genconfig or wg-meshconf 2.5.1 writes them; a FOLDER gives its *.conf).\n"
		   "What the files disagree on is reported, one line each, and then nothing\n"
		   "is written.\n\n"
		   "  --dry-run   print the database that would be written (private keys\n"
		   "              hidden) and write nothing\n"
		   "  --merge     add the peers to an existing database (by default the\n"
		   "              database must not exist yet)\n"
		   "  -h, --help  show this help and exit\n", prog_name);
}

struct args {
	bool dry_run, merge;
	char **paths;
	size_t n;
};

static int push_path(struct args *a, const char *path)
{
	char **grown = realloc(a->paths, (a->n + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	a->paths = grown;
	if (!(a->paths[a->n] = xstrdup(path)))
		return -1;
	a->n++;
	return 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* A folder's *.conf files, in name order. */
static int push_folder(struct args *a, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t first = a->n;
	int ret = 0;

	if (!d) {
		err_msg("import: %s: %s", dir, strerror(errno));
		return 1;
	}
	while (ret == 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name), plen = strlen(dir) + len + 2;
		char *path;
		if (len <= 5 || strcmp(e->d_name + len - 5, ".conf") || e->d_name[0] == '.')
			continue;
		if (!(path = malloc(plen))) {
			ret = -1;
			break;
		}
		snprintf(path, plen, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		ret = push_path(a, path);
		free(path);
	}
	closedir(d);
	if (ret < 0)
		return ret;
	if (a->n == first) {
		err_msg("import: %s: no .conf file in this folder", dir);
		return 1;
	}
	qsort(a->paths + first, a->n - first, sizeof(*a->paths), cmp_str);
	return 0;
}

static const struct option longopts[] = {
	{ "dry-run", no_argument, NULL, 0x100 },
	{ "merge", no_argument, NULL, 0x101 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
const struct cmd_options import_options = {
	.longopts = longopts,
	.shortopts = "h",
	.positional = COMPLETE_FILE,
};

/* -1 after --help, 2 on a usage error, 1 on a failure, else 0. */
static int parse(int argc, char **argv, struct args *a)
{
	char q[QUOTED_LEN];
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, import_options.shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == 0x100)
			a->dry_run = true;
		else if (c == 0x101)
			a->merge = true;
		else {
			err_msg("import: option %s is not known", opt_refused(argv, q, sizeof(q)));
			goto usage;
		}
	}
	if (optind == argc) {
		err_msg("import: give the wg-quick files, or their folder");
		goto usage;
	}
	for (int i = optind; i < argc; i++) {
		struct stat st;
		int r;
		if (stat(argv[i], &st) < 0) {
			err_msg("import: %s: %s", printable(argv[i], q, sizeof(q)), strerror(errno));
			return 1;
		}
		r = S_ISDIR(st.st_mode) ? push_folder(a, argv[i]) : push_path(a, argv[i]);
		if (r < 0)
			err_msg("out of memory");
		if (r)
			return 1;
	}
	return 0;
usage:
	fprintf(stderr, "Try '%s import --help'.\n", prog_name);
	return 2;
}

static void print_conflict(void *ctx, const char *line)
{
	char m[1200];

	(void)ctx;
	err_msg("import: %s", unhidden(line, m, sizeof(m)));
}

static void print_note(void *ctx, const char *line)
{
	char m[1200];

	(void)ctx;
	fprintf(stderr, "%s: note: %s\n", prog_name, unhidden(line, m, sizeof(m)));
}

/* The database that would be written, its private keys hidden. */
static int dry_run(struct db *db, size_t first, const struct psk_store *psk, bool has_psk)
{
	static char hidden[] = "(hidden)";
	struct buf out = BUF_INIT;
	char **keep = calloc(db->count + 1, sizeof(*keep));
	int ret = -1;

	if (!keep)
		goto out;
	for (size_t i = 0; i < db->count; i++) {
		keep[i] = db->peers[i].val[ATTR_PRIVATEKEY];
		db->peers[i].val[ATTR_PRIVATEKEY] = hidden;
	}
	ret = db_serialize(db, &out);
	for (size_t i = 0; i < db->count; i++)
		db->peers[i].val[ATTR_PRIVATEKEY] = keep[i];
	if (ret < 0)
		goto out;
	printf("Would write %s (%zu new peer%s):\n", db->path, db->count - first,
	       db->count - first == 1 ? "" : "s");
	fwrite(out.data, 1, out.len, stdout);
	if (has_psk)
		printf("and %zu preshared key%s into %s\n", psk->count, psk->count == 1 ? "" : "s",
		       psk->path);
	ret = 0;
out:
	if (ret < 0)
		err_msg("out of memory");
	free(keep);
	buf_free(&out);
	return ret;
}

int cmd_import(const struct cmd_env *env, int argc, char **argv)
{
	struct args a = { 0 };
	struct wgp_file *files = NULL;
	struct db db = { 0 };
	struct psk_store store = { 0 };
	struct rebuild_report rep = { print_conflict, print_note, NULL };
	size_t bad = 0, first;
	bool has_psk = false;
	long conflicts;
	int ret;

	if ((ret = parse(argc, argv, &a)) != 0) {
		ret = ret < 0 ? 0 : ret;
		goto out;
	}
	ret = 1;
	if (!(files = calloc(a.n, sizeof(*files)))) {
		err_msg("out of memory");
		goto out;
	}
	/* Every file that does not parse is named before stopping. */
	for (size_t i = 0; i < a.n; i++) {
		char err[512], m[600];
		if (wgp_load(&files[i], a.paths[i], err, sizeof(err)) < 0) {
			err_msg("import: %s", unhidden(err, m, sizeof(m)));
			bad++;
		}
	}
	if (bad)
		goto out;
	if (db_open(&db, env->database, DB_LOCK) < 0)
		goto out;
	if (db.exists && !a.merge) {
		err_msg("import: %s already exists: import into a new database (-d NEW.csv), or "
			"add to this one with --merge", env->database);
		goto out;
	}
	if (psk_load(&store, env->database) < 0)
		goto out;
	if (store.exists && !db.exists) {
		err_msg("import: %s exists without its database: move it away first", store.path);
		goto out;
	}
	first = db.count;
	if ((conflicts = rebuild_db(files, a.n, &db, &store, &has_psk, &rep)) < 0) {
		err_msg("out of memory");
		goto out;
	}
	if (conflicts) {
		err_msg("import: %ld conflict%s: nothing written", conflicts, conflicts == 1 ? "" : "s");
		goto out;
	}
	if (has_psk && db.count > first && first && !store.exists)
		fprintf(stderr, "%s: note: %s is new: the next genconfig gives every other pair of "
			"peers of %s a preshared key too\n", prog_name, store.path, env->database);
	if (a.dry_run) {
		ret = dry_run(&db, first, &store, has_psk) < 0 ? 1 : 0;
		goto out;
	}
	/* The store first: the database is what makes the import happen, and a
	 * store it failed to go with is removed. */
	bool store_existed = store.exists;
	if (has_psk && psk_save(&store) < 0)
		goto out;
	if (db_save(&db) < 0) {
		if (has_psk && !store_existed)
			unlink(store.path);
		goto out;
	}
	printf("Imported %zu peer%s from %zu file%s into %s", db.count - first,
	       db.count - first == 1 ? "" : "s", a.n, a.n == 1 ? "" : "s", env->database);
	if (has_psk)
		printf(", their preshared keys into %s", store.path);
	printf("\n");
	ret = 0;
out:
	psk_free(&store);
	db_close(&db);
	for (size_t i = 0; files && i < a.n; i++)
		wgp_free(&files[i]);
	free(files);
	for (size_t i = 0; i < a.n; i++)
		free(a.paths[i]);
	free(a.paths);
	return ret;
}
