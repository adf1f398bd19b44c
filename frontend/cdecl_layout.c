/* Struct and union layout by the x86-64 System V ABI, as gcc does it: each
 * member at the next multiple of its alignment (1 when packed), a bitfield
 * at the next bit unless it would straddle a unit of its type's alignment,
 * ":0" closing the unit, the size rounded up to the largest alignment.
 * Packed bitfields take the next bits, whatever units they cross. */
#include <stdlib.h>
#include <string.h>

#include <linux/btf.h>

#include "frontend/cdecl_impl.h"

#define BTF_MAX_BITFIELD_OFF 0xffffffu /* what a kind_flag member offset holds */

struct layout {
	struct cdecl *cd;
	bool is_union, packed;
	uint64_t bits;	/* next free bit (struct), or the size so far (union) */
	uint32_t align; /* the largest member alignment */
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static const char *mname(struct cdecl *cd, const struct cd_member *m)
{
	return *fe_cd_str(cd, m->name) ? fe_cd_str(cd, m->name) : "<anonymous>";
}

static bool is_integer(struct cdecl *cd, int idx)
{
	const struct cd_type *t = fe_cd_type(cd, fe_cd_strip(cd, idx));

	return t->kind == CD_INT || (t->kind == CD_ENUM && t->complete);
}

/* What a member's layout needs of its type. */
struct mtype {
	uint64_t size;
	uint32_t align;
	bool complete;
};

static bool is_bool(struct cdecl *cd, int idx)
{
	const struct cd_type *t = fe_cd_type(cd, fe_cd_strip(cd, idx));

	return t->kind == CD_INT && t->encoding == BTF_INT_BOOL;
}

static int bitfield(struct layout *L, struct cd_member *m, const struct mtype *t)
{
	struct cdecl *cd = L->cd;
	const struct cd_tok *at = &cd->toks[m->tok];
	uint64_t unit = (L->packed || m->packed ? 1 : t->align) * 8, size = fe_cd_size(cd, m->type);

	if (!is_integer(cd, m->type))
		return fe_cd_error(cd, at, "bit-field '%s' has invalid type", mname(cd, m));
	if (m->bit_size > 0 &&
	    ((uint64_t)m->bit_size > size * 8 || (m->bit_size > 1 && is_bool(cd, m->type))))
		return fe_cd_error(cd, at, "width of '%s' exceeds its type", mname(cd, m));
	if (m->bit_size < 0) {
		/* ":0": the next bitfield starts a new unit of this type */
		if (!L->is_union)
			L->bits = align_up(L->bits, (uint64_t)t->align * 8);
		return 0;
	}
	if (m->align)
		L->bits = align_up(L->bits, (uint64_t)m->align * 8);
	if (!L->is_union && unit > 8 &&
	    L->bits / unit != (L->bits + (uint64_t)m->bit_size - 1) / unit)
		L->bits = align_up(L->bits, unit);
	m->bit_off = L->is_union ? 0 : L->bits;
	if (m->bit_off > BTF_MAX_BITFIELD_OFF)
		return fe_cd_error(cd, at, "bit-field '%s' is too far into its struct for BTF",
				   mname(cd, m));
	if (L->is_union)
		L->bits = L->bits > (uint64_t)m->bit_size ? L->bits : (uint64_t)m->bit_size;
	else
		L->bits += (uint64_t)m->bit_size;
	/* unnamed bitfields are padding: they do not align the struct */
	if (m->name && unit / 8 > L->align)
		L->align = (uint32_t)(unit / 8);
	if (m->align > L->align)
		L->align = m->align;
	return 0;
}

static int field(struct layout *L, struct cd_member *m, const struct mtype *t, bool last)
{
	struct cdecl *cd = L->cd;
	const struct cd_tok *at = &cd->toks[m->tok];
	const struct cd_type *s = fe_cd_type(cd, fe_cd_strip(cd, m->type));
	uint64_t a = L->packed || m->packed ? 1 : t->align, off;

	if (s->kind == CD_FUNC)
		return fe_cd_error(cd, at, "field '%s' declared as a function", mname(cd, m));
	if (!t->complete) {
		char what[300];

		fe_cd_describe(cd, fe_cd_strip(cd, m->type), what, sizeof(what));
		return fe_cd_error(cd, at, "field '%s' has incomplete type '%s'", mname(cd, m),
				   what);
	}
	if (s->kind == CD_ARRAY && s->flexible && (L->is_union || !last))
		return fe_cd_error(cd, at, "flexible array member '%s' %s", mname(cd, m),
				   L->is_union ? "in a union" : "not at end of struct");
	if (m->align > a)
		a = m->align;
	off = L->is_union ? 0 : align_up((L->bits + 7) / 8, a);
	if (off * 8 > UINT32_MAX)
		return fe_cd_error(cd, at, "field '%s' is too far into its struct for BTF",
				   mname(cd, m));
	m->bit_off = off * 8;
	if (L->is_union)
		L->bits = L->bits > t->size * 8 ? L->bits : t->size * 8;
	else
		L->bits = (off + t->size) * 8;
	if (a > L->align)
		L->align = (uint32_t)a;
	return 0;
}

struct seen {
	int name, tok;
};

static int by_name(const void *a, const void *b, void *cd)
{
	const struct seen *x = a, *y = b;

	return strcmp(fe_cd_str(cd, x->name), fe_cd_str(cd, y->name));
}

/* The names a struct's members can be reached by, through anonymous
 * members too (they are laid out already: their members are in cd.mems). */
static int collect(struct cdecl *cd, struct cd_vec *v, const struct cd_member *m, int n, int tok)
{
	for (int i = 0; i < n; i++) {
		const struct cd_type *t = fe_cd_type(cd, fe_cd_strip(cd, m[i].type));
		struct seen *s;

		if (!m[i].name && (t->kind == CD_STRUCT || t->kind == CD_UNION)) {
			if (t->count && collect(cd, v, (struct cd_member *)cd->mems.v + t->first, t->count,
				    tok >= 0 ? tok : m[i].tok) < 0)
				return -1;
			continue;
		}
		if (!m[i].name)
			continue;
		s = fe_cd_push(cd, v, sizeof(*s));
		if (!s)
			return -1;
		*s = (struct seen){m[i].name, tok >= 0 ? tok : m[i].tok};
	}
	return 0;
}

static int check_duplicates(struct cdecl *cd, const struct cd_member *m, int n)
{
	struct cd_vec v = {0};
	const struct seen *s;
	int err = collect(cd, &v, m, n, -1);

	s = v.v;
	if (!err && v.n > 1)
		qsort_r(v.v, (size_t)v.n, sizeof(*s), by_name, cd);
	for (int i = 1; !err && i < v.n; i++)
		if (!strcmp(fe_cd_str(cd, s[i - 1].name), fe_cd_str(cd, s[i].name))) {
			int later = s[i].tok > s[i - 1].tok ? s[i].tok : s[i - 1].tok;

			err = fe_cd_error(cd, &cd->toks[later], "duplicate member '%s'",
					  fe_cd_str(cd, s[i].name));
		}
	free(v.v);
	return err;
}

static int place(struct layout *L, struct cd_member *m, int n)
{
	for (int i = 0; i < n; i++) {
		bool complete = fe_cd_complete(L->cd, m[i].type); /* may complete it */
		struct mtype t = {fe_cd_size(L->cd, m[i].type), fe_cd_align(L->cd, m[i].type),
				  complete};
		int err = m[i].bit_size ? bitfield(L, &m[i], &t) : field(L, &m[i], &t, i == n - 1);

		if (err < 0)
			return -1;
	}
	return 0;
}

int fe_cd_layout(struct cdecl *cd, int idx, struct cd_member *m, int n, bool packed,
		 uint32_t aligned)
{
	struct cd_type *t = fe_cd_type(cd, idx);
	struct layout L = {.cd = cd, .is_union = t->kind == CD_UNION, .packed = packed, .align = 1};
	int first = cd->mems.n;
	uint64_t size;
	bool shadows = fe_cd_shadows(cd, idx);
	int err;

	cd->shadowing += shadows;
	err = place(&L, m, n) < 0 || check_duplicates(cd, m, n) < 0;
	cd->shadowing -= shadows;
	if (err)
		return -1;
	if (aligned > L.align)
		L.align = aligned;
	size = align_up((L.bits + 7) / 8, L.align);
	if (size > UINT32_MAX && n) {
		char what[300];

		fe_cd_describe(cd, idx, what, sizeof(what));
		return fe_cd_error(cd, &cd->toks[m[n - 1].tok],
				   "'%s' is too large: %llu bytes (BTF holds up to %u)", what,
				   (unsigned long long)size, UINT32_MAX);
	}
	for (int i = 0; i < n; i++) {
		struct cd_member *to = fe_cd_push(cd, &cd->mems, sizeof(*to));

		if (!to)
			return -1;
		*to = m[i];
	}
	t = fe_cd_type(cd, idx);
	t->first = first;
	t->count = n;
	t->size = size;
	t->align = L.align;
	t->complete = true;
	return 0;
}
