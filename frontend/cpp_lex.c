/* The preprocessor's tokens: identifiers, pp-numbers, string and char
 * literals, punctuators; comments and backslash-newlines are blanks. */
#include <stdlib.h>
#include <string.h>

#include "frontend/ast.h"
#include "frontend/cpp.h"

void *fe_cpp_alloc(struct fe_cpp *cpp, size_t n)
{
	return fe_arena_alloc(cpp->arena, n ? n : 1);
}

int fe_pp_push(struct pp_vec *v, const struct pp_tok *t)
{
	if (fe_grow(&v->v, &v->cap, v->n, sizeof(*v->v), 64))
		return -1;
	v->v[v->n++] = *t;
	return 0;
}

void fe_pp_free(struct pp_vec *v)
{
	free(v->v);
	*v = (struct pp_vec){0};
}

bool fe_pp_is(const struct pp_tok *t, const char *s)
{
	return (int)strlen(s) == t->len && !memcmp(t->s, s, (size_t)t->len);
}

static bool ident_char(int c)
{
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* The longest punctuator at s: ("%:" digraphs are not worth it) */
static int punct_len(const char *s)
{
	static const char *const p[] = {"<<=", ">>=", "...", "->", "++", "--", "<<", ">>",
					"<=",  ">=",  "==",  "!=", "&&", "||", "*=", "/=",
					"%=",  "+=",  "-=",  "&=", "^=", "|=", "##"};

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (!strncmp(s, p[i], strlen(p[i])))
			return (int)strlen(p[i]);
	return strchr("[](){}.&*+-~!/%<>^|?:;=,#", *s) && *s ? 1 : 0;
}

/* The end of a literal opened by q at s[i] (to the line's end if open). */
static size_t literal_end(const char *s, size_t i, char q)
{
	for (i++; s[i] && s[i] != q && s[i] != '\n'; i++)
		if (s[i] == '\\' && s[i + 1])
			i++;
	return s[i] == q ? i + 1 : i;
}

/* Skips blanks, comments and splices from s[*i]; counts lines; true at a
 * newline (which is not skipped). */
static void skip_blanks(const char *s, size_t *i, int *line, bool *space)
{
	for (;;) {
		if (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\r' || s[*i] == '\f' ||
		    s[*i] == '\v') {
			(*i)++;
		} else if (s[*i] == '\\' && s[*i + 1] == '\n') {
			*i += 2, (*line)++;
		} else if (s[*i] == '/' && s[*i + 1] == '/') {
			while (s[*i] && s[*i] != '\n')
				(*i)++;
		} else if (s[*i] == '/' && s[*i + 1] == '*') {
			for (*i += 2; s[*i] && !(s[*i] == '*' && s[*i + 1] == '/'); (*i)++)
				*line += s[*i] == '\n';
			*i += s[*i] ? 2 : 0;
		} else {
			return;
		}
		*space = true;
	}
}

static size_t token_end(const char *s, size_t i, enum pp_kind *k)
{
	size_t j = i;
	int n;

	if ((s[i] == 'L' || s[i] == 'u' || s[i] == 'U') && (s[i + 1] == '"' || s[i + 1] == '\''))
		j++;
	if (s[j] == '"' || s[j] == '\'') {
		*k = s[j] == '"' ? PP_STR : PP_CHAR;
		return literal_end(s, j, s[j]);
	}
	if ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')) {
		*k = PP_NUM;
		for (j = i + 1; ident_char(s[j]) || s[j] == '.' ||
				((s[j] == '+' || s[j] == '-') && strchr("eEpP", s[j - 1]));
		     j++)
			;
		return j;
	}
	if (ident_char(s[i])) {
		*k = PP_IDENT;
		for (j = i; ident_char(s[j]); j++)
			;
		return j;
	}
	n = punct_len(s + i);
	*k = n ? PP_PUNCT : PP_OTHER;
	return i + (n ? (size_t)n : 1);
}

/* text (NUL-terminated, kept alive by the caller) into tokens, lines from 1. */
int fe_pp_lex(struct fe_cpp *cpp, const char *s, struct pp_vec *out)
{
	size_t i = 0;
	int line = 1;
	bool bol = true, space = false;

	(void)cpp;
	for (;;) {
		struct pp_tok t = {0};

		skip_blanks(s, &i, &line, &space);
		if (!s[i])
			return 0;
		if (s[i] == '\n') {
			i++, line++, bol = true, space = false;
			continue;
		}
		t.s = s + i, t.line = line, t.bol = bol, t.space = space;
		t.len = (int)(token_end(s, i, &t.kind) - i);
		i += (size_t)t.len;
		if (fe_pp_push(out, &t))
			return -1;
		bol = space = false;
	}
}
