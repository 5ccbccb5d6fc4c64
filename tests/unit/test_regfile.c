/* regfile.c: only regular files (or pipes, when asked) are read, of a bounded
 * size, and a FIFO or a device is refused at once instead of blocking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/regfile.h"
#include "unit.h"

#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

/* A read that blocks fails the test (SIGALRM) instead of hanging the suite. */
static int setup(void **state)
{
	(void)state;
	signal(SIGALRM, SIG_DFL);
	return 0;
}

static void expect_refused(const char *path, size_t max, int opts, int want_errno,
			   const char *want_why)
{
	char why[REGFILE_WHY_LEN] = "", *text = (char *)"untouched";
	size_t len = 99;

	alarm(5);
	assert_int_equal(regfile_read(path, max, opts, &text, &len, NULL, why, sizeof(why)), -1);
	alarm(0);
	assert_int_equal(errno, want_errno);
	assert_string_equal(why, want_why);
	assert_null(text);
	assert_int_equal(len, 0);
}

static void test_a_regular_file_is_read_whole(void **state)
{
	char *dir = tmpdir_make(), *path = path_join(dir, "f"), *text, why[REGFILE_WHY_LEN];
	struct stat st;
	size_t len;

	(void)state;
	spit(path, "hello\n");
	assert_int_equal(regfile_read(path, 6, 0, &text, &len, &st, why, sizeof(why)), 0);
	assert_int_equal(len, 6);
	assert_string_equal(text, "hello\n");
	assert_true(S_ISREG(st.st_mode));
	free(text);
	free(path);
	tmpdir_remove(dir);
}

static void test_a_file_over_the_bound_is_refused_before_reading(void **state)
{
	char *dir = tmpdir_make(), *path = path_join(dir, "f");

	(void)state;
	spit(path, "hello\n");
	expect_refused(path, 5, 0, EFBIG, "larger than 5 bytes");
	expect_refused(path, 5, REGFILE_PIPES, EFBIG, "larger than 5 bytes");
	free(path);
	tmpdir_remove(dir);
}

static void test_a_fifo_is_refused_without_blocking(void **state)
{
	char *dir = tmpdir_make(), *path = path_join(dir, "fifo");

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	/* Nobody writes into it: opening it to read would block for ever. */
	expect_refused(path, 1024, 0, EINVAL, "a FIFO, not a regular file");
	free(path);
	tmpdir_remove(dir);
}

static void test_devices_folders_and_sockets_are_refused(void **state)
{
	char *dir = tmpdir_make(), *sock = path_join(dir, "sock"), *link = path_join(dir, "zero");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)state;
	expect_refused("/dev/zero", 1 << 20, 0, EINVAL, "a character device, not a regular file");
	/* Not even as a "pipe": /dev/zero never ends. */
	expect_refused("/dev/zero", 1 << 20, REGFILE_PIPES, EINVAL,
		       "a character device, not a regular file");
	expect_refused(dir, 1 << 20, 0, EISDIR, "a folder, not a regular file");
	/* Through a symbolic link: what it points to counts. */
	assert_int_equal(symlink("/dev/zero", link), 0);
	expect_refused(link, 1 << 20, 0, EINVAL, "a character device, not a regular file");
	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	expect_refused(sock, 1 << 20, 0, EINVAL, "a socket, not a regular file");
	close(fd);
	expect_refused("/nonexistent/file", 10, 0, ENOENT, "No such file or directory");
	free(sock);
	free(link);
	tmpdir_remove(dir);
}

static void test_a_pipe_is_read_when_asked_and_bounded(void **state)
{
	char path[64], why[REGFILE_WHY_LEN], *text;
	size_t len;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "key\n", 4), 4);
	close(p[1]);
	/* As bash's <(command) gives it: /dev/fd/N. */
	snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
	expect_refused(path, 100, 0, EINVAL, "a FIFO, not a regular file");
	assert_int_equal(regfile_read(path, 100, REGFILE_PIPES, &text, &len, NULL, why,
				      sizeof(why)), 0);
	assert_string_equal(text, "key\n");
	free(text);
	close(p[0]);

	/* More than the bound from a pipe: refused once max + 1 bytes are in. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "0123456789", 10), 10);
	close(p[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", p[0]);
	expect_refused(path, 9, REGFILE_PIPES, EFBIG, "larger than 9 bytes");
	close(p[0]);
}

static void test_read_fd_bounds_what_it_reads(void **state)
{
	char why[REGFILE_WHY_LEN], *text;
	size_t len;
	int fd = open("/dev/zero", O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	alarm(5);
	assert_int_equal(regfile_read_fd(fd, 4096, 0, &text, &len, why, sizeof(why)), -1);
	alarm(0);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(why, "larger than 4 KiB");
	close(fd);
	fd = open("/tmp", O_RDONLY | O_DIRECTORY);
	assert_int_equal(regfile_read_fd(fd, 4096, 0, &text, &len, why, sizeof(why)), -1);
	assert_string_equal(why, "a folder, not a regular file");
	close(fd);
}

/* A key typed on a terminal: read when the line ends, not at end of file. */
static void test_a_line_from_a_pipe_is_read_without_waiting_for_its_end(void **state)
{
	char why[REGFILE_WHY_LEN], *text;
	size_t len;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	/* The writer stays open: without REGFILE_LINE the read would wait. */
	assert_int_equal(write(p[1], "key\n", 4), 4);
	alarm(5);
	assert_int_equal(regfile_read_fd(p[0], 4096, REGFILE_LINE, &text, &len, why,
					 sizeof(why)), 0);
	alarm(0);
	assert_string_equal(text, "key\n");
	free(text);
	close(p[0]);
	close(p[1]);
}

static void test_size_text(void **state)
{
	char s[32];

	(void)state;
	assert_string_equal(regfile_size_text(64u << 20, s, sizeof(s)), "64 MiB");
	assert_string_equal(regfile_size_text(4096, s, sizeof(s)), "4 KiB");
	assert_string_equal(regfile_size_text(4097, s, sizeof(s)), "4097 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_regular_file_is_read_whole),
		cmocka_unit_test(test_a_file_over_the_bound_is_refused_before_reading),
		cmocka_unit_test(test_a_fifo_is_refused_without_blocking),
		cmocka_unit_test(test_devices_folders_and_sockets_are_refused),
		cmocka_unit_test(test_a_pipe_is_read_when_asked_and_bounded),
		cmocka_unit_test(test_read_fd_bounds_what_it_reads),
		cmocka_unit_test(test_a_line_from_a_pipe_is_read_without_waiting_for_its_end),
		cmocka_unit_test(test_size_text),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
