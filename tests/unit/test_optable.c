/* bytecode: the per-opcode facts read from opcodes.def's columns and
 * operand letters (ALU rows, wide words, map kinds, scratch spans), checked
 * for every opcode, so a new row cannot skip them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bytecode/bytecode.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The image every case starts from: map k is a map of kind k (named
 * after it, 8-byte keys), then @comm, a count keyed by comm. */
enum {
	M_INT = TV_MAP_int,
	M_BYTES = TV_MAP_bytes,
	M_COUNT = TV_MAP_count,
	M_SUM = TV_MAP_sum,
	M_HIST = TV_MAP_hist,
	M_LHIST = TV_MAP_lhist,
	M_COMM = TV_MAP__COUNT
};

static struct tv_image *image(void)
{
	struct tv_image *img = tv_image_new();
	struct tv_mapdesc d = {.key_size = 8, .val_size = 8};
	char name[32];

	assert_non_null(img);
	for (unsigned k = 0; k < TV_MAP__COUNT; k++) {
		d.kind = k;
		d.val_size = k == TV_MAP_bytes ? 16 : 8;
		if (k == TV_MAP_lhist)
			d.lmin = 0, d.lmax = 100, d.lstep = 10;
		snprintf(name, sizeof(name), "@%s", tv_mapkind_name(k));
		assert_int_equal(tv_image_add_map(img, name, &d, "", ""), (int)k);
	}
	d = (struct tv_mapdesc){.key_size = TV_COMM_LEN, .val_size = 8, .kind = TV_MAP_count};
	assert_int_equal(tv_image_add_map(img, "@comm", &d, "", ""), M_COMM);
	assert_int_equal(tv_image_add_const(img, TV_CONST_str, "hi", 3), 0);
	assert_int_equal(tv_image_add_probe(img, "BEGIN", 0), 0);
	return img;
}

/* A map of the kind op needs (opcodes.def's MAP_KIND and AGG rows), else
 * @int. */
static int map_for(unsigned op)
{
	int map = M_INT;

	switch (op) {
#define OP(n, o, d)
#define AGG(n, k, d) MAP_KIND(n, k)
#define MAP_KIND(n, k)                                                                             \
	case TV_OP_##n:                                                                            \
		map = TV_MAP_##k;                                                                  \
		break;
#include "bytecode/opcodes.def"
#undef MAP_KIND
#undef AGG
#undef OP
	default: break;
	}
	return op == TV_OP_COUNTC ? M_COMM : map;
}

/* A valid operand for every letter but the scratch offsets. */
static __s64 operand(unsigned op, char letter)
{
	switch (letter) {
	case 'r': return 1;
	case 'm': return map_for(op);
	case 'z': return 8;
	case 'n': return op == TV_OP_FOREND ? 1 : 2;
	case 'l': return 8;
	default: return 0;
	}
}

/* Validate one instruction and an exit; "" when valid, else the message. */
static const char *validate_one(unsigned op, const __s64 *v, int n, struct tv_err *err)
{
	struct tv_image *img = image();
	int rc;

	assert_true(tv_image_emit(img, op, v, n) >= 0);
	assert_true(tv_image_emit(img, TV_OP_EXIT, NULL, 0) >= 0);
	memset(err, 0, sizeof(*err));
	rc = tv_image_validate(img, TV_VALIDATE_UNSAFE, err);
	tv_image_free(img);
	return rc ? err->msg : "";
}

/* ALU rows: R[a] first, then registers, small numbers or an immediate,
 * the letters both interpreters' operand readers know. */
static void test_alu_rows(void **state)
{
	static const struct {
		unsigned op;
		const char *operands;
	} rows[] = {
#define OP(n, o, d)
#define ALU(n, o, e, d) {TV_OP_##n, o},
#include "bytecode/opcodes.def"
#undef ALU
#undef OP
	};

	(void)state;
	assert_true(NELEM(rows) >= 26);
	for (size_t i = 0; i < NELEM(rows); i++) {
		const char *f = rows[i].operands;

		assert_string_equal(tv_op_operands(rows[i].op), f);
		if (f[0] != 'r' || strlen(f) < 2 || strlen(f) > 3 || strspn(f, "rni") != strlen(f))
			fail_msg("%s: ALU operands \"%s\"", tv_op_name(rows[i].op), f);
	}
}

/* Wide instructions are the ones with a w operand, and only those. */
static void test_wide_is_w(void **state)
{
	(void)state;
	for (unsigned op = 0; op < TV_OP__COUNT; op++)
		assert_int_equal(tv_op_is_wide(op), strchr(tv_op_operands(op), 'w') != NULL);
	assert_true(tv_op_is_wide(TV_OP_LDW));
	assert_false(tv_op_is_wide(TV_OP__COUNT));
}

/* Every scratch offset of every opcode is checked with its span: at the
 * last byte of scratch, each one's range ends past the area. */
static void test_every_offset_checked(void **state)
{
	(void)state;
	for (unsigned op = 0; op < TV_OP__COUNT; op++) {
		const char *f = tv_op_operands(op);

		for (int at = 0; f[at]; at++) {
			__s64 v[TV_MAX_OPERANDS];
			struct tv_err err;
			const char *msg;

			if (f[at] != 'o' && f[at] != 'p')
				continue;
			for (int i = 0; f[i]; i++)
				v[i] = i == at ? TV_SCRATCH - 1 : operand(op, f[i]);
			msg = validate_one(op, v, (int)strlen(f), &err);
			if (!strstr(msg, "scratch range ends past the scratch area"))
				fail_msg("%s, offset operand %d at %d: \"%s\"", tv_op_name(op), at,
					 TV_SCRATCH - 1, msg);
		}
	}
}

/* The exact errors the validator gave when each of these opcodes had its
 * own hand-written check: the spans read from the operands match them. */
static void test_scratch_span_errors(void **state)
{
	static const struct {
		unsigned op;
		__s64 v[TV_MAX_OPERANDS];
		int n;
		const char *msg;
	} cases[] = {
	    {TV_OP_COMM, {TV_SCRATCH - 8}, 1, "at 1032"},
	    {TV_OP_ST, {1, 4, TV_SCRATCH - 2}, 3, "at 1026"},
	    {TV_OP_LD, {1, 2 | TV_Z_SIGNED, TV_SCRATCH - 1}, 3, "at 1025"},
	    {TV_OP_STRK, {1, 1000, 64}, 3, "at 1064"},
	    {TV_OP_STRU, {1, 1020, 5}, 3, "at 1025"},
	    {TV_OP_CTXSTR, {1, 0, TV_SCRATCH + 1}, 3, "at 1025"},
	    {TV_OP_SZERO, {TV_SCRATCH - 4, 8}, 2, "at 1028"},
	    {TV_OP_SCOPY, {16, TV_SCRATCH - 8, 0}, 3, "at 1032"},
	    {TV_OP_SCOPY, {16, 0, TV_SCRATCH - 4}, 3, "at 1036"},
	    {TV_OP_STRCMP, {1, 64, TV_SCRATCH - 32, 0}, 4, "at 1056"},
	    {TV_OP_STRCMP, {1, 64, 0, TV_SCRATCH - 16}, 4, "at 1072"},
	    {TV_OP_STRSTR, {1, 200, 900, 0}, 4, "at 1100"},
	    {TV_OP_STRSTR, {1, 200, 0, 1000}, 4, "at 1200"},
	    {TV_OP_SCONST, {0, TV_SCRATCH - 2}, 2, "at 1025"},
	    {TV_OP_EMIT, {TV_REC_printf, 0, 1000, 100}, 4, "at 1100"},
	    {TV_OP_BUFK, {1, 2, 1000, 72}, 4, "at 1072"},
	    {TV_OP_BUFU, {1, 2, TV_SCRATCH - 8, 16}, 4, "at 1032"},
	    {TV_OP_USYM, {1, TV_SCRATCH - 8}, 2, "at 1032"},
	    {TV_OP_MLOAD, {1, M_INT, TV_SCRATCH - 4}, 3, "at 1028"},
	    {TV_OP_MSTORE, {M_INT, 1, TV_SCRATCH - 4}, 3, "at 1028"},
	    {TV_OP_MHAS, {1, M_COMM, TV_SCRATCH - 8}, 3, "at 1032"},
	    {TV_OP_MDEL, {M_HIST, TV_SCRATCH - 8}, 2, "at 1032"},
	    {TV_OP_COUNT, {M_COUNT, TV_SCRATCH - 4}, 2, "at 1028"},
	    {TV_OP_SUM, {M_SUM, 1, TV_SCRATCH - 4}, 3, "at 1028"},
	    {TV_OP_HIST, {M_HIST, 1, TV_SCRATCH - 8}, 3, "at 1032"},
	    {TV_OP_LHIST, {M_LHIST, 1, TV_SCRATCH - 12}, 3, "at 1028"},
	    {TV_OP_MLOADB, {M_BYTES, TV_SCRATCH - 4, 0}, 3, "at 1028"},
	    {TV_OP_MLOADB, {M_BYTES, 0, TV_SCRATCH - 8}, 3, "at 1032"},
	    {TV_OP_MSTOREB, {M_BYTES, 0, TV_SCRATCH - 12}, 3, "at 1028"},
	    {TV_OP_MFOR, {M_INT, TV_SCRATCH - 8, 1}, 3, "at 1032"},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		char want[160];
		struct tv_err err;
		const char *msg = validate_one(cases[i].op, cases[i].v, cases[i].n, &err);

		snprintf(want, sizeof(want),
			 "insn 0 (%s): scratch range ends past the scratch area %s",
			 tv_op_name(cases[i].op), cases[i].msg);
		if (strcmp(msg, want))
			fail_msg("case %zu: \"%s\", want \"%s\"", i, msg, want);
	}
}

/* The checks that stay per opcode keep their messages and order. */
static void test_special_checks(void **state)
{
	static const struct {
		unsigned op;
		__s64 v[TV_MAX_OPERANDS];
		int n;
		const char *msg;
	} cases[] = {
	    {TV_OP_BUFK, {1, 2, TV_SCRATCH - 4, 7}, 4, "insn 0 (BUFK): buf length 7"},
	    {TV_OP_BUFU, {1, 2, 0, 8 + TV_STR_MAX + 1}, 4, "insn 0 (BUFU): buf length 73"},
	    {TV_OP_COUNTB,
	     {M_COMM, TV_BI_pid},
	     2,
	     "insn 0 (COUNTB): fused count needs an 8-byte key, map key is 16"},
	    {TV_OP_COUNTC,
	     {M_COUNT},
	     1,
	     "insn 0 (COUNTC): fused comm count needs a 16-byte key, map key is 8"},
	    {TV_OP_SUM, {M_COUNT, 1, 0}, 3, "insn 0 (SUM): map @count is count, not sum"},
	    {TV_OP_MLOADB, {M_INT, 0, 0}, 3, "insn 0 (MLOADB): map @int is int, not bytes"},
	    {TV_OP_MFOR,
	     {M_HIST, 0, 1},
	     3,
	     "insn 0 (MFOR): a for loop walks keyed int, bytes, count and sum maps, not kind 8"},
	    {TV_OP_ARG, {1, 6}, 2, "insn 0 (ARG): argument index 6"},
	    {TV_OP_FOREND, {2}, 1, "insn 0 (FOREND): for end kind 2"},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct tv_err err;
		const char *msg = validate_one(cases[i].op, cases[i].v, cases[i].n, &err);

		if (strcmp(msg, cases[i].msg))
			fail_msg("case %zu: \"%s\", want \"%s\"", i, msg, cases[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alu_rows),
	    cmocka_unit_test(test_wide_is_w),
	    cmocka_unit_test(test_every_offset_checked),
	    cmocka_unit_test(test_scratch_span_errors),
	    cmocka_unit_test(test_special_checks),
	};

	return cmocka_run_group_tests_name("optable", tests, NULL, NULL);
}
