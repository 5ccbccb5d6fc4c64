#include "cmd/commands.h"
#include "lib/keys.h"
#include "lib/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* Each command with its options (beside its parser, in cmd_NAME.c), which
 * --help of the command, the completions and their tests all read. */
static const struct command commands[] = {
	{ "init", cmd_init, "create the database, or fill in its missing keys and ports",
	  &init_options },
	{ "addpeer", cmd_addpeer, "add a peer", &addpeer_options },
	{ "updatepeer", cmd_updatepeer, "change values of a peer", &updatepeer_options },
	{ "delpeer", cmd_delpeer, "delete a peer", &delpeer_options },
	{ "showpeers", cmd_showpeers, "show the peers", &showpeers_options },
	{ "genconfig", cmd_genconfig, "write the wg-quick configuration of every peer",
	  &genconfig_options },
	{ "rotate", cmd_rotate, "replace a peer's private key or preshared keys",
	  &rotate_options },
	{ "check", cmd_check, "find what would give broken or unsafe configurations",
	  &check_options },
	{ "import", cmd_import, "rebuild the database from existing wg-quick files",
	  &import_options },
	{ "deploy", cmd_deploy, "write and apply each peer's file on its host over ssh",
	  &deploy_options },
	{ "status", cmd_status, "compare the hosts' interfaces with the database",
	  &status_options },
	{ "verify", cmd_verify, "ping every peer from every host through the tunnels",
	  &verify_options },
	/* Hidden (no description): what the shell completions ask. */
	{ "__complete", cmd_complete, NULL, &complete_options },
};

static const struct option longopts[] = {
	{ "database", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const struct option_kind kinds[] = {
	{ "database", COMPLETE_FILE },
	{ NULL, 0 },
};
/* '+': stop at the command, whose own options follow it. */
static const struct cmd_options global_options = {
	.longopts = longopts, .shortopts = "+d:h", .kinds = kinds,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-h] [--version] [-d DATABASE] COMMAND [ARG]...\n\n"
		   "Keeps the peers of a WireGuard full mesh in one CSV database and writes\n"
		   "the wg-quick configuration of each.\n\n"
		   "options:\n"
		   "  -d, --database DATABASE  the database file (default: database.csv)\n"
		   "  -h, --help               show this help and exit\n"
		   "  --version                show the version and exit\n\n"
		   "commands:\n", prog_name);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].description)
			fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].description);
	fprintf(f, "\nRun '%s COMMAND --help' for the options of a command.\n", prog_name);
}

int main(int argc, char **argv)
{
	struct cmd_env env = { .database = "database.csv", .commands = commands,
			       .command_count = sizeof(commands) / sizeof(commands[0]),
			       .global = &global_options };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, global_options.shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			env.database = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog_name, WGM_VERSION);
			return 0;
		default: {
			char q[QUOTED_LEN];
			err_msg("option %s is not known or lacks its value",
				opt_refused(argv, q, sizeof(q)));
			fprintf(stderr, "Try '%s --help'.\n", prog_name);
			return 2;
		}
		}
	}
	if (optind >= argc) {
		err_msg("no command given");
		usage(stderr);
		return 2;
	}
	if (!*env.database) {
		err_msg("--database: empty file name");
		return 2;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		if (keys_init() < 0) {
			err_msg("cannot initialise libsodium");
			return 1;
		}
		return commands[i].fn(&env, argc - optind, argv + optind);
	}
	char q[QUOTED_LEN];
	if (plain_text(argv[optind]))
		err_msg("'%s' is not a command", argv[optind]);
	else
		err_msg("%s is not a command", quoted(argv[optind], q, sizeof(q)));
	fprintf(stderr, "Try '%s --help'.\n", prog_name);
	return 2;
}
