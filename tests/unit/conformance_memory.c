/* Conformance of the memory reads: LDU, LDK, STRU, STRK, BUFU and BUFK,
 * of good memory, at the edge of a mapping and of bad pointers (a fault
 * record, zeros, and the block goes on). */
#include "tests/unit/conformance.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static __u64 udata[4] = {0x8877665544332211ull, 0xf0e0d0c0b0a09080ull, 0x0102030405060708ull,
			 0xfffefdfcfbfaf9f8ull};

/* One block per case: the read (op) of addr, access or string length z. */
struct read_case {
	unsigned op;
	__u64 addr;
	unsigned z;
};

/* LDU of this process's memory, every access, unaligned too. */
static void conformance_ldu(void **state)
{
	static const unsigned zs[] = {U1, U2, U4, U8, S1, S2, S4, S8};
	__u64 want;

	(void)state;
	need_kernel();
	begin("ldu");
	I(LDW, 1, ADDR(udata));
	for (unsigned z = 0; z < NELEM(zs); z++)
		for (unsigned off = 0; off <= 9; off += off == 0 ? 3 : 6) {
			I(ADDI, 2, 1, off);
			I(LDU, 3, 2, zs[z]);
			out(3);
		}
	flush(0);
	I(EXIT);
	load();
	run(0, zero_ctx);
	memcpy(&want, (const __u8 *)udata + 3, 8);
	assert_int_equal(word(&G.vr.v[0], 3 * 3 + 1), want); /* u8 at +3 */
	memcpy(&want, (const __u8 *)udata + 9, 8);
	assert_int_equal(word(&G.vr.v[0], 3 * 7 + 2), want);		      /* s8 at +9 */
	assert_int_equal(word(&G.vr.v[0], 3 * 4 + 0), 0x11);		      /* s1 */
	assert_int_equal(word(&G.vr.v[0], 3 * 6 + 2), 0xffffffffc0b0a090ull); /* s4 at +9 */
	finish();
}

/* STRU: whole, truncated (len 3, 1, 63), len 0 (writes nothing), the
 * empty string over old bytes, an exactly fitting string. */
static void conformance_stru(void **state)
{
	(void)state;
	need_kernel();
	begin("stru");
	I(LDW, 1, ADDR(ustr));
	I(LDW, 2, ADDR(ulong_str));
	I(LDW, 3, ADDR(u63));
	I(LDW, 4, ADDR(ustr + strlen(ustr)));
	I(STRU, 1, 0, 64);
	I(STRU, 1, 64, 3);
	I(STRU, 1, 67, 1);
	I(SCONST, kstr("XYZ"), 68);
	I(STRU, 1, 68, 0);
	I(STRU, 2, 80, 64);
	I(STRU, 2, 144, strlen(ulong_str) + 1);
	I(STRU, 3, 256, 64);
	I(STRU, 3, 320, 63);
	I(SCONST, kstr("old bytes here"), 400);
	I(STRU, 4, 400, 16);
	I(STRU, 3, 600, 400);
	I(EMIT, TV_REC_printf, 0, 0, 512);
	I(EMIT, TV_REC_printf, 1, 512, 512);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_string_equal((const char *)G.vr.v[0].p, ustr);
	assert_string_equal((const char *)G.vr.v[0].p + 64, "he");
	assert_string_equal((const char *)G.vr.v[0].p + 68, "XYZ");
	finish();
}

/* Four pages: 0 and 2 readable, 1 and 3 not; "tail" ends page 0 and
 * "ABCDEFGH" (no NUL) page 2.  Returns page 0. */
static __u8 *edge_pages(long pg)
{
	__u8 *p0;

	G.pages_len = 4 * (size_t)pg;
	G.pages = mmap(NULL, G.pages_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(G.pages != MAP_FAILED);
	p0 = G.pages;
	assert_int_equal(mprotect(p0, (size_t)pg, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(mprotect(p0 + 2 * pg, (size_t)pg, PROT_READ | PROT_WRITE), 0);
	memcpy(p0 + pg - 5, "tail", 5);
	memcpy(p0 + 3 * pg - 8, "ABCDEFGH", 8);
	return p0;
}

/* One block per case: the read into scratch 0, then a record; each run
 * must fault or not as faults[] says. */
static void page_edge(const char *name, const struct read_case *cases, const int *faults,
		      unsigned n)
{
	begin(name);
	for (unsigned i = 0; i < n; i++) {
		block_here();
		I(LDW, 1, (__s64)cases[i].addr);
		if (cases[i].op == TV_OP_STRU)
			I(STRU, 1, 0, cases[i].z);
		else
			I(LDU, 2, 1, cases[i].z), I(ST, 2, U8, 0);
		I(EMIT, TV_REC_printf, 0, 0, 16);
		I(EXIT);
	}
	load();
	for (unsigned i = 0; i < n; i++) {
		run(i, zero_ctx);
		assert_int_equal(G.res.fault, faults[i]);
	}
	finish();
}

/* A string that ends at the end of a mapping followed by an unmapped
 * page reads; one that needs the next page faults (even for the byte
 * its NUL replaces). */
static void conformance_stru_page_edge(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	__u8 *p0, *p2;

	(void)state;
	need_kernel();
	p0 = edge_pages(pg);
	p2 = p0 + 2 * pg;
	/* clang-format off */
	const struct read_case cases[] = {
	    {TV_OP_STRU, ADDR(p0 + pg - 5), 64}, {TV_OP_STRU, ADDR(p2 + pg - 8), 8},
	    {TV_OP_STRU, ADDR(p2 + pg - 8), 9},  {TV_OP_STRU, ADDR(p2 + pg - 7), 8},
	    {TV_OP_STRU, ADDR(p2 + pg - 1), 2},  {TV_OP_STRU, ADDR(p2 + pg - 1), 1},
	};
	/* clang-format on */
	static const int faults[] = {0, 0, 1, 1, 1, 0};

	page_edge("stru_page_edge", cases, faults, NELEM(cases));
}

/* A read that ends at the end of a mapping reads; one crossing over
 * into the unmapped page faults. */
static void conformance_ldu_page_edge(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	__u8 *p2;

	(void)state;
	need_kernel();
	p2 = edge_pages(pg) + 2 * pg;
	/* clang-format off */
	const struct read_case cases[] = {
	    {TV_OP_LDU, ADDR(p2 + pg - 4), U4},  {TV_OP_LDU, ADDR(p2 + pg - 4), S8},
	    {TV_OP_LDU, ADDR(p2 + pg - 1), S1},  {TV_OP_LDU, ADDR(p2 + pg - 1), U2},
	};
	/* clang-format on */
	static const int faults[] = {0, 1, 0, 1};

	page_edge("ldu_page_edge", cases, faults, NELEM(cases));
}

/* The pc of the read of one fault case, in the block made for it. */
static int fault_block(const struct read_case *c)
{
	int pc;

	block_here();
	I(LDW, 1, (__s64)c->addr);
	I(MOVI, 3, 0x77), I(SCONST, kstr("old bytes here, and more old bytes"), 100);
	I(MOVI, 2, 0x11), out(2), flush(1);
	switch (c->op) {
	case TV_OP_LDU: pc = I(LDU, 3, 1, c->z); break;
	case TV_OP_LDK: pc = I(LDK, 3, 1, c->z); break;
	case TV_OP_STRU: pc = I(STRU, 1, 100, c->z); break;
	default: pc = I(STRK, 1, 100, c->z); break;
	}
	I(MOVI, 2, 0x22), out(2), out(3), flush(2);
	I(EMIT, TV_REC_printf, 3, 100, 64);
	I(EXIT);
	return pc;
}

/* Bad pointers: every read op faults with the same record (kind fault,
 * id 0, the pc as payload), reads zeros (over old bytes) and the block
 * goes on. */
static void faults(const char *name, const struct read_case *cases, unsigned n)
{
	int fpc[32];

	assert_true(n <= NELEM(fpc));
	begin(name);
	for (unsigned i = 0; i < n; i++)
		fpc[i] = fault_block(&cases[i]);
	load();
	for (unsigned i = 0; i < n; i++) {
		__u64 pc;

		run(i, zero_ctx);
		assert_int_equal(G.res.fault, 1);
		assert_int_equal(G.res.fault_pc, fpc[i]);
		assert_int_equal(G.kr.n, 4);
		assert_int_equal(G.kr.v[1].h.kind, TV_REC_fault);
		assert_int_equal(G.kr.v[1].h.id, 0);
		assert_int_equal(G.kr.v[1].h.len, 8);
		assert_int_equal(G.kr.v[1].h.block, i);
		memcpy(&pc, G.kr.v[1].p, 8);
		assert_int_equal(pc, fpc[i]);
		assert_int_equal(word(&G.kr.v[2], 0), 0x22);
		if (cases[i].op == TV_OP_LDU || cases[i].op == TV_OP_LDK)
			assert_int_equal(word(&G.kr.v[2], 1), 0);
		else
			assert_memory_equal(G.kr.v[3].p, "\0\0\0\0\0\0\0\0",
					    cases[i].z < 8 ? cases[i].z : 8);
	}
	finish();
}

static void conformance_ldu_fault(void **state)
{
	/* clang-format off */
	static const struct read_case cases[] = {
	    {TV_OP_LDU, 8, U1},	 {TV_OP_LDU, 8, U2},  {TV_OP_LDU, 8, U4},
	    {TV_OP_LDU, 8, U8},	 {TV_OP_LDU, 8, S1},  {TV_OP_LDU, 8, S2},
	    {TV_OP_LDU, 8, S4},	 {TV_OP_LDU, 8, S8},  {TV_OP_LDU, 0, U8},
	    {TV_OP_LDU, (__u64)-4, U8}, {TV_OP_LDU, 0xffffffff81000000ull, U8},
	};
	/* clang-format on */

	(void)state;
	need_kernel();
	faults("ldu_fault", cases, NELEM(cases));
}

/* LDK of a valid user pointer faults too (a kernel read of user memory). */
static void conformance_ldk(void **state)
{
	/* clang-format off */
	const struct read_case cases[] = {
	    {TV_OP_LDK, 8, U1},	 {TV_OP_LDK, 8, S8},  {TV_OP_LDK, 0, U4},
	    {TV_OP_LDK, (__u64)-4, U8}, {TV_OP_LDK, ADDR(udata), U8},
	};
	/* clang-format on */

	(void)state;
	need_kernel();
	faults("ldk", cases, NELEM(cases));
}

static void conformance_stru_fault(void **state)
{
	/* clang-format off */
	static const struct read_case cases[] = {
	    {TV_OP_STRU, 8, 16}, {TV_OP_STRU, 0, 1},  {TV_OP_STRU, (__u64)-1, 64},
	    {TV_OP_STRU, 0xffffffff81000000ull, 8},
	};
	/* clang-format on */

	(void)state;
	need_kernel();
	faults("stru_fault", cases, NELEM(cases));
}

/* STRK of a valid user pointer faults too. */
static void conformance_strk(void **state)
{
	/* clang-format off */
	const struct read_case cases[] = {
	    {TV_OP_STRK, 8, 16}, {TV_OP_STRK, 0, 64}, {TV_OP_STRK, ADDR(ustr), 16},
	};
	/* clang-format on */

	(void)state;
	need_kernel();
	faults("strk", cases, NELEM(cases));
}

/* Unless the host prints each fault (-kk), the kernel counts it and
 * sends nothing (the vm's record is passed over by the host). */
static void conformance_ldu_fault_counted(void **state)
{
	(void)state;
	need_kernel();
	begin("ldu_fault_counted");
	I(MOVI, 1, 8);
	I(LDU, 2, 1, U8);
	I(EXIT);
	tv_kernel_set_helper_checks(G.k, 0);
	load();
	run_k(0, zero_ctx);
	run_v(0, zero_ctx);
	assert_int_equal(G.kr.n, 0);
	assert_int_equal(G.vr.n, 1);
	cmp_counters();
	G.runs++;
	finish();
}

/* BUFU of this process's memory: lengths 0, 5, the slot's 64, more than
 * the slot (shortened), a slot with no room; old bytes past the length
 * are zeroed. */
static void conformance_bufu(void **state)
{
	const __u8 *p;

	(void)state;
	need_kernel();
	begin("bufu");
	I(LDW, 1, ADDR(ulong_str));
	I(SCONST, kstr("old bytes here, old bytes"), 0);
	I(MOVI, 2, 0), I(BUFU, 1, 2, 0, 72);
	I(MOVI, 2, 5), I(BUFU, 1, 2, 80, 72);
	I(MOVI, 2, 64), I(BUFU, 1, 2, 160, 72);
	I(MOVI, 2, 100), I(BUFU, 1, 2, 240, 72);
	I(MOVI, 2, 9), I(BUFU, 1, 2, 320, 8), I(BUFU, 1, 2, 328, 12);
	I(EMIT, TV_REC_printf, 0, 0, 344);
	I(EXIT);
	load();
	run(0, zero_ctx);
	p = G.vr.v[0].p;
	assert_int_equal(word(&G.vr.v[0], 0), 0);
	assert_int_equal(word(&G.vr.v[0], 10), 5);
	assert_memory_equal(p + 88, "01234\0\0\0", 8);
	assert_int_equal(word(&G.vr.v[0], 30), 64);
	assert_int_equal(word(&G.vr.v[0], 40), 0);
	assert_int_equal(word(&G.vr.v[0], 41), 4);
	finish();
}

/* BUFK with no bytes to read reads nothing; of a bad address it faults,
 * reads as empty, and the block goes on. */
static void conformance_bufk(void **state)
{
	(void)state;
	need_kernel();
	begin("bufk");
	I(SCONST, kstr("old bytes here, old bytes"), 344);
	I(MOVI, 3, 8), I(MOVI, 2, 0), I(BUFK, 3, 2, 344, 40);
	I(EMIT, TV_REC_printf, 0, 344, 40);
	I(MOVI, 2, 4), I(BUFK, 3, 2, 500, 40);
	I(EMIT, TV_REC_printf, 1, 500, 40);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_int_equal(word(&G.vr.v[0], 0), 0);
	assert_int_equal(G.vr.n, 3);
	assert_int_equal(G.vr.v[1].h.kind, TV_REC_fault);
	assert_int_equal(word(&G.vr.v[2], 0), 0);
	finish();
}

/* MEMU of this process's memory: the bytes as they are (NULs too), a
 * second read past the first; a bad address faults, zeroes its bytes and
 * the block goes on. */
static void conformance_memu(void **state)
{
	const __u8 *p;

	(void)state;
	need_kernel();
	begin("memu");
	I(LDW, 1, ADDR(ulong_str));
	I(SCONST, kstr("old bytes here, old bytes"), 0);
	I(MEMU, 1, 0, 5), I(MEMU, 1, 16, 12);
	I(MOVI, 2, 8), I(MEMU, 2, 32, 8);
	I(EMIT, TV_REC_printf, 0, 0, 40);
	I(EXIT);
	load();
	run(0, zero_ctx);
	p = G.vr.v[G.vr.n - 1].p;
	assert_memory_equal(p, "01234ytes here, ", 16);
	assert_memory_equal(p + 16, "0123456789ab", 12);
	assert_memory_equal(p + 32, "\0\0\0\0\0\0\0\0", 8);
	finish();
}

/* MEMK of a bad address faults with zeros; of none at all, likewise. */
static void conformance_memk(void **state)
{
	(void)state;
	need_kernel();
	begin("memk");
	I(SCONST, kstr("old bytes here, old bytes"), 100);
	I(MOVI, 3, 8), I(MEMK, 3, 100, 16);
	I(EMIT, TV_REC_printf, 0, 100, 24);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_int_equal(G.vr.n, 2);
	assert_int_equal(G.vr.v[0].h.kind, TV_REC_fault);
	assert_memory_equal(G.vr.v[1].p, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0old byte", 24);
	finish();
}

int conformance_memory_group(void)
{
	const struct CMUnitTest tests[] = {
	    T(conformance_ldu),
	    T(conformance_ldu_page_edge),
	    T(conformance_ldu_fault),
	    T(conformance_ldu_fault_counted),
	    T(conformance_ldk),
	    T(conformance_stru),
	    T(conformance_stru_page_edge),
	    T(conformance_stru_fault),
	    T(conformance_strk),
	    T(conformance_bufu),
	    T(conformance_bufk),
	    T(conformance_memu),
	    T(conformance_memk),
	};

	return RUN_GROUP("conformance_memory", tests);
}
