/* Integer constant expressions of array sizes, bitfield widths, enumerator
 * values and alignments: 64-bit signed arithmetic, where an overflow, a
 * division by zero or a shift out of range is an error, not a guess. */
#include "frontend/cdecl_impl.h"

static int cond(struct cdecl *cd, int64_t *v);

static int overflow(struct cdecl *cd, const struct cd_tok *op)
{
	return fe_cd_error(cd, op, "integer overflow in constant expression");
}

static int shift(struct cdecl *cd, const struct cd_tok *op, int64_t a, int64_t b, int64_t *v)
{
	if (b < 0 || b > 63)
		return fe_cd_error(cd, op, "shift count %lld is out of range", (long long)b);
	if (op->punct == CD_P_SHR) {
		*v = a >> b;
		return 0;
	}
	if (a < 0 || (b && a > (INT64_MAX >> b)))
		return overflow(cd, op);
	*v = a << b;
	return 0;
}

static int divide(struct cdecl *cd, const struct cd_tok *op, int64_t a, int64_t b, int64_t *v)
{
	if (!b)
		return fe_cd_error(cd, op, "division by zero");
	if (a == INT64_MIN && b == -1)
		return overflow(cd, op);
	*v = op->punct == '/' ? a / b : a % b;
	return 0;
}

static int binop(struct cdecl *cd, const struct cd_tok *op, int64_t a, int64_t b, int64_t *v)
{
	switch (op->punct) {
	case '+': return __builtin_add_overflow(a, b, v) ? overflow(cd, op) : 0;
	case '-': return __builtin_sub_overflow(a, b, v) ? overflow(cd, op) : 0;
	case '*': return __builtin_mul_overflow(a, b, v) ? overflow(cd, op) : 0;
	case '/':
	case '%': return divide(cd, op, a, b, v);
	case CD_P_SHL:
	case CD_P_SHR: return shift(cd, op, a, b, v);
	case '&': *v = a & b; return 0;
	case '|': *v = a | b; return 0;
	case '^': *v = a ^ b; return 0;
	case '<': *v = a < b; return 0;
	case '>': *v = a > b; return 0;
	case CD_P_LE: *v = a <= b; return 0;
	case CD_P_GE: *v = a >= b; return 0;
	case CD_P_EQ: *v = a == b; return 0;
	case CD_P_NE: *v = a != b; return 0;
	case CD_P_ANDAND: *v = a && b; return 0;
	case CD_P_OROR: *v = a || b; return 0;
	}
	return fe_cd_error(cd, op, "unexpected operator");
}

/* C's binding strength of a binary operator, 0 for none. */
static int precedence(const struct cd_tok *t)
{
	if (t->kind != CD_T_PUNCT)
		return 0;
	switch (t->punct) {
	case CD_P_OROR: return 1;
	case CD_P_ANDAND: return 2;
	case '|': return 3;
	case '^': return 4;
	case '&': return 5;
	case CD_P_EQ:
	case CD_P_NE: return 6;
	case '<':
	case '>':
	case CD_P_LE:
	case CD_P_GE: return 7;
	case CD_P_SHL:
	case CD_P_SHR: return 8;
	case '+':
	case '-': return 9;
	case '*':
	case '/':
	case '%': return 10;
	}
	return 0;
}

static int unary(struct cdecl *cd, int64_t *v);

static int sizeof_type(struct cdecl *cd, bool align, int64_t *v)
{
	const struct cd_tok *at = fe_cd_tok(cd) - 1; /* the keyword */
	int type;

	if (fe_cd_expect(cd, '(', "'('") < 0)
		return -1;
	if (!fe_cd_type_start(cd, fe_cd_tok(cd)))
		return fe_cd_error(cd, fe_cd_tok(cd), "expected a type name in %s",
				   align ? "_Alignof" : "sizeof");
	if (fe_cd_type_name(cd, &type) < 0 || fe_cd_expect(cd, ')', "')'") < 0)
		return -1;
	if (!fe_cd_complete(cd, type) || fe_cd_type(cd, fe_cd_strip(cd, type))->kind == CD_FUNC) {
		char what[300];

		fe_cd_describe(cd, fe_cd_strip(cd, type), what, sizeof(what));
		return fe_cd_error(cd, at, "invalid application of '%s' to incomplete type '%s'",
				   align ? "_Alignof" : "sizeof", what);
	}
	*v = align ? (int64_t)fe_cd_align(cd, type) : (int64_t)fe_cd_size(cd, type);
	return 0;
}

static int primary(struct cdecl *cd, int64_t *v)
{
	const struct cd_tok *t = fe_cd_tok(cd);
	int e;

	if (t->kind == CD_T_NUM) {
		cd->pos++;
		if (t->value > INT64_MAX)
			return overflow(cd, t);
		*v = (int64_t)t->value;
		return 0;
	}
	if (fe_cd_accept(cd, '('))
		return cond(cd, v) < 0 ? -1 : fe_cd_expect(cd, ')', "')'");
	if (t->kind != CD_T_IDENT)
		return fe_cd_error(cd, t, "expected an integer constant expression");
	e = fe_cd_sym_find(cd, CD_NS_ORD, t->text, t->len);
	if (e > -2)
		return fe_cd_error(cd, t, "'%.*s' is not an integer constant", t->len, t->text);
	*v = ((struct cd_enumval *)cd->enums.v)[-2 - e].value;
	cd->pos++;
	return 0;
}

static int cast_or_primary(struct cdecl *cd, int64_t *v)
{
	int type;

	if (!fe_cd_punct(fe_cd_tok(cd), '(') || !fe_cd_type_start(cd, fe_cd_tok(cd) + 1))
		return primary(cd, v);
	cd->pos++;
	/* "(unsigned long)4": any integer type keeps the value, checked above */
	if (fe_cd_type_name(cd, &type) < 0 || fe_cd_expect(cd, ')', "')'") < 0)
		return -1;
	return unary(cd, v);
}

static int unary(struct cdecl *cd, int64_t *v)
{
	const struct cd_tok *t = fe_cd_tok(cd);
	int err = fe_cd_enter(cd);

	if (err)
		return -1;
	if (fe_cd_is(t, "sizeof") || fe_cd_is(t, "_Alignof") || fe_cd_is(t, "__alignof__") ||
	    fe_cd_is(t, "__alignof")) {
		cd->pos++;
		err = sizeof_type(cd, !fe_cd_is(t, "sizeof"), v);
	} else if (t->kind == CD_T_PUNCT &&
		   (t->punct == '-' || t->punct == '+' || t->punct == '~' || t->punct == '!')) {
		cd->pos++;
		err = unary(cd, v);
		if (!err && t->punct == '-')
			err = *v == INT64_MIN ? overflow(cd, t) : (*v = -*v, 0);
		else if (!err && t->punct != '+')
			*v = t->punct == '~' ? ~*v : !*v;
	} else {
		err = cast_or_primary(cd, v);
	}
	cd->depth--;
	return err;
}

/* Operators at least as strong as min, by precedence climbing. */
static int binary(struct cdecl *cd, int min, int64_t *v)
{
	if (unary(cd, v) < 0)
		return -1;
	for (;;) {
		const struct cd_tok *op = fe_cd_tok(cd);
		int p = precedence(op);
		int64_t rhs;

		if (!p || p < min)
			return 0;
		cd->pos++;
		if (binary(cd, p + 1, &rhs) < 0 || binop(cd, op, *v, rhs, v) < 0)
			return -1;
	}
}

static int cond(struct cdecl *cd, int64_t *v)
{
	int64_t a, b;

	if (fe_cd_enter(cd) < 0 || binary(cd, 1, v) < 0)
		return -1;
	if (fe_cd_accept(cd, '?')) {
		if (cond(cd, &a) < 0 || fe_cd_expect(cd, ':', "':'") < 0 || cond(cd, &b) < 0)
			return -1;
		*v = *v ? a : b;
	}
	cd->depth--;
	return 0;
}

int fe_cd_const_expr(struct cdecl *cd, int64_t *v)
{
	return cond(cd, v);
}
