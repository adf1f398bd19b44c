/* Statements and blocks.
 *
 * As in bpftrace, statements are separated by ';', the last one before a
 * '}' may go without, and if/unroll/while/for (which end in a block) take
 * no ';' at all.  A broken statement is skipped up to the next ';' or '}'
 * of its block, and parsing goes on there.
 */
#include "frontend/parser.h"

static bool is_block_stmt(const struct tv_node *n)
{
	return n->kind == TV_N_if || n->kind == TV_N_unroll || n->kind == TV_N_while ||
	       n->kind == TV_N_for;
}

/* Skips to the end of a broken statement: past its ';', or up to the
 * '}' closing its block. */
static void skip_stmt(struct tv_parser *p)
{
	int depth = 0;

	while (!tv_p_stopped(p) && p->tok.kind != TV_T_EOF) {
		enum tv_tok_kind k = p->tok.kind;

		if (depth == 0 && k == TV_T_RBRACE)
			return;
		if (k == TV_T_LPAREN || k == TV_T_LBRACKET || k == TV_T_LBRACE)
			depth++;
		else if ((k == TV_T_RPAREN || k == TV_T_RBRACKET || k == TV_T_RBRACE) && depth)
			depth--;
		tv_p_next(p, TV_LEX_CODE);
		if (depth == 0 && k == TV_T_SEMI)
			return;
	}
}

/* ---- control flow ------------------------------------------------------- */

/* "( expr )" of if and while. */
static struct tv_node *condition(struct tv_parser *p)
{
	struct tv_node *cond;

	if (!tv_p_expect(p, TV_T_LPAREN, "("))
		return NULL;
	cond = tv_p_expr(p);
	if (!cond || !tv_p_expect(p, TV_T_RPAREN, ")"))
		return NULL;
	return cond;
}

static struct tv_node *if_stmt(struct tv_parser *p)
{
	struct tv_node *n = tv_p_node(p, TV_N_if, p->tok.loc);

	if (!n)
		return NULL;
	tv_p_next(p, TV_LEX_CODE);
	n->ctl.cond = condition(p);
	if (!n->ctl.cond)
		return NULL;
	n->loc = tv_p_span(p, n->loc, p->prev);
	n->ctl.body = tv_p_block(p, TV_LEX_CODE);
	if (!n->ctl.body || p->tok.kind != TV_T_ELSE)
		return n->ctl.body ? n : NULL;
	tv_p_next(p, TV_LEX_CODE);
	if (p->tok.kind == TV_T_IF && tv_p_enter(p)) {
		n->ctl.els = if_stmt(p); /* else if: a level deeper */
		tv_p_leave(p);
	} else if (p->tok.kind == TV_T_IF) {
		return NULL;
	} else if (p->tok.kind == TV_T_LBRACE)
		n->ctl.els = tv_p_block(p, TV_LEX_CODE);
	else
		tv_p_unexpected(p, "{ or if");
	return n->ctl.els ? n : NULL;
}

/* unroll's count: an integer (maybe negative: the check is not ours), $N
 * or $#; placed as bpftrace places its token (tv_tok.err). */
static struct tv_node *unroll_count(struct tv_parser *p)
{
	struct tv_loc minus = p->tok.err;
	bool neg = p->tok.kind == TV_T_MINUS;
	struct tv_node *n;

	if (neg)
		tv_p_next(p, TV_LEX_CODE);
	if (p->tok.kind != TV_T_INT &&
	    (neg || (p->tok.kind != TV_T_PARAM && p->tok.kind != TV_T_PARAMCOUNT))) {
		tv_p_unexpected(p, "$# or - or positional parameter or integer");
		return NULL;
	}
	n = tv_p_node(p,
		      p->tok.kind == TV_T_INT	  ? TV_N_int
		      : p->tok.kind == TV_T_PARAM ? TV_N_param
						  : TV_N_param_count,
		      neg ? tv_p_span(p, minus, p->tok.loc) : p->tok.err);
	if (n && n->kind == TV_N_int) {
		n->num.value = p->tok.ival;
		n->num.negative = neg && p->tok.ival;
	} else if (n && n->kind == TV_N_param) {
		n->param = (long)p->tok.ival;
	}
	tv_p_next(p, TV_LEX_CODE);
	return n;
}

static struct tv_node *unroll_stmt(struct tv_parser *p)
{
	struct tv_node *n = tv_p_node(p, TV_N_unroll, p->tok.loc);

	if (!n)
		return NULL;
	tv_p_next(p, TV_LEX_CODE);
	if (!tv_p_expect(p, TV_T_LPAREN, "("))
		return NULL;
	n->ctl.cond = unroll_count(p);
	if (!n->ctl.cond || !tv_p_expect(p, TV_T_RPAREN, ")"))
		return NULL;
	n->loc = tv_p_span(p, n->loc, p->prev);
	n->ctl.body = tv_p_block(p, TV_LEX_CODE);
	return n->ctl.body ? n : NULL;
}

static struct tv_node *while_stmt(struct tv_parser *p)
{
	struct tv_node *n = tv_p_node(p, TV_N_while, p->tok.loc);

	if (!n)
		return NULL;
	tv_p_next(p, TV_LEX_CODE);
	n->ctl.cond = condition(p);
	if (!n->ctl.cond)
		return NULL;
	n->ctl.body = tv_p_block(p, TV_LEX_CODE);
	return n->ctl.body ? n : NULL;
}

/* A token of kind as a leaf node (for's variable and map). */
static struct tv_node *leaf(struct tv_parser *p, enum tv_tok_kind kind, enum tv_node_kind nk,
			    const char *expecting)
{
	struct tv_node *n;

	if (p->tok.kind != kind) {
		tv_p_unexpected(p, expecting);
		return NULL;
	}
	n = tv_p_node(p, nk, p->tok.loc);
	if (n && nk == TV_N_map)
		n->map.name = tv_p_text(p);
	else if (n)
		n->name = tv_p_text(p);
	tv_p_next(p, TV_LEX_CODE);
	return n;
}

/* for ($kv : @map) { ... }: newer bpftrace's map iteration. */
static struct tv_node *for_stmt(struct tv_parser *p)
{
	struct tv_node *n = tv_p_node(p, TV_N_for, p->tok.loc);

	if (!n)
		return NULL;
	tv_p_next(p, TV_LEX_CODE);
	if (!tv_p_expect(p, TV_T_LPAREN, "("))
		return NULL;
	n->forin.var = leaf(p, TV_T_VAR, TV_N_var, "variable");
	if (!n->forin.var || !tv_p_expect(p, TV_T_COLON, ":"))
		return NULL;
	n->forin.map = leaf(p, TV_T_MAP, TV_N_map, "map");
	if (!n->forin.map || !tv_p_expect(p, TV_T_RPAREN, ")"))
		return NULL;
	n->loc = tv_p_span(p, n->loc, p->prev);
	n->forin.body = tv_p_block(p, TV_LEX_CODE);
	return n->forin.body ? n : NULL;
}

static struct tv_node *jump_stmt(struct tv_parser *p)
{
	enum tv_node_kind kind = p->tok.kind == TV_T_BREAK	? TV_N_break
				 : p->tok.kind == TV_T_CONTINUE ? TV_N_continue
								: TV_N_return;
	struct tv_node *n = tv_p_node(p, kind, p->tok.loc);

	tv_p_next(p, TV_LEX_CODE);
	return n;
}

/* ---- expression statements and assignments ----------------------------- */

static enum tv_ast_op assign_op(enum tv_tok_kind k)
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

static struct tv_node *assignment(struct tv_parser *p, struct tv_node *target)
{
	struct tv_node *n = tv_p_node(p, TV_N_assign, p->tok.loc);

	if (!n)
		return NULL;
	n->assign.op = assign_op(p->tok.kind);
	n->assign.target = target;
	tv_p_next(p, TV_LEX_CODE);
	n->assign.value = tv_p_expr(p);
	if (!n->assign.value)
		return NULL;
	if (target->kind == TV_N_tuple_index) {
		tv_p_error(p, tv_p_span(p, target->loc, n->assign.value->loc),
			   "Tuples are immutable once created. Consider creating a new tuple and "
			   "assigning it instead.");
		return NULL;
	}
	return n;
}

static struct tv_node *simple_stmt(struct tv_parser *p)
{
	struct tv_node *e, *n;

	if (!tv_p_starts_expr(p->tok.kind)) {
		tv_p_unexpected(p, "}");
		return NULL;
	}
	e = tv_p_expr(p);
	if (!e)
		return NULL;
	if (assign_op(p->tok.kind) != TV_AST__COUNT) {
		if (e->kind == TV_N_map || e->kind == TV_N_var || e->kind == TV_N_tuple_index)
			return assignment(p, e);
		tv_p_unexpected(p, "}");
		return NULL;
	}
	n = tv_p_node(p, TV_N_expr_stmt, e->loc);
	if (n)
		n->expr = e;
	return n;
}

static struct tv_node *statement(struct tv_parser *p)
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
static bool statement_end(struct tv_parser *p, const struct tv_node *s)
{
	if (is_block_stmt(s) || p->tok.kind == TV_T_RBRACE)
		return true;
	if (p->tok.kind == TV_T_SEMI) {
		tv_p_next(p, TV_LEX_CODE);
		return true;
	}
	tv_p_unexpected(p, "}");
	return false;
}

static void statements(struct tv_parser *p, struct tv_node *block)
{
	while (!tv_p_stopped(p) && p->tok.kind != TV_T_RBRACE) {
		struct tv_node *s;

		if (p->tok.kind == TV_T_EOF) {
			tv_p_unexpected(p, "}");
			return;
		}
		s = statement(p);
		if (s && statement_end(p, s))
			tv_p_push(p, &block->block, s);
		else
			skip_stmt(p);
	}
}

struct tv_node *tv_p_block(struct tv_parser *p, enum tv_lex_mode after)
{
	struct tv_node *block;

	if (p->tok.kind != TV_T_LBRACE) {
		tv_p_unexpected(p, "{");
		return NULL;
	}
	block = tv_p_node(p, TV_N_block, p->tok.loc);
	if (!block || !tv_p_enter(p))
		return NULL;
	tv_p_next(p, TV_LEX_CODE);
	statements(p, block);
	tv_p_leave(p);
	if (p->tok.kind != TV_T_RBRACE)
		return NULL;
	block->loc = tv_p_span(p, block->loc, p->tok.loc);
	tv_p_next(p, after);
	return block;
}
