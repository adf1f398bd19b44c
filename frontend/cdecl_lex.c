/* The C declaration parser's lexer: the whole text into an array of
 * tokens, so the declarator parser can look ahead and come back. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/cdecl_impl.h"

struct cd_lexer {
	const char *s;
	size_t pos;
	int line;
	size_t line_off;
};

static int col(const struct cd_lexer *lx, size_t at)
{
	return (int)(at - lx->line_off) + 1;
}

static int lex_error(struct cdecl *cd, const struct cd_lexer *lx, size_t at, const char *msg)
{
	struct cd_tok t = {.line = lx->line, .col = col(lx, at), .len = 1};

	return fe_cd_error(cd, &t, "%s", msg);
}

/* Blanks and comments; -1 on an unterminated comment. */
static int skip_blanks(struct cdecl *cd, struct cd_lexer *lx)
{
	const char *s = lx->s;

	for (;;) {
		if (s[lx->pos] == '\n') {
			lx->line++;
			lx->line_off = ++lx->pos;
		} else if (isspace((unsigned char)s[lx->pos])) {
			lx->pos++;
		} else if (s[lx->pos] == '/' && s[lx->pos + 1] == '/') {
			while (s[lx->pos] && s[lx->pos] != '\n')
				lx->pos++;
		} else if (s[lx->pos] == '/' && s[lx->pos + 1] == '*') {
			size_t at = lx->pos;
			int line = lx->line;
			size_t line_off = lx->line_off;

			for (lx->pos += 2;
			     s[lx->pos] && !(s[lx->pos] == '*' && s[lx->pos + 1] == '/'); lx->pos++)
				if (s[lx->pos] == '\n') {
					lx->line++;
					lx->line_off = lx->pos + 1;
				}
			if (!s[lx->pos]) {
				lx->line = line;
				lx->line_off = line_off;
				return lex_error(cd, lx, at, "unterminated comment");
			}
			lx->pos += 2;
		} else {
			return 0;
		}
	}
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'z' ? c - 'a' + 10 : 99;
}

/* An integer literal in C's bases, with its u/l suffixes. */
static int lex_number(struct cdecl *cd, struct cd_lexer *lx, struct cd_tok *t)
{
	const char *s = lx->s;
	size_t p = lx->pos;
	unsigned base = 10;
	uint64_t v = 0;

	if (s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X'))
		base = 16, p += 2;
	else if (s[p] == '0' && (s[p + 1] == 'b' || s[p + 1] == 'B'))
		base = 2, p += 2;
	else if (s[p] == '0')
		base = 8;
	for (; isalnum((unsigned char)s[p]); p++) {
		int d = digit_value(s[p]);

		if (d >= (int)base)
			break;
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, (unsigned)d, &v))
			return lex_error(cd, lx, lx->pos, "integer literal is too large");
	}
	for (; s[p] == 'u' || s[p] == 'U' || s[p] == 'l' || s[p] == 'L'; p++)
		t->is_unsigned |= s[p] == 'u' || s[p] == 'U';
	if (isalnum((unsigned char)s[p]) || s[p] == '_' || s[p] == '.')
		return lex_error(cd, lx, p, "invalid digit or suffix in integer literal");
	t->kind = CD_T_NUM;
	t->value = v;
	lx->pos = p;
	return 0;
}

static int escape(const char *s, size_t *p)
{
	static const char from[] = "ntrab0fv\\'\"?", to[] = "\n\t\r\a\b\0\f\v\\'\"?";
	const char *e = strchr(from, s[*p]);
	int v = 0;

	if (s[*p] == 'x') {
		for ((*p)++; isxdigit((unsigned char)s[*p]) && v < 256; (*p)++)
			v = v * 16 + digit_value(s[*p]);
		return v < 256 ? v : -1;
	}
	if (s[*p] >= '0' && s[*p] <= '7') {
		for (int i = 0; i < 3 && s[*p] >= '0' && s[*p] <= '7'; i++, (*p)++)
			v = v * 8 + s[*p] - '0';
		return v < 256 ? v : -1;
	}
	if (!e || !s[*p])
		return -1;
	(*p)++;
	return (unsigned char)to[e - from];
}

/* 'c' as the int it is (a char, signed on x86-64); "..." kept as text. */
static int lex_quoted(struct cdecl *cd, struct cd_lexer *lx, struct cd_tok *t)
{
	const char *s = lx->s;
	char q = s[lx->pos];
	size_t p = lx->pos + 1;
	int v = 0, n = 0;

	while (s[p] && s[p] != q && s[p] != '\n') {
		if (s[p] == '\\') {
			p++;
			v = escape(s, &p);
			if (v < 0)
				return lex_error(cd, lx, p - 1, "invalid escape sequence");
		} else {
			v = (unsigned char)s[p++];
		}
		n++;
	}
	if (s[p] != q)
		return lex_error(cd, lx, lx->pos,
				 q == '"' ? "unterminated string"
					  : "unterminated character constant");
	if (q == '\'' && n != 1)
		return lex_error(cd, lx, lx->pos,
				 n ? "multi-character character constant"
				   : "empty character constant");
	t->kind = q == '"' ? CD_T_STR : CD_T_NUM;
	t->value = (uint64_t)(int64_t)(signed char)v;
	lx->pos = p + 1;
	return 0;
}

static int lex_punct(struct cdecl *cd, struct cd_lexer *lx, struct cd_tok *t)
{
	static const struct {
		const char *s;
		int p;
	} multi[] = {{"...", CD_P_ELLIPSIS}, {"<<", CD_P_SHL},	  {">>", CD_P_SHR},
		     {"<=", CD_P_LE},	     {">=", CD_P_GE},	  {"==", CD_P_EQ},
		     {"!=", CD_P_NE},	     {"&&", CD_P_ANDAND}, {"||", CD_P_OROR},
		     {"->", CD_P_ARROW}};
	const char *s = lx->s + lx->pos;

	t->kind = CD_T_PUNCT;
	for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++)
		if (!strncmp(s, multi[i].s, strlen(multi[i].s))) {
			t->punct = multi[i].p;
			lx->pos += strlen(multi[i].s);
			return 0;
		}
	if (!strchr("{}()[];,*:=+-/%&|^~!<>?.", *s) || !*s) {
		if (*s == '#')
			return lex_error(cd, lx, lx->pos,
					 "preprocessor directives are not allowed in declarations");
		return lex_error(cd, lx, lx->pos, "unexpected character");
	}
	t->punct = (unsigned char)*s;
	lx->pos++;
	return 0;
}

static int lex_one(struct cdecl *cd, struct cd_lexer *lx, struct cd_tok *t)
{
	const char *s = lx->s;
	size_t start;

	if (skip_blanks(cd, lx) < 0)
		return -1;
	start = lx->pos;
	*t = (struct cd_tok){.line = lx->line, .col = col(lx, start), .text = s + start};
	if (!s[start]) {
		t->kind = CD_T_EOF;
		t->col = col(lx, start);
		return 0;
	}
	if (isalpha((unsigned char)s[start]) || s[start] == '_') {
		while (isalnum((unsigned char)s[lx->pos]) || s[lx->pos] == '_')
			lx->pos++;
		t->kind = CD_T_IDENT;
	} else if (isdigit((unsigned char)s[start])) {
		if (lex_number(cd, lx, t) < 0)
			return -1;
	} else if (s[start] == '\'' || s[start] == '"') {
		if (lex_quoted(cd, lx, t) < 0)
			return -1;
	} else if (lex_punct(cd, lx, t) < 0) {
		return -1;
	}
	if (lx->pos - start > 4096)
		return fe_cd_error(cd, t, "token is too long");
	t->len = (int)(lx->pos - start);
	return 0;
}

int fe_cd_lex(struct cdecl *cd)
{
	struct cd_lexer lx = {.s = cd->text, .line = 1};
	struct cd_vec toks = {0};
	struct cd_tok *t;

	do {
		t = fe_cd_push(cd, &toks, sizeof(*t));
		if (!t || lex_one(cd, &lx, t) < 0) {
			free(toks.v);
			return -1;
		}
	} while (t->kind != CD_T_EOF);
	cd->toks = toks.v;
	cd->ntoks = toks.n;
	return 0;
}

bool fe_cd_is(const struct cd_tok *t, const char *word)
{
	return t->kind == CD_T_IDENT && (size_t)t->len == strlen(word) &&
	       !memcmp(t->text, word, (size_t)t->len);
}

bool fe_cd_punct(const struct cd_tok *t, int p)
{
	return t->kind == CD_T_PUNCT && t->punct == p;
}
