/* Probe mode: attach points and the preamble's struct definitions.
 *
 * An attach point is one run of text without blanks: bpftrace reads
 * "kprobe:f/pid/" as one attach point too, so a predicate needs a blank
 * before its '/'.  Within the run, "quoted parts" may hold anything but a
 * newline (uprobe:./bin:"ns::fn(int)"), and {a,b} lists are kept whole
 * (kprobe:vfs_{read,write}).  The text is kept as written: splitting it
 * into provider, target and function is the attach stage's job.
 */
#include <string.h>

#include "frontend/lexer.h"

static bool attach_char(int c)
{
	return fe_is_ident_char(c) || (c && strchr(":./*?+-[]$", c));
}

/* The end of a {a,b} list at s[i] == '{', or 0 when there is none: then
 * the '{' opens the probe's block. */
static size_t list_end(const struct fe_lexer *lx, size_t i)
{
	size_t j = i + 1;
	bool comma = false;

	for (; j < lx->len; j++) {
		int c = (unsigned char)lx->src[j];

		if (c == ',')
			comma = true;
		else if (!fe_is_ident_char(c) && !(c && strchr(".*?+-", c)))
			break;
	}
	return j < lx->len && lx->src[j] == '}' && comma ? j + 1 : 0;
}

/* The end of a "quoted part" at s[i] == '"' (at the newline when it is
 * unterminated: reported). */
static size_t quoted_end(struct fe_lexer *lx, size_t i)
{
	size_t start = i;

	for (i++; i < lx->len && lx->src[i] != '"' && lx->src[i] != '\n'; i++)
		if (lx->src[i] == '\\' && i + 1 < lx->len && lx->src[i + 1] != '\n')
			i++;
	if (i < lx->len && lx->src[i] == '"')
		return i + 1;
	fe_lex_error(lx, fe_lex_loc(lx, start, i), "unterminated string");
	return i;
}

static bool lex_attach(struct fe_lexer *lx, struct fe_tok *t)
{
	size_t start = lx->pos, i = start, e;
	const char *s = lx->src;

	/* It starts like a probe type, a wildcard or a positional parameter
	 * ("$1 {" with BEGIN given): a '/' here is a predicate without
	 * attach points. */
	if (!fe_is_ident_char((unsigned char)s[i]) && s[i] != '*' &&
	    !(s[i] == '$' && i + 1 < lx->len && fe_is_digit((unsigned char)s[i + 1])))
		return false;
	while (i < lx->len) {
		int c = (unsigned char)s[i];

		if (c == '"')
			i = quoted_end(lx, i);
		else if (c == '\\' && i + 1 < lx->len && !fe_is_space((unsigned char)s[i + 1]))
			i += 2;
		else if (c == '{' && i > start && (e = list_end(lx, i)))
			i = e;
		else if (c == '/' && i + 1 < lx->len && (s[i + 1] == '/' || s[i + 1] == '*'))
			break; /* a comment */
		else if (attach_char(c))
			i++;
		else
			break;
	}
	if (i == start)
		return false;
	t->kind = TV_T_ATTACH;
	t->loc = fe_lex_loc(lx, start, i);
	fe_lex_move(lx, i);
	return true;
}

/* ---- struct definitions ------------------------------------------------- */

static size_t word_end(const struct fe_lexer *lx, size_t i)
{
	while (i < lx->len && fe_is_ident_char((unsigned char)lx->src[i]))
		i++;
	return i;
}

/* "struct X {", "union {", "enum E {": the offset of the '{', or 0. */
static size_t definition_brace(const struct fe_lexer *lx)
{
	static const char *const words[] = {"struct", "union", "enum"};
	size_t end = word_end(lx, lx->pos), i, n = end - lx->pos;
	bool keyword = false;

	for (i = 0; i < 3; i++)
		keyword |= strlen(words[i]) == n && !memcmp(lx->src + lx->pos, words[i], n);
	if (!keyword)
		return 0;
	for (i = end; i < lx->len; i++) {
		int c = (unsigned char)lx->src[i];

		if (c == '{')
			return i;
		if (!fe_is_space(c) && !fe_is_ident_char(c))
			return 0;
	}
	return 0;
}

/* The end of the braces opened at s[i] == '{', comments skipped; 0 when
 * they are not closed. */
static size_t braces_end(const struct fe_lexer *lx, size_t i)
{
	const char *s = lx->src, *close;
	int depth = 0;

	for (; i < lx->len; i++) {
		if (s[i] == '/' && i + 1 < lx->len && s[i + 1] == '/') {
			i = fe_lex_eol(lx, i);
		} else if (s[i] == '/' && i + 1 < lx->len && s[i + 1] == '*') {
			close = memmem(s + i + 2, lx->len - i - 2, "*/", 2);
			if (!close)
				return 0;
			i = (size_t)(close - s) + 1;
		} else if (s[i] == '{') {
			depth++;
		} else if (s[i] == '}' && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

static bool lex_definition(struct fe_lexer *lx, struct fe_tok *t)
{
	size_t start = lx->pos, brace = definition_brace(lx), end, i;

	if (!brace)
		return false;
	t->kind = TV_T_STRUCT_DEFN;
	end = braces_end(lx, brace);
	if (!end) {
		t->loc = fe_lex_loc(lx, start, word_end(lx, start));
		fe_lex_error(lx, t->loc, "unterminated struct definition");
		fe_lex_move(lx, lx->len);
		return true;
	}
	/* A ';' after the '}' belongs to the definition, as in C. */
	for (i = end; i < lx->len && (lx->src[i] == ' ' || lx->src[i] == '\t'); i++)
		;
	if (i < lx->len && lx->src[i] == ';')
		end = i + 1;
	t->loc = fe_lex_loc(lx, start, end);
	fe_lex_move(lx, end);
	return true;
}

bool fe_lex_probe(struct fe_lexer *lx, struct fe_tok *t)
{
	return lex_definition(lx, t) || lex_attach(lx, t);
}
