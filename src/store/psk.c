#include "store/psk.h"

#include "lib/atomic.h"
#include "store/csv.h"
#include "lib/regfile.h"
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A store holds a line of about 70 bytes per pair: 256 MiB is a full mesh of
 * some 2700 peers, past what a full mesh is used for. */
#define PSK_MAX_BYTES (256u << 20)

static void entry_free(struct psk_entry *e)
{
	free(e->a);
	free(e->b);
	key_wipe(e->key, sizeof(e->key));
}

void psk_free(struct psk_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->count; i++)
		entry_free(&s->v[i]);
	free(s->v);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

static int cmp_entry(const void *x, const void *y)
{
	const struct psk_entry *a = x, *b = y;
	int c = strcmp(a->a, b->a);

	return c ? c : strcmp(a->b, b->b);
}

static struct psk_entry *find(const struct psk_store *s, const char *n1, const char *n2)
{
	struct psk_entry key = { 0 };

	if (strcmp(n1, n2) > 0) {
		const char *t = n1;
		n1 = n2;
		n2 = t;
	}
	key.a = (char *)(uintptr_t)n1;
	key.b = (char *)(uintptr_t)n2;
	return s->count ? bsearch(&key, s->v, s->count, sizeof(*s->v), cmp_entry) : NULL;
}

const char *psk_get(const struct psk_store *s, const char *name1, const char *name2)
{
	const struct psk_entry *e = find(s, name1, name2);

	return e ? e->key : NULL;
}

static int push(struct psk_entry **v, size_t *n, size_t *cap, struct psk_entry *e)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct psk_entry *grown = realloc(*v, ncap * sizeof(**v));
		if (!grown)
			return -1;
		*v = grown;
		*cap = ncap;
	}
	(*v)[(*n)++] = *e;
	return 0;
}

int psk_parse(struct psk_store *s, const char *name, const char *text, size_t len)
{
	struct csv_doc doc;
	struct csv_error cerr;
	size_t cap = 0;
	int ret = -1;

	if (csv_parse(text, len, &doc, &cerr) < 0) {
		err_msg("%s:%zu: %s", name, cerr.line, cerr.msg);
		goto out;
	}
	for (size_t r = 0; r < doc.count; r++) {
		struct csv_row *row = &doc.rows[r];
		uint8_t bin[KEY_LEN];
		struct psk_entry e = { 0 };
		if (r == 0) {
			if (row->count != 3 || strcmp(row->fields[0], "Peer1") ||
			    strcmp(row->fields[1], "Peer2") || strcmp(row->fields[2], "PresharedKey")) {
				err_msg("%s:%zu: not a preshared key store (header Peer1,Peer2,"
					"PresharedKey expected)", name, row->line);
				goto out;
			}
			continue;
		}
		if (row->count != 3 || strcmp(row->fields[0], row->fields[1]) >= 0 ||
		    key_from_base64(bin, row->fields[2]) < 0) {
			key_wipe(bin, sizeof(bin));
			err_msg("%s:%zu: corrupt preshared key entry (two peer names in order, "
				"then a key); fix or remove it, it is not regenerated", name,
				row->line);
			goto out;
		}
		key_wipe(bin, sizeof(bin));
		/* The names are taken from the parsed CSV, not copied: a store holds
		 * a pair for every two peers. */
		e.a = row->fields[0];
		e.b = row->fields[1];
		row->fields[0] = row->fields[1] = NULL;
		memcpy(e.key, row->fields[2], sizeof(e.key));
		e.line = row->line;
		if (push(&s->v, &s->count, &cap, &e) < 0) {
			entry_free(&e);
			err_msg("out of memory");
			goto out;
		}
	}
	if (s->count)
		qsort(s->v, s->count, sizeof(*s->v), cmp_entry);
	for (size_t i = 1; i < s->count; i++)
		if (!cmp_entry(&s->v[i - 1], &s->v[i])) {
			err_msg("%s:%zu: the pair %s, %s is already on line %zu", name,
				s->v[i].line, s->v[i].a, s->v[i].b, s->v[i - 1].line);
			goto out;
		}
	ret = 0;
out:
	for (size_t r = 0; r < doc.count; r++)
		for (size_t f = 0; f < doc.rows[r].count; f++)
			key_wipe_str(doc.rows[r].fields[f]);
	csv_doc_free(&doc);
	return ret;
}

/* "DATABASE.psk", beside the file a symbolic link DATABASE points to, so that
 * the link and its target share one store. Allocated. */
static char *store_path(const char *db_path)
{
	char *cur = xstrdup(db_path), *path;
	struct stat st;
	size_t len;

	/* Follow the links by their own text, as far as the real file (the one the
	 * database lock is beside), keeping relative names for the messages. */
	for (int depth = 0; cur && depth < 40 && lstat(cur, &st) == 0 && S_ISLNK(st.st_mode);
	     depth++) {
		char target[4096], *next;
		const char *slash = strrchr(cur, '/');
		int dlen = slash ? (int)(slash - cur + 1) : 0;
		ssize_t n = readlink(cur, target, sizeof(target) - 1);
		if (n <= 0)
			break;
		target[n] = '\0';
		if (target[0] == '/')
			dlen = 0;
		len = (size_t)dlen + (size_t)n + 1;
		if ((next = malloc(len)))
			snprintf(next, len, "%.*s%s", dlen, cur, target);
		free(cur);
		cur = next;
	}
	if (!cur)
		return NULL;
	len = strlen(cur) + 5;
	if ((path = malloc(len)))
		snprintf(path, len, "%s.psk", cur);
	free(cur);
	return path;
}

int psk_load(struct psk_store *s, const char *db_path)
{
	struct stat st;
	size_t len;
	char *text, why[REGFILE_WHY_LEN];
	int r;

	memset(s, 0, sizeof(*s));
	if (!(s->path = store_path(db_path))) {
		err_msg("out of memory");
		return -1;
	}
	/* A FIFO or a device named DATABASE.psk is refused at once: reading it
	 * would block (under the database lock) or never end. */
	if (regfile_read(s->path, PSK_MAX_BYTES, 0, &text, &len, &st, why, sizeof(why)) < 0) {
		if (errno == ENOENT)
			return 0;
		err_msg("%s: %s", s->path, why);
		return -1;
	}
	if (st.st_mode & 0044)
		warn_msg("%s holds preshared keys and other users can read it (mode %04o); "
			 "run: chmod 600 %s", s->path, (unsigned)(st.st_mode & 07777), s->path);
	s->exists = true;
	r = psk_parse(s, s->path, text, len);
	key_wipe(text, len);
	free(text);
	return r;
}

long psk_sync(struct psk_store *s, const struct db *db)
{
	const char **names = db_sorted_names(db);
	bool *moved = calloc(s->count + 1, sizeof(*moved));
	struct psk_entry *v = NULL;
	size_t n = 0, cap = 0;
	long created = 0;

	if (!names || !moved)
		goto fail;
	/* Walk the pairs in sorted order: the new vector comes out sorted. An old
	 * entry is moved, not copied (the old vector stays intact for bsearch until
	 * the end, and `moved` says whose strings now belong to the new one). */
	for (size_t i = 0; i < db->count; i++) {
		for (size_t j = i + 1; j < db->count; j++) {
			struct psk_entry *old = find(s, names[i], names[j]);
			struct psk_entry e = { 0 };
			if (old) {
				e = *old;
				moved[old - s->v] = true;
			} else {
				uint8_t key[KEY_LEN];
				e.a = xstrdup(names[i]);
				e.b = xstrdup(names[j]);
				key_generate_preshared(key);
				key_to_base64(e.key, key);
				key_wipe(key, sizeof(key));
				created++;
			}
			if (!e.a || !e.b || push(&v, &n, &cap, &e) < 0) {
				if (old)
					moved[old - s->v] = false;
				else
					entry_free(&e);
				goto fail;
			}
		}
	}
	if (created || n != s->count)
		s->dirty = true;
	for (size_t i = 0; i < s->count; i++) {
		if (!moved[i])
			entry_free(&s->v[i]);
		else
			key_wipe(s->v[i].key, sizeof(s->v[i].key));
	}
	free(s->v);
	s->v = v;
	s->count = n;
	free(names);
	free(moved);
	return created;
fail:
	/* Entries moved into v are still owned by s->v: free only the new ones. */
	for (size_t i = 0; i < n; i++) {
		const struct psk_entry *old = find(s, v[i].a, v[i].b);
		if (!old || old->a != v[i].a)
			entry_free(&v[i]);
	}
	free(v);
	free(names);
	free(moved);
	return -1;
}

int psk_put(struct psk_store *s, const char *name1, const char *name2, const char *key)
{
	struct psk_entry *grown, fresh = { 0 };
	bool swap = strcmp(name1, name2) > 0;

	fresh.a = xstrdup(swap ? name2 : name1);
	fresh.b = xstrdup(swap ? name1 : name2);
	if (!fresh.a || !fresh.b)
		goto oom;
	/* The capacity doubles at each power of two from 64, as push() grows it: the
	 * 19900 pairs of 200 peers are not 19900 reallocations. */
	if (s->count == 0 || (s->count >= 64 && !(s->count & (s->count - 1)))) {
		size_t cap = s->count < 64 ? 64 : s->count * 2;
		if (!(grown = realloc(s->v, cap * sizeof(*s->v))))
			goto oom;
		s->v = grown;
	}
	memcpy(fresh.key, key, sizeof(fresh.key));
	s->v[s->count++] = fresh;
	s->dirty = true;
	return 0;
oom:
	entry_free(&fresh);
	return -1;
}

void psk_put_done(struct psk_store *s)
{
	if (s->count)
		qsort(s->v, s->count, sizeof(*s->v), cmp_entry);
}

size_t psk_rotate(struct psk_store *s, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < s->count; i++) {
		struct psk_entry *e = &s->v[i];
		uint8_t key[KEY_LEN];
		if (name && strcmp(e->a, name) && strcmp(e->b, name))
			continue;
		key_generate_preshared(key);
		key_to_base64(e->key, key);
		key_wipe(key, sizeof(key));
		n++;
	}
	if (n)
		s->dirty = true;
	return n;
}

void psk_forget(struct psk_store *s, const char *name)
{
	size_t o = 0;

	for (size_t i = 0; i < s->count; i++) {
		if (!strcmp(s->v[i].a, name) || !strcmp(s->v[i].b, name)) {
			entry_free(&s->v[i]);
			s->dirty = true;
			continue;
		}
		s->v[o++] = s->v[i];
	}
	s->count = o;
}

int psk_save(struct psk_store *s)
{
	struct buf out = BUF_INIT;
	static const char *const header[] = { "Peer1", "Peer2", "PresharedKey" };
	char *db_file = NULL;
	int ret = -1;

	if (csv_write_row(&out, header, 3, ',', true) < 0)
		goto oom;
	for (size_t i = 0; i < s->count; i++) {
		const char *row[3] = { s->v[i].a, s->v[i].b, s->v[i].key };
		if (csv_write_row(&out, row, 3, ',', true) < 0)
			goto oom;
	}
	/* The caller holds the database lock: leftovers of a killed writer can go. */
	atomic_remove_stale(s->path);
	/* A new store is the database's owner's, also when root creates it. */
	if ((db_file = xstrdup(s->path)) && strlen(db_file) > 4)
		db_file[strlen(db_file) - 4] = '\0';
	if (atomic_write_as(s->path, out.data, out.len, 0600, db_file) < 0) {
		err_msg("%s: cannot write the preshared keys: %s (unchanged)", s->path,
			strerror(errno));
		goto out;
	}
	s->exists = true;
	s->dirty = false;
	ret = 0;
	goto out;
oom:
	err_msg("out of memory");
out:
	free(db_file);
	buf_free(&out);
	return ret;
}

bool psk_store_exists(const char *db_path)
{
	char *path = store_path(db_path);
	bool exists;

	if (!path)
		return false;
	exists = access(path, F_OK) == 0;
	free(path);
	return exists;
}

int psk_update(struct psk_store *s, const struct db *db)
{
	size_t before = s->count;
	long created;

	if ((created = psk_sync(s, db)) < 0) {
		err_msg("out of memory");
		return -1;
	}
	if (!s->dirty && s->exists)
		return 0;
	if (psk_save(s) < 0)
		return -1;
	fprintf(stderr, "Preshared keys: %ld new, %zu dropped, %zu in all, in %s\n", created,
		before + (size_t)created - s->count, s->count, s->path);
	return 0;
}
