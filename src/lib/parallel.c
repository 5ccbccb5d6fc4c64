#include "lib/parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

struct slice {
	void (*fn)(void *ctx, size_t from, size_t to);
	void *ctx;
	size_t from, to;
};

static void *run_slice(void *arg)
{
	struct slice *s = arg;

	s->fn(s->ctx, s->from, s->to);
	return NULL;
}

void parallel_for(size_t n, size_t min_slice, void (*fn)(void *ctx, size_t from, size_t to),
		  void *ctx)
{
	struct slice s[PARALLEL_MAX];
	pthread_t t[PARALLEL_MAX];
	bool started[PARALLEL_MAX] = { false };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k = cores > 0 ? (size_t)cores : 1;

	if (k > PARALLEL_MAX)
		k = PARALLEL_MAX;
	if (min_slice && n / min_slice < k)
		k = n / min_slice ? n / min_slice : 1;
	for (size_t i = 0; i < k; i++)
		s[i] = (struct slice){ fn, ctx, n * i / k, n * (i + 1) / k };
	for (size_t i = 1; i < k; i++)
		started[i] = pthread_create(&t[i], NULL, run_slice, &s[i]) == 0;
	run_slice(&s[0]);
	for (size_t i = 1; i < k; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		else
			run_slice(&s[i]);
	}
}

struct jobs {
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	size_t n;
	size_t next;	/* atomically taken */
};

static void *run_jobs(void *arg)
{
	struct jobs *j = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->n)
		j->fn(j->ctx, i);
	return NULL;
}

void parallel_jobs(size_t n, size_t jobs, void (*fn)(void *ctx, size_t i), void *ctx)
{
	struct jobs j = { fn, ctx, n, 0 };
	pthread_t t[PARALLEL_JOBS_MAX];
	bool started[PARALLEL_JOBS_MAX] = { false };

	if (jobs > PARALLEL_JOBS_MAX)
		jobs = PARALLEL_JOBS_MAX;
	if (jobs > n)
		jobs = n;
	for (size_t i = 1; i < jobs; i++)
		started[i] = pthread_create(&t[i], NULL, run_jobs, &j) == 0;
	run_jobs(&j);
	for (size_t i = 1; i < jobs; i++)
		if (started[i])
			pthread_join(t[i], NULL);
}
