/* The type string of a value (bytecode.h TV_VALUE_TYPES), which the host
 * prints it by: a letter and a size for scalars, "(...)" for a tuple,
 * "[N*T]" for an array and "{.name=T,xN,...}" for a struct (xN: N bytes
 * of padding), walked from the record's type. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frontend/btf.h"
#include "frontend/lower.h"

#define MAX_NEST 16

struct out {
	char *buf;
	size_t n, len;
	bool full; /* it did not fit: the caller reports */
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->full)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->buf + o->len, o->n - o->len, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= o->n - o->len)
		o->full = true;
	else
		o->len += (size_t)k;
}

static void record(struct lower *L, int id, struct out *o, int depth);

/* A char array (only `char`: int8_t and uint8_t arrays are arrays). */
bool fe_btf_is_char(const struct fe_btf_type *t)
{
	return t->kind == TV_BTF_INT && t->size == 1 && !strcmp(t->name, "char");
}

/* One BTF type held as bytes: a string, an integer, or a record; false
 * for a type the host cannot print (its bytes are then padding). */
static bool member_type(struct lower *L, int id, struct out *o, int depth)
{
	struct fe_btf_type t, elem;

	if (fe_type(L, id, &t))
		return false;
	if (t.kind == TV_BTF_ARRAY && !fe_type(L, (int)t.ref, &elem) && fe_btf_is_char(&elem))
		put(o, "s%u", t.size);
	else if (t.kind == TV_BTF_INT && t.size && t.size <= 8 && !(t.size & (t.size - 1)))
		put(o, "%c%u", t.sign ? 'i' : 'u', t.size);
	else if (t.kind == TV_BTF_PTR)
		put(o, "u8");
	else if ((t.kind == TV_BTF_ARRAY && t.nelems) || t.kind == TV_BTF_STRUCT ||
		 t.kind == TV_BTF_UNION)
		record(L, (int)t.id, o, depth + 1);
	else
		return false;
	return true;
}

/* A bitfield: `.name=uS:W@B` at the byte it starts in (the cursor moved
 * there), its storage covered by what follows. */
static void bitfield_member(struct lower *L, const struct fe_btf_member *m, const char *name,
			    unsigned base, unsigned *at, struct out *o)
{
	struct fe_btf_type t;
	unsigned byte = base + m->bit_off / 8, bit = m->bit_off % 8, need = bit + m->bit_size;
	unsigned size = need <= 8 ? 1 : need <= 16 ? 2 : need <= 32 ? 4 : 8;
	bool sign = !fe_type(L, (int)m->type, &t) && t.kind == TV_BTF_INT && t.sign;

	if (byte < *at)
		return; /* inside a member printed already */
	if (byte > *at)
		put(o, ",x%u", byte - *at);
	*at = byte;
	put(o, ",.%s=%c%u:%u@%u", name, sign ? 'i' : 'u', size, m->bit_size, bit);
}

/* The members of a struct (a union's all start at 0), padding between. */
static void fields(struct lower *L, int id, unsigned base, unsigned *at, bool is_union,
		   struct out *o, int depth)
{
	struct fe_btf_member m;
	struct fe_btf_type mt;
	const char *name;

	for (__u32 i = 0; !fe_type_member_at(L, id, i, &m, &name) && !o->full; i++) {
		unsigned off = base + m.bit_off / 8;

		if (fe_type(L, (int)m.type, &mt))
			continue;
		if (is_union)
			*at = base;
		if (m.bit_size) {
			bitfield_member(L, &m, name, base, at, o);
			continue;
		}
		if (off < *at)
			continue; /* overlaps what is there: not printable in order */
		if (off > *at)
			put(o, ",x%u", off - *at);
		*at = off;
		if (!*name && (mt.kind == TV_BTF_STRUCT || mt.kind == TV_BTF_UNION)) {
			unsigned end = off;

			fields(L, (int)mt.id, off, &end, mt.kind == TV_BTF_UNION, o, depth + 1);
			*at = end > off + mt.size ? end : off + mt.size;
			if (end < off + mt.size)
				put(o, ",x%u", off + mt.size - end);
			continue;
		}
		put(o, ",.%s=", name);
		if (!member_type(L, (int)m.type, o, depth)) {
			o->len -= strlen(name) + 3; /* unprintable: its bytes are padding */
			o->buf[o->len] = 0;
			if (mt.size)
				put(o, ",x%u", mt.size);
		}
		*at = off + mt.size;
	}
}

static void record(struct lower *L, int id, struct out *o, int depth)
{
	struct fe_btf_type t;
	unsigned at = 0;
	size_t open;
	bool is_union;

	if (depth > MAX_NEST || fe_type(L, id, &t)) {
		o->full = true;
		return;
	}
	if (t.kind == TV_BTF_ARRAY) {
		put(o, "[%u*", t.nelems);
		if (!member_type(L, (int)t.ref, o, depth))
			o->full = true;
		put(o, "]");
		return;
	}
	is_union = t.kind == TV_BTF_UNION;
	put(o, is_union ? "<" : "{");
	open = o->len;
	fields(L, id, 0, &at, is_union, o, depth);
	if (is_union)
		put(o, ",x%u", t.size);
	else if (at < t.size)
		put(o, ",x%u", t.size - at);
	if (!o->full && o->len > open && o->buf[open] == ',') {
		memmove(o->buf + open, o->buf + open + 1, o->len - open); /* the first comma */
		o->len--;
	}
	put(o, is_union ? ">" : "}");
}

bool fe_value_type_string(struct lower *L, struct ty t, unsigned size, char *buf, size_t n)
{
	struct out o = {buf, n, 0, false};

	buf[0] = 0;
	if (t.k == TY_TUPLE)
		return fe_tuple_type_string(L, t, buf, n);
	if (t.k == TY_RECORD)
		record(L, t.btf, &o, 0);
	else
		put(&o, "%c%u", fe_type_char(&t), size);
	return !o.full;
}
