/* Checks a database for what would give broken or unsafe configurations. */
#ifndef WGM_LINT_H
#define WGM_LINT_H

#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A note says how the mesh works around something (a pair behind NAT that
 * talks through the relay): `check` prints it, genconfig does not. */
enum lint_severity { LINT_WARNING, LINT_ERROR, LINT_NOTE };

struct mesh;

struct lint_finding {
	enum lint_severity severity;
	const struct peer *peer;	/* NULL for the whole database */
	const char *column;		/* NULL when about the whole peer */
	const char *msg;
};

typedef void lint_report_fn(void *ctx, const struct lint_finding *f);

struct lint_opts {
	bool legacy;		/* AllowedIPs as 2.5.1 writes them: overlaps only warn */
	long only;		/* index of the one peer whose file is written, or -1 */
	bool pedantic;		/* also what only `check` warns about */
	lint_report_fn *report;
	void *ctx;
	/* The model of db (mesh_build with opts.legacy as above), or NULL: lint_db
	 * then builds one. The checks read routes, endpoints, keys and the relays
	 * from it; lint derives none of them. */
	const struct mesh *mesh;
};

/* Runs every check and reports each finding. Returns the number of errors,
 * or -1 when out of memory. */
long lint_db(const struct db *db, const struct lint_opts *opts);

/* What lint_peer compares. */
enum { LINT_PEER_KEY = 1, LINT_PEER_ADDRESS = 2 };

/* The checks that involve one peer (at index self, just added or changed) and
 * the others, for addpeer and updatepeer: with LINT_PEER_KEY, another peer with
 * the same public key (an error); with LINT_PEER_ADDRESS, another peer with one of
 * its addresses (a warning). O(n). Returns the number of errors reported. */
long lint_peer(const struct db *db, size_t self, unsigned what, const struct lint_opts *opts);

/* Only the check of lint_db for peers with the same public key, for init, which
 * fills a database typed in a spreadsheet. Returns the number of errors, or -1. */
long lint_keys(const struct db *db, const struct lint_opts *opts);

/* One line: "error: FILE:LINE: peer NAME: column COLUMN: message" (or
 * "warning: ", "note: "). */
void lint_fprint(FILE *out, const struct db *db, const struct lint_finding *f);
/* The default report: lint_fprint on stderr after the program name; ctx is the db. */
lint_report_fn lint_print;

#endif
