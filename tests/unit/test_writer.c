/* writer.c, commit.c, outdir.c, manifest.c: all or nothing, modes and groups,
 * files left alone, leftovers removed. Linked with -Wl,--wrap=renameat2 so that
 * a test can make the Nth swap fail, as an immutable file (chattr +i) does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "output/outdir.h"
#include "output/writer.h"
#include "lib/atomic.h"
#include "lib/keys.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <sys/stat.h>
#include <utime.h>

int __real_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		     unsigned int flags);
int __wrap_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		     unsigned int flags);

/* The swap that fails (counted from 1), or 0 for none; the failed and undone
 * swaps are counted too. */
static int fail_at, swaps;

int __wrap_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		     unsigned int flags)
{
	if (++swaps == fail_at) {
		errno = EPERM;
		return -1;
	}
	return __real_renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
}

/* Renders "N.conf" holding text[N] (and "N.key", mode 0640 for group, when asked). */
struct fixture {
	const char *text[8];
	const char *group;
	const char *path;	/* or NULL: "N.conf" */
};

static int render(void *ctx, size_t item, struct out_files *out, char *err, size_t errlen)
{
	const struct fixture *fx = ctx;
	struct out_file *f = fx->path ? out_files_add(out, "%s", fx->path)
				      : out_files_add(out, "%zu.conf", item);

	(void)err;
	(void)errlen;
	if (!f || buf_puts(&f->data, fx->text[item]) < 0)
		return -1;
	f->secret_end = f->data.len;
	if (fx->group) {
		f = out_files_add(out, "%zu.key", item);
		if (!f || buf_puts(&f->data, "key") < 0)
			return -1;
		f->mode = 0640;
		f->group = fx->group;
	}
	return 0;
}

static long run(const char *dir, struct fixture *fx, size_t n, const char *const *protect)
{
	struct writer_opts o = { .cmd = "test", .output = dir, .from = 0, .to = n,
				 .protect = protect, .db_path = "db.csv" };
	struct capture c;
	long ret;

	capture_start(&c);
	ret = writer_run(&o, render, fx);
	free(capture_end(&c));
	return ret;
}

static void assert_content(const char *dir, const char *name, const char *text)
{
	char *path = path_join(dir, name), *got = slurp(path, NULL);

	assert_string_equal(got, text);
	free(got);
	free(path);
}

static void test_writes_and_leaves_right_files_alone(void **state)
{
	char *dir = tmpdir_make(), *p0 = path_join(dir, "0.conf");
	struct fixture fx = { .text = { "a", "b", "c" } };
	struct utimbuf old = { 946684800, 946684800 };
	struct stat st;

	(void)state;
	assert_int_equal(run(dir, &fx, 3, NULL), 3);
	assert_content(dir, "2.conf", "c");
	assert_int_equal(stat(p0, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	utime(p0, &old);
	fx.text[1] = "B";
	assert_int_equal(run(dir, &fx, 3, NULL), 1);
	assert_int_equal(stat(p0, &st), 0);
	assert_int_equal(st.st_mtime, 946684800);
	assert_content(dir, "1.conf", "B");
	assert_int_equal(dir_count(dir, ".0.conf"), 0);
	free(p0);
	tmpdir_remove(dir);
}

/* A swap that fails in the middle: the files swapped before get their old
 * content back, and no temporary file is left. */
static void test_all_or_nothing(void **state)
{
	char *dir = tmpdir_make();
	struct fixture fx = { .text = { "a", "b", "c", "d" } };

	(void)state;
	assert_int_equal(run(dir, &fx, 4, NULL), 4);
	struct fixture next = { .text = { "A", "B", "C", "D" } };
	swaps = 0;
	fail_at = 3;
	assert_int_equal(run(dir, &next, 4, NULL), -1);
	fail_at = 0;
	assert_content(dir, "0.conf", "a");
	assert_content(dir, "1.conf", "b");
	assert_content(dir, "2.conf", "c");
	assert_content(dir, "3.conf", "d");
	assert_int_equal(dir_count(dir, ".0.conf"), 0);
	assert_int_equal(dir_count(dir, ".1.conf"), 0);
	assert_int_equal(dir_count(dir, ".2.conf"), 0);
	assert_int_equal(dir_count(dir, ".3.conf"), 0);
	/* And then it works. */
	assert_int_equal(run(dir, &next, 4, NULL), 4);
	assert_content(dir, "3.conf", "D");
	tmpdir_remove(dir);
}

/* The first file of a folder is new: undoing it removes it again. */
static void test_all_or_nothing_new_files(void **state)
{
	char *dir = tmpdir_make();
	struct fixture fx = { .text = { "a", "b" } };

	(void)state;
	swaps = 0;
	fail_at = 2;
	assert_int_equal(run(dir, &fx, 2, NULL), -1);
	fail_at = 0;
	assert_int_equal(dir_count(dir, "0.conf"), 0);
	assert_int_equal(dir_count(dir, "1.conf"), 0);
	assert_int_equal(dir_count(dir, ".0.conf"), 0);
	tmpdir_remove(dir);
}

static void test_protected_file_refused(void **state)
{
	char *dir = tmpdir_make(), *db = path_join(dir, "1.conf");
	const char *protect[] = { db, NULL };
	struct fixture fx = { .text = { "a", "b" } };

	(void)state;
	spit(db, "the database");
	assert_int_equal(run(dir, &fx, 2, protect), -1);
	assert_content(dir, "1.conf", "the database");
	assert_int_equal(dir_count(dir, "0.conf"), 0);
	free(db);
	tmpdir_remove(dir);
}

static void test_links_fifos_folders_refused(void **state)
{
	char *dir = tmpdir_make(), *p1 = path_join(dir, "1.conf"), *out = path_join(dir, "out");
	struct fixture fx = { .text = { "a", "b" } };

	(void)state;
	assert_int_equal(symlink("elsewhere", p1), 0);
	assert_int_equal(run(dir, &fx, 2, NULL), -1);
	unlink(p1);
	assert_int_equal(mkfifo(p1, 0600), 0);
	assert_int_equal(run(dir, &fx, 2, NULL), -1);
	unlink(p1);
	assert_int_equal(mkdir(p1, 0700), 0);
	assert_int_equal(run(dir, &fx, 2, NULL), -1);
	assert_int_equal(dir_count(dir, "0.conf"), 0);
	rmdir(p1);
	/* A link to a folder in the middle of a path. */
	fx.path = "sub/wg0.conf";
	assert_int_equal(mkdir(out, 0700), 0);
	char *sub = path_join(dir, "sub");
	assert_int_equal(symlink("out", sub), 0);
	assert_int_equal(run(dir, &fx, 1, NULL), -1);
	assert_int_equal(dir_count(out, ""), 0);
	free(sub);
	free(out);
	free(p1);
	tmpdir_remove(dir);
}

static void test_group_and_mode(void **state)
{
	char *dir = tmpdir_make(), *key = path_join(dir, "0.key");
	struct group *g = getgrgid(getegid());
	struct fixture fx = { .text = { "a" } };
	struct stat st;

	(void)state;
	assert_non_null(g);
	fx.group = g->gr_name;
	assert_int_equal(run(dir, &fx, 1, NULL), 2);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_gid, getegid());
	/* A group that does not exist: the file is its owner's only. */
	fx.group = "no-such-group-wgm";
	assert_int_equal(run(dir, &fx, 1, NULL), 1);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(key);
	tmpdir_remove(dir);
}

static void test_leftovers_removed(void **state)
{
	char *dir = tmpdir_make(), *t1 = path_join(dir, ".0.conf.wgm-tmp-Ab12Cd"),
	     *keep = path_join(dir, ".0.conf.wgm-tmp-Ab12Cde");
	struct fixture fx = { .text = { "a" } };

	(void)state;
	spit(t1, "PrivateKey");
	spit(keep, "mine");
	assert_int_equal(run(dir, &fx, 1, NULL), 1);
	assert_int_equal(access(t1, F_OK), -1);
	assert_int_equal(access(keep, F_OK), 0);
	assert_true(atomic_is_tmpname(".a.wgm-tmp-.conf.wgm-tmp-zzzzzz", NULL));
	assert_false(atomic_is_tmpname(".wgm-tmp-zzzzzz", NULL));
	assert_false(atomic_is_tmpname("a.conf.wgm-tmp-zzzzzz", NULL));
	assert_true(atomic_is_tmpname(".db.csv.wgm-tmp-Ab12Cd", "db.csv"));
	assert_false(atomic_is_tmpname(".db.csv.wgm-tmp-Ab12Cd", "db"));
	assert_false(atomic_is_tmpname(".db.csv.wgm-tmp-Ab12C!", "db.csv"));
	free(t1);
	free(keep);
	tmpdir_remove(dir);
}

static void test_paths_checked(void **state)
{
	(void)state;
	assert_true(outdir_path_ok("a.conf"));
	assert_true(outdir_path_ok("a/wg0.conf"));
	assert_true(outdir_path_ok(".hidden.conf"));
	assert_false(outdir_path_ok("../a.conf"));
	assert_false(outdir_path_ok("a/../b"));
	assert_false(outdir_path_ok("/etc/x"));
	assert_false(outdir_path_ok("a//b"));
	assert_false(outdir_path_ok(""));
	assert_false(outdir_path_ok(OUTDIR_LOCK));
	assert_false(outdir_path_ok(OUTDIR_MANIFEST));
}

/* The manifest: what a full run no longer writes stays listed while it is there. */
static void test_manifest(void **state)
{
	char *dir = tmpdir_make(), *m = path_join(dir, OUTDIR_MANIFEST), *p2 = path_join(dir, "2.conf");
	struct fixture fx = { .text = { "a", "b", "c" } };
	char *text;

	(void)state;
	assert_int_equal(run(dir, &fx, 3, NULL), 3);
	text = slurp(m, NULL);
	assert_non_null(strstr(text, "\n0.conf\n1.conf\n2.conf\n"));
	free(text);
	assert_int_equal(run(dir, &fx, 2, NULL), 0);
	text = slurp(m, NULL);
	assert_non_null(strstr(text, "\n2.conf\n"));
	free(text);
	unlink(p2);
	assert_int_equal(run(dir, &fx, 2, NULL), 0);
	text = slurp(m, NULL);
	assert_null(strstr(text, "2.conf"));
	free(text);
	free(m);
	free(p2);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writes_and_leaves_right_files_alone),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_all_or_nothing_new_files),
		cmocka_unit_test(test_protected_file_refused),
		cmocka_unit_test(test_links_fifos_folders_refused),
		cmocka_unit_test(test_group_and_mode),
		cmocka_unit_test(test_leftovers_removed),
		cmocka_unit_test(test_paths_checked),
		cmocka_unit_test(test_manifest),
	};

	keys_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
