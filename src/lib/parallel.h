/* Work split over the machine's cores: the one place that starts threads. */
#ifndef WGM_PARALLEL_H
#define WGM_PARALLEL_H

#include <stddef.h>

/* Calls fn(ctx, from, to) on consecutive slices of [0, n), one per core (at most
 * PARALLEL_MAX), each at least min_slice items; the calling thread takes the
 * first slice. fn may only read shared state and write its own slice's results.
 * When a thread cannot be started its slice runs on the calling thread. */
void parallel_for(size_t n, size_t min_slice, void (*fn)(void *ctx, size_t from, size_t to),
		  void *ctx);

#define PARALLEL_MAX 8

/* Calls fn(ctx, i) for every i in [0, n), on at most jobs threads at once (the
 * calling thread is one of them), each taking the next i when it is done: for
 * work that waits (a host over ssh) rather than computes. jobs is capped at
 * PARALLEL_JOBS_MAX. fn may only read shared state and write item i's results. */
void parallel_jobs(size_t n, size_t jobs, void (*fn)(void *ctx, size_t i), void *ctx);

#define PARALLEL_JOBS_MAX 256
#define PARALLEL_JOBS_LIMIT PARALLEL_JOBS_MAX

#endif
