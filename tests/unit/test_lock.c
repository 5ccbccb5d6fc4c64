/* db_open(DB_LOCK): concurrent read-modify-write cycles of the database do not
 * lose each other's changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/db.h"
#include "lib/keys.h"
#include "unit.h"

#include <errno.h>
#include <sys/file.h>
#include <sys/wait.h>

#define WRITERS 16

static int setup(void **state)
{
	(void)state;
	return keys_init();
}

/* True when someone holds the lock file. */
static bool is_locked(const char *lock_path)
{
	int fd = open(lock_path, O_RDWR);
	bool locked;

	assert_true(fd >= 0);
	locked = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return locked;
}

static void test_lock_file_beside_the_database_is_held_until_close(void **state)
{
	char *dir = tmpdir_make(), *path = path_join(dir, "database.csv");
	char *lock = path_join(dir, ".database.csv.lock");
	struct stat st;
	struct db db;

	(void)state;
	assert_int_equal(db_open(&db, path, DB_LOCK), 0);
	assert_int_equal(stat(lock, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(is_locked(lock));
	db_close(&db);
	assert_false(is_locked(lock));
	assert_int_equal(db_open(&db, path, 0), 0);
	assert_false(is_locked(lock));
	db_close(&db);
	free(lock);
	free(path);
	tmpdir_remove(dir);
}

/* One writer: waits at the barrier, then adds peer pN as `addpeer` does. */
static void writer(const char *path, int barrier, int n)
{
	char c, name[16], addr[32];
	key_b64 priv;
	struct peer *p;
	struct db db;

	if (read(barrier, &c, 1) != 0)
		_exit(2);
	if (db_open(&db, path, DB_LOCK) < 0 || !(p = db_add(&db)))
		_exit(3);
	snprintf(name, sizeof(name), "p%d", n);
	snprintf(addr, sizeof(addr), "10.0.0.%d/24", n + 1);
	key_generate_private_b64(priv);
	if (peer_set(p, ATTR_NAME, name) < 0 || peer_set(p, ATTR_ADDRESS, addr) < 0 ||
	    peer_set(p, ATTR_PRIVATEKEY, priv) < 0)
		_exit(4);
	/* The time a command spends between reading and writing (key derivation,
	 * checks): it widens the window in which an unlocked writer loses. */
	usleep(2000);
	if (db_save(&db) < 0)
		_exit(5);
	db_close(&db);
	_exit(0);
}

static void test_concurrent_writers_lose_no_peer(void **state)
{
	char *dir = tmpdir_make(), *path = path_join(dir, "database.csv");
	pid_t pids[WRITERS];
	int barrier[2];
	struct db db;

	(void)state;
	assert_int_equal(pipe(barrier), 0);
	for (int i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			close(barrier[1]);
			writer(path, barrier[0], i);
		}
	}
	/* Closing the pipe wakes them all at once. */
	close(barrier[0]);
	close(barrier[1]);
	for (int i = 0; i < WRITERS; i++) {
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(db_open(&db, path, DB_MUST_EXIST), 0);
	for (int i = 0; i < WRITERS; i++) {
		char name[16];
		snprintf(name, sizeof(name), "p%d", i);
		if (db_find(&db, name) < 0)
			fail_msg("peer %s was lost (%zu of %d peers left)", name, db.count, WRITERS);
	}
	assert_int_equal(db.count, WRITERS);
	db_close(&db);
	free(path);
	tmpdir_remove(dir);
}

/* A child that holds the lock of path for hold_ms, then exits; returns once it
 * holds it. */
static pid_t hold_lock(const char *lock_path, int hold_ms)
{
	int ready[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(lock_path, O_RDWR | O_CREAT, 0600);
		if (fd < 0 || flock(fd, LOCK_EX) < 0 || write(ready[1], "x", 1) != 1)
			_exit(2);
		usleep((useconds_t)hold_ms * 1000);
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_a_waiting_writer_names_the_holder_after_a_second(void **state)
{
	char *dir = tmpdir_make(), *path = path_join(dir, "database.csv");
	char *lock = path_join(dir, ".database.csv.lock"), want[512], *err;
	struct capture cap;
	struct db db;
	pid_t pid;

	(void)state;
	pid = hold_lock(lock, 1600);
	capture_start(&cap);
	int r = db_open(&db, path, DB_LOCK);
	err = capture_end(&cap);
	assert_int_equal(r, 0);
	snprintf(want, sizeof(want), "wg-meshconf: %s: waiting for process %ld (test_lock), which "
		 "holds the lock %s\n", path, (long)pid, lock);
	assert_string_equal(err, want);
	db_close(&db);
	reap(pid);
	free(err);
	free(lock);
	free(path);
	tmpdir_remove(dir);
}

static void test_a_short_wait_says_nothing(void **state)
{
	char *dir = tmpdir_make(), *path = path_join(dir, "database.csv");
	char *lock = path_join(dir, ".database.csv.lock"), *err;
	struct capture cap;
	struct db db;
	pid_t pid;

	(void)state;
	pid = hold_lock(lock, 200);
	capture_start(&cap);
	int r = db_open(&db, path, DB_LOCK);
	err = capture_end(&cap);
	assert_int_equal(r, 0);
	assert_string_equal(err, "");
	db_close(&db);
	reap(pid);
	free(err);
	free(lock);
	free(path);
	tmpdir_remove(dir);
}

static void test_a_lock_that_is_not_a_regular_file_is_refused_at_once(void **state)
{
	char *dir = tmpdir_make(), *path = path_join(dir, "database.csv");
	char *lock = path_join(dir, ".database.csv.lock"), want[512], *err;
	struct capture cap;
	struct db db;

	(void)state;
	assert_int_equal(mkfifo(lock, 0600), 0);
	alarm(5);
	capture_start(&cap);
	assert_int_equal(db_open(&db, path, DB_LOCK), -1);
	err = capture_end(&cap);
	alarm(0);
	snprintf(want, sizeof(want), "wg-meshconf: %s: cannot lock the database: %s is a FIFO, "
		 "not a regular file\n", path, lock);
	assert_string_equal(err, want);
	free(err);
	assert_int_equal(unlink(lock), 0);
	assert_int_equal(mkdir(lock, 0700), 0);
	capture_start(&cap);
	assert_int_equal(db_open(&db, path, DB_LOCK), -1);
	err = capture_end(&cap);
	snprintf(want, sizeof(want), "wg-meshconf: %s: cannot lock the database: %s is a folder, "
		 "not a regular file\n", path, lock);
	assert_string_equal(err, want);
	free(err);
	free(lock);
	free(path);
	tmpdir_remove(dir);
}

static void need_root(void)
{
	const char *ci = getenv("CI");

	if (geteuid() == 0)
		return;
	if (ci && !strcmp(ci, "true"))
		fail_msg("this test needs root (CI=true: it must not be skipped)");
	print_message("SKIP: this test needs root\n");
	skip();
}

static uid_t owner_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_uid;
}

/* nobody (65534): the user whose database root (sudo) writes. */
#define OTHER ((uid_t)65534)

static void test_root_gives_the_lock_to_the_databases_owner(void **state)
{
	char *dir = tmpdir_make(), *path = path_join(dir, "database.csv");
	char *lock = path_join(dir, ".database.csv.lock"), *other = path_join(dir, "other");
	struct db db;

	(void)state;
	need_root();
	spit(path, "Name,Address\n");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chown(path, OTHER, OTHER), 0);
	/* A new lock. */
	assert_int_equal(db_open(&db, path, DB_LOCK), 0);
	db_close(&db);
	assert_int_equal(owner_of(lock), OTHER);
	/* One that a root run of an older version left. */
	assert_int_equal(chown(lock, 0, 0), 0);
	assert_int_equal(db_open(&db, path, DB_LOCK), 0);
	db_close(&db);
	assert_int_equal(owner_of(lock), OTHER);
	/* Never a file with another name too: a hard link is not given away. */
	assert_int_equal(unlink(lock), 0);
	spit(other, "");
	assert_int_equal(link(other, lock), 0);
	assert_int_equal(db_open(&db, path, DB_LOCK), 0);
	db_close(&db);
	assert_int_equal(owner_of(other), 0);
	free(other);
	free(lock);
	free(path);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_file_beside_the_database_is_held_until_close),
		cmocka_unit_test(test_concurrent_writers_lose_no_peer),
		cmocka_unit_test(test_a_waiting_writer_names_the_holder_after_a_second),
		cmocka_unit_test(test_a_short_wait_says_nothing),
		cmocka_unit_test(test_a_lock_that_is_not_a_regular_file_is_refused_at_once),
		cmocka_unit_test(test_root_gives_the_lock_to_the_databases_owner),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
