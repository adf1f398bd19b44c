/* Functions: one row each in the table below, with its lowering. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"

typedef int (*call_fn)(struct lower *L, const struct fe_node *call, bool want_value);

static int f_printf(struct lower *L, const struct fe_node *c, bool want);
static int f_system(struct lower *L, const struct fe_node *c, bool want);
static int f_cat(struct lower *L, const struct fe_node *c, bool want);
static int f_exit(struct lower *L, const struct fe_node *c, bool want);
static int f_time(struct lower *L, const struct fe_node *c, bool want);
static int f_print(struct lower *L, const struct fe_node *c, bool want);
static int f_clear(struct lower *L, const struct fe_node *c, bool want);
static int f_delete(struct lower *L, const struct fe_node *c, bool want);
static int f_strncmp(struct lower *L, const struct fe_node *c, bool want);
static int f_agg(struct lower *L, const struct fe_node *c, bool want);
static int f_stack(struct lower *L, const struct fe_node *c, bool want);
static int f_ksym(struct lower *L, const struct fe_node *c, bool want);
static int f_join(struct lower *L, const struct fe_node *c, bool want);
static int f_kaddr(struct lower *L, const struct fe_node *c, bool want);

static int f_bytes(struct lower *L, const struct fe_node *c, bool want);
static int f_unwatch(struct lower *L, const struct fe_node *c, bool want);

/* clang-format off */
#define NONE {.k = TY_NONE} /* no value: a statement only */
#define INT {.k = TY_INT, .size = 8, .sign = true}
#define NAMED(kind, n) {.k = kind, .size = n, .sign = false}
/* clang-format on */

/* One row a function: its arity, its value's type, how it is lowered as
 * a statement or integer (fn) and, for values held as bytes, into a
 * scratch slot (bytes). */
static const struct fe_func {
	const char *name;
	int min, max;
	call_fn fn;
	fe_bytes_fn bytes;
	struct ty type;
	struct ty (*type_of)(struct lower *L, const struct fe_node *call); /* or by the call */
} funcs[] = {
    /* clang-format off */
    {"printf",      1, 17, f_printf,  NULL, NONE, NULL},
    {"system",      1, 17, f_system,  NULL, NONE, NULL},
    {"cat",         1, 17, f_cat,     NULL, NONE, NULL},
    {"exit",        0, 0,  f_exit,    NULL, NONE, NULL},
    {"time",        0, 1,  f_time,    NULL, NONE, NULL},
    {"print",       1, 3,  f_print,   NULL, NONE, NULL},
    {"clear",       1, 1,  f_clear,   NULL, NONE, NULL},
    {"zero",        1, 1,  f_clear,   NULL, NONE, NULL},
    {"delete",      1, 1,  f_delete,  NULL, NONE, NULL},
    {"strncmp",     3, 3,  f_strncmp, NULL, INT, NULL},
    {"strcontains", 2, 2,  fe_f_strcontains, NULL, INT, NULL},
    {"signal",      1, 1,  fe_f_signal, NULL, NONE, NULL},
    {"reg",         1, 1,  fe_f_reg,  NULL, INT, NULL},
    {"uaddr",       1, 1,  fe_f_uaddr, NULL, INT, fe_uaddr_type},
    {"bswap",       1, 1,  fe_f_bswap, NULL, INT, NULL},
    {"count",       0, 0,  f_agg,     NULL, INT, NULL},
    {"sum",         1, 1,  f_agg,     NULL, INT, NULL},
    {"min",         1, 1,  f_agg,     NULL, INT, NULL},
    {"max",         1, 1,  f_agg,     NULL, INT, NULL},
    {"avg",         1, 1,  f_agg,     NULL, INT, NULL},
    {"stats",       1, 1,  f_agg,     NULL, INT, NULL},
    {"hist",        1, 1,  f_agg,     NULL, INT, NULL},
    {"lhist",       4, 4,  f_agg,     NULL, INT, NULL},
    {"kstack",      0, 2,  f_stack,   NULL, NAMED(TY_KSTACK, 8), NULL},
    {"ustack",      0, 2,  f_stack,   NULL, NAMED(TY_USTACK, 8), NULL},
    {"ksym",        1, 1,  f_ksym,    NULL, NAMED(TY_KSYM, 8), NULL},
    {"strerror",    1, 1,  f_ksym,    NULL, NAMED(TY_ERRNO, 8), NULL},
    {"kaddr",       1, 1,  f_kaddr,   NULL, INT, NULL},
    {"uptr",        1, 1,  fe_f_addr_space, NULL, INT, fe_addr_space_type},
    {"kptr",        1, 1,  fe_f_addr_space, NULL, INT, fe_addr_space_type},
    {"join",        1, 2,  f_join,    NULL, NONE, NULL},
    {"str",         1, 2,  f_bytes,   fe_gen_str_call, NAMED(TY_STR, TV_STR_MAX), NULL},
    {"usym",        1, 1,  f_bytes,   fe_gen_usym, NAMED(TY_USYM, 16), NULL},
    {"ntop",        1, 2,  f_bytes,   fe_gen_ntop, NAMED(TY_INET, 24), NULL},
    {"strftime",    2, 2,  f_bytes,   fe_gen_strftime, NAMED(TY_TIME, 16), NULL},
    {"buf",         1, 2,  f_bytes,   fe_gen_buf, NAMED(TY_BUF, 8 + TV_STR_MAX), NULL},
    {"pton",        1, 1,  f_bytes,   fe_gen_pton, NAMED(TY_RECORD, 16), fe_pton_type},
    {"macaddr",     1, 1,  f_bytes,   fe_gen_macaddr, NAMED(TY_MAC, 6), NULL},
    {"cgroup_path", 1, 2,  f_bytes,   fe_gen_cgroup_path, NAMED(TY_CGRP, 16), NULL},
    {"unwatch",     1, 1,  f_unwatch, NULL, NONE, NULL},
    /* clang-format on */
};

/* The function's row, or NULL. */
static const struct fe_func *find_func(const char *name)
{
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (funcs[i].name[0] == name[0] && !strcmp(funcs[i].name, name))
			return &funcs[i];
	return NULL;
}

/* bpftrace's words: "requires one argument", "requires at least N
 * arguments", "takes up to N arguments", each with "(M provided)". */
static void arity_error(struct lower *L, const struct fe_node *c, int min, int max)
{
	int n = c->call.args.n;
	char want[48];

	if (n > max)
		snprintf(want, sizeof(want), "takes up to %d arguments", max);
	else if (min == 1)
		snprintf(want, sizeof(want), "requires %sone argument",
			 min == max ? "" : "at least ");
	else
		snprintf(want, sizeof(want), "requires %s%d arguments",
			 min == max ? "" : "at least ", min);
	if (n > max && max == 0)
		snprintf(want, sizeof(want), "requires no arguments");
	fe_error(L, c, "%s() %s (%d provided)", c->call.name, want, n);
}

static bool unknown_call(const struct fe_node *n, void *arg)
{
	(void)arg;
	return n->kind == TV_N_call && !find_func(n->call.name);
}

/* bpftrace looks for unknown functions before anything else is checked,
 * and tells the first alone: its arguments' and callers' errors would
 * only be about a value that cannot exist. */
int fe_check_calls(const struct fe_node *program, struct tv_diag *diag)
{
	const struct fe_node *c = fe_node_find(program, unknown_call, NULL);

	if (!c)
		return 0;
	tv_diag_add(diag, c->call.name_loc.line, c->call.name_loc.col, c->call.name_loc.col_end,
		    "Unknown function: %s", c->call.name);
	return -ENOENT;
}

/* The function's row (every call is known: fe_check_calls), or NULL
 * with a wrong arity reported. */
static const struct fe_func *checked_call(struct lower *L, const struct fe_node *c, call_fn *fn)
{
	const struct fe_func *f = find_func(c->call.name);

	if (!f)
		return NULL;
	if (c->call.args.n < f->min || c->call.args.n > f->max) {
		arity_error(L, c, f->min, f->max);
		return NULL;
	}
	*fn = f->fn;
	return f;
}

struct ty fe_call_type(struct lower *L, const struct fe_node *c)
{
	const struct fe_func *f = find_func(c->call.name);

	return !f ? (struct ty)INT : f->type_of ? f->type_of(L, c) : f->type;
}

/* A function whose value is bytes, written to S[off..off+size]. */
int fe_gen_call_bytes(struct lower *L, const struct fe_node *c, unsigned off, unsigned size)
{
	call_fn fn;
	const struct fe_func *f = checked_call(L, c, &fn);
	struct ty t;

	if (!f)
		return -1;
	if (!f->bytes) {
		fe_error(L, c, "%s() is not a string or buffer value", c->call.name);
		return -1;
	}
	t = fe_call_type(L, c); /* pton's size is its address's */
	if (size < t.size && t.k != TY_STR) {
		fe_error(L, c, "%s() does not fit here (%u bytes, %u expected)", c->call.name,
			 t.size, size);
		return -1;
	}
	if (size > t.size && t.k != TY_STR)
		EMIT(L, SZERO, off + t.size, size - t.size);
	return f->bytes(L, c, off, t.k == TY_STR ? size : t.size);
}

/* Values held as bytes have no integer form. */
static int f_bytes(struct lower *L, const struct fe_node *c, bool want)
{
	(void)want;
	fe_error(L, c, "%s() is not an integer", c->call.name);
	return fe_reg(L, c);
}

static int no_value(struct lower *L, const struct fe_node *c, bool want)
{
	if (want)
		fe_error(L, c, "%s() should not be used in an assignment or as a map key",
			 c->call.name);
	return fe_reg(L, c);
}

int fe_gen_call(struct lower *L, const struct fe_node *c, bool want_value)
{
	call_fn fn;

	const struct fe_func *f = checked_call(L, c, &fn);

	if (!f)
		return fe_reg(L, c);
	if (want_value && f->type.k == TY_NONE) /* before its arguments, as bpftrace */
		return no_value(L, c, true);
	return fn(L, c, want_value);
}

static int emit_record(struct lower *L, unsigned kind, int id, unsigned off, unsigned len)
{
	return EMIT(L, EMIT, kind, id, off, len);
}

/* What a printf argument is, in bpftrace's words: values printed by name
 * (symbols, stacks, addresses, times) are strings to it. */
static const char *arg_kind(struct ty t, enum tv_fmt_class *cls)
{
	*cls = t.k == TY_BUF ? TV_FMT_BUF : t.k >= TY_STR ? TV_FMT_STR : TV_FMT_INT;
	return (const char *[]){
	    [TV_FMT_INT] = "integer", [TV_FMT_STR] = "string", [TV_FMT_BUF] = "buffer"}[*cls];
}

/* Every conversion gets an argument it can print, as bpftrace checks. */
static bool check_conversions(struct lower *L, const struct fe_node *c)
{
	static const char *const wants[] = {
	    [TV_FMT_INT] = "integer", [TV_FMT_STR] = "string", [TV_FMT_BUF] = "buffer"};
	const struct fe_list *a = &c->call.args;
	const char *f = a->v[0]->str.s;
	struct tv_fmt_spec s;
	int i = 1;

	while (*f) {
		enum tv_fmt_class have;
		const char *what;

		if (*f != '%' || f[1] == '%') {
			f += *f == '%' ? 2 : 1;
			continue;
		}
		f = tv_fmt_next(f, &s);
		if (s.cls == TV_FMT_NONE || i >= a->n)
			continue;
		what = arg_kind(fe_type_of(L, a->v[i++]), &have);
		if (have != s.cls) {
			fe_error(L, c,
				 "%s: %%%c specifier expects a value of type %s (%s supplied)",
				 c->call.name, s.conv, wants[s.cls], what);
			return false;
		}
	}
	return true;
}

/* Checked before the format is read for its conversions. */
bool fe_format_fits(struct lower *L, const struct fe_node *c, const struct fe_node *fmt)
{
	if (fmt->str.len <= TV_FE_FMT_MAX)
		return true;
	fe_error(L, fmt, "%s: format string is %zu bytes, longer than the limit of %d",
		 c->call.name, fmt->str.len, TV_FE_FMT_MAX);
	return false;
}

/* printf: arguments packed in 8-byte slots (strings take their size); the
 * format constant carries their type string after its NUL (16 of
 * ",X4294967295" at most). */
static int gen_formatted(struct lower *L, const struct fe_node *c, bool want, unsigned kind)
{
	const struct fe_list *a = &c->call.args;
	const struct fe_node *fmt = a->v[0];
	char types[256] = "", buf[TV_FE_FMT_MAX + 1 + sizeof(types)];
	unsigned sizes[16], total = 0, off, pos;
	size_t flen, tlen = 0;
	int k;

	if (fmt->kind != TV_N_str) {
		fe_error(L, c, "%s() expects a string literal (%s provided)", c->call.name,
			 fe_type_of(L, fmt).k == TY_STR ? "string" : "integer");
		return no_value(L, c, want);
	}
	if (!fe_format_fits(L, c, fmt))
		return no_value(L, c, want);
	if (tv_fmt_count(fmt->str.s) != a->n - 1) {
		fe_error(L, c, "%s: %s arguments for format string (%d supplied, %d expected)",
			 c->call.name,
			 tv_fmt_count(fmt->str.s) > a->n - 1 ? "Not enough" : "Too many", a->n - 1,
			 tv_fmt_count(fmt->str.s));
		return no_value(L, c, want);
	}
	if (!check_conversions(L, c))
		return no_value(L, c, want);
	for (int i = 1; i < a->n; i++) {
		struct ty t = fe_type_of(L, a->v[i]);

		if (t.k == TY_TUPLE) {
			fe_error(L, a->v[i], "%s: a tuple cannot be formatted; print() it",
				 c->call.name);
			return no_value(L, c, want);
		}
		sizes[i - 1] = fe_is_bytes(t) ? (t.size + 7) & ~7u : 8;
		total += sizes[i - 1];
		tlen += (size_t)snprintf(types + tlen, sizeof(types) - tlen, "%s%c%u",
					 i > 1 ? "," : "", fe_type_char(&t), sizes[i - 1]);
	}
	flen = strlen(fmt->str.s);
	memcpy(buf, fmt->str.s, flen + 1);
	memcpy(buf + flen + 1, types, tlen + 1);
	k = tv_image_add_const(L->img, TV_CONST_fmt, buf, flen + tlen + 2);
	pos = off = fe_scratch(L, c, total ? total : 8);
	for (int i = 1; i < a->n; i++) {
		struct ty t = fe_type_of(L, a->v[i]);

		if (fe_is_bytes(t)) {
			fe_gen_str(L, a->v[i], pos, sizes[i - 1]);
		} else {
			int r = fe_gen_int(L, a->v[i]);

			EMIT(L, ST, r, 8, pos);
			fe_reg_free(L, r);
		}
		pos += sizes[i - 1];
	}
	emit_record(L, kind, k, off, total);
	return no_value(L, c, want);
}

static int f_printf(struct lower *L, const struct fe_node *c, bool want)
{
	return gen_formatted(L, c, want, TV_REC_printf);
}

/* system(fmt, ...): the host runs the formatted command; only --unsafe. */
static int f_system(struct lower *L, const struct fe_node *c, bool want)
{
	if (!L->opts || !L->opts->unsafe) {
		fe_error(L, c, "system() is an unsafe function being used in safe mode");
		return no_value(L, c, want);
	}
	return gen_formatted(L, c, want, TV_REC_system);
}

/* cat(fmt, ...): the host prints the file the formatted path names. */
static int f_cat(struct lower *L, const struct fe_node *c, bool want)
{
	return gen_formatted(L, c, want, TV_REC_cat);
}

/* unwatch(addr): the host detaches the function watchpoints on addr. */
static int f_unwatch(struct lower *L, const struct fe_node *c, bool want)
{
	int r = fe_gen_int(L, c->call.args.v[0]);
	unsigned off = fe_scratch(L, c, 8);

	EMIT(L, ST, r, 8, off);
	fe_reg_free(L, r);
	emit_record(L, TV_REC_unwatch, 0, off, 8);
	return no_value(L, c, want);
}

static int f_exit(struct lower *L, const struct fe_node *c, bool want)
{
	emit_record(L, TV_REC_exit, 0, 0, 0);
	fe_gen_return(L, c); /* as bpftrace: the rest of the block does not run */
	return no_value(L, c, want);
}

static int f_time(struct lower *L, const struct fe_node *c, bool want)
{
	const char *fmt = "%H:%M:%S\n";
	int k;

	if (c->call.args.n && c->call.args.v[0]->kind != TV_N_str)
		fe_error(L, c, "time: the format must be a string literal");
	else if (c->call.args.n && !fe_format_fits(L, c, c->call.args.v[0]))
		return no_value(L, c, want);
	else if (c->call.args.n)
		fmt = c->call.args.v[0]->str.s;
	k = tv_image_add_const(L->img, TV_CONST_fmt, fmt, strlen(fmt) + 1);
	emit_record(L, TV_REC_time, k, 0, 0);
	return no_value(L, c, want);
}

static struct fe_map *map_arg(struct lower *L, const struct fe_node *c)
{
	const struct fe_node *m = c->call.args.v[0];

	if (m->kind != TV_N_map) {
		fe_error(L, c, "%s() expects a map to be provided", c->call.name);
		return NULL;
	}
	if (m->map.keys.n) {
		fe_error(L, c, "The map passed to %s() should not be indexed by a key",
			 c->call.name);
		return NULL;
	}
	{
		struct fe_map *fm = fe_map_get(L, m);

		if (fm && fm->kind == TV_MAP__COUNT && !fm->uses)
			fm->loc = c->loc; /* "Undefined map" points at the call, as bpftrace */
		return fm;
	}
}

/* An argument that must be an integer literal, with bpftrace's error. */
static __s64 int_arg(struct lower *L, const struct fe_node *c, const struct fe_node *n)
{
	__s64 v;

	if (!fe_literal_int(L, n, &v)) {
		fe_error(L, c, "%s() expects a integer literal (%s provided)", c->call.name,
			 fe_type_of(L, n).k == TY_STR ? "string" : "integer");
		return 0;
	}
	return v;
}

/* print(value): the value and its type string; the host prints it as a
 * map value is printed (a tuple as "(1, abc)"), in JSON as a value. */
static int print_value(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_node *v = c->call.args.v[0];
	struct ty t = fe_type_of(L, v);
	unsigned size = fe_is_bytes(t) ? (t.size + 7) & ~7u : 8, off;
	char type[1024];
	int k;

	if (c->call.args.n != 1) {
		fe_error(L, c, "print() of a value takes no other argument");
		return no_value(L, c, want);
	}
	if (!fe_value_type_string(L, t, size, type, sizeof(type)))
		fe_error(L, v, "print(): the value's type is too complex to print");
	k = tv_image_add_const(L->img, TV_CONST_fmt, type, strlen(type) + 1);
	off = fe_scratch(L, c, size);
	if (fe_is_bytes(t)) {
		fe_gen_str(L, v, off, size);
	} else {
		int r = fe_gen_int(L, v);

		EMIT(L, ST, r, 8, off);
		fe_reg_free(L, r);
	}
	emit_record(L, TV_REC_value, k, off, size);
	return no_value(L, c, want);
}

/* print(@m[, top[, div]]): top and div travel in the payload. */
static int f_print(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_list *a = &c->call.args;
	struct fe_map *m;

	if (a->v[0]->kind != TV_N_map)
		return print_value(L, c, want);
	m = map_arg(L, c);
	unsigned off = fe_scratch(L, c, 16);
	int r = fe_reg(L, c);

	if (!m)
		return no_value(L, c, want);
	EMIT(L, MOVI, r, a->n > 1 ? int_arg(L, c, a->v[1]) : 0);
	EMIT(L, ST, r, 8, off);
	EMIT(L, MOVI, r, a->n > 2 ? int_arg(L, c, a->v[2]) : 1);
	EMIT(L, ST, r, 8, off + 8);
	fe_reg_free(L, r);
	emit_record(L, TV_REC_print, (int)(m - L->maps), off, 16);
	return no_value(L, c, want);
}

static int f_clear(struct lower *L, const struct fe_node *c, bool want)
{
	struct fe_map *m = map_arg(L, c);

	if (m)
		emit_record(L, strcmp(c->call.name, "zero") ? TV_REC_clear : TV_REC_zero,
			    (int)(m - L->maps), 0, 0);
	return no_value(L, c, want);
}

static int f_delete(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_node *t = c->call.args.v[0];
	struct fe_map *m;

	if (t->kind != TV_N_map) {
		fe_error(L, t, "delete() expects a map element");
		return no_value(L, c, want);
	}
	m = fe_map_get(L, t);
	if (m && m->kind == TV_MAP__COUNT && !m->uses)
		m->loc = c->loc; /* "Undefined map" points at the call, as bpftrace */
	if (m && !fe_map_note_use(L, t, NULL)) {
		unsigned key = fe_gen_key(L, m, t);
		struct fe_loc outer = L->at;

		L->at = c->loc; /* -k tells a missing key at the call, as bpftrace */
		EMIT(L, MDEL, (int)(m - L->maps), key);
		L->at = outer;
	}
	return no_value(L, c, want);
}

static int f_strncmp(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_list *a = &c->call.args;
	__s64 n = int_arg(L, c, a->v[2]);
	unsigned size = n < 1 ? 1 : n > 255 ? 255 : (unsigned)n, oa, ob;
	int r;

	(void)want;
	size = size < TV_STR_MAX ? TV_STR_MAX : size;
	oa = fe_scratch(L, c, size);
	ob = fe_scratch(L, c, size);
	fe_gen_str(L, a->v[0], oa, size);
	fe_gen_str(L, a->v[1], ob, size);
	r = fe_reg(L, c);
	EMIT(L, STRCMP, r, n < 1 ? 1 : n > 255 ? 255 : n, oa, ob);
	EMIT(L, NE, r, r, 0);
	return r;
}

/* kstack([perf|bpftrace,] [depth]): the mode byte of the instruction. */
static int stack_mode(struct lower *L, const struct fe_node *c)
{
	const struct fe_list *a = &c->call.args;
	int mode = 0, i = 0;

	if (i < a->n && a->v[i]->kind == TV_N_ident) {
		if (!strcmp(a->v[i]->name, "perf"))
			mode = TV_STACK_PERF;
		else if (strcmp(a->v[i]->name, "bpftrace")) {
			fe_error(L, a->v[i], "Unknown identifier: '%s'", a->v[i]->name);
			return -1;
		}
		i++;
	}
	if (i < a->n) {
		const struct fe_node *d = a->v[i];
		__s64 depth;

		if (!fe_literal_int(L, d, &depth) || depth < 0) {
			fe_error(L, c, "%s() expects a integer literal (%s provided)", c->call.name,
				 d->kind == TV_N_str ? "string" : "none");
			return -1;
		}
		if (depth < 1 || depth > TV_STACK_DEPTH) {
			fe_error(L, d, "%s: stack depth must be between 1 and %d", c->call.name,
				 TV_STACK_DEPTH);
			return -1;
		}
		mode |= (int)depth;
		i++;
	}
	if (i < a->n) {
		fe_error(L, a->v[i], "%s: expected a depth after the mode", c->call.name);
		return -1;
	}
	return mode;
}

static int f_stack(struct lower *L, const struct fe_node *c, bool want)
{
	int mode = stack_mode(L, c), r;

	(void)want;
	r = fe_reg(L, c);
	if (mode < 0)
		return r;
	if (!strcmp(c->call.name, "kstack"))
		EMIT(L, KSTACK, r, mode);
	else
		EMIT(L, USTACK, r, mode);
	return r;
}

/* ksym(addr): the address, printed as its symbol by the host. */
/* ksym(addr), strerror(errno): an integer the host prints its way */
static int f_ksym(struct lower *L, const struct fe_node *c, bool want)
{
	(void)want;
	if (fe_type_of(L, c->call.args.v[0]).k == TY_STR) {
		fe_error(L, c, "%s() expects an integer%s argument", c->call.name,
			 strcmp(c->call.name, "ksym") ? "" : " or pointer");
		return fe_reg(L, c);
	}
	return fe_gen_int(L, c->call.args.v[0]);
}

/* join(argv[, sep]): up to TV_JOIN_ARGS strings of a NULL-terminated
 * pointer array, read into one record the host prints joined. */
static int f_join(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_list *a = &c->call.args;
	unsigned off = fe_scratch(L, c, TV_JOIN_ARGS * TV_STR_MAX);
	int base = fe_gen_int(L, a->v[0]), p = fe_reg(L, c), sep = 0, ends[TV_JOIN_ARGS];
	bool user = fe_user_pointers(L);

	if (a->n == 2 && a->v[1]->kind == TV_N_str)
		sep =
		    tv_image_add_const(L->img, TV_CONST_fmt, a->v[1]->str.s, a->v[1]->str.len + 1);
	else if (a->n == 2)
		fe_error(L, a->v[1], "join: the separator must be a string literal");
	else
		sep = tv_image_add_const(L->img, TV_CONST_fmt, " ", 2);
	EMIT(L, SZERO, off, TV_JOIN_ARGS * TV_STR_MAX);
	for (int i = 0; i < TV_JOIN_ARGS; i++) {
		EMIT(L, ADDI, p, base, 8 * i);
		fe_emit(L, user ? TV_OP_LDU : TV_OP_LDK, (const __s64[]){p, p, 8}, 3);
		ends[i] = EMIT(L, JZ, p, 0);
		fe_emit(L, user ? TV_OP_STRU : TV_OP_STRK,
			(const __s64[]){p, off + i * TV_STR_MAX, TV_STR_MAX}, 3);
	}
	for (int i = 0; i < TV_JOIN_ARGS; i++)
		fe_patch(L, ends[i]);
	emit_record(L, TV_REC_join, sep, off, TV_JOIN_ARGS * TV_STR_MAX);
	fe_reg_free(L, p);
	fe_reg_free(L, base);
	return no_value(L, c, want);
}

/* kaddr("symbol"): the address, looked up in /proc/kallsyms now. */
static int f_kaddr(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_node *n = c->call.args.v[0];
	char line[512], name[256];
	unsigned long long addr = 0, a;
	const char *sym;
	FILE *f;

	(void)want;
	if (!fe_literal_str(L, n, &sym)) {
		fe_error(L, c, "kaddr() expects a string literal (%s provided)",
			 fe_type_of(L, n).k == TY_STR ? "string" : "integer");
		return fe_reg(L, c);
	}
	f = fopen("/proc/kallsyms", "r");
	while (f && !addr && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %*c %255s", &a, name) == 2 && !strcmp(name, sym))
			addr = a;
	if (f)
		fclose(f);
	/* bpftrace finds it out in codegen, whose errors have no location */
	if (!addr)
		fe_error(L, NULL, "Failed to compile: Failed to resolve kernel symbol: %s", sym);
	return fe_gen_int(L,
			  &(struct fe_node){.kind = TV_N_int, .loc = c->loc, .num = {addr, false}});
}

static int f_agg(struct lower *L, const struct fe_node *c, bool want)
{
	(void)want;
	fe_error(L, c, "%s() should be assigned to a map", c->call.name);
	return fe_reg(L, c);
}

/* count() keyed by exactly one builtin: the fused opcodes. */
static bool gen_fused_count(struct lower *L, struct fe_map *m, const struct fe_node *t)
{
	const struct fe_node *k = t->map.keys.n == 1 ? t->map.keys.v[0] : NULL;
	enum bi_how how;
	int id;

	if (m->kind != TV_MAP_count || !k || k->kind != TV_N_ident ||
	    fe_builtin(k->name, &how, &id) ||
	    (how == B_BUILTIN && id == TV_BI_probe && L->usdt_args))
		return false; /* a usdt location's probe is a constant (the first location) */
	if (how == B_COMM && m->key[0].size == TV_COMM_LEN)
		return EMIT(L, COUNTC, m->id) >= 0;
	if (how == B_BUILTIN)
		return EMIT(L, COUNTB, m->id, id) >= 0;
	return false;
}

static void gen_aggregate(struct lower *L, struct fe_map *m, const struct fe_node *t,
			  const struct fe_node *call)
{
	static const unsigned ops[] = {
	    [TV_MAP_count] = TV_OP_COUNT, [TV_MAP_sum] = TV_OP_SUM,
	    [TV_MAP_min] = TV_OP_MIN,	  [TV_MAP_max] = TV_OP_MAX,
	    [TV_MAP_avg] = TV_OP_AVG,	  [TV_MAP_stats] = TV_OP_STATS,
	    [TV_MAP_hist] = TV_OP_HIST,	  [TV_MAP_lhist] = TV_OP_LHIST,
	};
	unsigned key;
	call_fn fn;
	int r;

	if (!checked_call(L, call, &fn))
		return;
	if (gen_fused_count(L, m, t))
		return;
	key = fe_gen_key(L, m, t);
	if (m->kind == TV_MAP_count) {
		EMIT(L, COUNT, m->id, key);
		return;
	}
	if (fe_type_of(L, call->call.args.v[0]).k != TY_INT &&
	    fe_type_of(L, call->call.args.v[0]).k != TY_PTR) {
		char tn[128];

		fe_error(L, call, "%s() only supports integer arguments (%s provided)",
			 call->call.name,
			 fe_type_of(L, call->call.args.v[0]).k == TY_STR
			     ? "string"
			     : fe_value_type_name(L, call->call.args.v[0], tn, sizeof(tn)));
		return;
	}
	r = fe_gen_int(L, call->call.args.v[0]);
	fe_emit(L, ops[m->kind], (const __s64[]){m->id, r, key}, 3);
	fe_reg_free(L, r);
}

void fe_gen_map_assign(struct lower *L, const struct fe_node *t, const struct fe_node *v,
		       enum fe_ast_op op)
{
	struct fe_map *m = fe_map_get(L, t);
	enum tv_mapkind kind;
	unsigned key, voff;
	int r;

	if (!m || fe_map_note_use(L, t, v))
		return;
	if (fe_is_agg_call(v, &kind)) {
		gen_aggregate(L, m, t, v);
		return;
	}
	if (m->kind == TV_MAP_bytes) {
		key = fe_gen_key(L, m, t);
		voff = fe_scratch(L, v, m->val.size);
		fe_gen_bytes_as(L, v, m->val, voff);
		EMIT(L, MSTOREB, m->id, key, voff);
		return;
	}
	r = fe_gen_int(L, v);
	key = fe_gen_key(L, m, t);
	if (op != TV_AST_ASSIGN) {
		int old = fe_reg(L, t);

		struct fe_loc outer = L->at;

		if (m->val.k == TY_PTR)
			fe_ptr_scale(L, t, m->val, r);
		L->at = t->loc; /* -kk tells a missing key at the map, as bpftrace */
		EMIT(L, MLOAD, old, m->id, key);
		L->at = outer;
		fe_compound(L, op, old, r);
		EMIT(L, MOV, r, old);
		fe_reg_free(L, old);
	}
	EMIT(L, MSTORE, m->id, r, key);
	fe_reg_free(L, r);
}
