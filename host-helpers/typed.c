/* Bytes printed by their type string (TV_VALUE_TYPES): keys, values,
 * print() arguments, with arrays, structs, unions and tuples as bpftrace
 * 0.17 writes them in each place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-helpers/internal.h"

/* How an aggregate is written: its brackets, what separates its items,
 * and how a member is named (printf format of its name). */
struct punct {
	const char *open, *sep, *close, *member;
};

static struct punct punct_of(char kind, enum tvh_style s)
{
	if (kind == TV_VT_ARRAY)
		return (struct punct){"[", ",", "]", NULL};
	if (kind == TV_VT_TUPLE && s == TVH_JSON)
		return (struct punct){"[", ",", "]", NULL};
	if (kind == TV_VT_TUPLE)
		return (struct punct){"(", ", ", ")", NULL};
	if (s == TVH_JSON)
		return (struct punct){"{ ", ", ", " }", "\"%.*s\": "};
	if (s == TVH_KEY)
		return (struct punct){"{", ",", "}", ".%.*s="};
	return (struct punct){"{ ", ", ", " }", ".%.*s = "};
}

static bool is_int(char kind)
{
	return kind == TV_VAL_int || kind == TV_VAL_uint;
}

/* A bitfield's bits as a whole 8-byte integer of its signedness. */
static __u64 bitfield(const struct tv_valtype *v, const unsigned char *p)
{
	unsigned char b[9] = {0};
	unsigned shift = v->bit % 8;
	size_t n = (shift + v->bits + 7) / 8;
	__u64 x = 0;

	memcpy(b, p + v->bit / 8, n);
	memcpy(&x, b, 8);
	x >>= shift;
	if (shift)
		x |= (__u64)b[8] << (64 - shift);
	if (v->bits == 64)
		return x;
	x &= (1ull << v->bits) - 1;
	if (v->kind == TV_VAL_int && (x >> (v->bits - 1)) & 1)
		x |= ~0ull << v->bits;
	return x;
}

/* A scalar as text, or in JSON a number or a string. */
static void print_scalar(struct tv_out *o, FILE *f, const struct tv_valtype *v,
			 const unsigned char *p, int indent, enum tvh_style s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *ms;

	if (s != TVH_JSON || is_int(v->kind)) {
		tvh_print_value(o, f, &(struct tvh_field){v->kind, v->size, p}, indent, 0);
		return;
	}
	if (!(ms = open_memstream(&text, &len)))
		return;
	tvh_print_value(o, ms, &(struct tvh_field){v->kind, v->size, p}, indent, 0);
	fclose(ms);
	tvh_json_string(f, text, len);
	free(text);
}

void tvh_print_typed(struct tv_out *o, FILE *f, const struct tv_valtype *v, const unsigned char *p,
		     int indent, enum tvh_style s)
{
	struct punct pu = punct_of(v->kind, s);
	struct tv_valiter it;
	struct tv_valtype item;
	bool first = true;

	if (v->bits) {
		__u64 x = bitfield(v, p);
		struct tv_valtype whole = {.kind = v->kind, .size = 8};

		print_scalar(o, f, &whole, (const unsigned char *)&x, indent, s);
		return;
	}
	if (!strchr("[{<(", v->kind)) {
		print_scalar(o, f, v, p, indent, s);
		return;
	}
	fputs(pu.open, f);
	tv_valiter_of(&it, v);
	while (tv_valiter_next(&it, &item) > 0) {
		fputs(first ? "" : pu.sep, f);
		first = false;
		if (pu.member)
			fprintf(f, pu.member, (int)item.name_len, item.name);
		/* bpftrace reads every integer inside a key as a signed one */
		if (s == TVH_KEY && item.kind == TV_VAL_uint && !item.bits)
			item.kind = TV_VAL_int;
		tvh_print_typed(o, f, &item, p + item.off, indent, s);
	}
	fputs(pu.close, f);
}

int tvh_print_list(struct tv_out *o, FILE *f, const char *type, const unsigned char *p, size_t len,
		   const char *sep, enum tvh_style s)
{
	struct tv_valiter it;
	struct tv_valtype item;
	__u32 size;
	bool first = true;

	if (tv_valtype_size(type, &size) || size > len)
		return -EINVAL; /* not a type this build writes: nothing to print by */
	tv_valiter_list(&it, type);
	while (tv_valiter_next(&it, &item) > 0) {
		fputs(first ? "" : sep, f);
		first = false;
		tvh_print_typed(o, f, &item, p + item.off, 4, s);
	}
	return 0;
}

/* One item of a list as a JSON value (several as one string). */
int tvh_json_list(struct tv_out *o, FILE *f, const char *type, const unsigned char *p, size_t len)
{
	struct tv_valtype v;
	const char *end = tv_valtype_next(type, &v);
	char *text = NULL;
	size_t n = 0;
	FILE *ms;
	int rc;

	if (end && !*end && v.size <= len) {
		tvh_print_typed(o, f, &v, p, 4, TVH_JSON);
		return 0;
	}
	if (!(ms = open_memstream(&text, &n)))
		return -ENOMEM;
	rc = tvh_print_list(o, ms, type, p, len, ", ", TVH_VALUE);
	fclose(ms);
	if (!rc)
		tvh_json_string(f, text, n);
	free(text);
	return rc;
}
