/* One function per subcommand, each in its own cmd_*.c file. Each takes the
 * arguments after the global options (argv[0] is the command name) and returns
 * the exit status: 0 success, 1 failure, 2 usage error. */
#ifndef WGM_COMMANDS_H
#define WGM_COMMANDS_H

#include <getopt.h>
#include <stddef.h>

/* What the shell completes for an option's value or a positional argument:
 * the kinds `wg-meshconf __complete` prints (none, value, file, dir, format, peer). */
enum complete_kind {
	COMPLETE_NONE,		/* the option takes no value / no argument */
	COMPLETE_VALUE,		/* a value nothing can suggest (an address, a port) */
	COMPLETE_FILE,
	COMPLETE_DIR,
	COMPLETE_FORMAT,	/* --format's names, comma-separated */
	COMPLETE_PEER,		/* a peer name of the database */
};

struct option_kind {
	const char *name;	/* the long option */
	enum complete_kind kind;
};

/* A command's options: the very tables its parser gives getopt_long, so that the
 * completion (`__complete options CMD`) cannot miss one. An option that takes a
 * value and is not in `kinds` is completed as COMPLETE_VALUE. */
/* Room for an option table made at run time (names for the --no-* options). */
struct optbuf {
	struct option opts[64];
	char names[32][32];
};

struct cmd_options {
	const struct option *longopts;	/* NULL-terminated; NULL when made at run time */
	const char *shortopts;		/* getopt's short options ("ho:") */
	const struct option_kind *kinds;	/* { NULL } terminated, or NULL */
	enum complete_kind positional;	/* what the command's arguments are */
	/* Instead of longopts, for tables made at run time (addpeer, updatepeer
	 * from the attribute table): fills buf and returns its table. */
	const struct option *(*make)(struct optbuf *buf);
};

struct cmd_env;

/* A row of the command table of main.c. */
struct command {
	const char *name;
	int (*fn)(const struct cmd_env *env, int argc, char **argv);
	const char *description;	/* NULL: hidden from --help and completion */
	const struct cmd_options *options;
};

struct cmd_env {
	const char *database;	/* -d/--database */
	const struct command *commands;	/* the table of main.c, for __complete */
	size_t command_count;
	const struct cmd_options *global;	/* main's own options */
};

int cmd_init(const struct cmd_env *env, int argc, char **argv);
int cmd_addpeer(const struct cmd_env *env, int argc, char **argv);
int cmd_updatepeer(const struct cmd_env *env, int argc, char **argv);
int cmd_delpeer(const struct cmd_env *env, int argc, char **argv);
int cmd_showpeers(const struct cmd_env *env, int argc, char **argv);
int cmd_check(const struct cmd_env *env, int argc, char **argv);
int cmd_rotate(const struct cmd_env *env, int argc, char **argv);
int cmd_import(const struct cmd_env *env, int argc, char **argv);
int cmd_genconfig(const struct cmd_env *env, int argc, char **argv);
int cmd_deploy(const struct cmd_env *env, int argc, char **argv);
int cmd_status(const struct cmd_env *env, int argc, char **argv);
int cmd_verify(const struct cmd_env *env, int argc, char **argv);
int cmd_complete(const struct cmd_env *env, int argc, char **argv);

/* Each command's options, beside its parser; main.c's table points to them. */
extern const struct cmd_options init_options;
extern const struct cmd_options addpeer_options;
extern const struct cmd_options updatepeer_options;
extern const struct cmd_options delpeer_options;
extern const struct cmd_options showpeers_options;
extern const struct cmd_options check_options;
extern const struct cmd_options rotate_options;
extern const struct cmd_options genconfig_options;
extern const struct cmd_options import_options;
extern const struct cmd_options complete_options;
extern const struct cmd_options deploy_options;
extern const struct cmd_options status_options;
extern const struct cmd_options verify_options;

/* The option table of o (made in buf when o->make). */
const struct option *cmd_longopts(const struct cmd_options *o, struct optbuf *buf);

#endif
