/* DWARF types to BTF.  Each DIE is converted once (a map from its offset
 * to its BTF id).  Pointers are added pointing at void and patched once
 * the top-level conversion is done: a struct that points at itself would
 * otherwise need its own id before libbpf can hand one out (a struct's
 * fields must follow it directly, so its members' types come first). */
#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "frontend/dwarf_btf.h"

/* deeper than any sane type (struct in struct in array ...): corrupt DWARF */
#define MAX_DEPTH 64

struct die_id {
	Dwarf_Off key; /* DIE offset + 1; 0: an empty slot */
	int id;
};

struct pending {
	int ptr_id;
	Dwarf_Die target;
};

struct fe_dwconv {
	struct btf *btf;
	struct die_id *map; /* open addressing, a power of two */
	size_t cap, used;
	struct pending *todo;
	size_t ntodo, todo_cap;
	int index_type; /* arrays' index type, added when the first array is */
	int depth;
};

struct fe_dwconv *fe_dwconv_new(void)
{
	struct fe_dwconv *c = calloc(1, sizeof(*c));

	if (c && !(c->btf = btf__new_empty())) {
		free(c);
		return NULL;
	}
	return c;
}

void fe_dwconv_free(struct fe_dwconv *c)
{
	if (!c)
		return;
	btf__free(c->btf);
	free(c->map);
	free(c->todo);
	free(c);
}

struct btf *fe_dwconv_btf(struct fe_dwconv *c)
{
	return c->btf;
}

const char *fe_dwarf_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

Dwarf_Die *fe_dwarf_type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), out);
}

static size_t slot_of(const struct fe_dwconv *c, Dwarf_Off key)
{
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull) & (c->cap - 1);

	while (c->map[i].key && c->map[i].key != key)
		i = (i + 1) & (c->cap - 1);
	return i;
}

static int lookup(const struct fe_dwconv *c, Dwarf_Die *die)
{
	size_t i;

	if (!c->cap)
		return -1;
	i = slot_of(c, dwarf_dieoffset(die) + 1);
	return c->map[i].key ? c->map[i].id : -1;
}

static int grow(struct fe_dwconv *c)
{
	struct fe_dwconv bigger = *c;

	bigger.cap = c->cap ? c->cap * 2 : 256;
	if (!(bigger.map = calloc(bigger.cap, sizeof(*bigger.map))))
		return -ENOMEM;
	for (size_t i = 0; i < c->cap; i++)
		if (c->map[i].key)
			bigger.map[slot_of(&bigger, c->map[i].key)] = c->map[i];
	free(c->map);
	c->map = bigger.map;
	c->cap = bigger.cap;
	return 0;
}

/* Returns id (or the error it is). */
static int remember(struct fe_dwconv *c, Dwarf_Die *die, int id)
{
	size_t i;

	if (id < 0)
		return id;
	if ((c->used + 1) * 2 > c->cap && grow(c))
		return -ENOMEM;
	i = slot_of(c, dwarf_dieoffset(die) + 1);
	c->map[i] = (struct die_id){dwarf_dieoffset(die) + 1, id};
	c->used++;
	return id;
}

static int convert(struct fe_dwconv *c, Dwarf_Die *die);

static int type_id_of(struct fe_dwconv *c, Dwarf_Die *die)
{
	Dwarf_Die t;

	return convert(c, fe_dwarf_type_of(die, &t));
}

static Dwarf_Word attr_udata(Dwarf_Die *die, int name, Dwarf_Word dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word v;

	return dwarf_formudata(dwarf_attr_integrate(die, name, &a), &v) ? dflt : v;
}

/* A type of n bytes that BTF has no integer for: an array of bytes. */
static int byte_array(struct fe_dwconv *c, int n)
{
	int u8 = btf__find_by_name_kind(c->btf, "unsigned char", BTF_KIND_INT);

	if (u8 < 0)
		u8 = btf__add_int(c->btf, "unsigned char", 1, BTF_INT_CHAR);
	if (u8 < 0 || (!c->index_type &&
		       (c->index_type = btf__add_int(c->btf, "__ARRAY_SIZE_TYPE__", 4, 0)) < 0))
		return u8 < 0 ? u8 : c->index_type;
	return btf__add_array(c->btf, c->index_type, u8, n);
}

static int conv_base(struct fe_dwconv *c, Dwarf_Die *die)
{
	const char *name = fe_dwarf_name(die) ?: "";
	int size = dwarf_bytesize(die), enc;

	switch (attr_udata(die, DW_AT_encoding, 0)) {
	case DW_ATE_float: return btf__add_float(c->btf, name, size);
	case DW_ATE_boolean: enc = BTF_INT_BOOL; break;
	case DW_ATE_signed:
	case DW_ATE_signed_char: enc = BTF_INT_SIGNED; break;
	case DW_ATE_unsigned_char: enc = BTF_INT_CHAR; break;
	default: enc = 0; break;
	}
	if (size == 1 || size == 2 || size == 4 || size == 8 || size == 16)
		return btf__add_int(c->btf, name, size, enc);
	return byte_array(c, size > 0 ? size : 0);
}

static int push_pending(struct fe_dwconv *c, int ptr_id, Dwarf_Die *target)
{
	if (c->ntodo == c->todo_cap) {
		size_t cap = c->todo_cap ? c->todo_cap * 2 : 32;
		struct pending *p = realloc(c->todo, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->todo = p, c->todo_cap = cap;
	}
	c->todo[c->ntodo++] = (struct pending){ptr_id, *target};
	return ptr_id;
}

static int conv_ptr(struct fe_dwconv *c, Dwarf_Die *die)
{
	Dwarf_Die t;
	int id = remember(c, die, btf__add_ptr(c->btf, 0));

	if (id < 0 || !fe_dwarf_type_of(die, &t))
		return id; /* void * */
	return push_pending(c, id, &t);
}

static int conv_qual(struct fe_dwconv *c, Dwarf_Die *die, int tag)
{
	int inner = type_id_of(c, die);

	if (inner < 0)
		return inner;
	switch (tag) {
	case DW_TAG_const_type: return btf__add_const(c->btf, inner);
	case DW_TAG_volatile_type: return btf__add_volatile(c->btf, inner);
	case DW_TAG_restrict_type: return btf__add_restrict(c->btf, inner);
	default: return inner; /* _Atomic: BTF has no such qualifier */
	}
}

static int conv_typedef(struct fe_dwconv *c, Dwarf_Die *die)
{
	int inner = type_id_of(c, die);

	return inner < 0 ? inner : btf__add_typedef(c->btf, fe_dwarf_name(die) ?: "", inner);
}

/* A member's offset in bits from the start of its struct: DWARF 4's
 * data_bit_offset, or the byte location with DWARF 2's bit_offset, which
 * counts from the most significant bit of the storage unit. */
static __u32 member_bit_offset(Dwarf_Die *m, int bit_size)
{
	Dwarf_Attribute a;
	Dwarf_Word loc = 0;
	Dwarf_Die t;

	if (dwarf_hasattr(m, DW_AT_data_bit_offset))
		return attr_udata(m, DW_AT_data_bit_offset, 0);
	if (dwarf_attr(m, DW_AT_data_member_location, &a) && dwarf_formudata(&a, &loc)) {
		Dwarf_Op *ops;
		size_t n;

		/* DWARF 2's form: an expression, DW_OP_plus_uconst N */
		loc = dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 &&
			      ops[0].atom == DW_OP_plus_uconst
			  ? ops[0].number
			  : 0;
	}
	if (bit_size && dwarf_hasattr(m, DW_AT_bit_offset)) {
		int unit = dwarf_hasattr(m, DW_AT_byte_size) ? dwarf_bytesize(m)
			   : fe_dwarf_type_of(m, &t) && !dwarf_peel_type(&t, &t)
			       ? dwarf_bytesize(&t)
			       : 0;

		return loc * 8 + unit * 8 - attr_udata(m, DW_AT_bit_offset, 0) - bit_size;
	}
	return loc * 8;
}

struct field {
	const char *name;
	int type;
	__u32 bit_off, bit_size;
};

/* The members of a struct or union, their types converted. */
static int gather_fields(struct fe_dwconv *c, Dwarf_Die *die, struct field **out, int *n)
{
	Dwarf_Die m;
	int cap = 0, rc = dwarf_child(die, &m);

	*out = NULL, *n = 0;
	for (; rc == 0; rc = dwarf_siblingof(&m, &m)) {
		int bits = dwarf_hasattr(&m, DW_AT_bit_size) ? dwarf_bitsize(&m) : 0;
		struct field f = {fe_dwarf_name(&m), 0, 0, bits > 0 ? bits : 0};

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if ((f.type = type_id_of(c, &m)) < 0)
			return f.type;
		f.bit_off = member_bit_offset(&m, f.bit_size);
		if (*n == cap) {
			struct field *g = realloc(*out, (cap = cap ? cap * 2 : 8) * sizeof(*g));

			if (!g)
				return -ENOMEM;
			*out = g;
		}
		(*out)[(*n)++] = f;
	}
	return rc < 0 ? -EINVAL : 0;
}

static int conv_struct(struct fe_dwconv *c, Dwarf_Die *die, bool is_union)
{
	const char *name = fe_dwarf_name(die);
	struct field *f;
	Dwarf_Die def;
	int n, id, rc;

	if (dwarf_hasattr(die, DW_AT_declaration)) {
		if (name &&
		    fe_dwarf_find_def(dwarf_cu_getdwarf(die->cu), dwarf_tag(die), name, &def))
			return convert(c, &def);
		return btf__add_fwd(c->btf, name ?: "", is_union ? BTF_FWD_UNION : BTF_FWD_STRUCT);
	}
	rc = gather_fields(c, die, &f, &n);
	id = rc
		 ?: is_union ? btf__add_union(c->btf, name, dwarf_bytesize(die))
			     : btf__add_struct(c->btf, name, dwarf_bytesize(die));
	for (int i = 0; id > 0 && i < n; i++)
		if ((rc = btf__add_field(c->btf, f[i].name, f[i].type, f[i].bit_off,
					 f[i].bit_size)) < 0)
			id = rc;
	free(f);
	return id;
}

static int conv_enum(struct fe_dwconv *c, Dwarf_Die *die)
{
	int size = dwarf_bytesize(die), id, rc = 0;
	const char *name = fe_dwarf_name(die);
	bool wide = size == 8;
	Dwarf_Die e;

	id = wide ? btf__add_enum64(c->btf, name, 8, true)
		  : btf__add_enum(c->btf, name, size > 0 ? size : 4);
	for (int r = dwarf_child(die, &e); id > 0 && r == 0; r = dwarf_siblingof(&e, &e)) {
		Dwarf_Attribute a;
		Dwarf_Sword v = 0;

		if (dwarf_tag(&e) != DW_TAG_enumerator)
			continue;
		dwarf_formsdata(dwarf_attr(&e, DW_AT_const_value, &a), &v);
		rc = wide ? btf__add_enum64_value(c->btf, fe_dwarf_name(&e) ?: "", (__u64)v)
			  : btf__add_enum_value(c->btf, fe_dwarf_name(&e) ?: "", v);
		if (rc < 0)
			id = rc;
	}
	return id;
}

/* int a[2][3] is one DIE with two subranges: BTF's array of arrays. */
static int conv_array(struct fe_dwconv *c, Dwarf_Die *die)
{
	Dwarf_Word dims[16];
	int n = 0, id = type_id_of(c, die);
	Dwarf_Die s;

	for (int r = dwarf_child(die, &s); r == 0 && n < 16; r = dwarf_siblingof(&s, &s)) {
		Dwarf_Attribute a;
		Dwarf_Sword upper;

		if (dwarf_tag(&s) != DW_TAG_subrange_type)
			continue;
		if (dwarf_hasattr(&s, DW_AT_count))
			dims[n++] = attr_udata(&s, DW_AT_count, 0);
		else if (!dwarf_formsdata(dwarf_attr(&s, DW_AT_upper_bound, &a), &upper))
			dims[n++] = upper >= 0 ? (Dwarf_Word)upper + 1 : 0;
		else
			dims[n++] = 0; /* a flexible array member */
	}
	if (!c->index_type && id >= 0)
		c->index_type = btf__add_int(c->btf, "__ARRAY_SIZE_TYPE__", 4, 0);
	if (c->index_type < 0)
		return c->index_type;
	while (id >= 0 && n-- > 0)
		id = btf__add_array(c->btf, c->index_type, id, dims[n]);
	return id;
}

/* A function type (what a function pointer points at). */
static int conv_proto(struct fe_dwconv *c, Dwarf_Die *die)
{
	int types[32], n = 0, ret = type_id_of(c, die), id;
	const char *names[32];
	Dwarf_Die p;

	for (int r = dwarf_child(die, &p); ret >= 0 && r == 0 && n < 32;
	     r = dwarf_siblingof(&p, &p)) {
		int tag = dwarf_tag(&p);

		if (tag == DW_TAG_formal_parameter)
			names[n] = fe_dwarf_name(&p), types[n] = type_id_of(c, &p);
		else if (tag == DW_TAG_unspecified_parameters) /* ... */
			names[n] = NULL, types[n] = 0;
		else
			continue;
		if (types[n++] < 0)
			return types[n - 1];
	}
	id = ret < 0 ? ret : btf__add_func_proto(c->btf, ret);
	for (int i = 0; id > 0 && i < n; i++)
		if (btf__add_func_param(c->btf, names[i], types[i]) < 0)
			id = -EINVAL;
	return id;
}

static int convert_tag(struct fe_dwconv *c, Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	switch (tag) {
	case DW_TAG_base_type: return conv_base(c, die);
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: return conv_ptr(c, die);
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: return conv_qual(c, die, tag);
	case DW_TAG_typedef: return conv_typedef(c, die);
	case DW_TAG_structure_type:
	case DW_TAG_class_type: return conv_struct(c, die, false);
	case DW_TAG_union_type: return conv_struct(c, die, true);
	case DW_TAG_enumeration_type: return conv_enum(c, die);
	case DW_TAG_array_type: return conv_array(c, die);
	case DW_TAG_subroutine_type: return conv_proto(c, die);
	default: return 0; /* C++'s nullptr_t and the like: void */
	}
}

static int convert(struct fe_dwconv *c, Dwarf_Die *die)
{
	int id;

	if (!die)
		return 0;
	if ((id = lookup(c, die)) >= 0)
		return id;
	if (c->depth >= MAX_DEPTH)
		return -ELOOP;
	c->depth++;
	id = convert_tag(c, die);
	c->depth--;
	/* pointers remembered themselves before their target was asked for */
	return lookup(c, die) >= 0 ? id : remember(c, die, id);
}

int fe_dwconv_type(struct fe_dwconv *c, Dwarf_Die *die)
{
	int id = convert(c, die);

	while (id >= 0 && c->ntodo) {
		struct pending p = c->todo[--c->ntodo];
		int target = convert(c, &p.target);
		struct btf_type *t;

		if (target < 0)
			return target;
		/* libbpf's builder owns its types writable; nothing else has
		 * seen this pointer yet */
		t = (struct btf_type *)btf__type_by_id(c->btf, p.ptr_id);
		t->type = target;
	}
	c->ntodo = 0; /* after an error the pointers stay void */
	return id;
}

static bool find_in_unit(Dwarf_Die *cu, int tag, const char *name, Dwarf_Die *out)
{
	const char *n;

	for (int r = dwarf_child(cu, out); r == 0; r = dwarf_siblingof(out, out))
		if (dwarf_tag(out) == tag && !dwarf_hasattr(out, DW_AT_declaration) &&
		    (n = fe_dwarf_name(out)) && !strcmp(n, name))
			return true;
	return false;
}

bool fe_dwarf_find_def(Dwarf *dw, int tag, const char *name, Dwarf_Die *out)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	Dwarf_Half version;
	uint8_t type;

	while (dw && dwarf_get_units(dw, cu, &cu, &version, &type, &cudie, NULL) == 0)
		if (find_in_unit(&cudie, tag, name, out))
			return true;
	return false;
}
