/* One host's WireGuard state, read over ssh with the probe script: its current
 * configuration file and `wg show IF dump`. */
#ifndef WGM_HOST_H
#define WGM_HOST_H

#include "remote/ssh.h"
#include "remote/wgdump.h"

#include <stdbool.h>
#include <stddef.h>

struct host_state {
	bool systemd;		/* /run/systemd/system exists */
	bool has_conf;		/* DIR/IF.conf exists */
	char *conf;		/* its text (holds the private key: wiped by free) */
	size_t conf_len;
	bool up;		/* `wg show IF dump` answered */
	struct wgdump dump;
};

/* Parses what script_probe printed. 0, or -1 with why in err. */
int host_parse_probe(struct host_state *s, const char *text, size_t len, char *err,
		     size_t errlen);

/* Runs the probe on t (or on this machine when t is NULL). 0, or -1 with why in
 * err (ssh's or the script's message). */
int host_probe(const struct ssh_config *c, const struct ssh_target *t, const char *dir,
	       const char *ifname, unsigned timeout, struct host_state *s, char *err,
	       size_t errlen);

void host_state_free(struct host_state *s);

#endif
