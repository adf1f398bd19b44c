/* Types as bpftrace names them in its errors ("Type mismatch for @x: trying
 * to assign value of type 'string[2]' ..."), so tracevm's errors read the
 * same: int64 (unsigned int64 as a map key), string[N], (int64,string[2]),
 * and an aggregation by its function's name. */
#include <stdio.h>
#include <string.h>

#include "frontend/lower.h"

static size_t name_ty(struct lower *L, struct ty t, bool key, char *buf, size_t n)
{
	size_t len = 0;

	switch (t.k) {
	case TY_STR: return (size_t)snprintf(buf, n, "string[%u]", t.size);
	case TY_MAC: return (size_t)snprintf(buf, n, "mac_address");
	case TY_PTR: return fe_ptr_name(L, t, buf, n);
	case TY_UNAME: return (size_t)snprintf(buf, n, "username");
	case TY_CGRP: return (size_t)snprintf(buf, n, "cgroup_path");
	case TY_TUPLE:
		len = (size_t)snprintf(buf, n, "(");
		for (int i = 0; t.tup >= 0 && t.tup < L->ntuples && i < L->tuples[t.tup].n; i++) {
			if (i && len < n)
				len += (size_t)snprintf(buf + len, n - len, ",");
			if (len < n)
				len +=
				    name_ty(L, L->tuples[t.tup].elem[i], key, buf + len, n - len);
		}
		return len + (len < n ? (size_t)snprintf(buf + len, n - len, ")") : 0);
	case TY_INT: /* a tuple's element keeps its width: (int8,int64) */
		if (t.size && t.size < 8)
			return (size_t)snprintf(buf, n, "%sint%u", t.sign ? "" : "unsigned ",
						8 * t.size);
		return (size_t)snprintf(buf, n, "%sint64", key ? "unsigned " : "");
	default: return (size_t)snprintf(buf, n, "%sint64", key ? "unsigned " : "");
	}
}

/* A string literal's type is as long as the literal, with its NUL. */
static struct ty shown(struct lower *L, const struct fe_node *e)
{
	struct ty t = fe_type_of(L, e);

	if (e && e->kind == TV_N_str)
		t.size = (unsigned)e->str.len + 1;
	return t;
}

const char *fe_ty_name(struct lower *L, struct ty t, char *buf, size_t n)
{
	name_ty(L, t, false, buf, n);
	return buf;
}

const char *fe_value_type_name(struct lower *L, const struct fe_node *value, char *buf, size_t n)
{
	enum tv_mapkind kind;

	if (fe_is_agg_call(value, &kind))
		snprintf(buf, n, "%s", tv_mapkind_name(kind));
	else
		name_ty(L, shown(L, value), false, buf, n);
	return buf;
}

const char *fe_map_type_name(struct lower *L, const struct fe_map *m, char *buf, size_t n)
{
	if (m->kind != TV_MAP_int && m->kind != TV_MAP_bytes)
		snprintf(buf, n, "%s", tv_mapkind_name(m->kind));
	else
		name_ty(L,
			m->kind == TV_MAP_int && m->val.k != TY_PTR
			    ? (struct ty){.k = TY_INT, .size = 8, .sign = true}
			    : m->val,
			false, buf, n);
	return buf;
}

const char *fe_keys_type_name(struct lower *L, const struct fe_list *keys, const struct ty *types,
			      int ntypes, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "[");
	int nk = keys ? keys->n : ntypes;

	for (int i = 0; i < nk && len < n; i++) {
		struct ty t = keys ? shown(L, keys->v[i]) : types[i];

		if (i)
			len += (size_t)snprintf(buf + len, n - len, ", ");
		if (len < n)
			len += name_ty(L, t, t.k != TY_STR && t.k != TY_TUPLE, buf + len, n - len);
	}
	if (len < n)
		snprintf(buf + len, n - len, "]");
	return buf;
}
