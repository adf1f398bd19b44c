/* The type language of TV_VALUE_TYPES: one parser for the frontend that
 * writes type strings, the validator that checks them and the host that
 * prints by them.  Every number is bounded as it is read and every
 * aggregate's depth is counted, so no string makes it overflow or
 * recurse without end. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "bytecode/bytecode.h"

static const char *parse_type(const char *t, int depth, struct tv_valtype *v);

/* A decimal number up to TV_VALTYPE_SIZE_MAX. */
static const char *number(const char *t, __u32 *n)
{
	__u32 v = 0;

	if (*t < '0' || *t > '9')
		return NULL;
	while (*t >= '0' && *t <= '9') {
		v = v * 10 + (__u32)(*t++ - '0');
		if (v > TV_VALTYPE_SIZE_MAX)
			return NULL;
	}
	*n = v;
	return t;
}

static bool scalar_size_ok(char letter, __u32 size)
{
	switch (letter) {
#define X(l, name, min, max, doc)                                                                  \
	case l: return size >= (min) && size <= (max);
		TV_VALUE_TYPES(X)
#undef X
	default: return false;
	}
}

static bool is_int(char letter)
{
	return letter == TV_VAL_int || letter == TV_VAL_uint;
}

static const char *parse_scalar(const char *t, struct tv_valtype *v)
{
	const char *end = *t ? number(t + 1, &v->size) : NULL; /* the string may end here */

	if (!end || !scalar_size_ok(*t, v->size))
		return NULL;
	/* integers are read as the C types are: 1, 2, 4 or 8 bytes */
	if (is_int(*t) && (v->size & (v->size - 1)))
		return NULL;
	v->kind = *t;
	return end;
}

/* [N*T]: N elements of T. */
static const char *parse_array(const char *t, int depth, struct tv_valtype *v)
{
	struct tv_valtype elem;
	__u64 size;

	t = number(t + 1, &v->count);
	if (!t || *t != '*')
		return NULL;
	v->inner = t + 1;
	t = parse_type(t + 1, depth + 1, &elem);
	size = (__u64)v->count * elem.size;
	if (!t || *t != ']' || size > TV_VALTYPE_SIZE_MAX)
		return NULL;
	v->kind = TV_VT_ARRAY;
	v->size = (__u32)size;
	return t + 1;
}

static char closer(char kind)
{
	switch (kind) {
	case TV_VT_STRUCT: return '}';
	case TV_VT_UNION: return '>';
	case TV_VT_TUPLE: return ')';
	default: return 0; /* a list ends at its NUL */
	}
}

/* i4:W@B after a member's '=': a bitfield. */
static const char *parse_bits(const char *t, struct tv_valtype *v)
{
	if (!is_int(v->kind) || *t != ':' || !(t = number(t + 1, &v->bits)) || *t != '@' ||
	    !(t = number(t + 1, &v->bit)))
		return NULL;
	return v->bits >= 1 && v->bits <= 8 * v->size ? t : NULL;
}

/* .NAME=T or .NAME=i4:W@B */
static const char *parse_member(const char *t, int depth, struct tv_valtype *v)
{
	const char *name = ++t;
	__u32 len;

	while ((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') ||
	       *t == '_')
		t++;
	len = (__u32)(t - name);
	if (!len || *t != '=' || !(t = parse_type(t + 1, depth, v)))
		return NULL;
	v->name = name;
	v->name_len = len;
	return *t == ':' ? parse_bits(t, v) : t;
}

/* One item of a list walked as `kind`: v filled (kind 'x' for padding). */
static const char *parse_item(const char *t, char kind, int depth, struct tv_valtype *v)
{
	*v = (struct tv_valtype){0};
	if (*t == 'x') {
		v->kind = 'x';
		return number(t + 1, &v->size);
	}
	if (kind == TV_VT_STRUCT || kind == TV_VT_UNION)
		return *t == '.' ? parse_member(t, depth, v) : NULL;
	return parse_type(t, depth, v);
}

/* Past an item: its ',' (another item follows), or at the list's end. */
static const char *separator(const char *t, char close)
{
	if (*t == ',' && t[1] != close)
		return t + 1;
	return *t == close ? t : NULL;
}

/* The layout of a list walked as `kind`: where the next item lies and
 * how many bytes (and, for bitfields, bits) it has covered. */
struct layout {
	__u64 cursor, size, bits_end;
};

static void place(struct layout *l, char kind, struct tv_valtype *v)
{
	v->off = kind == TV_VT_UNION ? 0 : (__u32)l->cursor;
	if (v->bits) {
		__u64 end = 8 * (__u64)v->off + v->bit + v->bits;

		l->bits_end = end > l->bits_end ? end : l->bits_end;
		return;
	}
	if (kind == TV_VT_UNION)
		l->size = v->size > l->size ? v->size : l->size;
	else
		l->size = l->cursor += v->size;
}

/* The items from t to the list's end: their total size; after the end. */
static const char *parse_list(const char *t, char kind, int depth, __u32 *size)
{
	char close = closer(kind);
	struct layout l = {0};

	if (depth > TV_VALTYPE_DEPTH)
		return NULL;
	while (t && *t != close) {
		struct tv_valtype v;

		if (!(t = parse_item(t, kind, depth, &v)))
			return NULL;
		place(&l, kind, &v);
		if (l.size > TV_VALTYPE_SIZE_MAX || l.bits_end > 8 * (__u64)TV_VALTYPE_SIZE_MAX)
			return NULL;
		t = separator(t, close);
	}
	if (!t || l.bits_end > 8 * l.size)
		return NULL;
	*size = (__u32)l.size;
	return close ? t + 1 : t;
}

static const char *parse_type(const char *t, int depth, struct tv_valtype *v)
{
	*v = (struct tv_valtype){0};
	if (depth > TV_VALTYPE_DEPTH)
		return NULL;
	if (*t == TV_VT_ARRAY)
		return parse_array(t, depth, v);
	if (*t == TV_VT_STRUCT || *t == TV_VT_UNION || *t == TV_VT_TUPLE) {
		v->kind = *t;
		v->inner = t + 1;
		return parse_list(t + 1, *t, depth + 1, &v->size);
	}
	return parse_scalar(t, v);
}

const char *tv_valtype_next(const char *t, struct tv_valtype *v)
{
	if (!t || !(t = parse_type(t, 0, v)))
		return NULL;
	v->end = t;
	return t;
}

int tv_valtype_size(const char *list, __u32 *size)
{
	const char *end = list ? parse_list(list, 0, 0, size) : NULL;

	return end && !*end ? 0 : -EINVAL;
}

void tv_valiter_of(struct tv_valiter *it, const struct tv_valtype *agg)
{
	*it = (struct tv_valiter){.t = agg->inner, .kind = agg->kind};
	if (agg->kind != TV_VT_ARRAY)
		return;
	it->count = agg->count;
	if (!tv_valtype_next(agg->inner, &it->elem))
		it->t = NULL; /* an error at the first element */
}

void tv_valiter_list(struct tv_valiter *it, const char *list)
{
	*it = (struct tv_valiter){.t = list};
}

static int array_next(struct tv_valiter *it, struct tv_valtype *v)
{
	if (!it->t)
		return -EINVAL;
	if (it->i >= it->count)
		return 0;
	*v = it->elem;
	v->off = it->i++ * v->size;
	return 1;
}

int tv_valiter_next(struct tv_valiter *it, struct tv_valtype *v)
{
	char close = closer(it->kind);
	struct layout l = {.cursor = it->off};

	if (it->kind == TV_VT_ARRAY)
		return array_next(it, v);
	while (it->t && *it->t != close) {
		const char *t = parse_item(it->t, it->kind, 1, v);

		if (!t || !(it->t = separator(t, close)))
			return -EINVAL;
		place(&l, it->kind, v);
		it->off = (__u32)l.cursor;
		if (v->kind != 'x') {
			v->end = t;
			return 1;
		}
	}
	return it->t ? 0 : -EINVAL;
}
