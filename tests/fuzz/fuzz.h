/* Shared by the libFuzzer harnesses: quiet modules, loud failures. */
#ifndef WGM_FUZZ_H
#define WGM_FUZZ_H

#include "lib/keys.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where property failures are printed: the stderr of the process as it started.
 * The modules print their (expected) error messages on `stderr`, which the
 * initializer points at /dev/null; libFuzzer and the sanitizers keep file
 * descriptor 2 and the FILE they captured at startup, so their reports stay. */
static FILE *fuzz_out;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_out = stderr;
	if (keys_init() < 0) {
		fputs("fuzz: keys_init failed\n", fuzz_out);
		abort();
	}
	/* FUZZ_VERBOSE=1 keeps the modules' messages, to read them on a reproducer. */
	if (!getenv("FUZZ_VERBOSE")) {
		FILE *null = fopen("/dev/null", "w");
		if (null)
			stderr = null;
	}
	return 0;
}

/* A property of the module does not hold: print it and crash, so that libFuzzer
 * saves the input. */
#define FUZZ_ASSERT(cond)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(fuzz_out, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                    \
			fflush(fuzz_out);                                                  \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* A NUL-terminated copy of the input (which may itself hold NULs: the string then
 * ends at the first one). Free with free(). */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
