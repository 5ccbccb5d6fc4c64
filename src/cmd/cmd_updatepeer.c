#include "cmd/commands.h"
#include "store/db.h"
#include "mesh/lint.h"
#include "cmd/peeropts.h"
#include "lib/util.h"

#include <stdio.h>

const struct cmd_options updatepeer_options = {
	.make = peer_opts_update_table,
	.shortopts = "h",
	.kinds = peer_opts_kinds,
	.positional = COMPLETE_PEER,
};

int cmd_updatepeer(const struct cmd_env *env, int argc, char **argv)
{
	struct peer_opts o = { .cmd = "updatepeer", .update = true };
	struct db db = { 0 };
	long i;
	int ret;

	if ((ret = peer_opts_parse(&o, argc, argv)) != 0 || o.help) {
		if (o.help)
			peer_opts_usage(stdout, o.cmd, true);
		goto out;
	}
	ret = 1;
	if (db_open(&db, env->database, DB_LOCK | DB_MUST_EXIST) < 0)
		goto out;
	if ((i = db_lookup(&db, "updatepeer", o.name)) < 0)
		goto out;
	if ((ret = peer_opts_apply(&o, &db.peers[i])) != 0)
		goto out;
	/* A new key or address must not be another peer's. */
	struct lint_opts lo = { .only = -1, .report = lint_print, .ctx = &db };
	unsigned what = (o.set[ATTR_PRIVATEKEY] ? LINT_PEER_KEY : 0u) |
			(o.set[ATTR_ADDRESS] ? LINT_PEER_ADDRESS : 0u);
	if (what && lint_peer(&db, (size_t)i, what, &lo) != 0) {
		ret = 1;
		goto out;
	}
	/* Nothing given, nothing to write: the file keeps its bytes and its mtime. */
	for (int a = 0; a < ATTR_COUNT; a++)
		if (o.set[a]) {
			ret = db_save(&db) < 0 ? 1 : 0;
			break;
		}
out:
	db_close(&db);
	peer_opts_free(&o);
	return ret;
}
