#include "cmd/peeropts.h"

#include "lib/keys.h"
#include "lib/regfile.h"
#include "lib/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_SET = 0x100,	/* + attribute id */
	OPT_UNSET = 0x200,	/* + attribute id: --no-saveconfig */
	OPT_KEYFILE = 0x300,
	OPT_NETWORK = 0x400,
};

static int add_value(struct peer_opts *o, enum attr_id id, const char *v)
{
	char *joined;
	size_t len;

	if (attrs[id].kind != KIND_LIST || !o->set[id] || !*v || !o->val[id][0]) {
		free(o->val[id]);
		o->val[id] = xstrdup(v);
		o->set[id] = true;
		return o->val[id] ? 0 : -1;
	}
	/* --address given again: append, as argparse's action="append" does. */
	len = strlen(o->val[id]) + strlen(v) + 2;
	if (!(joined = malloc(len)))
		return -1;
	snprintf(joined, len, "%s,%s", o->val[id], v);
	free(o->val[id]);
	o->val[id] = joined;
	return 0;
}

/* A key file holds one key (45 bytes from `wg genkey`), perhaps a comment: 4 KiB is
 * plenty, and bounds what /dev/zero or a wrong file given by mistake costs. */
#define KEYFILE_MAX 4096

/* Reads a key: the first line of the file path, or of standard input for "-".
 * The file is a regular file or a pipe (`<(pass show wg)`), of at most
 * KEYFILE_MAX bytes. opt is the option, for messages. 0, or 1 with a message. */
static int read_key(const struct peer_opts *o, const char *opt, const char *path, char **out)
{
	char why[REGFILE_WHY_LEN], q[QUOTED_LEN], *text = NULL;
	const char *name = strcmp(path, "-") ? printable(path, q, sizeof(q)) : "standard input";
	size_t len = 0, line;
	int r, ret = 1;

	*out = NULL;
	if (strcmp(path, "-"))
		r = regfile_read(path, KEYFILE_MAX, REGFILE_PIPES | REGFILE_LINE, &text, &len,
				 NULL, why, sizeof(why));
	else
		r = regfile_read_fd(STDIN_FILENO, KEYFILE_MAX, REGFILE_LINE, &text, &len, why,
				    sizeof(why));
	if (r < 0) {
		err_msg("%s: %s: %s: %s", o->cmd, opt, name, why);
		return 1;
	}
	line = strcspn(text, "\r\n");
	if (memchr(text, '\0', len))
		err_msg("%s: %s: %s: holds a NUL byte, not a key", o->cmd, opt, name);
	else if (line == 0)
		err_msg("%s: %s: %s: %s", o->cmd, opt, name,
			len ? "the first line is empty: no key there" : "the file is empty: no key in it");
	else {
		text[line] = '\0';
		if ((*out = xstrdup(text)))
			ret = 0;
		else
			err_msg("out of memory");
	}
	key_wipe(text, len);
	free(text);
	return ret;
}

static int check_value(const struct peer_opts *o, enum attr_id id)
{
	char q[QUOTED_LEN];
	const char *rule = attr_check(id, o->val[id]), *warning;

	if (!rule) {
		if ((warning = attr_warning(id, o->val[id])))
			warn_msg("%s: --%s: %s", o->cmd, attrs[id].option, warning);
		return 0;
	}
	if (attrs[id].kind == KIND_KEY)
		err_msg("%s: --%s: the value is not %s", o->cmd, attrs[id].option, rule);
	else
		err_msg("%s: --%s: %s is not %s", o->cmd, attrs[id].option,
			quoted(o->val[id], q, sizeof(q)), rule);
	return 2;
}

/* The options, from the attribute table: the parser's and the completion's. */
static const struct option *make_longopts(struct optbuf *b, bool update)
{
	size_t n = 0;

	_Static_assert(2 * ATTR_COUNT + 4 <= sizeof(b->opts) / sizeof(b->opts[0]) &&
			       ATTR_COUNT <= sizeof(b->names) / sizeof(b->names[0]),
		       "struct optbuf is too small for the attribute table");
	for (int i = 0; i < ATTR_COUNT; i++) {
		if (!attrs[i].option)
			continue;
		b->opts[n++] = (struct option){ attrs[i].option,
			attrs[i].kind == KIND_BOOL ? no_argument : required_argument, NULL,
			OPT_SET + i };
		if (update && attrs[i].kind == KIND_BOOL) {
			snprintf(b->names[i], sizeof(b->names[i]), "no-%s", attrs[i].option);
			b->opts[n++] = (struct option){ b->names[i], no_argument, NULL, OPT_UNSET + i };
		}
	}
	b->opts[n++] = (struct option){ "privatekey-file", required_argument, NULL, OPT_KEYFILE };
	if (!update)
		b->opts[n++] = (struct option){ "network", required_argument, NULL, OPT_NETWORK };
	b->opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	b->opts[n] = (struct option){ NULL, 0, NULL, 0 };
	return b->opts;
}

const struct option *peer_opts_add_table(struct optbuf *b)
{
	return make_longopts(b, false);
}

const struct option *peer_opts_update_table(struct optbuf *b)
{
	return make_longopts(b, true);
}

const struct option_kind peer_opts_kinds[] = {
	{ "privatekey-file", COMPLETE_FILE },
	{ NULL, 0 },
};

int peer_opts_parse(struct peer_opts *o, int argc, char **argv)
{
	struct optbuf buf;
	const struct option *longopts = make_longopts(&buf, o->update);
	int c, ret = 2;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			o->help = true;
			return 0;
		}
		if (c >= OPT_SET && c < OPT_SET + ATTR_COUNT) {
			enum attr_id id = (enum attr_id)(c - OPT_SET);
			const char *v = attrs[id].kind == KIND_BOOL ? "True" : optarg;
			char *stdin_key = NULL;
			if (id == ATTR_PRIVATEKEY && !strcmp(v, "-")) {
				if (read_key(o, "--privatekey", "-", &stdin_key))
					return 1;
				v = stdin_key;
			}
			int r = add_value(o, id, v);
			if (stdin_key) {
				key_wipe_str(stdin_key);
				free(stdin_key);
			}
			if (r < 0)
				goto oom;
		} else if (c >= OPT_UNSET && c < OPT_UNSET + ATTR_COUNT) {
			if (add_value(o, (enum attr_id)(c - OPT_UNSET), "") < 0)
				goto oom;
		} else if (c == OPT_KEYFILE) {
			free(o->val[ATTR_PRIVATEKEY]);
			o->val[ATTR_PRIVATEKEY] = NULL;
			if (read_key(o, "--privatekey-file", optarg, &o->val[ATTR_PRIVATEKEY]))
				return 1;
			o->set[ATTR_PRIVATEKEY] = true;
		} else if (c == OPT_NETWORK) {
			char **grown = realloc(o->networks, (o->n_networks + 1) * sizeof(*grown));
			if (!grown)
				goto oom;
			o->networks = grown;
			if (!(o->networks[o->n_networks] = xstrdup(optarg)))
				goto oom;
			o->n_networks++;
		} else if (optopt > 0 && optopt < 0x80) {
			err_msg("%s: option -%c is not known", o->cmd, optopt);
			goto usage;
		} else {
			/* optopt holds our internal value for long options: name the word. */
			err_msg("%s: option %s is not known or lacks its value", o->cmd,
				argv[optind - 1]);
			goto usage;
		}
	}
	if (optind != argc - 1) {
		err_msg(optind >= argc ? "%s: the peer NAME is missing"
				       : "%s: one peer NAME only", o->cmd);
		goto usage;
	}
	o->name = argv[optind];
	if (attr_check(ATTR_NAME, o->name)) {
		char q[QUOTED_LEN];
		err_msg("%s: NAME: %s is not %s", o->cmd, quoted(o->name, q, sizeof(q)),
			attr_check(ATTR_NAME, o->name));
		return 2;
	}
	if (!*o->name) {
		err_msg("%s: NAME: empty", o->cmd);
		return 2;
	}
	if (!o->update && attr_warning(ATTR_NAME, o->name))
		warn_msg("%s: NAME: %s", o->cmd, attr_warning(ATTR_NAME, o->name));
	if (o->n_networks && o->set[ATTR_ADDRESS]) {
		err_msg("%s: --network chooses an address, --address gives one: not both", o->cmd);
		goto usage;
	}
	for (int i = 0; i < ATTR_COUNT; i++)
		if (o->set[i] && (ret = check_value(o, (enum attr_id)i)) != 0)
			return ret;
	return 0;
oom:
	err_msg("out of memory");
	return 1;
usage:
	fprintf(stderr, "Try '%s %s --help'.\n", prog_name, o->cmd);
	return ret;
}

void peer_opts_free(struct peer_opts *o)
{
	for (size_t i = 0; i < o->n_networks; i++)
		free(o->networks[i]);
	free(o->networks);
	o->networks = NULL;
	o->n_networks = 0;
	for (int i = 0; i < ATTR_COUNT; i++) {
		key_wipe_str(o->val[i]);
		free(o->val[i]);
		o->val[i] = NULL;
	}
}

/* Help lines fit in 80 columns: the option in the first 33, its text wrapped
 * between words in the rest (the attribute table's help strings are one line
 * each, of any length). */
#define HELP_LEFT 33
#define HELP_WIDTH 80

static void help_line(FILE *f, const char *left, const char *text, const char *suffix)
{
	char line[512];
	const char *p = line;

	snprintf(line, sizeof(line), "%s%s", text, suffix ? suffix : "");
	fprintf(f, "  %-*s", HELP_LEFT - 3, left);
	/* A left part wider than its space: the text starts on the next line. */
	if (strlen(left) > HELP_LEFT - 3)
		fprintf(f, "\n%*s", HELP_LEFT - 1, "");
	while (*p) {
		size_t len = strlen(p), cut = len;
		if (len > HELP_WIDTH - HELP_LEFT) {
			for (cut = HELP_WIDTH - HELP_LEFT; cut > 0 && p[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = strcspn(p, " ");
		}
		fprintf(f, " %.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		if (*p)
			fprintf(f, "%*s", HELP_LEFT - 1, "");
	}
}

void peer_opts_usage(FILE *f, const char *cmd, bool update)
{
	fprintf(f, "usage: %s [-d DATABASE] %s NAME%s [OPTION]...\n\n%s\n\n", prog_name,
		cmd, update ? "" : " [--address ADDRESS]",
		update ? "Change the given values of a peer of the database."
		       : "Add a peer to the database.");
	help_line(f, "NAME", "name that identifies the peer", NULL);
	for (int i = 0; i < ATTR_COUNT; i++) {
		char left[64], def[64] = "", undo[128];
		if (!attrs[i].option)
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", attrs[i].option,
			 attrs[i].metavar ? " " : "", attrs[i].metavar ? attrs[i].metavar : "");
		if (attrs[i].def && !update)
			snprintf(def, sizeof(def), " (default %s)", attrs[i].def);
		help_line(f, left, attrs[i].help, def);
		if (update && attrs[i].kind == KIND_BOOL) {
			snprintf(left, sizeof(left), "--no-%s", attrs[i].option);
			snprintf(undo, sizeof(undo), "do not %s", attrs[i].help);
			help_line(f, left, undo, NULL);
		}
		if (i == ATTR_ADDRESS && !update)
			help_line(f, "--network NET",
				  "without --address: the subnet to take the lowest free address "
				  "from (once for IPv4, once for IPv6); by default the one the "
				  "peers share", NULL);
		if (i == ATTR_PRIVATEKEY)
			help_line(f, "--privatekey-file FILE",
				  "read the private key from FILE, or standard input for - "
				  "(unlike --privatekey, not visible to other users in ps)", NULL);
	}
	help_line(f, "-h, --help", "show this help and exit", NULL);
	help_line(f, "--", "end of the options: a NAME that starts with '-' follows", NULL);
	if (update)
		fprintf(f, "\nAn empty value (--endpoint '') clears the field.\n");
	else
		fprintf(f, "\nA new private key is generated when none is given.\n");
}

int peer_opts_apply(const struct peer_opts *o, struct peer *p)
{
	for (int i = 0; i < ATTR_COUNT; i++) {
		if (!o->set[i])
			continue;
		if (!*o->val[i] && attrs[i].required) {
			err_msg("%s: --%s: cannot be empty: every peer needs one", o->cmd,
				attrs[i].option);
			return 2;
		}
		if (peer_set(p, (enum attr_id)i, o->val[i]) < 0) {
			err_msg("out of memory");
			return 1;
		}
	}
	return 0;
}
