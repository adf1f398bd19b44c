/* The text form of program images: lexing, numbers, strings, errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assembler/internal.h"

/* ---- errors and lexing ---------------------------------------------------- */

static int vfail_at(struct ps *p, int line, int col, size_t len, const char *fmt, va_list ap)
{
	if (!p->err)
		return -EINVAL;
	memset(p->err, 0, sizeof(*p->err));
	p->err->line = line;
	if (col > 0) {
		p->err->col = col;
		p->err->col_end = col + (len ? (int)len - 1 : 0);
	}
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	return -EINVAL;
}

int tva_fail_at(struct ps *p, int line, int col, size_t len, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail_at(p, line, col, len, fmt, ap);
	va_end(ap);
	return rc;
}

int tva_fail(struct ps *p, const char *s, size_t len, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail_at(p, p->lineno, s ? (int)(s - p->line) + 1 : 0, len, fmt, ap);
	va_end(ap);
	return rc;
}

int tva_oom(struct ps *p)
{
	return tva_fail(p, NULL, 0, "out of memory");
}

bool tva_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool tva_is_comment(char c)
{
	return c == ';' || c == '#';
}

static bool is_ident(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && ((c >= '0' && c <= '9') || c == '.'));
}

void tva_skip_blank(struct ps *p)
{
	while (p->cur < p->end && tva_is_blank(*p->cur))
		p->cur++;
}

bool tva_at_eol(struct ps *p)
{
	tva_skip_blank(p);
	return p->cur == p->end || tva_is_comment(*p->cur);
}

/* The token at the cursor, up to a blank, a comment or (with comma) a ','. */
struct tok tva_peek_word(struct ps *p, bool comma)
{
	const char *s = p->cur;

	while (s < p->end && !tva_is_blank(*s) && !tva_is_comment(*s) && !(comma && *s == ','))
		s++;
	return (struct tok){p->cur, (size_t)(s - p->cur)};
}

struct tok tva_next_word(struct ps *p, bool comma)
{
	struct tok t;

	tva_skip_blank(p);
	t = tva_peek_word(p, comma);
	p->cur += t.len;
	return t;
}

size_t tva_ident_len(const char *s, const char *end)
{
	size_t n = 0;

	while (s + n < end && is_ident(s[n], n == 0))
		n++;
	return n;
}

bool tva_tok_is(struct tok t, const char *word)
{
	return t.len == strlen(word) && !strncasecmp(t.s, word, t.len);
}

/* Room for one more element of a table; NULL when out of memory. */
void *tva_tab_push(struct tab *t, size_t elem)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		void *v = realloc(t->v, cap * elem);

		if (!v)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	return (char *)t->v + elem * t->n++;
}

/* ---- numbers and strings -------------------------------------------------- */

/* "-"? ("0x" hex | decimal) into a sign and a magnitude: 0, or -EINVAL
 * when t is not a number, -ERANGE when it does not fit 64 bits. */
int tva_scan_int(struct tok t, bool *neg, __u64 *mag)
{
	size_t i;
	unsigned base = 10, d;
	__u64 m = 0;
	int rc = 0;

	*neg = t.len > 0 && t.s[0] == '-';
	i = *neg;
	if (t.len >= i + 2 && t.s[i] == '0' && (t.s[i + 1] == 'x' || t.s[i + 1] == 'X'))
		base = 16, i += 2;
	if (i == t.len)
		return -EINVAL;
	for (; i < t.len; i++) {
		char c = t.s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
			d = (unsigned)((c | 0x20) - 'a' + 10);
		else
			return -EINVAL;
		if (m > (UINT64_MAX - d) / base)
			rc = -ERANGE;
		m = m * base + d;
	}
	*mag = m;
	return rc;
}

/* A number in lo..hi; what names the operand in messages. */
int tva_num_in(struct ps *p, struct tok t, __s64 lo, __s64 hi, __s64 *v, const char *what)
{
	__u64 mag = 0;
	bool neg;
	int rc = tva_scan_int(t, &neg, &mag);
	__s64 x = 0;

	if (rc == -EINVAL)
		return tva_fail(p, t.s, t.len ? t.len : 1, "expected a number (%s), got '%.*s'",
				what, TOK(t));
	if (mag > (neg ? (__u64)INT64_MAX + 1 : (__u64)INT64_MAX))
		rc = -ERANGE;
	else
		x = neg ? (__s64)(0 - mag) : (__s64)mag;
	if (rc || x < lo || x > hi)
		return tva_fail(p, t.s, t.len, "value %.*s out of range for %s (%lld..%lld)",
				TOK(t), what, (long long)lo, (long long)hi);
	*v = x;
	return 0;
}

/* A 64-bit word: any signed value, or unsigned up to 2^64 - 1. */
int tva_num_wide(struct ps *p, struct tok t, __s64 *v)
{
	__u64 mag = 0;
	bool neg;
	int rc = tva_scan_int(t, &neg, &mag);

	if (rc == -EINVAL)
		return tva_fail(p, t.s, t.len ? t.len : 1, "expected a 64-bit number, got '%.*s'",
				TOK(t));
	if (rc || (neg && mag > (__u64)INT64_MAX + 1))
		return tva_fail(p, t.s, t.len, "value %.*s out of range for a 64-bit word", TOK(t));
	*v = (__s64)(neg ? 0 - mag : mag);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One escape after the backslash at *s; returns the byte, or -1. */
static int unescape(const char **s, const char *end)
{
	static const char from[] = "ntr0abfve\\\"'?", to[] = "\n\t\r\0\a\b\f\v\033\\\"'?";
	const char *q = *s, *hit = q < end && *q ? strchr(from, *q) : NULL;
	int v = 0, n = 0;

	if (hit && !(*q == '0' && q + 1 < end && q[1] >= '0' && q[1] <= '7')) {
		*s = q + 1;
		return (unsigned char)to[hit - from];
	}
	if (q < end && *q == 'x') {
		for (q++; n < 2 && q < end && hexval(*q) >= 0; n++, q++)
			v = v * 16 + hexval(*q);
	} else {
		for (; n < 3 && q < end && *q >= '0' && *q <= '7'; n++, q++)
			v = v * 8 + (*q - '0');
	}
	if (!n || v > 255)
		return -1;
	*s = q;
	return v;
}

/* A "C-escaped string" at the cursor into a malloc'd, NUL-terminated buffer. */
int tva_parse_string(struct ps *p, char **out, size_t *len)
{
	const char *open = p->cur, *s = p->cur + 1;
	char *buf = malloc((size_t)(p->end - p->cur) + 1);
	size_t n = 0;
	int c;

	if (!buf)
		return tva_oom(p);
	while (s < p->end && *s != '"') {
		if (*s != '\\') {
			buf[n++] = *s++;
			continue;
		}
		const char *esc = s++;
		if ((c = unescape(&s, p->end)) < 0) {
			free(buf);
			return tva_fail(p, esc, 2, "bad escape sequence in string");
		}
		buf[n++] = (char)c;
	}
	if (s == p->end) {
		free(buf);
		return tva_fail(p, open, (size_t)(p->end - open), "unterminated string");
	}
	p->cur = s + 1;
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

/* A string that must not hold NUL bytes: attach points and type names. */
int tva_parse_cstring(struct ps *p, char **out)
{
	const char *s = p->cur;
	size_t len;
	int rc = tva_parse_string(p, out, &len);

	if (!rc && strlen(*out) != len) {
		free(*out);
		*out = NULL;
		return tva_fail(p, s, (size_t)(p->cur - s), "string must not contain a NUL byte");
	}
	return rc;
}

int tva_expect_eol(struct ps *p)
{
	struct tok t;

	if (tva_at_eol(p))
		return 0;
	t = tva_peek_word(p, false);
	return tva_fail(p, t.s, t.len ? t.len : 1, "unexpected '%.*s'", TOK(t));
}
