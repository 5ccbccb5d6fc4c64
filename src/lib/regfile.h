/* The files the tool reads (the database, its preshared-key store, a key
 * file): regular files of a bounded size, checked before a byte is read and
 * without blocking, so that a FIFO or a device put where a file was expected
 * (`DATABASE.psk` -> /dev/zero) is refused at once instead of hanging a
 * command that may be holding the database lock. */
#ifndef WGM_REGFILE_H
#define WGM_REGFILE_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/stat.h>

/* Options of regfile_open and regfile_read. */
enum {
	/* A pipe or FIFO is taken too, its size bounded while reading: for a key
	 * given as `--privatekey-file <(pass show wg)`, as standard input would be. */
	REGFILE_PIPES = 1,
	/* From what is not a regular file, stop at the end of the first line: a
	 * key typed on a terminal is read when Enter is pressed, not at ^D. */
	REGFILE_LINE = 2,
};

/* Longest phrase regfile_open writes to why. */
#define REGFILE_WHY_LEN 96

/* Opens path read-only (close-on-exec, O_NOCTTY) when it is a regular file of
 * at most max bytes. The type is checked with stat before opening (opening a
 * device may have effects of its own) and again with fstat on the descriptor,
 * which is opened O_NONBLOCK (a FIFO without a writer would block the open)
 * and made blocking again for reading. Returns the descriptor, st filled; or
 * -1 with errno set (EISDIR for a folder, EINVAL for another file that is not
 * regular, EFBIG for a file over max) and the reason, one phrase without the
 * path ("a FIFO, not a regular file", "larger than 4 KiB", strerror), in why. */
int regfile_open(const char *path, size_t max, int opts, struct stat *st, char *why,
		 size_t whylen);

/* regfile_open, then the whole file into *out (NUL-terminated, one allocation
 * of the right size, so that no copy of a key is left in freed memory; wipe
 * and free it). 0, or -1 with errno and why as regfile_open. st may be NULL. */
int regfile_read(const char *path, size_t max, int opts, char **out, size_t *len,
		 struct stat *st, char *why, size_t whylen);

/* Reads what the open descriptor fd holds (standard input for a key given as
 * "-": a terminal, a pipe or a file), at most max bytes, as regfile_read; a
 * folder is refused; opts as regfile_read's (REGFILE_LINE). fd is left open.
 * 0, or -1 with errno and why. */
int regfile_read_fd(int fd, size_t max, int opts, char **out, size_t *len, char *why,
		    size_t whylen);

/* "a folder", "a FIFO", "a character device", ... for a file's st_mode. */
const char *regfile_kind(mode_t mode);

/* A size as the README states the bounds: "64 MiB", "4 KiB", "100 bytes". */
const char *regfile_size_text(size_t n, char *out, size_t len);

#endif
