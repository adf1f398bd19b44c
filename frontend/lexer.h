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

enum tv_tok_kind {
#define TOK(kind, name) TV_T_##kind,
#include "frontend/token.def"
#undef TOK
	TV_T__COUNT
};

enum tv_lex_mode { TV_LEX_CODE, TV_LEX_PROBE };

struct tv_tok {
	enum tv_tok_kind kind;
	struct tv_loc loc;
	const char *text; /* the source text of the token */
	size_t len;
	uint64_t ival;	  /* INT: value; PARAM: N */
	const char *sval; /* STRING: the decoded bytes (arena), NUL-terminated */
	size_t slen;
	/* Where bpftrace reports a syntax error at this token: its lexer
	 * only moves a location's start past blanks, so the span starts at
	 * the first of the tokens written together ("print(1,)" for the ')'). */
	struct tv_loc err;
};

struct tv_lexer {
	const char *src;
	size_t len, pos;
	int line;
	size_t line_off; /* offset of the current line's first byte */
	struct tv_arena *arena;
	struct tv_diag *diag; /* NULL: errors are not reported */
	/* The end of input is placed as bpftrace places it: on the last
	 * lexeme (token, or broken string or comment) unless blanks follow. */
	struct tv_loc last;
	bool gap;
	size_t run; /* where the current run of tokens without blanks started */
	bool oom;
};

void tv_lex_init(struct tv_lexer *lx, const char *src, size_t len, struct tv_arena *arena,
		 struct tv_diag *diag);
/* The next token; false when out of memory (lx->oom is then set). */
bool tv_lex_next(struct tv_lexer *lx, enum tv_lex_mode mode, struct tv_tok *t);
/* The first byte after blanks and comments, -1 at the end: a look ahead
 * for single-byte tokens that needs no token made. */
int tv_lex_peek_byte(const struct tv_lexer *lx);

/* The token's name in "unexpected X" messages: its kind's name, except
 * for identifiers, named as bpftrace names them ("builtin", "call", ...). */
const char *tv_tok_describe(const struct tv_tok *t);
const char *tv_tok_kind_name(enum tv_tok_kind kind);

/* int8 .. uint64: names that always start a cast. */
bool tv_is_int_type(const char *s, size_t len);

/* The last column of the line holding byte offset off (the column of its
 * last byte, or col - 1 for an empty line). */
int tv_line_last_col(const char *src, size_t len, size_t off);

/* Report a lexical or syntax error at loc (nothing when diag is NULL). */
void tv_lex_error(struct tv_lexer *lx, struct tv_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- shared by the lexer's own files ------------------------------------ */

void tv_diag_vadd(struct tv_diag *d, int line, int col, int col_end, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static inline bool tv_is_digit(int c)
{
	return c >= '0' && c <= '9';
}
static inline bool tv_is_ident_start(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool tv_is_ident_char(int c)
{
	return tv_is_ident_start(c) || tv_is_digit(c);
}
static inline bool tv_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The span [start, end) of the source; start is on the current line, and
 * the span is cut at that line's end. */
struct tv_loc tv_lx_loc(const struct tv_lexer *lx, size_t start, size_t end);
/* The same, from the start of the run holding start (see tv_tok.err). */
struct tv_loc tv_lx_run_loc(const struct tv_lexer *lx, size_t start, size_t end);
/* Move to offset to, counting the lines passed. */
void tv_lx_move(struct tv_lexer *lx, size_t to);
/* Offset of the end of the line holding off (its '\n', or len). */
size_t tv_lx_eol(const struct tv_lexer *lx, size_t off);

/* Literals (lex_lit.c): the character at lx->pos starts them.  An
 * unterminated string is reported and makes no token (false). */
void tv_lx_number(struct tv_lexer *lx, struct tv_tok *t);
bool tv_lx_string(struct tv_lexer *lx, struct tv_tok *t);
/* Probe mode (lex_probe.c): false when the text at lx->pos is not an
 * attach point or preamble item (it is then lexed as code). */
bool tv_lx_probe(struct tv_lexer *lx, struct tv_tok *t);

#endif
