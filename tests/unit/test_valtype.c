/* The type language (bytecode/valtype.c) and the host printing bytes by
 * it: arrays, structs, unions, bitfields and tuples as map keys, map
 * values and print() values, in text and JSON.  The expected strings are
 * bpftrace 0.17's, taken side by side from it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/bytecode.h"
#include "host-helpers/host-helpers.h"
#include "vm/vm.h"

/* ---- the parser --------------------------------------------------------- */

static __u32 size_of(const char *t)
{
	__u32 size = 0;

	assert_int_equal(tv_valtype_size(t, &size), 0);
	return size;
}

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(size_of(""), 0);
	assert_int_equal(size_of("i8,s64,K8"), 80);
	assert_int_equal(size_of("(i8,s16)"), 24);
	assert_int_equal(size_of("[4*i4]"), 16);
	assert_int_equal(size_of("[2*[2*i4]]"), 16);
	assert_int_equal(size_of("{.m=i4,.n=i4}"), 8);
	assert_int_equal(size_of("{.a=i1,x3,.b=i4}"), 8);
	assert_int_equal(size_of("{.y={.m=[1*i4]},.a={.n=i4}}"), 8);
	assert_int_equal(size_of("<.a=i4,.b=s4>"), 4);
	assert_int_equal(size_of("<.a=i4,.c=s5,x8>"), 8);
	assert_int_equal(size_of("{.a=u4:4@0,.b=u4:12@4,x2,.c=i2}"), 4);
	assert_int_equal(size_of("(i8,[4*i4]),{}"), 24);
	assert_int_equal(size_of("[0*i4]"), 0);
	assert_int_equal(size_of("i8,x8,s8"), 24);
}

static void test_next(void **state)
{
	struct tv_valtype v;
	struct tv_valiter it;
	const char *t = "{.a=i1,x3,.bb=[2*u2],.c=u1:3@5,x1}";

	(void)state;
	assert_non_null(tv_valtype_next(t, &v));
	assert_int_equal(v.kind, TV_VT_STRUCT);
	assert_int_equal(v.size, 9);
	assert_string_equal(v.end, "");
	tv_valiter_of(&it, &v);
	assert_int_equal(tv_valiter_next(&it, &v), 1);
	assert_int_equal(v.kind, 'i');
	assert_int_equal(v.off, 0);
	assert_int_equal(v.name_len, 1);
	assert_int_equal(tv_valiter_next(&it, &v), 1);
	assert_int_equal(v.kind, TV_VT_ARRAY);
	assert_int_equal(v.off, 4);
	assert_int_equal(v.count, 2);
	assert_memory_equal(v.name, "bb", 2);
	assert_int_equal(v.name_len, 2);
	assert_int_equal(tv_valiter_next(&it, &v), 1);
	assert_int_equal(v.off, 8); /* a bitfield: at the cursor, taking no bytes */
	assert_int_equal(v.bits, 3);
	assert_int_equal(v.bit, 5);
	assert_int_equal(tv_valiter_next(&it, &v), 0);
}

static void test_malformed(void **state)
{
	static const char *bad[] = {
	    "[4*i4",
	    "[4*i4]]",
	    "{.m=i4",
	    "{.m=i4)",
	    "(i8,s16",
	    "i8)",
	    "[*i4]",
	    "[4i4]",
	    "[4*]",
	    "[99999999*i4]",
	    "[65536*i8]",
	    "[256*[256*i8]]",
	    "[4294967297*i1]",
	    "s70000",
	    "i3",
	    "i16",
	    "k4",
	    "q8",
	    "i",
	    "i8,",
	    ",i8",
	    "i8,,s8",
	    "{m=i4}",
	    "{.=i4}",
	    "{.m-i4}",
	    "{.m=i4,}",
	    "{i4}",
	    "(.m=i4)",
	    "{.a=s4:3@0}",
	    "{.a=u4:33@0}",
	    "{.a=u4:0@0}",
	    "{.a=u4:4@30}",
	    "{.a=u4:4@0,x0}",
	    "<.a=u1:4@6>",
	    "x",
	    "i8 ",
	    "{.a=u4:4@}",
	    "{.a=u4:@1,x4}",
	    "[2*i4]x",
	    "<.a=i4",
	};
	char deep[8192];
	size_t n = 0;
	__u32 size;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!tv_valtype_size(bad[i], &size))
			fail_msg("accepted \"%s\"", bad[i]);
	/* 1000 arrays deep, then 1000 structs and tuples: refused, no crash */
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "[1*");
	assert_int_equal(tv_valtype_size(deep, &size), -EINVAL);
	n = 0;
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{.a=(");
	assert_int_equal(tv_valtype_size(deep, &size), -EINVAL);
	/* TV_VALTYPE_DEPTH is allowed */
	n = 0;
	for (int i = 0; i < TV_VALTYPE_DEPTH; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "[1*");
	n += (size_t)snprintf(deep + n, sizeof(deep) - n, "i4");
	for (int i = 0; i < TV_VALTYPE_DEPTH; i++)
		deep[n++] = ']';
	deep[n] = 0;
	assert_int_equal(size_of(deep), 4);
	assert_null(tv_valtype_next(NULL, &(struct tv_valtype){0}));
	assert_int_equal(tv_valtype_size(NULL, &size), -EINVAL);
}

/* Strings of the language's characters, at random (a fixed seed): each
 * is accepted or refused, and one accepted prints from a buffer of its
 * size in every style without reading past it (ASan checks the reads). */
static void test_random_strings(void **state)
{
	static const char alphabet[] = "[]{}<>()*,.=:@x0123456789iusKnY";
	unsigned seed = 1, accepted = 0;
	char t[32];

	(void)state;
	for (int n = 0; n < 200000; n++) {
		size_t len = 1 + (size_t)(rand_r(&seed) % 24);
		__u32 size;

		for (size_t i = 0; i < len; i++)
			t[i] = alphabet[rand_r(&seed) % (int)(sizeof(alphabet) - 1)];
		t[len] = 0;
		char *exact = strdup(t); /* ASan sees a read past its NUL */
		int rc = tv_valtype_size(exact, &size);

		free(exact);
		if (rc || size > 4096)
			continue;
		accepted++;
		for (int json = 0; json < 2; json++) {
			struct tv_image *img = tv_image_new();
			unsigned char *p = calloc(1, size ? size : 1);
			char *buf = NULL;
			size_t blen = 0;
			FILE *ms = open_memstream(&buf, &blen);
			int k = tv_image_add_const(img, TV_CONST_fmt, t, len + 1);
			struct tv_out *o = tv_out_new(img, NULL, ms);

			tv_out_set_json(o, json);
			tv_out_record(&(struct tv_rec){.kind = TV_REC_value,
						       .id = (__u16)k,
						       .len = (__u16)size},
				      p, o);
			tv_out_free(o);
			fclose(ms);
			free(buf);
			free(p);
			tv_image_free(img);
		}
	}
	assert_true(accepted > 100);
}

/* ---- printing ----------------------------------------------------------- */

struct fix {
	struct tv_image *img;
	struct tv_store *store;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->img = tv_image_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (f->store)
		f->store->ops->free(f->store);
	tv_image_free(f->img);
	free(f);
	return 0;
}

/* A map holding one entry, or several: printed as the run's end prints
 * it, in text or JSON. */
static int add_map(struct fix *f, const char *name, unsigned kind, const char *kt, const char *vt)
{
	__u32 ks = 0, vs = 0;

	assert_int_equal(tv_valtype_size(kt, &ks), 0);
	assert_int_equal(tv_valtype_size(vt, &vs), 0);
	struct tv_mapdesc d = {.kind = (__u8)kind,
			       .key_size = (__u16)ks,
			       .val_size = kind == TV_MAP_bytes ? (__u16)vs : 8};

	return tv_image_add_map(f->img, name, &d, kt, vt);
}

static void put(struct fix *f, int map, const void *key, const void *val)
{
	if (!f->store)
		f->store = tv_vm_store_new(f->img);
	assert_int_equal(f->store->ops->update(f->store, (__u32)map, key, val), 0);
}

static void put_count(struct fix *f, int map, const void *key, __s64 v)
{
	struct tv_agg a = {.v = v, .n = 1};

	put(f, map, key, &a);
}

static char *printed(struct fix *f, int map, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *ms = open_memstream(&buf, &len);
	struct tv_out *o = tv_out_new(f->img, f->store, ms);

	tv_out_set_json(o, json);
	assert_int_equal(tv_out_print_map(o, (__u32)map, 0, 1), 0);
	tv_out_free(o);
	fclose(ms);
	return buf;
}

#define assert_printed(f, map, json, want)                                                         \
	do {                                                                                       \
		char *got_ = printed(f, map, json);                                                \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
	} while (0)

/* print(value) of bytes p, typed t */
static char *print_value(struct fix *f, const char *t, const void *p, size_t len, bool json)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *ms = open_memstream(&buf, &n);
	int k = tv_image_add_const(f->img, TV_CONST_fmt, t, strlen(t) + 1);
	struct tv_out *o = tv_out_new(f->img, f->store, ms);
	struct tv_rec h = {.kind = TV_REC_value, .id = (__u16)k, .len = (__u16)len};

	tv_out_set_json(o, json);
	tv_out_record(&h, p, o);
	tv_out_free(o);
	fclose(ms);
	return buf;
}

#define assert_value(f, t, p, json, want)                                                          \
	do {                                                                                       \
		char *got_ = print_value(f, t, p, sizeof(p), json);                                \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
	} while (0)

static const __s32 x4[4] = {1, 2, 3, 4};
static const __s32 y22[2][2] = {{5, 6}, {7, 8}};
static const __s32 foo[2] = {2, 3}; /* struct Foo { int m; int n; } */

static void test_array_values(void **state)
{
	struct fix *f = *state;
	int a = add_map(f, "@a", TV_MAP_bytes, "", "[4*i4]");
	int b = add_map(f, "@b", TV_MAP_bytes, "", "[2*[2*i4]]");
	int t = add_map(f, "@t", TV_MAP_bytes, "", "(i8,[4*i4])");
	struct {
		__s64 one;
		__s32 x[4];
	} tup = {1, {1, 2, 3, 4}};

	put(f, a, "", x4);
	put(f, b, "", y22);
	put(f, t, "", &tup);
	assert_printed(f, a, false, "@a: [1,2,3,4]\n");
	assert_printed(f, b, false, "@b: [[5,6],[7,8]]\n");
	assert_printed(f, t, false, "@t: (1, [1,2,3,4])\n");
	assert_printed(f, a, true, "{\"type\": \"map\", \"data\": {\"@a\": [1,2,3,4]}}\n");
	assert_printed(f, b, true, "{\"type\": \"map\", \"data\": {\"@b\": [[5,6],[7,8]]}}\n");
	assert_printed(f, t, true, "{\"type\": \"map\", \"data\": {\"@t\": [1,[1,2,3,4]]}}\n");
	assert_value(f, "[2*[2*i4]]", y22, false, "[[5,6],[7,8]]\n");
	assert_value(f, "[2*[2*i4]]", y22, true,
		     "{\"type\": \"value\", \"data\": [[5,6],[7,8]]}\n");
}

static void test_struct_values(void **state)
{
	struct fix *f = *state;
	int s = add_map(f, "@s", TV_MAP_bytes, "", "{.m=i4,.n=i4}");
	int n = add_map(f, "@n", TV_MAP_bytes, "", "{.y={.m=[1*i4]},.a={.n=i4}}");
	int t = add_map(f, "@t", TV_MAP_bytes, "", "(i8,{.m=i4,.n=i4})");
	struct {
		__s64 one;
		__s32 s[2];
	} tup = {1, {2, 3}};

	put(f, s, "", foo);
	put(f, n, "", foo);
	put(f, t, "", &tup);
	assert_printed(f, s, false, "@s: { .m = 2, .n = 3 }\n");
	assert_printed(f, n, false, "@n: { .y = { .m = [2] }, .a = { .n = 3 } }\n");
	assert_printed(f, t, false, "@t: (1, { .m = 2, .n = 3 })\n");
	assert_printed(f, s, true,
		       "{\"type\": \"map\", \"data\": {\"@s\": { \"m\": 2, \"n\": 3 }}}\n");
	assert_printed(f, n, true,
		       "{\"type\": \"map\", \"data\": {\"@n\": { \"y\": { \"m\": [2] }, \"a\": { "
		       "\"n\": 3 } }}}\n");
	tup.one = 0;
	put(f, t, "", &tup);
	assert_printed(f, t, true,
		       "{\"type\": \"map\", \"data\": {\"@t\": [0,{ \"m\": 2, \"n\": 3 }]}}\n");
	assert_value(f, "{.m=i4,.n=i4}", foo, false, "{ .m = 2, .n = 3 }\n");
	assert_value(f, "{.m=i4,.n=i4}", foo, true,
		     "{\"type\": \"value\", \"data\": { \"m\": 2, \"n\": 3 }}\n");
}

/* struct Pad { char a; int b; short c; char name[6]; uint64_t u; } */
static const unsigned char pad[24] = {65,   0,	  0,	0,    0xf9, 0xff, 0xff, 0xff,
				      0x2c, 1,	  'h',	'e',  'l',  'l',  'o',	0,
				      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
#define PAD_T "{.a=i1,x3,.b=i4,.c=i2,.name=s6,.u=u8}"

static void test_padding_strings(void **state)
{
	struct fix *f = *state;
	int k = add_map(f, "@k", TV_MAP_count, PAD_T, "");

	assert_value(f, PAD_T, pad, false,
		     "{ .a = 65, .b = -7, .c = 300, .name = hello, .u = 18446744073709551615 }\n");
	assert_value(
	    f, PAD_T, pad, true,
	    "{\"type\": \"value\", \"data\": { \"a\": 65, \"b\": -7, \"c\": 300, \"name\": "
	    "\"hello\", \"u\": 18446744073709551615 }}\n");
	/* in a key, bpftrace reads every integer as signed */
	put_count(f, k, pad, 1);
	assert_printed(f, k, false, "@k[{.a=65,.b=-7,.c=300,.name=hello,.u=-1}]: 1\n");
	assert_printed(f, k, true,
		       "{\"type\": \"map\", \"data\": {\"@k\": "
		       "{\"{.a=65,.b=-7,.c=300,.name=hello,.u=-1}\": 1}}}\n");
}

static void test_keys(void **state)
{
	struct fix *f = *state;
	int x = add_map(f, "@x", TV_MAP_int, "[4*i4]", "");
	int s = add_map(f, "@s", TV_MAP_int, "{.m=i4,.n=i4}", "");
	int m = add_map(f, "@m", TV_MAP_int, "{.m=i4,.n=i4},i8", "");
	int y = add_map(f, "@y", TV_MAP_int, "[2*[2*i4]]", "");
	int u = add_map(f, "@u", TV_MAP_int, "[3*u1],[2*s4]", "");
	struct {
		__s32 s[2];
		__s64 k;
	} mk = {{2, 3}, 42};
	unsigned char ub[11] = {255, 0, 7, 'a', 'b', 0, 0, 'c', 'd', 'e', 0};

	put_count(f, x, x4, 0);
	put_count(f, s, foo, 0);
	put_count(f, m, &mk, 0);
	put_count(f, y, y22, 0);
	put_count(f, u, ub, 0);
	assert_printed(f, x, false, "@x[[1,2,3,4]]: 0\n");
	assert_printed(f, s, false, "@s[{.m=2,.n=3}]: 0\n");
	assert_printed(f, m, false, "@m[{.m=2,.n=3}, 42]: 0\n");
	assert_printed(f, y, false, "@y[[[5,6],[7,8]]]: 0\n");
	assert_printed(f, u, false, "@u[[-1,0,7], [ab,cde]]: 0\n");
	assert_printed(f, m, true,
		       "{\"type\": \"map\", \"data\": {\"@m\": {\"{.m=2,.n=3},42\": 0}}}\n");
	assert_printed(f, u, true,
		       "{\"type\": \"map\", \"data\": {\"@u\": {\"[-1,0,7],[ab,cde]\": 0}}}\n");
}

/* struct { struct In { int m[1]; } z[2]; char s[3][4]; int8_t neg[2]; } */
static void test_nested_arrays(void **state)
{
	struct fix *f = *state;
	unsigned char v[22] = {9, 0,   0,   0,	 10, 0,	  0, 0, 'a', 'b',  0,
			       0, 'c', 'd', 'e', 0,  'f', 0, 0, 0,   0xff, 0x80};
	const char *t = "{.z=[2*{.m=[1*i4]}],.s=[3*s4],.neg=[2*i1]}";

	assert_value(f, t, v, false,
		     "{ .z = [{ .m = [9] },{ .m = [10] }], .s = [ab,cde,f], .neg = [-1,-128] }\n");
	assert_value(f, t, v, true,
		     "{\"type\": \"value\", \"data\": { \"z\": [{ \"m\": [9] },{ \"m\": [10] }], "
		     "\"s\": [\"ab\",\"cde\",\"f\"], \"neg\": [-1,-128] }}\n");
}

/* struct { unsigned a:4, b:8, c:3, d:1, e:16; int s:5; }: bpftrace 0.17
 * prints each bitfield's whole storage unit, from its byte on (beyond
 * the struct too); these are the members' values. */
static void test_bitfields(void **state)
{
	struct fix *f = *state;
	const unsigned char v[16] = {0x21, 0x50, 0xff, 0xff, 0x1d, 0, 0, 0x80, 0xfb, 1};
	const char *t = "{.a=u4:4@0,.b=u4:8@4,.c=u4:3@12,.d=u4:1@15,.e=u4:16@16,x4,.s=i4:5@0,x4}";
	int k = add_map(f, "@k", TV_MAP_count, t, "");

	assert_value(f, t, v, false, "{ .a = 1, .b = 2, .c = 5, .d = 0, .e = 65535, .s = -3 }\n");
	assert_value(f, "{.w=u8:64@0,x8}", v, false, "{ .w = 9223372165703749665 }\n");
	assert_value(f, "{.w=i8:64@0,x8}", v, false, "{ .w = -9223371908005801951 }\n");
	/* bits 11..72: nine bytes */
	assert_value(f, "{x1,.w=u8:62@3,x15}", v, false, "{ .w = 4571153621843967978 }\n");
	assert_value(f, "{x1,.w=i8:62@3,x15}", v, false, "{ .w = -40532396583419926 }\n");
	put_count(f, k, v, 1);
	assert_printed(f, k, false, "@k[{.a=1,.b=2,.c=5,.d=0,.e=65535,.s=-3}]: 1\n");
}

/* union V { int a; char b[4]; } */
static void test_union(void **state)
{
	struct fix *f = *state;
	const unsigned char v[4] = {'a', 'b', 'c', 0};

	assert_value(f, "<.a=i4,.b=s4>", v, false, "{ .a = 6513249, .b = abc }\n");
	assert_value(f, "<.a=i4,.b=s4>", v, true,
		     "{\"type\": \"value\", \"data\": { \"a\": 6513249, \"b\": \"abc\" }}\n");
}

/* bpftrace sorts keys by their integer fields as unsigned numbers and
 * string fields by strncmp, the first field first; the other fields
 * do not order them. */
static void test_key_order(void **state)
{
	struct fix *f = *state;
	int a = add_map(f, "@a", TV_MAP_bytes, "i8", "s2");
	int b = add_map(f, "@b", TV_MAP_bytes, "s2,i8", "s2");
	int c = add_map(f, "@c", TV_MAP_bytes, "[1*i4],i8", "s2");
	__s64 k[3] = {256, 1, -1};
	struct {
		char s[2];
		__s64 v;
	} __attribute__((packed)) bk[3] = {{"b", 2}, {"a", 3}, {"b", 1}};
	struct {
		__s32 x;
		__s64 v;
	} __attribute__((packed)) ck[3] = {{1, 2}, {2, 1}, {3, 0}};

	for (int i = 0; i < 3; i++) {
		put(f, a, &k[i], "x");
		put(f, b, &bk[i], "y");
		put(f, c, &ck[i], "z");
	}
	assert_printed(f, a, false, "@a[1]: x\n@a[256]: x\n@a[-1]: x\n");
	assert_printed(f, b, false, "@b[a, 3]: y\n@b[b, 1]: y\n@b[b, 2]: y\n");
	assert_printed(f, c, false, "@c[[3], 0]: z\n@c[[2], 1]: z\n@c[[1], 2]: z\n");
}

/* A type string the host cannot read prints nothing, and does not crash. */
static void test_bad_types_print_nothing(void **state)
{
	struct fix *f = *state;
	const unsigned char v[16] = {1};

	assert_value(f, "[4*i4", v, false, "");
	assert_value(f, "[4*i4]]", v, true, "");
	assert_value(f, "[8*i4]", v, false, ""); /* more than the record holds */
}

/* bpftrace's printf takes no aggregate: a format whose arguments are one
 * is refused, not printed. */
static void test_printf_refuses_aggregates(void **state)
{
	struct fix *f = *state;
	static const char fmt[] = "%d\n\0[4*i4]";
	static const char ok[] = "%d %s\n\0i8,s8";
	/* without conversions the bytes after the NUL are never read */
	static const char text[] = {'e', 'n', 'd', '\n', 0, (char)0xff};
	int k = tv_image_add_const(f->img, TV_CONST_fmt, fmt, sizeof(fmt));
	int k2 = tv_image_add_const(f->img, TV_CONST_fmt, ok, sizeof(ok));
	int k3 = tv_image_add_const(f->img, TV_CONST_fmt, text, sizeof(text));
	unsigned char args[16] = {7, 0, 0, 0, 0, 0, 0, 0, 'h', 'i'};
	char *buf = NULL;
	size_t n = 0;
	FILE *ms = open_memstream(&buf, &n);
	struct tv_out *o = tv_out_new(f->img, f->store, ms);

	tv_out_record(&(struct tv_rec){.kind = TV_REC_printf, .id = (__u16)k, .len = 16}, args, o);
	tv_out_record(&(struct tv_rec){.kind = TV_REC_printf, .id = (__u16)k2, .len = 16}, args, o);
	tv_out_record(&(struct tv_rec){.kind = TV_REC_printf, .id = (__u16)k3, .len = 0}, args, o);
	tv_out_free(o);
	fclose(ms);
	assert_string_equal(buf, "7 hi\nend\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_next),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_random_strings),
	    cmocka_unit_test_setup_teardown(test_array_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_struct_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_padding_strings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nested_arrays, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bitfields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_union, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_types_print_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_printf_refuses_aggregates, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
