#include "cmd/remoteopts.h"

#include "lib/parallel.h"
#include "lib/util.h"
#include "mesh/lint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void remote_opts_usage(FILE *f)
{
	fputs("  -F, --ssh-config FILE    ssh's configuration file (ssh -F)\n"
	      "  -o, --ssh-option OPTION  an ssh option (ssh -o), repeatable\n"
	      "  --ssh-command CMD        run CMD instead of ssh (words split at spaces)\n"
	      "  -j, --jobs N             hosts at once (default 16)\n"
	      "  --timeout SECONDS        longest wait for one step on a host (default 60)\n"
	      "  --interface IF           the interface on the hosts (default: the peer's\n"
	      "                           name)\n"
	      "  --remote-dir DIR         where the files are on the hosts (default\n"
	      "                           /etc/wireguard)\n", f);
}

void remote_opts_init(struct remote_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->jobs = 16;
	o->timeout = 60;
	o->dir = "/etc/wireguard";
	o->ssh.connect_timeout = 10;
}

int remote_opt_number(const char *cmd, const char *opt, const char *arg, unsigned long max,
		      unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (*arg < '1' || *arg > '9' || *end || errno || v > max) {
		char q[QUOTED_LEN];
		err_msg("%s: %s: %s is not a whole number from 1 to %lu", cmd, opt,
			quoted(arg, q, sizeof(q)), max);
		return -1;
	}
	*out = v;
	return 0;
}

int remote_opts_take(struct remote_opts *o, const char *cmd, int c, const char *arg)
{
	unsigned long v;
	char q[QUOTED_LEN];

	switch (c) {
	case 'F':
		o->ssh.config_file = arg;
		return 1;
	case 'o':
		if (o->ssh.n_options == SSH_MAX_OPTIONS) {
			err_msg("%s: more than %d ssh options", cmd, SSH_MAX_OPTIONS);
			return -1;
		}
		o->ssh.options[o->ssh.n_options++] = arg;
		return 1;
	case 0x300:
		return ssh_config_command(&o->ssh, arg) < 0 ? -1 : 1;
	case 'j':
		if (remote_opt_number(cmd, "--jobs", arg, PARALLEL_JOBS_LIMIT, &v) < 0)
			return -1;
		o->jobs = v;
		return 1;
	case 0x301:
		if (remote_opt_number(cmd, "--timeout", arg, 86400, &v) < 0)
			return -1;
		o->timeout = (unsigned)v;
		o->ssh.connect_timeout = o->timeout < 10 ? o->timeout : 10;
		return 1;
	case 0x302:
		if (!attr_is_ifname(arg)) {
			err_msg("%s: --interface: %s is not a valid interface name "
				"([a-zA-Z0-9_=+.-]{1,15})", cmd, quoted(arg, q, sizeof(q)));
			return -1;
		}
		o->ifname = arg;
		return 1;
	case 0x303:
		if (arg[0] != '/') {
			err_msg("%s: --remote-dir: %s is not an absolute path", cmd,
				quoted(arg, q, sizeof(q)));
			return -1;
		}
		o->dir = arg;
		return 1;
	}
	return 0;
}

const char *remote_ifname(const struct remote_opts *o, const struct mesh_node *n)
{
	return o->ifname ? o->ifname : n->name;
}

int remote_load(struct remote_mesh *rm, const struct cmd_env *env, const char *cmd,
		bool legacy, int psk, bool update)
{
	bool use_psk = psk == 1 || (psk == -1 && psk_store_exists(env->database));
	struct lint_opts lo = { .only = -1, .legacy = legacy, .report = lint_print,
				.ctx = &rm->db };
	struct mesh_opts mo = { .legacy = legacy };
	long errors;

	memset(rm, 0, sizeof(*rm));
	if (db_open(&rm->db, env->database, DB_MUST_EXIST | (use_psk && update ? DB_LOCK : 0)) < 0)
		return -1;
	/* One model for the checks and the files, as genconfig: its public keys
	 * are derived once; the preshared keys join it once the store is loaded. */
	if (mesh_build(&rm->mesh, &rm->db, &mo) < 0)
		return -1;
	rm->built = true;
	lo.mesh = &rm->mesh;
	if ((errors = lint_db(&rm->db, &lo)) != 0) {
		if (errors > 0)
			err_msg("%s: %ld error%s in %s: nothing done", cmd, errors,
				errors > 1 ? "s" : "", env->database);
		else
			err_msg("out of memory");
		return -1;
	}
	if (use_psk) {
		if (psk_load(&rm->psk, env->database) < 0)
			return -1;
		if (update && psk_update(&rm->psk, &rm->db) < 0)
			return -1;
		rm->mesh.opts.psk = &rm->psk;
	}
	return 0;
}

void remote_release(struct remote_mesh *rm)
{
	if (rm->built)
		mesh_release(&rm->mesh);
	psk_free(&rm->psk);
	db_close(&rm->db);
}

static int add_host(const struct mesh *m, size_t i, struct remote_host *h, size_t *count)
{
	const struct mesh_node *n = &m->nodes[i];
	char where[300], q[QUOTED_LEN];

	if (n->has_ssh) {
		h->target = n->ssh;
	} else if (n->has_endpoint) {
		memset(&h->target, 0, sizeof(h->target));
		snprintf(h->target.host, sizeof(h->target.host), "%s", n->endpoint.host);
	} else {
		fprintf(stderr, "%s: note: peer %s has neither SSH nor Endpoint: skipped (say "
			"where it is reached with: updatepeer %s --ssh [USER@]HOST[:PORT])\n",
			prog_name, printable(n->name, q, sizeof(q)), printable(n->name, q, sizeof(q)));
		return 0;
	}
	h->node = i;
	ssh_target_format(&h->target, where, sizeof(where));
	snprintf(h->label, sizeof(h->label), "%s", printable(n->name, q, sizeof(q)));
	(*count)++;
	return 1;
}

int remote_select(const struct mesh *m, const char *cmd, char **names, int n,
		  struct remote_host **out, size_t *count)
{
	struct remote_host *h = calloc(m->count ? m->count : 1, sizeof(*h));
	bool *chosen = calloc(m->count ? m->count : 1, sizeof(*chosen));

	*count = 0;
	*out = NULL;
	if (!h || !chosen) {
		err_msg("out of memory");
		goto fail;
	}
	for (int k = 0; k < n; k++) {
		long i = db_lookup(m->db, cmd, names[k]);
		if (i < 0)
			goto fail;
		chosen[i] = true;
	}
	for (size_t i = 0; i < m->count; i++)
		if (!n || chosen[i])
			add_host(m, i, &h[*count], count);
	free(chosen);
	*out = h;
	return 0;
fail:
	free(chosen);
	free(h);
	return -1;
}

void remote_opts_stop(struct remote_opts *o, const struct remote_host *h, size_t n)
{
	struct ssh_target *t = calloc(n ? n : 1, sizeof(*t));

	for (size_t i = 0; t && i < n; i++)
		t[i] = h[i].target;
	ssh_config_stop(&o->ssh, t, t ? n : 0);
	free(t);
}

void remote_progress_start(struct remote_progress *p, const char *cmd, size_t total)
{
	p->cmd = cmd;
	p->total = total;
	p->done = 0;
	p->tty = isatty(STDERR_FILENO) && total > 1;
	if (p->tty)
		fprintf(stderr, "\r%s: 0/%zu hosts", cmd, total);
}

void remote_progress_step(struct remote_progress *p)
{
	size_t done = __atomic_add_fetch(&p->done, 1, __ATOMIC_RELAXED);

	if (p->tty)
		fprintf(stderr, "\r%s: %zu/%zu hosts", p->cmd, done, p->total);
}

void remote_progress_end(const struct remote_progress *p)
{
	if (p->tty)
		fputs("\r\033[K", stderr);
}
