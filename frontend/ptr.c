/* Pointers as values, as bpftrace 0.17 (and C) has them: p + n, n + p and
 * p - n move p by n pointees and keep its type (so do +=, -=, ++ and --);
 * two pointers only compare; any other operator on a pointer is an error.
 * A pointee is an integer (ty.elem), a BTF type (ty.btf) or, ty.ptrs
 * deep, another pointer. */
#include <stdio.h>
#include <string.h>

#include "frontend/btf.h"
#include "frontend/lower.h"

static const struct ty T_INT64 = {.k = TY_INT, .size = 8, .sign = true};

static bool is_compare(enum fe_ast_op op)
{
	return op == TV_AST_EQ || op == TV_AST_NE || op == TV_AST_LT || op == TV_AST_LE ||
	       op == TV_AST_GT || op == TV_AST_GE;
}

/* The bytes p + 1 moves: the pointee's size, 0 for void as in bpftrace. */
static __s64 pointee_size(struct lower *L, const struct fe_node *at, struct ty p)
{
	struct fe_btf_type bt;
	int id = p.btf;

	if (p.ptrs)
		return 8;
	if (p.elem)
		return p.elem;
	if (id == FE_BTF_TASK)
		id = fe_type_find(L, at, "task_struct", false);
	return id > 0 && !fe_type(L, id, &bt) ? bt.size : 0;
}

struct ty fe_binop_type(struct lower *L, const struct fe_node *e)
{
	struct ty a = fe_type_of(L, e->binop.lhs), b = fe_type_of(L, e->binop.rhs);
	enum fe_ast_op op = e->binop.op;

	if (a.k == TY_PTR && b.k == TY_INT && (op == TV_AST_ADD || op == TV_AST_SUB))
		return a;
	if (a.k == TY_INT && b.k == TY_PTR && op == TV_AST_ADD)
		return b;
	return T_INT64;
}

static void op_error(struct lower *L, struct fe_loc at, enum fe_ast_op op, const char *a,
		     const char *b)
{
	fe_error(L, &(struct fe_node){.loc = at},
		 "The %s operator can not be used on expressions of types %s, %s",
		 fe_ast_op_text(op), a, b);
}

bool fe_ptr_binop_ok(struct lower *L, const struct fe_node *e, struct ty a, struct ty b)
{
	enum fe_ast_op op = e->binop.op;
	bool arith = op == TV_AST_ADD || (op == TV_AST_SUB && a.k == TY_PTR);
	char ta[128], tb[128];

	if (a.k == TY_PTR && b.k == TY_PTR
		? is_compare(op)
		: (a.k == TY_INT || b.k == TY_INT) && (arith || is_compare(op)))
		return true;
	op_error(L, e->binop.op_at, op, fe_value_type_name(L, e->binop.lhs, ta, sizeof(ta)),
		 fe_value_type_name(L, e->binop.rhs, tb, sizeof(tb)));
	return false;
}

void fe_ptr_scale(struct lower *L, const struct fe_node *at, struct ty p, int r)
{
	__s64 size = pointee_size(L, at, p);
	int s;

	if (size == 1)
		return;
	s = fe_reg(L, at);
	EMIT(L, MOVI, s, size);
	EMIT(L, MUL, r, r, s);
	fe_reg_free(L, s);
}

void fe_ptr_scale_operand(struct lower *L, const struct fe_node *e, struct ty a, struct ty b,
			  int ra, int rb)
{
	if (e->binop.op != TV_AST_ADD && e->binop.op != TV_AST_SUB)
		return;
	if (a.k == TY_PTR && b.k != TY_PTR)
		fe_ptr_scale(L, e, a, rb);
	else if (b.k == TY_PTR && a.k != TY_PTR)
		fe_ptr_scale(L, e, b, ra);
}

bool fe_ptr_compound_ok(struct lower *L, const struct fe_node *s, struct ty target)
{
	const struct fe_node *value = s->assign.value, *t = s->assign.target;
	struct ty v = fe_type_of(L, value);
	struct fe_loc at;
	char ta[128], tb[128];

	if (target.k != TY_PTR ||
	    ((s->assign.op == TV_AST_ADD || s->assign.op == TV_AST_SUB) && v.k == TY_INT))
		return true;
	at = s->loc;
	/* bpftrace's operator starts where the tokens written together do */
	if (t->loc.line == at.line && t->loc.col_end + 1 == at.col)
		at.col = t->loc.col;
	op_error(L, at, s->assign.op, fe_ty_name(L, target, ta, sizeof(ta)),
		 fe_value_type_name(L, value, tb, sizeof(tb)));
	return false;
}

bool fe_ptr_assign_ok(struct lower *L, const struct fe_map *m, const struct fe_node *target,
		      const struct fe_node *value)
{
	struct ty v = fe_type_of(L, value);
	enum tv_mapkind kind;
	char now[128], before[128];

	if (fe_is_agg_call(value, &kind) || fe_is_bytes(v) ||
	    (m->val.k == TY_PTR) == (v.k == TY_PTR))
		return true;
	/* bpftrace 0.17's message, its missing closing quote included */
	fe_error(L, target,
		 "Type mismatch for %s: trying to assign value of type '%s' when map already "
		 "contains a value of type '%s",
		 m->name, fe_value_type_name(L, value, now, sizeof(now)),
		 fe_map_type_name(L, m, before, sizeof(before)));
	return false;
}

/* The pointee's name, as bpftrace's: int32, unsigned int8, struct x. */
static size_t pointee_name(struct lower *L, struct ty p, char *buf, size_t n)
{
	struct fe_btf_type bt = {.name = ""};

	if (p.elem)
		return (size_t)snprintf(buf, n, "%sint%u", p.elem_sign ? "" : "unsigned ",
					p.elem * 8);
	if (p.btf == FE_BTF_TASK)
		return (size_t)snprintf(buf, n, "struct task_struct");
	if (p.btf <= 0 || fe_type(L, p.btf, &bt))
		return (size_t)snprintf(buf, n, "void");
	switch (bt.kind) {
	case TV_BTF_STRUCT: return (size_t)snprintf(buf, n, "struct %s", bt.name);
	case TV_BTF_UNION: return (size_t)snprintf(buf, n, "union %s", bt.name);
	case TV_BTF_INT:
		return (size_t)snprintf(buf, n, "%sint%u", bt.sign ? "" : "unsigned ", bt.size * 8);
	case TV_BTF_VOID: return (size_t)snprintf(buf, n, "void");
	default: return (size_t)snprintf(buf, n, "%s", *bt.name ? bt.name : "void");
	}
}

struct ty fe_ptr_deref_type(struct lower *L, struct ty p)
{
	struct ty v;

	if (p.k == TY_PTR && p.ptrs) {
		p.ptrs--;
		return p;
	}
	if (p.k == TY_PTR && p.elem)
		return (struct ty){.k = TY_INT, .size = 8, .sign = p.elem_sign};
	/* a BTF pointee: a record is read whole (fe_gen_deref_record) */
	v = p.k == TY_PTR && p.btf > 0 ? fe_btf_value_type(L, p.btf, p.user) : T_INT64;
	return v.k == TY_RECORD ? v : T_INT64;
}

/* The access size of *p for a pointer to a BTF integer (8 otherwise). */
static __s64 btf_access(struct lower *L, struct ty p)
{
	struct fe_btf_type t;

	if (p.btf <= 0 || fe_type(L, p.btf, &t) || t.kind != TV_BTF_INT || !t.size || t.size > 8 ||
	    (t.size & (t.size - 1)))
		return 8;
	return t.size | (t.sign ? TV_Z_SIGNED : 0);
}

void fe_load_pointee(struct lower *L, struct ty p, int r)
{
	__s64 z = p.ptrs ? 8 : p.elem ? p.elem | (p.elem_sign ? TV_Z_SIGNED : 0) : btf_access(L, p);

	fe_emit(L, p.user ? TV_OP_LDU : TV_OP_LDK, (const __s64[]){r, r, z}, 3);
}

bool fe_is_ptr_index(struct lower *L, const struct fe_node *e)
{
	struct ty p = fe_type_of(L, e->index.expr);

	return p.k == TY_PTR && p.ptrs;
}

int fe_gen_ptr_index(struct lower *L, const struct fe_node *e)
{
	struct ty p = fe_type_of(L, e->index.expr);
	int r = fe_gen_int(L, e->index.expr), i = fe_gen_int(L, e->index.index);

	fe_ptr_scale(L, e, p, i);
	EMIT(L, ADD, r, r, i);
	fe_reg_free(L, i);
	fe_load_pointee(L, p, r);
	return r;
}

const char *fe_pointee_name(struct lower *L, struct ty p, char *buf, size_t n)
{
	if (p.ptrs)
		fe_ptr_name(L, fe_ptr_deref_type(L, p), buf, n);
	else
		pointee_name(L, p, buf, n);
	return buf;
}

size_t fe_ptr_name(struct lower *L, struct ty p, char *buf, size_t n)
{
	size_t len = pointee_name(L, p, buf, n);

	for (unsigned i = 0; i <= p.ptrs && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, " *");
	return len;
}
