/* The user-space interpreter and its map store, on images built by hand
 * (no assembler), validated, then run. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "vm/vm.h"

#define U1 1
#define U2 2
#define U4 4
#define U8 8
#define S1 (1 | TV_Z_SIGNED)
#define S2 (2 | TV_Z_SIGNED)
#define S4 (4 | TV_Z_SIGNED)
#define S8 (8 | TV_Z_SIGNED)
#define MAXU ((__u64)-1)

struct rec {
	struct tv_rec h;
	__u8 payload[TV_SCRATCH];
};

/* One image under construction, then its store and vm. */
struct fx {
	struct tv_image *img;
	struct tv_store *store;
	struct tv_vm *vm;
	struct tv_vm_result res;
	struct rec recs[8];
	int nrecs;
	int rec_rc; /* what the record callback returns */
};

static struct fx *F;

static void fx_drop(void)
{
	tv_vm_free(F->vm);
	if (F->store)
		F->store->ops->free(F->store);
	tv_image_free(F->img);
	F->vm = NULL;
	F->store = NULL;
	F->img = NULL;
}

/* A fresh image, for tests that run several programs. */
static void reset(void)
{
	fx_drop();
	F->img = tv_image_new();
	assert_non_null(F->img);
}

static int setup(void **state)
{
	F = calloc(1, sizeof(*F));
	F->img = tv_image_new();
	*state = F;
	return F->img ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fx_drop();
	free(F);
	F = NULL;
	return 0;
}

static int on_rec(const struct tv_rec *h, const void *payload, void *arg)
{
	struct fx *f = arg;

	if (f->nrecs < (int)(sizeof(f->recs) / sizeof(f->recs[0]))) {
		f->recs[f->nrecs].h = *h;
		memcpy(f->recs[f->nrecs].payload, payload, h->len);
		f->nrecs++;
	}
	return f->rec_rc;
}

static int ins(unsigned op, const __s64 *v, int n)
{
	int pc = tv_image_emit(F->img, op, v, n);

	if (pc < 0)
		fail_msg("cannot emit %s: %d", tv_op_name(op), pc);
	return pc;
}

/* I(MOVI, 1, 5) appends "movi r1, 5" and returns its pc. */
#define I(op, ...)                                                                                 \
	ins(TV_OP_##op, (const __s64[]){0, ##__VA_ARGS__} + 1,                                     \
	    (int)(sizeof((const __s64[]){0, ##__VA_ARGS__}) / sizeof(__s64)) - 1)

/* Validate, then run probe `probe` (a BEGIN probe at pc 0 is added to an
 * image without any). */
static int go_ctx(__u32 probe, const struct tv_vm_ctx *ctx)
{
	struct tv_err err;

	if (!F->img->nprobes)
		assert_int_equal(tv_image_add_probe(F->img, "BEGIN", 0), 0);
	if (tv_image_validate(F->img, TV_VALIDATE_UNSAFE, &err))
		fail_msg("invalid image: %s", err.msg);
	if (!F->store)
		F->store = tv_vm_store_new(F->img);
	if (!F->vm)
		F->vm = tv_vm_new(F->img, F->store, on_rec, F);
	assert_non_null(F->store);
	assert_non_null(F->vm);
	F->nrecs = 0;
	return tv_vm_run(F->vm, probe, ctx, &F->res);
}

static void go(void)
{
	assert_int_equal(go_ctx(0, NULL), 0);
}

#define REG(i) (tv_vm_regs(F->vm)[i])
#define SCR ((const __u8 *)tv_vm_scratch(F->vm))

static int add_map_d(struct tv_mapdesc d)
{
	char name[16];
	int m;

	snprintf(name, sizeof(name), "@m%u", F->img->nmaps);
	m = tv_image_add_map(F->img, name, &d, "", "");
	assert_true(m >= 0);
	return m;
}

static int add_map(unsigned kind, unsigned key_size, unsigned val_size)
{
	return add_map_d(
	    (struct tv_mapdesc){.key_size = key_size, .val_size = val_size, .kind = kind});
}

static int add_str(const char *s)
{
	int k = tv_image_add_const(F->img, TV_CONST_str, s, strlen(s) + 1);

	assert_true(k >= 0);
	return k;
}

static struct tv_agg agg(int m, const void *key)
{
	struct tv_agg a = {-1, (__u64)-1};

	assert_int_equal(F->store->ops->lookup(F->store, m, key, &a), 0);
	return a;
}

#define assert_agg(m, key, V, N)                                                                   \
	do {                                                                                       \
		struct tv_agg a_ = agg(m, key);                                                    \
		assert_int_equal(a_.v, (V));                                                       \
		assert_int_equal(a_.n, (N));                                                       \
	} while (0)

static int count_fn(const void *key, const void *val, void *arg)
{
	(void)key, (void)val;
	++*(int *)arg;
	return 0;
}

static int nkeys(int m)
{
	int n = 0;

	assert_int_equal(F->store->ops->each(F->store, m, count_fn, &n), 0);
	return n;
}

static void assert_fault(__u32 pc)
{
	__u64 got;

	assert_int_equal(F->res.fault, 1);
	assert_int_equal(F->res.fault_pc, pc);
	assert_int_equal(F->nrecs, 1);
	assert_int_equal(F->recs[0].h.kind, TV_REC_fault);
	assert_int_equal(F->recs[0].h.id, 0);
	assert_int_equal(F->recs[0].h.len, 8);
	memcpy(&got, F->recs[0].payload, 8);
	assert_int_equal(got, pc);
}

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

/* ---- builtins ------------------------------------------------------------- */

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void test_builtins(void **state)
{
	struct tv_vm_ctx ctx = {.cookie = 0xc00c1e};
	__u64 before, after;

	(void)state;
	for (int b = 0; b < TV_BI__COUNT; b++)
		I(BUILTIN, b, b);
	I(BUILTIN, 15, TV_BI_nsecs);
	I(EXIT);
	tv_image_add_probe(F->img, "BEGIN", 0);
	tv_image_add_probe(F->img, "END", 0);
	before = now_ns();
	assert_int_equal(go_ctx(1, &ctx), 0);
	after = now_ns();
	assert_int_equal(REG(TV_BI_pid), getpid());
	assert_int_equal(REG(TV_BI_tid), gettid());
	assert_int_equal(REG(TV_BI_uid), getuid());
	assert_int_equal(REG(TV_BI_gid), getgid());
	assert_in_range(REG(TV_BI_nsecs), before, after);
	assert_in_range(REG(15), REG(TV_BI_nsecs), after);
	assert_true(REG(TV_BI_cpu) < (__u64)sysconf(_SC_NPROCESSORS_CONF));
	assert_int_equal(REG(TV_BI_curtask), 0);
	assert_true(REG(TV_BI_rand) < (1ull << 32));
	assert_int_equal(REG(TV_BI_probe), 1);
	assert_int_equal(REG(TV_BI_cookie), 0xc00c1e);
	/* elapsed counts from tv_vm_set_start */
	tv_vm_set_start(F->vm, before - 1000000);
	assert_int_equal(go_ctx(0, NULL), 0);
	assert_true(REG(TV_BI_elapsed) >= 1000000);
	assert_true(REG(TV_BI_elapsed) <= now_ns() - before + 1000000);
	assert_int_equal(REG(TV_BI_probe), 0);
	assert_int_equal(REG(TV_BI_cookie), 0);
}

/* The default start is the vm's creation. */
static void test_elapsed_default(void **state)
{
	__u64 before = now_ns();

	(void)state;
	I(BUILTIN, 1, TV_BI_elapsed);
	I(EXIT);
	go();
	assert_true(REG(1) <= now_ns() - before);
}

static void test_nsecs_monotonic(void **state)
{
	__u64 last = 0;

	(void)state;
	I(BUILTIN, 1, TV_BI_nsecs);
	I(BUILTIN, 2, TV_BI_nsecs);
	I(EXIT);
	for (int i = 0; i < 50; i++) {
		go();
		assert_true(REG(1) >= last);
		assert_true(REG(2) >= REG(1));
		last = REG(2);
	}
}

static void test_rand(void **state)
{
	__u64 first, differ = 0;

	(void)state;
	I(BUILTIN, 1, TV_BI_rand);
	I(EXIT);
	go();
	first = REG(1);
	for (int i = 0; i < 200; i++) {
		go();
		assert_true(REG(1) < (1ull << 32));
		differ |= REG(1) ^ first;
	}
	assert_true(differ != 0);
	/* 200 draws should reach the top bit somewhere */
	assert_true(differ >> 31);
}

/* Independently of the vm: the cgroup2 mount found by its fs magic. */
static __u64 my_cgroup_id(void)
{
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	char line[4096], path[8192];
	FILE *f = fopen("/proc/self/cgroup", "r");
	struct statfs sfs;
	struct stat st;
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "0::", 3);
	fclose(f);
	if (!found)
		return 0;
	line[strcspn(line, "\n")] = 0;
	for (int i = 0; i < 2; i++) {
		if (statfs(roots[i], &sfs) || sfs.f_type != 0x63677270 /* CGROUP2 */)
			continue;
		snprintf(path, sizeof(path), "%s%s", roots[i], line + 3);
		return stat(path, &st) ? 0 : st.st_ino;
	}
	return 0;
}

static void test_cgroup(void **state)
{
	__u64 want = my_cgroup_id();

	(void)state;
	I(BUILTIN, 1, TV_BI_cgroup);
	I(EXIT);
	go();
	if (!want)
		skip();
	assert_int_equal(REG(1), want);
}

static void test_comm(void **state)
{
	char want[TV_COMM_LEN] = {0}, buf[64] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	(void)state;
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	memcpy(want, buf, strnlen(buf, TV_COMM_LEN - 1));
	I(COMM, 8);
	I(EXIT);
	go();
	assert_memory_equal(SCR + 8, want, TV_COMM_LEN);
	assert_int_equal(SCR[7], 0);
	assert_int_equal(SCR[24], 0);
}

/* ---- probe context -------------------------------------------------------- */

static const __u8 ctx_bytes[24] = {
    0xff, 0x80, 0xfe, 0xff, 0xff, 0xff, 0x34, 0x12, /* word 0 */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88, /* word 1 */
    0xaa, 0xbb, 0xcc, 0xdd,			    /* ... */
};

static void test_ctx_reads(void **state)
{
	struct tv_vm_ctx ctx = {.data = ctx_bytes, .len = 20, .retval = (__u64)-5};

	(void)state;
	I(CTX, 1, U1, 0);
	I(CTX, 2, S1, 0);
	I(CTX, 3, U2, 1);
	I(CTX, 4, S2, 1);
	I(CTX, 5, S4, 2);
	I(CTX, 6, U4, 2);
	I(CTX, 7, U8, 8);
	I(CTX, 8, S4, 16);
	I(ARG, 9, 0);
	I(ARG, 10, 1);
	I(RETVAL, 11);
	I(EXIT);
	assert_int_equal(go_ctx(0, &ctx), 0);
	assert_int_equal(REG(1), 0xff);
	assert_int_equal(REG(2), MAXU);
	assert_int_equal(REG(3), 0xfe80);
	assert_int_equal(REG(4), (__u64)(__s16)0xfe80);
	assert_int_equal(REG(5), (__u64)-2);
	assert_int_equal(REG(6), 0xfffffffe);
	assert_int_equal(REG(7), 0x8807060504030201ull);
	assert_int_equal(REG(8), (__u64)(__s32)0xddccbbaa);
	assert_int_equal(REG(9), 0x1234fffffffe80ffull);
	assert_int_equal(REG(10), 0x8807060504030201ull);
	assert_int_equal(REG(11), (__u64)-5);
	assert_int_equal(F->res.fault, 0);
}

static void test_ctx_fault(void **state)
{
	struct tv_vm_ctx ctx = {.data = ctx_bytes, .len = 20};

	(void)state;
	I(CTX, 1, U4, 16); /* 0: bytes 16..19, the last ones */
	I(CTX, 2, U2, 19); /* 1: ends one past len */
	I(MOVI, 3, 1);	   /* a fault reads 0 and the block goes on */
	I(EXIT);
	assert_int_equal(go_ctx(0, &ctx), 0);
	assert_int_equal(REG(1), 0xddccbbaa);
	assert_int_equal(REG(2), 0);
	assert_int_equal(REG(3), 1);
	assert_int_equal(F->res.steps, 4);
	assert_fault(1);
}

static void test_arg_fault(void **state)
{
	struct tv_vm_ctx ctx = {.data = ctx_bytes, .len = 20};

	(void)state;
	I(ARG, 1, 1);
	I(ARG, 2, 2); /* bytes 16..23, past len 20 */
	I(EXIT);
	assert_int_equal(go_ctx(0, &ctx), 0);
	assert_fault(1);
	/* no context at all: every read faults, each with its record */
	assert_int_equal(go_ctx(0, NULL), 0);
	assert_int_equal(F->nrecs, 2);
	assert_int_equal(F->recs[0].h.kind, TV_REC_fault);
	assert_int_equal(F->recs[1].h.kind, TV_REC_fault);
	assert_int_equal(F->res.fault_pc, 1);
	assert_int_equal(REG(1), 0);
}

/* ---- memory reads --------------------------------------------------------- */

static void test_ldu(void **state)
{
	static const __s64 x = -2;
	static const __s32 y = -3;

	(void)state;
	I(LDW, 1, (__s64)(uintptr_t)&x);
	I(LDW, 2, (__s64)(uintptr_t)&y);
	I(LDU, 3, 1, S8);
	I(LDU, 4, 1, U1);
	I(LDU, 5, 2, S4);
	I(LDU, 6, 2, U4);
	I(LDU, 7, 2, S2);
	I(EXIT);
	go();
	assert_int_equal(REG(3), (__u64)-2);
	assert_int_equal(REG(4), 0xfe);
	assert_int_equal(REG(5), (__u64)-3);
	assert_int_equal(REG(6), 0xfffffffd);
	assert_int_equal(REG(7), (__u64)-3);
	assert_int_equal(F->res.fault, 0);
}

static void test_ldu_fault(void **state)
{
	(void)state;
	I(MOVI, 1, 16);	  /* 0 */
	I(LDU, 2, 1, U4); /* 1 */
	I(MOVI, 3, 1);	  /* 2: reached, the read gave 0 */
	I(EXIT);
	tv_image_add_probe(F->img, "BEGIN", 0);
	tv_image_add_probe(F->img, "END", 0);
	assert_int_equal(go_ctx(1, NULL), 0);
	assert_fault(1);
	assert_int_equal(F->recs[0].h.block, 1);
	assert_int_equal(F->res.steps, 4);
	assert_int_equal(REG(2), 0);
	assert_int_equal(REG(3), 1);
}

static void test_kernel_reads_fault(void **state)
{
	static const __u64 x = 1;

	(void)state;
	I(LDW, 1, (__s64)(uintptr_t)&x); /* 0, 1 */
	I(LDK, 2, 1, U8);		 /* 2 */
	I(EXIT);
	go();
	assert_fault(2);
	reset();
	I(LDW, 1, (__s64)(uintptr_t)&x); /* 0, 1 */
	I(STRK, 1, 0, 16);		 /* 2 */
	I(EXIT);
	go();
	assert_fault(2);
}

static void test_stru(void **state)
{
	static const char s[] = "hello";
	int k;

	(void)state;
	k = add_str("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"); /* 32 bytes */
	I(LDW, 1, (__s64)(uintptr_t)s);
	I(SCONST, k, 0);
	I(SCONST, k, 32);
	I(STRU, 1, 0, 16); /* fits: padded with zeros */
	I(STRU, 1, 32, 4); /* truncated to 3 chars */
	I(STRU, 1, 64, 6); /* exactly fits */
	I(EXIT);
	go();
	assert_memory_equal(SCR, "hello\0\0\0\0\0\0\0\0\0\0\0xxxx", 20);
	assert_memory_equal(SCR + 32, "hel\0xxxx", 8);
	assert_memory_equal(SCR + 64, "hello\0\0", 7);
	assert_int_equal(F->res.fault, 0);
}

/* A string at the very end of a mapping, and one running off it. */
static void test_stru_page_end(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *end;
	int k;

	(void)state;
	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + pg, pg, PROT_NONE), 0);
	end = m + pg;
	memcpy(end - 4, "abc", 4);
	k = add_str("xxxxxxx");
	I(SCONST, k, 0);			/* 0 */
	I(LDW, 1, (__s64)(uintptr_t)(end - 4)); /* 1, 2 */
	I(LDW, 2, (__s64)(uintptr_t)(end - 3)); /* 3, 4 */
	I(STRU, 2, 64, 3);			/* 5: reads 3 bytes */
	I(STRU, 1, 0, 64);			/* 6 */
	I(EXIT);
	go();
	assert_false(F->res.fault);
	assert_memory_equal(SCR, "abc\0\0\0\0\0", 8);
	assert_memory_equal(SCR + 64, "bc\0", 3);
	/* without a NUL: a read of exactly the bytes left truncates ... */
	end[-1] = 'd';
	go();
	assert_memory_equal(SCR + 64, "bc\0", 3);
	/* ... and a longer one runs into the unmapped page */
	assert_fault(6);
	/* dst zeroed on a fault, as bpf_probe_read_user_str does */
	assert_memory_equal(SCR, (char[8]){0}, 8);
	munmap(m, 2 * pg);
}

static void test_stru_fault(void **state)
{
	int k;

	(void)state;
	k = add_str("xxxxxxx");
	I(SCONST, k, 0);  /* 0 */
	I(STRU, 1, 0, 8); /* 1: R1 = NULL */
	I(EXIT);
	go();
	assert_fault(1);
	assert_memory_equal(SCR, (char[8]){0}, 8);
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

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

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
	    T(test_builtins),
	    T(test_elapsed_default),
	    T(test_nsecs_monotonic),
	    T(test_rand),
	    T(test_cgroup),
	    T(test_comm),
	    T(test_ctx_reads),
	    T(test_ctx_fault),
	    T(test_arg_fault),
	    T(test_ldu),
	    T(test_ldu_fault),
	    T(test_kernel_reads_fault),
	    T(test_stru),
	    T(test_stru_page_end),
	    T(test_stru_fault),
	    T(test_st_ld),
	    T(test_szero_scopy_sconst),
	    T(test_strcmp),
	    T(test_map_int),
	    T(test_map_bytes),
	    T(test_aggregations),
	    T(test_min_max_first_value),
	    T(test_hist),
	    T(test_lhist),
	    T(test_countb_countc),
	    T(test_emit),
	    T(test_record_callback_error),
	    T(test_stacks),
	    T(test_bad_probe),
	    T(test_unvalidated),
	    T(test_store),
	    T(test_store_many),
	};

	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
