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

/* One BTF type held as bytes: a string, an integer, or a record. */
static void member_type(struct lower *L, int id, struct out *o, int depth)
{
	struct fe_btf_type t, elem;

	if (fe_type(L, id, &t)) {
		o->full = true;
		return;
	}
	if (t.kind == TV_BTF_ARRAY && !fe_type(L, (int)t.ref, &elem) && elem.kind == TV_BTF_INT &&
	    elem.size == 1)
		put(o, "s%u", t.size);
	else if (t.kind == TV_BTF_INT)
		put(o, "%c%u", t.sign ? 'i' : 'u', t.size);
	else if (t.kind == TV_BTF_PTR)
		put(o, "u8");
	else if (t.kind == TV_BTF_ARRAY || t.kind == TV_BTF_STRUCT || t.kind == TV_BTF_UNION)
		record(L, (int)t.id, o, depth + 1);
	else
		put(o, "x%u", t.size);
}

/* The members of a struct (a union: its first member), padding between. */
static void fields(struct lower *L, int id, unsigned base, unsigned *at, bool is_union,
		   struct out *o, int depth)
{
	struct fe_btf_member m;
	struct fe_btf_type mt;
	const char *name;

	for (__u32 i = 0; !fe_type_member_at(L, id, i, &m, &name) && !o->full; i++) {
		unsigned off = base + m.bit_off / 8;

		if (fe_type(L, (int)m.type, &mt) || off < *at)
			continue; /* a union's other members, or a bitfield's neighbour */
		if (off > *at)
			put(o, ",x%u", off - *at);
		if (m.bit_size) {
			unsigned bytes = (m.bit_off % 8 + m.bit_size + 7) / 8;

			put(o, ",x%u", bytes);
			*at = off + bytes;
		} else if (!*name && (mt.kind == TV_BTF_STRUCT || mt.kind == TV_BTF_UNION)) {
			fields(L, (int)mt.id, off, at, mt.kind == TV_BTF_UNION, o, depth + 1);
		} else {
			put(o, ",.%s=", name);
			member_type(L, (int)m.type, o, depth);
			*at = off + mt.size;
		}
		if (is_union)
			break;
	}
}

static void record(struct lower *L, int id, struct out *o, int depth)
{
	struct fe_btf_type t;
	unsigned at = 0;
	size_t open;

	if (depth > MAX_NEST || fe_type(L, id, &t)) {
		o->full = true;
		return;
	}
	if (t.kind == TV_BTF_ARRAY) {
		put(o, "[%u*", t.nelems);
		member_type(L, (int)t.ref, o, depth);
		put(o, "]");
		return;
	}
	put(o, "{");
	open = o->len;
	fields(L, id, 0, &at, t.kind == TV_BTF_UNION, o, depth);
	if (at < t.size)
		put(o, ",x%u", t.size - at);
	if (!o->full && o->len > open && o->buf[open] == ',') {
		memmove(o->buf + open, o->buf + open + 1, o->len - open); /* the first comma */
		o->len--;
	}
	put(o, "}");
}

bool fe_value_type_string(struct lower *L, struct ty t, unsigned size, char *buf, size_t n)
{
	struct out o = {buf, n, 0, false};

	buf[0] = 0;
	if (t.k == TY_TUPLE)
		fe_tuple_type_string(L, t, buf, n);
	else if (t.k == TY_RECORD)
		record(L, t.btf, &o, 0);
	else
		put(&o, "%c%u", fe_type_char(&t), size);
	return !o.full;
}
