/* The BpfScript parser's shared state (internal to frontend/): a
 * recursive-descent parser over the lexer, one token of lookahead (more
 * only by re-lexing or tv_p_peek_byte), errors as diagnostics. */
#ifndef TV_FRONTEND_PARSER_H
#define TV_FRONTEND_PARSER_H

#include "frontend/lexer.h"

#define TV_PARSE_MAX_ERRORS 10
#define TV_PARSE_MAX_DEPTH 256

struct tv_parser {
	struct tv_lexer lx;
	struct tv_arena *arena;
	struct tv_diag *diag;
	struct tv_tok tok;  /* the current token */
	struct tv_loc prev; /* the token before it */
	int depth;
	int last_err_off; /* offset of the last syntax error: no second one there */
	bool stop;	  /* out of memory, too deep, or too many errors */
	bool top_skip;	  /* skipping junk between probes: one error for it */
};

/* Move to the next token, lexed in mode. */
void tv_p_next(struct tv_parser *p, enum tv_lex_mode mode);
/* Does the token after the current one start with byte c (a one-byte token)? */
bool tv_p_peek_byte(const struct tv_parser *p, char c);
bool tv_p_stopped(const struct tv_parser *p);

void tv_p_error(struct tv_parser *p, struct tv_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "syntax error, unexpected TOKEN[, expecting EXPECTING]" at the current
 * token; expecting is bison's list ("}", ") or \",\"") or NULL. */
void tv_p_unexpected(struct tv_parser *p, const char *expecting);
/* Consume a token of kind, or report it unexpected; false then. */
bool tv_p_expect(struct tv_parser *p, enum tv_tok_kind kind, const char *expecting);

/* Nesting guard: false (reported once) past TV_PARSE_MAX_DEPTH. */
bool tv_p_enter(struct tv_parser *p);
void tv_p_leave(struct tv_parser *p);

struct tv_node *tv_p_node(struct tv_parser *p, enum tv_node_kind kind, struct tv_loc loc);
/* A copy of the current token's text. */
const char *tv_p_text(struct tv_parser *p);
void tv_p_push(struct tv_parser *p, struct tv_list *l, struct tv_node *n);
/* From a's start to b's end (to the end of a's line when b is on another). */
struct tv_loc tv_p_span(const struct tv_parser *p, struct tv_loc a, struct tv_loc b);

/* Expressions (parse_expr.c). */
struct tv_node *tv_p_expr(struct tv_parser *p);
bool tv_p_starts_expr(enum tv_tok_kind kind);
/* Comma-separated expressions up to close (consumed), into l. */
bool tv_p_expr_list(struct tv_parser *p, struct tv_list *l, enum tv_tok_kind close,
		    const char *expecting);

/* Statements (parse_stmt.c): '{' statements '}', the token after the '}'
 * lexed in mode after.  NULL when the block is not closed. */
struct tv_node *tv_p_block(struct tv_parser *p, enum tv_lex_mode after);

#endif
