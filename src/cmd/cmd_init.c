#include "cmd/commands.h"
#include "store/db.h"
#include "mesh/alloc.h"
#include "mesh/lint.h"
#include "store/psk.h"
#include "lib/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] init [--psk] [--network NET]...\n\n"
		   "Create an empty database, or fill in what can be generated (Address,\n"
		   "ListenPort, PrivateKey) on every peer of an existing one.\n\n"
		   "  --psk          also give every pair of peers a preshared key, kept in\n"
		   "                 DATABASE.psk (genconfig then writes them)\n"
		   "  --network NET  the subnet to take the lowest free address from for a\n"
		   "                 peer without Address (once for IPv4, once for IPv6);\n"
		   "                 by default the one the peers share\n"
		   "  -h, --help     show this help and exit\n", prog_name);
}

static const struct option longopts[] = {
	{ "psk", no_argument, NULL, 0x100 },
	{ "network", required_argument, NULL, 0x101 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
const struct cmd_options init_options = {
	.longopts = longopts,
	.shortopts = "h",
	.positional = COMPLETE_NONE,
};

#define MAX_NETS 2

/* Sets *psk and the --network subnets; -1 after --help, 2 on a usage error, else 0. */
static int parse(int argc, char **argv, bool *psk, struct ipnet *nets, size_t *n_nets)
{
	char q[QUOTED_LEN];
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, init_options.shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == 0x101) {
			char why[256];
			if (*n_nets == MAX_NETS) {
				err_msg("init: --network: one IPv4 and one IPv6 network at most");
				goto usage;
			}
			if (alloc_parse_network(&nets[*n_nets], optarg, why, sizeof(why)) < 0) {
				err_msg("init: --network: %s", why);
				return 2;
			}
			(*n_nets)++;
			continue;
		}
		if (c != 0x100) {
			err_msg("init: %s: only --psk and --network are accepted",
				opt_refused(argv, q, sizeof(q)));
			goto usage;
		}
		*psk = true;
	}
	if (optind == argc)
		return 0;
	err_msg("init: %s: only --psk and --network are accepted",
		printable(argv[optind], q, sizeof(q)));
usage:
	fprintf(stderr, "Try '%s init --help'.\n", prog_name);
	return 2;
}

int cmd_init(const struct cmd_env *env, int argc, char **argv)
{
	struct db db = { 0 };
	struct psk_store store = { 0 };
	size_t completed = 0;
	bool psk = false;
	char q[QUOTED_LEN];
	struct ipnet nets[MAX_NETS];
	size_t n_nets = 0;
	int ret;

	if ((ret = parse(argc, argv, &psk, nets, &n_nets)) != 0)
		return ret < 0 ? 0 : ret;
	ret = 1;
	if (db_open(&db, env->database, DB_LOCK) < 0 ||
	    (psk && psk_load(&store, env->database) < 0))
		goto out;
	if (!db.exists) {
		if (db_save(&db) < 0 || (psk && psk_update(&store, &db) < 0))
			goto out;
		printf("Empty database file %s has been created\n", env->database);
		ret = 0;
		goto out;
	}
	if (db.count == 0) {
		/* An empty file (a spreadsheet's new sheet): give it its header. */
		if (db_save(&db) < 0 || (psk && psk_update(&store, &db) < 0))
			goto out;
		printf("Database %s has no peers yet: fill in Name and Address\n",
		       env->database);
		ret = 0;
		goto out;
	}
	/* Rows typed with a name and no Address get one, in row order, each seeing
	 * those chosen before it. */
	for (size_t i = 0; i < db.count; i++) {
		struct peer *p = &db.peers[i];
		char address[ALLOC_STRLEN], why[256];
		if (*peer_get(p, ATTR_ADDRESS))
			continue;
		if (alloc_address(&db, nets, n_nets, address, why, sizeof(why)) < 0) {
			err_msg("init: %s:%zu: peer %s: column Address: empty, and no address can "
				"be chosen: %s", env->database, p->line,
				printable(peer_get(p, ATTR_NAME), q, sizeof(q)), why);
			goto out;
		}
		if (peer_set(p, ATTR_ADDRESS, address) < 0) {
			err_msg("out of memory");
			goto out;
		}
		printf("Address of %s: %s\n", printable(peer_get(p, ATTR_NAME), q, sizeof(q)),
		       address);
		completed++;
	}
	/* Keys typed or pasted in a spreadsheet: two that give one public key. */
	struct lint_opts lo = { .only = -1, .report = lint_print, .ctx = &db };
	if (lint_keys(&db, &lo) != 0)
		goto out;
	for (size_t i = 0; i < db.count; i++) {
		struct peer *p = &db.peers[i];
		char filled[256] = "";
		int n = peer_complete(p, filled, sizeof(filled));
		if (n < 0) {
			err_msg("out of memory");
			goto out;
		}
		if (!*peer_get(p, ATTR_ENDPOINT))
			warn_msg("%s:%zu: peer %s has no Endpoint: the others cannot reach it "
				 "first (fine behind NAT, with PersistentKeepalive)",
				 env->database, p->line,
				 printable(peer_get(p, ATTR_NAME), q, sizeof(q)));
		if (n) {
			printf("Completed peer %s: %s\n", printable(peer_get(p, ATTR_NAME), q,
								      sizeof(q)), filled);
			completed++;
		}
	}
	if (completed && db_save(&db) < 0)
		goto out;
	if (!completed)
		printf("Nothing to complete: all %zu peers of %s are complete\n", db.count,
		       env->database);
	if (psk && psk_update(&store, &db) < 0)
		goto out;
	ret = 0;
out:
	psk_free(&store);
	db_close(&db);
	return ret;
}
