/* What deploy, status and verify share: the ssh options (-F, -o, --ssh-command,
 * -j, --timeout), loading the mesh with the checks of genconfig, and choosing
 * the hosts and where ssh reaches each. */
#ifndef WGM_REMOTEOPTS_H
#define WGM_REMOTEOPTS_H

#include "cmd/commands.h"
#include "mesh/model.h"
#include "remote/ssh.h"
#include "store/db.h"
#include "store/psk.h"

#include <getopt.h>
#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>

struct remote_opts {
	struct ssh_config ssh;
	size_t jobs;		/* -j: hosts at once (default 16) */
	unsigned timeout;	/* --timeout: seconds per step on a host (default 60) */
	const char *ifname;	/* --interface, or NULL: the peer's name */
	const char *dir;	/* --remote-dir (default /etc/wireguard) */
};

/* The long options above, to put in a command's table (with a NULL end). */
#define REMOTE_LONGOPTS                                                       \
	{ "ssh-config", required_argument, NULL, 'F' },                           \
	{ "ssh-option", required_argument, NULL, 'o' },                           \
	{ "ssh-command", required_argument, NULL, 0x300 },                        \
	{ "jobs", required_argument, NULL, 'j' },                                 \
	{ "timeout", required_argument, NULL, 0x301 },                            \
	{ "interface", required_argument, NULL, 0x302 },                          \
	{ "remote-dir", required_argument, NULL, 0x303 }
#define REMOTE_SHORTOPTS "F:o:j:"
/* What the shell completes for them (commands.h). */
#define REMOTE_KINDS                                                          \
	{ "ssh-config", COMPLETE_FILE }, { "ssh-command", COMPLETE_FILE },        \
	{ "remote-dir", COMPLETE_VALUE }

/* The lines of --help for these options. */
void remote_opts_usage(FILE *f);

void remote_opts_init(struct remote_opts *o);

/* An option's value, a whole number from 1 to max: 0, or -1 after the message
 * "CMD: OPT: "ARG" is not a whole number from 1 to MAX". */
int remote_opt_number(const char *cmd, const char *opt, const char *arg, unsigned long max,
		      unsigned long *out);

/* Takes option c (from getopt_long) when it is one of ours: 1 taken, 0 not
 * ours, -1 a bad value (said, naming cmd). */
int remote_opts_take(struct remote_opts *o, const char *cmd, int c, const char *arg);

/* The interface name on node n's host: --interface, else the peer's name. */
const char *remote_ifname(const struct remote_opts *o, const struct mesh_node *n);

/* Loads the database, runs genconfig's checks (an error stops everything),
 * loads the preshared keys (psk as genconfig: 1 --psk, 0 --no-psk, -1 when the
 * store exists; with update, new pairs get keys, as genconfig gives them) and
 * builds the mesh. 0, or -1 with messages. */
struct remote_mesh {
	struct db db;
	struct psk_store psk;
	struct mesh mesh;
	bool built;
};
int remote_load(struct remote_mesh *rm, const struct cmd_env *env, const char *cmd,
		bool legacy, int psk, bool update);
void remote_release(struct remote_mesh *rm);

/* A host to reach: a node of the mesh and where ssh finds it. */
struct remote_host {
	size_t node;
	struct ssh_target target;
	char label[300];	/* "NAME (user@host)" for messages */
};

/* The hosts of names (all when n == 0; an unknown name is an error), each at its
 * SSH column, else its Endpoint's host; a peer with neither is skipped with a
 * note. Allocates *out (free with free()). 0, or -1 with a message. */
int remote_select(const struct mesh *m, const char *cmd, char **names, int n,
		  struct remote_host **out, size_t *count);

/* "deploy: 3/20 hosts" on standard error while the hosts are worked on, when it
 * is a terminal; erased at the end. Safe from several threads. */
struct remote_progress {
	const char *cmd;
	size_t total;
	size_t done;		/* atomically increased */
	bool tty;
};
void remote_progress_start(struct remote_progress *p, const char *cmd, size_t total);
void remote_progress_step(struct remote_progress *p);
void remote_progress_end(const struct remote_progress *p);

/* Ends the ssh connections of the hosts and removes the ControlPath folder. */
void remote_opts_stop(struct remote_opts *o, const struct remote_host *h, size_t n);

#endif
