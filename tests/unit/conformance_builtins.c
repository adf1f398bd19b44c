/* Conformance of what a probe reads of its task: every builtin of
 * builtins.def (one test each, from that table), COMM, KSTACK, USTACK and
 * the fused COUNTB and COUNTC. */
#include "tests/unit/conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* One builtin read by the vm, the kernel and the vm again, with the clock
 * read around the kernel's run (t0, t1) and the second vm run (t2, t3). */
struct bi_sample {
	enum tv_builtin b;
	__u32 probe;
	__u64 k, v1, v2;
	__u64 t0, t1, t2, t3;
};

/* What must hold of one builtin's values; one per row of builtins.def. */
typedef void bi_check(const struct bi_sample *s);

/* Deterministic: the kernel and the vm read the same value. */
static void same(const struct bi_sample *s)
{
	if (s->k != s->v1)
		fail_msg("builtin %s: kernel %llu, vm %llu", tv_builtin_name(s->b),
			 (unsigned long long)s->k, (unsigned long long)s->v1);
}

static void check_pid(const struct bi_sample *s)
{
	same(s);
	assert_int_equal(s->k, getpid());
}

static void check_tid(const struct bi_sample *s)
{
	same(s);
	assert_int_equal(s->k, gettid());
}

static void check_uid(const struct bi_sample *s)
{
	same(s);
}

static void check_gid(const struct bi_sample *s)
{
	same(s);
}

static void check_cgroup(const struct bi_sample *s)
{
	same(s);
}

static void check_probe(const struct bi_sample *s)
{
	same(s);
	assert_int_equal(s->k, s->probe);
}

static void check_cookie(const struct bi_sample *s)
{
	same(s);
	assert_int_equal(s->k, G.cookie0 + s->probe);
}

/* Time: vm <= kernel <= vm, and the kernel's inside its run. */
static void check_nsecs(const struct bi_sample *s)
{
	assert_true(s->v1 <= s->k);
	assert_true(s->k <= s->v2);
	assert_true(s->t0 <= s->k && s->k <= s->t1);
}

/* Since the session opened (kernel) or the vm was made (vm). */
static void check_elapsed(const struct bi_sample *s)
{
	assert_true(s->k >= s->t0 - G.t_open1 && s->k <= s->t1 - G.t_open0);
	assert_true(s->v2 >= s->t2 - G.vm_t1 && s->v2 <= s->t3 - G.vm_t0);
}

static void check_cpu(const struct bi_sample *s)
{
	__u64 ncpu = (__u64)sysconf(_SC_NPROCESSORS_CONF);

	assert_true(s->k < ncpu && s->v1 < ncpu);
}

/* A test run is in no uprobe; the vm never is. */
static void check_func_ip(const struct bi_sample *s)
{
	assert_int_equal(s->v1, 0);
}

/* The vm has no task_struct to point at. */
static void check_curtask(const struct bi_sample *s)
{
	assert_int_equal(s->v1, 0);
	assert_true(s->k >= 0xffff800000000000ull);
}

static void check_rand(const struct bi_sample *s)
{
	assert_true(s->k <= UINT32_MAX && s->v1 <= UINT32_MAX);
}

/* The kernel's is its test run's context (a kernel address, the same in
 * every run of a sample); the vm has none. */
static void check_ctx(const struct bi_sample *s)
{
	assert_int_equal(s->v1, 0);
	assert_true(s->k >= 0xffff800000000000ull);
}

/* The highest node this machine can have: the last number of sysfs's
 * list ("0", "0-3", "0,2-3"), or 0. */
static __u64 max_numa_node(void)
{
	FILE *f = fopen("/sys/devices/system/node/possible", "re");
	char buf[64] = "0";
	size_t n;

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	n = strcspn(buf, "\n");
	while (n && buf[n - 1] >= '0' && buf[n - 1] <= '9')
		n--;
	return strtoull(buf + n, NULL, 10);
}

static void check_numaid(const struct bi_sample *s)
{
	__u64 max = max_numa_node();

	assert_true(s->k <= max && s->v1 <= max);
	if (!max)
		same(s);
}

/* A row of builtins.def without its check_<name> above does not compile. */
static bi_check *const bi_checks[TV_BI__COUNT] = {
#define BUILTIN(name, doc) [TV_BI_##name] = check_##name,
#include "bytecode/builtins.def"
#undef BUILTIN
};

static __u64 first_word(const struct recs *r)
{
	assert_int_equal(r->n, 1);
	return word(&r->v[0], 0);
}

/* One sample: vm, kernel, vm; the headers compared, the payloads by hand. */
static void sample(struct bi_sample *s)
{
	run_v(s->probe, zero_ctx);
	s->v1 = first_word(&G.vr);
	s->t0 = now_ns();
	run_k(s->probe, zero_ctx);
	s->t1 = now_ns();
	s->k = first_word(&G.kr);
	s->t2 = now_ns();
	run_v(s->probe, zero_ctx);
	s->t3 = now_ns();
	s->v2 = first_word(&G.vr);
	cmp_records(s->probe);
	cmp_counters();
	G.runs++;
}

/* The builtin *state from two probes on the same code (probe and cookie
 * differ), three times each. */
static void conformance_builtin(void **state)
{
	struct bi_sample s = {.b = (enum tv_builtin)test_arg(state)};
	static char name[32]; /* G.name, in messages until the next test */

	need_kernel();
	snprintf(name, sizeof(name), "builtin %s", tv_builtin_name(s.b));
	begin(name);
	I(BUILTIN, s.b % TV_NREGS, s.b), out(s.b % TV_NREGS);
	flush(0);
	I(EXIT);
	probe_at(0);
	probe_at(0);
	G.loose[0] = 1;
	load();
	for (s.probe = 0; s.probe < 2; s.probe++)
		for (int rep = 0; rep < 3; rep++) {
			sample(&s);
			bi_checks[s.b](&s);
		}
	finish();
}

/* cpu: pinned to one CPU, both must name it (BUILTIN and COUNTB). */
static void conformance_builtin_cpu_pinned(void **state)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);

	(void)state;
	need_kernel();
	begin("builtin_cpu_pinned");
	I(BUILTIN, 1, TV_BI_cpu), out(1);
	I(COUNTB, map(TV_MAP_count, 8, 8), TV_BI_cpu);
	flush(0);
	I(EXIT);
	load();
	for (int cpu = 0; cpu < ncpu && cpu < 8; cpu++) {
		if (G.have_cpus && !CPU_ISSET(cpu, &G.cpus))
			continue;
		if (!pin_cpu(cpu))
			continue;
		run(0, zero_ctx);
		assert_int_equal(word(&G.vr.v[0], 0), cpu);
	}
	unpin();
	assert_true(G.runs > 0);
	finish();
}

/* COMM: a name of the full 15 characters, set before the vm reads it; at
 * offsets 0, 19 (unaligned) and the end of scratch. */
static void conformance_comm(void **state)
{
	(void)state;
	need_kernel();
	assert_int_equal(prctl(PR_SET_NAME, "tv-conformance!"), 0);
	begin("comm");
	I(COMM, 0);
	I(COMM, 19);
	I(COMM, TV_SCRATCH - TV_COMM_LEN);
	I(EMIT, TV_REC_printf, 0, 0, 40);
	I(EMIT, TV_REC_printf, 1, TV_SCRATCH - 24, 24);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_memory_equal(G.vr.v[0].p, "tv-conformance!", 16);
	finish();
}

/* KSTACK or USTACK (op): the vm has no stack (TV_STACK_NONE), the kernel
 * a stack id or none; either way the block goes on. */
static void stacks(unsigned op)
{
	need_kernel();
	begin(tv_op_name(op));
	ins(op, (const __s64[]){1, 0}, 2);
	ins(op, (const __s64[]){2, op == TV_OP_KSTACK ? 127 : 5}, 2);
	I(MOVI, 5, 0x55);
	out(5);
	flush(0);
	out(1), out(2);
	flush(1);
	I(EXIT);
	G.loose[1] = 1;
	load();
	run(0, zero_ctx);
	assert_int_equal(G.kr.n, 2);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(tv_stack_id(word(&G.vr.v[1], i)), -1);
}

static void conformance_kstack(void **state)
{
	(void)state;
	stacks(TV_OP_KSTACK);
	assert_int_equal(G.kr.upids, 0);
	finish();
}

/* The kernel notes this process at most once (the vm never). */
static void conformance_ustack(void **state)
{
	(void)state;
	stacks(TV_OP_USTACK);
	assert_in_range(G.kr.upids, 0, 1);
	assert_int_equal(G.vr.upids, 0);
	finish();
}

/* COUNTB with every deterministic builtin; the key it builds at scratch
 * 0 is sent too. */
static void conformance_countb(void **state)
{
	static const enum tv_builtin bis[] = {TV_BI_pid, TV_BI_tid,   TV_BI_uid,
					      TV_BI_gid, TV_BI_probe, TV_BI_cookie};
	int maps[NELEM(bis)];
	__u64 pid = (__u64)getpid();

	(void)state;
	need_kernel();
	begin("countb");
	for (unsigned i = 0; i < NELEM(bis); i++) {
		maps[i] = map(TV_MAP_count, 8, 8);
		I(COUNTB, maps[i], bis[i]);
		I(EMIT, TV_REC_printf, i, 0, 16);
	}
	I(EXIT);
	probe_at(0);
	probe_at(0);
	load();
	for (int i = 0; i < 3; i++)
		run(0, zero_ctx);
	for (int i = 0; i < 2; i++)
		run(1, zero_ctx);
	assert_int_equal(vm_agg(maps[0], &pid).v, 5);
	finish();
}

/* COUNTC, and the comm key it builds at scratch 0. */
static void conformance_countc(void **state)
{
	int cc;

	(void)state;
	need_kernel();
	begin("countc");
	cc = map(TV_MAP_count, TV_COMM_LEN, 8);
	I(SZERO, 0, 32);
	I(COUNTC, cc);
	I(EMIT, TV_REC_printf, 7, 0, 32);
	I(EXIT);
	probe_at(0);
	probe_at(0);
	load();
	for (int i = 0; i < 3; i++)
		run(0, zero_ctx);
	for (int i = 0; i < 2; i++)
		run(1, zero_ctx);
	assert_int_equal(vm_agg(cc, G.comm).v, 5);
	finish();
}

int conformance_builtins_group(void)
{
	const struct CMUnitTest tests[] = {
#define BUILTIN(name, doc) T_ARG("conformance_builtin_" #name, conformance_builtin, TV_BI_##name),
#include "bytecode/builtins.def"
#undef BUILTIN
	    T(conformance_builtin_cpu_pinned),
	    T(conformance_comm),
	    T(conformance_kstack),
	    T(conformance_ustack),
	    T(conformance_countb),
	    T(conformance_countc),
	};

	return RUN_GROUP("conformance_builtins", tests);
}
