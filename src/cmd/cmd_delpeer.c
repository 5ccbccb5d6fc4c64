#include "cmd/commands.h"
#include "store/db.h"
#include "store/psk.h"
#include "lib/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] delpeer [--] NAME\n\n"
		   "Delete the peer NAME from the database, with its preshared keys.\n\n"
		   "  -h, --help  show this help and exit\n"
		   "  --          end of the options: a NAME that starts with '-' follows\n",
		prog_name);
}

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
const struct cmd_options delpeer_options = {
	.longopts = longopts,
	.shortopts = "h",
	.positional = COMPLETE_PEER,
};

/* The NAME argument, after the options (getopt's "--" ends them). 0 with
 * *name set, -1 after --help, 2 on a usage error. */
static int parse(int argc, char **argv, const char **name)
{
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, delpeer_options.shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		char q[QUOTED_LEN];
		err_msg("delpeer: option %s is not known", opt_refused(argv, q, sizeof(q)));
		goto usage;
	}
	if (optind != argc - 1) {
		err_msg(optind >= argc ? "delpeer: the peer NAME is missing"
				       : "delpeer: takes one peer NAME");
		goto usage;
	}
	*name = argv[optind];
	return 0;
usage:
	fprintf(stderr, "Try '%s delpeer --help'.\n", prog_name);
	return 2;
}

int cmd_delpeer(const struct cmd_env *env, int argc, char **argv)
{
	struct db db = { 0 };
	struct psk_store store = { 0 };
	const char *name = NULL;
	long i;
	int ret;

	if ((ret = parse(argc, argv, &name)) != 0)
		return ret < 0 ? 0 : ret;
	ret = 1;
	if (db_open(&db, env->database, DB_LOCK | DB_MUST_EXIST) < 0)
		goto out;
	if ((i = db_lookup(&db, "delpeer", name)) < 0)
		goto out;
	/* Its preshared keys go with it: a new peer of the same name gets new ones.
	 * Read the store first, so that a corrupt one stops before any change. */
	if (psk_load(&store, env->database) < 0)
		goto out;
	/* The store first: if the database cannot be saved after it, the only
	 * effect is new keys for the peer's pairs at the next genconfig. */
	psk_forget(&store, name);
	if (store.dirty && psk_save(&store) < 0)
		goto out;
	db_remove(&db, (size_t)i);
	if (db_save(&db) < 0)
		goto out;
	ret = 0;
out:
	psk_free(&store);
	db_close(&db);
	return ret;
}
