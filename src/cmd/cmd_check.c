#include "cmd/commands.h"
#include "store/db.h"
#include "mesh/lint.h"
#include "store/psk.h"
#include "lib/json.h"
#include "lib/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tally {
	const struct db *db;
	size_t errors, warnings, notes;
	struct buf *json;	/* --json: the findings so far, else NULL */
	int failed;		/* out of memory while writing them */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] check [--json]\n\n"
		   "Check the whole database and print one line per finding:\n"
		   "  SEVERITY: FILE:LINE: peer NAME: column COLUMN: message\n"
		   "Exit 1 when there is an error, 0 when there are only warnings or none.\n"
		   "genconfig runs the same checks and writes nothing when one is an error.\n\n"
		   "  --json      the findings as one JSON object, for scripts\n"
		   "  -h, --help  show this help and exit\n",
		prog_name);
}

/* Long options without a short form: values past any character. */
enum { OPT_JSON = 0x100 };

static const struct option longopts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
const struct cmd_options check_options = {
	.longopts = longopts,
	.shortopts = "h",
	.positional = COMPLETE_NONE,
};

/* -1 after --help, 2 on a usage error, else 0. */
static int parse(int argc, char **argv, bool *json)
{
	char q[QUOTED_LEN];
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, check_options.shortopts, longopts, NULL)) != -1) {
		if (c == OPT_JSON) {
			*json = true;
			continue;
		}
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

/* A message as a JSON string; one that is not UTF-8 (none should be: they
 * quote what they name) goes with escapes. */
static int put_text(struct buf *out, const char *text)
{
	int rc = json_string(out, text);
	char m[1024];

	if (rc == JSON_EUTF8)
		rc = json_string(out, unhidden(text, m, sizeof(m)));
	return rc;
}

/* One finding as an object: severity, peer, line, field, message. */
static int put_finding(struct buf *out, enum lint_severity sev, const struct peer *p,
		       const char *field, const char *msg)
{
	static const char *const name[] = { [LINT_WARNING] = "warning", [LINT_ERROR] = "error",
					    [LINT_NOTE] = "note" };

	if (buf_printf(out, "%s\n    {\"severity\": \"%s\", \"peer\": ", out->len ? "," : "",
		       name[sev]) < 0 ||
	    (p ? put_text(out, peer_get(p, ATTR_NAME)) : buf_puts(out, "null")) < 0 ||
	    (p && p->line ? buf_printf(out, ", \"line\": %zu", p->line)
			  : buf_puts(out, ", \"line\": null")) < 0 ||
	    buf_puts(out, ", \"field\": ") < 0 ||
	    (field ? put_text(out, field) : buf_puts(out, "null")) < 0 ||
	    buf_puts(out, ", \"message\": ") < 0 || put_text(out, msg) < 0 || buf_putc(out, '}') < 0)
		return -1;
	return 0;
}

static void print_finding(void *ctx, const struct lint_finding *f)
{
	struct tally *t = ctx;

	if (t->json)
		t->failed |= put_finding(t->json, f->severity, f->peer, f->column, f->msg) < 0;
	else
		lint_fprint(stdout, t->db, f);
	if (f->severity == LINT_ERROR)
		t->errors++;
	else if (f->severity == LINT_WARNING)
		t->warnings++;
	t->notes += f->severity == LINT_NOTE;
}

/* A problem of the file, "FILE:LINE: [peer NAME: ][column C: ]message", as the
 * parts of a finding: the peer of that line and the column, when it names them. */
static int put_problem(struct buf *out, const struct db *db, const char *text)
{
	size_t plen = strlen(db->path), line = 0;
	const struct peer *p = NULL;
	const char *rest = text, *field = NULL;
	char col[64], q[QUOTED_LEN], prefix[QUOTED_LEN + 8];
	char *end;

	if (!strncmp(text, db->path, plen) && text[plen] == ':' &&
	    (line = strtoul(text + plen + 1, &end, 10)) && !strncmp(end, ": ", 2)) {
		rest = end + 2;
		for (size_t i = 0; i < db->count && !p; i++)
			if (db->peers[i].line == line)
				p = &db->peers[i];
		snprintf(prefix, sizeof(prefix), "peer %s: ",
			 p ? printable(peer_get(p, ATTR_NAME), q, sizeof(q)) : "");
		if (p && !strncmp(rest, prefix, strlen(prefix)))
			rest += strlen(prefix);
		const char *colon = strstr(rest, ": ");
		if (!strncmp(rest, "column ", 7) && colon && (size_t)(colon - rest - 7) < sizeof(col)) {
			snprintf(col, sizeof(col), "%.*s", (int)(colon - rest - 7), rest + 7);
			if (attr_by_column(col) >= 0) {
				field = col;
				rest = colon + 2;
			}
		}
	}
	if (!line)
		return put_finding(out, LINT_ERROR, NULL, NULL, text);
	/* A row that did not load has no peer: its line is in the message. */
	if (!p)
		return put_finding(out, LINT_ERROR, NULL, field, text);
	return put_finding(out, LINT_ERROR, p, field, rest);
}

/* The whole --json document: the counts, then the findings. */
static int print_json(const struct db *db, const struct tally *t)
{
	struct buf head = BUF_INIT;
	int ret = -1;

	if (buf_puts(&head, "{\n  \"version\": 1,\n  \"database\": ") < 0 ||
	    put_text(&head, db->path) < 0 ||
	    buf_printf(&head, ",\n  \"peers\": %zu,\n  \"errors\": %zu,\n  \"warnings\": %zu,\n"
				"  \"notes\": %zu,\n  \"findings\": [", db->count, t->errors,
		       t->warnings, t->notes) < 0)
		goto out;
	if (fputs(head.data, stdout) == EOF ||
	    (t->json->len && fputs(t->json->data, stdout) == EOF) ||
	    fputs(t->json->len ? "\n  ]\n}\n" : "]\n}\n", stdout) == EOF)
		goto out;
	ret = 0;
out:
	buf_free(&head);
	return ret;
}

int cmd_check(const struct cmd_env *env, int argc, char **argv)
{
	struct db db = { 0 };
	struct buf findings = BUF_INIT;
	struct tally t = { .db = &db };
	struct lint_opts lo = { .only = -1, .pedantic = true, .report = print_finding, .ctx = &t };
	bool json = false;
	int ret;

	if ((ret = parse(argc, argv, &json)) != 0)
		return ret < 0 ? 0 : ret;
	if (json)
		t.json = &findings;
	ret = 1;
	if (db_open(&db, env->database, DB_MUST_EXIST | DB_LENIENT) < 0)
		goto out;
	for (size_t i = 0; i < db.problem_count; i++) {
		char m[1024];
		if (json)
			t.failed |= put_problem(&findings, &db, db.problems[i]) < 0;
		else
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
		const char *path = store.path ? store.path : env->database;
		char m[1200];
		snprintf(m, sizeof(m), "%s: the preshared key store does not load (see above)", path);
		if (json)
			t.failed |= put_finding(&findings, LINT_ERROR, NULL, NULL, m) < 0;
		else
			printf("error: %s\n", m);
		t.errors++;
	}
	psk_free(&store);
	if (json) {
		if (t.failed || print_json(&db, &t) < 0) {
			err_msg("out of memory");
			goto out;
		}
	} else {
		printf("%s: %zu peer%s, %zu error%s, %zu warning%s\n", env->database, db.count,
		       db.count == 1 ? "" : "s", t.errors, t.errors == 1 ? "" : "s", t.warnings,
		       t.warnings == 1 ? "" : "s");
	}
	ret = t.errors ? 1 : 0;
out:
	buf_free(&findings);
	db_close(&db);
	return ret;
}
