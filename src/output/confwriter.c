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
	const struct confwriter_opts *o;
	size_t from, to;
	bool whole;		/* this job also renders the whole-mesh formats */
	struct atomic_batch batch;
	char error[512];	/* empty when all went well */
};

/* Each file's folder (NAME/ with --interface) is created first. */
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

static int add_files(struct job *j, const struct out_files *files)
{
	for (size_t k = 0; k < files->count; k++) {
		const struct out_file *f = &files->v[k];
		char *path;
		if (asprintf(&path, "%s/%s", j->o->output, f->path) < 0) {
			snprintf(j->error, sizeof(j->error), "out of memory");
			return -1;
		}
		if (make_parent(path) < 0 ||
		    atomic_batch_add(&j->batch, path, f->data.data, f->data.len) < 0)
			snprintf(j->error, sizeof(j->error), "%s: %s", path, strerror(errno));
		free(path);
		if (j->error[0])
			return -1;
	}
	return 0;
}

static void render_one(struct job *j, size_t fi, size_t item, struct out_files *files)
{
	const struct format *f = j->o->formats[fi];

	out_files_reset(files);
	if (f->render(j->m, j->o->states[fi], j->o->fo, item, files, j->error,
		      sizeof(j->error)) == 0)
		add_files(j, files);
}

static void *write_range(void *arg)
{
	struct job *j = arg;
	struct out_files files = OUT_FILES_INIT;

	for (size_t fi = 0; j->whole && j->o->formats[fi] && !j->error[0]; fi++)
		if (j->o->formats[fi]->whole_mesh)
			render_one(j, fi, 0, &files);
	for (size_t i = j->from; i < j->to && !j->error[0]; i++)
		for (size_t fi = 0; j->o->formats[fi] && !j->error[0]; fi++)
			if (!j->o->formats[fi]->whole_mesh)
				render_one(j, fi, i, &files);
	out_files_release(&files);
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

long confwriter_run(const struct mesh *m, const struct confwriter_opts *o)
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
		jobs[k] = (struct job){ .m = m, .o = o, .batch = ATOMIC_BATCH_INIT };
		jobs[k].batch.durable = o->durable;
	}
	jobs[0].whole = true;
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
