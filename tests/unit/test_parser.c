/* frontend: the BpfScript lexer and parser.  Every tutorial script and
 * bpftrace tool parses; trees (as tv_ast_dump prints them) for precedence,
 * every statement, literals and probes; errors exactly as bpftrace 0.17
 * prints them; recovery; and garbage that must not crash. */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontend/frontend.h"

struct script {
	const char *name, *text;
};

#define SCRIPT(name, text) {name, text},
static const struct script seeds[] = {
#include "parser_cases/seeds.inc"
};
static const struct script bt_scripts[] = {
#include "parser_cases/bt_scripts.inc"
};
#undef SCRIPT

/* ---- helpers --------------------------------------------------------------- */

/* What stmt writes to FILE *f, as a new string in out. */
#define CAPTURE(out, stmt)                                                                         \
	do {                                                                                       \
		size_t len_;                                                                       \
		FILE *f = open_memstream(&(out), &len_);                                           \
		assert_non_null(f);                                                                \
		stmt;                                                                              \
		fclose(f);                                                                         \
	} while (0)

/* The diagnostics as tv_diag_print_all prints them for "stdin". */
static char *diag_text(const char *src, const struct tv_diag *d)
{
	char *buf = NULL;

	CAPTURE(buf, tv_diag_print_all(f, "stdin", src, d));
	return buf;
}

/* The dump of a program that must parse. */
static char *dump(const char *src)
{
	struct tv_diag d;
	struct tv_ast *ast = tv_parse(src, "stdin", &d);
	char *buf = NULL;

	if (!ast)
		fail_msg("does not parse:\n%s\n%s", src, diag_text(src, &d));
	CAPTURE(buf, tv_ast_dump(ast, f));
	tv_ast_free(ast);
	return buf;
}

static void assert_dump(const char *src, const char *expected)
{
	char *got = dump(src);

	if (strcmp(got, expected))
		fail_msg("%s\n  got: %s  want: %s", src, got, expected);
	free(got);
}

/* The statements of "BEGIN { stmts }", dumped as the block's items. */
static void assert_stmts(const char *stmts, const char *expected)
{
	static const char head[] = "(program (probe (attach \"BEGIN\") (block ";
	char *src, *got;
	size_t n;

	assert_true(asprintf(&src, "BEGIN { %s }", stmts) > 0);
	got = dump(src);
	n = strlen(got);
	assert_true(n > sizeof(head) + 3 && !strncmp(got, head, sizeof(head) - 1));
	got[n - 4] = 0; /* the ")))\n" closing block, probe and program */
	if (strcmp(got + sizeof(head) - 1, expected))
		fail_msg("%s\n  got: %s\n want: %s", stmts, got + sizeof(head) - 1, expected);
	free(got);
	free(src);
}

/* "$x = expr" dumps as "(= $x expected)". */
static void assert_expr(const char *expr, const char *expected)
{
	char *stmt, *want;

	assert_true(asprintf(&stmt, "$x = %s", expr) > 0);
	assert_true(asprintf(&want, "(= $x %s)", expected) > 0);
	assert_stmts(stmt, want);
	free(want);
	free(stmt);
}

/* A program that must not parse: its diagnostics, printed. */
static void assert_errors(const char *src, const char *expected)
{
	struct tv_diag d;
	struct tv_ast *ast = tv_parse(src, "stdin", &d);
	char *got;

	if (ast) {
		tv_ast_free(ast);
		fail_msg("parses, but should not:\n%s", src);
	}
	got = diag_text(src, &d);
	if (strcmp(got, expected))
		fail_msg("%s\n--- got:\n%s--- want:\n%s", src, got, expected);
	free(got);
}

static void assert_parses(const char *name, const char *src, size_t len)
{
	struct tv_diag d;
	struct tv_ast *ast = tv_parse_n(src, len, name, &d);

	if (!ast)
		fail_msg("%s does not parse:\n%s", name, diag_text(src, &d));
	tv_ast_free(ast);
}

/* ---- scripts that must parse ----------------------------------------------- */

static void test_seed_scripts(void **state)
{
	(void)state;
	assert_true(sizeof(seeds) / sizeof(seeds[0]) >= 70);
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		assert_parses(seeds[i].name, seeds[i].text, strlen(seeds[i].text));
}

static void test_embedded_bt_scripts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bt_scripts) / sizeof(bt_scripts[0]); i++)
		assert_parses(bt_scripts[i].name, bt_scripts[i].text, strlen(bt_scripts[i].text));
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* bpftrace's own tools, where bpftrace is installed. */
static void test_installed_bt_scripts(void **state)
{
	glob_t g;

	(void)state;
	if (glob("/usr/sbin/*.bt", 0, NULL, &g) || !g.gl_pathc) {
		globfree(&g);
		skip(); /* bpftrace not installed: the embedded copies stand in */
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t len;
		char *text = read_file(g.gl_pathv[i], &len);

		assert_parses(g.gl_pathv[i], text, len);
		free(text);
	}
	globfree(&g);
}

/* ---- expressions ------------------------------------------------------------- */

static const struct {
	const char *group, *src, *tree;
} exprs[] = {
#define EXPR(group, src, tree) {#group, src, tree},
#include "parser_cases/exprs.inc"
#undef EXPR
};

static void check_exprs(const char *group)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		if (!strcmp(exprs[i].group, group)) {
			assert_expr(exprs[i].src, exprs[i].tree);
			n++;
		}
	}
	assert_true(n > 0);
}

static void test_precedence(void **state)
{
	(void)state;
	check_exprs("precedence");
}

static void test_ternary(void **state)
{
	(void)state;
	check_exprs("ternary");
	assert_stmts("$a == 1 ? print(\"true\") : print(\"false\")",
		     "(? (== $a 1) (call print \"true\") (call print \"false\"))");
}

static void test_unary(void **state)
{
	(void)state;
	check_exprs("unary");
}

static void test_casts(void **state)
{
	(void)state;
	check_exprs("casts");
}

static void test_postfix(void **state)
{
	(void)state;
	check_exprs("postfix");
}

static void test_primaries(void **state)
{
	(void)state;
	check_exprs("primaries");
}

/* ---- literals ---------------------------------------------------------------- */

static void test_integers(void **state)
{
	(void)state;
	check_exprs("integers");
}

static void test_strings(void **state)
{
	struct tv_diag d;
	struct tv_ast *ast;

	(void)state;
	check_exprs("strings");
	/* a NUL in the source, inside a string */
	ast = tv_parse_n("BEGIN { $s = \"a\0b\" }", 20, NULL, &d);
	assert_non_null(ast);
	tv_ast_free(ast);
}

/* ---- statements -------------------------------------------------------------- */

static void test_assignments(void **state)
{
	(void)state;
	assert_stmts("@x = 1", "(= @x 1)");
	assert_stmts("@ = 1; @[1] = 2", "(= @ 1) (= (@ 1) 2)");
	assert_stmts("@m[k1, k2] = count()", "(= (@m k1 k2) (call count))");
	assert_stmts("$v = \"s\"", "(= $v \"s\")");
	assert_stmts("$a += 1; $a -= 2; $a *= 3; $a /= 4; $a %= 5",
		     "(+= $a 1) (-= $a 2) (*= $a 3) (/= $a 4) (%= $a 5)");
	assert_stmts("@a &= 1; @a |= 2; @a ^= 3; @a <<= 4; @a >>= 5",
		     "(&= @a 1) (|= @a 2) (^= @a 3) (<<= @a 4) (>>= @a 5)");
	assert_stmts("$x += 1 + 2", "(+= $x (+ 1 2))");
	assert_stmts("@start[tid] = delete()", "(= (@start tid) (call delete))");
}

static void test_incdec(void **state)
{
	(void)state;
	assert_stmts("@x++; ++@x; @y[1, 2]--; --$z; $a++",
		     "(post++ @x) (pre++ @x) (post-- (@y 1 2)) (pre-- $z) (post++ $a)");
	assert_stmts("@[pid, comm]++", "(post++ (@ pid comm))");
	assert_expr("$a--", "(post-- $a)");
	assert_expr("--$a", "(pre-- $a)");
	assert_expr("$a++ + ++$b", "(+ (post++ $a) (pre++ $b))");
}

static void test_control_flow(void **state)
{
	(void)state;
	assert_stmts("if (1) { }", "(if 1 (block))");
	assert_stmts("if ($a) { $b = 1 } else { $b = 2 }",
		     "(if $a (block (= $b 1)) (block (= $b 2)))");
	assert_stmts("if (a) { x } else if (b) { y } else if (c) { z } else { w }",
		     "(if a (block x) (if b (block y) (if c (block z) (block w))))");
	assert_stmts("if (a) { } $b = 1", "(if a (block)) (= $b 1)");
	assert_stmts("unroll(3) { print(\"Unrolled\") }",
		     "(unroll 3 (block (call print \"Unrolled\")))");
	assert_stmts("unroll ($1) { } unroll($#) { } unroll(-2) { }",
		     "(unroll $1 (block)) (unroll $# (block)) (unroll -2 (block))");
	assert_stmts("while ($i <= 100) { if ($i > 5) { break; } $i++; continue }",
		     "(while (<= $i 100) (block (if (> $i 5) (block (break))) (post++ $i) "
		     "(continue)))");
	assert_stmts("for ($kv : @m) { print($kv.0); }",
		     "(for $kv @m (block (call print (. $kv 0))))");
	assert_stmts("return", "(return)");
	assert_stmts("if (1) { return; }", "(if 1 (block (return)))");
}

static void test_statement_lists(void **state)
{
	(void)state;
	/* the last ';' is optional; blocks need none */
	assert_stmts("a; b", "a b");
	assert_stmts("a; b;", "a b");
	assert_stmts("delete(@[tid])", "(call delete (@ tid))");
	assert_stmts("$x = 42; printf(\"$x is %d\", $x);",
		     "(= $x 42) (call printf \"$x is %d\" $x)");
	assert_stmts("if (a) { } if (b) { } c", "(if a (block)) (if b (block)) c");
	assert_stmts("while (a) { } c;", "(while a (block)) c");
	assert_dump("BEGIN { }", "(program (probe (attach \"BEGIN\") (block)))\n");
	assert_dump(
	    "BEGIN {}END{}",
	    "(program (probe (attach \"BEGIN\") (block)) (probe (attach \"END\") (block)))\n");
	assert_dump("i:s:1 { exit() }",
		    "(program (probe (attach \"i:s:1\") (block (call exit))))\n");
}

/* ---- probes, the preamble, comments -------------------------------------------- */

static void test_attach_points(void **state)
{
	static const char *const points[] = {
#define ATTACH(text) text,
#include "parser_cases/attach.inc"
#undef ATTACH
	};
	char *src, *want, esc[128];

	(void)state;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		size_t n = 0;

		for (const char *c = points[i]; *c && n < sizeof(esc) - 2; c++) {
			if (*c == '"')
				esc[n++] = '\\'; /* the dump escapes quotes */
			esc[n++] = *c;
		}
		esc[n] = 0;
		assert_true(asprintf(&src, "%s { }", points[i]) > 0);
		assert_true(asprintf(&want, "(program (probe (attach \"%s\") (block)))\n", esc) >
			    0);
		assert_dump(src, want);
		free(src);
		free(want);
	}
}

static void test_probe_lists(void **state)
{
	(void)state;
	assert_dump("kprobe:a, kprobe:b { }",
		    "(program (probe (attach \"kprobe:a\") (attach \"kprobe:b\") (block)))\n");
	assert_dump("kprobe:sys_read,kprobe:sys_write{}",
		    "(program (probe (attach \"kprobe:sys_read\") (attach \"kprobe:sys_write\") "
		    "(block)))\n");
	assert_dump("tracepoint:syscalls:sys_enter_open,\n"
		    "tracepoint:syscalls:sys_enter_openat\n"
		    "{\n}\n",
		    "(program (probe (attach \"tracepoint:syscalls:sys_enter_open\") "
		    "(attach \"tracepoint:syscalls:sys_enter_openat\") (block)))\n");
	/* a ',' before the block is allowed, as in bpftrace */
	assert_dump("kprobe:f, { }", "(program (probe (attach \"kprobe:f\") (block)))\n");
	assert_dump("k:a,k:b /1/ {} k:c {}",
		    "(program (probe (attach \"k:a\") (attach \"k:b\") (pred 1) (block)) "
		    "(probe (attach \"k:c\") (block)))\n");
}

static void test_predicates(void **state)
{
	(void)state;
	assert_dump("kprobe:f /pid == 1234/ { }",
		    "(program (probe (attach \"kprobe:f\") (pred (== pid 1234)) (block)))\n");
	assert_dump(
	    "kretprobe:sys_read / @start[tid] / { }",
	    "(program (probe (attach \"kretprobe:sys_read\") (pred (@start tid)) (block)))\n");
	assert_dump("k:f /$a / 2/ { }",
		    "(program (probe (attach \"k:f\") (pred (/ $a 2)) (block)))\n");
	assert_dump("k:f\n/pid > 100 && pid < 1000/\n{ }",
		    "(program (probe (attach \"k:f\") (pred (&& (> pid 100) (< pid 1000))) "
		    "(block)))\n");
	assert_dump("k:f /pid/ /* why */ { }",
		    "(program (probe (attach \"k:f\") (pred pid) (block)))\n");
	assert_dump("k:f /pid/ // why\n{ }",
		    "(program (probe (attach \"k:f\") (pred pid) (block)))\n");
	assert_dump("k:f /comm == \"bash\"/{}",
		    "(program (probe (attach \"k:f\") (pred (== comm \"bash\")) (block)))\n");
}

static void test_preamble(void **state)
{
	(void)state;
	assert_dump("#!/usr/bin/env bpftrace\nBEGIN { }",
		    "(program (shebang \"#!/usr/bin/env bpftrace\") (probe (attach \"BEGIN\") "
		    "(block)))\n");
	assert_dump(
	    "#include <linux/sched.h>\n#include \"my.h\"\n  # define RED \"x\"\n"
	    "#ifndef X\n#endif\nBEGIN { }",
	    "(program (preproc \"#include <linux/sched.h>\") (preproc \"#include \\\"my.h\\\"\") "
	    "(preproc \"# define RED \\\"x\\\"\") (preproc \"#ifndef X\") (preproc \"#endif\") "
	    "(probe (attach \"BEGIN\") (block)))\n");
	assert_dump("struct Foo { int x; char y[4]; }\nBEGIN { $f = (struct Foo *)0 }",
		    "(program (struct_def \"struct Foo { int x; char y[4]; }\") (probe (attach "
		    "\"BEGIN\") (block (= $f (cast (type \"struct Foo *\") 0)))))\n");
	assert_dump("struct A { struct { int a; } x; /* } */ };\nunion U { int a; }\n"
		    "enum E { A = 1, B }\nBEGIN { }",
		    "(program (struct_def \"struct A { struct { int a; } x; /* } */ };\") "
		    "(struct_def \"union U { int a; }\") (struct_def \"enum E { A = 1, B }\") "
		    "(probe (attach \"BEGIN\") (block)))\n");
	/* the shebang is only a shebang on line 1 */
	assert_dump("#!/bin/x\n#include <a.h>\nBEGIN { }",
		    "(program (shebang \"#!/bin/x\") (preproc \"#include <a.h>\") (probe (attach "
		    "\"BEGIN\") (block)))\n");
}

static void test_comments(void **state)
{
	(void)state;
	assert_dump("// c\nBEGIN /* c */ { /* c\n c */ @x = 1; // c\n } // c",
		    "(program (probe (attach \"BEGIN\") (block (= @x 1))))\n");
	assert_dump("i:s:1 {\n  print(/* inline comment block */ 1);\n}",
		    "(program (probe (attach \"i:s:1\") (block (call print 1))))\n");
	/* "# text" is a comment (the tutorials write them); "#include" is not */
	assert_dump(
	    "# Entry\nkprobe:f { } # after\n# Return\nkretprobe:f { $a = 1; # why\n }",
	    "(program (probe (attach \"kprobe:f\") (block)) (probe (attach \"kretprobe:f\") "
	    "(block (= $a 1))))\n");
	assert_dump("BEGIN { $x = 1 }/**/",
		    "(program (probe (attach \"BEGIN\") (block (= $x 1))))\n");
	/* a program has a probe, as in bpftrace */
	assert_errors("", "stdin:1:1-1: ERROR: unexpected end of file, expected {\n");
	assert_errors("#include <linux/sched.h>",
		      "stdin:1:25-25: ERROR: unexpected end of file, expected {\n"
		      "#include <linux/sched.h>\n"
		      "                        \n");
	assert_errors("  \n\t// nothing\n",
		      "stdin:3:1-1: ERROR: unexpected end of file, expected {\n");
}

/* ---- errors ------------------------------------------------------------------ */

struct error_case {
	const char *origin, *src, *expected;
};

#define ERROR_CASE(origin, src, expected) {origin, src, expected},
static const struct error_case error_cases[] = {
#include "parser_cases/errors.inc"
};
#undef ERROR_CASE

/* The error cases of one origin ("bpftrace", "ours", "recovery"). */
static void check_errors(const char *origin)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		if (!strcmp(error_cases[i].origin, origin)) {
			assert_errors(error_cases[i].src, error_cases[i].expected);
			n++;
		}
	}
	assert_true(n > 0);
}

/* Exactly what bpftrace prints, and our own messages. */
static void test_error_messages(void **state)
{
	(void)state;
	check_errors("bpftrace");
	check_errors("ours");
}

static void test_error_locations(void **state)
{
	struct tv_diag d;

	(void)state;
	/* col..col_end: the offending text, inclusive; empty at the end */
	assert_null(tv_parse("BEGIN { $x = 1 @y }", NULL, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.err[0].line, 1);
	assert_int_equal(d.err[0].col, 16);
	assert_int_equal(d.err[0].col_end, 17);
	assert_string_equal(d.err[0].msg, "syntax error, unexpected map, expecting }");
	assert_null(tv_parse("BEGIN {\n", NULL, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.err[0].line, 2);
	assert_int_equal(d.err[0].col, 1);
	assert_int_equal(d.err[0].col_end, 0);
}

/* Several errors in one run: the parser goes on at ';', '}' and the next
 * probe. */
static void test_recovery(void **state)
{
	(void)state;
	check_errors("recovery");
}

static void test_error_limit(void **state)
{
	struct tv_diag d;
	char *src = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&src, &len);

	(void)state;
	for (int i = 0; i < 40; i++)
		fprintf(f, "BEGIN { $x = ; }\n");
	fclose(f);
	assert_null(tv_parse(src, "f.bt", &d));
	assert_int_equal(d.n, 10);
	assert_int_equal(d.dropped, 0);
	assert_int_equal(d.err[9].line, 10);
	free(src);
	/* the list itself keeps TV_DIAG_MAX and counts the rest */
	tv_diag_init(&d);
	for (int i = 0; i < TV_DIAG_MAX + 3; i++)
		tv_diag_add(&d, i + 1, 1, 1, "error %d", i);
	assert_int_equal(d.n, TV_DIAG_MAX);
	assert_int_equal(d.dropped, 3);
	assert_string_equal(d.err[TV_DIAG_MAX - 1].msg, "error 15");
}

static char *repeat(const char *head, const char *unit, int n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * (size_t)n + tl + 1), *p = s;

	assert_non_null(s);
	memcpy(p, head, hl);
	p += hl;
	for (int i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

static void assert_too_deep(char *src)
{
	struct tv_diag d;

	assert_null(tv_parse(src, NULL, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.err[0].msg, "nesting too deep (more than 256 levels)");
	free(src);
}

static void test_nesting_limit(void **state)
{
	char *open = repeat("BEGIN { $x = ", "(", 100, "1"), *src = repeat(open, ")", 100, "; }");
	struct tv_diag d;
	struct tv_ast *ast = tv_parse(src, NULL, &d);

	(void)state;
	assert_non_null(ast); /* 100 levels are fine */
	tv_ast_free(ast);
	free(src);
	free(open);
	/* 100000 levels: one clear error, no stack overflow */
	assert_too_deep(repeat("BEGIN { $x = ", "(", 100000, "1; }"));
	assert_too_deep(repeat("BEGIN { $x = ", "-!~*", 50000, "1; }"));
	assert_too_deep(repeat("BEGIN { ", "if (1) { ", 100000, "}"));
	assert_too_deep(repeat("BEGIN { ", "if (1) { } else ", 100000, "{ } }"));
	assert_too_deep(repeat("BEGIN { $x = ", "1 ? 2 : ", 100000, "3; }"));
	assert_too_deep(repeat("BEGIN { $x = ", "@x[", 100000, "1; }"));
	assert_too_deep(repeat("BEGIN { $x = ", "(uint8)", 100000, "1; }"));
	/* long chains make deep trees too: bounded as well */
	assert_too_deep(repeat("BEGIN { $x = 1", " + 1", 100000, "; }"));
	assert_too_deep(repeat("BEGIN { $x = $a", "->b", 100000, "; }"));
}

/* ---- printing diagnostics ------------------------------------------------------ */

static void assert_printed(const char *filename, const char *text, struct tv_err e,
			   const char *expected)
{
	char *got = NULL;

	CAPTURE(got, tv_diag_print(f, filename, text, &e));
	assert_string_equal(got, expected);
	free(got);
}

static void test_diag_print(void **state)
{
	(void)state;
	/* the form of the brief's example, with a whole construct underlined */
	assert_printed("stdin", "BEGIN { printf(\"x\" }",
		       (struct tv_err){.line = 1,
				       .col = 9,
				       .col_end = 20,
				       .msg = "syntax error, unexpected }, expecting , or )"},
		       "stdin:1:9-21: ERROR: syntax error, unexpected }, expecting , or )\n"
		       "BEGIN { printf(\"x\" }\n"
		       "        ~~~~~~~~~~~~\n");
	/* tabs print as four spaces, in the line and under it */
	assert_printed("a.bt", "x\n\tif\t(y)\n",
		       (struct tv_err){.line = 2, .col = 2, .col_end = 4, .msg = "m"},
		       "a.bt:2:2-5: ERROR: m\n    if    (y)\n    ~~~~~~\n");
	/* no file name; a span past the line's end is cut there */
	assert_printed(NULL, "abc\n",
		       (struct tv_err){.line = 1, .col = 2, .col_end = 9, .msg = "m"},
		       "1:2-10: ERROR: m\nabc\n ~~\n");
	assert_printed("", "abc", (struct tv_err){.line = 1, .col = 1, .col_end = 0, .msg = "m"},
		       "1:1-1: ERROR: m\nabc\n\n");
	/* no location, no text, an empty line, a line past the end */
	assert_printed("f", "abc",
		       (struct tv_err){.line = 0, .col = 0, .col_end = 0, .msg = "out of memory"},
		       "ERROR: out of memory\n");
	assert_printed("f", NULL, (struct tv_err){.line = 1, .col = 1, .col_end = 1, .msg = "m"},
		       "f:1:1-2: ERROR: m\n");
	assert_printed("f", "a\n\nb",
		       (struct tv_err){.line = 2, .col = 1, .col_end = 1, .msg = "m"},
		       "f:2:1-2: ERROR: m\n");
	assert_printed("f", "a\n", (struct tv_err){.line = 5, .col = 1, .col_end = 0, .msg = "m"},
		       "f:5:1-1: ERROR: m\n");
	/* a C declaration's error carries clang's level, as bpftrace prints it */
	assert_printed(
	    "f", "a\n",
	    (struct tv_err){.line = 1, .col = 1, .col_end = 1, .msg = "m", .level = "error"},
	    "f:1:1-2: error: m\na\n~\n");
}

static void test_diag_print_all(void **state)
{
	struct tv_diag d;
	char *got;

	(void)state;
	tv_diag_init(&d);
	tv_diag_add(&d, 1, 1, 1, "first %d", 1);
	tv_diag_add(&d, 0, 0, 0, "second");
	got = diag_text("x", &d);
	assert_string_equal(got, "stdin:1:1-2: ERROR: first 1\nx\n~\nERROR: second\n");
	free(got);
	d.dropped = 2;
	got = diag_text("x", &d);
	assert_string_equal(got, "stdin:1:1-2: ERROR: first 1\nx\n~\nERROR: second\n"
				 "ERROR: 2 more errors\n");
	free(got);
}

/* ---- the API, and garbage ------------------------------------------------------ */

static void test_api(void **state)
{
	struct tv_diag d;
	struct tv_ast *ast;

	(void)state;
	assert_null(tv_parse(NULL, NULL, &d)); /* no text: no probe */
	assert_int_equal(d.n, 1);
	tv_ast_free(NULL);
	/* the diagnostics are reset by every parse */
	assert_null(tv_parse("BEGIN {", NULL, &d));
	assert_int_equal(d.n, 1);
	ast = tv_parse("BEGIN { }", NULL, &d);
	assert_non_null(ast);
	assert_int_equal(d.n, 0);
	tv_ast_free(ast);
	/* a NUL outside strings is an invalid character */
	assert_null(tv_parse_n("BEGIN { \0 }", 11, NULL, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.err[0].msg, "invalid character '\\x00'");
}

/* Parsing must end, report or succeed, and never crash or leak: for
 * every prefix of real scripts, and for random and mutated text. */
static void parse_quietly(const char *text, size_t len)
{
	struct tv_diag d;
	struct tv_ast *ast = tv_parse_n(text, len, "f", &d);
	FILE *f = fopen("/dev/null", "w");
	char *copy = malloc(len + 1);

	assert_non_null(f);
	assert_non_null(copy);
	if (ast) {
		assert_int_equal(d.n, 0);
		tv_ast_dump(ast, f);
	} else {
		assert_true(d.n > 0);
		memcpy(copy, text, len);
		copy[len] = 0;
		tv_diag_print_all(f, "f", copy, &d);
	}
	tv_ast_free(ast);
	free(copy);
	fclose(f);
}

static void test_truncations(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bt_scripts) / sizeof(bt_scripts[0]); i++) {
		size_t len = strlen(bt_scripts[i].text);

		for (size_t n = 0; n <= len; n++)
			parse_quietly(bt_scripts[i].text, n);
	}
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		size_t len = strlen(seeds[i].text);

		for (size_t n = 0; n <= len; n++)
			parse_quietly(seeds[i].text, n);
	}
}

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_garbage(void **state)
{
	static const char alphabet[] = "{}()[];,/*+-<>=!~&|^%?:.@$#\"\\ \n\tabcxyz019_'";
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	char buf[512];

	(void)state;
	for (int i = 0; i < 3000; i++) {
		size_t len = next_random(&seed) % sizeof(buf);
		bool bytes = i % 2;

		for (size_t j = 0; j < len; j++)
			buf[j] = bytes ? (char)next_random(&seed)
				       : alphabet[next_random(&seed) % (sizeof(alphabet) - 1)];
		parse_quietly(buf, len);
	}
	/* real scripts with a few characters changed */
	for (int i = 0; i < 3000; i++) {
		const struct script *s =
		    &seeds[next_random(&seed) % (sizeof(seeds) / sizeof(seeds[0]))];
		size_t len = strlen(s->text);
		char *t = strdup(s->text);

		assert_non_null(t);
		for (int k = 0; k < 3; k++)
			t[next_random(&seed) % len] =
			    alphabet[next_random(&seed) % (sizeof(alphabet) - 1)];
		parse_quietly(t, len);
		free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seed_scripts),
	    cmocka_unit_test(test_embedded_bt_scripts),
	    cmocka_unit_test(test_installed_bt_scripts),
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_ternary),
	    cmocka_unit_test(test_unary),
	    cmocka_unit_test(test_casts),
	    cmocka_unit_test(test_postfix),
	    cmocka_unit_test(test_primaries),
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_assignments),
	    cmocka_unit_test(test_incdec),
	    cmocka_unit_test(test_control_flow),
	    cmocka_unit_test(test_statement_lists),
	    cmocka_unit_test(test_attach_points),
	    cmocka_unit_test(test_probe_lists),
	    cmocka_unit_test(test_predicates),
	    cmocka_unit_test(test_preamble),
	    cmocka_unit_test(test_comments),
	    cmocka_unit_test(test_error_messages),
	    cmocka_unit_test(test_error_locations),
	    cmocka_unit_test(test_recovery),
	    cmocka_unit_test(test_error_limit),
	    cmocka_unit_test(test_nesting_limit),
	    cmocka_unit_test(test_diag_print),
	    cmocka_unit_test(test_diag_print_all),
	    cmocka_unit_test(test_api),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
