#include "cmd/commands.h"
#include "cmd/remoteopts.h"
#include "formats/wgquick.h"
#include "lib/parallel.h"
#include "lib/util.h"
#include "remote/confdiff.h"
#include "remote/drift.h"
#include "remote/host.h"
#include "remote/scripts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum action { ACT_UNCHANGED, ACT_LIVE, ACT_RESTART, ACT_START, ACT_FAILED };

static const char *const action_done[] = { "unchanged", "updated live", "restarted", "started",
					   "failed" };
static const char *const action_plan[] = { "unchanged", "would update live",
					   "would restart", "would start", "failed" };

struct deploy_opts {
	struct remote_opts r;
	bool dry_run, no_restart, legacy;
	int psk;
};

struct job {
	const struct remote_host *host;
	enum action action;
	char why[600];		/* failed: why; restart: the values that changed */
	struct buf diff;	/* --dry-run */
};

struct ctx {
	const struct deploy_opts *o;
	const struct mesh *m;
	const void *wgq;	/* wg-quick's prepared state */
	struct job *jobs;
	struct remote_progress *progress;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] deploy [NAME...] [--dry-run] [--no-restart]\n"
		   "              [--sudo] [--psk | --no-psk] [--legacy-allowedips] [SSH OPTIONS]\n\n"
		   "Write each peer's wg-quick file on its host over ssh (at its SSH column,\n"
		   "else its Endpoint's host) and apply it: live when only peers changed,\n"
		   "with a restart when an interface value did, started when it was down. A\n"
		   "host that fails gets its previous file back.\n\n"
		   "  NAME                     only these peers' hosts (default: all)\n"
		   "  --dry-run                say what would be done and show the changes\n"
		   "                           (keys hidden); change nothing\n"
		   "  --no-restart             a host that needs a restart fails instead\n"
		   "  --sudo                   run the steps on the hosts with sudo -n\n"
		   "  --psk, --no-psk          as genconfig\n"
		   "  --legacy-allowedips      as genconfig\n", prog_name);
	remote_opts_usage(f);
	fputs("  -h, --help               show this help and exit\n", f);
}

static const struct option longopts[] = {
	{ "dry-run", no_argument, NULL, 'n' },
	{ "no-restart", no_argument, NULL, 'R' },
	{ "sudo", no_argument, NULL, 'S' },
	{ "psk", no_argument, NULL, 'p' },
	{ "no-psk", no_argument, NULL, 'P' },
	{ "legacy-allowedips", no_argument, NULL, 'L' },
	{ "help", no_argument, NULL, 'h' },
	REMOTE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};
static const struct option_kind kinds[] = {
	REMOTE_KINDS,
	{ NULL, 0 },
};
const struct cmd_options deploy_options = {
	.longopts = longopts,
	.shortopts = "h" REMOTE_SHORTOPTS,
	.kinds = kinds,
	.positional = COMPLETE_PEER,
};

static int parse(struct deploy_opts *o, int argc, char **argv)
{
	int c, t;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, deploy_options.shortopts, longopts, NULL)) != -1) {
		if ((t = remote_opts_take(&o->r, "deploy", c, optarg)) < 0) {
			fprintf(stderr, "Try '%s deploy --help'.\n", prog_name);
			return 2;
		}
		if (t)
			continue;
		switch (c) {
		case 'n':
			o->dry_run = true;
			break;
		case 'R':
			o->no_restart = true;
			break;
		case 'S':
			o->r.ssh.sudo = true;
			break;
		case 'p':
		case 'P':
			if (o->psk != -1 && o->psk != (c == 'p')) {
				err_msg("deploy: --psk and --no-psk cannot go together");
				goto usage;
			}
			o->psk = c == 'p';
			break;
		case 'L':
			o->legacy = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default: {
			char q[QUOTED_LEN];
			err_msg("deploy: option %s is not known or lacks its value",
				opt_refused(argv, q, sizeof(q)));
			goto usage;
		}
		}
	}
	return 0;
usage:
	fprintf(stderr, "Try '%s deploy --help'.\n", prog_name);
	return 2;
}

/* The `wg set` words that clear what syncconf leaves: a PresharedKey or a
 * PersistentKeepalive the running peer has and the new file has not. */
static int clear_words(const struct mesh *m, size_t self, const struct wgdump *d,
		       const char ***words, size_t *n)
{
	const char **w = calloc(m->count * 5 + 1, sizeof(*w));

	*n = 0;
	if (!w)
		return -1;
	for (size_t r = 0; r < m->count; r++) {
		struct mesh_link l;
		if (!mesh_link(m, self, r, &l))
			continue;
		const struct wgdump_peer *p = wgdump_find(d, l.remote->public_key);
		bool psk = p && p->has_psk && !l.preshared_key;
		bool ka = p && p->keepalive && l.keepalive <= 0;
		if (!psk && !ka)
			continue;
		w[(*n)++] = "peer";
		w[(*n)++] = l.remote->public_key;
		if (psk) {
			w[(*n)++] = "preshared-key";
			w[(*n)++] = "/dev/null";
		}
		if (ka) {
			w[(*n)++] = "persistent-keepalive";
			w[(*n)++] = "0";
		}
	}
	*words = w;
	return 0;
}

static const char *table_arg(const struct mesh_node *n)
{
	switch (n->table) {
	case TABLE_OFF:
		return "off";
	case TABLE_ID:
	case TABLE_NAME:
		return n->table_text;
	default:
		return "auto";
	}
}

static void apply(const struct ctx *x, struct job *j, const struct host_state *s,
		  const struct buf *conf)
{
	const struct remote_opts *o = &x->o->r;
	const struct mesh_node *n = &x->m->nodes[j->host->node];
	static const char *const modes[] = { [ACT_LIVE] = "live", [ACT_RESTART] = "restart",
					     [ACT_START] = "start" };
	/* systemd's wg-quick@IF reads /etc/wireguard/IF.conf only. */
	bool sd = s->systemd && !strcmp(o->dir, "/etc/wireguard");
	const char **words = NULL, **args = NULL;
	size_t nw = 0;
	struct ssh_result r;

	if (j->action == ACT_LIVE && clear_words(x->m, j->host->node, &s->dump, &words, &nw) < 0)
		goto oom;
	if (!(args = calloc(nw + 6, sizeof(*args))))
		goto oom;
	args[0] = modes[j->action];
	args[1] = o->dir;
	args[2] = remote_ifname(o, n);
	args[3] = sd ? "1" : "0";
	args[4] = table_arg(n);
	for (size_t i = 0; i < nw; i++)
		args[5 + i] = words[i];
	if (ssh_run(&o->ssh, &j->host->target, script_apply, args, conf->data, conf->len,
		    o->timeout, &r) < 0 || r.timed_out || r.status != 0) {
		const char *msg = ssh_result_message(&r, "failed");
		if (r.timed_out)
			snprintf(j->why, sizeof(j->why), "no answer within %u s (the host may "
				 "still be applying the file)", o->timeout);
		else if (r.status == 2)
			snprintf(j->why, sizeof(j->why), "%s; and the previous file could not "
				 "be applied again", msg);
		else if (r.status == 1)
			snprintf(j->why, sizeof(j->why), "%s (previous file back)", msg);
		else
			snprintf(j->why, sizeof(j->why), "%s", msg);
		j->action = ACT_FAILED;
	}
	ssh_result_free(&r);
	free(words);
	free(args);
	return;
oom:
	free(words);
	snprintf(j->why, sizeof(j->why), "out of memory");
	j->action = ACT_FAILED;
}

static bool running_drifts(const struct mesh *m, size_t self, const struct wgdump *d)
{
	struct buf b = BUF_INIT;
	long n = drift_find(m, self, d, &b);

	buf_free(&b);
	return n != 0;
}

static void deploy_one_work(void *ctx, size_t i)
{
	const struct ctx *x = ctx;
	struct job *j = &x->jobs[i];
	const struct remote_opts *o = &x->o->r;
	const struct mesh_node *n = &x->m->nodes[j->host->node];
	struct buf conf = BUF_INIT;
	struct host_state s;
	char what[200];

	if (!attr_is_ifname(remote_ifname(o, n))) {
		snprintf(j->why, sizeof(j->why), "the interface name would be the peer's name, "
			 "which is not one ([a-zA-Z0-9_=+.-]{1,15}): give one with --interface");
		j->action = ACT_FAILED;
		return;
	}
	if (wgquick_render(x->m, x->wgq, j->host->node, &conf, NULL) < 0) {
		snprintf(j->why, sizeof(j->why), "out of memory");
		j->action = ACT_FAILED;
		goto out;
	}
	if (host_probe(&o->ssh, &j->host->target, o->dir, remote_ifname(o, n), o->timeout, &s,
		       j->why, sizeof(j->why)) < 0) {
		j->action = ACT_FAILED;
		goto out;
	}
	bool same = s.has_conf && s.conf_len == conf.len && !memcmp(s.conf, conf.data, conf.len);
	if (!s.up)
		j->action = ACT_START;
	else if (same && !running_drifts(x->m, j->host->node, &s.dump))
		j->action = ACT_UNCHANGED;
	else if (same)
		j->action = ACT_LIVE;	/* the file is right, the interface is not */
	else if (!s.has_conf || confdiff_interface_changed(s.conf, s.conf_len, conf.data,
							   conf.len, what, sizeof(what))) {
		j->action = ACT_RESTART;
		if (s.has_conf)
			snprintf(j->why, sizeof(j->why), "%s changed", what);
		else
			snprintf(j->why, sizeof(j->why), "no previous file to compare with");
	} else {
		j->action = ACT_LIVE;
	}
	if (j->action == ACT_RESTART && x->o->no_restart) {
		snprintf(j->why, sizeof(j->why), "a restart is needed (%s%s) and --no-restart "
			 "forbids it", s.has_conf ? what : "no previous file to compare with",
			 s.has_conf ? " changed" : "");
		j->action = ACT_FAILED;
	} else if (x->o->dry_run) {
		if (!same && confdiff_masked(s.has_conf ? s.conf : "", s.conf_len, conf.data,
					     conf.len, &j->diff) < 0) {
			snprintf(j->why, sizeof(j->why), "out of memory");
			j->action = ACT_FAILED;
		}
	} else if (j->action != ACT_UNCHANGED) {
		apply(x, j, &s, &conf);
	}
	host_state_free(&s);
out:
	buf_free(&conf);
}

static void deploy_one(void *ctx, size_t i)
{
	const struct ctx *x = ctx;

	deploy_one_work(ctx, i);
	remote_progress_step(x->progress);
}

static void warn_save_config(const struct mesh *m, const struct remote_host *h, size_t n)
{
	char q[QUOTED_LEN];

	for (size_t i = 0; i < n; i++)
		if (m->nodes[h[i].node].save_config == 1)
			warn_msg("peer %s: SaveConfig is on: wg-quick writes the running interface "
				 "over the deployed file each time it goes down",
				 printable(m->nodes[h[i].node].name, q, sizeof(q)));
}

static int report(const struct deploy_opts *o, const struct job *jobs, size_t n)
{
	size_t count[ACT_FAILED + 1] = { 0 };
	const char *const *names = o->dry_run ? action_plan : action_done;

	for (size_t i = 0; i < n; i++) {
		const struct job *j = &jobs[i];
		count[j->action]++;
		if (j->action == ACT_FAILED)
			printf("%s: failed: %s\n", j->host->label, j->why);
		else if (j->action == ACT_RESTART)
			printf("%s: %s (%s)\n", j->host->label, names[j->action], j->why);
		else
			printf("%s: %s\n", j->host->label, names[j->action]);
		if (j->diff.len)
			fwrite(j->diff.data, 1, j->diff.len, stdout);
	}
	printf("%s%zu host%s: %zu %s, %zu %s, %zu %s, %zu %s, %zu failed\n",
	       o->dry_run ? "dry run: " : "", n, n == 1 ? "" : "s",
	       count[ACT_UNCHANGED], names[ACT_UNCHANGED], count[ACT_LIVE], names[ACT_LIVE],
	       count[ACT_RESTART], names[ACT_RESTART], count[ACT_START], names[ACT_START],
	       count[ACT_FAILED]);
	return count[ACT_FAILED] ? 1 : 0;
}

int cmd_deploy(const struct cmd_env *env, int argc, char **argv)
{
	struct deploy_opts o = { .psk = -1 };
	struct remote_mesh rm;
	struct remote_host *hosts = NULL;
	struct job *jobs = NULL;
	void *wgq = NULL;
	size_t n = 0;
	int ret;

	remote_opts_init(&o.r);
	if ((ret = parse(&o, argc, argv)) != 0) {
		ssh_config_stop(&o.r.ssh, NULL, 0);
		return ret < 0 ? 0 : ret;
	}
	ret = 1;
	if (remote_load(&rm, env, "deploy", o.legacy, o.psk, !o.dry_run) < 0)
		goto out;
	if (remote_select(&rm.mesh, "deploy", argv + optind, argc - optind, &hosts, &n) < 0)
		goto out;
	warn_save_config(&rm.mesh, hosts, n);
	if (format_wgquick.prepare(&rm.mesh, NULL, &wgq) < 0 ||
	    !(jobs = calloc(n ? n : 1, sizeof(*jobs)))) {
		err_msg("out of memory");
		goto out;
	}
	if (ssh_config_start(&o.r.ssh) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		jobs[i].host = &hosts[i];
	struct remote_progress progress;
	struct ctx x = { &o, &rm.mesh, wgq, jobs, &progress };
	remote_progress_start(&progress, "deploy", n);
	parallel_jobs(n, o.r.jobs, deploy_one, &x);
	remote_progress_end(&progress);
	ret = report(&o, jobs, n);
out:
	remote_opts_stop(&o.r, hosts, n);
	for (size_t i = 0; jobs && i < n; i++)
		buf_free(&jobs[i].diff);
	free(jobs);
	format_wgquick.release(wgq);
	free(hosts);
	remote_release(&rm);
	return ret;
}
