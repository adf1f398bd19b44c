/* Statements and blocks.
 *
 * As in bpftrace, statements are separated by ';', the last one before a
 * '}' may go without, and if/unroll/while/for (which end in a block) take
 * no ';' at all.  A broken statement is skipped up to the next ';' or '}'
 * of its block, and parsing goes on there.
 */
#include "frontend/parser.h"

static bool is_block_stmt(const struct fe_node *n)
{
	return n->kind == TV_N_if || n->kind == TV_N_unroll || n->kind == TV_N_while ||
	       n->kind == TV_N_for;
}

/* Skips to the end of a broken statement: past its ';', or up to the
 * '}' closing its block. */
static void skip_stmt(struct fe_parser *p)
{
	int depth = 0;

	while (!fe_parse_stopped(p) && p->tok.kind != TV_T_EOF) {
		enum fe_tok_kind k = p->tok.kind;

		if (depth == 0 && k == TV_T_RBRACE)
			return;
		if (k == TV_T_LPAREN || k == TV_T_LBRACKET || k == TV_T_LBRACE)
			depth++;
		else if ((k == TV_T_RPAREN || k == TV_T_RBRACKET || k == TV_T_RBRACE) && depth)
			depth--;
		fe_parse_next(p, TV_LEX_CODE);
		if (depth == 0 && k == TV_T_SEMI)
			return;
	}
}

/* ---- control flow ------------------------------------------------------- */

/* "( expr )" of if and while. */
static struct fe_node *condition(struct fe_parser *p)
{
	struct fe_node *cond;

	if (!fe_parse_expect(p, TV_T_LPAREN, "("))
		return NULL;
	cond = fe_parse_expr(p);
	if (!cond || !fe_parse_expect(p, TV_T_RPAREN, ")"))
		return NULL;
	return cond;
}

static struct fe_node *if_stmt(struct fe_parser *p)
{
	struct fe_node *n = fe_parse_node(p, TV_N_if, p->tok.loc);

	if (!n)
		return NULL;
	fe_parse_next(p, TV_LEX_CODE);
	n->ctl.cond = condition(p);
	if (!n->ctl.cond)
		return NULL;
	n->loc = fe_parse_span(p, n->loc, p->prev);
	n->ctl.body = fe_parse_block(p, TV_LEX_CODE);
	if (!n->ctl.body || p->tok.kind != TV_T_ELSE)
		return n->ctl.body ? n : NULL;
	fe_parse_next(p, TV_LEX_CODE);
	if (p->tok.kind == TV_T_IF && fe_parse_enter(p)) {
		n->ctl.els = if_stmt(p); /* else if: a level deeper */
		fe_parse_leave(p);
	} else if (p->tok.kind == TV_T_IF) {
		return NULL;
	} else if (p->tok.kind == TV_T_LBRACE)
		n->ctl.els = fe_parse_block(p, TV_LEX_CODE);
	else
		fe_parse_unexpected(p, "{ or if");
	return n->ctl.els ? n : NULL;
}

/* unroll's count: an integer (maybe negative: the check is not ours), $N
 * or $#; placed as bpftrace places its token (fe_tok.err). */
static struct fe_node *unroll_count(struct fe_parser *p)
{
	struct fe_loc minus = p->tok.err;
	bool neg = p->tok.kind == TV_T_MINUS;
	struct fe_node *n;

	if (neg)
		fe_parse_next(p, TV_LEX_CODE);
	if (p->tok.kind != TV_T_INT &&
	    (neg || (p->tok.kind != TV_T_PARAM && p->tok.kind != TV_T_PARAMCOUNT))) {
		fe_parse_unexpected(p, "$# or - or positional parameter or integer");
		return NULL;
	}
	n = fe_parse_node(p,
			  p->tok.kind == TV_T_INT     ? TV_N_int
			  : p->tok.kind == TV_T_PARAM ? TV_N_param
						      : TV_N_param_count,
			  neg ? fe_parse_span(p, minus, p->tok.loc) : p->tok.err);
	if (n && n->kind == TV_N_int) {
		n->num.value = p->tok.ival;
		n->num.negative = neg && p->tok.ival;
	} else if (n && n->kind == TV_N_param) {
		n->param = (long)p->tok.ival;
	}
	fe_parse_next(p, TV_LEX_CODE);
	return n;
}

static struct fe_node *unroll_stmt(struct fe_parser *p)
{
	struct fe_node *n = fe_parse_node(p, TV_N_unroll, p->tok.loc);

	if (!n)
		return NULL;
	fe_parse_next(p, TV_LEX_CODE);
	if (!fe_parse_expect(p, TV_T_LPAREN, "("))
		return NULL;
	n->ctl.cond = unroll_count(p);
	if (!n->ctl.cond || !fe_parse_expect(p, TV_T_RPAREN, ")"))
		return NULL;
	n->loc = fe_parse_span(p, n->loc, p->prev);
	n->ctl.body = fe_parse_block(p, TV_LEX_CODE);
	return n->ctl.body ? n : NULL;
}

static struct fe_node *while_stmt(struct fe_parser *p)
{
	struct fe_node *n = fe_parse_node(p, TV_N_while, p->tok.loc);

	if (!n)
		return NULL;
	fe_parse_next(p, TV_LEX_CODE);
	n->ctl.cond = condition(p);
	if (!n->ctl.cond)
		return NULL;
	n->ctl.body = fe_parse_block(p, TV_LEX_CODE);
	return n->ctl.body ? n : NULL;
}

/* A token of kind as a leaf node (for's variable and map). */
static struct fe_node *leaf(struct fe_parser *p, enum fe_tok_kind kind, enum fe_node_kind nk,
			    const char *expecting)
{
	struct fe_node *n;

	if (p->tok.kind != kind) {
		fe_parse_unexpected(p, expecting);
		return NULL;
	}
	n = fe_parse_node(p, nk, p->tok.loc);
	if (n && nk == TV_N_map)
		n->map.name = fe_parse_text(p);
	else if (n)
		n->name = fe_parse_text(p);
	fe_parse_next(p, TV_LEX_CODE);
	return n;
}

/* for ($kv : @map) { ... }: newer bpftrace's map iteration. */
static struct fe_node *for_stmt(struct fe_parser *p)
{
	struct fe_node *n = fe_parse_node(p, TV_N_for, p->tok.loc);

	if (!n)
		return NULL;
	fe_parse_next(p, TV_LEX_CODE);
	if (!fe_parse_expect(p, TV_T_LPAREN, "("))
		return NULL;
	n->forin.var = leaf(p, TV_T_VAR, TV_N_var, "variable");
	if (!n->forin.var || !fe_parse_expect(p, TV_T_COLON, ":"))
		return NULL;
	n->forin.map = leaf(p, TV_T_MAP, TV_N_map, "map");
	if (!n->forin.map || !fe_parse_expect(p, TV_T_RPAREN, ")"))
		return NULL;
	n->loc = fe_parse_span(p, n->loc, p->prev);
	n->forin.body = fe_parse_block(p, TV_LEX_CODE);
	return n->forin.body ? n : NULL;
}

static struct fe_node *jump_stmt(struct fe_parser *p)
{
	enum fe_node_kind kind = p->tok.kind == TV_T_BREAK	? TV_N_break
				 : p->tok.kind == TV_T_CONTINUE ? TV_N_continue
								: TV_N_return;
	struct fe_node *n = fe_parse_node(p, kind, p->tok.loc);

	fe_parse_next(p, TV_LEX_CODE);
	return n;
}

/* ---- expression statements and assignments ----------------------------- */

static enum fe_ast_op assign_op(enum fe_tok_kind k)
{
	switch (k) {
	case TV_T_ASSIGN: return TV_AST_ASSIGN;
	case TV_T_PLUSASSIGN: return TV_AST_ADD;
	case TV_T_MINUSASSIGN: return TV_AST_SUB;
	case TV_T_MULASSIGN: return TV_AST_MUL;
	case TV_T_DIVASSIGN: return TV_AST_DIV;
	case TV_T_MODASSIGN: return TV_AST_MOD;
	case TV_T_BANDASSIGN: return TV_AST_BAND;
	case TV_T_BORASSIGN: return TV_AST_BOR;
	case TV_T_BXORASSIGN: return TV_AST_BXOR;
	case TV_T_LEFTASSIGN: return TV_AST_SHL;
	case TV_T_RIGHTASSIGN: return TV_AST_SHR;
	default: return TV_AST__COUNT;
	}
}

static struct fe_node *assignment(struct fe_parser *p, struct fe_node *target)
{
	struct fe_node *n = fe_parse_node(p, TV_N_assign, p->tok.loc);

	if (!n)
		return NULL;
	n->assign.op = assign_op(p->tok.kind);
	n->assign.target = target;
	fe_parse_next(p, TV_LEX_CODE);
	n->assign.value = fe_parse_expr(p);
	if (!n->assign.value)
		return NULL;
	if (target->kind == TV_N_tuple_index) {
		fe_parse_error(
		    p, fe_parse_span(p, target->loc, n->assign.value->loc),
		    "Tuples are immutable once created. Consider creating a new tuple and "
		    "assigning it instead.");
		return NULL;
	}
	return n;
}

static struct fe_node *simple_stmt(struct fe_parser *p)
{
	struct fe_node *e, *n;

	if (!fe_parse_starts_expr(p->tok.kind)) {
		fe_parse_unexpected(p, "}");
		return NULL;
	}
	e = fe_parse_expr(p);
	if (!e)
		return NULL;
	if (assign_op(p->tok.kind) != TV_AST__COUNT) {
		if (e->kind == TV_N_map || e->kind == TV_N_var || e->kind == TV_N_tuple_index)
			return assignment(p, e);
		fe_parse_unexpected(p, "}");
		return NULL;
	}
	n = fe_parse_node(p, TV_N_expr_stmt, e->loc);
	if (n)
		n->expr = e;
	return n;
}

static struct fe_node *statement(struct fe_parser *p)
{
	switch (p->tok.kind) {
	case TV_T_IF: return if_stmt(p);
	case TV_T_UNROLL: return unroll_stmt(p);
	case TV_T_WHILE: return while_stmt(p);
	case TV_T_FOR: return for_stmt(p);
	case TV_T_BREAK:
	case TV_T_CONTINUE:
	case TV_T_RETURN: return jump_stmt(p);
	default: return simple_stmt(p);
	}
}

/* After a statement: its ';', or the block's '}'.  false: neither. */
static bool statement_end(struct fe_parser *p, const struct fe_node *s)
{
	if (is_block_stmt(s) || p->tok.kind == TV_T_RBRACE)
		return true;
	if (p->tok.kind == TV_T_SEMI) {
		fe_parse_next(p, TV_LEX_CODE);
		return true;
	}
	fe_parse_unexpected(p, "}");
	return false;
}

static void statements(struct fe_parser *p, struct fe_node *block)
{
	while (!fe_parse_stopped(p) && p->tok.kind != TV_T_RBRACE) {
		struct fe_node *s;

		if (p->tok.kind == TV_T_EOF) {
			fe_parse_unexpected(p, "}");
			return;
		}
		s = statement(p);
		if (s && statement_end(p, s))
			fe_parse_push(p, &block->block, s);
		else
			skip_stmt(p);
	}
}

struct fe_node *fe_parse_block(struct fe_parser *p, enum fe_lex_mode after)
{
	struct fe_node *block;

	if (p->tok.kind != TV_T_LBRACE) {
		fe_parse_unexpected(p, "{");
		return NULL;
	}
	block = fe_parse_node(p, TV_N_block, p->tok.loc);
	if (!block || !fe_parse_enter(p))
		return NULL;
	fe_parse_next(p, TV_LEX_CODE);
	statements(p, block);
	fe_parse_leave(p);
	if (p->tok.kind != TV_T_RBRACE)
		return NULL;
	block->loc = fe_parse_span(p, block->loc, p->tok.loc);
	fe_parse_next(p, after);
	return block;
}
