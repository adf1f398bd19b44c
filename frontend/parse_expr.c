/* Expressions, with C's precedence (which is bpftrace's):
 *
 *   ?:  ||  &&  |  ^  &  == !=  < <= > >=  << >>  + -  * / %
 *   unary ! ~ - + * ++ -- and casts, postfix () [] . -> ++ --
 *
 * Binary operators are parsed by precedence climbing, so a long chain
 * costs no recursion; nesting (parentheses, unary operators, ?:) does,
 * and is bounded by fe_parse_enter().
 */
#include <string.h>

#include "frontend/parser.h"

bool fe_parse_starts_expr(enum fe_tok_kind kind)
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
static int binary_prec(enum fe_tok_kind k, enum fe_ast_op *op)
{
	/* clang-format off */
	static const struct {
		enum fe_tok_kind tok;
		enum fe_ast_op op;
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

static struct fe_node *unary(struct fe_parser *p);

/* Where an expression starts: a binop's own loc is its operator (as in
 * bpftrace, for its diagnostics), so spans start at the leftmost leaf. */
static struct fe_loc start_of(const struct fe_node *n)
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

static struct fe_node *int_node(struct fe_parser *p, struct fe_loc loc, bool negative)
{
	struct fe_node *n = fe_parse_node(p, TV_N_int, loc);

	if (n) {
		n->num.value = p->tok.ival;
		n->num.negative = negative && p->tok.ival;
	}
	fe_parse_next(p, TV_LEX_CODE);
	return n;
}

/* A leaf whose node is just the token: strings, variables, parameters,
 * identifiers.  Leaves, maps and calls start where bpftrace places their
 * token (fe_tok.err): its diagnostics mark "@[comn" for comn. */
static struct fe_node *token_leaf(struct fe_parser *p, enum fe_node_kind kind)
{
	struct fe_node *n = fe_parse_node(p, kind, p->tok.err);

	if (!n)
		return NULL;
	if (kind == TV_N_str) {
		n->str.s = p->tok.sval;
		n->str.len = p->tok.slen;
	} else if (kind == TV_N_param) {
		n->param = (long)p->tok.ival;
	} else if (kind != TV_N_param_count) {
		n->name = fe_parse_text(p);
	}
	fe_parse_next(p, TV_LEX_CODE);
	return n;
}

bool fe_parse_expr_list(struct fe_parser *p, struct fe_list *l, enum fe_tok_kind close,
			const char *expecting)
{
	for (;;) {
		struct fe_node *e = fe_parse_expr(p);

		if (!e)
			return false;
		fe_parse_push(p, l, e);
		if (p->tok.kind == close)
			break;
		if (!fe_parse_expect(p, TV_T_COMMA, expecting))
			return false;
	}
	fe_parse_next(p, TV_LEX_CODE);
	return true;
}

/* @name, or @name[k1, k2, ...]. */
static struct fe_node *map(struct fe_parser *p)
{
	struct fe_node *n = fe_parse_node(p, TV_N_map, p->tok.err);

	if (!n)
		return NULL;
	n->map.name = fe_parse_text(p);
	fe_parse_next(p, TV_LEX_CODE);
	if (p->tok.kind != TV_T_LBRACKET)
		return n;
	fe_parse_next(p, TV_LEX_CODE);
	if (!fe_parse_expr_list(p, &n->map.keys, TV_T_RBRACKET, "] or \",\""))
		return NULL;
	n->loc = fe_parse_span(p, n->loc, p->prev);
	return n;
}

/* ---- types, casts, sizeof ----------------------------------------------- */

/* int8, struct X, union Y, foo; then '*'s. */
static struct fe_node *type(struct fe_parser *p)
{
	struct fe_node *n = fe_parse_node(p, TV_N_type, p->tok.loc);
	const char *tag = p->tok.kind == TV_T_STRUCT ? "struct " : "union ";
	size_t taglen;
	char *name;

	if (!n)
		return NULL;
	if (p->tok.kind == TV_T_STRUCT || p->tok.kind == TV_T_UNION)
		fe_parse_next(p, TV_LEX_CODE);
	else
		tag = "";
	if (p->tok.kind != TV_T_IDENT) {
		fe_parse_unexpected(p, "identifier");
		return NULL;
	}
	taglen = strlen(tag);
	name = fe_arena_alloc(p->arena, taglen + p->tok.len + 1);
	if (name) {
		memcpy(name, tag, taglen);
		memcpy(name + taglen, p->tok.text, p->tok.len);
	}
	n->type.name = name ? name : "";
	fe_parse_next(p, TV_LEX_CODE);
	for (; p->tok.kind == TV_T_MUL; n->type.ptr++)
		fe_parse_next(p, TV_LEX_CODE);
	n->loc = fe_parse_span(p, n->loc, p->prev);
	return n;
}

/* After '(': is this a cast?  "(struct ...", "(int8 ...", "(name *...)",
 * or "(name)" followed by something that can only start an operand (so
 * "(x) - 1" stays a subtraction).  Decided on a copy of the lexer. */
static bool is_cast(const struct fe_parser *p)
{
	struct fe_lexer lx = p->lx;
	struct fe_tok t;
	bool stars = false, int_type;

	lx.diag = NULL;
	fe_lex_next(&lx, TV_LEX_CODE, &t);
	if (t.kind == TV_T_STRUCT || t.kind == TV_T_UNION)
		return true;
	if (t.kind != TV_T_IDENT)
		return false;
	int_type = fe_is_int_type(t.text, t.len);
	for (fe_lex_next(&lx, TV_LEX_CODE, &t); t.kind == TV_T_MUL;
	     fe_lex_next(&lx, TV_LEX_CODE, &t))
		stars = true;
	if (t.kind != TV_T_RPAREN)
		return false;
	if (stars || int_type)
		return true;
	fe_lex_next(&lx, TV_LEX_CODE, &t);
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
static struct fe_node *cast(struct fe_parser *p)
{
	/* bpftrace places a cast from the first of the tokens written
	 * together with its '(' ("((struct x *)" of "((struct x *)p)->y") */
	struct fe_node *n = fe_parse_node(p, TV_N_cast, p->tok.err);

	if (!n)
		return NULL;
	fe_parse_next(p, TV_LEX_CODE);
	n->cast.type = type(p);
	if (!n->cast.type || !fe_parse_expect(p, TV_T_RPAREN, ") or *"))
		return NULL;
	n->loc = fe_parse_span(p, n->loc, p->prev);
	n->cast.expr = unary(p);
	return n->cast.expr ? n : NULL;
}

/* sizeof(type) or sizeof(expr), at "sizeof". */
static struct fe_node *size_of(struct fe_parser *p)
{
	struct fe_node *n = fe_parse_node(p, TV_N_sizeof, p->tok.loc);
	bool is_type;

	if (!n)
		return NULL;
	fe_parse_next(p, TV_LEX_CODE);
	fe_parse_next(p, TV_LEX_CODE); /* the '(' */
	is_type = p->tok.kind == TV_T_STRUCT || p->tok.kind == TV_T_UNION ||
		  (p->tok.kind == TV_T_IDENT && fe_is_int_type(p->tok.text, p->tok.len));
	n->expr = is_type ? type(p) : fe_parse_expr(p);
	/* bpftrace parses sizeof as a call: its expected list */
	if (!n->expr || !fe_parse_expect(p, TV_T_RPAREN, ") or \",\""))
		return NULL;
	n->loc = fe_parse_span(p, n->loc, p->prev);
	return n;
}

/* ---- primary expressions ------------------------------------------------ */

/* name, name(args), sizeof(...). */
static struct fe_node *identifier(struct fe_parser *p)
{
	struct fe_node *n;

	if (!fe_parse_peek_byte(p, '('))
		return token_leaf(p, TV_N_ident);
	if (p->tok.len == 6 && !memcmp(p->tok.text, "sizeof", 6))
		return size_of(p);
	n = fe_parse_node(p, TV_N_call, p->tok.err);
	if (!n)
		return NULL;
	n->call.name = fe_parse_text(p);
	n->call.name_loc = p->tok.err;
	fe_parse_next(p, TV_LEX_CODE);
	fe_parse_next(p, TV_LEX_CODE); /* the '(' */
	if (p->tok.kind == TV_T_RPAREN)
		fe_parse_next(p, TV_LEX_CODE);
	else if (!fe_parse_expr_list(p, &n->call.args, TV_T_RPAREN, ") or \",\""))
		return NULL;
	n->loc = fe_parse_span(p, n->loc, p->prev);
	return n;
}

/* (expr), or a tuple (a, b, ...). */
static struct fe_node *parens(struct fe_parser *p)
{
	struct fe_loc open = p->tok.loc;
	struct fe_node *e, *t;

	fe_parse_next(p, TV_LEX_CODE);
	e = fe_parse_expr(p);
	if (!e)
		return NULL;
	if (p->tok.kind == TV_T_RPAREN) {
		fe_parse_next(p, TV_LEX_CODE);
		return e;
	}
	if (!fe_parse_expect(p, TV_T_COMMA, ") or \",\""))
		return NULL;
	t = fe_parse_node(p, TV_N_tuple, open);
	if (!t)
		return NULL;
	fe_parse_push(p, &t->list, e);
	if (!fe_parse_expr_list(p, &t->list, TV_T_RPAREN, ") or \",\""))
		return NULL;
	t->loc = fe_parse_span(p, t->loc, p->prev);
	return t;
}

static struct fe_node *primary(struct fe_parser *p)
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
	default: fe_parse_unexpected(p, NULL); return NULL;
	}
}

/* ---- postfix ------------------------------------------------------------ */

static bool is_field_name(enum fe_tok_kind k)
{
	return k == TV_T_IDENT || (k >= TV_T_IF && k <= TV_T_BREAK);
}

/* .name, ->name or .N after e. */
static struct fe_node *member(struct fe_parser *p, struct fe_node *e)
{
	bool arrow = p->tok.kind == TV_T_PTR;
	struct fe_loc op = p->tok.err;
	struct fe_node *n;

	fe_parse_next(p, TV_LEX_CODE);
	if (!is_field_name(p->tok.kind) && (arrow || p->tok.kind != TV_T_INT)) {
		fe_parse_unexpected(p, NULL);
		return NULL;
	}
	n = fe_parse_node(p, p->tok.kind == TV_T_INT ? TV_N_tuple_index : TV_N_field,
			  fe_parse_span(p, start_of(e), p->tok.loc));
	if (!n)
		return NULL;
	n->field.expr = e;
	n->field.arrow = arrow;
	n->field.op = op;
	if (n->kind == TV_N_field)
		n->field.name = fe_parse_text(p);
	else if (p->tok.ival > 0x7fffffff)
		fe_parse_error(p, p->tok.loc, "tuple index %llu out of range",
			       (unsigned long long)p->tok.ival);
	else
		n->field.index = (int)p->tok.ival;
	fe_parse_next(p, TV_LEX_CODE);
	return n;
}

static struct fe_node *subscript(struct fe_parser *p, struct fe_node *e)
{
	struct fe_node *n = fe_parse_node(p, TV_N_index, start_of(e));

	if (!n)
		return NULL;
	fe_parse_next(p, TV_LEX_CODE);
	n->index.expr = e;
	n->index.index = fe_parse_expr(p);
	if (!n->index.index || !fe_parse_expect(p, TV_T_RBRACKET, "]"))
		return NULL;
	n->loc = fe_parse_span(p, n->loc, p->prev);
	return n;
}

/* ++ or -- on e (pre or post); only maps and variables take them. */
static struct fe_node *incdec(struct fe_parser *p, struct fe_node *e, struct fe_loc op, bool inc,
			      bool post)
{
	struct fe_node *n;

	if (e->kind != TV_N_map && e->kind != TV_N_var) {
		/* bpftrace points at the operand of "x++", the operator of "++x" */
		fe_parse_error(p, post ? e->loc : op,
			       "The %s operator must be applied to a map or variable",
			       inc ? "++" : "--");
		return NULL;
	}
	n = fe_parse_node(p, TV_N_incdec, op);
	if (n) {
		n->incdec.inc = inc;
		n->incdec.post = post;
		n->incdec.expr = e;
	}
	return n;
}

/* Is the current token a postfix operator that applies to e? */
static bool postfix_op(const struct fe_parser *p, const struct fe_node *e)
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

static struct fe_node *postfix(struct fe_parser *p)
{
	struct fe_node *e = primary(p);
	int levels = 0;

	/* each postfix operator deepens the tree: counted as in binary() */
	while (e && postfix_op(p, e)) {
		enum fe_tok_kind k = p->tok.kind;

		if (!fe_parse_enter(p)) {
			e = NULL;
			break;
		}
		levels++;
		if (k == TV_T_DOT || k == TV_T_PTR) {
			e = member(p, e);
		} else if (k == TV_T_LBRACKET) {
			e = subscript(p, e);
		} else {
			struct fe_loc op = p->tok.loc;

			fe_parse_next(p, TV_LEX_CODE);
			e = incdec(p, e, op, k == TV_T_INCREMENT, true);
		}
	}
	p->depth -= levels;
	return e;
}

/* ---- unary -------------------------------------------------------------- */

static struct fe_node *prefix(struct fe_parser *p)
{
	enum fe_tok_kind k = p->tok.kind;
	struct fe_loc op = p->tok.loc;
	struct fe_node *e, *n;

	fe_parse_next(p, TV_LEX_CODE);
	if (k == TV_T_MINUS && p->tok.kind == TV_T_INT) /* a negative literal, as bpftrace */
		return int_node(p, fe_parse_span(p, op, p->tok.loc), true);
	if (k == TV_T_INCREMENT || k == TV_T_DECREMENT) {
		if (p->tok.kind != TV_T_MAP && p->tok.kind != TV_T_VAR &&
		    p->tok.kind != TV_T_IDENT) {
			fe_parse_unexpected(p, NULL);
			return NULL;
		}
		e = primary(p);
		return e ? incdec(p, e, op, k == TV_T_INCREMENT, false) : NULL;
	}
	e = unary(p);
	n = e ? fe_parse_node(p, TV_N_unop, op) : NULL;
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

static struct fe_node *unary(struct fe_parser *p)
{
	struct fe_node *n;

	switch (p->tok.kind) {
	case TV_T_LNOT:
	case TV_T_BNOT:
	case TV_T_MINUS:
	case TV_T_PLUS:
	case TV_T_MUL:
	case TV_T_INCREMENT:
	case TV_T_DECREMENT:
		if (!fe_parse_enter(p))
			return NULL;
		n = prefix(p);
		fe_parse_leave(p);
		return n;
	case TV_T_LPAREN:
		if (!is_cast(p))
			return postfix(p);
		if (!fe_parse_enter(p))
			return NULL;
		n = cast(p);
		fe_parse_leave(p);
		return n;
	default: return postfix(p);
	}
}

/* ---- binary and ternary ------------------------------------------------- */

/* A chain "a + b + c" is a loop here, but a tree as deep as it is long:
 * each link counts as a level of nesting, so that every walk of the tree
 * (dumps, later stages) recurses a bounded depth. */
static struct fe_node *binary(struct fe_parser *p, int min_prec)
{
	struct fe_node *lhs = unary(p), *rhs, *n;
	enum fe_ast_op op;
	int prec, levels = 0;

	while (lhs && (prec = binary_prec(p->tok.kind, &op)) >= min_prec) {
		struct fe_loc at = p->tok.loc, op_at = p->tok.err;

		if (!fe_parse_enter(p)) {
			lhs = NULL;
			break;
		}
		levels++;
		fe_parse_next(p, TV_LEX_CODE);
		rhs = binary(p, prec + 1);
		n = rhs ? fe_parse_node(p, TV_N_binop, at) : NULL;
		if (n) {
			n->binop.op = op;
			n->binop.lhs = lhs;
			n->binop.rhs = rhs;
			n->binop.op_at = op_at;
		}
		lhs = n;
	}
	p->depth -= levels;
	return lhs;
}

struct fe_node *fe_parse_expr(struct fe_parser *p)
{
	struct fe_node *c, *n = NULL;

	if (!fe_parse_enter(p))
		return NULL;
	c = binary(p, 1);
	if (!c || p->tok.kind != TV_T_QUES) {
		fe_parse_leave(p);
		return c;
	}
	fe_parse_next(p, TV_LEX_CODE);
	n = fe_parse_node(p, TV_N_ternary, start_of(c));
	if (n) {
		n->ternary.cond = c;
		n->ternary.then = fe_parse_expr(p);
		if (n->ternary.then && fe_parse_expect(p, TV_T_COLON, ":"))
			n->ternary.els = fe_parse_expr(p); /* right-associative */
		n = n->ternary.els ? n : NULL;
	}
	fe_parse_leave(p);
	if (n)
		n->loc = fe_parse_span(p, n->loc, p->prev);
	return n;
}
