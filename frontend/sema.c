/* Types of expressions, and the kind and key/value types of every map,
 * fixed at first use as bpftrace does. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"

/* A diagnostic at n (or nowhere).  A block made once per attach point
 * meets its errors once each (warnings are told once by the list). */
static void diag_at(struct lower *L, const struct fe_node *n, bool warning, const char *fmt,
		    va_list ap)
{
	struct fe_loc at = n ? n->loc : (struct fe_loc){0};
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (warning) {
		tv_diag_warn(L->diag, at.line, at.col, at.col_end, "%s", msg);
		return;
	}
	for (int i = 0; i < L->diag->n; i++) {
		const struct tv_err *e = &L->diag->err[i];

		if (e->line == at.line && (!n || e->col == at.col) && !strcmp(e->msg, msg))
			return;
	}
	tv_diag_add(L->diag, at.line, at.col, at.col_end, "%s", msg);
}

void fe_warn(struct lower *L, const struct fe_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_at(L, n, true, fmt, ap);
	va_end(ap);
}

void fe_error(struct lower *L, const struct fe_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_at(L, n, false, fmt, ap);
	va_end(ap);
}

static const struct {
	const char *name;
	enum bi_how how;
	int id;
} builtins[] = {
#define X(name, how, id) {#name, how, id},
    TV_FE_BUILTINS(X)
#undef X
};

int fe_builtin(const char *name, enum bi_how *how, int *id)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (builtins[i].name[0] == name[0] && !strcmp(builtins[i].name, name)) {
			*how = builtins[i].how;
			*id = builtins[i].id;
			return 0;
		}
	return -1;
}

static const struct ty T_INT64 = {.k = TY_INT, .size = 8, .sign = true};
static const struct ty T_UINT64 = {.k = TY_INT, .size = 8, .sign = false};

static struct ty str_ty(unsigned size)
{
	return (struct ty){.k = TY_STR, .size = size, .sign = false};
}

static struct ty builtin_type(struct lower *L, const struct fe_node *e)
{
	enum bi_how how;
	int id;

	if (fe_builtin(e->name, &how, &id)) {
		struct fe_macro *m = fe_macro_find(L, e->name, strlen(e->name));

		__s64 v;

		if (m && m->kind == FE_MACRO_STR)
			return str_ty(TV_STR_MAX);
		if (!m && fe_enum_value(L, e, &v))
			return T_INT64; /* an enumerator: int64, as bpftrace types it */
		return m ? T_INT64 : (struct ty){.k = TY_NONE};
	}
	switch (how) {
	case B_COMM: return str_ty(TV_COMM_LEN);
	case B_KSTACK: return (struct ty){.k = TY_KSTACK, .size = 8, .sign = false};
	case B_USTACK: return (struct ty){.k = TY_USTACK, .size = 8, .sign = false};
	case B_BUILTIN:
		if (id == TV_BI_curtask)
			return (struct ty){.k = TY_PTR, .size = 8, .btf = FE_BTF_TASK};
		return id == TV_BI_probe ? (struct ty){.k = TY_PROBE, .size = 8, .sign = false}
					 : T_UINT64;
	case B_FUNC: return (struct ty){.k = TY_FUNC, .size = 8, .sign = false};
	case B_USERNAME: return (struct ty){.k = TY_UNAME, .size = 8, .sign = false};
	case B_CTX: /* kernel memory, whatever the probe: what a cast of it reads */
		return (struct ty){.k = TY_PTR, .size = 8, .elem = 8};
	case B_ARG: return L->usdt_args ? T_INT64 : T_UINT64; /* usdt: int64, as bpftrace */
	default: return T_UINT64;
	}
}

/* args->field: the tracepoint's format gives offset, size and sign. */
bool fe_is_args_of(const struct fe_node *f)
{
	const struct fe_node *base = f->field.expr;

	return f->kind == TV_N_field && base->kind == TV_N_ident && !strcmp(base->name, "args") &&
	       f->field.name;
}

const struct fe_tp_field *fe_args_field(struct lower *L, const struct fe_node *f)
{
	const struct fe_node *base = f->field.expr;

	if (base->kind != TV_N_ident || strcmp(base->name, "args") || !f->field.name)
		return NULL;
	if (!L->tp)
		return NULL;
	return fe_tp_field_find(L->tp, f->field.name);
}

static struct ty field_type(struct lower *L, const struct fe_node *e)
{
	const struct fe_tp_field *f;

	if (fe_is_struct_access(e))
		return fe_struct_type(L, e);
	f = fe_args_field(L, e);
	if (!f && fe_is_args_of(e) && L->probe_type == TV_PT_uprobe) {
		int id;

		return fe_uprobe_arg(L, NULL, e->field.name, &id) < 0
			   ? (struct ty){.k = TY_NONE}
			   : fe_btf_value_type(L, id, true);
	}
	if (!f)
		return (struct ty){.k = TY_NONE, .size = 0, .sign = false};
	if (f->is_array && !strcmp(f->type, "char"))
		return str_ty(f->size);
	if (f->data_loc)
		return str_ty(TV_STR_MAX); /* the string the location word points at */
	return (struct ty){.k = TY_INT, .size = 8, .sign = f->is_signed && !f->is_ptr};
}

struct fe_var *fe_var_find(struct lower *L, const char *name)
{
	/* the newest first: a for loop's variable hides one of the same name */
	for (int i = L->nvars - 1; i >= 0; i--)
		if (!strcmp(L->vars[i].name, name))
			return &L->vars[i];
	return NULL;
}

/* A string literal is as long as it is, at least TV_STR_MAX and at most a
 * constant: a longer one is told where it is stored (fe_gen_str), not
 * as the variable or scratch it would not fit. */
static struct ty literal_type(const struct fe_node *e)
{
	size_t size = e->str.len + 1;

	return str_ty(size < TV_STR_MAX ? TV_STR_MAX : size > TV_CONST_MAX ? TV_CONST_MAX : size);
}

/* *p of a pointer to a pointer is that pointer, *p of an integer pointer
 * that integer; other unary operators give 64-bit integers */
static struct ty unop_type(struct lower *L, const struct fe_node *e)
{
	struct ty t;

	if (e->unop.op != TV_AST_DEREF)
		return T_INT64;
	t = fe_type_of(L, e->unop.expr);
	return t.k == TY_PTR ? fe_ptr_deref_type(L, t) : T_INT64;
}

struct ty fe_type_of(struct lower *L, const struct fe_node *e)
{
	const struct fe_var *v;
	struct fe_map *m;

	switch (e->kind) {
	case TV_N_str: return literal_type(e);
	case TV_N_ident: return builtin_type(L, e);
	case TV_N_var:
		v = fe_var_find(L, e->name);
		return v ? v->ty : (struct ty){.k = TY_NONE, .size = 0, .sign = false};
	case TV_N_map:
		m = fe_map_get(L, e);
		if (m && m->kind == TV_MAP__COUNT)
			L->stale = true; /* typed before it was assigned */
		/* integer maps may hold a probe, a function, a symbol or a stack */
		return m && (m->kind == TV_MAP_bytes ||
			     (m->kind == TV_MAP_int && (m->val.k > TY_STR || m->val.k == TY_PTR)))
			   ? m->val
			   : T_INT64;
	case TV_N_field: return field_type(L, e);
	case TV_N_tuple: return fe_tuple_type(L, e);
	case TV_N_tuple_index: return fe_tuple_elem_type(L, e);
	case TV_N_index:
		return fe_is_ptr_index(L, e) ? fe_ptr_deref_type(L, fe_type_of(L, e->index.expr))
					     : fe_struct_type(L, e);
	case TV_N_cast: return fe_cast_type(L, e, false);
	case TV_N_unop: return unop_type(L, e);
	case TV_N_binop: return fe_binop_type(L, e);
	case TV_N_incdec: { /* p++ is a pointer like p */
		struct ty t = fe_type_of(L, e->incdec.expr);

		return t.k == TY_PTR ? t : T_INT64;
	}
	case TV_N_call: return fe_call_type(L, e);
	case TV_N_ternary: {
		struct ty a = fe_type_of(L, e->ternary.then), b = fe_type_of(L, e->ternary.els);

		return a.k == TY_STR && b.k == TY_STR && b.size > a.size ? b : a;
	}
	default: return T_INT64;
	}
}

struct fe_map *fe_map_get(struct lower *L, const struct fe_node *m)
{
	for (int i = 0; i < L->nmaps; i++)
		if (L->maps[i].name[1] == m->map.name[1] && !strcmp(L->maps[i].name, m->map.name))
			return &L->maps[i];
	if (L->nmaps == TV_MAX_MAPS) {
		fe_error(L, m, "too many maps (at most %d)", TV_MAX_MAPS);
		return NULL;
	}
	L->maps[L->nmaps] = (struct fe_map){
	    .name = m->map.name, .id = L->nmaps, .kind = TV_MAP__COUNT, .nkeys = -1, .loc = m->loc};
	return &L->maps[L->nmaps++];
}

static const struct {
	const char *name;
	enum tv_mapkind kind;
} agg_calls[] = {
    {"count", TV_MAP_count}, {"sum", TV_MAP_sum},     {"min", TV_MAP_min},
    {"max", TV_MAP_max},     {"avg", TV_MAP_avg},     {"stats", TV_MAP_stats},
    {"hist", TV_MAP_hist},   {"lhist", TV_MAP_lhist},
};

bool fe_is_agg_call(const struct fe_node *e, enum tv_mapkind *kind)
{
	if (e->kind != TV_N_call)
		return false;
	for (size_t i = 0; i < sizeof(agg_calls) / sizeof(agg_calls[0]); i++)
		if (!strcmp(agg_calls[i].name, e->call.name)) {
			*kind = agg_calls[i].kind;
			return true;
		}
	return false;
}

static bool same_ty(struct ty a, struct ty b)
{
	return a.k == b.k && (a.k != TY_STR || a.size == b.size) &&
	       (a.k != TY_TUPLE || a.tup == b.tup) && (a.k != TY_RECORD || a.btf == b.btf);
}

/* Key types come from the first use with keys; later uses must agree. */
static int note_keys(struct lower *L, struct fe_map *m, const struct fe_node *map)
{
	const struct fe_list *keys = &map->map.keys;

	if (m->nkeys < 0) {
		if (keys->n > TV_FE_MAX_KEYS) {
			fe_error(L, map, "too many keys (at most %d)", TV_FE_MAX_KEYS);
			return -1;
		}
		m->nkeys = keys->n;
		for (int i = 0; i < keys->n; i++) {
			m->key[i] = fe_type_of(L, keys->v[i]);
			if (m->key[i].k == TY_INT)
				m->key[i].size = 8;
		}
		return 0;
	}
	for (int i = 0; m->nkeys == keys->n && i < keys->n; i++) {
		struct ty t = fe_type_of(L, keys->v[i]);

		if (t.k == TY_STR && m->key[i].k == TY_STR && t.size != m->key[i].size)
			continue; /* strings of another size are copied to the key's size */
		if (t.k == TY_TUPLE && fe_tuple_compatible(L, m->key[i], t)) {
			struct ty wide = fe_tuple_merge(L, keys->v[i], m->key[i], t);

			/* a longer string: code made for the narrower key is redone */
			if (wide.k == TY_TUPLE && wide.tup != m->key[i].tup)
				m->key[i] = wide, L->stale = true;
			if (i == keys->n - 1)
				return 0;
			continue;
		}
		if (!same_ty(t, m->key[i]) && !(t.k == TY_INT && m->key[i].k == TY_INT))
			break;
		if (i == keys->n - 1)
			return 0;
	}
	if (m->nkeys == keys->n && !keys->n)
		return 0;
	{
		char now[256], before[256];

		fe_error(L, map,
			 "Argument mismatch for %s: trying to access with arguments: %s when map "
			 "expects arguments: %s",
			 m->name, fe_keys_type_name(L, keys, NULL, 0, now, sizeof(now)),
			 fe_keys_type_name(L, NULL, m->key, m->nkeys, before, sizeof(before)));
	}
	return -1;
}

static int lhist_params(struct lower *L, struct fe_map *m, const struct fe_node *call)
{
	const struct fe_list *a = &call->call.args;
	__s64 p[3];

	if (a->n != 4) {
		fe_error(L, call, "lhist() takes 4 arguments (value, min, max, step)");
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		const struct fe_node *n = a->v[i + 1];

		if (!fe_literal_int(L, n, &p[i])) {
			fe_error(L, n, "lhist() %s must be an integer literal",
				 i == 0	  ? "min"
				 : i == 1 ? "max"
					  : "step");
			return -1;
		}
	}
	if (p[0] >= p[1]) {
		fe_error(L, call,
			 "lhist() min must be less than max (provided min %lld and max %lld)",
			 (long long)p[0], (long long)p[1]);
		return -1;
	}
	if (p[2] < 1) {
		fe_error(L, call, "lhist() step must be >= 1 (%lld provided)", (long long)p[2]);
		return -1;
	}
	if ((p[1] - p[0]) / p[2] > 1000) {
		fe_error(L, call, "lhist() can have at most 1000 buckets (%lld asked for)",
			 (long long)((p[1] - p[0]) / p[2]));
		return -1;
	}
	m->lmin = p[0], m->lmax = p[1], m->lstep = p[2];
	return 0;
}

static int note_use(struct lower *L, struct fe_map *m, const struct fe_node *target,
		    const struct fe_node *value);

/* The kind a value gives a map: an aggregation, an integer or bytes.  A
 * change after an earlier statement used the map makes the pass stale. */
int fe_map_note_use(struct lower *L, const struct fe_node *target, const struct fe_node *value)
{
	struct fe_map *m = fe_map_get(L, target), before;
	int rc;

	if (!m)
		return -1;
	before = *m;
	rc = note_use(L, m, target, value);
	if (before.uses && memcmp(&before, m, sizeof(before)))
		L->stale = true;
	m->uses++;
	return rc;
}

/* ctx itself, which bpftrace keeps out of maps (a pointer only valid
 * while its probe runs) */
static bool is_ctx(const struct fe_node *e)
{
	enum bi_how how;
	int id;

	return e->kind == TV_N_ident && !fe_builtin(e->name, &how, &id) && how == B_CTX;
}

static int note_use(struct lower *L, struct fe_map *m, const struct fe_node *target,
		    const struct fe_node *value)
{
	enum tv_mapkind kind = TV_MAP_int;
	struct ty vt = T_INT64;

	if (!m || note_keys(L, m, target))
		return -1;
	if (!value)
		return 0; /* a read: the key types are all it fixes */
	if (is_ctx(value)) {
		fe_error(L, target, "context cannot be assigned to a map");
		return -1;
	}
	if (!fe_is_agg_call(value, &kind)) {
		vt = fe_type_of(L, value);
		kind = fe_is_bytes(vt) ? TV_MAP_bytes : TV_MAP_int;
	}
	if (kind == TV_MAP_bytes && vt.size > TV_VAL_MAX) {
		fe_error(L, value, "a value of %u bytes is too large for a map (at most %d)",
			 vt.size, TV_VAL_MAX);
		return -1;
	}
	if (m->kind == TV_MAP__COUNT) {
		m->kind = kind;
		m->val = vt.k == TY_STR || vt.k > TY_STR || vt.k == TY_RECORD || vt.k == TY_PTR
			     ? vt
			     : T_INT64;
		return kind == TV_MAP_lhist ? lhist_params(L, m, value) : 0;
	}
	if (m->kind != kind) {
		char now[128], before[128];

		/* bpftrace 0.17's message, its missing closing quote included */
		fe_error(
		    L, target,
		    "Type mismatch for %s: trying to assign value of type '%s' when map already "
		    "contains a value of type '%s",
		    m->name, fe_value_type_name(L, value, now, sizeof(now)),
		    fe_map_type_name(L, m, before, sizeof(before)));
		return -1;
	}
	if (kind == TV_MAP_bytes && m->val.k == TY_TUPLE && fe_tuple_compatible(L, m->val, vt)) {
		struct ty wide = fe_tuple_merge(L, value, m->val, vt);

		/* a longer string: code made for the narrower tuple is redone */
		if (wide.k == TY_TUPLE && wide.tup != m->val.tup)
			m->val = wide, L->stale = true;
		return 0;
	}
	if (kind == TV_MAP_bytes && m->val.k == TY_TUPLE && vt.k == TY_TUPLE) {
		char now[128], before[128];

		fe_error(L, target, "Tuple type mismatch: %s != %s.",
			 fe_ty_name(L, m->val, before, sizeof(before)),
			 fe_ty_name(L, vt, now, sizeof(now)));
		return -1;
	}
	if (kind == TV_MAP_bytes &&
	    (m->val.k == TY_TUPLE || vt.k == TY_TUPLE || m->val.k == TY_RECORD ||
	     vt.k == TY_RECORD) &&
	    !same_ty(m->val, vt)) {
		fe_error(L, target, "%s holds %s; this value is another type", m->name,
			 m->val.k == TY_TUPLE ? "tuples of other element types" : "strings");
		return -1;
	}
	if (kind == TV_MAP_bytes && vt.size > m->val.size)
		m->val.size = vt.size;
	/* checked again in every pass: the first one's errors are not kept */
	return kind == TV_MAP_lhist ? lhist_params(L, m, value) : 0;
}

/* The host prints values by these letters (TV_VALUE_TYPES). */
char fe_type_char(const struct ty *t)
{
	static const char letters[] = {
	    [TY_STR] = TV_VAL_str,	 [TY_PROBE] = TV_VAL_probe,   [TY_FUNC] = TV_VAL_func,
	    [TY_KSTACK] = TV_VAL_kstack, [TY_USTACK] = TV_VAL_ustack, [TY_KSYM] = TV_VAL_ksym,
	    [TY_USYM] = TV_VAL_usym,	 [TY_ERRNO] = TV_VAL_errno,   [TY_INET] = TV_VAL_inet,
	    [TY_TIME] = TV_VAL_time,	 [TY_BUF] = TV_VAL_buf,	      [TY_MAC] = TV_VAL_mac,
	    [TY_UNAME] = TV_VAL_uname,	 [TY_CGRP] = TV_VAL_cgpath,
	};

	if (t->k < sizeof(letters) && letters[t->k])
		return letters[t->k];
	return t->sign ? TV_VAL_int : TV_VAL_uint;
}

void fe_key_type_string(struct lower *L, const struct fe_map *m, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = 0;
	for (int i = 0; i < m->nkeys && len + 1 < n; i++) {
		if (i)
			buf[len++] = ',';
		fe_value_type_string(L, m->key[i], m->key[i].size, buf + len, n - len);
		len += strlen(buf + len);
	}
}

bool fe_probe_has(const struct lower *L, __u32 flags)
{
	return L->probe_kind && L->probe_type >= 0 &&
	       (tv_probe_types[L->probe_type].flags & flags) == flags;
}

bool fe_in_user_code(const struct lower *L)
{
	return fe_probe_has(L, TV_PT_USER_CODE);
}

bool fe_in_syscall_tp(const struct lower *L)
{
	return L->probe_kind && L->probe_type == TV_PT_tracepoint &&
	       !strncmp(L->probe_target, "syscalls:", 9);
}

/* Probes that run on behalf of user code: uprobes, usdt, and watchpoints
 * on a user address (below the kernel's half of the address space). */
static bool user_probe(const struct lower *L)
{
	if (fe_probe_has(L, TV_PT_ADDRESS))
		return strtoull(L->probe_target, NULL, 0) < (unsigned long long)0x800000000000;
	return fe_in_user_code(L);
}

/* Where an integer used as an address points, as bpftrace's address
 * spaces have it: a syscall's pointer argument, or anything in a user
 * probe, is user memory; the rest is the kernel's. */
bool fe_user_address(struct lower *L, const struct fe_node *e)
{
	const struct fe_tp_field *f = e->kind == TV_N_field ? fe_args_field(L, e) : NULL;
	int space = fe_addr_space_of(e);

	if (space >= 0)
		return space;
	if (f && f->is_ptr && fe_in_syscall_tp(L))
		return true;
	return user_probe(L);
}

/* uptr(e) and kptr(e) name the memory e's address is in: 1 user, 0
 * kernel, -1 neither. */
int fe_addr_space_of(const struct fe_node *e)
{
	if (e->kind != TV_N_call || e->call.args.n != 1)
		return -1;
	return !strcmp(e->call.name, "uptr") ? 1 : !strcmp(e->call.name, "kptr") ? 0 : -1;
}

/* Where a read through e (of type t) goes: a pointer knows its memory,
 * uptr()/kptr() say it of an integer, else the probe's own. */
bool fe_reads_user(const struct lower *L, const struct fe_node *e, struct ty t)
{
	int space = fe_addr_space_of(e);

	if (t.k == TY_PTR)
		return t.user;
	return space >= 0 ? space : fe_user_pointers(L);
}

/* Where pointers point: user memory for syscall arguments and uprobes. */
bool fe_user_pointers(const struct lower *L)
{
	return fe_in_syscall_tp(L) || user_probe(L);
}
