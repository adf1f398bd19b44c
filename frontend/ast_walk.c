/* Walking the tree: each node kind's children, in source order. */
#include "frontend/ast.h"

static int each_list(struct fe_list *l, fe_child_fn *fn, void *arg)
{
	int rc = 0;

	for (int i = 0; !rc && i < l->n; i++)
		rc = fn(&l->v[i], arg);
	return rc;
}

/* Children that may be NULL (left out), first to last. */
static int each_kid(fe_child_fn *fn, void *arg, struct fe_node **a, struct fe_node **b,
		    struct fe_node **c)
{
	int rc = *a ? fn(a, arg) : 0;

	if (!rc && b && *b)
		rc = fn(b, arg);
	return !rc && c && *c ? fn(c, arg) : rc;
}

int fe_node_children(struct fe_node *n, fe_child_fn *fn, void *arg)
{
	int rc;

	switch (n->kind) {
	case TV_N_program:
		rc = each_list(&n->program.preamble, fn, arg);
		return rc ? rc : each_list(&n->program.probes, fn, arg);
	case TV_N_probe:
		rc = each_list(&n->probe.attach, fn, arg);
		return rc ? rc : each_kid(fn, arg, &n->probe.pred, &n->probe.body, NULL);
	case TV_N_block: return each_list(&n->block, fn, arg);
	case TV_N_expr_stmt:
	case TV_N_sizeof: return each_kid(fn, arg, &n->expr, NULL, NULL);
	case TV_N_assign: return each_kid(fn, arg, &n->assign.target, &n->assign.value, NULL);
	case TV_N_if:
	case TV_N_unroll:
	case TV_N_while: return each_kid(fn, arg, &n->ctl.cond, &n->ctl.body, &n->ctl.els);
	case TV_N_for: return each_kid(fn, arg, &n->forin.var, &n->forin.map, &n->forin.body);
	case TV_N_map: return each_list(&n->map.keys, fn, arg);
	case TV_N_call: return each_list(&n->call.args, fn, arg);
	case TV_N_cast: return each_kid(fn, arg, &n->cast.type, &n->cast.expr, NULL);
	case TV_N_unop: return each_kid(fn, arg, &n->unop.expr, NULL, NULL);
	case TV_N_incdec: return each_kid(fn, arg, &n->incdec.expr, NULL, NULL);
	case TV_N_binop: return each_kid(fn, arg, &n->binop.lhs, &n->binop.rhs, NULL);
	case TV_N_ternary:
		return each_kid(fn, arg, &n->ternary.cond, &n->ternary.then, &n->ternary.els);
	case TV_N_field:
	case TV_N_tuple_index: return each_kid(fn, arg, &n->field.expr, NULL, NULL);
	case TV_N_index: return each_kid(fn, arg, &n->index.expr, &n->index.index, NULL);
	case TV_N_tuple: return each_list(&n->list, fn, arg);
	default: return 0;
	}
}

struct find {
	fe_node_match_fn *match;
	void *arg;
	const struct fe_node *hit;
};

static int find_in(struct fe_node **slot, void *arg)
{
	struct find *f = arg;

	f->hit = fe_node_find(*slot, f->match, f->arg);
	return f->hit != NULL;
}

const struct fe_node *fe_node_find(const struct fe_node *n, fe_node_match_fn *match, void *arg)
{
	struct find f = {match, arg, NULL};

	if (!n || match(n, arg))
		return n;
	/* the walk only reads: the children are handed out as slots, to share
	 * one description of them with the tree's rewriters */
	fe_node_children((struct fe_node *)n, find_in, &f);
	return f.hit;
}
