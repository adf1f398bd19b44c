/* Expressions, with C's precedence (which is bpftrace's):
 *
 *   ?:  ||  &&  |  ^  &  == !=  < <= > >=  << >>  + -  * / %
 *   unary ! ~ - + * ++ -- and casts, postfix () [] . -> ++ --
 *
 * Binary operators are parsed by precedence climbing, so a long chain
 * costs no recursion; nesting (parentheses, unary operators, ?:) does,
 * and is bounded by tv_p_enter().
 */
#include <string.h>

#include "frontend/parser.h"

bool tv_p_starts_expr(enum tv_tok_kind kind)
{
	switch (kind) {
	case TV_T_INT:
	case TV_T_STRING:
	case TV_T_MAP:
	case TV_T_VAR:
	case TV_T_PARAM:
	case TV_T_PARAMCOUNT:
	case TV_T_IDENT:
	case TV_T_LPAREN:
	case TV_T_LNOT:
	case TV_T_BNOT:
	case TV_T_MINUS:
	case TV_T_PLUS:
	case TV_T_MUL:
	case TV_T_INCREMENT:
	case TV_T_DECREMENT: return true;
	default: return false;
	}
}

/* Binary operators: their precedence (0: not one) and node operator. */
static int binary_prec(enum tv_tok_kind k, enum tv_ast_op *op)
{
	/* clang-format off */
	static const struct {
		enum tv_tok_kind tok;
		enum tv_ast_op op;
		int prec;
	} ops[] = {
		{TV_T_LOR, TV_AST_LOR, 1},   {TV_T_LAND, TV_AST_LAND, 2}, {TV_T_BOR, TV_AST_BOR, 3},
		{TV_T_BXOR, TV_AST_BXOR, 4}, {TV_T_BAND, TV_AST_BAND, 5}, {TV_T_EQ, TV_AST_EQ, 6},
		{TV_T_NE, TV_AST_NE, 6},     {TV_T_LT, TV_AST_LT, 7},     {TV_T_LE, TV_AST_LE, 7},
		{TV_T_GT, TV_AST_GT, 7},     {TV_T_GE, TV_AST_GE, 7},     {TV_T_LEFT, TV_AST_SHL, 8},
		{TV_T_RIGHT, TV_AST_SHR, 8}, {TV_T_PLUS, TV_AST_ADD, 9},  {TV_T_MINUS, TV_AST_SUB, 9},
		{TV_T_MUL, TV_AST_MUL, 10},  {TV_T_DIV, TV_AST_DIV, 10},  {TV_T_MOD, TV_AST_MOD, 10},
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].tok == k) {
			*op = ops[i].op;
			return ops[i].prec;
		}
	}
	return 0;
}

static struct tv_node *unary(struct tv_parser *p);

/* Where an expression starts: a binop's own loc is its operator (as in
 * bpftrace, for its diagnostics), so spans start at the leftmost leaf. */
static struct tv_loc start_of(const struct tv_node *n)
{
	for (;;) {
		switch (n->kind) {
		case TV_N_binop: n = n->binop.lhs; break;
		case TV_N_ternary: n = n->ternary.cond; break;
		case TV_N_field:
		case TV_N_tuple_index: n = n->field.expr; break;
		case TV_N_index: n = n->index.expr; break;
		case TV_N_incdec:
			if (!n->incdec.post)
				return n->loc;
			n = n->incdec.expr;
			break;
		default: return n->loc;
		}
	}
}

/* ---- leaves ------------------------------------------------------------- */

static struct tv_node *int_node(struct tv_parser *p, struct tv_loc loc, bool negative)
{
	struct tv_node *n = tv_p_node(p, TV_N_int, loc);

	if (n) {
		n->num.value = p->tok.ival;
		n->num.negative = negative && p->tok.ival;
	}
	tv_p_next(p, TV_LEX_CODE);
	return n;
}

/* A leaf whose node is just the token: strings, variables, parameters,
 * identifiers.  Leaves, maps and calls start where bpftrace places their
 * token (tv_tok.err): its diagnostics mark "@[comn" for comn. */
static struct tv_node *token_leaf(struct tv_parser *p, enum tv_node_kind kind)
{
	struct tv_node *n = tv_p_node(p, kind, p->tok.err);

	if (!n)
		return NULL;
	if (kind == TV_N_str) {
		n->str.s = p->tok.sval;
		n->str.len = p->tok.slen;
	} else if (kind == TV_N_param) {
		n->param = (long)p->tok.ival;
	} else if (kind != TV_N_param_count) {
		n->name = tv_p_text(p);
	}
	tv_p_next(p, TV_LEX_CODE);
	return n;
}

bool tv_p_expr_list(struct tv_parser *p, struct tv_list *l, enum tv_tok_kind close,
		    const char *expecting)
{
	for (;;) {
		struct tv_node *e = tv_p_expr(p);

		if (!e)
			return false;
		tv_p_push(p, l, e);
		if (p->tok.kind == close)
			break;
		if (!tv_p_expect(p, TV_T_COMMA, expecting))
			return false;
	}
	tv_p_next(p, TV_LEX_CODE);
	return true;
}

/* @name, or @name[k1, k2, ...]. */
static struct tv_node *map(struct tv_parser *p)
{
	struct tv_node *n = tv_p_node(p, TV_N_map, p->tok.err);

	if (!n)
		return NULL;
	n->map.name = tv_p_text(p);
	tv_p_next(p, TV_LEX_CODE);
	if (p->tok.kind != TV_T_LBRACKET)
		return n;
	tv_p_next(p, TV_LEX_CODE);
	if (!tv_p_expr_list(p, &n->map.keys, TV_T_RBRACKET, "] or \",\""))
		return NULL;
	n->loc = tv_p_span(p, n->loc, p->prev);
	return n;
}

/* ---- types, casts, sizeof ----------------------------------------------- */

/* int8, struct X, union Y, foo; then '*'s. */
static struct tv_node *type(struct tv_parser *p)
{
	struct tv_node *n = tv_p_node(p, TV_N_type, p->tok.loc);
	const char *tag = p->tok.kind == TV_T_STRUCT ? "struct " : "union ";
	size_t taglen;
	char *name;

	if (!n)
		return NULL;
	if (p->tok.kind == TV_T_STRUCT || p->tok.kind == TV_T_UNION)
		tv_p_next(p, TV_LEX_CODE);
	else
		tag = "";
	if (p->tok.kind != TV_T_IDENT) {
		tv_p_unexpected(p, "identifier");
		return NULL;
	}
	taglen = strlen(tag);
	name = tv_arena_alloc(p->arena, taglen + p->tok.len + 1);
	if (name) {
		memcpy(name, tag, taglen);
		memcpy(name + taglen, p->tok.text, p->tok.len);
	}
	n->type.name = name ? name : "";
	tv_p_next(p, TV_LEX_CODE);
	for (; p->tok.kind == TV_T_MUL; n->type.ptr++)
		tv_p_next(p, TV_LEX_CODE);
	n->loc = tv_p_span(p, n->loc, p->prev);
	return n;
}

/* After '(': is this a cast?  "(struct ...", "(int8 ...", "(name *...)",
 * or "(name)" followed by something that can only start an operand (so
 * "(x) - 1" stays a subtraction).  Decided on a copy of the lexer. */
static bool is_cast(const struct tv_parser *p)
{
	struct tv_lexer lx = p->lx;
	struct tv_tok t;
	bool stars = false, int_type;

	lx.diag = NULL;
	tv_lex_next(&lx, TV_LEX_CODE, &t);
	if (t.kind == TV_T_STRUCT || t.kind == TV_T_UNION)
		return true;
	if (t.kind != TV_T_IDENT)
		return false;
	int_type = tv_is_int_type(t.text, t.len);
	for (tv_lex_next(&lx, TV_LEX_CODE, &t); t.kind == TV_T_MUL;
	     tv_lex_next(&lx, TV_LEX_CODE, &t))
		stars = true;
	if (t.kind != TV_T_RPAREN)
		return false;
	if (stars || int_type)
		return true;
	tv_lex_next(&lx, TV_LEX_CODE, &t);
	switch (t.kind) {
	case TV_T_IDENT:
	case TV_T_INT:
	case TV_T_STRING:
	case TV_T_MAP:
	case TV_T_VAR:
	case TV_T_PARAM:
	case TV_T_PARAMCOUNT:
	case TV_T_LPAREN:
	case TV_T_LNOT:
	case TV_T_BNOT: return true;
	default: return false;
	}
}

/* "(type) operand", at the '('. */
static struct tv_node *cast(struct tv_parser *p)
{
	/* bpftrace places a cast from the first of the tokens written
	 * together with its '(' ("((struct x *)" of "((struct x *)p)->y") */
	struct tv_node *n = tv_p_node(p, TV_N_cast, p->tok.err);

	if (!n)
		return NULL;
	tv_p_next(p, TV_LEX_CODE);
	n->cast.type = type(p);
	if (!n->cast.type || !tv_p_expect(p, TV_T_RPAREN, ") or *"))
		return NULL;
	n->loc = tv_p_span(p, n->loc, p->prev);
	n->cast.expr = unary(p);
	return n->cast.expr ? n : NULL;
}

/* sizeof(type) or sizeof(expr), at "sizeof". */
static struct tv_node *size_of(struct tv_parser *p)
{
	struct tv_node *n = tv_p_node(p, TV_N_sizeof, p->tok.loc);
	bool is_type;

	if (!n)
		return NULL;
	tv_p_next(p, TV_LEX_CODE);
	tv_p_next(p, TV_LEX_CODE); /* the '(' */
	is_type = p->tok.kind == TV_T_STRUCT || p->tok.kind == TV_T_UNION ||
		  (p->tok.kind == TV_T_IDENT && tv_is_int_type(p->tok.text, p->tok.len));
	n->expr = is_type ? type(p) : tv_p_expr(p);
	/* bpftrace parses sizeof as a call: its expected list */
	if (!n->expr || !tv_p_expect(p, TV_T_RPAREN, ") or \",\""))
		return NULL;
	n->loc = tv_p_span(p, n->loc, p->prev);
	return n;
}

/* ---- primary expressions ------------------------------------------------ */

/* name, name(args), sizeof(...). */
static struct tv_node *identifier(struct tv_parser *p)
{
	struct tv_node *n;

	if (!tv_p_peek_byte(p, '('))
		return token_leaf(p, TV_N_ident);
	if (p->tok.len == 6 && !memcmp(p->tok.text, "sizeof", 6))
		return size_of(p);
	n = tv_p_node(p, TV_N_call, p->tok.err);
	if (!n)
		return NULL;
	n->call.name = tv_p_text(p);
	n->call.name_loc = p->tok.err;
	tv_p_next(p, TV_LEX_CODE);
	tv_p_next(p, TV_LEX_CODE); /* the '(' */
	if (p->tok.kind == TV_T_RPAREN)
		tv_p_next(p, TV_LEX_CODE);
	else if (!tv_p_expr_list(p, &n->call.args, TV_T_RPAREN, ") or \",\""))
		return NULL;
	n->loc = tv_p_span(p, n->loc, p->prev);
	return n;
}

/* (expr), or a tuple (a, b, ...). */
static struct tv_node *parens(struct tv_parser *p)
{
	struct tv_loc open = p->tok.loc;
	struct tv_node *e, *t;

	tv_p_next(p, TV_LEX_CODE);
	e = tv_p_expr(p);
	if (!e)
		return NULL;
	if (p->tok.kind == TV_T_RPAREN) {
		tv_p_next(p, TV_LEX_CODE);
		return e;
	}
	if (!tv_p_expect(p, TV_T_COMMA, ") or \",\""))
		return NULL;
	t = tv_p_node(p, TV_N_tuple, open);
	if (!t)
		return NULL;
	tv_p_push(p, &t->list, e);
	if (!tv_p_expr_list(p, &t->list, TV_T_RPAREN, ") or \",\""))
		return NULL;
	t->loc = tv_p_span(p, t->loc, p->prev);
	return t;
}

static struct tv_node *primary(struct tv_parser *p)
{
	switch (p->tok.kind) {
	case TV_T_INT: return int_node(p, p->tok.loc, false);
	case TV_T_STRING: return token_leaf(p, TV_N_str);
	case TV_T_VAR: return token_leaf(p, TV_N_var);
	case TV_T_PARAM: return token_leaf(p, TV_N_param);
	case TV_T_PARAMCOUNT: return token_leaf(p, TV_N_param_count);
	case TV_T_MAP: return map(p);
	case TV_T_IDENT: return identifier(p);
	case TV_T_LPAREN: return parens(p);
	default: tv_p_unexpected(p, NULL); return NULL;
	}
}

/* ---- postfix ------------------------------------------------------------ */

static bool is_field_name(enum tv_tok_kind k)
{
	return k == TV_T_IDENT || (k >= TV_T_IF && k <= TV_T_BREAK);
}

/* .name, ->name or .N after e. */
static struct tv_node *member(struct tv_parser *p, struct tv_node *e)
{
	bool arrow = p->tok.kind == TV_T_PTR;
	struct tv_loc op = p->tok.err;
	struct tv_node *n;

	tv_p_next(p, TV_LEX_CODE);
	if (!is_field_name(p->tok.kind) && (arrow || p->tok.kind != TV_T_INT)) {
		tv_p_unexpected(p, NULL);
		return NULL;
	}
	n = tv_p_node(p, p->tok.kind == TV_T_INT ? TV_N_tuple_index : TV_N_field,
		      tv_p_span(p, start_of(e), p->tok.loc));
	if (!n)
		return NULL;
	n->field.expr = e;
	n->field.arrow = arrow;
	n->field.op = op;
	if (n->kind == TV_N_field)
		n->field.name = tv_p_text(p);
	else if (p->tok.ival > 0x7fffffff)
		tv_p_error(p, p->tok.loc, "tuple index %llu out of range",
			   (unsigned long long)p->tok.ival);
	else
		n->field.index = (int)p->tok.ival;
	tv_p_next(p, TV_LEX_CODE);
	return n;
}

static struct tv_node *subscript(struct tv_parser *p, struct tv_node *e)
{
	struct tv_node *n = tv_p_node(p, TV_N_index, start_of(e));

	if (!n)
		return NULL;
	tv_p_next(p, TV_LEX_CODE);
	n->index.expr = e;
	n->index.index = tv_p_expr(p);
	if (!n->index.index || !tv_p_expect(p, TV_T_RBRACKET, "]"))
		return NULL;
	n->loc = tv_p_span(p, n->loc, p->prev);
	return n;
}

/* ++ or -- on e (pre or post); only maps and variables take them. */
static struct tv_node *incdec(struct tv_parser *p, struct tv_node *e, struct tv_loc op, bool inc,
			      bool post)
{
	struct tv_node *n;

	if (e->kind != TV_N_map && e->kind != TV_N_var) {
		/* bpftrace points at the operand of "x++", the operator of "++x" */
		tv_p_error(p, post ? e->loc : op,
			   "The %s operator must be applied to a map or variable",
			   inc ? "++" : "--");
		return NULL;
	}
	n = tv_p_node(p, TV_N_incdec, op);
	if (n) {
		n->incdec.inc = inc;
		n->incdec.post = post;
		n->incdec.expr = e;
	}
	return n;
}

/* Is the current token a postfix operator that applies to e? */
static bool postfix_op(const struct tv_parser *p, const struct tv_node *e)
{
	switch (p->tok.kind) {
	case TV_T_DOT:
	case TV_T_PTR:
	case TV_T_LBRACKET: return true;
	case TV_T_INCREMENT:
	case TV_T_DECREMENT:
		return e->kind == TV_N_map || e->kind == TV_N_var || e->kind == TV_N_ident;
	default: return false;
	}
}

static struct tv_node *postfix(struct tv_parser *p)
{
	struct tv_node *e = primary(p);
	int levels = 0;

	/* each postfix operator deepens the tree: counted as in binary() */
	while (e && postfix_op(p, e)) {
		enum tv_tok_kind k = p->tok.kind;

		if (!tv_p_enter(p)) {
			e = NULL;
			break;
		}
		levels++;
		if (k == TV_T_DOT || k == TV_T_PTR) {
			e = member(p, e);
		} else if (k == TV_T_LBRACKET) {
			e = subscript(p, e);
		} else {
			struct tv_loc op = p->tok.loc;

			tv_p_next(p, TV_LEX_CODE);
			e = incdec(p, e, op, k == TV_T_INCREMENT, true);
		}
	}
	p->depth -= levels;
	return e;
}

/* ---- unary -------------------------------------------------------------- */

static struct tv_node *prefix(struct tv_parser *p)
{
	enum tv_tok_kind k = p->tok.kind;
	struct tv_loc op = p->tok.loc;
	struct tv_node *e, *n;

	tv_p_next(p, TV_LEX_CODE);
	if (k == TV_T_MINUS && p->tok.kind == TV_T_INT) /* a negative literal, as bpftrace */
		return int_node(p, tv_p_span(p, op, p->tok.loc), true);
	if (k == TV_T_INCREMENT || k == TV_T_DECREMENT) {
		if (p->tok.kind != TV_T_MAP && p->tok.kind != TV_T_VAR &&
		    p->tok.kind != TV_T_IDENT) {
			tv_p_unexpected(p, NULL);
			return NULL;
		}
		e = primary(p);
		return e ? incdec(p, e, op, k == TV_T_INCREMENT, false) : NULL;
	}
	e = unary(p);
	n = e ? tv_p_node(p, TV_N_unop, op) : NULL;
	if (!n)
		return NULL;
	n->unop.op = k == TV_T_LNOT    ? TV_AST_LNOT
		     : k == TV_T_BNOT  ? TV_AST_BNOT
		     : k == TV_T_MINUS ? TV_AST_NEG
		     : k == TV_T_PLUS  ? TV_AST_PLUS
				       : TV_AST_DEREF;
	n->unop.expr = e;
	return n;
}

static struct tv_node *unary(struct tv_parser *p)
{
	struct tv_node *n;

	switch (p->tok.kind) {
	case TV_T_LNOT:
	case TV_T_BNOT:
	case TV_T_MINUS:
	case TV_T_PLUS:
	case TV_T_MUL:
	case TV_T_INCREMENT:
	case TV_T_DECREMENT:
		if (!tv_p_enter(p))
			return NULL;
		n = prefix(p);
		tv_p_leave(p);
		return n;
	case TV_T_LPAREN:
		if (!is_cast(p))
			return postfix(p);
		if (!tv_p_enter(p))
			return NULL;
		n = cast(p);
		tv_p_leave(p);
		return n;
	default: return postfix(p);
	}
}

/* ---- binary and ternary ------------------------------------------------- */

/* A chain "a + b + c" is a loop here, but a tree as deep as it is long:
 * each link counts as a level of nesting, so that every walk of the tree
 * (dumps, later stages) recurses a bounded depth. */
static struct tv_node *binary(struct tv_parser *p, int min_prec)
{
	struct tv_node *lhs = unary(p), *rhs, *n;
	enum tv_ast_op op;
	int prec, levels = 0;

	while (lhs && (prec = binary_prec(p->tok.kind, &op)) >= min_prec) {
		struct tv_loc at = p->tok.loc;

		if (!tv_p_enter(p)) {
			lhs = NULL;
			break;
		}
		levels++;
		tv_p_next(p, TV_LEX_CODE);
		rhs = binary(p, prec + 1);
		n = rhs ? tv_p_node(p, TV_N_binop, at) : NULL;
		if (n) {
			n->binop.op = op;
			n->binop.lhs = lhs;
			n->binop.rhs = rhs;
		}
		lhs = n;
	}
	p->depth -= levels;
	return lhs;
}

struct tv_node *tv_p_expr(struct tv_parser *p)
{
	struct tv_node *c, *n = NULL;

	if (!tv_p_enter(p))
		return NULL;
	c = binary(p, 1);
	if (!c || p->tok.kind != TV_T_QUES) {
		tv_p_leave(p);
		return c;
	}
	tv_p_next(p, TV_LEX_CODE);
	n = tv_p_node(p, TV_N_ternary, start_of(c));
	if (n) {
		n->ternary.cond = c;
		n->ternary.then = tv_p_expr(p);
		if (n->ternary.then && tv_p_expect(p, TV_T_COLON, ":"))
			n->ternary.els = tv_p_expr(p); /* right-associative */
		n = n->ternary.els ? n : NULL;
	}
	tv_p_leave(p);
	if (n)
		n->loc = tv_p_span(p, n->loc, p->prev);
	return n;
}
