/* Struct access through kernel BTF: curtask->real_parent->pid,
 * curtask->se.vruntime, ((struct sock *)arg0)->__sk_common.skc_family,
 * args->skbaddr->len, curtask->comm, sizeof(struct task_struct).
 *
 * One walk (place_of) types an access chain and, when generating, puts
 * the address it names in a register; the value is then read from there
 * with its BTF size and sign (LDK), or as bytes (MEMK: a char array too).  BTF is opened
 * at the first access that needs it, never for a script without one. */
#include <stdio.h>
#include <string.h>

#include "frontend/btf.h"
#include "frontend/lower.h"

/* An identifier no builtin or #define knows may be an enumerator of the
 * script's or the kernel's, as it would be to bpftrace through headers. */
bool fe_enum_value(struct lower *L, const struct fe_node *n, __s64 *value)
{
	return fe_type_enum_value(L, n->name, value);
}

/* "struct x" / "union x": the BTF id, or -1. */
static int find_record(struct lower *L, const struct fe_node *n, const char *name)
{
	bool is_union = !strncmp(name, "union ", 6);
	const char *bare = strchr(name, ' ');

	if (!bare || (!is_union && strncmp(name, "struct ", 7)))
		return -1;
	return fe_type_find(L, n, bare + 1, is_union);
}

static const struct ty T_NONE = {.k = TY_NONE};

/* A BTF type as a value type: integers, pointers, char arrays as strings;
 * anything else is a record, read only through its fields. */
static struct ty value_type(struct lower *L, const struct fe_btf_type *t, bool user)
{
	struct fe_btf_type elem;

	switch (t->kind) {
	case TV_BTF_INT: return (struct ty){.k = TY_INT, .size = t->size, .sign = t->sign};
	case TV_BTF_PTR:
		return (struct ty){.k = TY_PTR, .size = 8, .btf = (int)t->ref, .user = user};
	case TV_BTF_ARRAY:
		if (!fe_type(L, (int)t->ref, &elem) && fe_btf_is_char(&elem))
			return (struct ty){.k = TY_STR, .size = t->nelems, .user = user};
		break;
	case TV_BTF_VOID:
	case TV_BTF_OTHER: return T_NONE;
	default: break;
	}
	return (struct ty){.k = TY_RECORD, .size = t->size, .btf = (int)t->id, .user = user};
}

struct ty fe_btf_value_type(struct lower *L, int id, bool user)
{
	struct fe_btf_type t;

	return fe_type(L, id, &t) ? T_NONE : value_type(L, &t, user);
}

/* bpftrace's name of a type, for messages. */
static void type_name(struct lower *L, struct ty t, char *buf, size_t n)
{
	struct fe_btf_type bt = {.name = ""};
	const char *tag;

	if (t.k == TY_PTR && t.btf == FE_BTF_TASK) {
		snprintf(buf, n, "struct task_struct *");
		return;
	}
	if (t.k == TY_PTR || t.k == TY_RECORD)
		fe_type(L, t.btf, &bt);
	tag = bt.kind == TV_BTF_STRUCT ? "struct " : bt.kind == TV_BTF_UNION ? "union " : "";
	switch (t.k) {
	case TY_INT: snprintf(buf, n, "%sint%u", t.sign ? "" : "unsigned ", t.size * 8); break;
	case TY_STR: snprintf(buf, n, "string[%u]", t.size); break;
	case TY_PTR: snprintf(buf, n, "%s%s *", tag, *bt.name ? bt.name : "void"); break;
	case TY_RECORD: snprintf(buf, n, "%s%s", tag, bt.name); break;
	default: snprintf(buf, n, "none"); break;
	}
}

/* The memory an access chain names: at the address register + off (the
 * constant offsets of a chain are added once, by the read). */
struct place {
	struct fe_btf_type t;
	long off;
	unsigned bit_off, bit_size; /* a bitfield: bits within the bytes at the address */
	bool user;
	bool in_scratch; /* off is a scratch offset: the record is held as a value */
};

static int place_of(struct lower *L, const struct fe_node *e, bool gen, struct place *p);

/* A base without a type has its own error: generated for it, no other. */
static bool base_failed(struct lower *L, const struct fe_node *base, struct ty bt)
{
	if (bt.k != TY_NONE)
		return false;
	fe_reg_free(L, fe_gen_int(L, base));
	return true;
}

/* args->field of a tracepoint whose type is "struct x *". */
static int args_pointee(struct lower *L, const struct fe_node *base)
{
	const struct fe_tp_field *f = base->kind == TV_N_field ? fe_args_field(L, base) : NULL;
	const char *s = f && f->is_ptr ? strstr(f->type, "struct ") : NULL;
	char name[96];

	if (!s || sscanf(s, "struct %79[A-Za-z0-9_]", name + 7) != 1)
		return -1;
	memcpy(name, "struct ", 7);
	return find_record(L, base, name);
}

/* The struct a pointer-typed base points at; errors as bpftrace's. */
static int pointee(struct lower *L, const struct fe_node *e, struct ty bt, bool gen,
		   struct fe_btf_type *out)
{
	const struct fe_node *base = e->field.expr;
	char tn[128];
	int id = bt.k != TY_PTR		 ? args_pointee(L, base)
		 : bt.ptrs		 ? -1 /* a pointer to a pointer */
		 : bt.btf == FE_BTF_TASK ? find_record(L, e, "struct task_struct")
					 : bt.btf;

	if (id >= 0 && !fe_type(L, id, out) &&
	    (out->kind == TV_BTF_STRUCT || out->kind == TV_BTF_UNION))
		return 0;
	if (!gen || base_failed(L, base, bt))
		return -1;
	if (bt.k == TY_RECORD)
		fe_error(L, &(struct fe_node){.loc = e->field.op},
			 "Can not dereference struct/union of type '%s'. It is not a pointer.",
			 (type_name(L, bt, tn, sizeof(tn)), tn));
	else if (bt.k == TY_STR)
		fe_error(L, &(struct fe_node){.loc = e->field.op},
			 "The dereference operator can not be used on expressions of type '%s'",
			 (type_name(L, bt, tn, sizeof(tn)), tn));
	else if (bt.k == TY_PTR && bt.ptrs) /* bpftrace names the pointee */
		fe_error(L, e,
			 "Can not access field '%s' on type '%s'. Try dereferencing it first, or "
			 "using '->'",
			 e->field.name, fe_pointee_name(L, bt, tn, sizeof(tn)));
	else
		fe_error(L, e, "Can not access field '%s' on expression of type '%s'",
			 e->field.name,
			 bt.k == TY_PTR && bt.elem ? fe_pointee_name(L, bt, tn, sizeof(tn))
			 : bt.k == TY_PTR	   ? (type_name(L, bt, tn, sizeof(tn)), tn)
						   : "unsigned int64");
	return -1;
}

/* A record held as a value (a variable, a map's value, *p): not in
 * memory at an address but in scratch, where its members are read. */
static bool value_held(const struct fe_node *e)
{
	return !fe_is_struct_access(e);
}

static int scratch_place(struct lower *L, const struct fe_node *base, struct ty bt, bool gen,
			 struct place *p)
{
	struct fe_var *v = base->kind == TV_N_var ? fe_var_find(L, base->name) : NULL;

	if (bt.k != TY_RECORD || fe_type(L, bt.btf, &p->t))
		return -1;
	p->off = 0, p->bit_off = p->bit_size = 0;
	p->user = bt.user;
	p->in_scratch = true;
	if (!gen)
		return 0;
	if (v) {
		p->off = v->off;
		return 0;
	}
	p->off = fe_scratch(L, base, bt.size);
	return fe_gen_str(L, base, (unsigned)p->off, bt.size) ? -1 : 0;
}

/* base.name: base must be a struct or union in memory. */
static int record_of(struct lower *L, const struct fe_node *e, struct ty bt, bool gen,
		     struct place *p)
{
	const struct fe_node at = {.loc = e->field.op};
	char tn[128];
	int r;

	if (bt.k == TY_RECORD) {
		r = value_held(e->field.expr) ? scratch_place(L, e->field.expr, bt, gen, p)
					      : place_of(L, e->field.expr, gen, p);
		if (r >= 0 && (p->t.kind == TV_BTF_STRUCT || p->t.kind == TV_BTF_UNION))
			return r;
		bt.k = TY_NONE;
	}
	if (!gen || base_failed(L, e->field.expr, bt))
		return -1;
	type_name(L, bt, tn, sizeof(tn));
	if (bt.k == TY_PTR)
		fe_error(L, &at,
			 "Can not access field '%s' on type '%s'. Try dereferencing it first, or "
			 "using '->'",
			 e->field.name, tn);
	else
		fe_error(L, &at, "Can not access field '%s' on expression of type '%s'",
			 e->field.name, tn);
	return -1;
}

static void add_offset(struct lower *L, int r, long bytes)
{
	if (r > 0 && bytes)
		EMIT(L, ADDI, r, r, bytes);
}

/* e is base->name or base.name. */
/* The struct or union base->name / base.name is in: the address (gen). */
static int base_of(struct lower *L, const struct fe_node *e, bool gen, struct place *p)
{
	struct ty bt = fe_type_of(L, e->field.expr);

	if (!e->field.arrow)
		return record_of(L, e, bt, gen, p);
	if (pointee(L, e, bt, gen, &p->t))
		return -1;
	p->user = bt.k == TY_PTR ? bt.user : fe_user_pointers(L);
	return gen ? fe_gen_int(L, e->field.expr) : 0;
}

/* e is base->name or base.name.  The member is looked up before the base
 * is generated: its error comes first, as in bpftrace. */
static int field_place(struct lower *L, const struct fe_node *e, bool gen, struct place *p)
{
	struct fe_btf_member m;
	struct fe_btf_type t;
	int r;

	if (base_of(L, e, false, p) < 0) {
		if (gen)
			base_of(L, e, true, p); /* its errors */
		return -1;
	}
	if (fe_type_member(L, (int)p->t.id, e->field.name, &m) || fe_type(L, (int)m.type, &t)) {
		if (gen)
			fe_error(L, e->field.arrow ? e : &(struct fe_node){.loc = e->field.op},
				 "Struct/union of type '%s%s' does not contain a field named '%s'",
				 p->t.kind == TV_BTF_UNION ? "union " : "struct ", p->t.name,
				 e->field.name);
		return -1;
	}
	r = gen ? base_of(L, e, true, p) : 0;
	p->t = t;
	p->off += m.bit_off / 8;
	p->bit_off = m.bit_size ? m.bit_off % 8 : 0;
	p->bit_size = m.bit_size;
	return r;
}

/* base[i]: an element of an array in memory, or of what a pointer points at. */
static int index_place(struct lower *L, const struct fe_node *e, bool gen, struct place *p)
{
	struct ty bt = fe_type_of(L, e->index.expr);
	struct fe_btf_type elem;
	char tn[128];
	int r = 0, i, s;

	if (bt.k == TY_RECORD && value_held(e->index.expr) &&
	    !scratch_place(L, e->index.expr, bt, false, p) && p->t.kind == TV_BTF_ARRAY &&
	    !fe_type(L, (int)p->t.ref, &elem)) {
		if (gen)
			r = scratch_place(L, e->index.expr, bt, true, p);
	} else if (bt.k == TY_RECORD && place_of(L, e->index.expr, false, p) >= 0 &&
		   p->t.kind == TV_BTF_ARRAY && !fe_type(L, (int)p->t.ref, &elem)) {
		if (gen)
			r = place_of(L, e->index.expr, true, p);
	} else if (bt.k == TY_PTR && !bt.ptrs && bt.elem && bt.elem <= 8) { /* (int32 *)x */
		elem = (struct fe_btf_type){
		    .kind = TV_BTF_INT, .size = bt.elem, .sign = bt.elem_sign, .name = ""};
		p->user = bt.user;
		if (gen)
			r = fe_gen_int(L, e->index.expr);
	} else if (bt.k == TY_PTR && !bt.ptrs && bt.btf >= 0 && !fe_type(L, bt.btf, &elem) &&
		   elem.size) {
		p->user = bt.user;
		if (gen)
			r = fe_gen_int(L, e->index.expr);
	} else {
		if (gen && !base_failed(L, e->index.expr, bt))
			fe_error(L, e,
				 "The array index operator [] can only be used on arrays and "
				 "pointers, found %s.",
				 bt.k == TY_STR	     ? "string"
				 : bt.k == TY_RECORD ? "record"
						     : (type_name(L, bt, tn, sizeof(tn)), tn));
		return -1;
	}
	if (e->index.index->kind == TV_N_int && p->t.kind == TV_BTF_ARRAY &&
	    (fe_int_value(e->index.index) < 0 ||
	     fe_int_value(e->index.index) >= (__s64)p->t.nelems)) {
		if (gen)
			fe_error(L, e, "the index %lld is out of bounds for array of size %u",
				 (long long)fe_int_value(e->index.index), p->t.nelems);
		return -1;
	}
	p->t = elem;
	p->bit_off = p->bit_size = 0;
	if (!gen || r < 0)
		return r;
	if (e->index.index->kind == TV_N_int) {
		p->off += (long)fe_int_value(e->index.index) * (long)elem.size;
		return r;
	}
	if (p->in_scratch) {
		fe_error(L, e->index.index,
			 "the index of an array held in a variable or map must "
			 "be a constant");
		return -1;
	}
	i = fe_gen_int(L, e->index.index);
	s = fe_reg(L, e);
	EMIT(L, MOVI, s, elem.size);
	EMIT(L, MUL, i, i, s);
	fe_reg_free(L, s);
	EMIT(L, ADD, r, r, i);
	fe_reg_free(L, i);
	return r;
}

/* Returns the address register (gen), 0 (typing only), or -1 on error. */
static int place_of(struct lower *L, const struct fe_node *e, bool gen, struct place *p)
{
	memset(p, 0, sizeof(*p));
	p->t.name = "";
	if (e->kind == TV_N_field && e->field.name)
		return field_place(L, e, gen, p);
	if (e->kind == TV_N_index)
		return index_place(L, e, gen, p);
	if (gen)
		fe_error(L, e, "this expression is not a struct member");
	return -1;
}

bool fe_is_struct_access(const struct fe_node *e)
{
	if (e->kind == TV_N_index)
		return true;
	if (e->kind != TV_N_field || !e->field.name)
		return false;
	/* args->x and args.x are the tracepoint's own fields */
	return e->field.expr->kind != TV_N_ident || strcmp(e->field.expr->name, "args");
}

struct ty fe_struct_type(struct lower *L, const struct fe_node *e)
{
	struct place p;

	if (place_of(L, e, false, &p) < 0)
		return T_NONE;
	return value_type(L, &p.t, p.user);
}

/* BEGIN and END blocks that read kernel memory run in the kernel
 * (TV_PROBE_IN_KERNEL), which needs what kernel probes need. */
static bool kernel_readable(struct lower *L, const struct fe_node *e, bool user)
{
	if (user || !fe_probe_has(L, TV_PT_HOST) || !L->opts || !L->opts->no_kernel)
		return true;
	fe_error(L, e, "%s reads kernel memory here, which needs root (or CAP_BPF and CAP_PERFMON)",
		 L->probe_kind);
	return false;
}

static bool readable(struct lower *L, const struct fe_node *e, const struct place *p)
{
	return kernel_readable(L, e, p->user);
}

/* An integer of size z at the place: from memory at r + off, or from
 * scratch (r is then only the destination). */
static void load(struct lower *L, int r, const struct place *p, __s64 z)
{
	if (p->in_scratch)
		EMIT(L, LD, r, z, p->off);
	else
		fe_emit(L, p->user ? TV_OP_LDU : TV_OP_LDK, (const __s64[]){r, r, z}, 3);
}

/* A bitfield: its bits shifted down and masked. */
static void bitfield(struct lower *L, const struct fe_node *e, int r, const struct place *p)
{
	unsigned bits = p->bit_off + p->bit_size;
	unsigned size = bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
	int t = fe_reg(L, e);

	load(L, r, p, size);
	EMIT(L, MOVI, t, p->bit_off);
	EMIT(L, SHR, r, r, t);
	if (p->bit_size < 64) {
		EMIT(L, LDW, t, (__s64)((1ull << p->bit_size) - 1));
		EMIT(L, AND, r, r, t);
	}
	fe_reg_free(L, t);
}

static int gen_struct_int(struct lower *L, const struct fe_node *e)
{
	struct place p;
	struct ty t;
	int r = place_of(L, e, true, &p);
	bool bits, scalar;
	char tn[128];

	if (r < 0 || (!r && !p.in_scratch))
		return fe_reg(L, e);
	if (p.in_scratch)
		r = fe_reg(L, e);
	t = value_type(L, &p.t, p.user);
	bits = p.bit_size && p.bit_off + p.bit_size <= 64;
	scalar = (t.k == TY_INT || t.k == TY_PTR) && t.size <= 8;
	if (!bits && !scalar) {
		type_name(L, t, tn, sizeof(tn));
		fe_error(L, e,
			 "%s values are not supported here (only integers, pointers and "
			 "char arrays)",
			 t.k == TY_STR ? "string" : tn);
		return r;
	}
	if (!p.in_scratch && !readable(L, e, &p))
		return r;
	if (!p.in_scratch)
		add_offset(L, r, p.off);
	if (bits)
		bitfield(L, e, r, &p);
	else
		load(L, r, &p, t.size | (t.sign ? TV_Z_SIGNED : 0));
	return r;
}

/* n bytes of memory at register r into S[off..): MEMK/MEMU a chunk at a time. */
static void copy_memory(struct lower *L, int r, bool user, unsigned off, unsigned n)
{
	for (unsigned done = 0; done < n; done += TV_MEM_MAX) {
		unsigned k = n - done < TV_MEM_MAX ? n - done : TV_MEM_MAX;

		if (done)
			EMIT(L, ADDI, r, r, TV_MEM_MAX);
		fe_emit(L, user ? TV_OP_MEMU : TV_OP_MEMK, (const __s64[]){r, off + done, k}, 3);
	}
}

/* A member that is a string (a char array) or a record, as bytes into
 * S[off..off+size); -1 when e is neither. */
static int gen_struct_str(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	struct place p;
	struct ty t = fe_struct_type(L, e);
	unsigned n = t.size < size ? t.size : size;
	int r;

	if (t.k != TY_STR && t.k != TY_RECORD)
		return -1;
	r = place_of(L, e, true, &p);
	if (r < 0 || (!r && !p.in_scratch))
		return 0;
	if (n < size)
		EMIT(L, SZERO, off + n, size - n);
	if (p.in_scratch) {
		EMIT(L, SCOPY, n, off, p.off);
		return 0;
	}
	if (!readable(L, e, &p))
		return 0;
	add_offset(L, r, p.off);
	/* a char array is read whole, as bpftrace does: char s[5] holds
	 * "hello" with no NUL, and the host prints at most its size */
	copy_memory(L, r, p.user, off, n);
	fe_reg_free(L, r);
	return 0;
}

/* *p of a pointer to a record: its bytes into S[off..off+size). */
static int gen_deref_record(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	struct ty pt = fe_type_of(L, e->unop.expr), t = fe_type_of(L, e);
	unsigned n = t.size < size ? t.size : size;
	int r;

	if (t.k != TY_RECORD)
		return -1;
	if (!kernel_readable(L, e, pt.user))
		return 0;
	r = fe_gen_int(L, e->unop.expr);
	if (n < size)
		EMIT(L, SZERO, off + n, size - n);
	copy_memory(L, r, pt.user, off, n);
	fe_reg_free(L, r);
	return 0;
}

bool fe_plain_root(struct lower *L, const struct fe_node *e)
{
	for (int depth = 0; e && depth < 64; depth++) {
		switch (e->kind) {
		case TV_N_field: e = e->field.expr; break;
		case TV_N_index: e = e->index.expr; break;
		case TV_N_unop: e = e->unop.expr; break;
		case TV_N_cast:
			return e->cast.expr->kind == TV_N_int ||
			       (fe_probe_has(L, TV_PT_HOST) &&
				fe_type_of(L, e->cast.expr).k != TY_PTR);
		default: return false;
		}
	}
	return false;
}

int fe_gen_struct_int(struct lower *L, const struct fe_node *e)
{
	bool outer = L->plain_read;
	int r;

	L->plain_read = fe_plain_root(L, e);
	r = gen_struct_int(L, e);
	L->plain_read = outer;
	return r;
}

int fe_gen_struct_str(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	bool outer = L->plain_read;
	int rc;

	L->plain_read = fe_plain_root(L, e);
	rc = gen_struct_str(L, e, off, size);
	L->plain_read = outer;
	return rc;
}

int fe_gen_deref_record(struct lower *L, const struct fe_node *e, unsigned off, unsigned size)
{
	bool outer = L->plain_read;
	int rc;

	L->plain_read = fe_plain_root(L, e);
	rc = gen_deref_record(L, e, off, size);
	L->plain_read = outer;
	return rc;
}

/* The address of a member held in memory (an array, a record) in a
 * register, for functions that copy its bytes; -1 when e has none. */
int fe_gen_struct_addr(struct lower *L, const struct fe_node *e, bool *user, unsigned *size)
{
	struct place p;
	struct ty t = fe_struct_type(L, e);
	int r;

	if (t.k != TY_STR && t.k != TY_RECORD)
		return -1;
	r = place_of(L, e, true, &p);
	if (r <= 0 || p.in_scratch || !readable(L, e, &p))
		return -1;
	add_offset(L, r, p.off);
	*user = p.user;
	*size = t.size;
	return r;
}

/* (struct x *)e is a pointer to x; (struct x)e is an error, as in bpftrace. */
struct ty fe_cast_type(struct lower *L, const struct fe_node *c, bool report)
{
	const struct fe_node *t = c->cast.type;
	bool record = !strncmp(t->type.name, "struct ", 7) || !strncmp(t->type.name, "union ", 6);
	struct ty from;
	int id;

	if (!record) {
		struct ty p = {.k = TY_PTR, .size = 8, .elem = 8};

		if (!t->type.ptr) { /* (int32)x is an int32, as bpftrace types it */
			struct ty i = {.k = TY_INT, .size = 8, .sign = true};

			fe_int_type(t->type.name, &i.size, &i.sign);
			return i;
		}
		from = fe_type_of(L, c->cast.expr);
		p.user = from.k == TY_PTR ? from.user : fe_user_address(L, c->cast.expr);
		if (!fe_int_type(t->type.name, &p.elem, &p.elem_sign))
			p.elem = 8; /* a pointer to something else: a word */
		p.ptrs = (unsigned)t->type.ptr - 1;
		return p;
	}
	id = find_record(L, c, t->type.name);
	if (id < 0 || !t->type.ptr) {
		if (report && (L->btf || L->script_btf))
			fe_error(L, c,
				 id < 0 ? "Unknown struct/union: '%s'"
					: "Cannot cast to struct type \"%s\"",
				 t->type.name);
		return T_NONE;
	}
	from = fe_type_of(L, c->cast.expr);
	return (struct ty){.k = TY_PTR,
			   .size = 8,
			   .btf = id,
			   .user = from.k == TY_PTR ? from.user : fe_user_address(L, c->cast.expr),
			   .ptrs = (unsigned)t->type.ptr - 1};
}

long fe_sizeof_struct(struct lower *L, const struct fe_node *n)
{
	const struct fe_node *type = n->expr;
	struct fe_btf_type t;
	int id = find_record(L, n, type->type.name);

	if (id >= 0 && !fe_type(L, id, &t))
		return t.size;
	if (L->btf || L->script_btf)
		fe_error(L, n, "Unknown identifier: '%s'", type->type.name);
	return -1;
}

/* a == b, a != b of two records of one type: every byte (words XORed and
 * ORed together; both copies are zero padded to whole words). */
int fe_gen_record_compare(struct lower *L, const struct fe_node *e)
{
	struct ty a = fe_type_of(L, e->binop.lhs), b = fe_type_of(L, e->binop.rhs);
	unsigned size = (a.size + 7) & ~7u, save = L->scratch_top, oa, ob;
	int acc = fe_reg(L, e), x, y;
	char ta[128], tb[128];

	if (a.btf != b.btf) {
		fe_error(L, e, "Type mismatch for '%s': comparing '%s' with '%s'",
			 fe_ast_op_text(e->binop.op), (type_name(L, a, ta, sizeof(ta)), ta),
			 (type_name(L, b, tb, sizeof(tb)), tb));
		return acc;
	}
	oa = fe_scratch(L, e, size), ob = fe_scratch(L, e, size);
	fe_gen_str(L, e->binop.lhs, oa, size);
	fe_gen_str(L, e->binop.rhs, ob, size);
	x = fe_reg(L, e), y = fe_reg(L, e);
	EMIT(L, MOVI, acc, 0);
	for (unsigned i = 0; i < size; i += 8) {
		EMIT(L, LD, x, 8, oa + i);
		EMIT(L, LD, y, 8, ob + i);
		EMIT(L, XOR, x, x, y);
		EMIT(L, OR, acc, acc, x);
	}
	fe_reg_free(L, y);
	fe_reg_free(L, x);
	if (e->binop.op == TV_AST_EQ) /* against r0, which stays 0 */
		EMIT(L, EQ, acc, acc, 0);
	else
		EMIT(L, NE, acc, acc, 0);
	L->scratch_top = save;
	return acc;
}
