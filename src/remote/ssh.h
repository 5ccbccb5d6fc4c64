/* Running a fixed script on a host with OpenSSH's client: `ssh` spawned with an
 * argv array, the user's ~/.ssh/config deciding user, port, keys and jump hosts,
 * one connection per host reused for every step (ControlMaster), never a prompt
 * (BatchMode), a connect timeout and an overall timeout. What the script needs
 * to read (a configuration file with its key) goes through ssh's standard input
 * only: never on a command line, never in a local file. */
#ifndef WGM_SSH_H
#define WGM_SSH_H

#include "lib/buf.h"
#include "lib/sshaddr.h"

#include <stdbool.h>
#include <stddef.h>

#define SSH_MAX_OPTIONS 32
#define SSH_MAX_WORDS 16

struct ssh_config {
	/* --ssh-command: the program and its first arguments (split at spaces;
	 * no quoting), else "ssh". */
	char *command;		/* owned copy, words point into it */
	const char *words[SSH_MAX_WORDS];
	size_t n_words;
	const char *config_file;	/* -F FILE, or NULL */
	const char *options[SSH_MAX_OPTIONS];	/* -o OPTION, in order */
	size_t n_options;
	unsigned connect_timeout;	/* seconds (ConnectTimeout) */
	bool sudo;		/* run the script through `sudo -n` */
	char control_dir[64];	/* private 0700 folder of the ControlPath sockets,
				 * "" before ssh_config_start */
};

/* Sets --ssh-command (words split at spaces). 0, or -1 (empty, too many words,
 * out of memory) with a message. */
int ssh_config_command(struct ssh_config *c, const char *command);

/* Makes the private ControlPath folder and ignores SIGPIPE (a host that closes
 * its end must give an error, not kill the program). 0, or -1 with a message. */
int ssh_config_start(struct ssh_config *c);

/* Ends the master connection of each target (`ssh -O exit`) and removes the
 * ControlPath folder. Accepts a config that was never started. */
void ssh_config_stop(struct ssh_config *c, const struct ssh_target *targets, size_t n);

struct ssh_result {
	int status;		/* the script's exit status; 255: ssh itself failed
				 * (connection, authentication); -1: killed (timeout) */
	bool timed_out;
	struct buf out;		/* standard output (may hold keys: buf_free wipes) */
	struct buf err;		/* standard error, trailing white space removed */
};

/* The argv ssh is started with (for tests): words of the command, -F, the -o
 * options (the user's first: ssh takes the first value it gets), ours, -l, -p,
 * "--", the host and the remote command: `[sudo -n] sh -c 'SCRIPT' wg-meshconf
 * 'ARG'...`, every word quoted for the remote shell. Allocates *argv (free with
 * ssh_argv_free). 0 or -1 (out of memory). */
int ssh_argv(const struct ssh_config *c, const struct ssh_target *t, const char *script,
	     const char *const *args, char ***argv);
void ssh_argv_free(char **argv);

/* Runs script with args on the host, feeding it in (in_len bytes, may be 0),
 * within timeout seconds. Safe to call from several threads. Returns 0 when the
 * script ran (whatever its status), -1 when ssh could not be started (r->err
 * says why). r must be freed with ssh_result_free. */
int ssh_run(const struct ssh_config *c, const struct ssh_target *t, const char *script,
	    const char *const *args, const void *in, size_t in_len, unsigned timeout,
	    struct ssh_result *r);

/* Runs script with args on this machine (`sh -c SCRIPT wg-meshconf ARG...`), as
 * ssh_run does on a host: for status --local. */
int ssh_run_local(const char *script, const char *const *args, const void *in, size_t in_len,
		  unsigned timeout, struct ssh_result *r);

/* The last line of r->err (what the remote command said), or a fallback. */
const char *ssh_result_message(const struct ssh_result *r, const char *fallback);

void ssh_result_free(struct ssh_result *r);

/* Appends word quoted for a POSIX shell ('...' with '\'' for a quote). */
int ssh_shell_quote(struct buf *out, const char *word);

#endif
