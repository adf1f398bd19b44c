/* bytecode: the validator (one test per rule), the bucket and aggregation
 * helpers, and operand packing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bytecode/bytecode.h"

/* Emit op with the given operands; E(img, EXIT) for none. */
#define E(img, op, ...)                                                                            \
	do {                                                                                       \
		__s64 v_[] = {0, ##__VA_ARGS__};                                                   \
		int n_ = (int)(sizeof(v_) / sizeof(v_[0])) - 1;                                    \
		assert_true(tv_image_emit(img, TV_OP_##op, v_ + 1, n_) >= 0);                      \
	} while (0)

enum { M_INT, M_SUM, M_COUNT, M_COMM, M_BYTES, M_HIST, M_LHIST };

static void add_map(struct tv_image *img, const char *name, unsigned kind, unsigned key,
		    unsigned val)
{
	struct tv_mapdesc d = {.key_size = key, .val_size = val, .kind = kind};

	if (kind == TV_MAP_lhist)
		d.lmin = 0, d.lmax = 100, d.lstep = 10;
	assert_true(tv_image_add_map(img, name, &d, "", "") >= 0);
}

/* Maps of several kinds, one constant, a probe at pc 0. */
static struct tv_image *base(void)
{
	struct tv_image *img = tv_image_new();

	add_map(img, "@int", TV_MAP_int, 8, 8);
	add_map(img, "@sum", TV_MAP_sum, 8, 8);
	add_map(img, "@count", TV_MAP_count, 8, 8);
	add_map(img, "@comm", TV_MAP_count, TV_COMM_LEN, 8);
	add_map(img, "@bytes", TV_MAP_bytes, 8, 16);
	add_map(img, "@hist", TV_MAP_hist, 8, 8);
	add_map(img, "@lhist", TV_MAP_lhist, 8, 8);
	assert_int_equal(tv_image_add_const(img, TV_CONST_str, "hi", 3), 0);
	assert_int_equal(tv_image_add_probe(img, "BEGIN", 0), 0);
	return img;
}

/* Validation fails with a message holding both substrings. */
static void expect_invalid(struct tv_image *img, const char *where, const char *what)
{
	struct tv_err err = {0};
	int rc = tv_image_validate(img, TV_VALIDATE_UNSAFE, &err);

	if (rc != -EINVAL || !strstr(err.msg, where) || (what && !strstr(err.msg, what)))
		fail_msg("expected an error with '%s' and '%s', got %d: %s", where,
			 what ? what : "", rc, err.msg);
	tv_image_free(img);
}

static void expect_valid(struct tv_image *img)
{
	struct tv_err err = {0};

	if (tv_image_validate(img, TV_VALIDATE_UNSAFE, &err))
		fail_msg("unexpected validation error: %s", err.msg);
	tv_image_free(img);
}

/* ---- the validator ---------------------------------------------------------- */

static void test_valid_program(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, COMM, 0);
	E(img, COUNTC, M_COMM);
	E(img, BUILTIN, 1, TV_BI_pid);
	E(img, ST, 1, 8, 0);
	E(img, COUNT, M_COUNT, 0);
	E(img, COUNTB, M_COUNT, TV_BI_pid);
	E(img, HIST, M_HIST, 1, 0);
	E(img, LHIST, M_LHIST, 1, 0);
	E(img, MLOADB, M_BYTES, 0, 16);
	E(img, SCONST, 0, 32);
	E(img, EMIT, TV_REC_printf, 0, 0, 16);
	E(img, LDW, 2, 0x123456789ll);
	E(img, MOVI, 3, 4);
	E(img, LOOP, 3, 1); /* back to the loop itself */
	E(img, JZ, 1, 1);
	E(img, NOP);
	E(img, EXIT);
	expect_valid(img);
	expect_valid(tv_image_new()); /* nothing at all */
}

static void test_unknown_opcode(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, NOP);
	E(img, NOP);
	E(img, NOP);
	E(img, EXIT);
	img->insns[2].op = 200;
	expect_invalid(img, "insn 2", "unknown opcode 200");
}

static void test_register_range(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, NOP);
	E(img, MOV, 1, 20);
	E(img, EXIT);
	expect_invalid(img, "insn 1 (MOV)", "register");
}

static void test_id_ranges(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, NOP);
	E(img, COUNT, 7, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 1 (COUNT)", "no such map 7");
	img = base();
	E(img, SCONST, 1, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (SCONST)", "no such constant 1");
	img = base();
	E(img, BUILTIN, 1, TV_BI__COUNT);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (BUILTIN)", "no such builtin");
	img = base();
	E(img, EMIT, TV_REC__COUNT, 0, 0, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (EMIT)", "no such record kind");
}

static void test_access_size(void **state)
{
	static const __s64 bad[] = {0, 3, 5, 16, 0x84 | 0x40, 0x10 | 4};
	static const __s64 good[] = {1, 2, 4, 8, 0x81, 0x82, 0x84, 0x88};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tv_image *img = base();

		E(img, NOP);
		E(img, LDK, 1, 2, bad[i]);
		E(img, EXIT);
		expect_invalid(img, "insn 1 (LDK)", "bad access size");
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct tv_image *img = base();

		E(img, CTX, 1, good[i], 0);
		E(img, EXIT);
		expect_valid(img);
	}
}

static void test_backward_jumps(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, NOP);
	E(img, NOP);
	E(img, JA, -2);
	E(img, EXIT);
	expect_invalid(img, "insn 2 (JA)", "forward only");
	img = base();
	E(img, NOP);
	E(img, JZ, 1, -1); /* to itself */
	E(img, EXIT);
	expect_invalid(img, "insn 1 (JZ)", "forward only");
	img = base();
	E(img, JNZ, 1, -1);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (JNZ)", "forward only");
}

static void test_loop_forward(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, NOP);
	E(img, LOOP, 1, -1);
	E(img, EXIT);
	expect_invalid(img, "insn 1 (LOOP)", "loop must jump back");
	img = base();
	E(img, LOOP, 1, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (LOOP)", "loop must jump back");
	img = base();
	E(img, NOP);
	E(img, LOOP, 1, 3); /* before pc 0 */
	E(img, EXIT);
	expect_invalid(img, "insn 1 (LOOP)", "outside the program");
}

static void test_jump_past_end(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, NOP);
	E(img, JA, 1); /* lands on pc 3 == ninsns */
	E(img, EXIT);
	expect_invalid(img, "insn 1 (JA)", "outside the program");
}

static void test_jump_into_wide(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, JA, 1); /* pc 2: the second word of the ldw */
	E(img, LDW, 1, -1);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (JA)", "outside the program");
	img = base();
	E(img, JA, 0); /* pc 1: the ldw itself */
	E(img, LDW, 1, -1);
	E(img, EXIT);
	expect_valid(img);
}

static void test_wide_cut_off(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, EXIT);
	E(img, LDW, 1, 5);
	img->ninsns--;
	expect_invalid(img, "insn 1 (LDW)", "cut off");
}

static void test_scratch_ranges(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, NOP);
	E(img, COMM, TV_SCRATCH - 4);
	E(img, EXIT);
	expect_invalid(img, "insn 1 (COMM)", "past the scratch area at 1036");
	img = base();
	E(img, NOP);
	E(img, NOP);
	E(img, EMIT, TV_REC_printf, 0, 0, 2000);
	E(img, EXIT);
	expect_invalid(img, "insn 2 (EMIT)", "past the scratch area at 2000");
	img = base();
	E(img, ST, 1, 8, TV_SCRATCH - 4);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (ST)", "past the scratch area");
	img = base();
	E(img, SZERO, 2000, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (SZERO)", "scratch offset out of range: 2000");
	img = base();
	E(img, SCOPY, 200, 0, TV_SCRATCH - 100);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (SCOPY)", "past the scratch area");
	img = base();
	E(img, STRCMP, 1, 64, TV_SCRATCH - 32, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (STRCMP)", "past the scratch area");
	img = base();
	E(img, HIST, M_HIST, 1, TV_SCRATCH - 8); /* key 8 + bucket 8 */
	E(img, EXIT);
	expect_invalid(img, "insn 0 (HIST)", "past the scratch area");
	img = base();
	E(img, MLOADB, M_BYTES, 0, TV_SCRATCH - 8); /* value is 16 bytes */
	E(img, EXIT);
	expect_invalid(img, "insn 0 (MLOADB)", "past the scratch area");
	img = base();
	E(img, SCONST, 0, TV_SCRATCH - 2); /* 3 bytes */
	E(img, EXIT);
	expect_invalid(img, "insn 0 (SCONST)", "past the scratch area");
}

static void test_map_kind_mismatch(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, NOP);
	E(img, COUNT, M_SUM, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 1 (COUNT)", "map @sum is sum, not count");
	img = base();
	E(img, MSTORE, M_COUNT, 1, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (MSTORE)", "map @count is count, not int");
	img = base();
	E(img, MSTOREB, M_INT, 0, 8);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (MSTOREB)", "not bytes");
}

/* A for body is closed: MFOR's length reaches its FOREND, no jump in or
 * out, no EXIT or nested loop inside, no FOREND outside; only walkable
 * maps. */
static void test_for_bodies(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, MFOR, M_INT, 0, 3);
	E(img, NOP);
	E(img, FOREND, 0);
	E(img, FOREND, 1);
	E(img, EXIT);
	expect_valid(img);
	img = base();
	E(img, MFOR, M_INT, 0, 2);
	E(img, NOP);
	E(img, NOP);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (MFOR)", "must end with forend");
	img = base();
	E(img, MFOR, M_INT, 0, 2);
	E(img, EXIT);
	E(img, FOREND, 1);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (MFOR)", "no exit");
	img = base();
	E(img, MFOR, M_INT, 0, 3);
	E(img, MFOR, M_INT, 0, 1);
	E(img, FOREND, 1);
	E(img, FOREND, 1);
	E(img, EXIT);
	expect_invalid(img, "no other for loop", NULL);
	img = base();
	E(img, JA, 1);
	E(img, MFOR, M_INT, 0, 2);
	E(img, NOP);
	E(img, FOREND, 1);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (JA)", "inside (or outside) a for body");
	img = base();
	E(img, MFOR, M_INT, 0, 2);
	E(img, JA, 1);
	E(img, FOREND, 1);
	E(img, EXIT);
	expect_invalid(img, "insn 1 (JA)", "inside (or outside) a for body");
	img = base();
	E(img, FOREND, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (FOREND)", "outside a for body");
	img = base();
	E(img, MFOR, M_HIST, 0, 1);
	E(img, FOREND, 1);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (MFOR)", "walks keyed int");
	img = base(); /* a kernel walk has large-key slots: no extra-large key */
	add_map(img, "@x", TV_MAP_int, TV_KEY_LARGE + 1, 8);
	E(img, MFOR, img->nmaps - 1, 0, 1);
	E(img, FOREND, 1);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (MFOR)", "walks keys of at most 120 bytes, map key is 121");
	img = base();
	add_map(img, "@l", TV_MAP_int, TV_KEY_LARGE, 8);
	E(img, MFOR, img->nmaps - 1, 0, 1);
	E(img, FOREND, 1);
	E(img, EXIT);
	expect_valid(img);
	img = base();
	E(img, MFOR, M_INT, TV_SCRATCH - 8, 1);
	E(img, FOREND, 1);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (MFOR)", NULL);
	img = base();
	E(img, MFOR, M_INT, 0, 1);
	E(img, FOREND, 2);
	E(img, EXIT);
	expect_invalid(img, "insn 1 (FOREND)", "for end kind");
}

static void test_fused_keys(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, NOP);
	E(img, COUNTB, M_COMM, TV_BI_pid);
	E(img, EXIT);
	expect_invalid(img, "insn 1 (COUNTB)", "8-byte key, map key is 16");
	img = base();
	E(img, COUNTC, M_COUNT);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (COUNTC)", "16-byte key, map key is 8");
}

static void test_small_operands(void **state)
{
	struct tv_image *img = base();
	char big[TV_CONST_MAX + 10] = "";

	(void)state;
	E(img, ARG, 1, 6);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (ARG)", "argument index 6");
	img = base();
	E(img, KSTACK, 1, TV_STACK_PERF | 127); /* every mode byte is one */
	E(img, EXIT);
	expect_valid(img);
	img = base();
	assert_int_equal(tv_image_add_const(img, TV_CONST_str, big, sizeof(big)), 1);
	E(img, SCONST, 1, 0);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (SCONST)", "constant too long");
	img = base();
	E(img, CTX, 1, 4, -1);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (CTX)", "context offset -1");
	img = base();
	E(img, CTX, 1, 4, 0x10000);
	E(img, EXIT);
	expect_invalid(img, "insn 0 (CTX)", "context offset 65536");
}

static void test_program_end(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, EXIT);
	E(img, MOVI, 1, 5);
	expect_invalid(img, "insn 1 (MOVI)", "must end with exit or ja");
	img = base();
	E(img, EXIT);
	E(img, LDW, 1, 5);
	expect_invalid(img, "insn 1 (LDW)", "must end with exit or ja");
	img = base();
	E(img, EXIT);
	E(img, JA, 0); /* a final ja can only jump past the end */
	expect_invalid(img, "insn 1 (JA)", "outside the program");
}

static void test_probes(void **state)
{
	struct tv_image *img = base();

	(void)state;
	E(img, EXIT);
	tv_image_add_probe(img, "kprobe:f", 5);
	expect_invalid(img, "probe kprobe:f", "entry pc 5 is not an instruction");
	img = base();
	E(img, LDW, 1, 5);
	E(img, EXIT);
	tv_image_add_probe(img, "kprobe:g", 1);
	expect_invalid(img, "probe kprobe:g", "entry pc 1");
	img = base();
	E(img, EXIT);
	tv_image_add_probe(img, "", 0);
	expect_invalid(img, "probe 1", "no attach point");
}

static void test_map_limits(void **state)
{
	struct tv_image *img = base();
	char msg[64];

	(void)state;
	E(img, EXIT);
	snprintf(msg, sizeof(msg), "key of %d bytes is larger than %d", TV_KEY_MAX + 1, TV_KEY_MAX);
	add_map(img, "@big", TV_MAP_int, TV_KEY_MAX + 1, 8);
	expect_invalid(img, "map @big", msg);
	img = base();
	add_map(img, "@h2", TV_MAP_hist, TV_KEY_MAX - 4, 8); /* + the 8-byte bucket */
	snprintf(msg, sizeof(msg), "key of %d bytes is larger than %d", TV_KEY_MAX + 4, TV_KEY_MAX);
	expect_invalid(img, "map @h2", msg);
	img = base();
	add_map(img, "@ok", TV_MAP_hist, TV_KEY_MAX - 8, 8);
	E(img, EXIT);
	expect_valid(img);
	img = base();
	add_map(img, "@v", TV_MAP_bytes, 8, TV_VAL_MAX + 1);
	expect_invalid(img, "map @v", "value of 257 bytes");
	img = base();
	add_map(img, "@k", TV_MAP_int, 8, 8);
	img->maps[img->nmaps - 1].d.kind = TV_MAP__COUNT;
	expect_invalid(img, "map @k", "unknown kind");
}

/* Keys and values are printed by the maps' type strings: they must parse
 * and fit the map. */
static void test_map_types(void **state)
{
	static const struct {
		unsigned kind, key, val;
		const char *kt, *vt, *want;
	} cases[] = {
	    {TV_MAP_count, 16, 8, "[4*i4]", "", NULL},
	    {TV_MAP_bytes, 8, 8, "{.m=i4,.n=i4}", "{.m=i4,x4}", NULL},
	    {TV_MAP_int, 8, 8, "", "K8", NULL},
	    {TV_MAP_count, 16, 8, "[4*i4", "", "key type \"[4*i4\" is not a type string"},
	    {TV_MAP_count, 8, 8, "[4*i4]", "", "key type \"[4*i4]\" is 16 bytes, the map holds 8"},
	    {TV_MAP_bytes, 8, 8, "i8", "(i8,s8)", "value type \"(i8,s8)\" is 16 bytes"},
	    {TV_MAP_int, 8, 8, "i8", "Y16", "value type \"Y16\" is 16 bytes, the map holds 8"},
	    {TV_MAP_bytes, 8, 8, "i8", "{.a=u4:4@30}", "is not a type string"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tv_image *img = base();
		struct tv_mapdesc d = {
		    .key_size = cases[i].key, .val_size = cases[i].val, .kind = cases[i].kind};

		assert_true(tv_image_add_map(img, "@t", &d, cases[i].kt, cases[i].vt) >= 0);
		E(img, EXIT);
		if (cases[i].want)
			expect_invalid(img, "map @t", cases[i].want);
		else
			expect_valid(img);
	}
}

static void test_lhist_params(void **state)
{
	static const __s64 bad[][3] = {
	    {0, 100, 0},
	    {0, 100, -1},
	    {100, 100, 1},
	    {100, 0, 10},
	    {0, 1001, 1},
	    {INT64_MIN, INT64_MAX, 1},
	    {INT64_MIN, INT64_MAX, INT64_MAX / 100},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tv_image *img = base();
		struct tv_mapdesc *d = &img->maps[M_LHIST].d;

		d->lmin = bad[i][0], d->lmax = bad[i][1], d->lstep = bad[i][2];
		expect_invalid(img, "map @lhist", "lhist needs min < max");
	}
	struct tv_image *img = base();
	struct tv_mapdesc *d = &img->maps[M_LHIST].d;

	d->lmin = -1000, d->lmax = 0, d->lstep = 1; /* exactly 1000 buckets */
	E(img, EXIT);
	expect_valid(img);
}

static void test_image_limits(void **state)
{
	struct tv_image *img = base();

	(void)state;
	img->abi = 99;
	expect_invalid(img, "image ABI 99", NULL);
	img = base();
	for (int i = 0; i <= TV_MAX_INSNS; i++)
		E(img, EXIT);
	expect_invalid(img, "image too large", "4097 insns");
}

/* ---- helpers of bytecode.h --------------------------------------------------- */

static void test_hist_bucket(void **state)
{
	(void)state;
	assert_int_equal(tv_hist_bucket(INT64_MIN), 0);
	assert_int_equal(tv_hist_bucket(-1), 0);
	assert_int_equal(tv_hist_bucket(0), 1);
	assert_int_equal(tv_hist_bucket(1), 2);
	assert_int_equal(tv_hist_bucket(2), 3);
	assert_int_equal(tv_hist_bucket(3), 3);
	assert_int_equal(tv_hist_bucket(4), 4);
	assert_int_equal(tv_hist_bucket(7), 4);
	assert_int_equal(tv_hist_bucket(8), 5);
	assert_int_equal(tv_hist_bucket(1024), 12);
	assert_int_equal(tv_hist_bucket(1ll << 32), 34);
	assert_int_equal(tv_hist_bucket(INT64_MAX), 64);
	assert_true(tv_hist_bucket(INT64_MAX) < TV_HIST_BUCKETS);
}

static void test_lhist_bucket(void **state)
{
	struct tv_mapdesc d = {.kind = TV_MAP_lhist, .lmin = 0, .lmax = 100, .lstep = 10};
	struct tv_mapdesc neg = {.kind = TV_MAP_lhist, .lmin = -50, .lmax = 50, .lstep = 25};

	(void)state;
	assert_int_equal(tv_lhist_bucket(-1, &d), 0);
	assert_int_equal(tv_lhist_bucket(INT64_MIN, &d), 0);
	assert_int_equal(tv_lhist_bucket(0, &d), 1);
	assert_int_equal(tv_lhist_bucket(9, &d), 1);
	assert_int_equal(tv_lhist_bucket(10, &d), 2);
	assert_int_equal(tv_lhist_bucket(99, &d), 10);
	assert_int_equal(tv_lhist_bucket(100, &d), 11);
	assert_int_equal(tv_lhist_bucket(INT64_MAX, &d), 11);
	assert_int_equal(tv_lhist_bucket(-51, &neg), 0);
	assert_int_equal(tv_lhist_bucket(-50, &neg), 1);
	assert_int_equal(tv_lhist_bucket(-26, &neg), 1);
	assert_int_equal(tv_lhist_bucket(-25, &neg), 2);
	assert_int_equal(tv_lhist_bucket(49, &neg), 4);
	assert_int_equal(tv_lhist_bucket(50, &neg), 5);
	assert_int_equal(tv_key_span(&d), 8);
}

static void test_agg_apply(void **state)
{
	struct tv_agg mn = {0}, mx = {0}, avg = {0}, cnt = {0}, sum = {0};

	(void)state;
	/* min/max start unset: a first value larger (or smaller) than 0 wins. */
	tv_agg_apply(TV_MAP_min, &mn, 5);
	assert_int_equal(mn.v, 5);
	assert_int_equal(mn.n, 1);
	tv_agg_apply(TV_MAP_min, &mn, 7);
	tv_agg_apply(TV_MAP_min, &mn, -3);
	tv_agg_apply(TV_MAP_min, &mn, 2);
	assert_int_equal(mn.v, -3);
	tv_agg_apply(TV_MAP_max, &mx, -5);
	assert_int_equal(mx.v, -5);
	tv_agg_apply(TV_MAP_max, &mx, -9);
	assert_int_equal(mx.v, -5);
	tv_agg_apply(TV_MAP_max, &mx, 4);
	assert_int_equal(mx.v, 4);
	tv_agg_apply(TV_MAP_avg, &avg, 2);
	tv_agg_apply(TV_MAP_avg, &avg, 4);
	tv_agg_apply(TV_MAP_avg, &avg, -3);
	assert_int_equal(avg.v, 3);
	assert_int_equal(avg.n, 3);
	tv_agg_apply(TV_MAP_count, &cnt, 100);
	tv_agg_apply(TV_MAP_hist, &cnt, -100);
	assert_int_equal(cnt.v, 2);
	tv_agg_apply(TV_MAP_sum, &sum, 10);
	tv_agg_apply(TV_MAP_sum, &sum, -4);
	assert_int_equal(sum.v, 6);
}

static void test_agg_merge(void **state)
{
	struct tv_agg unset = {0}, a = {0}, b = {0};

	(void)state;
	tv_agg_apply(TV_MAP_min, &a, 8);
	tv_agg_merge(TV_MAP_min, &a, &unset); /* an idle CPU changes nothing */
	assert_int_equal(a.v, 8);
	assert_int_equal(a.n, 1);
	tv_agg_merge(TV_MAP_min, &b, &a); /* into an unset one: taken as is */
	assert_int_equal(b.v, 8);
	assert_int_equal(b.n, 1);
	a = (struct tv_agg){.v = 3, .n = 1};
	tv_agg_merge(TV_MAP_min, &b, &a);
	assert_int_equal(b.v, 3);
	a = (struct tv_agg){.v = 30, .n = 1};
	tv_agg_merge(TV_MAP_min, &b, &a);
	assert_int_equal(b.v, 3);
	tv_agg_merge(TV_MAP_max, &b, &a);
	assert_int_equal(b.v, 30);
	b = (struct tv_agg){0};
	a = (struct tv_agg){.v = -7, .n = 1};
	tv_agg_merge(TV_MAP_max, &b, &a); /* -7 beats an unset 0 */
	assert_int_equal(b.v, -7);
	a = (struct tv_agg){.v = 6, .n = 2};
	b = (struct tv_agg){.v = 10, .n = 3};
	tv_agg_merge(TV_MAP_avg, &b, &a);
	assert_int_equal(b.v, 16);
	assert_int_equal(b.n, 5);
	tv_agg_merge(TV_MAP_count, &b, &a);
	assert_int_equal(b.v, 22);
}

static void test_insn_put(void **state)
{
	struct tv_insn in[2];
	__s64 v[TV_MAX_OPERANDS];

	(void)state;
	assert_int_equal(tv_insn_put(in, TV_OP_MOV, (__s64[]){256, 0}, 2), -ERANGE);
	assert_int_equal(tv_insn_put(in, TV_OP_MOV, (__s64[]){-1, 0}, 2), -ERANGE);
	assert_int_equal(tv_insn_put(in, TV_OP_COMM, (__s64[]){0x10000}, 1), -ERANGE);
	assert_int_equal(tv_insn_put(in, TV_OP_COMM, (__s64[]){-1}, 1), -ERANGE);
	assert_int_equal(tv_insn_put(in, TV_OP_MOVI, (__s64[]){1, 1ll << 31}, 2), -ERANGE);
	assert_int_equal(tv_insn_put(in, TV_OP_MOVI, (__s64[]){1, INT32_MIN - 1ll}, 2), -ERANGE);
	assert_int_equal(tv_insn_put(in, TV_OP_MOVI, (__s64[]){1}, 1), -EINVAL);
	assert_int_equal(tv_insn_put(in, TV_OP__COUNT, v, 0), -EINVAL);
	assert_int_equal(tv_insn_put(in, TV_OP_MOVI, (__s64[]){1, INT32_MIN}, 2), 1);
	assert_int_equal(in[0].imm, INT32_MIN);
	assert_int_equal(tv_insn_put(in, TV_OP_LDW, (__s64[]){3, INT64_MIN}, 2), 2);
	assert_int_equal(tv_insn_get(in, v), 2);
	assert_int_equal(v[0], 3);
	assert_true(v[1] == INT64_MIN);
	assert_int_equal(tv_insn_put(in, TV_OP_STRCMP, (__s64[]){1, 255, 0x1234, 0xffff}, 4), 1);
	assert_int_equal(tv_insn_get(in, v), 4);
	assert_int_equal(v[1], 255);
	assert_int_equal(v[2], 0x1234);
	assert_int_equal(v[3], 0xffff);
	assert_int_equal(tv_insn_get(&(struct tv_insn){.op = 255}, v), -EINVAL);
	struct tv_image *img = tv_image_new();
	assert_int_equal(tv_image_emit(img, TV_OP_MOV, (__s64[]){300, 0}, 2), -ERANGE);
	assert_int_equal(img->ninsns, 0);
	tv_image_free(img);
}

static void test_tables(void **state)
{
	(void)state;
	assert_int_equal(tv_op_lookup("countc"), TV_OP_COUNTC);
	assert_int_equal(tv_op_lookup("CountC"), TV_OP_COUNTC);
	assert_true(tv_op_lookup("cuont") < 0);
	assert_null(tv_op_name(TV_OP__COUNT));
	assert_string_equal(tv_op_operands(TV_OP_EMIT), "exol");
	assert_int_equal(tv_builtin_lookup("nsecs"), TV_BI_nsecs);
	assert_null(tv_builtin_name(TV_BI__COUNT));
	assert_int_equal(tv_record_lookup("exit"), TV_REC_exit);
	assert_int_equal(tv_mapkind_lookup("lhist"), TV_MAP_lhist);
	assert_string_equal(tv_mapkind_name(TV_MAP_avg), "avg");
	assert_true(tv_mapkind_lookup("nope") < 0);
	for (unsigned op = 0; op < TV_OP__COUNT; op++)
		assert_true(strlen(tv_op_operands(op)) <= TV_MAX_OPERANDS);
	assert_true(tv_extend(0xff, 1 | TV_Z_SIGNED) == (__u64)-1);
	assert_true(tv_extend(0xffffffff80000000ull, 4) == 0x80000000ull);
	assert_true(tv_extend(0x8000, 2 | TV_Z_SIGNED) == 0xffffffffffff8000ull);
}

/* system() and signal() pass only with TV_VALIDATE_UNSAFE, whoever made
 * the image (an -A file as much as a script). */
static void test_unsafe_needs_flag(void **state)
{
	struct {
		int op, rec;
		const char *what;
	} cases[] = {{TV_OP_EMIT, TV_REC_system, "system()"}, {TV_OP_SIGNAL, -1, "signal()"}};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int pass = 0; pass < 2; pass++) {
			struct tv_image *img = base();
			struct tv_err err = {0};
			int rc;

			if (cases[i].op == TV_OP_EMIT)
				E(img, EMIT, cases[i].rec, 0, 0, 0);
			else
				E(img, SIGNAL, 1);
			E(img, EXIT);
			rc = tv_image_validate(img, pass ? TV_VALIDATE_UNSAFE : 0, &err);
			if (pass)
				assert_int_equal(rc, 0);
			else if (rc != -EPERM || !strstr(err.msg, cases[i].what) ||
				 !strstr(err.msg, "--unsafe"))
				fail_msg("%s: got %d: %s", cases[i].what, rc, err.msg);
			tv_image_free(img);
		}
	}
	/* other records need no flag */
	{
		struct tv_image *img = base();
		struct tv_err err = {0};

		E(img, EMIT, TV_REC_printf, 0, 0, 0);
		E(img, EXIT);
		assert_int_equal(tv_image_validate(img, 0, &err), 0);
		tv_image_free(img);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_program),  cmocka_unit_test(test_unknown_opcode),
	    cmocka_unit_test(test_register_range), cmocka_unit_test(test_id_ranges),
	    cmocka_unit_test(test_access_size),	   cmocka_unit_test(test_backward_jumps),
	    cmocka_unit_test(test_loop_forward),   cmocka_unit_test(test_jump_past_end),
	    cmocka_unit_test(test_jump_into_wide), cmocka_unit_test(test_wide_cut_off),
	    cmocka_unit_test(test_scratch_ranges), cmocka_unit_test(test_map_kind_mismatch),
	    cmocka_unit_test(test_fused_keys),	   cmocka_unit_test(test_small_operands),
	    cmocka_unit_test(test_program_end),	   cmocka_unit_test(test_probes),
	    cmocka_unit_test(test_map_limits),	   cmocka_unit_test(test_map_types),
	    cmocka_unit_test(test_lhist_params),   cmocka_unit_test(test_image_limits),
	    cmocka_unit_test(test_hist_bucket),	   cmocka_unit_test(test_lhist_bucket),
	    cmocka_unit_test(test_agg_apply),	   cmocka_unit_test(test_agg_merge),
	    cmocka_unit_test(test_insn_put),	   cmocka_unit_test(test_tables),
	    cmocka_unit_test(test_for_bodies),	   cmocka_unit_test(test_unsafe_needs_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
