#include "remote/confdiff.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct line {
	const char *s;
	size_t len;	/* without the newline */
};

/* Splits text into lines (pointing into it). Allocates *out; -1 when out of memory. */
static long split_lines(const char *text, size_t len, struct line **out)
{
	size_t n = 0, cap = 0;
	struct line *v = NULL;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (text + i)) : len - i;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			struct line *w = realloc(v, cap * sizeof(*w));
			if (!w) {
				free(v);
				return -1;
			}
			v = w;
		}
		v[n++] = (struct line){ text + i, l };
		i += l + 1;
	}
	*out = v;
	return (long)n;
}

static const char *const restart_keys[] = { "Address", "DNS", "MTU", "Table", "PreUp",
					    "PostUp", "PreDown", "PostDown", "SaveConfig" };
#define N_RESTART (sizeof(restart_keys) / sizeof(restart_keys[0]))

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* The [Interface] values of key k, joined by '\n', into out. */
static int interface_values(const char *text, size_t len, const char *k, struct buf *out)
{
	struct line *v;
	long n = split_lines(text, len, &v);
	bool in_interface = false;

	if (n < 0)
		return -1;
	for (long i = 0; i < n; i++) {
		const char *s = v[i].s;
		size_t l = v[i].len;
		trim(&s, &l);
		if (l && s[0] == '[') {
			in_interface = l == 11 && !strncasecmp(s, "[Interface]", 11);
			continue;
		}
		const char *eq = memchr(s, '=', l);
		if (!in_interface || !eq || s[0] == '#')
			continue;
		const char *key = s, *val = eq + 1;
		size_t kl = (size_t)(eq - s), vl = l - kl - 1;
		trim(&key, &kl);
		trim(&val, &vl);
		if (kl != strlen(k) || strncasecmp(key, k, kl))
			continue;
		if (buf_append(out, val, vl) < 0 || buf_putc(out, '\n') < 0) {
			free(v);
			return -1;
		}
	}
	free(v);
	return 0;
}

bool confdiff_interface_changed(const char *old, size_t old_len, const char *new_text,
				size_t new_len, char *what, size_t len)
{
	bool changed = false;
	size_t at = 0;

	*what = '\0';
	for (size_t k = 0; k < N_RESTART; k++) {
		struct buf a = BUF_INIT, b = BUF_INIT;
		bool differ = interface_values(old, old_len, restart_keys[k], &a) < 0 ||
			      interface_values(new_text, new_len, restart_keys[k], &b) < 0 ||
			      a.len != b.len || (a.len && memcmp(a.data, b.data, a.len));
		buf_free(&a);
		buf_free(&b);
		if (!differ)
			continue;
		changed = true;
		if (at < len) {
			int w = snprintf(what + at, len - at, "%s%s", at ? ", " : "", restart_keys[k]);
			at += w > 0 ? (size_t)w : 0;
		}
	}
	return changed;
}

static int put_line(struct buf *out, char mark, const struct line *l)
{
	const char *s = l->s;
	size_t len = l->len;
	const char *eq = memchr(s, '=', len);

	if (buf_putc(out, mark) < 0)
		return -1;
	if (eq) {
		const char *k = s;
		size_t kl = (size_t)(eq - s);
		trim(&k, &kl);
		if ((kl == 10 && !strncasecmp(k, "PrivateKey", 10)) ||
		    (kl == 12 && !strncasecmp(k, "PresharedKey", 12))) {
			if (buf_append(out, s, (size_t)(eq - s) + 1) < 0 ||
			    buf_puts(out, " (hidden)\n") < 0)
				return -1;
			return 0;
		}
	}
	if (buf_append(out, s, len) < 0 || buf_putc(out, '\n') < 0)
		return -1;
	return 0;
}

static bool same(const struct line *a, const struct line *b)
{
	return a->len == b->len && !memcmp(a->s, b->s, a->len);
}

/* Longest common subsequence table, for files of up to LCS_MAX cells. */
#define LCS_MAX (8u << 20)
#define CONTEXT 2

int confdiff_masked(const char *old, size_t old_len, const char *new_text, size_t new_len,
		    struct buf *out)
{
	struct line *a = NULL, *b = NULL;
	long na = split_lines(old, old_len, &a), nb = split_lines(new_text, new_len, &b);
	uint32_t *t = NULL;
	struct op {
		char mark;
		const struct line *l;
	} *ops = NULL;
	int ret = -1;

	if (na < 0 || nb < 0)
		goto out;
	size_t w = (size_t)nb + 1;
	if (((size_t)na + 1) * w > LCS_MAX) {
		for (long i = 0; i < na; i++)
			if (put_line(out, '-', &a[i]) < 0)
				goto out;
		for (long j = 0; j < nb; j++)
			if (put_line(out, '+', &b[j]) < 0)
				goto out;
		ret = 0;
		goto out;
	}
	if (!(t = calloc(((size_t)na + 1) * w, sizeof(*t))))
		goto out;
	for (long i = na - 1; i >= 0; i--)
		for (long j = nb - 1; j >= 0; j--)
			t[(size_t)i * w + (size_t)j] =
				same(&a[i], &b[j]) ? t[(size_t)(i + 1) * w + (size_t)j + 1] + 1
				: t[(size_t)(i + 1) * w + (size_t)j] > t[(size_t)i * w + (size_t)j + 1]
				? t[(size_t)(i + 1) * w + (size_t)j]
				: t[(size_t)i * w + (size_t)j + 1];
	/* The edit script first, then printed with CONTEXT common lines around each change. */
	if (!(ops = malloc(((size_t)na + (size_t)nb + 1) * sizeof(*ops))))
		goto out;
	long i = 0, j = 0;
	size_t n = 0;
	while (i < na || j < nb) {
		if (i < na && j < nb && same(&a[i], &b[j])) {
			ops[n++] = (struct op){ ' ', &a[i] };
			i++, j++;
		} else if (i < na && (j == nb || t[(size_t)(i + 1) * w + (size_t)j] >=
						       t[(size_t)i * w + (size_t)j + 1])) {
			ops[n++] = (struct op){ '-', &a[i++] };
		} else {
			ops[n++] = (struct op){ '+', &b[j++] };
		}
	}
	size_t last = SIZE_MAX;	/* last op printed */
	for (size_t k = 0; k < n; k++) {
		bool near = false;
		for (size_t d = k >= CONTEXT ? k - CONTEXT : 0; d < n && d <= k + CONTEXT; d++)
			near |= ops[d].mark != ' ';
		if (!near)
			continue;
		if (last != SIZE_MAX && k != last + 1 && buf_puts(out, "@@\n") < 0)
			goto out;
		if (put_line(out, ops[k].mark, ops[k].l) < 0)
			goto out;
		last = k;
	}
	ret = 0;
out:
	free(ops);
	free(t);
	free(a);
	free(b);
	return ret;
}
