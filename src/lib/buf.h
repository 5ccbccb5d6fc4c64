/* A growable byte buffer. */
#ifndef WGM_BUF_H
#define WGM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;	/* always NUL-terminated when len > 0 or after buf_reserve */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* All return 0 on success, -1 when out of memory. */
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);
/* Wipes then frees the memory: buffers may hold keys. */
void buf_free(struct buf *b);

#endif
