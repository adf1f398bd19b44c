/* The user-space interpreter's map instructions and aggregations, and the
 * map store on its own. Fixtures: vm_fixtures.h. */
#include <unistd.h>

#include "vm_fixtures.h"

/* ---- maps ----------------------------------------------------------------- */

static void test_map_int(void **state)
{
	__u8 key[4] = {7, 0, 0, 0};
	int m, s;

	(void)state;
	m = add_map(TV_MAP_int, 4, 8);
	s = add_map(TV_MAP_int, 0, 8); /* a scalar: empty key */
	I(MOVI, 1, 7);
	I(ST, 1, U4, 0);
	I(MLOAD, 2, m, 0); /* absent: 0 */
	I(MHAS, 3, m, 0);  /* absent: 0 */
	I(MOVI, 4, -9);
	I(MSTORE, m, 4, 0);
	I(MLOAD, 5, m, 0);
	I(MHAS, 6, m, 0);
	I(MDEL, m, 0);
	I(MHAS, 7, m, 0);
	I(MDEL, m, 0); /* absent is fine */
	I(MOVI, 8, 42);
	I(MSTORE, m, 8, 0);
	I(MSTORE, s, 8, 500);
	I(MLOAD, 9, s, 0);
	I(EXIT);
	go();
	assert_int_equal(REG(2), 0);
	assert_int_equal(REG(3), 0);
	assert_int_equal(REG(5), (__u64)-9);
	assert_int_equal(REG(6), 1);
	assert_int_equal(REG(7), 0);
	assert_int_equal(REG(9), 42);
	assert_agg(m, key, 42, 0);
	assert_agg(s, "", 42, 0);
	assert_int_equal(nkeys(m), 1);
	assert_int_equal(nkeys(s), 1);
}

static void test_map_bytes(void **state)
{
	int m, k, g;

	(void)state;
	m = add_map(TV_MAP_bytes, 8, 16);
	k = add_str("key");
	g = add_str("0123456789abcde"); /* 16 bytes */
	I(SCONST, k, 0);
	I(SCONST, g, 100);
	I(MLOADB, m, 0, 100); /* absent: zeros */
	I(MHAS, 1, m, 0);
	I(SCONST, g, 200);
	I(MSTOREB, m, 0, 200);
	I(MLOADB, m, 0, 300);
	I(MHAS, 2, m, 0);
	I(EXIT);
	go();
	assert_memory_equal(SCR + 100, (char[16]){0}, 16);
	assert_memory_equal(SCR + 300, "0123456789abcde", 16);
	assert_int_equal(REG(1), 0);
	assert_int_equal(REG(2), 1);
	{
		char key[8] = "key", val[16];

		assert_int_equal(F->store->ops->lookup(F->store, m, key, val), 0);
		assert_memory_equal(val, "0123456789abcde", 16);
	}
}

/* Each aggregation over 5, -3, 10 into key S[0..4) = 1. */
static void test_aggregations(void **state)
{
	static const struct {
		unsigned op, kind;
		__s64 v;
		__u64 n;
	} want[] = {
	    {TV_OP_SUM, TV_MAP_sum, 12, 3},	{TV_OP_MIN, TV_MAP_min, -3, 1},
	    {TV_OP_MAX, TV_MAP_max, 10, 1},	{TV_OP_AVG, TV_MAP_avg, 12, 3},
	    {TV_OP_STATS, TV_MAP_stats, 12, 3},
	};
	__u8 key[4] = {1};
	int m[5], c;

	(void)state;
	c = add_map(TV_MAP_count, 4, 8);
	for (int i = 0; i < 5; i++)
		m[i] = add_map(want[i].kind, 4, 8);
	I(MOVI, 1, 1);
	I(ST, 1, U4, 0);
	I(MOVI, 1, 5);
	I(MOVI, 2, -3);
	I(MOVI, 3, 10);
	for (int r = 1; r <= 3; r++) {
		I(COUNT, c, 0);
		for (int i = 0; i < 5; i++)
			ins(want[i].op, (const __s64[]){m[i], r, 0}, 3);
	}
	I(EXIT);
	go();
	assert_agg(c, key, 3, 3);
	for (int i = 0; i < 5; i++) {
		assert_agg(m[i], key, want[i].v, want[i].n);
		assert_int_equal(nkeys(m[i]), 1);
	}
	/* a second run adds on top */
	go();
	assert_agg(c, key, 6, 6);
	assert_agg(m[1], key, -3, 1);
	assert_agg(m[3], key, 24, 6);
}

/* min/max of only positive (or only negative) values: the set flag, not
 * the zero of an absent slot, decides. */
static void test_min_max_first_value(void **state)
{
	int mn, mx;

	(void)state;
	mn = add_map(TV_MAP_min, 0, 8);
	mx = add_map(TV_MAP_max, 0, 8);
	I(MOVI, 1, 5);
	I(MIN, mn, 1, 0);
	I(MOVI, 1, -5);
	I(MAX, mx, 1, 0);
	I(EXIT);
	go();
	assert_agg(mn, "", 5, 1);
	assert_agg(mx, "", -5, 1);
}

static void test_hist(void **state)
{
	static const struct {
		__s64 x;
		__u64 bucket;
	} vals[] = {{-1, 0}, {INT64_MIN, 0}, {0, 1},	      {1, 2},	      {2, 3},
		    {3, 3},  {4, 4},	     {1ll << 40, 42}, {INT64_MAX, 64}};
	__u8 key[12];
	int m;

	(void)state;
	m = add_map(TV_MAP_hist, 4, 8);
	I(MOVI, 1, 7);
	I(ST, 1, U4, 16);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		I(LDW, 2, vals[i].x);
		I(HIST, m, 2, 16);
	}
	I(EXIT);
	go();
	/* the bucket of the last value stays in scratch after the key */
	assert_memory_equal(SCR + 16, "\x07\0\0\0\x40\0\0\0\0\0\0\0", 12);
	key[0] = 7, key[1] = key[2] = key[3] = 0;
	for (__u64 b = 0; b < TV_HIST_BUCKETS; b++) {
		int n = 0;

		for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			n += vals[i].bucket == b;
		memcpy(key + 4, &b, 8);
		if (n)
			assert_agg(m, key, n, n);
		else
			assert_int_equal(F->store->ops->lookup(F->store, m, key, NULL), -ENOENT);
	}
	assert_int_equal(nkeys(m), 7);
}

static void test_lhist(void **state)
{
	static const struct {
		__s64 x;
		__u64 bucket;
	} vals[] = {{-5, 0}, {INT64_MIN, 0}, {0, 1},	{9, 1},
		    {10, 2}, {99, 10},	     {100, 11}, {1000, 11}};
	__u8 key[10];
	int m;

	(void)state;
	m = add_map_d((struct tv_mapdesc){.key_size = 2,
					  .val_size = 8,
					  .kind = TV_MAP_lhist,
					  .lmin = 0,
					  .lmax = 100,
					  .lstep = 10});
	I(MOVI, 1, 0x0102);
	I(ST, 1, U2, 30);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		I(LDW, 2, vals[i].x);
		I(LHIST, m, 2, 30);
	}
	I(EXIT);
	go();
	assert_memory_equal(SCR + 30, "\x02\x01\x0b\0\0\0\0\0\0\0", 10);
	key[0] = 2, key[1] = 1;
	for (__u64 b = 0; b <= 11; b++) {
		int n = 0;

		for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			n += vals[i].bucket == b;
		memcpy(key + 2, &b, 8);
		if (n)
			assert_agg(m, key, n, n);
		else
			assert_int_equal(F->store->ops->lookup(F->store, m, key, NULL), -ENOENT);
	}
	assert_int_equal(nkeys(m), 5);
}

static void test_countb_countc(void **state)
{
	char comm[TV_COMM_LEN];
	__u64 pid = getpid();
	int mb, mc;

	(void)state;
	mb = add_map(TV_MAP_count, 8, 8);
	mc = add_map(TV_MAP_count, TV_COMM_LEN, 8);
	I(COUNTB, mb, TV_BI_pid);
	I(COUNTB, mb, TV_BI_pid);
	I(COMM, 100);
	I(COUNTC, mc);
	I(EXIT);
	go();
	assert_agg(mb, &pid, 2, 2);
	assert_int_equal(nkeys(mb), 1);
	memcpy(comm, SCR + 100, TV_COMM_LEN);
	assert_agg(mc, comm, 1, 1);
	assert_int_equal(nkeys(mc), 1);
	/* the fused key is built at scratch offset 0 */
	assert_memory_equal(SCR, comm, TV_COMM_LEN);
	reset();
	mb = add_map(TV_MAP_count, 8, 8);
	I(COUNTB, mb, TV_BI_pid);
	I(EXIT);
	go();
	assert_memory_equal(SCR, &pid, 8);
}

/* ---- the store on its own ------------------------------------------------- */

static int stop_at_two(const void *key, const void *val, void *arg)
{
	(void)key, (void)val;
	return ++*(int *)arg == 2 ? 42 : 0;
}

static int remove_each(const void *key, const void *val, void *arg)
{
	struct tv_store *s = arg;

	(void)val;
	return s->ops->remove(s, 0, key);
}

static void test_store(void **state)
{
	const struct tv_store_ops *o;
	struct tv_agg a = {5, 1}, b;
	__u64 key;
	char bk[4] = "ab", bv[32], bv2[32];
	int n;

	(void)state;
	add_map(TV_MAP_sum, 8, 8);
	add_map(TV_MAP_bytes, 4, 32);
	add_map(TV_MAP_hist, 2, 8);
	F->store = tv_vm_store_new(F->img);
	o = F->store->ops;
	key = 1;
	assert_int_equal(o->lookup(F->store, 0, &key, &b), -ENOENT);
	assert_int_equal(o->remove(F->store, 0, &key), -ENOENT);
	assert_int_equal(o->update(F->store, 0, &key, &a), 0);
	a.v = 6;
	assert_int_equal(o->update(F->store, 0, &key, &a), 0); /* overwrite */
	assert_int_equal(o->lookup(F->store, 0, &key, &b), 0);
	assert_int_equal(b.v, 6);
	assert_int_equal(b.n, 1);
	for (key = 2; key <= 5; key++)
		assert_int_equal(o->update(F->store, 0, &key, &a), 0);
	assert_int_equal(nkeys(0), 5);
	n = 0;
	assert_int_equal(o->each(F->store, 0, stop_at_two, &n), 42);
	assert_int_equal(n, 2);
	key = 3;
	assert_int_equal(o->remove(F->store, 0, &key), 0);
	assert_int_equal(o->lookup(F->store, 0, &key, &b), -ENOENT);
	assert_int_equal(nkeys(0), 4);
	/* fn may remove the entry it is handed */
	assert_int_equal(o->each(F->store, 0, remove_each, F->store), 0);
	assert_int_equal(nkeys(0), 0);
	/* bytes values are val_size long */
	memset(bv, 'v', sizeof(bv));
	assert_int_equal(o->update(F->store, 1, bk, bv), 0);
	memset(bv2, 0, sizeof(bv2));
	assert_int_equal(o->lookup(F->store, 1, bk, bv2), 0);
	assert_memory_equal(bv, bv2, 32);
	/* hist keys carry the bucket: same payload, two buckets */
	{
		__u8 hk[10] = {1, 2, 3};

		assert_int_equal(o->update(F->store, 2, hk, &a), 0);
		hk[2] = 4;
		assert_int_equal(o->update(F->store, 2, hk, &a), 0);
		assert_int_equal(nkeys(2), 2);
	}
	assert_int_equal(o->clear(F->store, 2), 0);
	assert_int_equal(nkeys(2), 0);
	assert_int_equal(nkeys(1), 1);
	/* no such map */
	assert_int_equal(o->lookup(F->store, 3, &key, &b), -EINVAL);
	assert_int_equal(o->update(F->store, 3, &key, &b), -EINVAL);
	assert_int_equal(o->remove(F->store, 3, &key), -EINVAL);
	assert_int_equal(o->each(F->store, 3, count_fn, &n), -EINVAL);
	assert_int_equal(o->clear(F->store, 3), -EINVAL);
	/* free releases what is left (valgrind checks) */
}

/* Many keys: the table grows. */
static void test_store_many(void **state)
{
	struct tv_agg a = {0, 0}, b;

	(void)state;
	add_map(TV_MAP_int, 8, 8);
	F->store = tv_vm_store_new(F->img);
	for (__u64 k = 0; k < 5000; k++) {
		a.v = (__s64)k * 3;
		assert_int_equal(F->store->ops->update(F->store, 0, &k, &a), 0);
	}
	assert_int_equal(nkeys(0), 5000);
	for (__u64 k = 0; k < 5000; k += 97) {
		assert_int_equal(F->store->ops->lookup(F->store, 0, &k, &b), 0);
		assert_int_equal(b.v, (__s64)k * 3);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_map_int),	   T(test_map_bytes),
	    T(test_aggregations),  T(test_min_max_first_value),
	    T(test_hist),	   T(test_lhist),
	    T(test_countb_countc), T(test_store),
	    T(test_store_many),
	};

	return cmocka_run_group_tests_name("vm_maps", tests, NULL, NULL);
}
