#include "output/writer.h"

#include "lib/atomic.h"
#include "lib/parallel.h"
#include "lib/util.h"
#include "output/commit.h"
#include "output/manifest.h"
#include "output/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Below this many items a second thread costs more than it saves. */
#define WRITER_MIN_SLICE 16

struct file_id {
	dev_t dev;
	ino_t ino;
};

/* What one slice of the items left: its staged files, the paths of the files
 * that were already right, or its error. */
struct slot {
	size_t from;
	struct staged *staged;
	size_t count, cap;
	struct manifest same;
	const char *group;	/* the last group looked up, and what came of it */
	gid_t gid;
	bool may_group;
	char error[768];
};

struct writer {
	const struct writer_opts *o;
	writer_render_fn *render;
	void *ctx;
	int top;
	const char *shown;	/* the folder as the messages name it */
	struct file_id protect[16];
	const char *protect_path[16];
	size_t nprotect;
	struct slot slots[PARALLEL_MAX];
	atomic_uint nslots;
	atomic_bool failed;
};

static void fail(struct writer *w, struct slot *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct writer *w, struct slot *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	atomic_store(&w->failed, true);
}

/* The files no output may replace: each as named and, through a link, its target. */
static void add_protected(struct writer *w)
{
	for (const char *const *p = w->o->protect; p && *p; p++) {
		struct stat st;
		for (int follow = 0; follow < 2; follow++) {
			if ((follow ? stat(*p, &st) : lstat(*p, &st)) < 0 ||
			    w->nprotect == sizeof(w->protect) / sizeof(w->protect[0]))
				continue;
			w->protect[w->nprotect] = (struct file_id){ st.st_dev, st.st_ino };
			w->protect_path[w->nprotect++] = *p;
		}
	}
}

static const char *protected_as(const struct writer *w, const struct stat *st)
{
	for (size_t i = 0; i < w->nprotect; i++)
		if (w->protect[i].dev == st->st_dev && w->protect[i].ino == st->st_ino)
			return w->protect_path[i];
	return NULL;
}

/* The group a file asks for is given when it exists and we may give it (root,
 * or a member); else the file is readable by its owner only. Each slice keeps
 * the last group it looked up (getgrnam_r: the slices run in threads). */
static void find_group(struct slot *s, const char *name)
{
	struct group g, *found = NULL;
	char mem[4096];
	gid_t groups[256];
	int n;

	if (s->group && !strcmp(s->group, name))
		return;
	s->group = name;
	s->may_group = false;
	if (getgrnam_r(name, &g, mem, sizeof(mem), &found) != 0 || !found)
		return;
	s->gid = g.gr_gid;
	if (geteuid() == 0 || getegid() == g.gr_gid) {
		s->may_group = true;
	} else if ((n = getgroups(256, groups)) > 0) {
		for (int i = 0; i < n; i++)
			if (groups[i] == g.gr_gid)
				s->may_group = true;
	}
}

/* True when the file at fd already holds exactly f, with its mode and owner. */
static bool already_right(const struct slot *s, int fd, const struct stat *st,
			  const struct out_file *f, mode_t mode)
{
	bool same = false;

	if ((st->st_mode & 07777) != mode || st->st_uid != geteuid() ||
	    (f->group && s->may_group && st->st_gid != s->gid) ||
	    (size_t)st->st_size != f->data.len)
		return false;
	if (!f->data.len)
		return true;
	void *map = mmap(NULL, f->data.len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map != MAP_FAILED) {
		same = memcmp(map, f->data.data, f->data.len) == 0;
		munmap(map, f->data.len);
	}
	return same;
}

static int slot_push(struct slot *s, const char *rel, const char *tmp, bool existed)
{
	if (s->count == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct staged *grown = realloc(s->staged, ncap * sizeof(*grown));
		if (!grown)
			return -1;
		s->staged = grown;
		s->cap = ncap;
	}
	struct staged *st = &s->staged[s->count];
	*st = (struct staged){ strdup(rel), strdup(tmp), existed, false };
	if (!st->rel || !st->tmp) {
		free(st->rel);
		free(st->tmp);
		return -1;
	}
	s->count++;
	return 0;
}

/* The target is checked, then the content goes to a temporary file beside it. */
static void stage_in(struct writer *w, struct slot *s, int dir, const char *base,
		     const char *rel, const struct out_file *f)
{
	mode_t mode = f->mode ? f->mode & 07777 : 0600;
	char tmp[OUTDIR_TMP_MAX];
	struct stat st;
	bool existed = false;
	int fd;

	if (f->group)
		find_group(s, f->group);
	if (f->group && !s->may_group)
		mode &= (mode_t)~070;
	fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT && errno != ELOOP) {
		fail(w, s, "%s/%s: %s", w->shown, rel, strerror(errno));
		return;
	}
	/* (A new file costs no stat: the open said it is not there.) */
	if (fd >= 0 ? fstat(fd, &st) == 0
		    : errno == ELOOP && fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		const char *db = protected_as(w, &st);
		existed = true;
		if (db)
			fail(w, s, "%s/%s is %s: no output may replace the database, its "
				   "preshared-key store or its lock: write to another folder",
			     w->shown, rel, db);
		else if (S_ISLNK(st.st_mode))
			fail(w, s, "%s/%s is a symbolic link: not replaced, nor followed "
				   "(remove it first)", w->shown, rel);
		else if (S_ISDIR(st.st_mode))
			fail(w, s, "%s/%s is a folder, not a file", w->shown, rel);
		else if (!S_ISREG(st.st_mode))
			fail(w, s, "%s/%s is not a regular file (a FIFO, socket or device)",
			     w->shown, rel);
		else if (fd >= 0 && already_right(s, fd, &st, f, mode)) {
			close(fd);
			if (manifest_add(&s->same, rel) < 0)
				fail(w, s, "out of memory");
			return;
		}
	}
	if (fd >= 0)
		close(fd);
	if (s->error[0])
		return;
	if ((fd = outdir_tmpfile(dir, base, tmp)) < 0) {
		fail(w, s, "%s/%s: %s", w->shown, rel, strerror(errno));
		return;
	}
	/* Group and mode before the first byte: the keys are never readable by more. */
	if ((f->group && s->may_group && fchown(fd, (uid_t)-1, s->gid) < 0) ||
	    (mode != 0600 && fchmod(fd, mode) < 0) ||
	    write_all(fd, f->data.data, f->data.len) < 0) {
		fail(w, s, "%s/%s: %s", w->shown, rel, strerror(errno));
		close(fd);
		unlinkat(dir, tmp, 0);
		return;
	}
	if (close(fd) < 0 || slot_push(s, rel, tmp, existed) < 0) {
		fail(w, s, "%s/%s: %s", w->shown, rel, strerror(errno ? errno : ENOMEM));
		unlinkat(dir, tmp, 0);
	}
}

static void stage(struct writer *w, struct slot *s, const struct out_file *f)
{
	const char *rel = w->o->file ? "" : f->path, *base;
	size_t bad = 0;
	int dir;

	if (w->o->file) {
		/* The one file goes where the user said: its folder is the top. */
		const char *slash = strrchr(w->o->file, '/');
		rel = slash ? slash + 1 : w->o->file;
		if (!strcmp(rel, OUTDIR_LOCK) || !strcmp(rel, OUTDIR_MANIFEST)) {
			fail(w, s, "%s: the writer keeps that name for itself", w->o->file);
			return;
		}
	} else if (!outdir_path_ok(rel)) {
		fail(w, s, "%s: a format asked for the file name %s, which is not one",
		     w->shown, rel);
		return;
	}
	dir = outdir_open_parent(w->top, rel, true, &base, &bad);
	if (dir < 0) {
		if (errno == ELOOP)
			fail(w, s, "%s/%.*s is a symbolic link: files are written only into "
				   "real folders", w->shown, (int)bad, rel);
		else if (errno == ENOTDIR)
			fail(w, s, "%s/%.*s exists and is not a folder", w->shown, (int)bad, rel);
		else
			fail(w, s, "%s/%.*s: %s", w->shown, (int)bad, rel, strerror(errno));
		return;
	}
	stage_in(w, s, dir, base, rel, f);
	outdir_close_parent(w->top, dir);
}

static void render_slice(void *ctx, size_t from, size_t to)
{
	struct writer *w = ctx;
	struct slot *s = &w->slots[atomic_fetch_add(&w->nslots, 1)];
	struct out_files files = OUT_FILES_INIT;

	s->from = from;
	for (size_t i = w->o->from + from; i < w->o->from + to; i++) {
		if (atomic_load(&w->failed))
			break;
		out_files_reset(&files);
		if (w->render(w->ctx, i, &files, s->error, sizeof(s->error)) < 0) {
			atomic_store(&w->failed, true);
			break;
		}
		if (w->o->file && files.count != 1) {
			fail(w, s, "%s: %zu files to write, and --file takes one", w->o->file,
			     files.count);
			break;
		}
		for (size_t k = 0; k < files.count && !s->error[0]; k++)
			stage(w, s, &files.v[k]);
	}
	out_files_release(&files);
}

static int cmp_staged(const void *a, const void *b)
{
	return strcmp(((const struct staged *)a)->rel, ((const struct staged *)b)->rel);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every slot's files in one sorted list, and every path written (replaced or
 * already right) in written. -1 out of memory, -2 when a path comes twice
 * (two formats, or two peers, asked for one name): it is then *dup. */
static int gather(struct writer *w, struct staged **all, size_t *n, struct manifest *written,
		  const char **dup)
{
	size_t total = 0, k = 0;

	for (unsigned i = 0; i < w->nslots; i++)
		total += w->slots[i].count;
	if (!(*all = calloc(total ? total : 1, sizeof(**all))))
		return -1;
	for (unsigned i = 0; i < w->nslots; i++) {
		struct slot *s = &w->slots[i];
		if (s->count)
			memcpy(*all + k, s->staged, s->count * sizeof(**all));
		k += s->count;
		s->count = 0;
		for (size_t j = 0; j < s->same.count; j++)
			if (manifest_add(written, s->same.paths[j]) < 0)
				return -1;
	}
	*n = total;
	if (total)
		qsort(*all, total, sizeof(**all), cmp_staged);
	for (size_t i = 0; i < total; i++)
		if (manifest_add(written, (*all)[i].rel) < 0)
			return -1;
	if (written->count)
		qsort(written->paths, written->count, sizeof(*written->paths), cmp_str);
	for (size_t i = 1; i < written->count; i++)
		if (!strcmp(written->paths[i - 1], written->paths[i])) {
			*dup = written->paths[i];
			return -2;
		}
	return 0;
}

static bool exists_below(int top, const char *rel)
{
	const char *base;
	size_t bad;
	struct stat st;
	int dir = outdir_open_parent(top, rel, false, &base, &bad);
	bool found;

	if (dir < 0)
		return false;
	found = fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
	outdir_close_parent(top, dir);
	return found;
}

static void warn_left(const struct writer *w, const char *rel)
{
	warn_msg("%s/%s is left from an earlier %s (no peer or format of %s writes it now): "
		 "remove it before deploying the folder", w->shown, rel, w->o->cmd,
		 w->o->db_path);
}

/* A folder written before there was a manifest: its *.conf files at the top. */
static void warn_left_unlisted(const struct writer *w, const struct manifest *written)
{
	int dir = openat(w->top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dir < 0 ? NULL : fdopendir(dir);
	struct manifest left = MANIFEST_INIT;
	struct dirent *e;

	if (!d) {
		if (dir >= 0)
			close(dir);
		return;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] != '.' && len > 5 && !strcmp(e->d_name + len - 5, ".conf") &&
		    !manifest_has(written, e->d_name) && exists_below(w->top, e->d_name))
			manifest_add(&left, e->d_name);
	}
	closedir(d);
	manifest_sort(&left);
	for (size_t i = 0; i < left.count; i++)
		warn_left(w, left.paths[i]);
	manifest_free(&left);
}

/* The new manifest: what was written now, and what an earlier run wrote that is
 * still there (merged when partial; else reported, and kept listed until it
 * is removed, so that each run reports it again). */
static int update_manifest(struct writer *w, struct manifest *written)
{
	struct manifest old = MANIFEST_INIT, next = MANIFEST_INIT;
	size_t len = 0;
	char *text = NULL;
	int ret = -1;

	if (manifest_read(w->top, &old) < 0)
		goto out;
	if (!old.found && !w->o->partial)
		warn_left_unlisted(w, written);
	for (size_t i = 0; i < written->count; i++)
		if (manifest_add(&next, written->paths[i]) < 0)
			goto out;
	for (size_t i = 0; i < old.count; i++) {
		const char *rel = old.paths[i];
		if (manifest_has(written, rel) || !exists_below(w->top, rel))
			continue;
		if (!w->o->partial)
			warn_left(w, rel);
		if (manifest_add(&next, rel) < 0)
			goto out;
	}
	manifest_sort(&next);
	if (!(text = manifest_render(&next, &len)))
		goto out;
	/* Written as the other files are, and so left alone when it is already right. */
	struct out_file f = { .path = OUTDIR_MANIFEST, .data = { text, len, len + 1 },
			      .mode = 0600 };
	struct slot *s = &w->slots[0];
	const char *failed, *undo;
	s->count = 0;
	s->error[0] = '\0';
	stage_in(w, s, w->top, OUTDIR_MANIFEST, OUTDIR_MANIFEST, &f);
	if (!s->error[0] &&
	    commit_all(w->top, s->staged, s->count, w->o->durable, &failed, &undo) == 0)
		ret = 0;
	commit_release(w->top, s->staged, s->count);
	s->count = 0;
out:
	free(text);
	manifest_free(&old);
	manifest_free(&next);
	return ret;
}

/* The folder's lock: a regular file of ours (a link or a FIFO there is
 * refused), given to the folder's owner when root makes it in a user's folder,
 * waited for with a message naming the holder after a second. */
static int lock_folder(struct writer *w)
{
	struct stat top;
	mode_t kind;
	char *shown = NULL;
	int fd = fstat(w->top, &top) == 0 ? lock_open_at(w->top, OUTDIR_LOCK, &top, &kind) : -1;

	if (fd < 0)
		return -1;
	if (asprintf(&shown, "%s/%s", w->shown, OUTDIR_LOCK) < 0) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	if (lock_wait(fd, w->shown, shown) < 0) {
		int saved = errno;
		close(fd);
		fd = -1;
		errno = saved;
	}
	free(shown);
	return fd;
}

/* The single file of --file FILE - on standard output. */
static long write_stdout(struct writer *w)
{
	struct out_files files = OUT_FILES_INIT;
	char err[768] = "";
	long ret = -1;

	if (w->render(w->ctx, w->o->from, &files, err, sizeof(err)) < 0)
		err_msg("%s: %s", w->o->cmd, err);
	else if (files.count != 1)
		err_msg("%s: %zu files to write, and --file takes one", w->o->cmd, files.count);
	else if (fwrite(files.v[0].data.data, 1, files.v[0].data.len, stdout) !=
			 files.v[0].data.len ||
		 fflush(stdout) != 0)
		err_msg("%s: standard output: %s", w->o->cmd, strerror(errno));
	else
		ret = 1;
	out_files_release(&files);
	return ret;
}

static const char *first_error(const struct writer *w)
{
	const struct slot *first = NULL;

	for (unsigned i = 0; i < w->nslots; i++)
		if (w->slots[i].error[0] && (!first || w->slots[i].from < first->from))
			first = &w->slots[i];
	return first ? first->error : "out of memory";
}

long writer_run(const struct writer_opts *o, writer_render_fn *render, void *ctx)
{
	struct writer *w = calloc(1, sizeof(*w));
	struct manifest written = MANIFEST_INIT;
	struct staged *all = NULL;
	size_t n = 0;
	char *folder = NULL;
	const char *dup = NULL;
	int lock = -1, g;
	long ret = -1;

	if (!w) {
		err_msg("out of memory");
		return -1;
	}
	*w = (struct writer){ .o = o, .render = render, .ctx = ctx, .top = -1,
			      .shown = o->output };
	if (o->file && !strcmp(o->file, "-")) {
		ret = write_stdout(w);
		free(w);
		return ret;
	}
	if (o->file) {
		const char *slash = strrchr(o->file, '/');
		folder = slash ? strndup(o->file, slash == o->file ? 1 : (size_t)(slash - o->file))
			       : strdup(".");
		if (!folder) {
			err_msg("out of memory");
			goto out;
		}
		w->shown = folder;
	}
	if ((w->top = open(w->shown, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (lock = lock_folder(w)) < 0) {
		err_msg("%s: %s: %s", o->cmd, w->shown, strerror(errno));
		goto out;
	}
	/* Under the lock no other writer is at work: what temporary files there
	 * are, a killed one left (each a whole config with its keys). */
	outdir_remove_stale(w->top);
	add_protected(w);
	parallel_for(o->to - o->from, WRITER_MIN_SLICE, render_slice, w);
	if (atomic_load(&w->failed)) {
		err_msg("%s: %s (no file was changed)", o->cmd, first_error(w));
		goto out;
	}
	if ((g = gather(w, &all, &n, &written, &dup)) < 0) {
		if (g == -2)
			err_msg("%s: %s/%s: two files of this run have that name (no file was "
				"changed)", o->cmd, w->shown, dup);
		else
			err_msg("out of memory");
		goto out;
	}
	if (o->durable && n && syncfs(w->top) < 0) {
		err_msg("%s: %s: %s (no file was changed)", o->cmd, w->shown, strerror(errno));
		goto out;
	}
	const char *failed, *undo;
	if (commit_all(w->top, all, n, o->durable, &failed, &undo) < 0) {
		int saved = errno;
		if (undo)
			err_msg("%s: %s/%s: %s; and %s/%s could not get its old content back: "
				"the folder holds old and new files", o->cmd, w->shown, failed,
				strerror(saved), w->shown, undo);
		else
			err_msg("%s: %s/%s: %s (no file was changed)", o->cmd, w->shown, failed,
				strerror(saved));
		goto out;
	}
	ret = (long)n;
	if (!o->file && update_manifest(w, &written) < 0)
		warn_msg("%s/%s: the list of the files written could not be kept (%s): the "
			 "next run cannot tell which files are left over", w->shown,
			 OUTDIR_MANIFEST, strerror(errno));
out:
	if (all) {
		commit_release(w->top, all, n);
		free(all);
	}
	for (unsigned i = 0; i < w->nslots; i++) {
		commit_release(w->top, w->slots[i].staged, w->slots[i].count);
		free(w->slots[i].staged);
		manifest_free(&w->slots[i].same);
	}
	manifest_free(&written);
	if (lock >= 0)
		close(lock);
	if (w->top >= 0)
		close(w->top);
	free(folder);
	free(w);
	return ret;
}
