#include "cmd/commands.h"
#include "store/db.h"
#include "store/psk.h"
#include "lib/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] rotate [--] NAME\n"
		   "       %s [-d DATABASE] rotate --psk [--] NAME\n"
		   "       %s [-d DATABASE] rotate --psk --all\n\n"
		   "Replace keys. Without --psk: a new private key for NAME, whose public key\n"
		   "is in every other peer's file. With --psk: new preshared keys for the\n"
		   "pairs of NAME, or of every pair with --all. Then run genconfig and deploy\n"
		   "the files it lists. A running interface takes a new preshared key at its\n"
		   "next handshake (within two minutes); `wg syncconf` alone keeps the old\n"
		   "session until then.\n\n"
		   "  --psk       the preshared keys instead of the private key\n"
		   "  --all       with --psk: every pair of the mesh\n"
		   "  -h, --help  show this help and exit\n"
		   "  --          end of the options: a NAME that starts with '-' follows\n",
		prog_name, prog_name, prog_name);
}

/* Which files change, so the user knows what to copy to which host. */
static void tell_redeploy(const struct db *db, const char *name, bool psk)
{
	char q[QUOTED_LEN];

	printf("Run genconfig, then deploy the new files: ");
	if (!name) {
		printf("every peer's file.\n");
		return;
	}
	printf("%s.conf", printable(name, q, sizeof(q)));
	for (size_t i = 0; i < db->count; i++) {
		const char *other = peer_get(&db->peers[i], ATTR_NAME);
		if (strcmp(other, name))
			printf(", %s.conf", printable(other, q, sizeof(q)));
	}
	printf("%s\n", psk ? "" : " (each holds the new public key)");
}

static const struct option longopts[] = {
	{ "psk", no_argument, NULL, 0x100 },
	{ "all", no_argument, NULL, 0x101 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
const struct cmd_options rotate_options = {
	.longopts = longopts,
	.shortopts = "h",
	.positional = COMPLETE_PEER,
};

int cmd_rotate(const struct cmd_env *env, int argc, char **argv)
{
	struct db db = { 0 };
	struct psk_store store = { 0 };
	bool psk = false, all = false;
	const char *name = NULL;
	long i = -1;
	int c, ret = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, rotate_options.shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == 0x100) {
			psk = true;
		} else if (c == 0x101) {
			all = true;
		} else {
			char q[QUOTED_LEN];
			err_msg("rotate: option %s is not known", opt_refused(argv, q, sizeof(q)));
			goto try_help;
		}
	}
	if (optind < argc)
		name = argv[optind++];
	if (optind < argc || (all && (name || !psk)) || (!all && !name))
		goto usage;
	if (db_open(&db, env->database, DB_LOCK | DB_MUST_EXIST) < 0)
		goto out;
	if (name && (i = db_lookup(&db, "rotate", name)) < 0)
		goto out;
	if (!psk) {
		if (peer_new_key(&db.peers[i], ATTR_PRIVATEKEY) < 0 || db_save(&db) < 0)
			goto out;
		char q[QUOTED_LEN];
		printf("New private key for %s.\n", printable(name, q, sizeof(q)));
	} else {
		if (psk_load(&store, env->database) < 0)
			goto out;
		if (!store.exists) {
			err_msg("rotate: %s has no preshared keys (turn them on with genconfig "
				"--psk)", env->database);
			goto out;
		}
		/* Pairs the store lacks get keys first, so every pair is rotated. */
		if (psk_sync(&store, &db) < 0)
			goto out;
		size_t n = psk_rotate(&store, name);
		if (psk_save(&store) < 0)
			goto out;
		printf("%zu new preshared key%s.\n", n, n == 1 ? "" : "s");
	}
	tell_redeploy(&db, name, psk);
	ret = 0;
out:
	psk_free(&store);
	db_close(&db);
	return ret;
usage:
	err_msg("rotate: expected NAME, --psk NAME or --psk --all");
try_help:
	fprintf(stderr, "Try '%s rotate --help'.\n", prog_name);
	return 2;
}
