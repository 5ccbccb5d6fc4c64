#include "cmd/commands.h"
#include "store/db.h"
#include "mesh/alloc.h"
#include "mesh/lint.h"
#include "cmd/peeropts.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>

const struct cmd_options addpeer_options = {
	.make = peer_opts_add_table,
	.shortopts = "h",
	.kinds = peer_opts_kinds,
	.positional = COMPLETE_NONE,
};

int cmd_addpeer(const struct cmd_env *env, int argc, char **argv)
{
	struct peer_opts o = { .cmd = "addpeer" };
	struct db db = { 0 };
	struct peer *p;
	struct ipnet *nets = NULL;
	char address[ALLOC_STRLEN] = "", why[256];
	int ret;

	if ((ret = peer_opts_parse(&o, argc, argv)) != 0 || o.help) {
		if (o.help)
			peer_opts_usage(stdout, o.cmd, false);
		goto out_opts;
	}
	ret = 2;
	if (o.n_networks && !(nets = calloc(o.n_networks, sizeof(*nets))))
		goto out;
	for (size_t i = 0; i < o.n_networks; i++)
		if (alloc_parse_network(&nets[i], o.networks[i], why, sizeof(why)) < 0) {
			err_msg("addpeer: --network: %s", why);
			goto out;
		}
	ret = 1;
	if (db_open(&db, env->database, DB_LOCK) < 0)
		goto out;
	if (db_find(&db, o.name) >= 0) {
		char q[QUOTED_LEN];
		err_msg("addpeer: peer %s already exists in %s", printable(o.name, q, sizeof(q)),
			env->database);
		goto out;
	}
	/* Chosen under the lock: a concurrent addpeer sees this one's address. */
	if (!o.set[ATTR_ADDRESS] &&
	    alloc_address(&db, nets, o.n_networks, address, why, sizeof(why)) < 0) {
		err_msg("addpeer: %s; or give --address", why);
		goto out;
	}
	if (!(p = db_add(&db))) {
		err_msg("out of memory");
		goto out;
	}
	if (peer_set(p, ATTR_NAME, o.name) < 0 || (*address && peer_set(p, ATTR_ADDRESS, address) < 0) ||
	    (ret = peer_opts_apply(&o, p)) != 0) {
		ret = ret ? ret : 1;
		goto out;
	}
	ret = 1;
	if (peer_complete(p, NULL, 0) < 0)
		goto out;
	/* Refused now rather than by the next genconfig: another peer's key or address. */
	struct lint_opts lo = { .only = -1, .report = lint_print, .ctx = &db };
	if (lint_peer(&db, db.count - 1, LINT_PEER_KEY | LINT_PEER_ADDRESS, &lo) != 0)
		goto out;
	if (!attr_is_ifname(o.name)) {
		char q[QUOTED_LEN];
		warn_msg("%s is not a valid interface name for wg-quick ([a-zA-Z0-9_=+.-]{1,15}); "
			 "use genconfig --interface to bring it up", printable(o.name, q, sizeof(q)));
	}
	if (db_save(&db) < 0)
		goto out;
	if (*address) {
		char q[QUOTED_LEN];
		printf("Address of %s: %s\n", printable(o.name, q, sizeof(q)), address);
	}
	ret = 0;
out:
	free(nets);
	db_close(&db);
out_opts:
	peer_opts_free(&o);
	return ret;
}
