/* The options of addpeer and updatepeer, built from the attribute table. */
#ifndef WGM_PEEROPTS_H
#define WGM_PEEROPTS_H

#include "cmd/commands.h"
#include "store/attrs.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdio.h>

struct peer_opts {
	const char *cmd;	/* "addpeer" or "updatepeer", for messages */
	bool update;		/* updatepeer: --no-* options, empty values clear */
	const char *name;	/* the positional NAME */
	bool set[ATTR_COUNT];
	char *val[ATTR_COUNT];	/* lists joined by ',' */
	bool help;
	/* addpeer --network: the subnets to choose the Address from, as given */
	char **networks;
	size_t n_networks;
};

/* Parses argv (argv[0] is the command). Returns 0, or 2 on a usage error or an
 * invalid value (with a message). Free with peer_opts_free even on error. */
int peer_opts_parse(struct peer_opts *o, int argc, char **argv);
void peer_opts_free(struct peer_opts *o);

/* The option tables of addpeer and updatepeer (made from the attribute table in
 * b), and the completion kinds of their values. */
const struct option *peer_opts_add_table(struct optbuf *b);
const struct option *peer_opts_update_table(struct optbuf *b);
extern const struct option_kind peer_opts_kinds[];
void peer_opts_usage(FILE *f, const char *cmd, bool update);

/* Copies the values given on the command line into p. Returns 0, 2 when a
 * required value would become empty, 1 when out of memory (with a message). */
int peer_opts_apply(const struct peer_opts *o, struct peer *p);

#endif
