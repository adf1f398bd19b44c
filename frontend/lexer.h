/* The BpfScript lexer (internal to frontend/).
 *
 * Tokens are made on demand, one at a time, in one of two modes the
 * parser picks: CODE inside predicates and blocks, PROBE where a probe
 * may start (program start, after a probe's '}', after ',' in an attach
 * point list).  In PROBE mode the lexer returns whole attach points
 * ("uprobe:/bin/bash:readline", "kprobe:vfs_{read,write}") as one ATTACH
 * token, and preamble items (preprocessor lines, struct definitions) as
 * one token each; anything else is lexed as in CODE mode.
 *
 * Lexical errors go to the diagnostics list and lexing goes on: an
 * invalid character is skipped, an unterminated string ends at the end of
 * its line, a bad number reads as 0.
 */
#ifndef TV_FRONTEND_LEXER_H
#define TV_FRONTEND_LEXER_H

#include <stdarg.h>

#include "frontend/ast.h"

enum fe_tok_kind {
#define TOK(kind, name) TV_T_##kind,
#include "frontend/token.def"
#undef TOK
	TV_T__COUNT
};

enum fe_lex_mode { TV_LEX_CODE, TV_LEX_PROBE };

struct fe_tok {
	enum fe_tok_kind kind;
	struct fe_loc loc;
	const char *text; /* the source text of the token */
	size_t len;
	uint64_t ival;	  /* INT: value; PARAM: N */
	const char *sval; /* STRING: the decoded bytes (arena), NUL-terminated */
	size_t slen;
	/* Where bpftrace reports a syntax error at this token: its lexer
	 * only moves a location's start past blanks, so the span starts at
	 * the first of the tokens written together ("print(1,)" for the ')'). */
	struct fe_loc err;
};

struct fe_lexer {
	const char *src;
	size_t len, pos;
	int line;
	size_t line_off; /* offset of the current line's first byte */
	struct fe_arena *arena;
	struct tv_diag *diag; /* NULL: errors are not reported */
	/* The end of input is placed as bpftrace places it: on the last
	 * lexeme (token, or broken string or comment) unless blanks follow. */
	struct fe_loc last;
	bool gap;
	size_t run; /* where the current run of tokens without blanks started */
	bool oom;
};

void fe_lex_init(struct fe_lexer *lx, const char *src, size_t len, struct fe_arena *arena,
		 struct tv_diag *diag);
/* The next token; false when out of memory (lx->oom is then set). */
bool fe_lex_next(struct fe_lexer *lx, enum fe_lex_mode mode, struct fe_tok *t);
/* The first byte after blanks and comments, -1 at the end: a look ahead
 * for single-byte tokens that needs no token made. */
int fe_lex_peek_byte(const struct fe_lexer *lx);

/* The token's name in "unexpected X" messages: its kind's name, except
 * for identifiers, named as bpftrace names them ("builtin", "call", ...). */
const char *fe_tok_describe(const struct fe_tok *t);
const char *fe_tok_kind_name(enum fe_tok_kind kind);

/* int8 .. uint64: names that always start a cast. */
bool fe_is_int_type(const char *s, size_t len);

/* The last column of the line holding byte offset off (the column of its
 * last byte, or col - 1 for an empty line). */
int fe_line_last_col(const char *src, size_t len, size_t off);

/* Report a lexical or syntax error at loc (nothing when diag is NULL). */
void fe_lex_error(struct fe_lexer *lx, struct fe_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- shared by the lexer's own files ------------------------------------ */

void fe_diag_vadd(struct tv_diag *d, int line, int col, int col_end, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static inline bool fe_is_digit(int c)
{
	return c >= '0' && c <= '9';
}
static inline bool fe_is_ident_start(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool fe_is_ident_char(int c)
{
	return fe_is_ident_start(c) || fe_is_digit(c);
}
static inline bool fe_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The span [start, end) of the source; start is on the current line, and
 * the span is cut at that line's end. */
struct fe_loc fe_lex_loc(const struct fe_lexer *lx, size_t start, size_t end);
/* The same, from the start of the run holding start (see fe_tok.err). */
struct fe_loc fe_lex_run_loc(const struct fe_lexer *lx, size_t start, size_t end);
/* Move to offset to, counting the lines passed. */
void fe_lex_move(struct fe_lexer *lx, size_t to);
/* Offset of the end of the line holding off (its '\n', or len). */
size_t fe_lex_eol(const struct fe_lexer *lx, size_t off);

/* Literals (lex_lit.c): the character at lx->pos starts them.  An
 * unterminated string is reported and makes no token (false). */
void fe_lex_number(struct fe_lexer *lx, struct fe_tok *t);
bool fe_lex_string(struct fe_lexer *lx, struct fe_tok *t);
/* Probe mode (lex_probe.c): false when the text at lx->pos is not an
 * attach point or preamble item (it is then lexed as code). */
bool fe_lex_probe(struct fe_lexer *lx, struct fe_tok *t);

#endif
