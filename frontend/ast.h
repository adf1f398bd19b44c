/* The BpfScript syntax tree, for the frontend's own stages (the parser
 * builds it, later stages read it).  Outside frontend/ use frontend.h.
 *
 * Every node lives in the tree's arena: tv_ast_free() releases all of it
 * at once, so nothing here is freed on its own.  Strings are
 * NUL-terminated copies (str nodes also carry a length: they may hold
 * NUL bytes).
 */
#ifndef TV_FRONTEND_AST_H
#define TV_FRONTEND_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend/frontend.h"

enum fe_node_kind {
#define NODE(kind, doc) TV_N_##kind,
#include "frontend/ast.def"
#undef NODE
	TV_N__COUNT
};

/* Operators of unop, binop and assign nodes.  ORDER: binary first. */
/* clang-format off */
#define TV_AST_OPS(X)                                                          \
	X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/") X(MOD, "%")             \
	X(SHL, "<<") X(SHR, ">>") X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=") \
	X(EQ, "==") X(NE, "!=") X(BAND, "&") X(BXOR, "^") X(BOR, "|")           \
	X(LAND, "&&") X(LOR, "||")                                              \
	X(NEG, "-") X(LNOT, "!") X(BNOT, "~") X(DEREF, "*") X(PLUS, "+")        \
	X(ASSIGN, "=")
enum fe_ast_op {
#define X(name, text) TV_AST_##name,
	TV_AST_OPS(X)
#undef X
	TV_AST__COUNT
};
/* clang-format on */

/* A source span on one line: 1-based byte columns, col_end inclusive
 * (col - 1 when empty).  A construct that runs over several lines keeps
 * its first line, up to that line's end.  off is col's byte offset. */
struct fe_loc {
	int line, col, col_end;
	int off;
};

struct fe_node;
struct fe_list {
	struct fe_node **v;
	int n, cap;
};

struct fe_node {
	enum fe_node_kind kind;
	struct fe_loc loc;
	union {
		struct {
			const char *shebang;	 /* "#!/usr/bin/env bpftrace" or NULL */
			struct fe_list preamble; /* preproc and struct_def */
			struct fe_list probes;
		} program;
		const char *text; /* preproc, struct_def, attach */
		struct {
			struct fe_list attach;
			struct fe_node *pred; /* NULL when none */
			struct fe_node *body; /* block */
		} probe;
		struct fe_list block; /* statements */
		struct fe_node *expr; /* expr_stmt, sizeof (a type or an expression) */
		struct {
			enum fe_ast_op op; /* TV_AST_ASSIGN, or the op of "op=" */
			struct fe_node *target, *value;
		} assign;
		struct {
			struct fe_node *cond; /* unroll: the count */
			struct fe_node *body;
			struct fe_node *els; /* if only: block, if, or NULL */
		} ctl;			     /* if, unroll, while */
		struct {
			struct fe_node *var, *map, *body;
		} forin;
		struct {
			uint64_t value; /* magnitude */
			bool negative;	/* written as -N */
		} num;
		struct {
			const char *s;
			size_t len;
		} str;
		const char *name; /* ident, var ("$x") */
		struct {
			const char *name;    /* "@x", or "@" */
			struct fe_list keys; /* empty: no [] */
		} map;
		long param; /* $N */
		struct {
			const char *name;
			struct fe_list args;
			struct fe_loc name_loc; /* the name alone, for "Unknown function" */
		} call;
		struct {
			const char *name; /* "uint32", "struct task_struct", "foo" */
			int ptr;	  /* number of '*' */
		} type;
		struct {
			struct fe_node *type, *expr;
		} cast;
		struct {
			enum fe_ast_op op;
			struct fe_node *expr;
		} unop;
		struct {
			bool inc, post;
			struct fe_node *expr;
		} incdec;
		struct {
			enum fe_ast_op op;
			struct fe_node *lhs, *rhs;
			/* the operator as bpftrace's errors place it (see
			 * field.op); loc is the operator alone */
			struct fe_loc op_at;
		} binop;
		struct {
			struct fe_node *cond, *then, *els;
		} ternary;
		struct {
			struct fe_node *expr;
			const char *name; /* field; NULL for tuple_index */
			bool arrow;	  /* "->" */
			int index;	  /* tuple_index */
			/* the operator, as bpftrace places it: from the first of
			 * the tokens written together up to the . or -> */
			struct fe_loc op;
		} field;
		struct {
			struct fe_node *expr, *index;
		} index;
		struct fe_list list; /* tuple */
	};
};

struct fe_arena;

struct tv_ast {
	struct fe_arena *arena;
	const char *filename;
	struct fe_node *root; /* a program node */
};

const char *fe_node_kind_name(enum fe_node_kind kind);
const char *fe_ast_op_text(enum fe_ast_op op);

/* One node and its subtree, in tv_ast_dump()'s form, without newline. */
void fe_node_dump(const struct fe_node *n, FILE *f);

/* The first node of n's subtree, in source order, for which match() is
 * true; NULL when none is (frontend/ast_walk.c). */
typedef bool fe_node_match_fn(const struct fe_node *n, void *arg);
const struct fe_node *fe_node_find(const struct fe_node *n, fe_node_match_fn *match, void *arg);
/* fn on the slot of each child of n, in source order, until it returns
 * nonzero (returned); a rewriter may replace *slot. */
typedef int fe_child_fn(struct fe_node **slot, void *arg);
int fe_node_children(struct fe_node *n, fe_child_fn *fn, void *arg);

/* ---- the arena (frontend/arena.c) --------------------------------------- */

struct fe_arena *fe_arena_new(void);
void fe_arena_free(struct fe_arena *a);
/* Zeroed, aligned memory, or NULL when out of memory. */
void *fe_arena_alloc(struct fe_arena *a, size_t size);
/* Room for element n of the malloc'd array *(T **)array of *cap elements
 * of size bytes, doubling (from first): 0, or -1 out of memory with the
 * array as it was. */
int fe_grow(void *array, int *cap, int n, size_t size, int first);
/* A NUL-terminated copy of len bytes (which may hold NULs). */
char *fe_arena_strndup(struct fe_arena *a, const char *s, size_t len);
/* Append to a list, growing it in the arena; -1 when out of memory. */
int fe_list_push(struct fe_arena *a, struct fe_list *l, struct fe_node *n);

#endif
