/* The BpfScript parser's shared state (internal to frontend/): a
 * recursive-descent parser over the lexer, one token of lookahead (more
 * only by re-lexing or fe_parse_peek_byte), errors as diagnostics. */
#ifndef TV_FRONTEND_PARSER_H
#define TV_FRONTEND_PARSER_H

#include "frontend/lexer.h"

#define TV_PARSE_MAX_ERRORS 10
#define TV_PARSE_MAX_DEPTH 256

struct fe_parser {
	struct fe_lexer lx;
	struct fe_arena *arena;
	struct tv_diag *diag;
	struct fe_tok tok;  /* the current token */
	struct fe_loc prev; /* the token before it */
	int depth;
	int last_err_off; /* offset of the last syntax error: no second one there */
	bool stop;	  /* out of memory, too deep, or too many errors */
	bool top_skip;	  /* skipping junk between probes: one error for it */
};

/* Move to the next token, lexed in mode. */
void fe_parse_next(struct fe_parser *p, enum fe_lex_mode mode);
/* Does the token after the current one start with byte c (a one-byte token)? */
bool fe_parse_peek_byte(const struct fe_parser *p, char c);
bool fe_parse_stopped(const struct fe_parser *p);

void fe_parse_error(struct fe_parser *p, struct fe_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "syntax error, unexpected TOKEN[, expecting EXPECTING]" at the current
 * token; expecting is bison's list ("}", ") or \",\"") or NULL. */
void fe_parse_unexpected(struct fe_parser *p, const char *expecting);
/* Consume a token of kind, or report it unexpected; false then. */
bool fe_parse_expect(struct fe_parser *p, enum fe_tok_kind kind, const char *expecting);

/* Nesting guard: false (reported once) past TV_PARSE_MAX_DEPTH. */
bool fe_parse_enter(struct fe_parser *p);
void fe_parse_leave(struct fe_parser *p);

struct fe_node *fe_parse_node(struct fe_parser *p, enum fe_node_kind kind, struct fe_loc loc);
/* A copy of the current token's text. */
const char *fe_parse_text(struct fe_parser *p);
void fe_parse_push(struct fe_parser *p, struct fe_list *l, struct fe_node *n);
/* From a's start to b's end (to the end of a's line when b is on another). */
struct fe_loc fe_parse_span(const struct fe_parser *p, struct fe_loc a, struct fe_loc b);

/* Expressions (parse_expr.c). */
struct fe_node *fe_parse_expr(struct fe_parser *p);
bool fe_parse_starts_expr(enum fe_tok_kind kind);
/* Comma-separated expressions up to close (consumed), into l. */
bool fe_parse_expr_list(struct fe_parser *p, struct fe_list *l, enum fe_tok_kind close,
			const char *expecting);

/* Statements (parse_stmt.c): '{' statements '}', the token after the '}'
 * lexed in mode after.  NULL when the block is not closed. */
struct fe_node *fe_parse_block(struct fe_parser *p, enum fe_lex_mode after);

#endif
