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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_file_beside_the_database_is_held_until_close),
		cmocka_unit_test(test_concurrent_writers_lose_no_peer),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
