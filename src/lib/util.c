#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *prog_name = "wg-meshconf";

void err_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void warn_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *quoted(const char *s, char *out, size_t len)
{
	size_t o = 0;

	if (len < 8) {
		if (len)
			out[0] = '\0';
		return out;
	}
	out[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		int n;

		if (*p == '\n')
			n = snprintf(esc, sizeof(esc), "\\n");
		else if (*p == '\r')
			n = snprintf(esc, sizeof(esc), "\\r");
		else if (*p == '\t')
			n = snprintf(esc, sizeof(esc), "\\t");
		else if (*p == '"' || *p == '\\')
			n = snprintf(esc, sizeof(esc), "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			n = snprintf(esc, sizeof(esc), "\\x%02x", *p);
		else
			n = snprintf(esc, sizeof(esc), "%c", *p);
		if (o + (size_t)n + 5 > len) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, esc, (size_t)n);
		o += (size_t)n;
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

const char *printable(const char *s, char *out, size_t len)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return quoted(s, out, len);
	return s;
}

bool list_next(const char **cursor, const char **item, size_t *len)
{
	const char *p = *cursor, *comma, *end;

	if (!p)
		return false;
	comma = strchr(p, ',');
	end = comma ? comma : p + strlen(p);
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	*item = p;
	*len = (size_t)(end - p);
	*cursor = comma ? comma + 1 : NULL;
	return true;
}

char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

int read_file(const char *path, size_t max, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, cap = 0;
	char *data = NULL;
	struct stat st;
	int ret = -1;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	/* One allocation of the right size: growing by realloc would leave copies
	 * of the file (private keys) in freed memory. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= max) {
		cap = (size_t)st.st_size + 4096;
		if (!(data = malloc(cap + 1)))
			goto out;
	}
	for (;;) {
		ssize_t r;
		if (cap - n < 4096) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *grown;
			if (cap > max + 1) {
				ret = -2;
				goto out;
			}
			grown = realloc(data, ncap + 1);
			if (!grown)
				goto out;
			data = grown;
			cap = ncap;
		}
		r = read(fd, data + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		ret = -2;
		goto out;
	}
	if (!data && !(data = malloc(1)))
		goto out;
	data[n] = '\0';
	*out = data;
	*len = n;
	data = NULL;
	ret = 0;
out:
	free(data);
	close(fd);
	return ret;
}

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}
