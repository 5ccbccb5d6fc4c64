#include "cmd/commands.h"
#include "cmd/remoteopts.h"
#include "lib/parallel.h"
#include "lib/util.h"
#include "remote/scripts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct verify_opts {
	struct remote_opts r;
	unsigned count, deadline;
};

/* One ping: from a host to one tunnel address of another node. */
struct probe {
	size_t to;
	char addr[IPNET_STRLEN];
	bool ok;
};

struct job {
	const struct remote_host *host;
	bool failed;
	char why[600];
	struct probe *probes;
	size_t n;
};

struct ctx {
	const struct verify_opts *o;
	const struct mesh *m;
	struct job *jobs;
	struct remote_progress *progress;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-d DATABASE] verify [NAME...] [--count N]\n"
		   "              [--deadline SECONDS] [SSH OPTIONS]\n\n"
		   "From each peer's host, over ssh, ping every other peer's tunnel addresses\n"
		   "(IPv4 and IPv6) at once, and print who reaches whom. Exit 1 when a pair\n"
		   "that should answer does not (pairs the relay carries should).\n\n"
		   "  NAME                     only from these peers' hosts (default: all)\n"
		   "  --count N                echo replies wanted per address (default 1)\n"
		   "  --deadline SECONDS       how long each ping may take (default 10)\n",
		prog_name);
	remote_opts_usage(f);
	fputs("  -h, --help               show this help and exit\n", f);
}

static const struct option longopts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "deadline", required_argument, NULL, 'w' },
	{ "help", no_argument, NULL, 'h' },
	REMOTE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};
static const struct option_kind kinds[] = {
	REMOTE_KINDS,
	{ NULL, 0 },
};
const struct cmd_options verify_options = {
	.longopts = longopts,
	.shortopts = "h" REMOTE_SHORTOPTS,
	.kinds = kinds,
	.positional = COMPLETE_PEER,
};

static int parse(struct verify_opts *o, int argc, char **argv)
{
	unsigned long v;
	int c, t;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, verify_options.shortopts, longopts, NULL)) != -1) {
		if ((t = remote_opts_take(&o->r, "verify", c, optarg)) < 0) {
			fprintf(stderr, "Try '%s verify --help'.\n", prog_name);
			return 2;
		}
		if (t)
			continue;
		switch (c) {
		case 'c':
			if (remote_opt_number("verify", "--count", optarg, 100, &v) < 0)
				goto usage;
			o->count = (unsigned)v;
			break;
		case 'w':
			if (remote_opt_number("verify", "--deadline", optarg, 600, &v) < 0)
				goto usage;
			o->deadline = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default: {
			char q[QUOTED_LEN];
			err_msg("verify: option %s is not known or lacks its value",
				opt_refused(argv, q, sizeof(q)));
			goto usage;
		}
		}
	}
	return 0;
usage:
	fprintf(stderr, "Try '%s verify --help'.\n", prog_name);
	return 2;
}

/* A pair that should answer: it has a link, or the relay carries it. */
static bool expected(const struct mesh *m, size_t a, size_t b)
{
	struct mesh_link l;

	return mesh_link(m, a, b, &l) || mesh_relay_of(m, a, b) >= 0;
}

static void verify_one_work(void *ctx, size_t i)
{
	const struct ctx *x = ctx;
	struct job *j = &x->jobs[i];
	const struct mesh *m = x->m;
	size_t self = j->host->node, total = 0;
	char count[12], deadline[12];
	const char **args;
	struct ssh_result r;

	for (size_t k = 0; k < m->count; k++)
		if (k != self)
			total += m->nodes[k].n_addresses;
	j->probes = calloc(total ? total : 1, sizeof(*j->probes));
	args = calloc(total + 3, sizeof(*args));
	if (!j->probes || !args) {
		snprintf(j->why, sizeof(j->why), "out of memory");
		j->failed = true;
		free(args);
		return;
	}
	snprintf(count, sizeof(count), "%u", x->o->count);
	snprintf(deadline, sizeof(deadline), "%u", x->o->deadline);
	args[0] = count;
	args[1] = deadline;
	for (size_t k = 0; k < m->count; k++) {
		for (size_t a = 0; k != self && a < m->nodes[k].n_addresses; a++) {
			struct probe *p = &j->probes[j->n];
			ipnet_format(&m->nodes[k].addresses[a], p->addr);
			char *slash = strchr(p->addr, '/');
			if (slash)
				*slash = '\0';
			p->to = k;
			args[2 + j->n++] = p->addr;
		}
	}
	if (ssh_run(&x->o->r.ssh, &j->host->target, script_ping, args, NULL, 0,
		    x->o->deadline + x->o->r.timeout, &r) < 0 || r.status != 0) {
		snprintf(j->why, sizeof(j->why), "%s", r.timed_out ? "no answer in time"
			 : ssh_result_message(&r, "ping failed"));
		j->failed = true;
	} else {
		for (const char *line = r.out.data; line && *line;) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			for (size_t k = 0; k < j->n; k++)
				if (len == 3 + strlen(j->probes[k].addr) && !memcmp(line, "ok ", 3) &&
				    !memcmp(line + 3, j->probes[k].addr, len - 3))
					j->probes[k].ok = true;
			line = nl ? nl + 1 : line + len;
		}
	}
	ssh_result_free(&r);
	free(args);
}

static void verify_one(void *ctx, size_t i)
{
	const struct ctx *x = ctx;

	verify_one_work(ctx, i);
	remote_progress_step(x->progress);
}

/* The matrix: a row per host that pinged, a column per peer; a cell says how
 * many of the peer's addresses answered ("2/2"), "-" for none. */
static int report(const struct ctx *x, size_t n)
{
	const struct mesh *m = x->m;
	size_t w = 8, pairs = 0, good = 0, bad = 0;
	char q[QUOTED_LEN];

	for (size_t k = 0; k < m->count; k++)
		if (strlen(m->nodes[k].name) + 2 > w)
			w = strlen(m->nodes[k].name) + 2;
	printf("%-*s", (int)w, "from\\to");
	for (size_t k = 0; k < m->count; k++)
		printf("%-*s", (int)w, m->nodes[k].name);
	putchar('\n');
	for (size_t i = 0; i < n; i++) {
		const struct job *j = &x->jobs[i];
		size_t self = j->host->node;
		printf("%-*s", (int)w, m->nodes[self].name);
		for (size_t k = 0; k < m->count; k++) {
			char cell[32];
			size_t ok = 0, all = 0;
			if (k == self || j->failed) {
				printf("%-*s", (int)w, k == self ? "." : "?");
				continue;
			}
			for (size_t p = 0; p < j->n; p++)
				if (j->probes[p].to == k)
					all++, ok += j->probes[p].ok;
			bool want = expected(m, self, k);
			snprintf(cell, sizeof(cell), "%s%s", ok ? "" : "-", want ? "" : "(x)");
			if (ok)
				snprintf(cell, sizeof(cell), "%zu/%zu%s", ok, all, want ? "" : "(x)");
			printf("%-*s", (int)w, cell);
			pairs++;
			if (want && ok == all)
				good++;
			else if (want)
				bad++;
		}
		putchar('\n');
	}
	for (size_t i = 0; i < n; i++)
		if (x->jobs[i].failed)
			err_msg("verify: %s: %s", x->jobs[i].host->label, x->jobs[i].why);
	for (size_t i = 0; i < n; i++) {
		const struct job *j = &x->jobs[i];
		for (size_t p = 0; !j->failed && p < j->n; p++)
			if (!j->probes[p].ok && expected(m, j->host->node, j->probes[p].to))
				err_msg("verify: %s cannot reach %s at %s",
					printable(m->nodes[j->host->node].name, q, sizeof(q)),
					m->nodes[j->probes[p].to].name, j->probes[p].addr);
	}
	printf("%zu/%zu pairs answer\n", good, pairs);
	for (size_t i = 0; i < n; i++)
		if (x->jobs[i].failed)
			return 1;
	return bad ? 1 : 0;
}

int cmd_verify(const struct cmd_env *env, int argc, char **argv)
{
	struct verify_opts o = { .count = 1, .deadline = 10 };
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
	if (remote_load(&rm, env, "verify", false, -1, false) < 0)
		goto out;
	if (remote_select(&rm.mesh, "verify", argv + optind, argc - optind, &hosts, &n) < 0 ||
	    ssh_config_start(&o.r.ssh) < 0)
		goto out;
	if (!(jobs = calloc(n ? n : 1, sizeof(*jobs)))) {
		err_msg("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		jobs[i].host = &hosts[i];
	struct remote_progress progress;
	struct ctx x = { &o, &rm.mesh, jobs, &progress };
	remote_progress_start(&progress, "verify", n);
	parallel_jobs(n, o.r.jobs, verify_one, &x);
	remote_progress_end(&progress);
	ret = report(&x, n);
out:
	remote_opts_stop(&o.r, hosts, n);
	for (size_t i = 0; jobs && i < n; i++)
		free(jobs[i].probes);
	free(jobs);
	free(hosts);
	remote_release(&rm);
	return ret;
}
