/* The hidden `__complete` command that the shell completions call: everything
 * they offer comes from here, from the tables the option parsers use. Its
 * output is the protocol of completions/ (one item a line):
 *   commands         NAME<TAB>DESCRIPTION of every command
 *   options [CMD]    OPTION<TAB>KIND of CMD's options (the global ones without CMD)
 *   positional CMD   KIND of CMD's arguments
 *   peers            the peer names of the database (-d, default database.csv)
 *   formats          the --format names
 * KIND: none, value, file, dir, format or peer. */
#include "cmd/commands.h"
#include "formats/format.h"
#include "store/db.h"
#include "lib/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const kind_names[] = {
	[COMPLETE_NONE] = "none", [COMPLETE_VALUE] = "value", [COMPLETE_FILE] = "file",
	[COMPLETE_DIR] = "dir", [COMPLETE_FORMAT] = "format", [COMPLETE_PEER] = "peer",
};

static const struct option nolongopts[] = { { NULL, 0, NULL, 0 } };
const struct cmd_options complete_options = { .longopts = nolongopts, .shortopts = "" };

const struct option *cmd_longopts(const struct cmd_options *o, struct optbuf *buf)
{
	return o->make ? o->make(buf) : o->longopts;
}

static enum complete_kind kind_of(const struct cmd_options *o, const struct option *lo)
{
	if (lo->has_arg == no_argument)
		return COMPLETE_NONE;
	for (const struct option_kind *k = o->kinds; k && k->name; k++)
		if (!strcmp(k->name, lo->name))
			return k->kind;
	return COMPLETE_VALUE;
}

/* Whether getopt's short options declare c (not the flags '+', '-', ':'). */
static bool has_short(const char *shortopts, int c)
{
	if (c <= 0 || c >= 0x80 || c == ':' || c == '+' || c == '-')
		return false;
	return strchr(shortopts, c) != NULL;
}

static void print_options(const struct cmd_options *o)
{
	struct optbuf buf;
	const struct option *lo;
	const char *s;

	if (!o)
		return;
	lo = cmd_longopts(o, &buf);
	for (; lo->name; lo++) {
		const char *kind = kind_names[kind_of(o, lo)];
		if (!lo->flag && has_short(o->shortopts, lo->val))
			printf("-%c\t%s\n", lo->val, kind);
		printf("--%s\t%s\n", lo->name, kind);
	}
	/* Short options without a long form. */
	for (s = o->shortopts; *s; s++) {
		const struct option *l;
		if (!has_short(o->shortopts, *s))
			continue;
		for (l = cmd_longopts(o, &buf); l->name; l++)
			if (!l->flag && l->val == *s)
				break;
		if (!l->name)
			printf("-%c\t%s\n", *s, kind_names[s[1] == ':' ? COMPLETE_VALUE : COMPLETE_NONE]);
	}
}

/* The names of the peers, for a shell that is being typed in: the database is
 * read without its lock (writers replace it atomically) and leniently, and
 * whatever is wrong with it, or with a name, is silence, not an error. */
static int print_peers(const char *database)
{
	struct db db = { 0 };
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	if (db_open(&db, database, DB_MUST_EXIST | DB_LENIENT) == 0)
		for (size_t i = 0; i < db.count; i++) {
			const char *name = peer_get(&db.peers[i], ATTR_NAME);
			/* One a line, and nothing a shell would take for two words. */
			if (*name && plain_text(name) && !strpbrk(name, " \t"))
				printf("%s\n", name);
		}
	db_close(&db);
	return 0;
}

static const struct command *find(const struct cmd_env *env, const char *name)
{
	for (size_t i = 0; i < env->command_count; i++)
		if (env->commands[i].description && !strcmp(env->commands[i].name, name))
			return &env->commands[i];
	return NULL;
}

int cmd_complete(const struct cmd_env *env, int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	const struct command *c = argc > 2 ? find(env, argv[2]) : NULL;

	if (!strcmp(what, "commands") && argc == 2) {
		for (size_t i = 0; i < env->command_count; i++)
			if (env->commands[i].description)
				printf("%s\t%s\n", env->commands[i].name,
				       env->commands[i].description);
		return 0;
	}
	if (!strcmp(what, "options") && argc == 2) {
		print_options(env->global);
		return 0;
	}
	if (!strcmp(what, "options") && c) {
		print_options(c->options);
		return 0;
	}
	if (!strcmp(what, "positional") && c) {
		printf("%s\n", kind_names[c->options ? c->options->positional : COMPLETE_NONE]);
		return 0;
	}
	if (!strcmp(what, "peers") && argc == 2)
		return print_peers(env->database);
	if (!strcmp(what, "formats") && argc == 2) {
		for (size_t i = 0; formats[i]; i++)
			printf("%s\n", formats[i]->name);
		return 0;
	}
	err_msg("__complete: expected commands, options [CMD], positional CMD, peers or "
		"formats");
	return 2;
}
