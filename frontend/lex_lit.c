/* Literals: integers (decimal with '_' separators, 0x hex, 0 octal, 2e3
 * exponent form, C suffixes) and strings with C escapes. */
#include <string.h>

#include "frontend/lexer.h"

/* ---- integers ----------------------------------------------------------- */

static int digit_value(int c)
{
	if (fe_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* v = v * base + d; false on overflow. */
static bool mul_add(uint64_t *v, unsigned base, unsigned d)
{
	if (*v > (UINT64_MAX - d) / base)
		return false;
	*v = *v * base + d;
	return true;
}

/* Digits of base (and '_' between decimal digits) from i; returns the end. */
static size_t scan_digits(const char *s, size_t i, size_t len, unsigned base)
{
	size_t end = i;

	while (i < len) {
		if (base == 10 && s[i] == '_' && i + 1 < len &&
		    (fe_is_digit((unsigned char)s[i + 1]) || s[i + 1] == '_'))
			i++;
		else if ((unsigned)digit_value((unsigned char)s[i]) < base)
			end = ++i;
		else
			break;
	}
	return end;
}

/* The value of digits [i, end) in base, skipping '_'; false on overflow
 * or a digit out of range (only octal can have one). */
static bool digits_value(const char *s, size_t i, size_t end, unsigned base, uint64_t *v)
{
	*v = 0;
	for (; i < end; i++) {
		unsigned d = (unsigned)digit_value((unsigned char)s[i]);

		if (s[i] != '_' && (d >= base || !mul_add(v, base, d)))
			return false;
	}
	return true;
}

/* C integer suffixes (u, l, ll, ul, ull, lu, llu, in any case): accepted
 * as bpftrace accepts them, and ignored. */
static size_t scan_suffix(const char *s, size_t i, size_t len)
{
	size_t j = i;
	bool u = j < len && (s[j] | 32) == 'u';

	j += u;
	for (int l = 0; l < 2 && j < len && (s[j] | 32) == 'l'; l++)
		j++;
	if (!u && j > i && j < len && (s[j] | 32) == 'u')
		j++;
	return j;
}

static bool pow10_mul(uint64_t *v, uint64_t exp)
{
	for (; exp && *v; exp--)
		if (!mul_add(v, 10, 0))
			return false;
	return true;
}

/* Decimal, octal or exponent form from start; the end goes to *endp. */
static const char *decimal(const char *s, size_t start, size_t len, size_t *endp, uint64_t *v)
{
	size_t end = scan_digits(s, start, len, 10), e_end;
	uint64_t exp;

	if (end + 1 < len && (s[end] | 32) == 'e' && fe_is_digit((unsigned char)s[end + 1])) {
		e_end = scan_digits(s, end + 1, len, 10);
		*endp = e_end;
		if (!digits_value(s, start, end, 10, v) ||
		    !digits_value(s, end + 1, e_end, 10, &exp) || !pow10_mul(v, exp))
			return "integer literal '%.*s' out of range";
		return NULL;
	}
	*endp = end;
	if (s[start] == '0' && end - start > 1 && !memchr(s + start, '_', end - start)) {
		if (!digits_value(s, start, end, 8, v))
			return scan_digits(s, start, end, 8) < end
				   ? "invalid octal literal '%.*s'"
				   : "integer literal '%.*s' out of range";
		return NULL;
	}
	return digits_value(s, start, end, 10, v) ? NULL : "integer literal '%.*s' out of range";
}

void fe_lex_number(struct fe_lexer *lx, struct fe_tok *t)
{
	const char *s = lx->src, *err;
	size_t start = lx->pos, end;

	if (s[start] == '0' && start + 2 < lx->len && (s[start + 1] | 32) == 'x' &&
	    digit_value((unsigned char)s[start + 2]) < 16) {
		end = scan_digits(s, start + 2, lx->len, 16);
		err = digits_value(s, start + 2, end, 16, &t->ival)
			  ? NULL
			  : "integer literal '%.*s' out of range";
	} else {
		err = decimal(s, start, lx->len, &end, &t->ival);
	}
	end = scan_suffix(s, end, lx->len);
	t->kind = TV_T_INT;
	t->loc = fe_lex_loc(lx, start, end);
	if (err) {
		t->ival = 0;
		fe_lex_error(lx, t->loc, err, (int)(end - start), s + start);
	}
	fe_lex_move(lx, end);
}

/* ---- strings ------------------------------------------------------------ */

enum esc { ESC_OK, ESC_BAD, ESC_RANGE };

/* One escape at s[*ip] == '\\': appends its byte to out[*n] and moves *ip
 * past it (past the bad part when it is invalid). */
static enum esc escape(const char *s, size_t *ip, size_t end, char *out, size_t *n)
{
	static const char simple[] = "n\nt\tr\r\\\\\"\"";
	size_t j = *ip + 1, k;
	unsigned v = 0;

	*ip = j < end ? j + 1 : end;
	if (j >= end)
		return ESC_BAD;
	for (k = 0; simple[k]; k += 2) {
		if (s[j] == simple[k]) {
			out[(*n)++] = simple[k + 1];
			return ESC_OK;
		}
	}
	if (s[j] == 'x') {
		for (k = j + 1; k < end && k < j + 3 && digit_value((unsigned char)s[k]) < 16; k++)
			v = v * 16 + (unsigned)digit_value((unsigned char)s[k]);
		if (k == j + 1)
			return ESC_BAD;
	} else if (s[j] >= '0' && s[j] <= '7') {
		for (k = j; k < end && k < j + 3 && s[k] >= '0' && s[k] <= '7'; k++)
			v = v * 8 + (unsigned)(s[k] - '0');
	} else {
		return ESC_BAD;
	}
	*ip = k;
	out[(*n)++] = (char)v;
	return v <= 255 ? ESC_OK : ESC_RANGE;
}

/* Decodes the string body [start, end) into out; reports bad escapes. */
static size_t decode(struct fe_lexer *lx, size_t start, size_t end, char *out)
{
	const char *s = lx->src;
	size_t i = start, n = 0, esc;
	enum esc r;

	while (i < end) {
		if (s[i] != '\\') {
			out[n++] = s[i++];
			continue;
		}
		esc = i;
		r = escape(s, &i, end, out, &n);
		if (r != ESC_OK)
			fe_lex_error(lx, fe_lex_run_loc(lx, start - 1, i),
				     r == ESC_BAD ? "invalid escape character '%.*s'"
						  : "octal escape sequence out of range '%.*s'",
				     (int)(i - esc), s + esc);
	}
	return n;
}

bool fe_lex_string(struct fe_lexer *lx, struct fe_tok *t)
{
	const char *s = lx->src;
	size_t start = lx->pos, i = start + 1;
	struct fe_loc at;
	char *out;

	while (i < lx->len && s[i] != '"' && s[i] != '\n')
		i += s[i] == '\\' && i + 1 < lx->len && s[i + 1] != '\n' ? 2 : 1;
	t->kind = TV_T_STRING;
	t->loc = fe_lex_loc(lx, start, i < lx->len && s[i] == '"' ? i + 1 : i);
	out = fe_arena_alloc(lx->arena, i - start);
	if (!out) {
		lx->oom = true;
		fe_lex_move(lx, i);
		return true;
	}
	t->slen = decode(lx, start + 1, i, out);
	t->sval = out;
	if (i < lx->len && s[i] == '"') {
		fe_lex_move(lx, i + 1);
		return true;
	}
	/* As bpftrace: reported (the span takes the newline in), and no
	 * token made of it. */
	at = fe_lex_run_loc(lx, start, i);
	at.col_end += i < lx->len;
	fe_lex_error(lx, at, "unterminated string");
	fe_lex_move(lx, i);
	lx->last = at;
	lx->gap = false;
	return false;
}
