#include "store/db.h"

#include "lib/atomic.h"
#include "store/csv.h"
#include "lib/keys.h"
#include "lib/regfile.h"
#include "lib/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* About 200 000 peers: anything larger is not a database of this tool, and
 * holding it in memory would cost several times its size. */
#define DB_MAX_BYTES (64u << 20)

/* Every empty value points here: a database of thousands of peers would
 * otherwise spend its time allocating empty strings. */
static char empty_value[1];

static void wipe_free(char *s)
{
	if (s && s != empty_value) {
		key_wipe_str(s);
		free(s);
	}
}

static void peer_free(struct peer *p, size_t extra_count)
{
	for (int i = 0; i < ATTR_COUNT; i++)
		wipe_free(p->val[i]);
	if (p->extra)
		for (size_t i = 0; i < extra_count; i++)
			wipe_free(p->extra[i]);
	free(p->extra);
	memset(p, 0, sizeof(*p));
}

int peer_set(struct peer *p, enum attr_id id, const char *value)
{
	char *copy = *value ? xstrdup(value) : empty_value;

	if (!copy)
		return -1;
	wipe_free(p->val[id]);
	p->val[id] = copy;
	return 0;
}

int peer_new_key(struct peer *p, enum attr_id id)
{
	key_b64 key;
	int r;

	key_generate_private_b64(key);
	r = peer_set(p, id, key);
	key_wipe(key, sizeof(key));
	return r;
}

int peer_complete(struct peer *p, char *filled, size_t len)
{
	int n = 0;

	for (int i = 0; i < ATTR_COUNT; i++) {
		enum attr_id id = (enum attr_id)i;
		int r;
		if (*peer_get(p, id))
			continue;
		if (attrs[i].def)
			r = peer_set(p, id, attrs[i].def);
		else if (attrs[i].kind == KIND_KEY)
			r = peer_new_key(p, id);
		else
			continue;
		if (r < 0)
			return -1;
		if (filled) {
			size_t used = strlen(filled);
			snprintf(filled + used, len - used, "%s%s", n ? ", " : "", attrs[i].column);
		}
		n++;
	}
	return n;
}

struct peer *db_add(struct db *db)
{
	struct peer *p;

	if (db->count == db->cap) {
		size_t ncap = db->cap ? db->cap * 2 : 16;
		struct peer *grown = realloc(db->peers, ncap * sizeof(*grown));
		if (!grown)
			return NULL;
		db->peers = grown;
		db->cap = ncap;
	}
	p = &db->peers[db->count];
	memset(p, 0, sizeof(*p));
	if (db->extra_count && !(p->extra = calloc(db->extra_count, sizeof(char *))))
		return NULL;
	for (int i = 0; i < ATTR_COUNT; i++)
		p->val[i] = empty_value;
	for (size_t i = 0; i < db->extra_count; i++)
		p->extra[i] = empty_value;
	db->count++;
	return p;
}

void db_remove(struct db *db, size_t i)
{
	if (i >= db->count)
		return;
	peer_free(&db->peers[i], db->extra_count);
	memmove(&db->peers[i], &db->peers[i + 1], (db->count - i - 1) * sizeof(*db->peers));
	db->count--;
}

long db_find(const struct db *db, const char *name)
{
	for (size_t i = 0; i < db->count; i++)
		if (!strcmp(db->peers[i].val[ATTR_NAME], name))
			return (long)i;
	return -1;
}

int db_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **db_sorted_names(const struct db *db)
{
	const char **names = malloc((db->count + 1) * sizeof(*names));

	if (!names)
		return NULL;
	for (size_t i = 0; i < db->count; i++)
		names[i] = peer_get(&db->peers[i], ATTR_NAME);
	if (db->count)
		qsort(names, db->count, sizeof(*names), db_name_cmp);
	return names;
}

long db_lookup(const struct db *db, const char *cmd, const char *name)
{
	char q[QUOTED_LEN];
	long i = db_find(db, name);

	if (i < 0)
		err_msg("%s: no peer named %s in %s", cmd, printable(name, q, sizeof(q)),
			db->path);
	return i;
}

/* Trims, in place, the spaces a spreadsheet user may have typed around a value. */
static void trim(char *s)
{
	size_t start = strspn(s, " "), len = strlen(s + start);

	while (len && s[start + len - 1] == ' ')
		len--;
	memmove(s, s + start, len);
	s[len] = '\0';
}

/* Takes a field out of the parsed CSV, which then no longer frees it. */
static char *take(char **field)
{
	char *v = *field;

	*field = NULL;
	if (!*v) {
		free(v);
		return empty_value;
	}
	return v;
}

/* Maps each CSV column to an attribute (>= 0) or an extra column (-1 - index). */
static int map_header(struct db *db, const char *name, struct csv_row *hdr, int *map)
{
	bool seen[ATTR_COUNT] = { false };

	for (size_t c = 0; c < hdr->count; c++) {
		/* " Name " as a spreadsheet user may type it: the spaces are not part of
		 * the column's name. An extra column keeps its title as it is. */
		char *title = hdr->fields[c], saved;
		size_t start = strspn(title, " \t"), len = strlen(title + start);
		while (len && strchr(" \t", title[start + len - 1]))
			len--;
		saved = title[start + len];
		title[start + len] = '\0';
		int id = attr_by_column(title + start);
		title[start + len] = saved;
		if (id >= 0 && seen[id]) {
			err_msg("%s:%zu: column %s appears twice in the header", name, hdr->line,
				attrs[id].column);
			return -1;
		}
		if (id >= 0) {
			seen[id] = true;
			map[c] = id;
			continue;
		}
		char **grown = realloc(db->extra_cols, (db->extra_count + 1) * sizeof(char *));
		if (!grown)
			return -1;
		db->extra_cols = grown;
		if (!(db->extra_cols[db->extra_count] = xstrdup(hdr->fields[c])))
			return -1;
		map[c] = -1 - (int)db->extra_count++;
	}
	if (!seen[ATTR_NAME]) {
		/* Fatal even for `check`: without names there are no peers to speak of. */
		err_msg("%s:%zu: the header has no Name column", name, hdr->line);
		return -1;
	}
	return 0;
}

/* A problem in the file: fatal, or noted in db->problems when the database is
 * opened leniently (for `check`, which reports every problem, not the first). */
static int problem(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int problem(struct db *db, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	char **grown;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!db->lenient) {
		err_msg("%s", msg);
		return -1;
	}
	grown = realloc(db->problems, (db->problem_count + 1) * sizeof(char *));
	if (!grown)
		return -1;
	db->problems = grown;
	if (!(db->problems[db->problem_count] = xstrdup(msg)))
		return -1;
	db->problem_count++;
	return 0;
}

/* "peer NAME: " for the lines of `check`, which speak of peers; "" otherwise. */
static const char *peer_part(const struct db *db, const char *peer, char *out, size_t len)
{
	char q[QUOTED_LEN];

	if (!db->lenient || !*peer)
		return "";
	snprintf(out, len, "peer %s: ", printable(peer, q, sizeof(q)));
	return out;
}

static int check_value(struct db *db, const char *name, const struct peer *p, int id)
{
	char q[QUOTED_LEN], who[QUOTED_LEN + 8];
	const char *value = p->val[id], *rule = attr_check((enum attr_id)id, value);
	const char *pp = peer_part(db, p->val[ATTR_NAME], who, sizeof(who));

	if (!rule)
		return 0;
	/* Never echo something that may be a secret. */
	if (attrs[id].kind == KIND_KEY)
		return problem(db, "%s:%zu: %scolumn %s: the value is not %s", name, p->line, pp,
			       attrs[id].column, rule);
	return problem(db, "%s:%zu: %scolumn %s: %s is not %s", name, p->line, pp,
		       attrs[id].column, quoted(value, q, sizeof(q)), rule);
}

static int cmp_by_name(const void *a, const void *b)
{
	const struct peer *const *pa = a, *const *pb = b;
	int c = strcmp((*pa)->val[ATTR_NAME], (*pb)->val[ATTR_NAME]);

	if (c)
		return c;
	return (*pa)->line < (*pb)->line ? -1 : (*pa)->line > (*pb)->line;
}

static int check_unique_names(struct db *db, const char *name)
{
	const struct peer **sorted;
	int ret = 0;

	if (db->count < 2)
		return 0;
	if (!(sorted = malloc(db->count * sizeof(*sorted))))
		return -1;
	for (size_t i = 0; i < db->count; i++)
		sorted[i] = &db->peers[i];
	qsort(sorted, db->count, sizeof(*sorted), cmp_by_name);
	for (size_t i = 1; i < db->count; i++) {
		if (strcmp(sorted[i]->val[ATTR_NAME], sorted[i - 1]->val[ATTR_NAME]))
			continue;
		char q[QUOTED_LEN], who[QUOTED_LEN + 8];
		if ((ret = problem(db, "%s:%zu: %scolumn Name: %s is already the name of the peer "
				   "on line %zu", name, sorted[i]->line,
				   peer_part(db, sorted[i]->val[ATTR_NAME], who, sizeof(who)),
				   quoted(sorted[i]->val[ATTR_NAME], q, sizeof(q)),
				   sorted[i - 1]->line)) < 0)
			break;
	}
	free(sorted);
	return ret;
}

static int load_row(struct db *db, const char *name, struct csv_row *row,
		    const int *map, size_t ncols)
{
	struct peer *p;

	size_t nfields = row->count;

	if (nfields > ncols) {
		if (problem(db, "%s:%zu: the row has %zu fields but the header has %zu", name,
			    row->line, row->count, ncols) < 0)
			return -1;
		nfields = ncols;
	}
	if (!(p = db_add(db)))
		return -1;
	p->line = row->line;
	for (size_t c = 0; c < nfields; c++) {
		if (map[c] < 0) {
			size_t e = (size_t)(-1 - map[c]);
			wipe_free(p->extra[e]);
			p->extra[e] = take(&row->fields[c]);
			continue;
		}
		trim(row->fields[c]);
		char *v = take(&row->fields[c]);
		wipe_free(p->val[map[c]]);
		p->val[map[c]] = v;
	}
	/* Checked once the whole row is in, so that a message can name the peer. */
	for (size_t c = 0; c < nfields; c++)
		if (map[c] >= 0 && check_value(db, name, p, map[c]) < 0)
			return -1;
	if (!*p->val[ATTR_NAME]) {
		/* A peer without a name cannot be shown, written or fixed by name: drop it. */
		db_remove(db, db->count - 1);
		return problem(db, "%s:%zu: column Name: empty; every peer needs a name", name,
			       row->line);
	}
	return 0;
}

int db_parse(struct db *db, const char *name, const char *text, size_t len)
{
	struct csv_doc doc;
	struct csv_error cerr;
	int *map = NULL;
	int ret = -1;

	if (csv_parse(text, len, &doc, &cerr) < 0) {
		if (cerr.column)
			err_msg("%s:%zu: column %zu of the line: %s", name, cerr.line, cerr.column,
				cerr.msg);
		else if (cerr.field)
			err_msg("%s:%zu: field %zu: %s", name, cerr.line, cerr.field, cerr.msg);
		else
			err_msg("%s:%zu: %s", name, cerr.line, cerr.msg);
		goto out;
	}
	db->sep = doc.sep;
	db->bom = doc.bom;
	db->crlf = doc.crlf;
	if (doc.count == 0) {
		ret = 0;
		goto out;
	}
	if (!(map = calloc(doc.rows[0].count, sizeof(*map))))
		goto oom;
	if (map_header(db, name, &doc.rows[0], map) < 0)
		goto out;
	for (size_t r = 1; r < doc.count; r++)
		if (load_row(db, name, &doc.rows[r], map, doc.rows[0].count) < 0)
			goto out;
	ret = check_unique_names(db, name);
	goto out;
oom:
	err_msg("%s: out of memory", name);
out:
	free(map);
	/* The parsed text holds the private keys too. */
	for (size_t r = 0; r < doc.count; r++)
		for (size_t f = 0; f < doc.rows[r].count; f++)
			key_wipe_str(doc.rows[r].fields[f]);
	csv_doc_free(&doc);
	return ret;
}

bool db_column_used(const struct db *db, int id)
{
	if (!attrs[id].optional)
		return true;
	for (size_t r = 0; r < db->count; r++)
		if (*db->peers[r].val[id])
			return true;
	return false;
}

int db_serialize(const struct db *db, struct buf *out)
{
	size_t ncols = ATTR_COUNT + db->extra_count, n = 0;
	const char **fields = malloc(ncols * sizeof(*fields));
	bool used[ATTR_COUNT];
	int ret = -1;

	if (!fields)
		return -1;
	if (db->bom && buf_puts(out, "\xEF\xBB\xBF") < 0)
		goto out;
	for (int i = 0; i < ATTR_COUNT; i++)
		if ((used[i] = db_column_used(db, i)))
			fields[n++] = attrs[i].column;
	for (size_t e = 0; e < db->extra_count; e++)
		fields[n++] = db->extra_cols[e];
	if (csv_write_row(out, fields, n, db->sep, db->crlf) < 0)
		goto out;
	for (size_t r = 0; r < db->count; r++) {
		const struct peer *p = &db->peers[r];
		n = 0;
		for (int i = 0; i < ATTR_COUNT; i++)
			if (used[i])
				fields[n++] = p->val[i];
		for (size_t e = 0; e < db->extra_count; e++)
			fields[n++] = p->extra[e];
		if (csv_write_row(out, fields, n, db->sep, db->crlf) < 0)
			goto out;
	}
	ret = 0;
out:
	free(fields);
	return ret;
}

int db_open(struct db *db, const char *path, int flags)
{
	struct stat st, lst;
	char *text = NULL, why[REGFILE_WHY_LEN];
	size_t len = 0;
	int ret = -1;

	memset(db, 0, sizeof(*db));
	db->path = path;
	db->sep = ',';
	db->crlf = true;
	db->mode = 0600;
	db->lenient = flags & DB_LENIENT;
	/* Replacing a symbolic link would cut it: lock and write where it points. */
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) && !(db->real_path = realpath(path, NULL))) {
		err_msg("%s: %s", path, strerror(errno));
		return -1;
	}
	/* A folder or a device is refused before anything is created beside it. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		err_msg("%s: %s, not a regular file", path, regfile_kind(st.st_mode));
		return -1;
	}
	if (flags & DB_LOCK) {
		const char *target = db->real_path ? db->real_path : path;
		if ((db->lock_fd = lock_beside(target, path)) < 0)
			return -1;
		db->locked = true;
		/* Under the lock no write is under way: a temporary file left beside the
		 * database is from a killed writer, and holds private keys. */
		atomic_remove_stale(target);
	}
	if (stat(path, &st) < 0) {
		if (errno == ENOENT && !(flags & DB_MUST_EXIST))
			return 0;
		if (errno == ENOENT)
			err_msg("%s: no such database (create one with: %s -d %s init)", path,
				prog_name, path);
		else
			err_msg("%s: %s", path, strerror(errno));
		return -1;
	}
	/* Read through one descriptor checked to be a regular file: the name may
	 * have been pointed at a FIFO or a device since the stat above. */
	if (regfile_read(path, DB_MAX_BYTES, 0, &text, &len, &st, why, sizeof(why)) < 0) {
		err_msg("%s: %s", path, why);
		return -1;
	}
	db->exists = true;
	db->mode = st.st_mode & 07777;
	if ((st.st_mode & 0044) && !(flags & DB_LENIENT))
		warn_msg("%s holds private keys and other users can read it (mode %04o); "
			 "run: chmod 600 %s", path, (unsigned)db->mode, path);
	ret = db_parse(db, path, text, len);
	if (text) {
		key_wipe(text, len);
		free(text);
	}
	return ret;
}

int db_save(struct db *db)
{
	struct buf out = BUF_INIT;
	int ret = -1;

	if (db_serialize(db, &out) < 0) {
		err_msg("%s: out of memory", db->path);
		goto out;
	}
	if (atomic_write(db->real_path ? db->real_path : db->path, out.data, out.len,
			 db->mode) < 0) {
		err_msg("%s: cannot write the database: %s (it is unchanged)", db->path,
			strerror(errno));
		goto out;
	}
	db->exists = true;
	ret = 0;
out:
	buf_free(&out);
	return ret;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->count; i++)
		peer_free(&db->peers[i], db->extra_count);
	free(db->peers);
	for (size_t e = 0; e < db->extra_count; e++)
		free(db->extra_cols[e]);
	free(db->extra_cols);
	for (size_t i = 0; i < db->problem_count; i++)
		free(db->problems[i]);
	free(db->problems);
	free(db->real_path);
	if (db->locked)
		close(db->lock_fd);
	memset(db, 0, sizeof(*db));
}
