/* measure: runs one command as a whole process and reports its wall-clock
 * time and peak memory, like `/usr/bin/time -f '%e %M'` but with sub-millisecond
 * resolution and no extra package.
 *
 *   measure RESULT_FILE COMMAND [ARG]...
 *
 * Appends one line to RESULT_FILE:  SECONDS CPU_SECONDS MAXRSS_KB EXIT_STATUS
 * SECONDS is wall-clock time, CPU_SECONDS user + system time of the command,
 * EXIT_STATUS 128+N when the command was killed by signal N. The
 * command's own stdin, stdout and stderr are left as they are. measure itself
 * exits 0 unless it could not run the command.
 *
 * Built by bench/run with: cc -O2 -std=c17 bench/measure.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double start, secs, cpu;
	int status, code;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: measure RESULT_FILE COMMAND [ARG]...\n");
		return 2;
	}
	start = now();
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "measure: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return 1;
		}
	}
	secs = now() - start;
	cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	      (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	out = fopen(argv[1], "a");
	if (!out) {
		fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* ru_maxrss is in kilobytes on Linux. */
	fprintf(out, "%.6f %.6f %ld %d\n", secs, cpu, ru.ru_maxrss, code);
	return fclose(out) == 0 ? 0 : 1;
}
