/* Conformance of the aggregations: COUNT, SUM, MIN, MAX, AVG, STATS, HIST
 * and LHIST, keyed by ARG 1 (and the string at ARG 2) with keys of 0, 8,
 * 16, 17, 24, 25, 64 and 120 bytes, on a sequence of values with
 * negatives, zero, huge ones and lhist's edges.  Runs alternate CPUs so
 * per-CPU kernel values are merged. */
#include "tests/unit/conformance.h"

#include <unistd.h>

/* clang-format off */
static const __u64 agg_values[] = {
    0, 1, (__u64)-1, 2, 3, 4, 5, 7, 8, 9, 10, 55, 99, 100, 101, 1000, 1023, 1024,
    (__u64)-5, (__u64)-50, (__u64)-51, 49, 50, (__u64)-100, (__u64)INT64_MAX,
    (__u64)INT64_MIN, 1ull << 40, 42, 42, 7,
};
/* clang-format on */

/* The keys, from ARG 1 (r2), r5 (its byte in every byte) and the string
 * at ARG 2 (r3), at the scratch offsets the aggregations below use. */
static void build_keys(void)
{
	I(ARG, 1, 0);
	I(ARG, 2, 1);
	I(ARG, 3, 2);
	I(LDW, 6, 0x0101010101010101ll);
	I(MUL, 5, 2, 6);
	for (unsigned o = 0; o < 136; o += 16)
		I(ST, 2, U8, o);
	I(ST, 2, U8, 144), I(ST, 5, U8, 152);
	I(ST, 2, U8, 168), I(ST, 5, U8, 176), I(ST, 2, U1, 184);
	I(STRU, 3, 200, 64);
	I(ST, 2, U8, 264), I(STRU, 3, 272, 64), I(ST, 2, U8, 376);
	I(ST, 2, U8, 384), I(ST, 5, U8, 400);
	I(ST, 2, U8, 408), I(ST, 2, U1, 432);
	I(ST, 2, U8, 440);
}

/* Send the scratch (the keys, and the buckets hist and lhist wrote into
 * it), load, and run every value under keys 1 and 2. */
static void run_values(void)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);

	I(EMIT, TV_REC_printf, 0, 0, 456);
	I(EXIT);
	load();
	for (unsigned i = 0; i < NELEM(agg_values); i++)
		for (__u64 key = 1; key <= 2; key++) {
			if (ncpu > 1)
				pin_cpu((int)((i + key) % (unsigned)ncpu));
			run(0, CTX(agg_values[i], key,
				   (__u64)(unsigned long)keystrs[(i + key) % NELEM(keystrs)]));
		}
	unpin();
}

static const __u64 k1 = 1;

static void conformance_count(void **state)
{
	int count, count120;

	(void)state;
	need_kernel();
	begin("count");
	count = map(TV_MAP_count, 8, 8);
	count120 = map(TV_MAP_count, 120, 8);
	build_keys();
	I(COUNT, count, 0);
	I(COUNT, count120, 264);
	run_values();
	assert_int_equal(vm_agg(count, &k1).v, NELEM(agg_values));
	finish();
}

static void conformance_sum(void **state)
{
	int sum, sum64;

	(void)state;
	need_kernel();
	begin("sum");
	sum = map(TV_MAP_sum, 8, 8);
	sum64 = map(TV_MAP_sum, 64, 8);
	build_keys();
	I(SUM, sum, 1, 16);
	I(SUM, sum64, 1, 200);
	run_values();
	finish();
}

static void conformance_min(void **state)
{
	struct tv_agg a;
	int min, min24;

	(void)state;
	need_kernel();
	begin("min");
	min = map(TV_MAP_min, 8, 8);
	min24 = map(TV_MAP_min, 24, 8);
	build_keys();
	I(MIN, min, 1, 32);
	I(MIN, min24, 1, 384);
	run_values();
	a = vm_agg(min, &k1);
	assert_int_equal(a.v, INT64_MIN);
	assert_int_equal(a.n, 1);
	finish();
}

static void conformance_max(void **state)
{
	int max, max25;

	(void)state;
	need_kernel();
	begin("max");
	max = map(TV_MAP_max, 8, 8);
	max25 = map(TV_MAP_max, 25, 8);
	build_keys();
	I(MAX, max, 1, 48);
	I(MAX, max25, 1, 408);
	run_values();
	assert_int_equal(vm_agg(max, &k1).v, INT64_MAX);
	finish();
}

static void conformance_avg(void **state)
{
	int avg;

	(void)state;
	need_kernel();
	begin("avg");
	avg = map(TV_MAP_avg, 8, 8);
	build_keys();
	I(AVG, avg, 1, 64);
	run_values();
	finish();
}

static void conformance_stats(void **state)
{
	int stats;

	(void)state;
	need_kernel();
	begin("stats");
	stats = map(TV_MAP_stats, 8, 8);
	build_keys();
	I(STATS, stats, 1, 80);
	run_values();
	assert_int_equal(vm_agg(stats, &k1).n, NELEM(agg_values));
	finish();
}

/* HIST keyed by 8, 0, 16 and 17 bytes. */
static void conformance_hist(void **state)
{
	int hist, hist0, hist16, hist17;

	(void)state;
	need_kernel();
	begin("hist");
	hist = map(TV_MAP_hist, 8, 8);
	hist0 = map(TV_MAP_hist, 0, 8);
	hist16 = map(TV_MAP_hist, 16, 8);
	hist17 = map(TV_MAP_hist, 17, 8);
	build_keys();
	I(HIST, hist, 1, 96);
	I(HIST, hist0, 1, 136);
	I(HIST, hist16, 1, 144);
	I(HIST, hist17, 1, 168);
	run_values();
	finish();
}

/* LHIST with small ranges, a keyless one with a negative minimum, and
 * one so wide its bucket arithmetic nears overflow. */
static void conformance_lhist(void **state)
{
	int lhist, lhist0, lhistbig;

	(void)state;
	need_kernel();
	begin("lhist");
	lhist = map_d(TV_MAP_lhist, 8, 8, 0, 100, 10);
	lhist0 = map_d(TV_MAP_lhist, 0, 8, -50, 50, 7);
	lhistbig = map_d(TV_MAP_lhist, 8, 8, INT64_MIN / 2, INT64_MAX / 2, INT64_MAX / 1000);
	build_keys();
	I(LHIST, lhist, 1, 112);
	I(LHIST, lhist0, 1, 128);
	I(LHIST, lhistbig, 1, 440);
	run_values();
	finish();
}

int conformance_aggregations_group(void)
{
	const struct CMUnitTest tests[] = {
	    T(conformance_count), T(conformance_sum),	T(conformance_min),  T(conformance_max),
	    T(conformance_avg),	  T(conformance_stats), T(conformance_hist), T(conformance_lhist),
	};

	return RUN_GROUP("conformance_aggregations", tests);
}
