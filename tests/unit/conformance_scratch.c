/* Conformance of scratch: ST and LD, SZERO, SCOPY, SCONST, and the
 * string compares STRCMP and STRSTR. */
#include "tests/unit/conformance.h"

#include <string.h>

/* ST of each size, read back by LD with every access, at offsets 0, 3
 * (unaligned) and the last 8 bytes; a byte at the last one. */
static void conformance_st(void **state)
{
	static const unsigned zs[] = {U1, U2, U4, U8, S1, S2, S4, S8};
	static const unsigned stz[] = {U1, U2, U4, U8};
	static const unsigned offs[] = {0, 3, TV_SCRATCH - 8};

	(void)state;
	need_kernel();
	begin("st");
	G.out_base = 256;
	I(ARG, 1, 0);
	for (unsigned o = 0; o < NELEM(offs); o++) {
		for (unsigned s = 0; s < NELEM(stz); s++) {
			I(SZERO, offs[o], 8);
			I(ST, 1, stz[s], offs[o]);
			for (unsigned z = 0; z < NELEM(zs); z++)
				I(LD, 2 + z, zs[z], offs[o]), out(2 + z);
		}
		flush(o);
	}
	I(ST, 1, S1, TV_SCRATCH - 1);
	I(LD, 15, S1, TV_SCRATCH - 1), out(15);
	I(LD, 14, U1, TV_SCRATCH - 1), out(14);
	I(LD, 13, U8, TV_SCRATCH - 8), out(13);
	flush(3);
	I(EXIT);
	load();
	run(0, CTX(0x8182838485868788ull));
	run(0, CTX(0x7f7e7d7c7b7a7978ull));
	run(0, CTX(0xffffffff80008080ull));
	run(0, CTX(0));
	finish();
}

/* Scratch 0..count filled with a pattern of 128 bytes (SCONST's limit). */
static void fill(unsigned count)
{
	__u8 pat[128];
	int kpat;

	for (unsigned i = 0; i < sizeof(pat); i++)
		pat[i] = (__u8)(0x80 + i * 3 + 1);
	kpat = kconst(pat, sizeof(pat));
	for (unsigned o = 0; o < count; o += 128)
		I(SCONST, kpat, o);
}

/* SZERO of len 0, 1, 5 over a pattern; probe 1 clears the whole scratch. */
static void conformance_szero(void **state)
{
	(void)state;
	need_kernel();
	begin("szero");
	probe_at(0);
	fill(512);
	I(SZERO, 10, 0);
	I(SZERO, 20, 1);
	I(SZERO, 30, 5);
	I(EMIT, TV_REC_printf, 0, 0, TV_SCRATCH);
	I(EXIT);
	probe_at(here());
	fill(TV_SCRATCH);
	I(SZERO, 0, TV_SCRATCH);
	I(EMIT, TV_REC_printf, 1, 0, TV_SCRATCH);
	I(EXIT);
	load();
	run(0, zero_ctx);
	run(1, zero_ctx);
	for (unsigned i = 0; i < TV_SCRATCH; i++)
		assert_int_equal(G.kr.v[0].p[i], 0);
	finish();
}

/* SCOPY of len 0, 1, 17, 255, and into the last byte. */
static void conformance_scopy(void **state)
{
	(void)state;
	need_kernel();
	begin("scopy");
	fill(512);
	I(ARG, 1, 0);
	I(ST, 1, U8, 40);
	I(SCOPY, 0, 600, 0);
	I(SCOPY, 1, 600, 5);
	I(SCOPY, 17, 610, 3);
	I(SCOPY, 255, 640, 0);
	I(SCOPY, 1, TV_SCRATCH - 1, 40);
	I(EMIT, TV_REC_printf, 0, 0, TV_SCRATCH);
	I(EXIT);
	load();
	run(0, CTX(0x1122334455667788ull));
	run(0, CTX(0));
	finish();
}

/* SCONST of lengths 1..128 (the kernel's limit) up to the end of scratch. */
static void conformance_sconst(void **state)
{
	__u8 big[128];

	(void)state;
	need_kernel();
	memset(big, 'q', sizeof(big));
	begin("sconst");
	fill(512);
	I(SCONST, kstr(""), 520);
	I(SCONST, kstr("a"), 530);
	I(SCONST, kstr("five"), 540);
	I(SCONST, kstr(u63), 900 - 64);
	I(SCONST, kconst(big, sizeof(big)), TV_SCRATCH - 128);
	I(EMIT, TV_REC_printf, 0, 0, TV_SCRATCH);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_memory_equal(G.vr.v[0].p + 540, "five", 5);
	finish();
}

/* STRCMP: equal, less, greater, prefixes, n = 0, n stopping before the
 * difference, bytes >= 0x80 (unsigned), equal up to a NUL with different
 * bytes after it, and 254-character strings (n = 255). */
static void conformance_strcmp(void **state)
{
	/* clang-format off */
	static const __s64 cmps[][3] = {
	    {4, 0, 56},	 {4, 0, 8},   {4, 8, 0},   {3, 16, 0},	{3, 0, 16}, {2, 16, 0},
	    {0, 0, 8},	 {2, 0, 8},   {3, 0, 8},   {6, 24, 32}, {5, 24, 32}, {2, 40, 48},
	    {2, 48, 40}, {1, 16, 40}, {255, 64, 320}, {200, 64, 320}, {1, 0, 0},
	};
	/* clang-format on */
	char a127[128];
	int ka;

	(void)state;
	need_kernel();
	memset(a127, 'A', 127);
	a127[127] = 0;
	begin("strcmp");
	ka = kconst(a127, sizeof(a127));
	G.out_base = 640; /* past the strings */
	I(SCONST, kstr("abc"), 0);
	I(SCONST, kstr("abd"), 8);
	I(SCONST, kstr("ab"), 16);
	I(SCONST, kconst("abc\0X", 6), 24);
	I(SCONST, kconst("abc\0Y", 6), 32);
	I(SCONST, kstr("\x80"), 40);
	I(SCONST, kstr("\x7f"), 48);
	I(SCONST, kstr("abc"), 56);
	I(SCONST, ka, 64), I(SCONST, ka, 64 + 127);
	I(SCONST, ka, 320), I(SCONST, ka, 320 + 127);
	I(MOVI, 1, 'B');
	for (unsigned i = 0; i < NELEM(cmps); i++)
		I(STRCMP, i % TV_NREGS, cmps[i][0], cmps[i][1], cmps[i][2]), out(i % TV_NREGS);
	flush(0);
	I(ST, 1, U1, 320 + 200); /* a 'B' at index 200 */
	I(STRCMP, 3, 255, 64, 320), out(3);
	I(STRCMP, 4, 201, 320, 64), out(4);
	I(STRCMP, 5, 200, 320, 64), out(5);
	flush(1);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_int_equal(word(&G.vr.v[0], 1), (__u64)-1);
	assert_int_equal(word(&G.vr.v[0], 2), 1);
	assert_int_equal(word(&G.vr.v[0], 11), 1);
	assert_int_equal(word(&G.vr.v[1], 0), (__u64)-1);
	assert_int_equal(word(&G.vr.v[1], 1), 1);
	assert_int_equal(word(&G.vr.v[1], 2), 0);
	finish();
}

/* STRSTR: found, absent, empty needle or haystack, a restart after a
 * partial match, the length bounding both strings. */
static void conformance_strstr(void **state)
{
	/* clang-format off */
	static const struct {
		const char *h, *n;
		unsigned max, found;
	} finds[] = {
	    {"abcdef", "cde", 64, 1}, {"abc", "x", 64, 0},    {"abc", "", 64, 1},
	    {"", "a", 64, 0},	      {"", "", 64, 1},	      {"aab", "ab", 64, 1},
	    {"abc", "abcd", 64, 0},   {"abcabd", "abd", 64, 1}, {"abcdef", "ef", 4, 0},
	    {"abcdef", "ef", 6, 1},   {"abcdef", "ef", 5, 0}, {"abc", "a", 0, 0},
	    {"abc", "c", 1, 0},	      {"aaaaaaab", "aab", 255, 1},
	};
	/* clang-format on */

	(void)state;
	need_kernel();
	begin("strstr");
	for (unsigned i = 0; i < NELEM(finds); i++) {
		I(SZERO, 0, 512);
		I(SCONST, kstr(finds[i].h), 0);
		I(SCONST, kstr(finds[i].n), 256);
		I(STRSTR, 1, finds[i].max, 0, 256);
		out(1);
	}
	flush(0);
	I(EXIT);
	load();
	run(0, zero_ctx);
	for (unsigned i = 0; i < NELEM(finds); i++)
		assert_int_equal(word(&G.vr.v[0], i), finds[i].found);
	finish();
}

int conformance_scratch_group(void)
{
	const struct CMUnitTest tests[] = {
	    T(conformance_st),	   T(conformance_szero),  T(conformance_scopy),
	    T(conformance_sconst), T(conformance_strcmp), T(conformance_strstr),
	};

	return RUN_GROUP("conformance_scratch", tests);
}
