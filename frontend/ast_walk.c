/* Walking the tree: each node kind's children, in source order. */
#include "frontend/ast.h"

static const struct fe_node *find_list(const struct fe_list *l, fe_node_match_fn *match, void *arg)
{
	const struct fe_node *hit = NULL;

	for (int i = 0; !hit && i < l->n; i++)
		hit = fe_node_find(l->v[i], match, arg);
	return hit;
}

/* Children that may be NULL (left out), first to last. */
static const struct fe_node *find_kids(fe_node_match_fn *match, void *arg, const struct fe_node *a,
				       const struct fe_node *b, const struct fe_node *c)
{
	const struct fe_node *hit = fe_node_find(a, match, arg);

	if (!hit)
		hit = fe_node_find(b, match, arg);
	return hit ? hit : fe_node_find(c, match, arg);
}

const struct fe_node *fe_node_find(const struct fe_node *n, fe_node_match_fn *match, void *arg)
{
	const struct fe_node *hit;

	if (!n || match(n, arg))
		return n;
	switch (n->kind) {
	case TV_N_program:
		hit = find_list(&n->program.preamble, match, arg);
		return hit ? hit : find_list(&n->program.probes, match, arg);
	case TV_N_probe:
		hit = find_list(&n->probe.attach, match, arg);
		return hit ? hit : find_kids(match, arg, n->probe.pred, n->probe.body, NULL);
	case TV_N_block: return find_list(&n->block, match, arg);
	case TV_N_expr_stmt:
	case TV_N_sizeof: return fe_node_find(n->expr, match, arg);
	case TV_N_assign: return find_kids(match, arg, n->assign.target, n->assign.value, NULL);
	case TV_N_if:
	case TV_N_unroll:
	case TV_N_while: return find_kids(match, arg, n->ctl.cond, n->ctl.body, n->ctl.els);
	case TV_N_for: return find_kids(match, arg, n->forin.var, n->forin.map, n->forin.body);
	case TV_N_map: return find_list(&n->map.keys, match, arg);
	case TV_N_call: return find_list(&n->call.args, match, arg);
	case TV_N_cast: return find_kids(match, arg, n->cast.type, n->cast.expr, NULL);
	case TV_N_unop: return fe_node_find(n->unop.expr, match, arg);
	case TV_N_incdec: return fe_node_find(n->incdec.expr, match, arg);
	case TV_N_binop: return find_kids(match, arg, n->binop.lhs, n->binop.rhs, NULL);
	case TV_N_ternary:
		return find_kids(match, arg, n->ternary.cond, n->ternary.then, n->ternary.els);
	case TV_N_field:
	case TV_N_tuple_index: return fe_node_find(n->field.expr, match, arg);
	case TV_N_index: return find_kids(match, arg, n->index.expr, n->index.index, NULL);
	case TV_N_tuple: return find_list(&n->list, match, arg);
	default: return NULL;
	}
}
