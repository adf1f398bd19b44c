/* Conformance of the probe context: CTX, ARG, RETVAL and CTXSTR. */
#include "tests/unit/conformance.h"

#include <string.h>

/* The loaded program on the four context patterns and on zeros. */
static void run_patterns(void)
{
	__u64 w[NW];

	for (int kind = 0; kind < 4; kind++) {
		ctx_pattern(w, kind);
		run(0, w);
	}
	run(0, zero_ctx);
}

/* CTX with every access size and signedness at aligned, unaligned and
 * last offsets. */
static void conformance_ctx(void **state)
{
	static const unsigned zs[] = {U1, U2, U4, U8, S1, S2, S4, S8};
	static const unsigned offs[] = {0, 1, 2, 3, 5, 7, 8, 13, 40, 80, 84, 86, 87};

	(void)state;
	need_kernel();
	begin("ctx");
	for (unsigned z = 0; z < NELEM(zs); z++) {
		for (unsigned o = 0; o < NELEM(offs); o++)
			if (offs[o] + TV_Z_SIZE(zs[z]) <= CTX_LEN) {
				unsigned r = (z + o) % TV_NREGS;

				I(CTX, r, zs[z], offs[o]);
				out(r);
			}
		flush(z);
	}
	I(EXIT);
	load();
	run_patterns();
	assert_int_equal(G.vr.n, NELEM(zs));
	finish();
}

/* ARG 0..5. */
static void conformance_arg(void **state)
{
	(void)state;
	need_kernel();
	begin("arg");
	for (unsigned n = 0; n < 6; n++)
		I(ARG, 15 - n, n), out(15 - n);
	flush(0);
	I(EXIT);
	load();
	run_patterns();
	assert_int_equal(G.vr.n, 1);
	finish();
}

/* RETVAL: context word 0 in a test run. */
static void conformance_retval(void **state)
{
	(void)state;
	need_kernel();
	begin("retval");
	I(RETVAL, 0), out(0);
	I(RETVAL, 9), out(9);
	flush(0);
	I(EXIT);
	load();
	run_patterns();
	assert_int_equal(G.vr.n, 1);
	finish();
}

/* CTXSTR: strings inside the context (tracepoint char arrays and
 * __data_loc fields): whole, truncated to l - 1, at offset 0, empty. */
static void conformance_ctxstr(void **state)
{
	static const unsigned at[] = {16, 0, 40, 87};
	static const unsigned lens[] = {32, 6, 16, 8};
	__u64 w[NW];

	(void)state;
	need_kernel();
	begin("ctxstr");
	for (unsigned i = 0; i < NELEM(at); i++) {
		I(MOVI, 1, at[i]);
		I(CTXSTR, 1, 512, lens[i]);
		I(EMIT, TV_REC_printf, i, 512, lens[i]);
	}
	I(EXIT);
	load();
	memset(w, 0, sizeof(w));
	memcpy((char *)w + 16, "hello, context", 15);
	memcpy((char *)w + 40, "a string without", 16); /* no NUL in l */
	run(0, w);
	finish();
}

int conformance_ctx_group(void)
{
	const struct CMUnitTest tests[] = {
	    T(conformance_ctx),
	    T(conformance_arg),
	    T(conformance_retval),
	    T(conformance_ctxstr),
	};

	return RUN_GROUP("conformance_ctx", tests);
}
