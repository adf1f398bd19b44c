/* Declarators ("*const p", "(*fp)(int)", "a[2][3]"), the attributes that
 * change a layout, and the integer constant expressions of array sizes,
 * bitfield widths and enumerator values. */
#include <stdlib.h>
#include <string.h>

#include "frontend/cdecl_impl.h"

/* ---- declarators ----------------------------------------------------------- */

static bool one_of(const struct cd_tok *t, const char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fe_cd_is(t, w[i]))
			return true;
	return false;
}

static bool is_const(const struct cd_tok *t)
{
	static const char *const w[] = {"const", "__const", "__const__"};

	return one_of(t, w, 3);
}

static bool is_volatile(const struct cd_tok *t)
{
	static const char *const w[] = {"volatile", "__volatile", "__volatile__"};

	return one_of(t, w, 3);
}

bool fe_cd_qualifier(const struct cd_tok *t)
{
	static const char *const w[] = {"restrict", "__restrict", "__restrict__"};

	return is_const(t) || is_volatile(t) || one_of(t, w, 3);
}

/* The type with the qualifier q (restrict changes no layout: dropped). */
int fe_cd_qualify(struct cdecl *cd, int type, const struct cd_tok *q)
{
	if (!is_const(q) && !is_volatile(q))
		return type;
	return fe_cd_new_type(cd, is_const(q) ? CD_CONST : CD_VOLATILE, type);
}

struct suffix {
	bool func;
	bool flexible;
	uint64_t n;
	int proto, tok;
};

static int array_of(struct cdecl *cd, int elem, const struct suffix *s, bool outermost)
{
	const struct cd_tok *at = &cd->toks[s->tok];
	struct cd_type *t;
	uint64_t size;
	int idx;

	if (fe_cd_type(cd, fe_cd_strip(cd, elem))->kind == CD_FUNC)
		return fe_cd_error(cd, at, "array of functions");
	if (!fe_cd_complete(cd, elem) || (s->flexible && !outermost)) {
		char what[300];

		fe_cd_describe(cd, fe_cd_strip(cd, elem), what, sizeof(what));
		return fe_cd_error(cd, at, "array type has incomplete element type '%s'",
				   s->flexible ? "array" : what);
	}
	if (__builtin_mul_overflow(s->n, fe_cd_size(cd, elem), &size) || size > UINT32_MAX ||
	    s->n > UINT32_MAX)
		return fe_cd_error(cd, at, "array is too large (BTF holds up to %u bytes)",
				   UINT32_MAX);
	idx = fe_cd_new_type(cd, CD_ARRAY, elem);
	if (idx < 0)
		return -1;
	t = fe_cd_type(cd, idx);
	t->nelems = (uint32_t)s->n;
	t->size = size;
	t->align = fe_cd_align(cd, elem);
	t->complete = true;
	t->flexible = s->flexible;
	return idx;
}

static int apply(struct cdecl *cd, int type, const struct suffix *s, bool outermost)
{
	const struct cd_type *r = fe_cd_type(cd, fe_cd_strip(cd, type));

	if (!s->func)
		return array_of(cd, type, s, outermost);
	if (r->kind == CD_FUNC || r->kind == CD_ARRAY)
		return fe_cd_error(cd, &cd->toks[s->tok], "function returns %s",
				   r->kind == CD_FUNC ? "a function" : "an array");
	fe_cd_type(cd, s->proto)->ref = type;
	return s->proto;
}

/* An array or function parameter is a pointer. */
static int decay(struct cdecl *cd, int type)
{
	const struct cd_type *t = fe_cd_type(cd, fe_cd_strip(cd, type));

	if (t->kind == CD_ARRAY)
		return fe_cd_new_type(cd, CD_PTR, t->ref);
	if (t->kind == CD_FUNC)
		return fe_cd_new_type(cd, CD_PTR, type);
	return type;
}

static int param(struct cdecl *cd, struct cd_vec *ps, int count)
{
	struct cd_spec s = {0};
	const struct cd_tok *at = fe_cd_tok(cd);
	struct cd_member *m;
	int type, name;

	if (fe_cd_specifiers(cd, &s, false) < 0 || fe_cd_declarator(cd, s.type, &type, &name) < 0)
		return -1;
	if (fe_cd_type(cd, fe_cd_strip(cd, type))->kind == CD_VOID) {
		if (count || name >= 0 || !fe_cd_punct(fe_cd_tok(cd), ')'))
			return fe_cd_error(cd, at, "'void' must be the only parameter");
		return 0;
	}
	type = decay(cd, type);
	m = type < 0 ? NULL : fe_cd_push(cd, ps, sizeof(*m));
	if (!m)
		return -1;
	m->type = type;
	if (name >= 0)
		m->name = fe_cd_name(cd, cd->toks[name].text, cd->toks[name].len);
	return m->name < 0 ? -1 : 0;
}

/* "(int, char *, ...)": a function type whose return type comes later. */
static int params(struct cdecl *cd, int *proto)
{
	struct cd_vec ps = {0};
	bool vararg = false;
	int err = 0;

	cd->pos++;
	while (!err && !fe_cd_accept(cd, ')')) {
		if (fe_cd_accept(cd, CD_P_ELLIPSIS)) {
			vararg = true;
			err = ps.n ? fe_cd_expect(cd, ')', "')'")
				   : fe_cd_error(cd, fe_cd_tok(cd) - 1,
						 "'...' needs a parameter before it");
			break;
		}
		err = param(cd, &ps, ps.n);
		if (!err && !fe_cd_punct(fe_cd_tok(cd), ')'))
			err = fe_cd_expect(cd, ',', "',' or ')'");
	}
	*proto = err ? -1 : fe_cd_new_type(cd, CD_FUNC, 0);
	if (*proto >= 0) {
		struct cd_type *t = fe_cd_type(cd, *proto);

		t->first = cd->mems.n;
		t->count = ps.n;
		t->vararg = vararg;
		t->complete = true;
		for (int i = 0; i < ps.n && *proto >= 0; i++) {
			struct cd_member *m = fe_cd_push(cd, &cd->mems, sizeof(*m));

			if (!m)
				*proto = -1;
			else
				*m = ((struct cd_member *)ps.v)[i];
		}
	}
	free(ps.v);
	return *proto < 0 ? -1 : 0;
}

static int dimension(struct cdecl *cd, struct suffix *s)
{
	int64_t n;

	cd->pos++;
	if (fe_cd_accept(cd, ']')) {
		s->flexible = true;
		return 0;
	}
	if (fe_cd_const_expr(cd, &n) < 0)
		return -1;
	if (n < 0)
		return fe_cd_error(cd, &cd->toks[s->tok], "size of array is negative");
	s->n = (uint64_t)n;
	return fe_cd_expect(cd, ']', "']'");
}

/* "[2][3](int)": each suffix applied from the last, to base. */
static int suffixes(struct cdecl *cd, int base, int *type)
{
	struct cd_vec v = {0};
	int err = 0;

	while (!err && (fe_cd_punct(fe_cd_tok(cd), '[') || fe_cd_punct(fe_cd_tok(cd), '('))) {
		struct suffix *s = fe_cd_push(cd, &v, sizeof(*s));

		if (!s) {
			err = -1;
			break;
		}
		s->tok = cd->pos;
		s->func = fe_cd_punct(fe_cd_tok(cd), '(');
		err = s->func ? params(cd, &s->proto) : dimension(cd, s);
	}
	for (int i = v.n - 1; !err && i >= 0; i--) {
		base = apply(cd, base, (struct suffix *)v.v + i, i == 0);
		err = base < 0 ? -1 : 0;
	}
	free(v.v);
	*type = base;
	return err;
}

/* After '(' in a declarator: a parenthesized declarator, not parameters. */
static bool nested(struct cdecl *cd)
{
	const struct cd_tok *n = fe_cd_tok(cd) + 1;

	if (fe_cd_punct(n, '*') || fe_cd_punct(n, '('))
		return true;
	return n->kind == CD_T_IDENT && !fe_cd_type_start(cd, n) && !fe_cd_is(n, "__attribute__");
}

static int matching_paren(struct cdecl *cd, int open)
{
	int depth = 0;

	for (int i = open; i < cd->ntoks; i++) {
		depth += fe_cd_punct(&cd->toks[i], '(') - fe_cd_punct(&cd->toks[i], ')');
		if (!depth)
			return i;
	}
	return fe_cd_error(cd, &cd->toks[open], "unbalanced '('");
}

/* "(*fp)[3]": the suffixes after the parentheses apply first, then what is
 * inside them (the pointer), so the inside is parsed last. */
static int parenthesized(struct cdecl *cd, int base, int *type, int *name_tok)
{
	int open = cd->pos, close = matching_paren(cd, open), end;

	if (close < 0)
		return -1;
	cd->pos = close + 1;
	if (suffixes(cd, base, &base) < 0)
		return -1;
	end = cd->pos;
	cd->pos = open + 1;
	if (fe_cd_declarator(cd, base, type, name_tok) < 0 || fe_cd_expect(cd, ')', "')'") < 0)
		return -1;
	if (cd->pos != close + 1)
		return fe_cd_error(cd, fe_cd_tok(cd), "expected ')'");
	cd->pos = end;
	return 0;
}

static int pointers(struct cdecl *cd, int *base)
{
	while (fe_cd_accept(cd, '*')) {
		*base = fe_cd_new_type(cd, CD_PTR, *base);
		for (;;) {
			struct cd_attrs ignored = {0};

			if (*base < 0)
				return -1;
			if (fe_cd_qualifier(fe_cd_tok(cd)))
				*base = fe_cd_qualify(cd, *base, &cd->toks[cd->pos++]);
			else if (fe_cd_is(fe_cd_tok(cd), "__attribute__"))
				fe_cd_attributes(cd, &ignored);
			else
				break;
		}
	}
	return 0;
}

/* A declarator, named or abstract: its type built on base, and its name's
 * token (-1 for none). */
int fe_cd_declarator(struct cdecl *cd, int base, int *type, int *name_tok)
{
	int err = fe_cd_enter(cd);

	*name_tok = -1;
	if (!err)
		err = pointers(cd, &base);
	if (!err && fe_cd_punct(fe_cd_tok(cd), '(') && nested(cd)) {
		err = parenthesized(cd, base, type, name_tok);
	} else if (!err) {
		if (fe_cd_tok(cd)->kind == CD_T_IDENT && !fe_cd_is(fe_cd_tok(cd), "__attribute__"))
			*name_tok = cd->pos++;
		err = suffixes(cd, base, type);
	}
	cd->depth--;
	return err;
}

/* "unsigned long", "struct A *", "int (*)[3]" in sizeof and casts. */
int fe_cd_type_name(struct cdecl *cd, int *type)
{
	struct cd_spec s = {0};
	int name;

	if (fe_cd_specifiers(cd, &s, false) < 0 || fe_cd_declarator(cd, s.type, type, &name) < 0)
		return -1;
	if (name >= 0)
		return fe_cd_error(cd, &cd->toks[name], "expected a type name, not a declaration");
	return 0;
}

/* ---- attributes ------------------------------------------------------------- */

static int skip_args(struct cdecl *cd)
{
	int close;

	if (!fe_cd_punct(fe_cd_tok(cd), '('))
		return 0;
	close = matching_paren(cd, cd->pos);
	if (close < 0)
		return -1;
	cd->pos = close + 1;
	return 0;
}

static int aligned(struct cdecl *cd, struct cd_attrs *a)
{
	const struct cd_tok *at;
	int64_t n = 16; /* bare "aligned": the largest alignment x86-64 needs */

	if (fe_cd_accept(cd, '(')) {
		at = fe_cd_tok(cd);
		if (fe_cd_const_expr(cd, &n) < 0 || fe_cd_expect(cd, ')', "')'") < 0)
			return -1;
		if (n <= 0 || (n & (n - 1)))
			return fe_cd_error(cd, at,
					   "requested alignment %lld is not a positive power of 2",
					   (long long)n);
		if (n > (1 << 28))
			return fe_cd_error(cd, at, "requested alignment %lld is too large",
					   (long long)n);
	}
	if ((uint32_t)n > a->align)
		a->align = (uint32_t)n;
	return 0;
}

static int attribute(struct cdecl *cd, struct cd_attrs *a)
{
	const struct cd_tok *t = fe_cd_tok(cd);

	if (t->kind != CD_T_IDENT)
		return 0;
	cd->pos++;
	if (fe_cd_is(t, "packed") || fe_cd_is(t, "__packed__")) {
		a->packed = true;
		return 0;
	}
	if (fe_cd_is(t, "aligned") || fe_cd_is(t, "__aligned__"))
		return aligned(cd, a);
	return skip_args(cd); /* unused, section(...): nothing for a layout */
}

/* Any number of __attribute__((a, b(1))). */
int fe_cd_attributes(struct cdecl *cd, struct cd_attrs *a)
{
	while (fe_cd_is(fe_cd_tok(cd), "__attribute__") || fe_cd_is(fe_cd_tok(cd), "__attribute")) {
		cd->pos++;
		if (fe_cd_expect(cd, '(', "'(' after __attribute__") < 0 ||
		    fe_cd_expect(cd, '(', "'(' after __attribute__(") < 0)
			return -1;
		while (!fe_cd_accept(cd, ')')) {
			if (attribute(cd, a) < 0)
				return -1;
			if (!fe_cd_punct(fe_cd_tok(cd), ')') &&
			    fe_cd_expect(cd, ',', "',' or ')'") < 0)
				return -1;
		}
		if (fe_cd_expect(cd, ')', "')'") < 0)
			return -1;
	}
	return 0;
}
