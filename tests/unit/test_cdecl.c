/* The C declaration parser: every corpus entry's sizeof, member offsets and
 * bitfield bits compared with what gcc makes of the same declarations,
 * the BTF shapes the lead's lookups rely on, and the errors with their
 * exact place and message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "frontend/cdecl.h"
#include "tests/unit/cdecl_corpus.h"

/* ---- what our BTF says, and the C program that asks gcc the same ------------ */

struct probe {
	const struct btf *btf;
	FILE *mine, *prog;
	const char *T; /* "struct A", "union U", "TS" */
};

static const struct btf_type *skip_mods(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t)) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

static void bit_probe(struct probe *p, const char *path)
{
	fprintf(p->prog,
		"{ static %s v; unsigned char *b = (unsigned char *)&v; int first = -1, n = 0;\n"
		"  memset(&v, 0, sizeof(v)); v.%s = -1;\n"
		"  for (size_t i = 0; i < sizeof(v) * 8; i++) if (b[i / 8] >> (i %% 8) & 1) {\n"
		"    if (first < 0) first = (int)i; n++; }\n"
		"  printf(\"bit %s|%s %%d %%d\\n\", first, n); }\n",
		p->T, path, p->T, path);
}

static void walk(struct probe *p, __u32 id, const char *path, __u32 base);

static void member(struct probe *p, const struct btf_type *t, int i, const char *path, __u32 base)
{
	const struct btf_member *m = btf_members(t) + i;
	const char *name = btf__name_by_offset(p->btf, m->name_off);
	__u32 off = base + btf_member_bit_offset(t, (__u32)i);
	__u32 bits = btf_member_bitfield_size(t, (__u32)i);
	char sub[512];

	snprintf(sub, sizeof(sub), "%s%s%s", path, *path && *name ? "." : "", name);
	if (bits) {
		fprintf(p->mine, "bit %s|%s %u %u\n", p->T, sub, off, bits);
		bit_probe(p, sub);
		return;
	}
	if (*name) {
		fprintf(p->mine, "off %s|%s %u\n", p->T, sub, off / 8);
		fprintf(p->prog, "printf(\"off %s|%s %%zu\\n\", __builtin_offsetof(%s, %s));\n",
			p->T, sub, p->T, sub);
	}
	walk(p, m->type, sub, off);
}

/* Every member reachable from a type, through arrays' first elements. */
static void walk(struct probe *p, __u32 id, const char *path, __u32 base)
{
	const struct btf_type *t = skip_mods(p->btf, &id);
	char sub[512];

	if (btf_is_array(t) && btf_array(t)->nelems) {
		snprintf(sub, sizeof(sub), "%s[0]", path);
		walk(p, btf_array(t)->type, sub, base);
	}
	for (int i = 0; btf_is_composite(t) && i < btf_vlen(t); i++)
		member(p, t, i, path, base);
}

static void probe_type(struct probe *p, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(p->btf, id), *r;
	const char *name = btf__name_by_offset(p->btf, t->name_off);
	char T[300];
	__u32 rid = id;

	if (!*name || btf_is_fwd(t) || btf_is_int(t) || btf_is_float(t) || btf_is_func_proto(t))
		return;
	r = skip_mods(p->btf, &rid);
	if (btf_is_fwd(r) || btf_is_func_proto(r))
		return;
	snprintf(T, sizeof(T), "%s%s",
		 btf_is_struct(t)  ? "struct "
		 : btf_is_union(t) ? "union "
		 : btf_is_enum(t)  ? "enum "
				   : "",
		 name);
	p->T = T;
	fprintf(p->mine, "size %s %lld\n", T, (long long)btf__resolve_size(p->btf, id));
	fprintf(p->prog, "printf(\"size %s %%zu\\n\", sizeof(%s));\n", T, T);
	for (int i = 0; btf_is_enum(t) && i < btf_vlen(t); i++) {
		const char *e = btf__name_by_offset(p->btf, btf_enum(t)[i].name_off);

		fprintf(p->mine, "enum %s %d\n", e, btf_enum(t)[i].val);
		fprintf(p->prog, "printf(\"enum %s %%d\\n\", (int)%s);\n", e, e);
	}
	walk(p, id, "", 0);
}

/* Anonymous enums' values too: the lead looks enumerators up by name. */
static void probe_anon_enums(struct probe *p, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(p->btf, id);

	for (int i = 0; btf_is_enum(t) && !t->name_off && i < btf_vlen(t); i++) {
		const char *e = btf__name_by_offset(p->btf, btf_enum(t)[i].name_off);

		fprintf(p->mine, "enum %s %d\n", e, btf_enum(t)[i].val);
		fprintf(p->prog, "printf(\"enum %s %%d\\n\", (int)%s);\n", e, e);
	}
}

/* ---- gcc -------------------------------------------------------------------- */

static const char prelude[] =
    "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n"
    "#include <string.h>\n#include <sys/types.h>\n#include <linux/types.h>\n"
    "typedef __u8 u8; typedef __u16 u16; typedef __u32 u32; typedef __u64 u64;\n"
    "typedef __s8 s8; typedef __s16 s16; typedef __s32 s32; typedef __s64 s64;\n"
    "typedef int8_t int8; typedef uint8_t uint8; typedef int16_t int16; typedef uint16_t uint16;\n"
    "typedef int32_t int32; typedef uint32_t uint32; typedef int64_t int64; typedef uint64_t "
    "uint64;\n";

static bool have_cc(void)
{
	return system("cc --version >/dev/null 2>&1") == 0;
}

/* What gcc prints for the program; NULL if it did not build. */
static char *gcc_says(const char *decls, const char *body)
{
	char dir[] = "/tmp/test_cdecl.XXXXXX", cmd[256], path[64];
	char *out = NULL;
	size_t len = 0;
	FILE *f, *o;

	if (!mkdtemp(dir))
		return NULL;
	snprintf(path, sizeof(path), "%s/t.c", dir);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fprintf(f, "%s\n%s\nint main(void)\n{\n%s\nreturn 0;\n}\n", prelude, decls, body);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cc -w -o %s/t %s 2>&1 && %s/t; rm -rf %s", dir, path, dir, dir);
	f = popen(cmd, "r");
	o = open_memstream(&out, &len);
	for (int c; f && o && (c = fgetc(f)) != EOF;)
		fputc(c, o);
	if (o)
		fclose(o);
	if (f && pclose(f) != 0) {
		print_message("gcc failed:\n%s\n", out ? out : "");
		free(out);
		return NULL;
	}
	return out;
}

static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The text's lines, sorted, joined again. */
static char *sorted(char *text)
{
	char **lines = calloc(100000, sizeof(char *)), *out = NULL, *save;
	size_t n = 0, len = 0;
	FILE *o = open_memstream(&out, &len);

	for (char *l = strtok_r(text, "\n", &save); lines && l && n < 100000;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), by_line);
	for (size_t i = 0; i < n; i++)
		fprintf(o, "%s\n", lines[i]);
	fclose(o);
	free(lines);
	return out;
}

/* Our lines for one entry, and the program lines asking gcc the same. */
static void probe_case(const struct cdecl_case *c, FILE *mine, FILE *prog)
{
	struct btf *btf = btf__new_empty();
	struct fe_cdecl_error err;
	struct probe p = {.btf = btf, .mine = mine, .prog = prog};

	assert_non_null(btf);
	if (fe_cdecl_parse(btf, c->decl, NULL, &err)) {
		print_message("%s\n%d:%d: %s\n", c->decl, err.line, err.col, err.msg);
		fail();
	}
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		probe_type(&p, id);
		probe_anon_enums(&p, id);
	}
	btf__free(btf);
}

/* The corpus's names are all different: one program asks gcc about all. */
static void test_corpus_matches_gcc(void **state)
{
	char *mine = NULL, *prog = NULL, *decls = NULL, *theirs, *a, *b;
	size_t ml = 0, pl = 0, dl = 0;
	FILE *m = open_memstream(&mine, &ml), *p = open_memstream(&prog, &pl),
	     *d = open_memstream(&decls, &dl);

	(void)state;
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		probe_case(&corpus[i], m, p);
		fprintf(d, "%s\n", corpus[i].gcc ? corpus[i].gcc : corpus[i].decl);
	}
	fclose(m);
	fclose(p);
	fclose(d);
	if (!have_cc()) {
		print_message("no cc: layouts are parsed, not compared with gcc\n");
	} else {
		theirs = gcc_says(decls, prog);
		assert_non_null(theirs);
		a = sorted(mine);
		b = sorted(theirs);
		if (strcmp(a, b))
			print_message("ours:\n%s\ngcc's:\n%s", a, b);
		assert_string_equal(a, b);
		free(a);
		free(b);
		free(theirs);
	}
	free(mine);
	free(prog);
	free(decls);
}

/* ---- BTF shapes ----------------------------------------------------------------- */

static struct btf *parse_ok(const char *text)
{
	struct btf *btf = btf__new_empty();
	struct fe_cdecl_error err;

	assert_non_null(btf);
	if (fe_cdecl_parse(btf, text, NULL, &err))
		print_message("%d:%d: %s\n", err.line, err.col, err.msg);
	assert_string_equal(err.msg, "");
	return btf;
}

static void test_btf_shapes(void **state)
{
	struct btf *btf = parse_ok("struct A { struct X *x; int (*f)(int, char *, ...); };"
				   "typedef unsigned long ul; enum E { E1 = 1, E2 }; struct Y;"
				   "enum { ANON = 7 };");
	const struct btf_type *t, *r;
	int id, fwd;

	(void)state;
	fwd = btf__find_by_name_kind(btf, "X", BTF_KIND_FWD);
	assert_true(fwd > 0);
	assert_true(btf__find_by_name_kind(btf, "Y", BTF_KIND_FWD) > 0);
	id = btf__find_by_name_kind(btf, "A", BTF_KIND_STRUCT);
	t = btf__type_by_id(btf, (__u32)id);
	assert_int_equal(btf_vlen(t), 2);
	r = btf__type_by_id(btf, btf_members(t)[0].type);
	assert_true(btf_is_ptr(r));
	assert_int_equal(r->type, fwd);
	r = btf__type_by_id(btf, btf_members(t)[1].type);
	assert_true(btf_is_ptr(r));
	r = btf__type_by_id(btf, r->type);
	assert_true(btf_is_func_proto(r));
	assert_int_equal(btf_vlen(r), 3); /* int, char *, and the "..." */
	assert_int_equal(btf_params(r)[2].type, 0);
	id = btf__find_by_name_kind(btf, "ul", BTF_KIND_TYPEDEF);
	assert_true(id > 0);
	assert_int_equal(btf__resolve_size(btf, (__u32)id), 8);
	id = btf__find_by_name_kind(btf, "E", BTF_KIND_ENUM);
	t = btf__type_by_id(btf, (__u32)id);
	assert_int_equal(btf_vlen(t), 2);
	assert_string_equal(btf__name_by_offset(btf, btf_enum(t)[1].name_off), "E2");
	assert_int_equal(btf_enum(t)[1].val, 2);
	btf__free(btf);
}

/* Types go after what the caller's BTF already holds. */
static void test_appends(void **state)
{
	struct btf *btf = btf__new_empty();
	struct fe_cdecl_error err;
	int id;

	(void)state;
	assert_true(btf__add_int(btf, "mine", 4, 0) > 0);
	assert_int_equal(fe_cdecl_parse(btf, "struct A { struct A *p; };", NULL, &err), 0);
	id = btf__find_by_name_kind(btf, "A", BTF_KIND_STRUCT);
	assert_int_equal(id, 2);
	assert_int_equal(btf__type_by_id(btf, btf_members(btf__type_by_id(btf, 2))[0].type)->type,
			 2);
	btf__free(btf);
}

/* ---- sizes at the edges ------------------------------------------------------------- */

__attribute__((noinline)) static char *repeat(const char *head, const char *fmt, int n,
					      const char *tail)
{
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);

	fputs(head, o);
	for (int i = 0; i < n; i++)
		if (strchr(fmt, '%'))
			fprintf(o, fmt, i);
		else
			fputs(fmt, o);
	fputs(tail, o);
	fclose(o);
	return out;
}

static void test_ten_thousand_members(void **state)
{
	char *text = repeat("struct Big { ", "int m%d; ", 10000, "};");
	struct btf *btf = parse_ok(text);
	const struct btf_type *t =
	    btf__type_by_id(btf, (__u32)btf__find_by_name_kind(btf, "Big", BTF_KIND_STRUCT));

	(void)state;
	assert_int_equal(btf_vlen(t), 10000);
	assert_int_equal(t->size, 40000);
	assert_int_equal(btf_member_bit_offset(t, 9999), 39996 * 8);
	btf__free(btf);
	free(text);
}

static void expect_error(const char *text, int line, int col, int col_end, const char *msg)
{
	struct btf *btf = btf__new_empty();
	struct fe_cdecl_error err;

	if (fe_cdecl_parse(btf, text, NULL, &err) != -1)
		print_message("%.200s\n  parsed\n", text);
	assert_string_not_equal(err.msg, "");
	if (strcmp(err.msg, msg) || err.line != line || err.col != col || err.col_end != col_end)
		print_message("%.200s\n  got %d:%d-%d: %s\n", text, err.line, err.col, err.col_end,
			      err.msg);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.line, line);
	assert_int_equal(err.col, col);
	assert_int_equal(err.col_end, col_end);
	/* an error leaves the caller's BTF as it was */
	assert_int_equal(btf__type_cnt(btf), 1);
	btf__free(btf);
}

static void test_too_many_members(void **state)
{
	char *text = repeat("struct Big {", " char m%d;", 70000, " };");

	(void)state;
	expect_error(text, 1, (int)strlen(text) - 1, (int)strlen(text) - 1,
		     "70000 members (BTF holds up to 65535)");
	free(text);
}

static void test_deep_nesting(void **state)
{
	char *braces = repeat("", "struct s%d { ", 100000, "");
	char *open = repeat("", "{", 100000, "");
	char *parens = malloc(200010);
	char *expr = repeat("char x[", "(", 100000, "1");
	char *neg = repeat("struct A { char x[", "-", 100000, "1]; };");
	int col = (int)(strstr(braces, "struct s200 {") - braces) + 13;

	(void)state;
	assert_non_null(parens);
	memcpy(parens, "int ", 4);
	memset(parens + 4, '(', 100000);
	parens[100004] = 'x';
	memset(parens + 100005, ')', 100000);
	strcpy(parens + 200005, ";");
	/* struct s0 { struct s1 {: the 201st body is one too deep */
	expect_error(braces, 1, col, col, "declaration nested too deeply (the limit is 200)");
	expect_error(open, 1, 1, 1, "expected a type before '{'");
	expect_error(parens, 1, 205, 205, "declaration nested too deeply (the limit is 200)");
	expect_error(expr, 1, 107, 107, "declaration nested too deeply (the limit is 200)");
	expect_error(neg, 1, 216, 216, "declaration nested too deeply (the limit is 200)");
	free(braces);
	free(open);
	free(parens);
	free(expr);
	free(neg);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("struct A { int x; ", 1, 19, 18, "expected '}' at end of input");
	expect_error("struct A { foo x; };", 1, 12, 14, "unknown type name 'foo'");
	expect_error("struct A {\n  int a;\n  foo b;\n};", 3, 3, 5, "unknown type name 'foo'");
	expect_error("struct A { int a; }; struct A { int b; };", 1, 29, 29,
		     "redefinition of 'struct A'");
	expect_error("struct A { struct A a; };", 1, 21, 21,
		     "field 'a' has incomplete type 'struct A'");
	expect_error("struct A { struct A { int x; } a; };", 1, 19, 19,
		     "nested redefinition of 'struct A'");
	expect_error("typedef T T;", 1, 9, 9, "unknown type name 'T'");
	expect_error("typedef int T; typedef long T;", 1, 29, 29, "conflicting types for 'T'");
	expect_error("struct A { char c:9; };", 1, 17, 17, "width of 'c' exceeds its type");
	expect_error("struct A { _Bool b:2; };", 1, 18, 18, "width of 'b' exceeds its type");
	expect_error("struct A { int a:0; };", 1, 18, 18, "zero width for bit-field 'a'");
	expect_error("struct A { int a:-1; };", 1, 18, 18, "negative width in bit-field 'a'");
	expect_error("struct A { int *p:3; };", 1, 17, 17, "bit-field 'p' has invalid type");
	expect_error("struct A { int x[-1]; };", 1, 17, 17, "size of array is negative");
	expect_error("struct A { int x[2][]; };", 1, 20, 20,
		     "array type has incomplete element type 'array'");
	expect_error("struct A { char d[]; int n; };", 1, 17, 17,
		     "flexible array member 'd' not at end of struct");
	expect_error("union U { int n; char d[]; };", 1, 23, 23,
		     "flexible array member 'd' in a union");
	expect_error("struct A { char x[0x7fffffffffffffff * 2]; };", 1, 38, 38,
		     "integer overflow in constant expression");
	expect_error("struct A { char x[1 / 0]; };", 1, 21, 21, "division by zero");
	expect_error("struct A { char x[1 << 64]; };", 1, 21, 22, "shift count 64 is out of range");
	expect_error("struct A { char x[0x10000][0x10000]; };", 1, 18, 18,
		     "array is too large (BTF holds up to 4294967295 bytes)");
	expect_error("struct A { char x[0x7fffffff]; char y[0x7fffffff]; char z[2]; };", 1, 37, 37,
		     "field 'y' is too far into its struct for BTF");
	expect_error("struct A { char x[0xffffffff]; int y; };", 1, 36, 36,
		     "field 'y' is too far into its struct for BTF");
	expect_error("struct A { int x y; };", 1, 18, 18, "expected ';' before 'y'");
	expect_error("struct A { int a; struct { int a; }; };", 1, 19, 24, "duplicate member 'a'");
	expect_error("struct A { int a; char a; };", 1, 24, 24, "duplicate member 'a'");
	expect_error("struct A { int a __attribute__((aligned(3))); };", 1, 41, 41,
		     "requested alignment 3 is not a positive power of 2");
	expect_error("enum E { A, A };", 1, 13, 13, "redefinition of 'A'");
	expect_error("enum E { };", 1, 8, 8, "empty enum");
	expect_error("enum E { X = 0x100000000 };", 1, 10, 10,
		     "enumerator value for 'X' is out of range");
	expect_error("struct A { int x; }; union A *p;", 1, 28, 28,
		     "'A' defined as wrong kind of tag");
	expect_error("enum { A }; typedef int A;", 1, 25, 25,
		     "'A' redeclared as a different kind of symbol");
	expect_error("#include <linux/sched.h>", 1, 1, 1,
		     "preprocessor directives are not allowed in declarations");
	expect_error("struct A { int x; /* open", 1, 19, 19, "unterminated comment");
	expect_error("struct A { char x[sizeof(struct B)]; };", 1, 19, 24,
		     "invalid application of 'sizeof' to incomplete type 'struct B'");
	expect_error("struct A { int x[Z]; };", 1, 18, 18, "'Z' is not an integer constant");
	expect_error("struct A { long long long x; };", 1, 12, 15,
		     "invalid combination of type specifiers");
	expect_error("struct A { int char x; };", 1, 12, 14,
		     "invalid combination of type specifiers");
	expect_error("struct A { void v; };", 1, 17, 17, "field 'v' has incomplete type 'void'");
	expect_error("struct A { int f(int); };", 1, 16, 16, "field 'f' declared as a function");
	expect_error("typedef int F(void)[2];", 1, 14, 14, "function returns an array");
	expect_error("struct A { int x = 1; };", 1, 18, 18, "expected ';' before '='");
	expect_error("struct A { int x; } a = {0};", 1, 23, 23,
		     "initializers are not supported here");
	expect_error("struct A { unsigned x:4 } struct", 1, 33, 32,
		     "expected '{' or a name at end of input");
}

/* What bpftrace's C accepts, though C does not. */
static void test_lenient(void **state)
{
	struct btf *btf;

	(void)state;
	btf = parse_ok("struct A { int x[4]; }");
	assert_int_equal(
	    btf__resolve_size(btf, (__u32)btf__find_by_name_kind(btf, "A", BTF_KIND_STRUCT)), 16);
	btf__free(btf);
	btf = parse_ok("typedef int T; typedef T T; struct S { T a; };");
	btf__free(btf);
	btf = parse_ok("struct C { int a; }; int x; struct C *f(int); extern struct C c;");
	btf__free(btf);
	btf = parse_ok("");
	btf__free(btf);
	btf = parse_ok("typedef unsigned int u32; struct U { u32 a; u8 b; };");
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus_matches_gcc),
	    cmocka_unit_test(test_btf_shapes),
	    cmocka_unit_test(test_appends),
	    cmocka_unit_test(test_ten_thousand_members),
	    cmocka_unit_test(test_too_many_members),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_lenient),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
