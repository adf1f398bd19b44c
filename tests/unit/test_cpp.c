/* The preamble's preprocessor on its own: what a macro's expansion makes
 * (hidesets, # and ##, variadic arguments), #if's arithmetic, the values
 * the script reads, and the limits that keep a hostile preamble finite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "frontend/cpp.h"

static struct fe_cpp *run(const char *preamble)
{
	struct fe_cpp_opts o = {0};
	struct fe_cpp *cpp = fe_cpp_new(&o);
	char line[512];
	const char *s = preamble;

	assert_non_null(cpp);
	for (int node = 0; *s; node++) {
		size_t n = strcspn(s, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)n, s);
		if (line[0] == '#')
			fe_cpp_directive(cpp, node, line);
		else if (fe_cpp_on(cpp))
			fe_cpp_decl(cpp, node, line);
		s += n + (s[n] == '\n');
	}
	fe_cpp_finish(cpp);
	return cpp;
}

static int64_t int_of(struct fe_cpp *cpp, const char *name)
{
	int64_t v = -999;
	char str[64];

	assert_int_equal(fe_cpp_value(cpp, name, strlen(name), &v, str, sizeof(str)), 1);
	return v;
}

static void expansion(void **state)
{
	struct fe_cpp *cpp =
	    run("#define foo foo + 1\n" /* no endless recursion */
		"#define f(x) x * g\n"
		"#define g f\n"
		"#define CAT(a, b) a##b\n"
		"#define STR(x) #x\n"
		"#define V(fmt, ...) fmt, ## __VA_ARGS__\n"
		"struct CAT(A, 1) { int foo; int CAT(x, ) ; } STR(a \"b\") V(1) V(2, 3) f(2)(9)\n");

	(void)state;
	assert_int_equal(cpp->nerr, 0);
	assert_string_equal(
	    cpp->out, "struct A1 { int foo + 1 ; int x ; } \"a \\\"b\\\"\" 1 2 , 3 2 * f ( 9 )");
	fe_cpp_free(cpp);
}

static void conditions(void **state)
{
	struct fe_cpp *cpp =
	    run("#if -1 < 0u\n#define U 1\n#else\n#define U 0\n#endif\n"
		"#if (1 << 62) / 2 == 0x2000000000000000 && 7 % 3 == 1 && !defined(NOPE)\n"
		"#define ARITH 1\n#endif\n"
		"#if __x86_64__ && __SIZEOF_LONG__ == 8 && __has_include(<nope/x.h>) == 0\n"
		"#define PRE 1\n#endif\n"
		"#define E (ARITH ? 'a' : 2) + U\n"
		"#ifdef E\n#undef E\n#define E2 (ARITH ? 'a' : 2) + U\n#endif\n");

	(void)state;
	assert_int_equal(cpp->nerr, 0);
	assert_int_equal(int_of(cpp, "U"), 0); /* -1 becomes unsigned: not less */
	assert_int_equal(int_of(cpp, "ARITH"), 1);
	assert_int_equal(int_of(cpp, "PRE"), 1);
	assert_int_equal(int_of(cpp, "E2"), 97);
	assert_int_equal(fe_cpp_value(cpp, "E", 1, &(int64_t){0}, NULL, 0), -1);
	fe_cpp_free(cpp);
}

/* Other tokens come back as text the script's lexer reads, with blanks
 * only where the definition had them. */
static void expression_text(void **state)
{
	struct fe_cpp *cpp = run("#define K @m[tid]\n#define X pid  +  1\n#define Y X * 2\n"
				 "#define F(a) a\n#define N\n");
	char str[64];

	(void)state;
	assert_int_equal(fe_cpp_value(cpp, "K", 1, &(int64_t){0}, str, sizeof(str)), 4);
	assert_string_equal(str, "@m[tid]");
	assert_int_equal(fe_cpp_value(cpp, "Y", 1, &(int64_t){0}, str, sizeof(str)), 4);
	assert_string_equal(str, "pid + 1 * 2");
	assert_int_equal(fe_cpp_value(cpp, "F", 1, &(int64_t){0}, str, sizeof(str)), 0);
	assert_int_equal(fe_cpp_value(cpp, "N", 1, &(int64_t){0}, str, sizeof(str)), 0);
	assert_int_equal(fe_cpp_value(cpp, "K", 1, &(int64_t){0}, str, 4), 0); /* too long */
	fe_cpp_free(cpp);
}

static void errors(void **state)
{
	static const struct {
		const char *preamble, *msg;
	} cases[] = {
	    {"#if 1 / 0\n#endif\n", "division by zero in #if"},
	    {"#if 1 +\n#endif\n", "expected a value at the end of #if"},
	    {"#endif\n", "#endif without #if"},
	    {"#if 1\n#else\n#else\n#endif\n", "#else after #else"},
	    {"#define defined 1\n", "\"defined\" cannot be used as a macro name"},
	    {"#define f(a) a\nstruct S f(1, 2)\n", "macro 'f' passed 2 arguments, but takes 1"},
	    {"#define f(a) a\nstruct S f(1\n", "unterminated argument list invoking macro 'f'"},
	    {"#define a b b b b b b b b\n#define b c c c c c c c c\n#define c d d d d d d d d\n"
	     "#define d e e e e e e e e\n#define e f f f f f f f f\n#define f g g g g g g g g\n"
	     "#define g h h h h h h h h\nstruct a\n",
	     "macro expansion too large"},
	    {"#include <lol/no.h>\n", "'lol/no.h' file not found"},
	    {"#bogus\n", "invalid preprocessing directive #bogus"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fe_cpp *cpp = run(cases[i].preamble);

		if (cpp->nerr < 1 || !strstr(cpp->err[0].msg, cases[i].msg))
			fail_msg("%s: got '%s'", cases[i].preamble,
				 cpp->nerr ? cpp->err[0].msg : "");
		fe_cpp_free(cpp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(expansion),
	    cmocka_unit_test(conditions),
	    cmocka_unit_test(expression_text),
	    cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
