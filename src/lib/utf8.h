/* UTF-8 validity, for the text of the database and the values of the peers. */
#ifndef WGM_UTF8_H
#define WGM_UTF8_H

#include <stddef.h>

/* 0 when the len bytes at s are valid UTF-8 (no overlong form, no UTF-16
 * surrogate, nothing past U+10FFFF), else the 1-based offset of the first byte
 * where they stop being. */
size_t utf8_invalid_at(const char *s, size_t len);

#endif
