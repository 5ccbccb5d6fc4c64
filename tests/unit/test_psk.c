/* psk.c: the preshared key store, stable over add, delete and reorder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/keys.h"
#include "store/psk.h"
#include "unit.h"

#define KEY_A "yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM="
#define KEY_B "SEOaOjTrhR4do1iUrTTRRHZs6xCA3Q/H0yHW3ZpkHko="
#define KEY_C "2D34jpbTsU+KeBqfItTEbL5m7nYcBomWWJGTYCT6eko="
#define KEY_D "CGyR7goj/uGH3TQHgVknpb9ZBR+/yMfkve+kVNGBYlg="
#define HEADER "Name,Address,PrivateKey\n"
#define ROW_A "a,10.0.0.1/24," KEY_A "\n"
#define ROW_B "b,10.0.0.2/24," KEY_B "\n"
#define ROW_C "c,10.0.0.3/24," KEY_C "\n"
#define ROW_D "d,10.0.0.4/24," KEY_D "\n"

static int setup(void **state)
{
	(void)state;
	return keys_init();
}

/* A store synced with the database of this CSV text. */
static void sync_with(struct psk_store *s, const char *csv, long expect_created)
{
	struct db db;

	db_load_text(&db, csv);
	assert_int_equal(psk_sync(s, &db), expect_created);
	db_close(&db);
}

/* Copies the key of a pair, which must exist. */
static void key_of(const struct psk_store *s, const char *x, const char *y, key_b64 out)
{
	const char *k = psk_get(s, x, y);

	assert_non_null(k);
	memcpy(out, k, sizeof(key_b64));
}

static void test_every_pair_gets_its_own_valid_key(void **state)
{
	struct psk_store s = { 0 };
	uint8_t bin[KEY_LEN];

	(void)state;
	sync_with(&s, HEADER ROW_A ROW_B ROW_C, 3);
	assert_int_equal(s.count, 3);
	assert_true(s.dirty);
	assert_string_not_equal(psk_get(&s, "a", "b"), psk_get(&s, "a", "c"));
	assert_string_not_equal(psk_get(&s, "a", "b"), psk_get(&s, "b", "c"));
	/* Either order names the same pair. */
	assert_string_equal(psk_get(&s, "a", "b"), psk_get(&s, "b", "a"));
	assert_null(psk_get(&s, "a", "a"));
	assert_null(psk_get(&s, "a", "zz"));
	assert_int_equal(key_from_base64(bin, psk_get(&s, "c", "b")), 0);
	psk_free(&s);
}

static void test_a_second_sync_changes_nothing(void **state)
{
	struct psk_store s = { 0 };
	key_b64 ab;

	(void)state;
	sync_with(&s, HEADER ROW_A ROW_B ROW_C, 3);
	key_of(&s, "a", "b", ab);
	s.dirty = false;
	sync_with(&s, HEADER ROW_A ROW_B ROW_C, 0);
	assert_false(s.dirty);
	assert_string_equal(psk_get(&s, "a", "b"), ab);
	psk_free(&s);
}

static void test_reordering_rows_keeps_every_key(void **state)
{
	struct psk_store s = { 0 };
	key_b64 ab, ac, bc;

	(void)state;
	sync_with(&s, HEADER ROW_A ROW_B ROW_C, 3);
	key_of(&s, "a", "b", ab);
	key_of(&s, "a", "c", ac);
	key_of(&s, "b", "c", bc);
	sync_with(&s, HEADER ROW_C ROW_A ROW_B, 0);
	assert_string_equal(psk_get(&s, "a", "b"), ab);
	assert_string_equal(psk_get(&s, "a", "c"), ac);
	assert_string_equal(psk_get(&s, "b", "c"), bc);
	psk_free(&s);
}

static void test_a_new_peer_gets_keys_for_its_pairs_only(void **state)
{
	struct psk_store s = { 0 };
	key_b64 ab, ac, bc;

	(void)state;
	sync_with(&s, HEADER ROW_A ROW_B ROW_C, 3);
	key_of(&s, "a", "b", ab);
	key_of(&s, "a", "c", ac);
	key_of(&s, "b", "c", bc);
	sync_with(&s, HEADER ROW_A ROW_B ROW_C ROW_D, 3);
	assert_int_equal(s.count, 6);
	assert_string_equal(psk_get(&s, "a", "b"), ab);
	assert_string_equal(psk_get(&s, "a", "c"), ac);
	assert_string_equal(psk_get(&s, "b", "c"), bc);
	assert_non_null(psk_get(&s, "d", "a"));
	psk_free(&s);
}

static void test_a_deleted_peer_drops_its_pairs_only(void **state)
{
	struct psk_store s = { 0 };
	key_b64 ac;

	(void)state;
	sync_with(&s, HEADER ROW_A ROW_B ROW_C, 3);
	key_of(&s, "a", "c", ac);
	s.dirty = false;
	sync_with(&s, HEADER ROW_A ROW_C, 0);
	assert_true(s.dirty);
	assert_int_equal(s.count, 1);
	assert_string_equal(psk_get(&s, "a", "c"), ac);
	assert_null(psk_get(&s, "a", "b"));
	psk_free(&s);
}

static void test_forget_drops_the_pairs_of_one_peer(void **state)
{
	struct psk_store s = { 0 };

	(void)state;
	sync_with(&s, HEADER ROW_A ROW_B ROW_C, 3);
	psk_forget(&s, "b");
	assert_int_equal(s.count, 1);
	assert_non_null(psk_get(&s, "a", "c"));
	psk_free(&s);
}

static void test_rotate_one_peer_changes_its_pairs_only(void **state)
{
	struct psk_store s = { 0 };
	key_b64 ab, ac, bc;

	(void)state;
	sync_with(&s, HEADER ROW_A ROW_B ROW_C, 3);
	key_of(&s, "a", "b", ab);
	key_of(&s, "a", "c", ac);
	key_of(&s, "b", "c", bc);
	assert_int_equal(psk_rotate(&s, "a"), 2);
	assert_string_not_equal(psk_get(&s, "a", "b"), ab);
	assert_string_not_equal(psk_get(&s, "a", "c"), ac);
	assert_string_equal(psk_get(&s, "b", "c"), bc);
	assert_int_equal(psk_rotate(&s, NULL), 3);
	assert_string_not_equal(psk_get(&s, "b", "c"), bc);
	psk_free(&s);
}

static void test_save_then_load_round_trips_at_mode_0600(void **state)
{
	char *dir = tmpdir_make(), *dbpath = path_join(dir, "db.csv"), *store;
	struct psk_store s = { 0 }, t = { 0 };
	struct stat st;
	key_b64 ab;

	(void)state;
	assert_int_equal(psk_load(&s, dbpath), 0);
	assert_false(s.exists);
	sync_with(&s, HEADER ROW_A ROW_B ROW_C, 3);
	key_of(&s, "a", "b", ab);
	assert_int_equal(psk_save(&s), 0);
	store = path_join(dir, "db.csv.psk");
	assert_int_equal(stat(store, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(psk_store_exists(dbpath));
	assert_int_equal(psk_load(&t, dbpath), 0);
	assert_true(t.exists);
	assert_int_equal(t.count, 3);
	assert_string_equal(psk_get(&t, "b", "a"), ab);
	psk_free(&s);
	psk_free(&t);
	free(store);
	free(dbpath);
	tmpdir_remove(dir);
}

/* A store that does not parse is an error naming its line, never regenerated. */
static void assert_refused(const char *text, const char *expect)
{
	struct psk_store s = { 0 };
	struct capture c;
	char *err;
	int r;

	capture_start(&c);
	r = psk_parse(&s, "db.csv.psk", text, strlen(text));
	err = capture_end(&c);
	if (r != -1 || !strstr(err, expect))
		fail_msg("store %s: got %d and %s, expected -1 and %s", text, r, err, expect);
	free(err);
	psk_free(&s);
}

static void test_a_corrupt_store_is_refused_with_its_line(void **state)
{
	(void)state;
	assert_refused("Peer1,Peer2,Key\r\n", "db.csv.psk:1:");
	assert_refused("\"Peer1\",\"Peer2\",\"PresharedKey\"\r\n"
		       "\"a\",\"b\",\"" KEY_A "\"\r\n"
		       "\"a\",\"c\",\"notakey\"\r\n", "db.csv.psk:3:");
	/* Names out of order, or the same name twice: not a pair we write. */
	assert_refused("Peer1,Peer2,PresharedKey\nb,a," KEY_A "\n", "db.csv.psk:2:");
	assert_refused("Peer1,Peer2,PresharedKey\na,a," KEY_A "\n", "db.csv.psk:2:");
	assert_refused("Peer1,Peer2,PresharedKey\na,b," KEY_A "\na,b," KEY_B "\n",
		       "db.csv.psk:3: the pair a, b is already on line 2");
	assert_refused("Peer1,Peer2,PresharedKey\na,b\n", "db.csv.psk:2:");
	assert_refused("Peer1,Peer2,PresharedKey\n\"a,b," KEY_A "\n", "db.csv.psk:2:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_pair_gets_its_own_valid_key),
		cmocka_unit_test(test_a_second_sync_changes_nothing),
		cmocka_unit_test(test_reordering_rows_keeps_every_key),
		cmocka_unit_test(test_a_new_peer_gets_keys_for_its_pairs_only),
		cmocka_unit_test(test_a_deleted_peer_drops_its_pairs_only),
		cmocka_unit_test(test_forget_drops_the_pairs_of_one_peer),
		cmocka_unit_test(test_rotate_one_peer_changes_its_pairs_only),
		cmocka_unit_test(test_save_then_load_round_trips_at_mode_0600),
		cmocka_unit_test(test_a_corrupt_store_is_refused_with_its_line),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
