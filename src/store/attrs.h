/* The peer attributes: the 16 columns of the wg-meshconf 2.5.1 database,
 * described once. The CSV reader and writer, the option parser, showpeers
 * and genconfig all loop over this table. */
#ifndef WGM_ATTRS_H
#define WGM_ATTRS_H

#include <stdbool.h>

enum attr_id {
	ATTR_NAME,
	ATTR_ADDRESS,
	ATTR_ENDPOINT,
	ATTR_ALLOWEDIPS,
	ATTR_LISTENPORT,
	ATTR_KEEPALIVE,
	ATTR_FWMARK,
	ATTR_PRIVATEKEY,
	ATTR_DNS,
	ATTR_MTU,
	ATTR_TABLE,
	ATTR_PREUP,
	ATTR_POSTUP,
	ATTR_PREDOWN,
	ATTR_POSTDOWN,
	ATTR_SAVECONFIG,
	ATTR_RELAY,		/* ours, not 2.5.1's: an optional column */
	ATTR_SSH,		/* ours: where deploy reaches the host (optional) */
	ATTR_COUNT
};

enum attr_kind {
	KIND_NAME,	/* the peer's name: also a file name */
	KIND_TEXT,	/* one line of text */
	KIND_LIST,	/* comma-separated items */
	KIND_INT,	/* whole number in [min, max] */
	KIND_BOOL,	/* true or false */
	KIND_KEY,	/* 44 characters of base64 */
};

struct attr {
	const char *column;	/* CSV header (each format names the value itself) */
	const char *option;	/* long option, NULL when positional */
	const char *metavar;
	const char *help;
	enum attr_kind kind;
	long min, max;		/* KIND_INT */
	bool required;		/* must be set on every peer */
	const char *def;	/* filled in by addpeer and init when empty */
	const char *color;	/* ANSI colour of the showpeers column, or NULL */
	/* Returns NULL when value (never empty) is valid, else the rule it breaks,
	 * to be printed after "is not". */
	const char *(*check)(const struct attr *a, const char *value);
	bool optional;		/* not one of 2.5.1's 16 columns: written only when a
				 * peer has a value, so a database that does not use
				 * it stays one that 2.5.1 reads */
};

extern const struct attr attrs[ATTR_COUNT];

/* Index of the attribute with this CSV column (exact, then case-insensitive), or -1. */
int attr_by_column(const char *column);

/* NULL when value is empty or valid, else the rule it breaks, often followed by
 * what is wrong with this value (in a buffer of the calling thread, valid until
 * its next call). Every column refuses invalid UTF-8, control characters and
 * the spaces that only look like one (U+00A0, U+202F, ...). */
const char *attr_check(enum attr_id id, const char *value);

/* For a valid value: NULL, or why it still deserves a warning (a spreadsheet
 * would evaluate it as a formula: it starts with '=', '+', '-' or '@'). Same
 * buffer as attr_check. */
const char *attr_warning(enum attr_id id, const char *value);

/* True for the values SaveConfig takes as true: "true", "yes", "1", and the
 * booleans of French and German spreadsheets "vrai", "wahr" (any case). */
bool attr_bool_value(const char *value);

/* Refuses control characters (newlines included) in any value. */
bool attr_has_control(const char *value);

/* True when name is also a valid wg-quick interface name: [a-zA-Z0-9_=+.-]{1,15}. */
bool attr_is_ifname(const char *name);

#endif
