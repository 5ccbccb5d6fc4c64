#include "cmd/commands.h"
#include "cmd/remoteopts.h"
#include "lib/json.h"
#include "lib/parallel.h"
#include "lib/table.h"
#include "lib/util.h"
#include "remote/drift.h"
#include "remote/host.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* REJECT_AFTER_TIME: past it a session that carried traffic has been rekeyed. */
#define STALE_AFTER 180

struct status_opts {
	struct remote_opts r;
	bool json, local;
};

struct job {
	const struct remote_host *host;
	bool failed;
	char why[600];
	struct host_state s;
	struct buf drift;
	long drifts;
};

struct ctx {
	const struct status_opts *o;
	const struct mesh *m;
	struct job *jobs;
	struct remote_progress *progress;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] status [NAME...] [--json] [--local]\n"
		   "              [--sudo] [SSH OPTIONS]\n\n"
		   "Read `wg show IF dump` on each peer's host over ssh and compare it with\n"
		   "the database: public key, peers missing or extra, AllowedIPs, preshared\n"
		   "keys, listen port. Then a table of every pair: latest handshake (stale\n"
		   "after %d s; idle when neither side keeps it alive), transfer, endpoint.\n"
		   "Exit 1 when a host does not answer or drifts.\n\n"
		   "  NAME                     only these peers' hosts (default: all)\n"
		   "  --json                   the same as JSON\n"
		   "  --local                  read this machine's interface without ssh (one\n"
		   "                           NAME: the peer this machine is)\n"
		   "  --sudo                   read the hosts' interfaces with sudo -n\n",
		prog_name, STALE_AFTER);
	remote_opts_usage(f);
	fputs("  -h, --help               show this help and exit\n", f);
}

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'J' },
	{ "local", no_argument, NULL, 'l' },
	{ "sudo", no_argument, NULL, 'S' },
	{ "help", no_argument, NULL, 'h' },
	REMOTE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};
static const struct option_kind kinds[] = {
	REMOTE_KINDS,
	{ NULL, 0 },
};
const struct cmd_options status_options = {
	.longopts = longopts,
	.shortopts = "h" REMOTE_SHORTOPTS,
	.kinds = kinds,
	.positional = COMPLETE_PEER,
};

static int parse(struct status_opts *o, int argc, char **argv)
{
	int c, t;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, status_options.shortopts, longopts, NULL)) != -1) {
		if ((t = remote_opts_take(&o->r, "status", c, optarg)) < 0) {
			fprintf(stderr, "Try '%s status --help'.\n", prog_name);
			return 2;
		}
		if (t)
			continue;
		switch (c) {
		case 'J':
			o->json = true;
			break;
		case 'l':
			o->local = true;
			break;
		case 'S':
			o->r.ssh.sudo = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default: {
			char q[QUOTED_LEN];
			err_msg("status: option %s is not known or lacks its value",
				opt_refused(argv, q, sizeof(q)));
			fprintf(stderr, "Try '%s status --help'.\n", prog_name);
			return 2;
		}
		}
	}
	if (o->local && argc - optind != 1) {
		err_msg("status: --local needs exactly one NAME: the peer this machine is");
		fprintf(stderr, "Try '%s status --help'.\n", prog_name);
		return 2;
	}
	if (o->local && o->r.ssh.sudo) {
		err_msg("status: --sudo is for the hosts; with --local, run wg-meshconf "
			"itself with sudo");
		fprintf(stderr, "Try '%s status --help'.\n", prog_name);
		return 2;
	}
	return 0;
}

static void status_one_work(void *ctx, size_t i)
{
	const struct ctx *x = ctx;
	struct job *j = &x->jobs[i];
	const struct remote_opts *o = &x->o->r;
	const struct mesh_node *n = &x->m->nodes[j->host->node];

	if (!attr_is_ifname(remote_ifname(o, n))) {
		snprintf(j->why, sizeof(j->why), "the interface name would be the peer's name, "
			 "which is not one ([a-zA-Z0-9_=+.-]{1,15}): give one with --interface");
		j->failed = true;
		return;
	}
	if (host_probe(&o->ssh, x->o->local ? NULL : &j->host->target, o->dir,
		       remote_ifname(o, n), o->timeout, &j->s, j->why, sizeof(j->why)) < 0) {
		j->failed = true;
		return;
	}
	if (!j->s.up) {
		snprintf(j->why, sizeof(j->why), "interface %s is not up", remote_ifname(o, n));
		j->failed = true;
		return;
	}
	if ((j->drifts = drift_find(x->m, j->host->node, &j->s.dump, &j->drift)) < 0) {
		snprintf(j->why, sizeof(j->why), "out of memory");
		j->failed = true;
	}
}

static void status_one(void *ctx, size_t i)
{
	const struct ctx *x = ctx;

	status_one_work(ctx, i);
	remote_progress_step(x->progress);
}

static void human_bytes(uint64_t v, char *out, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = 0;

	while (d >= 1024 && u < 4)
		d /= 1024, u++;
	if (u)
		snprintf(out, len, "%.1f %s", d, unit[u]);
	else
		snprintf(out, len, "%llu B", (unsigned long long)v);
}

/* One pair as seen from self: its handshake, transfer, endpoint and state. */
struct pair {
	const char *peer;
	char handshake[32], transfer[64], endpoint[64];
	const char *state;
	long age;		/* seconds; -1 never */
	uint64_t rx, tx;
};

static void describe(const struct mesh *m, size_t self, size_t r, const struct wgdump *d,
		     time_t now, struct pair *p)
{
	struct mesh_link l, back;
	memset(p, 0, sizeof(*p));
	p->peer = m->nodes[r].name;
	p->age = -1;
	if (!mesh_link(m, self, r, &l)) {
		long via = mesh_relay_of(m, self, r);
		p->state = via >= 0 ? "relayed" : "unreachable";
		snprintf(p->endpoint, sizeof(p->endpoint), "%s",
			 via >= 0 ? m->nodes[via].name : "");
		return;
	}
	const struct wgdump_peer *w = wgdump_find(d, l.remote->public_key);
	if (!w) {
		p->state = "missing";
		return;
	}
	bool alive = l.keepalive > 0 || w->keepalive ||
		     (mesh_link(m, r, self, &back) && back.keepalive > 0);
	snprintf(p->endpoint, sizeof(p->endpoint), "%s", w->endpoint);
	p->rx = w->rx;
	p->tx = w->tx;
	char rx[24], tx[24];
	human_bytes(w->rx, rx, sizeof(rx));
	human_bytes(w->tx, tx, sizeof(tx));
	snprintf(p->transfer, sizeof(p->transfer), "%s in, %s out", rx, tx);
	if (!w->handshake) {
		snprintf(p->handshake, sizeof(p->handshake), "never");
		p->state = alive ? "stale" : "idle";
		return;
	}
	p->age = (long)(now - w->handshake);
	snprintf(p->handshake, sizeof(p->handshake), "%ld s ago", p->age);
	p->state = p->age <= STALE_AFTER ? "up" : alive ? "stale" : "idle";
}

/* s as a JSON string on standard output. */
static void json_str(const char *s)
{
	struct buf b = BUF_INIT;

	fputs(json_text(&b, s) == 0 ? b.data : "null", stdout);
	buf_free(&b);
}

static void print_json(const struct ctx *x, size_t n, time_t now)
{
	const struct mesh *m = x->m;

	printf("[");
	for (size_t i = 0; i < n; i++) {
		const struct job *j = &x->jobs[i];
		size_t self = j->host->node;
		printf("%s\n  {\"name\": ", i ? "," : "");
		json_str(m->nodes[self].name);
		if (j->failed) {
			printf(", \"error\": ");
			json_str(j->why);
			printf("}");
			continue;
		}
		printf(", \"drift\": [");
		const char *line = j->drift.data;
		for (long k = 0; k < j->drifts; k++) {
			const char *nl = strchr(line, '\n');
			char *one = strndup(line, (size_t)(nl - line));
			printf("%s", k ? ", " : "");
			json_str(one ? one : "");
			free(one);
			line = nl + 1;
		}
		printf("], \"peers\": [");
		bool first = true;
		for (size_t r = 0; r < m->count; r++) {
			struct pair p;
			if (r == self)
				continue;
			describe(m, self, r, &j->s.dump, now, &p);
			printf("%s\n    {\"name\": ", first ? "" : ",");
			first = false;
			json_str(p.peer);
			printf(", \"state\": \"%s\", \"latestHandshakeAge\": ", p.state);
			if (p.age >= 0)
				printf("%ld", p.age);
			else
				printf("null");
			printf(", \"transferRx\": %llu, \"transferTx\": %llu, \"endpoint\": ",
			       (unsigned long long)p.rx, (unsigned long long)p.tx);
			json_str(p.endpoint);
			printf("}");
		}
		printf("]}");
	}
	printf("\n]\n");
}

static int print_table(const struct ctx *x, size_t n, time_t now)
{
	static const char *headers[] = { "Host", "Peer", "State", "Handshake", "Transfer",
					 "Endpoint" };
	const struct mesh *m = x->m;
	size_t rows = 0, cap = n * (m->count ? m->count : 1) + 1;
	const char **cells = calloc(cap * 6, sizeof(*cells));
	struct pair *pairs = calloc(cap, sizeof(*pairs));
	int ret = -1;

	if (!cells || !pairs)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct job *j = &x->jobs[i];
		if (j->failed)
			continue;
		for (size_t r = 0; r < m->count; r++) {
			if (r == j->host->node)
				continue;
			struct pair *p = &pairs[rows];
			describe(m, j->host->node, r, &j->s.dump, now, p);
			const char **c = &cells[rows * 6];
			c[0] = m->nodes[j->host->node].name;
			c[1] = p->peer;
			c[2] = p->state;
			c[3] = p->handshake;
			c[4] = p->transfer;
			c[5] = p->endpoint;
			rows++;
		}
	}
	if (rows) {
		struct table t = { .cols = 6, .rows = rows, .headers = headers, .cells = cells };
		const char *no_color = getenv("NO_COLOR");
		if (table_print(stdout, &t, table_screen_width(),
				isatty(STDOUT_FILENO) && !(no_color && *no_color)) < 0)
			goto out;
	}
	ret = 0;
out:
	free(cells);
	free(pairs);
	return ret;
}

int cmd_status(const struct cmd_env *env, int argc, char **argv)
{
	struct status_opts o = { 0 };
	struct remote_mesh rm;
	struct remote_host *hosts = NULL;
	struct job *jobs = NULL;
	size_t n = 0;
	int ret;

	remote_opts_init(&o.r);
	if ((ret = parse(&o, argc, argv)) != 0) {
		ssh_config_stop(&o.r.ssh, NULL, 0);
		return ret < 0 ? 0 : ret;
	}
	ret = 1;
	if (remote_load(&rm, env, "status", false, -1, false) < 0)
		goto out;
	if (o.local) {
		long i = db_lookup(&rm.db, "status", argv[optind]);
		if (i < 0 || !(hosts = calloc(1, sizeof(*hosts))))
			goto out;
		hosts[0].node = (size_t)i;
		snprintf(hosts[0].label, sizeof(hosts[0].label), "%s", rm.mesh.nodes[i].name);
		n = 1;
	} else if (remote_select(&rm.mesh, "status", argv + optind, argc - optind, &hosts,
				 &n) < 0 ||
		   ssh_config_start(&o.r.ssh) < 0) {
		goto out;
	}
	if (!(jobs = calloc(n ? n : 1, sizeof(*jobs)))) {
		err_msg("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		jobs[i].host = &hosts[i];
	struct remote_progress progress;
	struct ctx x = { &o, &rm.mesh, jobs, &progress };
	remote_progress_start(&progress, "status", n);
	parallel_jobs(n, o.r.jobs, status_one, &x);
	remote_progress_end(&progress);
	time_t now = time(NULL);
	ret = 0;
	for (size_t i = 0; i < n; i++) {
		const struct job *j = &jobs[i];
		if (j->failed) {
			err_msg("status: %s: %s", j->host->label, j->why);
			ret = 1;
			continue;
		}
		const char *line = j->drift.data;
		for (long k = 0; k < j->drifts; k++) {
			const char *nl = strchr(line, '\n');
			fprintf(stderr, "%s: status: %s: drift: %.*s\n", prog_name, j->host->label,
				(int)(nl - line), line);
			line = nl + 1;
		}
		if (j->drifts)
			ret = 1;
	}
	if (o.json)
		print_json(&x, n, now);
	else if (print_table(&x, n, now) < 0) {
		err_msg("out of memory");
		ret = 1;
	}
out:
	if (!o.local)
		remote_opts_stop(&o.r, hosts, n);
	else
		ssh_config_stop(&o.r.ssh, NULL, 0);
	for (size_t i = 0; jobs && i < n; i++) {
		host_state_free(&jobs[i].s);
		buf_free(&jobs[i].drift);
	}
	free(jobs);
	free(hosts);
	remote_release(&rm);
	return ret;
}
