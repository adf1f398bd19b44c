/* The conformance tests (conformance.h): one group per conformance_*.c
 * file, then the coverage check over all of them, then, when asked, the
 * known divergences. */
#include "tests/unit/conformance.h"

#include <stdlib.h>
#include <string.h>

/* ---- known divergences --------------------------------------------------- */

/* Cases where the interpreters disagree today.  They assert agreement, so
 * they fail until the divergence is fixed; they run (as a last group,
 * after the coverage check) only with TV_CONFORMANCE_STRICT=1, because
 * cmocka's TAP output reports a skipped test as "not ok". */
static int strict(void)
{
	const char *e = getenv("TV_CONFORMANCE_STRICT");

	return e && *e && strcmp(e, "0");
}

/* Scratch at block entry: the vm starts every run with zeroed scratch;
 * the kernel's scratch is per-CPU state that keeps what the previous
 * invocation on that CPU left (its writes, and the pc a fault stores in
 * the last 8 bytes). */
static void conformance_fresh_scratch(void **state)
{
	int p1, p2;

	(void)state;
	need_kernel();
	begin_raw("fresh_scratch");
	I(MOVI, 1, 0x55);
	I(ST, 1, U8, 100);
	I(EXIT);
	p1 = I(EMIT, TV_REC_printf, 0, 96, 16); /* reads scratch it never wrote */
	I(EMIT, TV_REC_printf, 1, TV_SCRATCH - 8, 8);
	I(EXIT);
	p2 = I(LDU, 1, 1, U8); /* r1 = 0: faults */
	I(EXIT);
	probe_at(0);
	probe_at(p1);
	probe_at(p2);
	load();
	pin_cpu(0);
	run(0, zero_ctx);
	run(2, zero_ctx);
	run(1, zero_ctx);
	unpin();
	finish();
}

/* CTX past the context: the vm faults when offset + size > len (88 in a
 * test run); the kernel reads whatever follows the context. */
static void conformance_ctx_bounds(void **state)
{
	static const __s64 offs[][2] = {{88, U1}, {84, U8}, {81, U8}, {-1, U1}, {0x10000, U8}};

	(void)state;
	need_kernel();
	begin("ctx_bounds");
	for (unsigned i = 0; i < NELEM(offs); i++) {
		block_here();
		I(CTX, 1, offs[i][1], offs[i][0]);
		out(1);
		flush(0);
		I(EXIT);
	}
	load();
	for (unsigned i = 0; i < NELEM(offs); i++) {
		__u64 w[NW];

		ctx_pattern(w, 1);
		run(i, w);
	}
	finish();
}

int main(void)
{
	const struct CMUnitTest coverage[] = {
	    cmocka_unit_test(conformance_coverage),
	};
	const struct CMUnitTest divergences[] = {
	    T(conformance_fresh_scratch),
	    T(conformance_ctx_bounds),
	};
	int rc = 0;

	rc += conformance_alu_group();
	rc += conformance_jumps_group();
	rc += conformance_ctx_group();
	rc += conformance_builtins_group();
	rc += conformance_memory_group();
	rc += conformance_scratch_group();
	rc += conformance_maps_group();
	rc += conformance_aggregations_group();
	rc += conformance_records_group();
	/* last: it checks what the groups above ran */
	rc += cmocka_run_group_tests_name("conformance_coverage", coverage, NULL, NULL);
	if (strict())
		rc += RUN_GROUP("conformance_divergences", divergences);
	return rc;
}
