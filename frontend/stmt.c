/* Strings into scratch, assignments and statements. */
#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"

/* A literal is a constant the kernel copies (at most TV_CONST_MAX bytes
 * with its NUL) into a slot of `size`. */
static int str_const(struct lower *L, const struct fe_node *e, unsigned size)
{
	char buf[TV_CONST_MAX] = {0};
	size_t len = e->str.len + 1;
	unsigned room = size < TV_CONST_MAX ? size : TV_CONST_MAX;

	if (len > room) {
		fe_error(L, e, "string literal is %zu bytes, longer than the limit of %u",
			 e->str.len, room - 1);
		return -1;
	}
	memcpy(buf, e->str.s, e->str.len);
	return tv_image_add_const(L->img, TV_CONST_str, buf, len);
}

int fe_gen_str_call(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	const struct fe_list *a = &e->call.args;
	unsigned len = size;
	const char *s;
	struct ty t;
	int r;

	if (a->n == 2 && a->v[1]->kind == TV_N_int && a->v[1]->num.value + 1 < len)
		len = a->v[1]->num.value + 1;
	t = fe_type_of(L, a->v[0]);
	if (t.k == TY_STR) { /* str() of a string: itself, cut to the length */
		int rc = fe_gen_str(L, a->v[0], off, size);

		if (!rc && len < size)
			EMIT(L, SZERO, off + len - 1, size - (len - 1));
		return rc;
	}
	/* str($N), str($N + k): the parameter's text ("" if none), from k on */
	if (fe_param_str(L, e, &s)) {
		struct fe_node lit = {.kind = TV_N_str, .loc = a->v[0]->loc};

		lit.str.s = s;
		lit.str.len = strlen(s);
		return fe_gen_str(L, &lit, off, size);
	}
	r = fe_gen_int(L, a->v[0]);
	if (len < size)
		EMIT(L, SZERO, off + len, size - len);
	/* a typed pointer knows its memory; a plain integer is the probe's */
	if (fe_reads_user(L, a->v[0], t))
		EMIT(L, STRU, r, off, len);
	else
		EMIT(L, STRK, r, off, len);
	fe_reg_free(L, r);
	return 0;
}

/* A tracepoint's char array or __data_loc string, read from the context. */
static int gen_ctx_str(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	const struct fe_tp_field *f = fe_args_field(L, e);
	int r;

	if (!f || (!f->data_loc && !f->is_array))
		return -1;
	r = fe_reg(L, e);
	if (f->data_loc)
		EMIT(L, CTX, r, 4, f->offset); /* low 16 bits: where the string is */
	else
		EMIT(L, MOVI, r, f->offset);
	EMIT(L, CTXSTR, r, off, size);
	fe_reg_free(L, r);
	return 0;
}

/* A #define'd string, as its literal. */
static int gen_macro_str(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	struct fe_macro *m = fe_macro_find(L, e->name, strlen(e->name));
	struct fe_node lit = {.kind = TV_N_str, .loc = e->loc};

	if (!m || m->kind != FE_MACRO_STR) {
		fe_error(L, e, "a string is expected here");
		return -1;
	}
	lit.str.s = m->str;
	lit.str.len = strlen(m->str);
	return fe_gen_str(L, &lit, off, size);
}

static int gen_str_node(struct lower *L, const struct fe_node *e, unsigned off, unsigned size);

/* Writes a string value of exactly `size` bytes, zero padded, at S[off];
 * the reads it makes carry its location. */
int fe_gen_str(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	struct fe_loc outer = L->at;
	int rc;

	L->at = e->loc;
	rc = gen_str_node(L, e, off, size);
	L->at = outer;
	return rc;
}

static int gen_str_node(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	struct fe_map *m;
	int k;

	switch (e->kind) {
	case TV_N_str:
		if ((k = str_const(L, e, size)) < 0)
			return -1;
		EMIT(L, SZERO, off, size);
		EMIT(L, SCONST, k, off);
		return 0;
	case TV_N_ident:
		if (strcmp(e->name, "comm"))
			return gen_macro_str(L, e, off, size);
		if (size > TV_COMM_LEN)
			EMIT(L, SZERO, off + TV_COMM_LEN, size - TV_COMM_LEN);
		EMIT(L, COMM, off);
		return 0;
	case TV_N_call: return fe_gen_call_bytes(L, e, off, size);
	case TV_N_field:
	case TV_N_index:
		if (fe_is_struct_access(e) ? !fe_gen_struct_str(L, e, off, size)
					   : !gen_ctx_str(L, e, off, size))
			return 0;
		break;
	case TV_N_ternary: {
		int r, jelse, jend;

		if (fe_type_of(L, e).k == TY_TUPLE) { /* bpftrace 0.17 has none */
			fe_error(L, e, "Ternary return type unsupported tuple");
			return -1;
		}
		r = fe_gen_int(L, e->ternary.cond);
		jelse = EMIT(L, JZ, r, 0);
		fe_reg_free(L, r);
		fe_gen_str(L, e->ternary.then, off, size);
		jend = EMIT(L, JA, 0);
		fe_patch(L, jelse);
		fe_gen_str(L, e->ternary.els, off, size);
		fe_patch(L, jend);
		return 0;
	}
	case TV_N_tuple: return fe_gen_tuple(L, e, off, size);
	case TV_N_unop:
		if (e->unop.op == TV_AST_DEREF && !fe_gen_deref_record(L, e, off, size))
			return 0;
		break;
	case TV_N_tuple_index: return fe_gen_tuple_elem_str(L, e, off, size);
	case TV_N_var: {
		struct fe_var *v = fe_var_find(L, e->name);
		unsigned n = v ? (v->ty.size < size ? v->ty.size : size) : 0;

		if (!v || !fe_is_bytes(v->ty))
			break;
		if (n < size)
			EMIT(L, SZERO, off + n, size - n);
		EMIT(L, SCOPY, n, off, v->off);
		return 0;
	}
	case TV_N_map:
		m = fe_map_get(L, e);
		if (m && m->kind == TV_MAP_bytes) {
			unsigned save = L->scratch_top, key = fe_gen_key(L, m, e);
			unsigned tmp = fe_scratch(L, e, m->val.size);

			EMIT(L, MLOADB, m->id, key, tmp);
			EMIT(L, SZERO, off, size);
			EMIT(L, SCOPY, m->val.size < size ? m->val.size : size, off, tmp);
			L->scratch_top = save;
			return 0;
		}
		break;
	default: break;
	}
	fe_error(L, e, "a string is expected here");
	return -1;
}

/* Keys: every element in its slot (ints 8 bytes, strings their size),
 * padding zeroed so equal keys hash alike.  Each element is lowered even
 * when the key has no bytes: one without a type (an unknown name) is
 * an error there, not a key left out. */
unsigned fe_gen_key(struct lower *L, struct fe_map *m, const struct fe_node *map)
{
	unsigned size = 0, off, pos, bucket;
	int errors = L->diag->n;

	for (int i = 0; i < m->nkeys; i++)
		size += m->key[i].size;
	off = fe_scratch(L, map, size + 8); /* + the hist bucket */
	if (size)
		EMIT(L, SZERO, off, size);
	pos = off;
	for (int i = 0; i < m->nkeys && i < map->map.keys.n; i++) {
		const struct fe_node *k = map->map.keys.v[i];

		if (fe_is_bytes(m->key[i])) {
			fe_gen_bytes_as(L, k, m->key[i], pos);
		} else {
			int r = fe_gen_int(L, k);

			EMIT(L, ST, r, 8, pos);
			fe_reg_free(L, r);
		}
		pos += m->key[i].size;
	}
	/* an element's own error (a literal too long) is the one told */
	/* a hist or lhist key holds its 8-byte bucket too */
	bucket = m->kind == TV_MAP_hist || m->kind == TV_MAP_lhist ? 8 : 0;
	if (size + bucket > TV_KEY_MAX && !m->key_too_large && L->diag->n == errors) {
		m->key_too_large = true;
		fe_error(L, map, "a key of %u bytes is too large for a%s map (at most %u)", size,
			 bucket ? m->kind == TV_MAP_hist ? " hist" : "n lhist" : "",
			 TV_KEY_MAX - bucket);
	}
	return off;
}

/* A tuple variable an earlier pass saw assigned a longer string: its
 * wide type, which every assignment converts to. */
static struct ty widened(struct lower *L, const struct fe_node *var, struct ty t)
{
	for (int i = 0; t.k == TY_TUPLE && i < L->nwidened; i++)
		if (L->widened[i].name == var->name && fe_tuple_compatible(L, t, L->widened[i].ty))
			return fe_tuple_merge(L, var, t, L->widened[i].ty);
	return t;
}

static void note_widened(struct lower *L, struct fe_var *v, struct ty wide)
{
	int i = 0;

	while (i < L->nwidened && L->widened[i].name != v->name)
		i++;
	if (i == (int)(sizeof(L->widened) / sizeof(L->widened[0])))
		return; /* its longer strings are cut */
	L->widened[i] = (struct fe_var_widened){v->name, wide};
	L->nwidened += i == L->nwidened;
	L->stale = true;
}

static struct fe_var *var_push(struct lower *L, const struct fe_node *var, struct ty t)
{
	unsigned off = VAR_BASE;

	t = widened(L, var, t);

	if (L->nvars)
		off = L->vars[L->nvars - 1].off + ((L->vars[L->nvars - 1].ty.size + 7) & ~7u);
	if (L->nvars == 64 || off + t.size > TEMP_BASE) {
		fe_error(L, var, "too many variables in this probe");
		return NULL;
	}
	L->vars[L->nvars] = (struct fe_var){var->name, t, off};
	return &L->vars[L->nvars++];
}

/* at: where a type mismatch is told (the '=', as bpftrace marks it) */
static struct fe_var *var_assign_slot(struct lower *L, const struct fe_node *var,
				      const struct fe_node *val, const struct fe_node *at,
				      struct ty t)
{
	struct fe_var *v = fe_var_find(L, var->name);

	if (v) {
		char now[128], before[128];

		if (v->ty.k == TY_TUPLE && fe_tuple_compatible(L, v->ty, t)) {
			struct ty wide = fe_tuple_merge(L, at, v->ty, t);

			if (wide.k == TY_TUPLE && wide.tup != v->ty.tup && !L->final)
				note_widened(L, v, wide);
			return v;
		}
		if (v->ty.k == TY_TUPLE && t.k == TY_TUPLE) {
			fe_error(L, at, "Tuple type mismatch: %s != %s.",
				 fe_ty_name(L, v->ty, before, sizeof(before)),
				 fe_ty_name(L, t, now, sizeof(now)));
			return v;
		}
		if (fe_is_bytes(v->ty) != fe_is_bytes(t) ||
		    (v->ty.k == TY_PTR) != (t.k == TY_PTR) ||
		    (v->ty.k == TY_TUPLE && (t.k != TY_TUPLE || t.tup != v->ty.tup)))
			fe_error(L, at,
				 "Type mismatch for %s: trying to assign value of type '%s' when "
				 "variable already contains a value of type '%s'",
				 var->name, fe_value_type_name(L, val, now, sizeof(now)),
				 fe_ty_name(L, v->ty, before, sizeof(before)));
		return v;
	}
	return var_push(L, var, t);
}

int fe_compound(struct lower *L, enum fe_ast_op op, int ra, int rb)
{
	static const struct {
		enum fe_ast_op op;
		unsigned opc;
	} ops[] = {{TV_AST_ADD, TV_OP_ADD},  {TV_AST_SUB, TV_OP_SUB},  {TV_AST_MUL, TV_OP_MUL},
		   {TV_AST_DIV, TV_OP_SDIV}, {TV_AST_MOD, TV_OP_SMOD}, {TV_AST_SHL, TV_OP_SHL},
		   {TV_AST_SHR, TV_OP_SHR},  {TV_AST_BAND, TV_OP_AND}, {TV_AST_BOR, TV_OP_OR},
		   {TV_AST_BXOR, TV_OP_XOR}};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return fe_emit(L, ops[i].opc, (const __s64[]){ra, ra, rb}, 3);
	return -1;
}

static void gen_var_assign(struct lower *L, const struct fe_node *s)
{
	const struct fe_node *var = s->assign.target, *val = s->assign.value;
	struct ty t = fe_type_of(L, val);
	struct fe_var *v;
	int r;

	/* an integer keeps its width ($x = (int32)y is an int32, for bswap
	 * and sizeof); every one is stored in 8 bytes */
	if (t.k == TY_PTR || t.k == TY_PROBE || t.k == TY_KSTACK || t.k == TY_USTACK ||
	    (t.k == TY_INT && !t.size))
		t.size = 8;
	if (t.k == TY_NONE)
		t = (struct ty){.k = TY_INT, .size = 8, .sign = true};
	if (s->assign.op != TV_AST_ASSIGN && (v = fe_var_find(L, var->name))) {
		if (!fe_ptr_compound_ok(L, s, v->ty))
			return;
		if (v->ty.k == TY_PTR) /* p += n is still a pointer */
			t = v->ty;
	}
	if (!(v = var_assign_slot(L, var, val, s, t)))
		return;
	if (fe_is_bytes(t)) {
		fe_gen_bytes_as(L, val, v->ty, v->off);
		return;
	}
	r = fe_gen_int(L, val);
	if (s->assign.op != TV_AST_ASSIGN) {
		int old = fe_reg(L, s);

		EMIT(L, LD, old, 8 | TV_Z_SIGNED, v->off);
		if (v->ty.k == TY_PTR)
			fe_ptr_scale(L, s, v->ty, r);
		fe_compound(L, s->assign.op, old, r);
		EMIT(L, MOV, r, old);
		fe_reg_free(L, old);
	}
	EMIT(L, ST, r, 8, v->off);
	fe_reg_free(L, r);
}

static void gen_map_assign(struct lower *L, const struct fe_node *s)
{
	struct fe_map *m = fe_map_get(L, s->assign.target);

	if (s->assign.op != TV_AST_ASSIGN && m && m->kind == TV_MAP_int &&
	    !fe_ptr_compound_ok(L, s, m->val))
		return;
	if (s->assign.op == TV_AST_ASSIGN && m && m->kind == TV_MAP_int &&
	    !fe_ptr_assign_ok(L, m, s->assign.target, s->assign.value))
		return;
	fe_gen_map_assign(L, s->assign.target, s->assign.value, s->assign.op);
}

static void gen_assign(struct lower *L, const struct fe_node *s)
{
	unsigned save = L->scratch_top;

	if (s->assign.target->kind == TV_N_var)
		gen_var_assign(L, s);
	else if (s->assign.target->kind == TV_N_map)
		gen_map_assign(L, s);
	else
		fe_error(L, s->assign.target, "only maps and $variables can be assigned");
	L->scratch_top = save;
}

/* ++/-- on a variable or an integer map; yields the old or new value. */
/* Where bpftrace tells a missing key of x++ (all of it) and ++x (the
 * operator, e's own place). */
static struct fe_loc incdec_loc(const struct fe_node *e)
{
	const struct fe_node *t = e->incdec.expr;
	struct fe_loc at = e->loc;

	if (e->incdec.post && t->loc.line == at.line && t->loc.col < at.col)
		at.col = t->loc.col, at.off = t->loc.off;
	return at;
}

int fe_gen_incdec(struct lower *L, const struct fe_node *e)
{
	const struct fe_node *t = e->incdec.expr;
	/* @m++ assigns an integer: the map is an integer one before it is read */
	const struct fe_node num = {.kind = TV_N_int, .loc = e->loc};
	int r, one, res;

	struct fe_map *m = t->kind == TV_N_map ? fe_map_get(L, t) : NULL;

	if (m && m->kind >= TV_MAP_count && m->kind != TV_MAP__COUNT) {
		struct fe_node all = {.loc = e->loc}; /* the operator and its map */

		if (t->loc.line == e->loc.line) {
			all.loc.col = t->loc.col < e->loc.col ? t->loc.col : e->loc.col;
			all.loc.col_end =
			    t->loc.col_end > e->loc.col_end ? t->loc.col_end : e->loc.col_end;
		}
		fe_error(L, &all, "The %s operator can not be used on expressions of type '%s'",
			 e->incdec.inc ? "++" : "--", tv_mapkind_name(m->kind));
		return fe_reg(L, e);
	}
	if (m && fe_map_note_use(L, t, &num))
		return fe_reg(L, e);
	r = fe_gen_int_at(L, t, incdec_loc(e)), one = fe_reg(L, e), res = fe_reg(L, e);

	EMIT(L, MOVI, one, e->incdec.inc ? 1 : -1);
	if (fe_type_of(L, t).k == TY_PTR) /* a pointer moves by its pointee */
		fe_ptr_scale(L, e, fe_type_of(L, t), one);
	EMIT(L, ADD, res, r, one);
	if (t->kind == TV_N_var) {
		struct ty vt = fe_type_of(L, t);
		struct fe_var *v = var_assign_slot(
		    L, t, t, t,
		    vt.k == TY_PTR ? vt : (struct ty){.k = TY_INT, .size = 8, .sign = true});

		if (v)
			EMIT(L, ST, res, 8, v->off);
	} else if (t->kind == TV_N_map) {
		struct fe_map *m = fe_map_get(L, t);
		unsigned save = L->scratch_top, key;

		if (m) {
			key = fe_gen_key(L, m, t);
			EMIT(L, MSTORE, m->id, res, key);
		}
		L->scratch_top = save;
	} else {
		fe_error(L, t, "++ and -- need a map or a $variable");
	}
	if (!e->incdec.post)
		EMIT(L, MOV, r, res);
	fe_reg_free(L, res);
	fe_reg_free(L, one);
	return r;
}

static void gen_if(struct lower *L, const struct fe_node *s)
{
	int r, jelse, jend = -1;

	if (fe_type_of(L, s->ctl.cond).k == TY_STR) {
		fe_error(L, s->ctl.cond, "Invalid condition in if(): string");
		return;
	}
	r = fe_gen_int(L, s->ctl.cond);

	jelse = EMIT(L, JZ, r, 0);
	fe_reg_free(L, r);
	fe_gen_block(L, s->ctl.body);
	if (s->ctl.els)
		jend = EMIT(L, JA, 0);
	fe_patch(L, jelse);
	if (s->ctl.els) {
		if (s->ctl.els->kind == TV_N_if)
			gen_if(L, s->ctl.els);
		else
			fe_gen_block(L, s->ctl.els);
		fe_patch(L, jend);
	}
}

static void add_jump(struct lower *L, struct jumps *j, const struct fe_node *n)
{
	if (!j) {
		fe_error(L, n, "%s used outside of a loop",
			 n->kind == TV_N_break ? "break" : "continue");
		return;
	}
	if (j->n == 64) {
		fe_error(L, n, "too many jumps out of one loop");
		return;
	}
	j->pc[j->n++] = EMIT(L, JA, 0);
}

/* while: bounded by a LOOP counter (1024 iterations, as a verifier would). */
static void gen_while(struct lower *L, const struct fe_node *s)
{
	struct jumps brk = {0}, cont = {0}, *ob = L->brk, *oc = L->cont;
	int counter = fe_reg(L, s), top, r, jout, lp;

	int depth = L->loop_depth;

	L->loop_depth = L->nregs; /* statements in the body keep the counter */
	EMIT(L, MOVI, counter, 1024);
	top = (int)L->img->ninsns;
	r = fe_gen_int(L, s->ctl.cond);
	jout = EMIT(L, JZ, r, 0);
	fe_reg_free(L, r);
	L->brk = &brk, L->cont = &cont;
	fe_gen_block(L, s->ctl.body);
	L->brk = ob, L->cont = oc;
	for (int i = 0; i < cont.n; i++)
		fe_patch(L, cont.pc[i]);
	lp = EMIT(L, LOOP, counter, 0);
	L->img->insns[lp].imm = lp + 1 - top;
	fe_patch(L, jout);
	for (int i = 0; i < brk.n; i++)
		fe_patch(L, brk.pc[i]);
	L->loop_depth = depth;
	fe_reg_free(L, counter);
}

/* $kv's type for a walk of m: (key, value); 0 when m cannot be walked. */
static int for_kv_type(struct lower *L, const struct fe_node *s, struct fe_map *m, struct ty *kv)
{
	struct ty elems[2];

	if (m->kind == TV_MAP__COUNT || m->nkeys < 0) {
		L->stale = true; /* walked before it is assigned: known in pass 2 */
		if (L->final)
			fe_error(L, s->forin.map, "%s is never assigned", m->name);
		return 0;
	}
	elems[0] = m->key[0];
	elems[1] = m->kind == TV_MAP_count || m->kind == TV_MAP_sum
		       ? (struct ty){.k = TY_INT, .size = 8, .sign = true}
		       : m->val;
	if (m->nkeys != 1 ||
	    !(m->kind == TV_MAP_int || m->kind == TV_MAP_bytes || m->kind == TV_MAP_count ||
	      m->kind == TV_MAP_sum) ||
	    elems[0].k == TY_TUPLE || elems[1].k == TY_TUPLE) {
		fe_error(L, s->forin.map,
			 "for walks maps of one key holding integers, strings, count() or sum(), "
			 "not %s",
			 m->name);
		return 0;
	}
	/* a kernel walk copies each key into a large-key slot (bpf/forloop.h) */
	if (elems[0].size > TV_KEY_LARGE) {
		fe_error(L, s->forin.map,
			 "for walks maps whose key is at most %d bytes, %s's is %u", TV_KEY_LARGE,
			 m->name, elems[0].size);
		return 0;
	}
	/* typed as the tuple (key, value): its layout is the one MFOR writes */
	*kv = fe_tuple_for_kv(L, s->forin.map, elems[0], elems[1]);
	return kv->k == TY_TUPLE;
}

/* for ($kv : @m) { body }: MFOR runs the body per entry; continue and the
 * body's end reach FOREND 0, break FOREND 1; return breaks with a flag
 * set and leaves the block after the loop. */
static void gen_for(struct lower *L, const struct fe_node *s)
{
	struct jumps brk = {0}, cont = {0}, *ob = L->brk, *oc = L->cont;
	struct fe_map *m = fe_map_get(L, s->forin.map);
	struct ty kv;
	struct fe_var *v;
	int flag, depth = L->loop_depth, at, end;

	if (L->for_brk) {
		fe_error(L, s, "for loops cannot be nested");
		return;
	}
	if (!m || !for_kv_type(L, s, m, &kv) || !(v = var_push(L, s->forin.var, kv)))
		return;
	flag = fe_reg(L, s);
	EMIT(L, MOVI, flag, 0);
	L->loop_depth = L->nregs; /* the body keeps the flag */
	at = EMIT(L, MFOR, m->id, v->off, 0);
	L->brk = &brk, L->cont = &cont, L->for_brk = &brk, L->for_ret = flag;
	fe_gen_block(L, s->forin.body);
	L->brk = ob, L->cont = oc, L->for_brk = NULL;
	v->name = ""; /* $kv lives in the body only; its slot stays taken */
	for (int i = 0; i < cont.n; i++)
		fe_patch(L, cont.pc[i]);
	EMIT(L, FOREND, 0);
	for (int i = 0; i < brk.n; i++)
		fe_patch(L, brk.pc[i]);
	end = EMIT(L, FOREND, 1);
	if (at >= 0 && end >= 0)
		L->img->insns[at].imm = (__s32)((__u32)v->off | (__u32)(end - at) << 16);
	add_jump(L, &L->ret, s); /* only when the flag is set: */
	L->img->insns[L->ret.pc[L->ret.n - 1]].op = TV_OP_JNZ;
	L->img->insns[L->ret.pc[L->ret.n - 1]].a = (__u8)flag;
	L->loop_depth = depth;
	fe_reg_free(L, flag);
}

void fe_gen_return(struct lower *L, const struct fe_node *s)
{
	if (!L->for_brk) {
		add_jump(L, &L->ret, s);
		return;
	}
	EMIT(L, MOVI, L->for_ret, 1);
	add_jump(L, L->for_brk, s);
}

static void gen_unroll(struct lower *L, const struct fe_node *s)
{
	const struct fe_node *n = s->ctl.cond;
	__s64 count = n->kind == TV_N_int ? (__s64)n->num.value : -1;

	if (n->kind == TV_N_param && fe_param_int(L, n, &count)) {
		fe_error(L, n, "$%ld used numerically but given \"%s\"", n->param,
			 fe_param_text(L, n));
		return;
	}
	if (count < 1 || count > 100) {
		fe_error(L, s,
			 count > 100 ? "unroll maximum value is 100" : "unroll minimum value is 1");
		return;
	}
	for (__s64 i = 0; i < count; i++)
		fe_gen_block(L, s->ctl.body);
}

/* An expression as a statement: its value dropped.  `c ? f() : g()`
 * runs one of two calls, which need not have values (printf), as an if. */
static void gen_expr_stmt(struct lower *L, const struct fe_node *e)
{
	int r;

	if (e->kind == TV_N_ternary &&
	    (e->ternary.then->kind == TV_N_call || e->ternary.els->kind == TV_N_call)) {
		int jelse, jend;

		r = fe_gen_int(L, e->ternary.cond);
		jelse = EMIT(L, JZ, r, 0);
		fe_reg_free(L, r);
		gen_expr_stmt(L, e->ternary.then);
		jend = EMIT(L, JA, 0);
		fe_patch(L, jelse);
		gen_expr_stmt(L, e->ternary.els);
		fe_patch(L, jend);
	} else if (e->kind == TV_N_call) {
		fe_gen_call(L, e, false);
	} else if (fe_is_bytes(fe_type_of(L, e))) { /* read, then dropped */
		struct ty t = fe_type_of(L, e);

		fe_gen_str(L, e, fe_scratch(L, e, t.size), t.size);
	} else {
		r = fe_gen_int(L, e);
		fe_reg_free(L, r);
	}
}

static void gen_stmt(struct lower *L, const struct fe_node *s)
{
	unsigned save = L->scratch_top;

	switch (s->kind) {
	case TV_N_assign: gen_assign(L, s); break;
	case TV_N_if: gen_if(L, s); break;
	case TV_N_while: gen_while(L, s); break;
	case TV_N_unroll: gen_unroll(L, s); break;
	case TV_N_block: fe_gen_block(L, s); break;
	case TV_N_break: add_jump(L, L->brk, s); break;
	case TV_N_continue: add_jump(L, L->cont, s); break;
	case TV_N_return: fe_gen_return(L, s); break;
	case TV_N_for: gen_for(L, s); break;
	case TV_N_expr_stmt: gen_expr_stmt(L, s->expr); break;
	default: fe_error(L, s, "this statement is not supported yet"); break;
	}
	L->scratch_top = save;
	L->nregs = L->loop_depth;
}

void fe_gen_block(struct lower *L, const struct fe_node *block)
{
	if (block->kind != TV_N_block) {
		gen_stmt(L, block);
		return;
	}
	for (int i = 0; i < block->block.n; i++)
		gen_stmt(L, block->block.v[i]);
}
