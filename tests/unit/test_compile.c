/* frontend: lowering.  The first pass's image is kept when no code was made
 * from a map before its kind and types were final; these tests check that
 * such an image is the one the second pass makes, over every seed script,
 * bpftrace's tools and scripts written to need the second pass. */
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

/* Scripts whose maps are used before the statement that types them. */
static const struct script late_typed[] = {
    {"read before assign", "BEGIN { printf(\"%d\\n\", @x); @x = 5; exit(); }"},
    {"string read before assign", "BEGIN { printf(\"%s\\n\", @s); @s = \"abc\"; exit(); }"},
    {"string map grows",
     "BEGIN { @s = \"ab\"; printf(\"%s\\n\", @s); @s = "
     "\"a string longer than sixty-four bytes, to make the value grow........\"; }"},
    {"variable from a later map", "BEGIN { $v = @m[1]; @m[1] = comm; printf(\"%s\\n\", $v); }"},
    {"probe order", "tracepoint:syscalls:sys_exit_read /@start[tid]/ { @ns = hist(nsecs - "
		    "@start[tid]); delete(@start[tid]); } tracepoint:syscalls:sys_enter_read { "
		    "@start[tid] = nsecs; }"},
    {"tuple read before assign", "BEGIN { $v = @t; printf(\"%d\\n\", $v.0); @t = (1, \"a\"); }"},
    {"keys typed late", "BEGIN { print(@k); @k[\"a\", 1] = count(); }"},
};

static char *image_bytes(const struct tv_image *img, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(tv_image_write(img, f), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Both ways give an image, or neither does; the images are equal. */
static void assert_one_pass_same(const struct script *s)
{
	struct tv_compile_opts one = {0}, two = {.two_pass = true};
	struct tv_diag d1, d2;
	struct tv_image *a = tv_compile(s->text, "test", &one, &d1);
	struct tv_image *b = tv_compile(s->text, "test", &two, &d2);
	size_t la, lb;
	char *ba, *bb;

	if (!a || !b) {
		if (a || b)
			fail_msg("%s: compiled only %s", s->name, a ? "in one pass" : "in two");
		assert_int_equal(d1.n, d2.n);
		for (int i = 0; i < d1.n; i++)
			assert_string_equal(d1.err[i].msg, d2.err[i].msg);
		return;
	}
	ba = image_bytes(a, &la);
	bb = image_bytes(b, &lb);
	if (la != lb || memcmp(ba, bb, la))
		fail_msg("%s: one pass made another image than two", s->name);
	free(ba);
	free(bb);
	tv_image_free(a);
	tv_image_free(b);
}

static void check_all(const struct script *v, size_t n, size_t *compiled)
{
	for (size_t i = 0; i < n; i++) {
		struct tv_diag d;
		struct tv_image *img = tv_compile(v[i].text, "test", NULL, &d);

		*compiled += img != NULL;
		tv_image_free(img);
		assert_one_pass_same(&v[i]);
	}
}

static void test_seeds_one_pass(void **state)
{
	size_t compiled = 0;

	(void)state;
	check_all(seeds, sizeof(seeds) / sizeof(seeds[0]), &compiled);
	check_all(bt_scripts, sizeof(bt_scripts) / sizeof(bt_scripts[0]), &compiled);
	assert_true(compiled >= 30); /* most seeds run here (kprobes do not) */
}

static void test_late_typed_maps(void **state)
{
	size_t compiled = 0;

	(void)state;
	check_all(late_typed, sizeof(late_typed) / sizeof(late_typed[0]), &compiled);
	assert_int_equal(compiled, sizeof(late_typed) / sizeof(late_typed[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seeds_one_pass),
	    cmocka_unit_test(test_late_typed_maps),
	};

	return cmocka_run_group_tests_name("compile", tests, NULL, NULL);
}
