/* Conformance of the maps: MLOAD, MSTORE, MHAS, MDEL, MLOADB, MSTOREB
 * with keys of every size class, MHAS and MDEL on aggregation maps, and
 * for loops (MFOR, FOREND). */
#include "tests/unit/conformance.h"

#include <errno.h>

struct map_run {
	__u64 seed, value, del;
	unsigned str;
};

/* clang-format off */
static const struct map_run map_runs[] = {
    {1, 100, 0, 0}, {2, 200, 0, 1}, {1, 300, 0, 0},	     {2, (__u64)-5, 1, 1},
    {3, 7, 0, 2},   {1, 9, 1, 0},   {3, 8, 0, 3},	     {4, (__u64)INT64_MIN, 0, 2},
    {0, 0, 0, 3},   {2, 1, 0, 2},   {0x8000000000000001ull, 5, 0, 1},
};
/* clang-format on */

/* Keys of every size class built from ARG 0 (seed) and the user string
 * at ARG 3, at fixed scratch offsets: 0, 1, 8, 24 (largest small key), 25
 * (smallest large one), 64 (a string), 120 (largest large one), 121
 * (smallest extra-large one), 200 and 504 (the maximum), all below 512. */
struct keyslot {
	unsigned size, off;
};

static const struct keyslot keyslots[] = {
    {0, 0},   {1, 0},	  {8, 8},     {24, 16},	 {25, 48},
    {64, 80}, {120, 144}, {121, 144}, {200, 48}, {504, 0},
};

static void build_keys(void)
{
	I(ARG, 1, 0);
	I(ARG, 2, 1);
	I(ARG, 3, 2);
	I(ARG, 4, 3);
	I(LDW, 6, 0x0101010101010101ll);
	I(MUL, 5, 1, 6);
	I(ST, 1, U1, 0);
	I(ST, 1, U8, 8);
	I(ST, 1, U8, 16);
	I(ST, 5, U8, 32);
	I(ST, 1, U8, 48);
	I(ST, 5, U1, 72);
	I(STRU, 4, 80, 64);
	I(ST, 1, U8, 144);
	I(STRU, 4, 152, 64);
	I(ST, 5, U8, 256);
}

static void run_maps(void)
{
	for (unsigned i = 0; i < NELEM(map_runs); i++)
		run(0, CTX(map_runs[i].seed, map_runs[i].value, map_runs[i].del,
			   (__u64)(unsigned long)keystrs[map_runs[i].str]));
}

/* What an integer map case reads around its MSTORE. */
enum { READ_LOAD = 1, READ_HAS = 2, DELETE = 4 };

/* An int map per key size: reads before and after MSTORE of ARG 1 + m,
 * and after MDEL when ARG 2 says so. */
static void int_maps(const char *name, unsigned what)
{
	int j;

	begin(name);
	build_keys();
	for (unsigned i = 0; i < NELEM(keyslots); i++) {
		int m = map(TV_MAP_int, keyslots[i].size, 8);
		unsigned o = keyslots[i].off;

		if (what & READ_LOAD)
			I(MLOAD, 6, m, o), out(6);
		if (what & READ_HAS)
			I(MHAS, 7, m, o), out(7);
		I(ADDI, 8, 2, m);
		I(MSTORE, m, 8, o);
		if (what & READ_LOAD)
			I(MLOAD, 6, m, o), out(6);
		if (what & DELETE) {
			j = I(JZ, 3, 0);
			I(MDEL, m, o);
			patch(j);
		}
		if (what & READ_HAS)
			I(MHAS, 7, m, o), out(7);
		if (what & DELETE)
			I(MLOAD, 6, m, o), out(6);
		flush(i);
	}
	I(EXIT);
	load();
	run_maps();
	assert_int_equal(vm_agg(0, "").v, 5);
	finish();
}

/* MSTORE, and MLOAD before (absent: 0) and after it. */
static void conformance_mstore(void **state)
{
	(void)state;
	need_kernel();
	int_maps("mstore", READ_LOAD);
}

/* MHAS before and after MSTORE. */
static void conformance_mhas(void **state)
{
	(void)state;
	need_kernel();
	int_maps("mhas", READ_HAS);
}

/* MDEL, and MLOAD and MHAS around it. */
static void conformance_mdel(void **state)
{
	(void)state;
	need_kernel();
	int_maps("mdel", READ_LOAD | READ_HAS | DELETE);
}

/* Byte-valued maps: MLOADB of absent and present keys, MSTOREB of value
 * sizes 1, 8, 16, 24, 128; MHAS and MDEL when asked. */
static void bytes_maps(const char *name, int del)
{
	static const unsigned vsz[] = {1, 16, 8, 24, 128, 128, 40, 8, 256, 64};
	int j;

	begin(name);
	G.out_base = 896;
	build_keys();
	I(STRU, 4, 300, 128);
	I(ST, 2, U8, 300);
	I(ST, 5, U8, 420);
	for (unsigned i = 1; i < NELEM(keyslots); i++) {
		int m = map(TV_MAP_bytes, keyslots[i].size, vsz[i]);
		unsigned o = keyslots[i].off;

		I(SZERO, 600, 256);
		I(MLOADB, m, o, 600);
		I(EMIT, TV_REC_print, i, 600, vsz[i]);
		I(MSTOREB, m, o, 300);
		if (del)
			I(MHAS, 7, m, o), out(7);
		I(MLOADB, m, o, 740);
		I(EMIT, TV_REC_print, i, 740, vsz[i]);
		if (del) {
			j = I(JZ, 3, 0);
			I(MDEL, m, o);
			patch(j);
			I(MHAS, 7, m, o), out(7);
			I(MLOADB, m, o, 600);
			I(EMIT, TV_REC_print, i, 600, 256);
			flush(i);
		}
	}
	I(EXIT);
	load();
	run_maps();
	finish();
}

static void conformance_mstoreb(void **state)
{
	(void)state;
	need_kernel();
	bytes_maps("mstoreb", 0);
}

static void conformance_mdel_bytes(void **state)
{
	(void)state;
	need_kernel();
	bytes_maps("mdel_bytes", 1);
}

/* MHAS and MDEL on aggregation maps (their keys live in the aggregation
 * family of kernel maps), hist keys included, the extra-large family's
 * (a count, the largest hist key) too. */
static void conformance_mdel_agg(void **state)
{
	int c, h, l, x, hx, j;

	(void)state;
	need_kernel();
	begin("mdel_agg");
	c = map(TV_MAP_count, 8, 8);
	h = map(TV_MAP_hist, 8, 8);
	l = map(TV_MAP_count, 64, 8);
	x = map(TV_MAP_count, 200, 8);
	hx = map(TV_MAP_hist, TV_KEY_MAX - 8, 8);
	build_keys();
	I(MHAS, 7, c, 8), out(7);
	I(COUNT, c, 8);
	I(MHAS, 7, c, 8), out(7);
	I(HIST, h, 2, 8);
	I(MHAS, 7, h, 8), out(7);
	I(COUNT, l, 80);
	I(MHAS, 7, l, 80), out(7);
	I(MHAS, 7, x, 48), out(7);
	I(COUNT, x, 48);
	I(MHAS, 7, x, 48), out(7);
	I(HIST, hx, 2, 0);
	I(MHAS, 7, hx, 0), out(7);
	j = I(JZ, 3, 0);
	I(MDEL, c, 8);
	I(MDEL, h, 8);
	I(MDEL, l, 80);
	I(MDEL, x, 48);
	I(MDEL, hx, 0);
	patch(j);
	I(MHAS, 7, c, 8), out(7);
	I(MHAS, 7, h, 8), out(7);
	I(MHAS, 7, l, 80), out(7);
	I(MHAS, 7, x, 48), out(7);
	I(MHAS, 7, hx, 0), out(7);
	flush(0);
	I(EXIT);
	load();
	run_maps();
	finish();
}

/* Keyless aggregations live in a per-CPU array slot in the kernel:
 * absent until the first value, MDEL clears it on every CPU. */
static void conformance_mdel_scalar_agg(void **state)
{
	int c, s, a, j;

	(void)state;
	need_kernel();
	begin("mdel_scalar_agg");
	c = map(TV_MAP_count, 0, 8);
	s = map(TV_MAP_sum, 0, 8);
	a = map(TV_MAP_avg, 0, 8);
	build_keys();
	I(MHAS, 7, c, 8), out(7);
	I(COUNT, c, 8);
	I(SUM, s, 2, 8);
	I(AVG, a, 2, 8);
	I(MHAS, 7, c, 8), out(7);
	I(MHAS, 7, s, 8), out(7);
	j = I(JZ, 3, 0);
	I(MDEL, c, 8);
	I(MDEL, a, 8);
	patch(j);
	I(MHAS, 7, c, 8), out(7);
	I(MHAS, 7, a, 8), out(7);
	flush(0);
	I(EXIT);
	load();
	run_maps();
	finish();
}

/* ---- for loops ----------------------------------------------------------- */

/* A for loop over M[m] with $kv at 700, summing what the body sees in
 * r10..r14 (order-free: the kernel walks hash order, the vm store order).
 * `del` deletes each entry from its own body; a break after `brk`
 * entries when brk > 0. */
static void walk(int m, unsigned voff, unsigned vwords, int del, int brk, unsigned id)
{
	int f, j = -1;

	for (unsigned r = 10; r <= 14; r++)
		I(MOVI, r, 0);
	I(MOVI, 13, brk);
	f = I(MFOR, m, 700, 0);
	I(LD, 4, U8, 700);
	I(ADD, 10, 10, 4);
	for (unsigned w = 0; w < vwords; w++) {
		I(LD, 5, U8, 700 + voff + 8 * w);
		I(ADD, 11, 11, 5);
		I(MUL, 6, 4, 5);
		I(XOR, 14, 14, 6);
	}
	I(ADDI, 12, 12, 1);
	if (del)
		I(MDEL, m, 700);
	if (brk) {
		I(EQ, 6, 12, 13);
		j = I(JNZ, 6, 0);
	}
	I(FOREND, 0);
	if (j >= 0)
		patch(j);
	I(FOREND, 1);
	G.img->insns[f].imm = (__s32)(700u | (__u32)(here() - 1 - f) << 16);
	out(12); /* which entries come before a break depends on the order */
	if (!brk)
		out(10), out(11), out(14);
	flush(id);
}

/* The maps a for loop walks. */
struct for_maps {
	int mi, mc, mb, ms, me;
};

/* Entries 1..n (arg 0) in an int, a count (120-byte key: the large-key
 * maps), a bytes, a sum map and a second int map. */
static struct for_maps fill_for(const char *name)
{
	struct for_maps f;
	int j, top;

	begin(name);
	f.mi = map(TV_MAP_int, 8, 8);
	f.mc = map(TV_MAP_count, 120, 8);
	f.mb = map(TV_MAP_bytes, 16, 24);
	f.ms = map(TV_MAP_sum, 24, 8);
	f.me = map(TV_MAP_int, 8, 8);
	I(ARG, 2, 0);
	j = I(JZ, 2, 0);
	top = here();
	I(MUL, 3, 2, 2);
	I(ST, 2, U8, 8);
	I(MSTORE, f.mi, 3, 8);
	I(ST, 2, U8, 200);
	I(COUNT, f.mc, 200);
	I(ST, 2, U8, 400);
	I(ST, 3, U8, 500);
	I(ST, 2, U8, 516);
	I(MSTOREB, f.mb, 400, 500);
	I(ST, 2, U8, 600);
	I(SUM, f.ms, 3, 600);
	I(MSTORE, f.me, 3, 8);
	loop_to(2, top);
	patch(j);
	return f;
}

/* Chunk edges (63, 64, 65, 200 entries) and an empty map. */
static void run_for(void)
{
	static const __u64 n[] = {0, 1, 63, 64, 65, 200, 3};

	I(EXIT);
	load();
	for (unsigned i = 0; i < NELEM(n); i++)
		run(0, CTX(n[i]));
	finish();
}

/* MFOR over each kind of map, to the end (FOREND 0). */
static void conformance_mfor(void **state)
{
	struct for_maps f;

	(void)state;
	need_kernel();
	f = fill_for("mfor");
	walk(f.mi, 8, 1, 0, 0, 0);
	walk(f.mc, 120, 1, 0, 0, 1);
	walk(f.mb, 16, 3, 0, 0, 2);
	walk(f.ms, 24, 1, 0, 0, 3);
	run_for();
}

/* FOREND 1: a break after 5 entries. */
static void conformance_forend(void **state)
{
	struct for_maps f;

	(void)state;
	need_kernel();
	f = fill_for("forend");
	walk(f.mi, 8, 1, 0, 5, 4);
	run_for();
}

/* A body deleting its own entry, then a walk of the map it emptied. */
static void conformance_mfor_mdel(void **state)
{
	struct for_maps f;

	(void)state;
	need_kernel();
	f = fill_for("mfor_mdel");
	walk(f.me, 8, 1, 1, 0, 5);
	walk(f.me, 8, 1, 0, 0, 6);
	run_for();
}

/* A CHECKS opcode whose helper fails sends {pc, return code}: MLOAD and
 * MLOADB of an absent key (0), MDEL of one (-ENOENT); present keys send
 * nothing.  The pcs of the three that fail go to pcs. */
static void helper_error_program(const char *name, int pcs[3])
{
	int m, b;

	begin(name);
	m = map(TV_MAP_int, 8, 8);
	b = map(TV_MAP_bytes, 8, 16);
	I(ARG, 1, 0);
	I(ST, 1, U8, 8);
	pcs[0] = I(MLOAD, 6, m, 8);
	pcs[1] = I(MLOADB, b, 8, 100);
	pcs[2] = I(MDEL, m, 8);
	I(MSTORE, m, 1, 8);
	I(MSTOREB, b, 8, 100);
	I(MLOAD, 6, m, 8);
	I(MLOADB, b, 8, 100);
	I(MDEL, m, 8);
	I(EXIT);
	load();
}

static void conformance_map_miss(void **state)
{
	static const __s64 rcs[3] = {0, 0, -ENOENT};
	int pcs[3];

	(void)state;
	need_kernel();
	helper_error_program("map_miss", pcs);
	run(0, CTX(77));
	assert_int_equal(G.kr.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(G.kr.v[i].h.kind, TV_REC_helper_error);
		assert_int_equal(word(&G.kr.v[i], 0), pcs[i]);
		assert_int_equal((__s64)word(&G.kr.v[i], 1), rcs[i]);
	}
	finish();
}

/* At -k (level 1) the kernel keeps a lookup's miss to itself: only MDEL's
 * record is sent (the vm sends all three; the host tells them by level). */
static void conformance_map_miss_k(void **state)
{
	int pcs[3];

	(void)state;
	need_kernel();
	tv_kernel_set_helper_checks(G.k, 1);
	helper_error_program("map_miss_k", pcs);
	run_k(0, CTX(78));
	run_v(0, CTX(78));
	assert_int_equal(G.kr.n, 1);
	assert_int_equal(word(&G.kr.v[0], 0), pcs[2]);
	assert_int_equal(G.vr.n, 3);
	G.runs++;
	finish();
}

int conformance_maps_group(void)
{
	const struct CMUnitTest tests[] = {
	    T(conformance_mstore),	    T(conformance_mhas),       T(conformance_mdel),
	    T(conformance_mstoreb),	    T(conformance_mdel_bytes), T(conformance_mdel_agg),
	    T(conformance_mdel_scalar_agg), T(conformance_mfor),       T(conformance_forend),
	    T(conformance_mfor_mdel),	    T(conformance_map_miss),   T(conformance_map_miss_k),
	};

	return RUN_GROUP("conformance_maps", tests);
}
