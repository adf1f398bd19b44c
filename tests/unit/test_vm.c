/* The user-space interpreter on images built by hand: ALU, control flow,
 * registers, scratch, records and stacks, and the errors of a bad image.
 * Builtins, probe context and memory reads are in test_vm_reads.c; maps and
 * the store in test_vm_maps.c. Fixtures: vm_fixtures.h. */
#include "vm_fixtures.h"

/* ---- ALU ------------------------------------------------------------------ */

struct alu_case {
	unsigned op;
	__u64 b, c, want;
};

static const struct alu_case alu_cases[] = {
    {TV_OP_ADD, MAXU, 1, 0},
    {TV_OP_ADD, 2, 3, 5},
    {TV_OP_SUB, 0, 1, MAXU},
    {TV_OP_MUL, 1ull << 32, 1ull << 32, 0},
    {TV_OP_MUL, 3, MAXU, (__u64)-3},
    {TV_OP_DIV, 7, 2, 3},
    {TV_OP_DIV, 7, 0, 0},
    {TV_OP_DIV, MAXU, 2, MAXU >> 1},
    {TV_OP_MOD, 7, 3, 1},
    {TV_OP_MOD, 7, 0, 0},
    {TV_OP_MOD, MAXU, 10, 5},
    {TV_OP_SDIV, (__u64)-7, 2, (__u64)-3},
    {TV_OP_SDIV, 7, (__u64)-2, (__u64)-3},
    {TV_OP_SDIV, (__u64)-7, (__u64)-2, 3},
    {TV_OP_SDIV, 7, 0, 0},
    {TV_OP_SDIV, (__u64)INT64_MIN, (__u64)-1, (__u64)INT64_MIN},
    {TV_OP_SMOD, (__u64)-7, 2, (__u64)-1},
    {TV_OP_SMOD, 7, (__u64)-2, 1},
    {TV_OP_SMOD, 7, 0, 0},
    {TV_OP_SMOD, (__u64)INT64_MIN, (__u64)-1, 0},
    {TV_OP_AND, 0xf0f0, 0xff00, 0xf000},
    {TV_OP_OR, 0xf0f0, 0xff00, 0xfff0},
    {TV_OP_XOR, 0xf0f0, 0xff00, 0x0ff0},
    {TV_OP_SHL, 1, 63, 1ull << 63},
    {TV_OP_SHL, 1, 64, 1},
    {TV_OP_SHL, 1, 65, 2},
    {TV_OP_SHR, MAXU, 63, 1},
    {TV_OP_SHR, 0x80, 64 + 4, 0x8},
    {TV_OP_SAR, (__u64)-8, 1, (__u64)-4},
    {TV_OP_SAR, (__u64)INT64_MIN, 63, MAXU},
    {TV_OP_SAR, (__u64)-1, 64, MAXU},
    {TV_OP_SAR, 8, 65, 4},
    {TV_OP_SAR, 1ull << 62, 62, 1},
    {TV_OP_EQ, 5, 5, 1},
    {TV_OP_EQ, 5, 6, 0},
    {TV_OP_NE, 5, 6, 1},
    {TV_OP_NE, 5, 5, 0},
    {TV_OP_LT, MAXU, 1, 0},
    {TV_OP_LT, 1, MAXU, 1},
    {TV_OP_LT, 1, 1, 0},
    {TV_OP_LE, 1, 1, 1},
    {TV_OP_LE, 2, 1, 0},
    {TV_OP_SLT, MAXU, 1, 1},
    {TV_OP_SLT, 1, MAXU, 0},
    {TV_OP_SLT, (__u64)INT64_MIN, (__u64)INT64_MAX, 1},
    {TV_OP_SLE, MAXU, MAXU, 1},
    {TV_OP_SLE, 1, MAXU, 0},
};

static void test_alu_binary(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(alu_cases) / sizeof(alu_cases[0]); i++) {
		const struct alu_case *t = &alu_cases[i];

		reset();
		I(LDW, 1, (__s64)t->b);
		I(LDW, 2, (__s64)t->c);
		ins(t->op, (const __s64[]){3, 1, 2}, 3);
		I(EXIT);
		go();
		if (REG(3) != t->want)
			fail_msg("%s %#llx, %#llx = %#llx, want %#llx", tv_op_name(t->op),
				 (unsigned long long)t->b, (unsigned long long)t->c,
				 (unsigned long long)REG(3), (unsigned long long)t->want);
	}
}

/* The destination may be a source: both are read first. */
static void test_alu_aliasing(void **state)
{
	(void)state;
	I(MOVI, 1, 6);
	I(MUL, 1, 1, 1);
	I(SUB, 2, 1, 1);
	I(EXIT);
	go();
	assert_int_equal(REG(1), 36);
	assert_int_equal(REG(2), 0);
}

static void test_alu_unary(void **state)
{
	(void)state;
	I(LDW, 1, INT64_MIN);
	I(MOVI, 2, 1);
	I(NEG, 3, 1);
	I(NEG, 4, 2);
	I(NEG, 5, 0);
	I(NOT, 6, 0);
	I(LNOT, 7, 0);
	I(LNOT, 8, 1);
	I(MOV, 9, 1);
	I(MOVI, 10, -1);
	I(MOVI, 11, INT32_MAX);
	I(ADDI, 12, 2, -2);
	I(ADDI, 13, 0, INT32_MIN);
	I(LDW, 14, 0x123456789abcdef0);
	I(EXIT);
	go();
	assert_int_equal(REG(3), (__u64)INT64_MIN);
	assert_int_equal(REG(4), MAXU);
	assert_int_equal(REG(5), 0);
	assert_int_equal(REG(6), MAXU);
	assert_int_equal(REG(7), 1);
	assert_int_equal(REG(8), 0);
	assert_int_equal(REG(9), (__u64)INT64_MIN);
	assert_int_equal(REG(10), MAXU);
	assert_int_equal(REG(11), INT32_MAX);
	assert_int_equal(REG(12), MAXU);
	assert_int_equal(REG(13), (__u64)(__s64)INT32_MIN);
	assert_int_equal(REG(14), 0x123456789abcdef0ull);
	assert_int_equal(F->res.steps, 15);
}

/* ---- control flow --------------------------------------------------------- */

static void test_jumps(void **state)
{
	(void)state;
	I(MOVI, 1, 1); /* 0 */
	I(JA, 1);      /* 1 -> 3 */
	I(MOVI, 2, 1); /* 2: skipped */
	I(JZ, 1, 1);   /* 3: not taken */
	I(MOVI, 3, 1); /* 4 */
	I(JNZ, 1, 1);  /* 5: taken -> 7 */
	I(MOVI, 4, 1); /* 6: skipped */
	I(JZ, 0, 2);   /* 7: taken -> 10 */
	I(MOVI, 5, 1); /* 8 */
	I(MOVI, 5, 2); /* 9 */
	I(JNZ, 0, 1);  /* 10: not taken */
	I(MOVI, 6, 1); /* 11 */
	I(LDW, 7, 7);  /* 12, 13 */
	I(JA, 1);      /* 14: relative to 15 -> 16 */
	I(EXIT);       /* 15 */
	I(MOVI, 8, 1); /* 16 */
	I(EXIT);       /* 17 */
	go();
	assert_int_equal(REG(2), 0);
	assert_int_equal(REG(3), 1);
	assert_int_equal(REG(4), 0);
	assert_int_equal(REG(5), 0);
	assert_int_equal(REG(6), 1);
	assert_int_equal(REG(7), 7);
	assert_int_equal(REG(8), 1);
	assert_int_equal(F->res.steps, 12);
}

static void test_loop_counts_ten(void **state)
{
	(void)state;
	I(MOVI, 1, 10);	  /* 0 */
	I(MOVI, 2, 0);	  /* 1 */
	I(ADDI, 2, 2, 1); /* 2 */
	I(LOOP, 1, 2);	  /* 3: back to 4 - 2 = 2 */
	I(EXIT);	  /* 4 */
	go();
	assert_int_equal(REG(2), 10);
	assert_int_equal(REG(1), 0);
	assert_int_equal(F->res.steps, 2 + 2 * 10 + 1);
}

static void test_step_budget(void **state)
{
	(void)state;
	I(NOP);	       /* 0 */
	I(LOOP, 1, 1); /* 1: 0 - 1 = 2^64 - 1 more rounds */
	I(EXIT);
	go();
	assert_int_equal(F->res.steps, TV_MAX_STEPS);
	assert_int_equal(F->res.fault, 0);
	assert_int_equal(REG(1), (__u64) - (TV_MAX_STEPS - 1));
	assert_int_equal(F->nrecs, 0);
}

/* EXIT as the last step of the budget still ends the block normally. */
static void test_step_budget_exact(void **state)
{
	(void)state;
	I(MOVI, 1, TV_MAX_STEPS - 3); /* 0 */
	I(LOOP, 1, 1);		      /* 1 */
	I(MOVI, 2, 1);		      /* 2: step TV_MAX_STEPS - 1 */
	I(EXIT);		      /* 3: step TV_MAX_STEPS */
	go();
	assert_int_equal(F->res.steps, TV_MAX_STEPS);
	assert_int_equal(REG(1), 0);
	assert_int_equal(REG(2), 1);
}

static void test_regs_and_scratch_reset(void **state)
{
	(void)state;
	I(ADDI, 1, 1, 1);
	I(LD, 2, U1, 5);
	I(MOVI, 3, 9);
	I(ST, 3, U1, 5);
	I(EXIT);
	go();
	go();
	assert_int_equal(REG(1), 1);
	assert_int_equal(REG(2), 0);
	assert_int_equal(SCR[5], 9);
}

/* ---- scratch -------------------------------------------------------------- */

static void test_st_ld(void **state)
{
	static const __u8 want[] = {0xfe, 0xff, 0,    0,    0xef, 0xcd,
				    0xab, 0x89, 0x67, 0x45, 0x23, 0x01};

	(void)state;
	I(MOVI, 1, -2);
	I(ST, 1, U2, 10);
	I(LDW, 2, 0x0123456789abcdefll);
	I(ST, 2, U8, 14);
	I(ST, 2, S1, 30); /* signedness does not matter to a store */
	I(LD, 3, U2, 10);
	I(LD, 4, S2, 10);
	I(LD, 5, U8, 10);
	I(LD, 6, S1, 14);
	I(LD, 7, U4, 18);
	I(LD, 8, S4, 18);
	I(EXIT);
	go();
	assert_memory_equal(SCR + 10, want, sizeof(want));
	assert_int_equal(SCR[9], 0);
	assert_int_equal(SCR[30], 0xef);
	assert_int_equal(SCR[31], 0);
	assert_int_equal(REG(3), 0xfffe);
	assert_int_equal(REG(4), (__u64)-2);
	assert_int_equal(REG(5), 0x89abcdef0000fffeull);
	assert_int_equal(REG(6), (__u64)(__s8)0xef);
	assert_int_equal(REG(7), 0x01234567);
	assert_int_equal(REG(8), 0x01234567);
}

static void test_szero_scopy_sconst(void **state)
{
	int k;

	(void)state;
	k = add_str("abcdefgh"); /* 9 bytes with the NUL */
	I(SCONST, k, 100);
	I(SCONST, k, 200);
	I(SCOPY, 9, 300, 100); /* plain copy */
	I(SCOPY, 8, 102, 100); /* overlapping, forwards */
	I(SCOPY, 8, 200, 202); /* overlapping, backwards */
	I(SCONST, k, 400);
	I(SZERO, 402, 3);
	I(SZERO, 500, 0);
	I(EXIT);
	go();
	assert_memory_equal(SCR + 300, "abcdefgh", 9);
	assert_memory_equal(SCR + 100, "ababcdefgh", 10);
	assert_memory_equal(SCR + 200, "cdefgh\0\0\0", 9);
	assert_memory_equal(SCR + 400, "ab\0\0\0fgh", 9);
	assert_int_equal(SCR[99], 0);
}

struct strcmp_case {
	char a[5], b[5];
	int n;
	__s64 want;
};

static void test_strcmp(void **state)
{
	static const struct strcmp_case cases[] = {
	    {"abc", "abc", 64, 0},    {"abc", "abd", 64, -1}, {"abd", "abc", 64, 1},
	    {"abc", "abd", 2, 0},     {"abc", "ab", 64, 1},   {"ab", "abc", 64, -1},
	    {"ab\0x", "ab\0y", 8, 0}, {"\x80", "a", 8, 1},    {"a", "b", 0, 0},
	    {"", "", 64, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct strcmp_case *t = &cases[i];
		int ka, kb;

		reset();
		ka = tv_image_add_const(F->img, TV_CONST_str, t->a, 5);
		kb = tv_image_add_const(F->img, TV_CONST_str, t->b, 5);
		I(SCONST, ka, 0);
		I(SCONST, kb, 100);
		I(STRCMP, 1, t->n, 0, 100);
		I(EXIT);
		go();
		if ((__s64)REG(1) != t->want)
			fail_msg("strcmp(%s, %s, %d) = %lld, want %lld", t->a, t->b, t->n,
				 (long long)REG(1), (long long)t->want);
	}
}

/* ---- records and stacks --------------------------------------------------- */

static void test_emit(void **state)
{
	int k;

	(void)state;
	k = tv_image_add_const(F->img, TV_CONST_fmt, "%d %s\n", 7);
	add_str("x");
	I(LDW, 1, 0x1122334455667788);
	I(ST, 1, U8, 40);
	I(MOVI, 1, 0x41);
	I(ST, 1, U1, 48);
	I(EMIT, TV_REC_printf, k, 40, 16);
	I(EMIT, TV_REC_exit, 1, 0, 0);
	I(EXIT);
	tv_image_add_probe(F->img, "BEGIN", 0);
	tv_image_add_probe(F->img, "END", 0);
	tv_image_add_probe(F->img, "interval:s:1", 0);
	assert_int_equal(go_ctx(2, NULL), 0);
	assert_int_equal(F->nrecs, 2);
	assert_int_equal(F->recs[0].h.kind, TV_REC_printf);
	assert_int_equal(F->recs[0].h.id, k);
	assert_int_equal(F->recs[0].h.len, 16);
	assert_int_equal(F->recs[0].h.block, 2);
	assert_memory_equal(F->recs[0].payload,
			    "\x88\x77\x66\x55\x44\x33\x22\x11\x41\0\0\0\0\0\0\0", 16);
	assert_int_equal(F->recs[1].h.kind, TV_REC_exit);
	assert_int_equal(F->recs[1].h.id, 1);
	assert_int_equal(F->recs[1].h.len, 0);
	assert_int_equal(F->res.fault, 0);
}

/* A negative callback return aborts the run with that error. */
static void test_record_callback_error(void **state)
{
	(void)state;
	add_str("x");
	I(EMIT, TV_REC_printf, 0, 0, 8);
	I(MOVI, 1, 1);
	I(EXIT);
	F->rec_rc = -EIO;
	assert_int_equal(go_ctx(0, NULL), -EIO);
	assert_int_equal(REG(1), 0);
	/* positive returns are ignored */
	F->rec_rc = 1;
	assert_int_equal(go_ctx(0, NULL), 0);
	assert_int_equal(REG(1), 1);
}

static void test_stacks(void **state)
{
	(void)state;
	I(MOVI, 1, 5);
	I(MOVI, 2, 5);
	I(KSTACK, 1, 0);
	I(USTACK, 2, 127 | TV_STACK_PERF);
	I(EXIT);
	go();
	/* the vm has no stack to take; the mode bits still come through */
	assert_int_equal(tv_stack_id(REG(1)), -1);
	assert_int_equal(tv_stack_id(REG(2)), -1);
	assert_int_equal(tv_stack_mode(REG(2)), 127 | TV_STACK_PERF);
}

/* ---- errors --------------------------------------------------------------- */

static void test_bad_probe(void **state)
{
	(void)state;
	I(EXIT);
	go();
	assert_int_equal(tv_vm_run(F->vm, 1, NULL, NULL), -EINVAL);
	assert_int_equal(tv_vm_run(F->vm, 0, NULL, NULL), 0);
}

/* Images the validator rejects end in -EINVAL, not in a crash. */
static void test_unvalidated(void **state)
{
	struct tv_vm_result res;
	struct tv_vm *vm;

	(void)state;
	I(MOVI, 1, 1);
	I(JA, 100);
	I(EXIT);
	I(SZERO, 1000, 100);
	I(EXIT);
	tv_image_add_probe(F->img, "BEGIN", 0);
	tv_image_add_probe(F->img, "END", 3);
	add_str("x");
	F->img->insns[2].op = 250; /* unknown opcode */
	vm = tv_vm_new(F->img, NULL, NULL, NULL);
	assert_non_null(vm);
	assert_int_equal(tv_vm_run(vm, 0, NULL, &res), -EINVAL);
	assert_int_equal(tv_vm_run(vm, 1, NULL, &res), -EINVAL);
	tv_vm_free(vm);
	/* a map op without a store */
	reset();
	add_map(TV_MAP_count, 0, 8);
	I(COUNT, 0, 0);
	I(EXIT);
	tv_image_add_probe(F->img, "BEGIN", 0);
	vm = tv_vm_new(F->img, NULL, NULL, NULL);
	assert_int_equal(tv_vm_run(vm, 0, NULL, &res), -EINVAL);
	tv_vm_free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_alu_binary),
	    T(test_alu_aliasing),
	    T(test_alu_unary),
	    T(test_jumps),
	    T(test_loop_counts_ten),
	    T(test_step_budget),
	    T(test_step_budget_exact),
	    T(test_regs_and_scratch_reset),
	    T(test_st_ld),
	    T(test_szero_scopy_sconst),
	    T(test_strcmp),
	    T(test_emit),
	    T(test_record_callback_error),
	    T(test_stacks),
	    T(test_bad_probe),
	    T(test_unvalidated),
	};

	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
