/* Tuples: (a, b, ...) values.  A tuple is bytes, like a string: its
 * elements one after another, integers in 8 bytes and strings in their
 * size rounded up to 8, so a tuple copies, compares and lives in maps the
 * way strings do.  Tuple types are interned in the lowering state, so two
 * tuples of the same element types have the same type. */
#include <stdio.h>
#include <string.h>

#include "frontend/lower.h"

static const struct fe_tuple *tuple_of(const struct lower *L, struct ty t)
{
	return t.k == TY_TUPLE && t.tup >= 0 && t.tup < L->ntuples ? &L->tuples[t.tup] : NULL;
}

static struct ty intern(struct lower *L, const struct fe_node *at, const struct fe_tuple *t)
{
	for (int i = 0; i < L->ntuples; i++)
		if (L->tuples[i].n == t->n &&
		    !memcmp(L->tuples[i].elem, t->elem, t->n * sizeof(t->elem[0])))
			return (struct ty){.k = TY_TUPLE, .size = t->size, .tup = i};
	if (L->ntuples == TV_FE_MAX_TUPLES) {
		fe_error(L, at, "too many tuple types (at most %d)", TV_FE_MAX_TUPLES);
		return (struct ty){.k = TY_NONE};
	}
	L->tuples[L->ntuples] = *t;
	return (struct ty){.k = TY_TUPLE, .size = t->size, .tup = L->ntuples++};
}

/* Integers (and pointers) take 8 bytes, strings their size rounded up. */
static struct ty elem_slot(struct ty et)
{
	if (!fe_is_bytes(et))
		et = (struct ty){.k = et.k == TY_NONE || et.k == TY_PTR ? TY_INT : et.k,
				 .size = 8,
				 .sign = et.k == TY_INT ? true : et.sign};
	et.size = (et.size + 7) & ~7u;
	return et;
}

struct ty fe_tuple_of_types(struct lower *L, const struct fe_node *at, const struct ty *elems,
			    int n)
{
	struct fe_tuple t;

	memset(&t, 0, sizeof(t));
	if (n > TV_FE_MAX_TUPLE_ELEMS) {
		fe_error(L, at, "a tuple has at most %d elements", TV_FE_MAX_TUPLE_ELEMS);
		return (struct ty){.k = TY_NONE};
	}
	for (int i = 0; i < n; i++) {
		if (elems[i].k == TY_TUPLE) {
			fe_error(L, at, "nested tuples are not supported");
			return (struct ty){.k = TY_NONE};
		}
		t.elem[i] = elem_slot(elems[i]);
		t.off[i] = t.size;
		t.size += t.elem[i].size;
	}
	t.n = n;
	return intern(L, at, &t);
}

struct ty fe_tuple_type(struct lower *L, const struct fe_node *e)
{
	struct ty et[TV_FE_MAX_TUPLE_ELEMS];

	if (e->list.n > TV_FE_MAX_TUPLE_ELEMS) {
		fe_error(L, e, "a tuple has at most %d elements", TV_FE_MAX_TUPLE_ELEMS);
		return (struct ty){.k = TY_NONE};
	}
	for (int i = 0; i < e->list.n; i++) {
		et[i] = fe_type_of(L, e->list.v[i]);
		if (et[i].k == TY_TUPLE) {
			fe_error(L, e->list.v[i], "nested tuples are not supported");
			return (struct ty){.k = TY_NONE};
		}
	}
	return fe_tuple_of_types(L, e, et, e->list.n);
}

/* The tuple a tuple_index node reads from, and the element's index. */
static const struct fe_tuple *indexed(struct lower *L, const struct fe_node *e, int *i)
{
	const struct fe_tuple *t = tuple_of(L, fe_type_of(L, e->field.expr));

	*i = e->field.index;
	if (!t) {
		fe_error(L, e, "only a tuple has elements .0, .1, ...");
		return NULL;
	}
	if (*i < 0 || *i >= t->n) {
		fe_error(L, e, "Invalid tuple index: %d. Found %d elements in tuple.", *i, t->n);
		return NULL;
	}
	return t;
}

struct ty fe_tuple_elem_type(struct lower *L, const struct fe_node *e)
{
	const struct fe_tuple *t = tuple_of(L, fe_type_of(L, e->field.expr));
	int i = e->field.index;

	return t && i >= 0 && i < t->n ? t->elem[i]
				       : (struct ty){.k = TY_INT, .size = 8, .sign = true};
}

int fe_gen_tuple(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	struct ty tt = fe_type_of(L, e);
	const struct fe_tuple *t = tuple_of(L, tt);

	if (!t)
		return -1;
	if (tt.size != size) {
		fe_error(L, e, "this tuple does not fit here (%u bytes, %u expected)", tt.size,
			 size);
		return -1;
	}
	EMIT(L, SZERO, off, size);
	for (int i = 0; i < t->n; i++) {
		if (fe_is_bytes(t->elem[i])) {
			fe_gen_str(L, e->list.v[i], off + t->off[i], t->elem[i].size);
		} else {
			int r = fe_gen_int(L, e->list.v[i]);

			EMIT(L, ST, r, 8, off + t->off[i]);
			fe_reg_free(L, r);
		}
	}
	return 0;
}

/* The tuple behind e->field.expr in scratch: a variable's own slot, or a
 * temporary it is written into. */
static unsigned tuple_in_scratch(struct lower *L, const struct fe_node *e, const struct fe_tuple *t)
{
	const struct fe_node *base = e->field.expr;
	unsigned tmp;

	if (base->kind == TV_N_var) {
		struct fe_var *v = fe_var_find(L, base->name);

		if (v)
			return v->off;
	}
	tmp = fe_scratch(L, e, t->size);
	fe_gen_str(L, base, tmp, t->size);
	return tmp;
}

int fe_gen_tuple_elem_int(struct lower *L, const struct fe_node *e)
{
	int i, r;
	const struct fe_tuple *t = indexed(L, e, &i);
	unsigned save = L->scratch_top, off;

	if (!t)
		return fe_reg(L, e);
	if (fe_is_bytes(t->elem[i])) {
		fe_error(L, e, "element %d of this tuple is a string, not an integer", i);
		return fe_reg(L, e);
	}
	off = tuple_in_scratch(L, e, t);
	r = fe_reg(L, e);
	EMIT(L, LD, r, 8 | (t->elem[i].sign ? TV_Z_SIGNED : 0), off + t->off[i]);
	L->scratch_top = save;
	return r;
}

int fe_gen_tuple_elem_str(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	int i;
	const struct fe_tuple *t = indexed(L, e, &i);
	unsigned save = L->scratch_top, src, n;

	if (!t)
		return -1;
	if (!fe_is_bytes(t->elem[i])) {
		fe_error(L, e, "element %d of this tuple is an integer, not a string", i);
		return -1;
	}
	src = tuple_in_scratch(L, e, t);
	n = t->elem[i].size < size ? t->elem[i].size : size;
	if (n < size)
		EMIT(L, SZERO, off + n, size - n);
	EMIT(L, SCOPY, n, off, src + t->off[i]);
	L->scratch_top = save;
	return 0;
}

/* "(i8,s16)": the host prints the value as bpftrace prints a tuple. */
void fe_tuple_type_string(struct lower *L, struct ty tt, char *buf, size_t n)
{
	const struct fe_tuple *t = tuple_of(L, tt);
	size_t len = 0;

	buf[0] = 0;
	if (!t || n < 3)
		return;
	buf[len++] = '(';
	for (int i = 0; i < t->n && len + 12 < n; i++) {
		if (i)
			buf[len++] = ',';
		fe_value_type_string(L, t->elem[i], t->elem[i].size, buf + len, n - len);
		len += strlen(buf + len);
	}
	snprintf(buf + len, n - len, ")");
}
