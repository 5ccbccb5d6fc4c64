#include "cmd/commands.h"
#include "store/db.h"
#include "mesh/lint.h"
#include "store/psk.h"
#include "lib/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

struct tally {
	const struct db *db;
	size_t errors, warnings;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] check\n\n"
		   "Check the whole database and print one line per finding:\n"
		   "  SEVERITY: FILE:LINE: peer NAME: column COLUMN: message\n"
		   "Exit 1 when there is an error, 0 when there are only warnings or none.\n"
		   "genconfig runs the same checks and writes nothing when one is an error.\n\n"
		   "  -h, --help  show this help and exit\n",
		prog_name);
}

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
const struct cmd_options check_options = {
	.longopts = longopts,
	.shortopts = "h",
	.positional = COMPLETE_NONE,
};

/* -1 after --help, 2 on a usage error, else 0. */
static int parse(int argc, char **argv)
{
	char q[QUOTED_LEN];
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, check_options.shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		err_msg("check: option %s is not known", opt_refused(argv, q, sizeof(q)));
		goto usage;
	}
	if (optind == argc)
		return 0;
	err_msg("check: takes no argument");
usage:
	fprintf(stderr, "Try '%s check --help'.\n", prog_name);
	return 2;
}

static void print_finding(void *ctx, const struct lint_finding *f)
{
	struct tally *t = ctx;

	lint_fprint(stdout, t->db, f);
	if (f->severity == LINT_ERROR)
		t->errors++;
	else if (f->severity == LINT_WARNING)
		t->warnings++;
}

int cmd_check(const struct cmd_env *env, int argc, char **argv)
{
	struct db db = { 0 };
	struct tally t = { &db, 0, 0 };
	struct lint_opts lo = { .only = -1, .pedantic = true, .report = print_finding, .ctx = &t };
	int ret;

	if ((ret = parse(argc, argv)) != 0)
		return ret < 0 ? 0 : ret;
	ret = 1;
	if (db_open(&db, env->database, DB_MUST_EXIST | DB_LENIENT) < 0)
		goto out;
	for (size_t i = 0; i < db.problem_count; i++) {
		char m[1024];
		printf("error: %s\n", unhidden(db.problems[i], m, sizeof(m)));
	}
	t.errors += db.problem_count;
	if (lint_db(&db, &lo) < 0) {
		err_msg("out of memory");
		goto out;
	}
	/* The preshared keys are part of what genconfig reads. */
	struct psk_store store;
	if (psk_load(&store, env->database) < 0) {
		printf("error: %s: the preshared key store does not load (see above)\n",
		       store.path ? store.path : env->database);
		t.errors++;
	}
	psk_free(&store);
	printf("%s: %zu peer%s, %zu error%s, %zu warning%s\n", env->database, db.count,
	       db.count == 1 ? "" : "s", t.errors, t.errors == 1 ? "" : "s", t.warnings,
	       t.warnings == 1 ? "" : "s");
	ret = t.errors ? 1 : 0;
out:
	db_close(&db);
	return ret;
}
