#include "lib/utf8.h"

#include <stdint.h>

/* Length of the sequence that byte c starts, 0 when it starts none. */
static size_t seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	return (c & 0xf8) == 0xf0 ? 4 : 0;
}

size_t utf8_invalid_at(const char *text, size_t len)
{
	static const uint32_t lowest[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		size_t n = seq_len(s[i]);
		uint32_t cp;

		if (n == 1) {
			i++;
			continue;
		}
		if (n == 0 || n > len - i)
			return i + 1;
		cp = s[i] & (0x7fu >> n);
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i + 1;
			cp = (cp << 6) | (s[i + k] & 0x3fu);
		}
		if (cp < lowest[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return i + 1;
		i += n;
	}
	return 0;
}
