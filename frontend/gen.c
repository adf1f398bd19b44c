/* The code generator: expressions into registers (integers) or scratch
 * (strings), statements into jumps.  Registers are a stack (r1..r15);
 * scratch holds variables below TEMP_BASE and per-statement temporaries
 * above it.  Offsets 0..15 stay free for the fused count opcodes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"

static int gen_int_node(struct lower *L, const struct fe_node *e);

int fe_emit(struct lower *L, unsigned op, const __s64 *v, int n)
{
	int pc = tv_image_emit(L->img, op, v, n), level;

	if (pc < 0)
		fe_error(L, NULL, "cannot encode %s (operand out of range)", tv_op_name(op));
	else if (L->at.line > 0 && (tv_op_may_fault(op) || tv_op_checked_helper(op, &level)))
		tv_image_set_loc(L->img, (__u32)pc,
				 (struct tv_srcloc){.line = (__u16)L->at.line,
						    .col = (__u16)L->at.col,
						    .col_end = (__u16)L->at.col_end,
						    .plain_read = L->plain_read});
	return pc;
}

void fe_patch(struct lower *L, int pc)
{
	if (pc >= 0)
		L->img->insns[pc].imm = (int)L->img->ninsns - pc - 1;
}

__s64 fe_int_value(const struct fe_node *n)
{
	return n->num.negative ? -(__s64)n->num.value : (__s64)n->num.value;
}

int fe_reg(struct lower *L, const struct fe_node *n)
{
	if (L->nregs >= TV_NREGS - 1) {
		fe_error(L, n, "expression too complex (out of registers)");
		return TV_NREGS - 1;
	}
	return ++L->nregs;
}

void fe_reg_free(struct lower *L, int r)
{
	if (r == L->nregs && r > 0)
		L->nregs--;
}

unsigned fe_scratch(struct lower *L, const struct fe_node *n, unsigned size)
{
	unsigned off = (L->scratch_top + 7) & ~7u;

	if (off < TEMP_BASE)
		off = TEMP_BASE;
	if (off + size > TV_SCRATCH) {
		fe_error(L, n, "statement needs more than %d bytes of scratch",
			 TV_SCRATCH - TEMP_BASE);
		return TEMP_BASE;
	}
	L->scratch_top = off + size;
	return off;
}

static struct fe_var *var_find(struct lower *L, const struct fe_node *n)
{
	struct fe_var *v = fe_var_find(L, n->name);

	if (v)
		return v;
	fe_error(L, n, "Undefined or undeclared variable: %s", n->name);
	return NULL;
}

static int gen_const(struct lower *L, const struct fe_node *n, __s64 v)
{
	int r = fe_reg(L, n);

	if (v >= INT32_MIN && v <= INT32_MAX)
		EMIT(L, MOVI, r, v);
	else
		EMIT(L, LDW, r, v);
	return r;
}

static __u8 size_code(unsigned size, bool sign)
{
	return (size > 8 ? 8 : size) | (sign ? TV_Z_SIGNED : 0);
}

static int gen_builtin(struct lower *L, const struct fe_node *e)
{
	enum bi_how how;
	int id, r;

	if (fe_builtin(e->name, &how, &id)) {
		struct fe_macro *m = fe_macro_find(L, e->name, strlen(e->name));
		__s64 v;

		if (m && m->kind == FE_MACRO_INT)
			return gen_const(L, e, m->value);
		if (!m && fe_enum_value(L, e, &v))
			return gen_const(L, e, v);
		if (m && m->kind != FE_MACRO_EXPR) /* (an expression's own name in it is not) */
			fe_error(L, e,
				 "%s: only #define names of an integer or a string can be used",
				 e->name);
		else
			fe_error(L, e, "Unknown identifier: '%s'", e->name);
		return gen_const(L, e, 0);
	}
	switch (how) {
	case B_BUILTIN:
		r = fe_reg(L, e);
		if (id == TV_BI_probe && L->usdt_args) /* every location is the one probe */
			EMIT(L, MOVI, r, fe_probe_index(L, L->probe_kind));
		else
			EMIT(L, BUILTIN, r, id);
		return r;
	case B_ARG:
		if (L->usdt_args)
			return fe_gen_usdt_arg(L, e, id);
		r = fe_reg(L, e);
		EMIT(L, ARG, r, id);
		return r;
	case B_RETVAL:
		r = fe_reg(L, e);
		if (!fe_probe_has(L, TV_PT_RETVAL))
			fe_error(
			    L, e,
			    "The retval builtin can only be used with 'kretprobe' and 'uretprobe' "
			    "and 'kfunc' probes");
		EMIT(L, RETVAL, r);
		return r;
	case B_KSTACK:
	case B_USTACK:
		r = fe_reg(L, e);
		if (how == B_KSTACK)
			EMIT(L, KSTACK, r, 0);
		else
			EMIT(L, USTACK, r, 0);
		return r;
	case B_CPID: return gen_const(L, e, L->opts ? L->opts->cpid : 0);
	case B_FUNC: /* the probe; the host prints its function part */
		r = fe_reg(L, e);
		EMIT(L, BUILTIN, r, TV_BI_probe);
		return r;
	case B_USERNAME: /* the uid; the host prints its name */
		r = fe_reg(L, e);
		EMIT(L, BUILTIN, r, TV_BI_uid);
		return r;
	case B_CTX: return fe_gen_ctx(L, e);
	case B_SARG: return fe_gen_sarg(L, e, id);
	default: fe_error(L, e, "'%s' is not an integer here", e->name); return gen_const(L, e, 0);
	}
}

void fe_narrow(struct lower *L, const struct fe_node *e, int r, unsigned size, bool sign)
{
	int s;

	if (!size || size >= 8)
		return;
	s = fe_reg(L, e);
	EMIT(L, MOVI, s, 64 - 8 * (int)size);
	EMIT(L, SHL, r, r, s);
	fe_emit(L, sign ? TV_OP_SAR : TV_OP_SHR, (const __s64[]){r, r, s}, 3);
	fe_reg_free(L, s);
}

static int gen_field(struct lower *L, const struct fe_node *e)
{
	const struct fe_tp_field *f;
	int r;

	if (fe_is_struct_access(e))
		return fe_gen_struct_int(L, e);
	f = fe_args_field(L, e);
	r = fe_reg(L, e);
	if (!f && fe_is_args_of(e) && L->probe_type == TV_PT_uprobe) {
		int id, i = fe_uprobe_arg(L, e, e->field.name, &id);
		struct ty t = fe_type_of(L, e);

		if (i < 0)
			return r;
		EMIT(L, ARG, r, i);
		if (t.k == TY_INT) /* a char argument's register may hold more */
			fe_narrow(L, e, r, t.size, t.sign);
		return r;
	}
	if (!f) {
		if (L->tp && fe_probe_has(L, TV_PT_TRACEFS)) {
			char st[256];
			const char *c;

			snprintf(st, sizeof(st), "%s", L->probe_target);
			while ((c = strchr(st, ':')))
				st[c - st] = '_';
			fe_error(L, e,
				 "Struct/union of type 'struct _tracepoint_%s' does not contain a "
				 "field named '%s'",
				 st, e->field.name ? e->field.name : "");
		} else {
			fe_error(L, e, "%s",
				 L->tp ? "Unknown field of args"
				       : "args is only available in tracepoint probes");
		}
		return r;
	}
	EMIT(L, CTX, r, size_code(f->size, f->is_signed && !f->is_ptr), f->offset);
	return r;
}

static int gen_map_read(struct lower *L, const struct fe_node *e)
{
	struct fe_map *m = fe_map_get(L, e);
	unsigned save = L->scratch_top, key;
	int r;

	if (!m || fe_map_note_use(L, e, NULL))
		return gen_const(L, e, 0);
	if (m->kind != TV_MAP_int && m->kind != TV_MAP__COUNT) {
		fe_error(L, e, "%s is a %s map: its value cannot be read in a probe", m->name,
			 tv_mapkind_name(m->kind));
		return gen_const(L, e, 0);
	}
	if (m->kind == TV_MAP__COUNT && L->final) { /* read, never assigned */
		m->kind = TV_MAP_int, m->val = (struct ty){.k = TY_INT, .size = 8, .sign = true};
		m->undefined = true;
	}
	key = fe_gen_key(L, m, e);
	r = fe_reg(L, e);
	EMIT(L, MLOAD, r, m->id, key);
	L->scratch_top = save;
	return r;
}

/* a OP b for the ops that map straight onto one opcode */
static int binop_opcode(enum fe_ast_op op, bool sign, bool *swap)
{
	*swap = op == TV_AST_GT || op == TV_AST_GE;
	switch (op) {
	case TV_AST_ADD: return TV_OP_ADD;
	case TV_AST_SUB: return TV_OP_SUB;
	case TV_AST_MUL: return TV_OP_MUL;
	case TV_AST_DIV: return sign ? TV_OP_SDIV : TV_OP_DIV;
	case TV_AST_MOD: return sign ? TV_OP_SMOD : TV_OP_MOD;
	case TV_AST_SHL: return TV_OP_SHL;
	case TV_AST_SHR: return TV_OP_SHR;
	case TV_AST_LT:
	case TV_AST_GT: return sign ? TV_OP_SLT : TV_OP_LT;
	case TV_AST_LE:
	case TV_AST_GE: return sign ? TV_OP_SLE : TV_OP_LE;
	case TV_AST_EQ: return TV_OP_EQ;
	case TV_AST_NE: return TV_OP_NE;
	case TV_AST_BAND: return TV_OP_AND;
	case TV_AST_BXOR: return TV_OP_XOR;
	case TV_AST_BOR: return TV_OP_OR;
	default: return -1;
	}
}

static int gen_str_compare(struct lower *L, const struct fe_node *e)
{
	struct ty a = fe_type_of(L, e->binop.lhs), b = fe_type_of(L, e->binop.rhs);
	unsigned size = a.size > b.size ? a.size : b.size, save = L->scratch_top;
	unsigned oa = fe_scratch(L, e, size), ob = fe_scratch(L, e, size);
	int r;

	fe_gen_str(L, e->binop.lhs, oa, size);
	fe_gen_str(L, e->binop.rhs, ob, size);
	r = fe_reg(L, e);
	EMIT(L, STRCMP, r, size > 255 ? 255 : size, oa, ob);
	if (e->binop.op == TV_AST_EQ)
		EMIT(L, LNOT, r, r);
	else
		EMIT(L, NE, r, r, 0); /* r != r0 is never used: r0 stays 0 */
	L->scratch_top = save;
	return r;
}

/* && and ||: the right side runs only when the left does not decide. */
static int gen_logical(struct lower *L, const struct fe_node *e)
{
	int r = fe_gen_int(L, e->binop.lhs), rhs, j;

	EMIT(L, NE, r, r, 0);
	j = e->binop.op == TV_AST_LAND ? EMIT(L, JZ, r, 0) : EMIT(L, JNZ, r, 0);
	rhs = fe_gen_int(L, e->binop.rhs);
	EMIT(L, NE, r, rhs, 0);
	fe_reg_free(L, rhs);
	fe_patch(L, j);
	return r;
}

static int gen_binop(struct lower *L, const struct fe_node *e)
{
	struct ty a = fe_type_of(L, e->binop.lhs), b = fe_type_of(L, e->binop.rhs);
	enum fe_ast_op op = e->binop.op;
	bool swap;
	int opc, ra, rb;

	if ((a.k == TY_PTR || b.k == TY_PTR) && !fe_ptr_binop_ok(L, e, a, b))
		return fe_reg(L, e);
	if (op == TV_AST_LAND || op == TV_AST_LOR)
		return gen_logical(L, e);
	if ((op == TV_AST_EQ || op == TV_AST_NE) && a.k == TY_STR && b.k == TY_STR)
		return gen_str_compare(L, e);
	/* buf() values are compared whole: length word and zero-padded bytes */
	if ((op == TV_AST_EQ || op == TV_AST_NE) &&
	    ((a.k == TY_RECORD && b.k == TY_RECORD) || (a.k == TY_BUF && b.k == TY_BUF)))
		return fe_gen_record_compare(L, e);
	if (a.k == TY_STR || b.k == TY_STR) {
		char ta[128], tb[128];
		struct fe_node whole = {.loc = e->binop.lhs->loc}; /* bpftrace marks it all */

		if (e->binop.rhs->loc.line == whole.loc.line)
			whole.loc.col_end = e->binop.rhs->loc.col_end;
		fe_error(L, &whole, "Type mismatch for '%s': comparing '%s' with '%s'",
			 fe_ast_op_text(op), fe_value_type_name(L, e->binop.lhs, ta, sizeof(ta)),
			 fe_value_type_name(L, e->binop.rhs, tb, sizeof(tb)));
		return fe_reg(L, e);
	}
	opc = binop_opcode(op, a.sign && b.sign, &swap);
	ra = fe_gen_int(L, e->binop.lhs);
	rb = fe_gen_int(L, e->binop.rhs);
	fe_ptr_scale_operand(L, e, a, b, ra, rb);
	if (swap)
		fe_emit(L, opc, (const __s64[]){ra, rb, ra}, 3);
	else
		fe_emit(L, opc, (const __s64[]){ra, ra, rb}, 3);
	fe_reg_free(L, rb);
	return ra;
}

/* *p: as wide as what p points at when that is an integer, else 8 bytes;
 * user memory for user pointers, and for integers where pointers are. */
static void gen_deref(struct lower *L, const struct fe_node *p, int r)
{
	struct ty t = fe_type_of(L, p);
	bool outer = L->plain_read;

	if (t.k != TY_PTR)
		t = (struct ty){.k = TY_PTR, .size = 8, .user = fe_user_address(L, p)};
	L->plain_read = fe_plain_root(L, p);
	fe_load_pointee(L, t, r);
	L->plain_read = outer;
}

const char *fe_param_text(const struct lower *L, const struct fe_node *p)
{
	return L->opts && p->param <= L->opts->nargs ? L->opts->args[p->param - 1] : "";
}

/* $N as a number, as bpftrace's std::stoll reads it: C's bases, blanks
 * before it, nothing after, 64 bits.  A missing $N is 0; one given
 * empty is not a number. */
int fe_param_int(const struct lower *L, const struct fe_node *p, __s64 *v)
{
	const char *s = fe_param_text(L, p);
	char *end;

	*v = 0;
	if (!L->opts || p->param > L->opts->nargs)
		return 0;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return end == s || *end || errno == ERANGE ? -EINVAL : 0;
}

static int gen_param(struct lower *L, const struct fe_node *e)
{
	__s64 v;

	if (fe_param_int(L, e, &v))
		fe_error(L, e, "$%ld used numerically but given \"%s\". Try using str($%ld).",
			 e->param, fe_param_text(L, e), e->param);
	return gen_const(L, e, v);
}

static int gen_unop(struct lower *L, const struct fe_node *e)
{
	int r = fe_gen_int(L, e->unop.expr);

	switch (e->unop.op) {
	case TV_AST_NEG: EMIT(L, NEG, r, r); break;
	case TV_AST_LNOT: EMIT(L, LNOT, r, r); break;
	case TV_AST_BNOT: EMIT(L, NOT, r, r); break;
	case TV_AST_DEREF: gen_deref(L, e->unop.expr, r); break;
	default: break;
	}
	return r;
}

static int gen_ternary(struct lower *L, const struct fe_node *e)
{
	int r = fe_gen_int(L, e->ternary.cond), jelse, jend, v;

	jelse = EMIT(L, JZ, r, 0);
	v = fe_gen_int(L, e->ternary.then);
	EMIT(L, MOV, r, v);
	fe_reg_free(L, v);
	jend = EMIT(L, JA, 0);
	fe_patch(L, jelse);
	v = fe_gen_int(L, e->ternary.els);
	EMIT(L, MOV, r, v);
	fe_reg_free(L, v);
	fe_patch(L, jend);
	return r;
}

static const struct {
	const char *name;
	unsigned size;
	bool sign;
} int_types[] = {
    {"int8", 1, true},	 {"int16", 2, true},   {"int32", 4, true},   {"int64", 8, true},
    {"uint8", 1, false}, {"uint16", 2, false}, {"uint32", 4, false}, {"uint64", 8, false},
    {"int", 4, true},	 {"char", 1, true},    {"long", 8, true},
};

bool fe_int_type(const char *name, unsigned *size, bool *sign)
{
	for (size_t i = 0; i < sizeof(int_types) / sizeof(int_types[0]); i++)
		if (!strcmp(int_types[i].name, name)) {
			*size = int_types[i].size;
			*sign = int_types[i].sign;
			return true;
		}
	return false;
}

/* (uint8)x and friends: truncate, then sign- or zero-extend. */
static int gen_cast(struct lower *L, const struct fe_node *e)
{
	const struct fe_node *t = e->cast.type;
	int r;

	struct ty from = fe_type_of(L, e->cast.expr);
	char name[32];

	if (from.k == TY_UNAME || from.k == TY_CGRP) { /* bpftrace keeps these what they are */
		fe_error(L, e, "Casts are not supported for type: \"%s\"",
			 fe_ty_name(L, from, name, sizeof(name)));
		return fe_reg(L, e);
	}
	r = fe_gen_int(L, e->cast.expr);
	fe_cast_type(L, e, true); /* struct casts: errors */
	if (t->type.ptr)
		return r;
	for (size_t i = 0; i < sizeof(int_types) / sizeof(int_types[0]); i++)
		if (!strcmp(int_types[i].name, t->type.name))
			fe_narrow(L, e, r, int_types[i].size, int_types[i].sign);
	return r;
}

/* sizeof(type) for the integer types and structs (BTF), sizeof(expr)
 * for any value.  s is the sizeof node. */
static __s64 sizeof_of(struct lower *L, const struct fe_node *s)
{
	const struct fe_node *n = s->expr;

	if (n->kind != TV_N_type)
		return fe_type_of(L, n).size;
	if (n->type.ptr)
		return 8;
	for (size_t i = 0; i < sizeof(int_types) / sizeof(int_types[0]); i++)
		if (!strcmp(int_types[i].name, n->type.name))
			return int_types[i].size;
	return fe_sizeof_struct(L, s);
}

/* An integer expression's value in a new register; the reads it makes
 * carry its location. */
int fe_gen_int(struct lower *L, const struct fe_node *e)
{
	return fe_gen_int_at(L, e, e->loc);
}

int fe_gen_int_at(struct lower *L, const struct fe_node *e, struct fe_loc at)
{
	struct fe_loc outer = L->at;
	int r;

	L->at = at;
	r = gen_int_node(L, e);
	L->at = outer;
	return r;
}

static int gen_int_node(struct lower *L, const struct fe_node *e)
{
	struct fe_var *v;
	int r;

	switch (e->kind) {
	case TV_N_int: return gen_const(L, e, fe_int_value(e));
	case TV_N_ident: return gen_builtin(L, e);
	case TV_N_var:
		v = var_find(L, e);
		r = fe_reg(L, e);
		if (v && !fe_is_bytes(v->ty))
			EMIT(L, LD, r, size_code(8, v->ty.sign), v->off);
		else if (v)
			fe_error(L, e, "%s is a %s, not an integer", e->name,
				 v->ty.k == TY_STR ? "string" : "tuple");
		return r;
	case TV_N_map: return gen_map_read(L, e);
	case TV_N_field: return gen_field(L, e);
	case TV_N_tuple_index: return fe_gen_tuple_elem_int(L, e);
	case TV_N_tuple:
		fe_error(L, e, "a tuple where an integer is expected");
		return fe_reg(L, e);
	case TV_N_index:
		return fe_is_ptr_index(L, e) ? fe_gen_ptr_index(L, e) : fe_gen_struct_int(L, e);
	case TV_N_binop: return gen_binop(L, e);
	case TV_N_unop: return gen_unop(L, e);
	case TV_N_ternary: return gen_ternary(L, e);
	case TV_N_cast: return gen_cast(L, e);
	case TV_N_call: return fe_gen_call(L, e, true);
	case TV_N_incdec: return fe_gen_incdec(L, e);
	case TV_N_param_count: return gen_const(L, e, L->opts ? L->opts->nargs : 0);
	case TV_N_sizeof: return gen_const(L, e, sizeof_of(L, e));
	case TV_N_param: return gen_param(L, e);
	case TV_N_str: fe_error(L, e, "a string where an integer is expected"); return fe_reg(L, e);
	default: fe_error(L, e, "this expression is not supported yet"); return fe_reg(L, e);
	}
}
