#include "cmd/commands.h"
#include "store/db.h"
#include "store/psk.h"
#include "lib/util.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] delpeer NAME\n\n"
		   "Delete the peer NAME from the database.\n", prog_name);
}

int cmd_delpeer(const struct cmd_env *env, int argc, char **argv)
{
	struct db db = { 0 };
	struct psk_store store = { 0 };
	long i;
	int ret = 1;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && argv[1][0] == '-' && argv[1][1]) {
		err_msg("delpeer: option %s is not known", argv[1]);
		fprintf(stderr, "Try '%s delpeer --help'.\n", prog_name);
		return 2;
	}
	if (argc != 2) {
		err_msg(argc < 2 ? "delpeer: the peer NAME is missing"
				 : "delpeer: takes one peer NAME");
		fprintf(stderr, "Try '%s delpeer --help'.\n", prog_name);
		return 2;
	}
	if (db_open(&db, env->database, DB_LOCK | DB_MUST_EXIST) < 0)
		goto out;
	if ((i = db_lookup(&db, "delpeer", argv[1])) < 0)
		goto out;
	/* Its preshared keys go with it: a new peer of the same name gets new ones.
	 * Read the store first, so that a corrupt one stops before any change. */
	if (psk_load(&store, env->database) < 0)
		goto out;
	/* The store first: if the database cannot be saved after it, the only
	 * effect is new keys for the peer's pairs at the next genconfig. */
	psk_forget(&store, argv[1]);
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
