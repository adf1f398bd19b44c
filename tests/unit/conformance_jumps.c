/* Conformance of control flow: JA, JZ, JNZ, LOOP and the step budget
 * LOOP runs into, EXIT. */
#include "tests/unit/conformance.h"

/* Values with only high bits, for the taken/not-taken paths. */
static const __u64 conds[] = {0, 1, 1ull << 32, 1ull << 63, (__u64)-1, 0x100};

static void run_conds(void)
{
	for (unsigned i = 0; i < NELEM(conds); i++)
		run(0, CTX(conds[i]));
}

/* JA over instructions (a wide one among them), and JA +0. */
static void conformance_ja(void **state)
{
	int j;

	(void)state;
	need_kernel();
	begin("ja");
	I(ARG, 1, 0);
	I(MOVI, 2, 1);
	j = I(JA, 0);
	I(MOVI, 2, 111);
	I(LDW, 2, 0x1111111111111111ll);
	patch(j);
	I(JA, 0); /* to the next instruction */
	out(2);
	flush(0);
	I(EXIT);
	load();
	run_conds();
	assert_int_equal(word(&G.vr.v[0], 0), 1);
	finish();
}

/* JZ taken and not, and JZ straight to an early EXIT: nothing after it
 * is sent. */
static void conformance_jz(void **state)
{
	int j;

	(void)state;
	need_kernel();
	begin("jz");
	I(ARG, 1, 0);
	I(MOVI, 3, 10);
	j = I(JZ, 1, 0);
	I(MOVI, 3, 20);
	patch(j);
	out(3);
	flush(0);
	j = I(JZ, 1, 0);
	I(MOVI, 5, 77), out(5), flush(1);
	patch(j);
	I(EXIT);
	load();
	run_conds();
	finish();
}

/* JNZ taken (over a wide instruction) and not. */
static void conformance_jnz(void **state)
{
	int j;

	(void)state;
	need_kernel();
	begin("jnz");
	I(ARG, 1, 0);
	I(MOVI, 4, 10);
	j = I(JNZ, 1, 0);
	I(MOVI, 4, 20);
	I(LDW, 4, 0x4444444444444444ll);
	patch(j);
	out(4);
	flush(0);
	I(EXIT);
	load();
	run_conds();
	finish();
}

/* LOOP: a loop of 10 counting into a map and a register, and loops of
 * ARG 0 iterations; LOOP on a register holding 1 runs once. */
static void conformance_loop(void **state)
{
	int cnt, m, top;

	(void)state;
	need_kernel();
	begin("loop");
	cnt = map(TV_MAP_count, 8, 8);
	m = map(TV_MAP_int, 0, 8);
	I(MOVI, 3, 10);
	I(MOVI, 4, 0);
	top = I(ADDI, 4, 4, 1);
	I(COUNT, cnt, 0);
	loop_to(3, top);
	out(4), out(3);
	I(ARG, 5, 0);
	I(MOVI, 6, 0);
	top = I(NOP);
	I(ADDI, 6, 6, 3);
	I(MSTORE, m, 6, 0);
	loop_to(5, top);
	out(6), out(5);
	flush(0);
	I(EXIT);
	load();
	run(0, CTX(1));
	run(0, CTX(2));
	run(0, CTX(10));
	run(0, CTX(100));
	assert_int_equal(word(&G.vr.v[0], 0), 10);
	assert_int_equal(word(&G.vr.v[0], 2), 300);
	assert_int_equal(vm_agg(cnt, (__u8[8]){0}).v, 40);
	finish();
}

/* The step budget: an endless LOOP (its register starts at 0) ends after
 * TV_MAX_STEPS instructions both ways, with the same count stored.
 * Prologue SZERO + 2 MOVIs, then 3 steps per iteration: the MSTORE of
 * iteration i is step 3i + 2. */
static void conformance_loop_budget_map(void **state)
{
	int m, top;

	(void)state;
	need_kernel();
	begin("loop_budget_map");
	m = map(TV_MAP_int, 8, 8);
	I(MOVI, 3, 0);
	I(MOVI, 2, 0);
	top = I(ADDI, 2, 2, 1);
	I(MSTORE, m, 2, 0);
	loop_to(3, top);
	I(EMIT, TV_REC_exit, 0, 0, 0); /* never reached */
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_int_equal(G.res.steps, TV_MAX_STEPS);
	assert_int_equal(G.vr.n, 0);
	assert_int_equal(vm_agg(m, (__u8[8]){0}).v, (TV_MAX_STEPS - 2) / 3);
	finish();
}

/* A record every iteration: 4 steps each after 2, the EMIT of iteration
 * i is step 4i + 1, so 2047 records; then the budget. */
static void conformance_loop_budget_emit(void **state)
{
	int top;

	(void)state;
	need_kernel();
	begin("loop_budget_emit");
	I(MOVI, 3, 0);
	top = I(ADDI, 2, 2, 1);
	I(ST, 2, U8, 512);
	I(EMIT, TV_REC_printf, 1, 512, 8);
	loop_to(3, top);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_int_equal(G.vr.n, (TV_MAX_STEPS - 1) / 4);
	finish();
}

/* The exact boundary: the EMIT is step 2n + 2 (probe 0, from ARG) or
 * 2n + 3 (probe 1, one NOP more); it is sent when that is at most
 * TV_MAX_STEPS (n = 4095: step 8192 is sent, 8193 is not). */
static void conformance_loop_budget_edge(void **state)
{
	int j, j2, top;

	(void)state;
	need_kernel();
	begin("loop_budget_edge");
	j = I(NOP); /* probe 1 starts here, probe 0 after it */
	j2 = I(ARG, 3, 0);
	top = I(NOP);
	loop_to(3, top);
	I(EMIT, TV_REC_printf, 2, 0, 0); /* no payload: these blocks skip the prologue */
	I(EXIT);
	probe_at(j2);
	probe_at(j);
	load();
	for (__u64 n = TV_MAX_STEPS / 2 - 3; n <= TV_MAX_STEPS / 2; n++)
		for (__u32 p = 0; p < 2; p++) {
			run(p, CTX(n));
			assert_int_equal(G.vr.n, 2 * n + 2 + p <= TV_MAX_STEPS);
		}
	finish();
}

/* EXIT ends the block where it is, on either side of a branch: the
 * records after it are never sent, and the next block is not entered. */
static void conformance_exit(void **state)
{
	int j;

	(void)state;
	need_kernel();
	begin("exit");
	probe_at(0);
	I(ARG, 1, 0);
	out(1), flush(0);
	j = I(JNZ, 1, 0);
	I(EXIT);
	patch(j);
	out(1), flush(1);
	I(EXIT);
	I(EMIT, TV_REC_exit, 2, 0, 8);
	block_here(); /* probe 1 */
	I(EMIT, TV_REC_printf, 3, 0, 8);
	I(EXIT);
	load();
	run(0, CTX(0));
	assert_int_equal(G.vr.n, 1);
	run(0, CTX(5));
	assert_int_equal(G.vr.n, 2);
	run(1, zero_ctx);
	assert_int_equal(G.vr.n, 1);
	finish();
}

int conformance_jumps_group(void)
{
	const struct CMUnitTest tests[] = {
	    T(conformance_ja),
	    T(conformance_jz),
	    T(conformance_jnz),
	    T(conformance_loop),
	    T(conformance_loop_budget_map),
	    T(conformance_loop_budget_emit),
	    T(conformance_loop_budget_edge),
	    T(conformance_exit),
	};

	return RUN_GROUP("conformance_jumps", tests);
}
