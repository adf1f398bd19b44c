/* Tuples: (a, b, ...) values.  A tuple is bytes, like a string, laid out
 * as bpftrace 0.17 lays one out (so sizeof matches): each element at the
 * next multiple of its alignment, the whole padded to its largest one.
 * Integers take their size and align to it (8 past 4 bytes); strings,
 * structs and the other byte values align to 1; arrays as their
 * elements; a tuple inside as its own largest.  Tuple types are interned
 * in the lowering state, so two tuples of the same element types have
 * the same type. */
#include <stdio.h>
#include <string.h>

#include "frontend/btf.h"
#include "frontend/lower.h"

static const struct fe_tuple *tuple_of(const struct lower *L, struct ty t)
{
	return t.k == TY_TUPLE && t.tup >= 0 && t.tup < L->ntuples ? &L->tuples[t.tup] : NULL;
}

static bool same_elem(struct ty a, struct ty b)
{
	return a.k == b.k && a.size == b.size && a.sign == b.sign && a.btf == b.btf &&
	       a.tup == b.tup;
}

static bool same_tuple(const struct fe_tuple *a, const struct fe_tuple *b)
{
	if (a->n != b->n || a->size != b->size)
		return false;
	for (int i = 0; i < a->n; i++)
		if (a->off[i] != b->off[i] || !same_elem(a->elem[i], b->elem[i]))
			return false;
	return true;
}

static struct ty intern(struct lower *L, const struct fe_node *at, const struct fe_tuple *t)
{
	for (int i = 0; i < L->ntuples; i++)
		if (same_tuple(&L->tuples[i], t))
			return (struct ty){.k = TY_TUPLE, .size = t->size, .tup = i};
	if (L->ntuples == TV_FE_MAX_TUPLES) {
		fe_error(L, at, "too many tuple types (at most %d)", TV_FE_MAX_TUPLES);
		return (struct ty){.k = TY_NONE};
	}
	L->tuples[L->ntuples] = *t;
	return (struct ty){.k = TY_TUPLE, .size = t->size, .tup = L->ntuples++};
}

/* An element as the tuple holds it: a pointer (or an untyped value) is
 * its 8-byte integer; an integer of an odd width is 8 bytes. */
static struct ty elem_type(struct ty et)
{
	if (et.k == TY_NONE || et.k == TY_PTR)
		return (struct ty){.k = TY_INT, .size = 8, .sign = et.k == TY_NONE};
	if (!fe_is_bytes(et) && (et.size == 0 || et.size > 8 || (et.size & (et.size - 1))))
		et.size = 8;
	return et;
}

static unsigned int_align(unsigned size)
{
	return size <= 2 ? (size ? size : 1) : size <= 4 ? 4 : 8;
}

/* An array aligns as its element; a struct or union as a byte array. */
static unsigned record_align(struct lower *L, int id, int depth)
{
	struct fe_btf_type t, elem;

	if (depth > 8 || fe_type(L, id, &t) || t.kind != TV_BTF_ARRAY ||
	    fe_type(L, (int)t.ref, &elem))
		return 1;
	if (elem.kind == TV_BTF_ARRAY)
		return record_align(L, (int)elem.id, depth + 1);
	if (elem.kind == TV_BTF_INT || elem.kind == TV_BTF_PTR)
		return int_align(elem.size);
	return 1;
}

static unsigned elem_align(struct lower *L, struct ty et)
{
	const struct fe_tuple *t = tuple_of(L, et);

	if (t)
		return t->align;
	if (et.k == TY_RECORD)
		return record_align(L, et.btf, 0);
	return fe_is_bytes(et) ? 1 : int_align(et.size);
}

struct ty fe_tuple_of_types(struct lower *L, const struct fe_node *at, const struct ty *elems,
			    int n)
{
	struct fe_tuple t;

	memset(&t, 0, sizeof(t));
	t.align = 1;
	if (n > TV_FE_MAX_TUPLE_ELEMS) {
		fe_error(L, at, "a tuple has at most %d elements", TV_FE_MAX_TUPLE_ELEMS);
		return (struct ty){.k = TY_NONE};
	}
	for (int i = 0; i < n; i++) {
		unsigned a;

		t.elem[i] = elem_type(elems[i]);
		a = elem_align(L, t.elem[i]);
		t.align = a > t.align ? a : t.align;
		t.off[i] = (t.size + a - 1) / a * a;
		t.size = t.off[i] + t.elem[i].size;
	}
	t.size = (t.size + t.align - 1) / t.align * t.align;
	t.n = n;
	return intern(L, at, &t);
}

struct ty fe_tuple_for_kv(struct lower *L, const struct fe_node *at, struct ty key, struct ty val)
{
	struct fe_tuple t;

	memset(&t, 0, sizeof(t));
	t.n = 2;
	t.elem[0] = elem_type(key);
	t.elem[1] = elem_type(val);
	t.off[1] = (t.elem[0].size + 7) & ~7u; /* tv_for_val_off */
	t.size = t.off[1] + t.elem[1].size;
	t.align = 8;
	return intern(L, at, &t);
}

/* An element written in the tuple: a string literal is as long as it
 * is, with its NUL, and an integer cast the integer it names ((int8)1 is
 * one byte), as bpftrace types them. */
static struct ty literal_elem_type(struct lower *L, const struct fe_node *e)
{
	struct ty t = fe_type_of(L, e);
	unsigned size;
	bool sign;

	if (e->kind == TV_N_str && e->str.len + 1 < TV_CONST_MAX)
		t.size = (unsigned)e->str.len + 1;
	if (e->kind == TV_N_cast && t.k == TY_INT && !e->cast.type->type.ptr &&
	    fe_int_type(e->cast.type->type.name, &size, &sign))
		t.size = size, t.sign = sign;
	return t;
}

struct ty fe_tuple_type(struct lower *L, const struct fe_node *e)
{
	struct ty et[TV_FE_MAX_TUPLE_ELEMS];

	if (e->list.n > TV_FE_MAX_TUPLE_ELEMS) {
		fe_error(L, e, "a tuple has at most %d elements", TV_FE_MAX_TUPLE_ELEMS);
		return (struct ty){.k = TY_NONE};
	}
	for (int i = 0; i < e->list.n; i++) {
		et[i] = literal_elem_type(L, e->list.v[i]);
		if (et[i].k == TY_NONE && e->list.v[i]->kind == TV_N_tuple)
			return et[i]; /* the inner tuple's error is told */
	}
	return fe_tuple_of_types(L, e, et, e->list.n);
}

bool fe_tuple_compatible(struct lower *L, struct ty a, struct ty b)
{
	const struct fe_tuple *ta = tuple_of(L, a), *tb = tuple_of(L, b);

	if (!ta || !tb || ta->n != tb->n)
		return false;
	for (int i = 0; i < ta->n; i++) {
		struct ty x = ta->elem[i], y = tb->elem[i];

		if (x.k == TY_TUPLE ? !fe_tuple_compatible(L, x, y)
		    : x.k == TY_STR ? y.k != TY_STR
				    : !same_elem(x, y))
			return false;
	}
	return true;
}

struct ty fe_tuple_merge(struct lower *L, const struct fe_node *at, struct ty a, struct ty b)
{
	const struct fe_tuple *ta = tuple_of(L, a), *tb = tuple_of(L, b);
	struct ty et[TV_FE_MAX_TUPLE_ELEMS];
	int n;

	if (!ta || !tb || ta->n != tb->n)
		return a;
	n = ta->n;
	for (int i = 0; i < n; i++) {
		et[i] = ta->elem[i];
		if (et[i].k == TY_TUPLE)
			et[i] = fe_tuple_merge(L, at, ta->elem[i], tb->elem[i]);
		else if (et[i].k == TY_STR && tb->elem[i].size > et[i].size)
			et[i].size = tb->elem[i].size;
	}
	return fe_tuple_of_types(L, at, et, n);
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

static void store_int(struct lower *L, const struct fe_node *e, struct ty want, unsigned off)
{
	int r = fe_gen_int(L, e);

	EMIT(L, ST, r, want.size, off);
	fe_reg_free(L, r);
}

/* Tuple literal e written in the layout of t (e's own, or one it is
 * compatible with). */
static int gen_literal_as(struct lower *L, const struct fe_node *e, const struct fe_tuple *t,
			  unsigned off)
{
	EMIT(L, SZERO, off, t->size);
	for (int i = 0; i < t->n && i < e->list.n; i++) {
		if (fe_is_bytes(t->elem[i]))
			fe_gen_bytes_as(L, e->list.v[i], t->elem[i], off + t->off[i]);
		else
			store_int(L, e->list.v[i], t->elem[i], off + t->off[i]);
	}
	return 0;
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
	return gen_literal_as(L, e, t, off);
}

/* S[doff] as tuple d = S[soff] as compatible tuple s, element by element:
 * strings are cut or padded to their new sizes. */
static void convert(struct lower *L, const struct fe_node *at, const struct fe_tuple *d,
		    unsigned doff, const struct fe_tuple *s, unsigned soff)
{
	EMIT(L, SZERO, doff, d->size);
	for (int i = 0; i < d->n && i < s->n; i++) {
		struct ty de = d->elem[i], se = s->elem[i];
		unsigned to = doff + d->off[i], from = soff + s->off[i];

		if (de.k == TY_TUPLE && tuple_of(L, de) && tuple_of(L, se)) {
			convert(L, at, tuple_of(L, de), to, tuple_of(L, se), from);
		} else if (fe_is_bytes(de)) {
			EMIT(L, SCOPY, de.size < se.size ? de.size : se.size, to, from);
		} else {
			int r = fe_reg(L, at);

			EMIT(L, LD, r, se.size | (se.sign ? TV_Z_SIGNED : 0), from);
			EMIT(L, ST, r, de.size, to);
			fe_reg_free(L, r);
		}
	}
}

int fe_gen_bytes_as(struct lower *L, const struct fe_node *e, struct ty want, unsigned off)
{
	const struct fe_tuple *w = tuple_of(L, want), *have;
	struct ty et;
	unsigned save = L->scratch_top, tmp;

	if (!w)
		return fe_gen_str(L, e, off, want.size);
	if (e->kind == TV_N_tuple && fe_tuple_compatible(L, want, fe_type_of(L, e)))
		return gen_literal_as(L, e, w, off);
	et = fe_type_of(L, e);
	have = tuple_of(L, et);
	if (!have || et.tup == want.tup || !fe_tuple_compatible(L, want, et))
		return fe_gen_str(L, e, off, want.size);
	tmp = fe_scratch(L, e, have->size);
	if (fe_gen_str(L, e, tmp, have->size))
		return -1;
	convert(L, e, w, off, have, tmp);
	L->scratch_top = save;
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
		fe_error(L, e, "element %d of this tuple is %s, not an integer", i,
			 t->elem[i].k == TY_TUPLE ? "a tuple" : "a string");
		return fe_reg(L, e);
	}
	off = tuple_in_scratch(L, e, t);
	r = fe_reg(L, e);
	EMIT(L, LD, r, t->elem[i].size | (t->elem[i].sign ? TV_Z_SIGNED : 0), off + t->off[i]);
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

/* "(i1,x1,i2,s16)": the host prints the value as bpftrace prints a tuple,
 * skipping the padding; false when it does not fit in n. */
bool fe_tuple_type_string(struct lower *L, struct ty tt, char *buf, size_t n)
{
	const struct fe_tuple *t = tuple_of(L, tt);
	size_t len = 1;
	unsigned at = 0;

	if (!t || n < 3)
		return false;
	buf[0] = '(';
	for (int i = 0; i < t->n; i++) {
		unsigned pad = t->off[i] - at;
		int k = pad ? snprintf(buf + len, n - len, "%sx%u", i ? "," : "", pad) : 0;

		if (k < 0 || (size_t)k + 2 >= n - len)
			return false;
		len += (size_t)k;
		if (i || pad)
			buf[len++] = ',';
		if (!fe_value_type_string(L, t->elem[i], t->elem[i].size, buf + len, n - len))
			return false;
		len += strlen(buf + len);
		at = t->off[i] + t->elem[i].size;
	}
	if (at < t->size) {
		int k = snprintf(buf + len, n - len, "%sx%u", t->n ? "," : "", t->size - at);

		if (k < 0 || (size_t)k >= n - len)
			return false;
		len += (size_t)k;
	}
	return snprintf(buf + len, n - len, ")") == 1 && len + 1 < n;
}
