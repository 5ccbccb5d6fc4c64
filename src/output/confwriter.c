#include "output/confwriter.h"

#include "lib/atomic.h"
#include "lib/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Below this many files a second thread costs more than it saves. */
#define THREAD_MIN_FILES 32

struct job {
	const struct mesh *m;
	const void *state;
	const struct confwriter_opts *o;
	size_t from, to;
	struct atomic_batch batch;
	char error[512];	/* empty when all went well */
};

static char *file_path(const struct confwriter_opts *o, const char *peer)
{
	size_t len = strlen(o->output) + strlen(peer) + (o->ifname ? strlen(o->ifname) : 0) + 8;
	char *path = malloc(len);

	if (!path)
		return NULL;
	if (o->ifname)
		snprintf(path, len, "%s/%s/%s.conf", o->output, peer, o->ifname);
	else
		snprintf(path, len, "%s/%s.conf", o->output, peer);
	return path;
}

/* With --interface, each peer's file has a folder of its own. */
static int make_parent(const char *path)
{
	char *dir = strdup(path), *slash;
	int ret;

	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	ret = slash ? mkdir_parents(dir) : 0;
	free(dir);
	return ret;
}

static void *write_range(void *arg)
{
	struct job *j = arg;
	struct buf text = BUF_INIT;
	size_t secret_end = 0;

	for (size_t i = j->from; i < j->to && !j->error[0]; i++) {
		const char *name = j->m->nodes[i].name;
		char *path = file_path(j->o, name);
		/* Wipe what held keys, not the megabytes of public [Peer] sections. */
		if (text.data)
			key_wipe(text.data, secret_end);
		text.len = 0;
		if (!path || wgquick_render(j->m, j->state, i, &text, &secret_end) < 0)
			snprintf(j->error, sizeof(j->error), "out of memory");
		else if ((j->o->ifname && make_parent(path) < 0) ||
			 atomic_batch_add(&j->batch, path, text.data, text.len) < 0)
			snprintf(j->error, sizeof(j->error), "%s: %s", path, strerror(errno));
		free(path);
	}
	buf_free(&text);
	return NULL;
}

static void *commit_range(void *arg)
{
	struct job *j = arg;

	if (atomic_batch_commit(&j->batch) < 0)
		snprintf(j->error, sizeof(j->error), "%s: %s", j->o->output, strerror(errno));
	return NULL;
}

/* Runs fn on both jobs, the second in a thread of its own when there is one. */
static void run_both(void *(*fn)(void *), struct job jobs[2], bool threaded)
{
	pthread_t t;

	if (threaded && pthread_create(&t, NULL, fn, &jobs[1]) != 0)
		threaded = false;
	fn(&jobs[0]);
	if (threaded)
		pthread_join(t, NULL);
	else
		fn(&jobs[1]);
}

long confwriter_run(const struct mesh *m, const void *state, const struct confwriter_opts *o)
{
	size_t from = 0, to = m->count;
	struct job jobs[2];
	bool threaded;
	long ret = -1;

	if (o->only >= 0) {
		from = (size_t)o->only;
		to = from + 1;
	}
	threaded = to - from >= THREAD_MIN_FILES;
	for (int k = 0; k < 2; k++) {
		jobs[k] = (struct job){ .m = m, .state = state, .o = o, .batch = ATOMIC_BATCH_INIT };
		jobs[k].batch.durable = o->durable;
	}
	jobs[0].from = from;
	jobs[0].to = jobs[1].from = from + (to - from) / 2;
	jobs[1].to = to;

	run_both(write_range, jobs, threaded);
	for (int k = 0; k < 2; k++)
		if (jobs[k].error[0]) {
			err_msg("genconfig: %s (no file was changed)", jobs[k].error);
			goto out;
		}
	run_both(commit_range, jobs, threaded);
	for (int k = 0; k < 2; k++)
		if (jobs[k].error[0]) {
			err_msg("genconfig: %s", jobs[k].error);
			goto out;
		}
	ret = (long)(jobs[0].batch.count + jobs[1].batch.count);
out:
	atomic_batch_free(&jobs[0].batch);
	atomic_batch_free(&jobs[1].batch);
	return ret;
}
