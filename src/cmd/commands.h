/* One function per subcommand, each in its own cmd_*.c file. Each takes the
 * arguments after the global options (argv[0] is the command name) and returns
 * the exit status: 0 success, 1 failure, 2 usage error. */
#ifndef WGM_COMMANDS_H
#define WGM_COMMANDS_H

struct cmd_env {
	const char *database;	/* -d/--database */
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

#endif
