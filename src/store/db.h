/* The peer database: a CSV file in the format of wg-meshconf 2.5.1. */
#ifndef WGM_DB_H
#define WGM_DB_H

#include "store/attrs.h"
#include "lib/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct peer {
	char *val[ATTR_COUNT];	/* never NULL: "" when empty */
	char **extra;		/* one value per db->extra_cols */
	size_t line;		/* line of the row in the file, 0 for a new peer */
};

struct db {
	const char *path;	/* as given, not owned */
	char *real_path;	/* where a symbolic link points: written there */
	struct peer *peers;
	size_t count, cap;
	char **extra_cols;	/* columns the table does not know, kept in order */
	size_t extra_count;
	char sep;		/* written back as read */
	bool bom, crlf;
	bool exists;		/* the file was there when opened */
	mode_t mode;
	int lock_fd;		/* valid when locked */
	bool locked;
	bool lenient;		/* DB_LENIENT: problems noted, not fatal */
	char **problems;	/* "file:line: column C: ..." for each problem */
	size_t problem_count;
};

enum {
	DB_LOCK = 1,		/* hold an exclusive lock until db_close */
	DB_MUST_EXIST = 2,	/* a missing file is an error */
	DB_LENIENT = 4,		/* invalid values and duplicate names are noted in
				 * db->problems and loading goes on (for check);
				 * the mode warning is left to the caller */
};

/* Opens and parses the database at path. A missing file gives an empty database
 * unless DB_MUST_EXIST. Prints its errors (file, line, column) on stderr.
 * Returns 0 or -1; db is always safe to pass to db_close. */
int db_open(struct db *db, const char *path, int flags);

/* Parses CSV text into db (used by db_open, the tests and the fuzzers); name is
 * the file name for messages. 0 or -1. */
int db_parse(struct db *db, const char *name, const char *text, size_t len);


/* Writes the database as CSV: the 16 columns, then the extra ones. */
int db_serialize(const struct db *db, struct buf *out);

/* False for an optional column (Relay) that no peer has a value in: it is not
 * written, so that a database that does not use it stays one 2.5.1 reads. */
bool db_column_used(const struct db *db, int id);

/* Atomically replaces the file. 0 or -1 (with a message). */
int db_save(struct db *db);

/* Frees everything and releases the lock. Accepts a zeroed or NULL db. */
void db_close(struct db *db);

/* Index of the peer with this name, or -1. */
long db_find(const struct db *db, const char *name);

/* db_find, saying "CMD: no peer named NAME in FILE" on stderr when there is none. */
long db_lookup(const struct db *db, const char *cmd, const char *name);

/* The peers' names in strcmp order, pointing into db. Allocates (free with
 * free()); NULL when out of memory. Search it with bsearch and db_name_cmp. */
const char **db_sorted_names(const struct db *db);
int db_name_cmp(const void *a, const void *b);

/* Appends an empty peer; returns it or NULL when out of memory. */
struct peer *db_add(struct db *db);

/* Removes the peer at index i, keeping the order of the others. */
void db_remove(struct db *db, size_t i);

/* Replaces a value (copying it). 0 or -1 when out of memory. */
int peer_set(struct peer *p, enum attr_id id, const char *value);

/* Gives the attribute `id` (a KIND_KEY) a new private key. 0 or -1. */
int peer_new_key(struct peer *p, enum attr_id id);

/* Fills in what can be generated where it is empty: the table's defaults and new
 * private keys. Appends the names of the columns it filled to `filled` (len
 * bytes, may be NULL). Returns how many it filled, or -1. */
int peer_complete(struct peer *p, char *filled, size_t len);

static inline const char *peer_get(const struct peer *p, enum attr_id id)
{
	return p->val[id];
}

#endif
