/* The C declaration parser's type graph: growable arrays, the name pool,
 * the symbol hash, and at the end the graph written out as BTF. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/cdecl_impl.h"

void *fe_cd_push(struct cdecl *cd, struct cd_vec *v, size_t size)
{
	if (v->n == v->cap) {
		int cap = v->cap ? v->cap * 2 : 16;
		void *p = v->cap < (1 << 28) ? realloc(v->v, (size_t)cap * size) : NULL;

		if (!p) {
			fe_cd_error(cd, NULL, "out of memory");
			return NULL;
		}
		v->v = p;
		v->cap = cap;
	}
	return memset((char *)v->v + (size_t)v->n++ * size, 0, size);
}

/* The first error is kept: later ones are its consequences. */
int fe_cd_error(struct cdecl *cd, const struct cd_tok *t, const char *fmt, ...)
{
	va_list ap;

	if (cd->err->msg[0])
		return -1;
	if (t) {
		cd->err->line = t->line;
		cd->err->col = t->col;
		cd->err->col_end = t->col + t->len - 1;
	}
	va_start(ap, fmt);
	vsnprintf(cd->err->msg, sizeof(cd->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int fe_cd_name(struct cdecl *cd, const char *s, int len)
{
	int at = cd->names.n;

	for (int i = 0; i <= len; i++) {
		char *c = fe_cd_push(cd, &cd->names, 1);

		if (!c)
			return -1;
		*c = i < len ? s[i] : 0;
	}
	return at;
}

const char *fe_cd_str(const struct cdecl *cd, int name)
{
	return (const char *)cd->names.v + name;
}

struct cd_type *fe_cd_type(struct cdecl *cd, int idx)
{
	return (struct cd_type *)cd->types.v + idx;
}

int fe_cd_new_type(struct cdecl *cd, enum cd_kind kind, int ref)
{
	struct cd_type *t = fe_cd_push(cd, &cd->types, sizeof(*t));

	if (!t)
		return -1;
	t->kind = kind;
	t->ref = ref;
	if (kind == CD_PTR) {
		t->size = t->align = 8;
		t->complete = true;
	}
	return cd->types.n - 1;
}

static unsigned hash(int ns, const char *s, int len)
{
	unsigned h = 2166136261u ^ (unsigned)ns;

	for (int i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int sym_slot(const struct cdecl *cd, int ns, const char *s, int len)
{
	unsigned mask = (unsigned)cd->symcap - 1;

	for (unsigned i = hash(ns, s, len) & mask;; i = (i + 1) & mask) {
		const struct cd_sym *y = &cd->syms[i];
		const char *name = fe_cd_str(cd, y->name);

		if (!y->ns || (y->ns == ns && !strncmp(name, s, (size_t)len) && !name[len]))
			return (int)i;
	}
}

/* The type (or enumerator) index a name has in its space, -1 if none. */
int fe_cd_sym_find(const struct cdecl *cd, int ns, const char *s, int len)
{
	int i;

	if (!cd->symcap)
		return -1;
	i = sym_slot(cd, ns, s, len);
	return cd->syms[i].ns ? cd->syms[i].val : -1;
}

static int sym_grow(struct cdecl *cd)
{
	struct cd_sym *old = cd->syms;
	int n = cd->symcap;

	cd->symcap = n ? n * 2 : 64;
	cd->syms = calloc((size_t)cd->symcap, sizeof(*cd->syms));
	if (!cd->syms) {
		cd->syms = old;
		cd->symcap = n;
		return fe_cd_error(cd, NULL, "out of memory");
	}
	for (int i = 0; i < n; i++)
		if (old[i].ns) {
			const char *s = fe_cd_str(cd, old[i].name);

			cd->syms[sym_slot(cd, old[i].ns, s, (int)strlen(s))] = old[i];
		}
	free(old);
	return 0;
}

int fe_cd_sym_add(struct cdecl *cd, int ns, int name, int val)
{
	const char *s = fe_cd_str(cd, name);
	int i;

	if (cd->nsyms * 2 >= cd->symcap && sym_grow(cd) < 0)
		return -1;
	i = sym_slot(cd, ns, s, (int)strlen(s));
	if (!cd->syms[i].ns)
		cd->nsyms++;
	cd->syms[i] = (struct cd_sym){.name = name, .ns = ns, .val = val};
	return 0;
}

/* Past typedefs and qualifiers: the type a member's layout depends on. */
int fe_cd_strip(struct cdecl *cd, int idx)
{
	for (;;) {
		struct cd_type *t = fe_cd_type(cd, idx);

		if (t->kind != CD_TYPEDEF && t->kind != CD_CONST && t->kind != CD_VOLATILE)
			return idx;
		idx = t->ref;
	}
}

/* A struct or union used by value that the text has not defined: the
 * env's, unless the struct being laid out shadows one of the env's. */
static void complete_outside(struct cdecl *cd, struct cd_type *t)
{
	uint64_t size;
	uint32_t align;

	if (t->complete || t->defining || !t->name || cd->shadowing || !cd->env ||
	    (t->kind != CD_STRUCT && t->kind != CD_UNION))
		return;
	if (!cd->env->outside(cd->env->ctx, t->kind == CD_UNION, fe_cd_str(cd, t->name), &size,
			      &align))
		return;
	t->size = size, t->align = align ? align : 1;
	t->complete = t->outside = true;
}

bool fe_cd_complete(struct cdecl *cd, int idx)
{
	struct cd_type *t = fe_cd_type(cd, fe_cd_strip(cd, idx));

	complete_outside(cd, t);
	return t->complete;
}

bool fe_cd_shadows(struct cdecl *cd, int idx)
{
	const struct cd_type *t = fe_cd_type(cd, idx);
	uint64_t size;
	uint32_t align;

	return t->name && cd->env &&
	       cd->env->outside(cd->env->ctx, t->kind == CD_UNION, fe_cd_str(cd, t->name), &size,
				&align);
}

uint64_t fe_cd_size(struct cdecl *cd, int idx)
{
	return fe_cd_type(cd, fe_cd_strip(cd, idx))->size;
}

/* A typedef's aligned(N) replaces the alignment of what it names. */
uint32_t fe_cd_align(struct cdecl *cd, int idx)
{
	for (;;) {
		struct cd_type *t = fe_cd_type(cd, idx);

		if (t->kind == CD_TYPEDEF && t->align_attr)
			return t->align_attr;
		if (t->kind != CD_TYPEDEF && t->kind != CD_CONST && t->kind != CD_VOLATILE)
			return t->align;
		idx = t->ref;
	}
}

/* "struct A", "int", "T" for errors. */
int fe_cd_describe(struct cdecl *cd, int idx, char *buf, size_t len)
{
	struct cd_type *t = fe_cd_type(cd, idx);
	const char *tag = t->kind == CD_STRUCT	? "struct "
			  : t->kind == CD_UNION ? "union "
			  : t->kind == CD_ENUM	? "enum "
						: "";
	const char *name = fe_cd_str(cd, t->name);

	if (t->kind == CD_PTR)
		return snprintf(buf, len, "pointer");
	if (t->kind == CD_ARRAY)
		return snprintf(buf, len, "array");
	if (t->kind == CD_FUNC)
		return snprintf(buf, len, "function");
	if (t->kind == CD_VOID)
		return snprintf(buf, len, "void");
	return snprintf(buf, len, "%s%s", tag, *name ? name : "<anonymous>");
}

static int btf_id(int base, int idx)
{
	return idx ? base + idx - 1 : 0;
}

static int emit_members(struct cdecl *cd, struct btf *btf, int base, const struct cd_type *t)
{
	for (int i = 0; i < t->count; i++) {
		const struct cd_member *m = (struct cd_member *)cd->mems.v + t->first + i;
		int err;

		if (m->bit_size < 0 || (m->bit_size && !m->name))
			continue; /* unnamed bitfields are padding */
		if (t->kind == CD_FUNC)
			err =
			    btf__add_func_param(btf, fe_cd_str(cd, m->name), btf_id(base, m->type));
		else
			err = btf__add_field(btf, fe_cd_str(cd, m->name), btf_id(base, m->type),
					     (__u32)m->bit_off, (__u32)m->bit_size);
		if (err < 0)
			return err;
	}
	if (t->kind == CD_FUNC && t->vararg)
		return btf__add_func_param(btf, "", 0);
	return 0;
}

static int emit_enum(struct cdecl *cd, struct btf *btf, const struct cd_type *t, const char *name)
{
	int id = btf__add_enum(btf, name, (__u32)t->size), err = 0;

	for (int i = 0; id >= 0 && !err && i < t->count; i++) {
		const struct cd_enumval *e = (struct cd_enumval *)cd->enums.v + t->first + i;

		err = btf__add_enum_value(btf, fe_cd_str(cd, e->name), e->value);
	}
	return err < 0 ? err : id;
}

static int emit_one(struct cdecl *cd, struct btf *btf, int base, const struct cd_type *t)
{
	const char *name = fe_cd_str(cd, t->name);
	int ref = btf_id(base, t->ref), err, id;

	switch (t->kind) {
	case CD_VOID: return 0;
	case CD_INT: return btf__add_int(btf, name, t->size, t->encoding);
	case CD_FLOAT: return btf__add_float(btf, name, t->size);
	case CD_PTR: return btf__add_ptr(btf, ref);
	case CD_ARRAY:
		return btf__add_array(btf, btf_id(base, fe_cd_arith(cd, CD_A_UINT)), ref,
				      t->nelems);
	case CD_TYPEDEF: return btf__add_typedef(btf, name, ref);
	case CD_CONST: return btf__add_const(btf, ref);
	case CD_VOLATILE: return btf__add_volatile(btf, ref);
	case CD_ENUM:
		if (!t->complete)
			return btf__add_fwd(btf, name, BTF_FWD_ENUM);
		return emit_enum(cd, btf, t, name);
	case CD_FUNC:
		id = btf__add_func_proto(btf, ref);
		err = id < 0 ? id : emit_members(cd, btf, base, t);
		return err < 0 ? err : id;
	case CD_STRUCT:
	case CD_UNION:
		if (!t->complete || t->outside)
			return btf__add_fwd(btf, name,
					    t->kind == CD_UNION ? BTF_FWD_UNION : BTF_FWD_STRUCT);
		id = t->kind == CD_UNION ? btf__add_union(btf, name, (__u32)t->size)
					 : btf__add_struct(btf, name, (__u32)t->size);
		err = id < 0 ? id : emit_members(cd, btf, base, t);
		return err < 0 ? err : id;
	}
	return -EINVAL;
}

int fe_cd_emit(struct cdecl *cd, struct btf *btf)
{
	int base = (int)btf__type_cnt(btf);

	/* the array index type, made before emission starts */
	if (fe_cd_arith(cd, CD_A_UINT) <= 0)
		return -1;
	for (int i = 1; i < cd->types.n; i++) {
		int id = emit_one(cd, btf, base, fe_cd_type(cd, i));

		if (id < 0)
			return fe_cd_error(cd, NULL, "cannot add type %d to BTF: %s", i,
					   strerror(-id));
		if (id != btf_id(base, i))
			return fe_cd_error(cd, NULL, "BTF id %d for type %d, not %d", id, i,
					   btf_id(base, i));
	}
	return 0;
}

void fe_cd_free(struct cdecl *cd)
{
	free(cd->toks);
	free(cd->types.v);
	free(cd->mems.v);
	free(cd->enums.v);
	free(cd->names.v);
	free(cd->syms);
}
