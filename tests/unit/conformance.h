/* Conformance: the user-space vm (vm/) and the kernel-side interpreter
 * (kernel-side/bpf/, run through BPF_PROG_TEST_RUN) execute the same
 * images on the same contexts and must agree exactly: the records each run
 * sends (kind, id, len, block, payload, in order), the contents of every
 * map afterwards (sorted by key), faults and the step budget.
 *
 * Each cmocka test is named after the opcode (conformance_ldu) or builtin
 * (conformance_builtin_pid) it covers; each conformance_*.c file is one
 * group, with one kernel session for the whole group.
 *
 * Registers and scratch are not visible in the kernel, so programs ST what
 * they compute to scratch and EMIT it, or store it into maps.  Every image
 * starts with SZERO of the whole scratch area: the kernel keeps its scratch
 * (per-CPU state) between invocations, the vm clears it (see
 * conformance_fresh_scratch).
 *
 * A coverage bitmap records which opcodes and builtins appeared in an
 * image that was run both ways and compared; conformance_coverage (last)
 * fails for any row of opcodes.def or builtins.def without a case.
 *
 * BPF must work: when tv_kernel_open fails the tests fail, they never skip.
 */
#ifndef TV_TESTS_CONFORMANCE_H
#define TV_TESTS_CONFORMANCE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sched.h>

#include "kernel-side/kernel.h"
#include "vm/vm.h"

#define U1 1
#define U2 2
#define U4 4
#define U8 8
#define S1 (1 | TV_Z_SIGNED)
#define S2 (2 | TV_Z_SIGNED)
#define S4 (4 | TV_Z_SIGNED)
#define S8 (8 | TV_Z_SIGNED)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define NW 11		 /* context words of a test run */
#define CTX_LEN (NW * 8) /* the kernel always passes all 88 bytes */
#define NIDS 8		 /* constants every image has, usable as EMIT ids */
#define OUT_DEFAULT 512	 /* where out() puts registers */
#define OUT_SLOTS 64

/* CTX(a, b, ...) is a full zero-padded context. */
#define CTX(...) ((const __u64[NW]){__VA_ARGS__})

#define ADDR(p) ((__s64)(unsigned long)(p))

extern const __u64 zero_ctx[NW];

struct rec {
	struct tv_rec h;
	__u8 p[TV_SCRATCH];
};

struct recs {
	struct rec *v;
	int n, cap;
	int err;   /* a record could not be kept (no memory, bad length) */
	int upids; /* TV_REC_upid: the kernel's own note of a process, not output */
};

/* One session per group, one program at a time. */
struct conformance {
	struct tv_kernel *k;
	int open_rc;
	char open_err[256];
	__u32 session;
	__u64 cookie0;		/* attach cookie of probe 0 */
	__u64 t_open0, t_open1; /* around tv_kernel_open */
	cpu_set_t cpus;
	int have_cpus;
	char comm[TV_COMM_LEN + 1];
	void *pages;
	size_t pages_len;
	__u64 lost0; /* records the session lost before this test */
	/* the program */
	struct tv_image *img;
	const char *name;
	int loaded; /* the kernel holds img (its maps are the session's) */
	struct tv_store *vs;
	struct tv_vm *vm;
	__u64 vm_t0, vm_t1; /* around tv_vm_new */
	int runs;
	unsigned out_base, nout;
	__u8 loose[TV_MAX_CONSTS]; /* EMIT ids whose payload is checked by hand */
	struct recs kr, vr;	   /* records of the last run, per side */
	struct tv_vm_result res;   /* of the last vm run */
	__u64 vfaults;		   /* the kernel's fault count, as the vm's runs predict it */
};

extern struct conformance G;

/* Strings in this process's memory, for the user-memory reads. */
extern const char ustr[], ulong_str[], u63[];
/* User strings map keys are built from (ARG 3 or 2 of a run). */
extern const char *const keystrs[4];

__u64 now_ns(void);
__u64 word(const struct rec *r, unsigned i);

/* ---- building a program -------------------------------------------------- */

int ins(unsigned op, const __s64 *v, int n);

/* I(MOVI, 1, 5) appends "movi r1, 5" and returns its pc. */
#define I(op, ...)                                                                                 \
	ins(TV_OP_##op, (const __s64[]){0, ##__VA_ARGS__} + 1,                                     \
	    (int)(sizeof((const __s64[]){0, ##__VA_ARGS__}) / sizeof(__s64)) - 1)

int here(void);
void patch(int pc);		      /* point the forward jump at pc here */
void loop_to(unsigned r, int target); /* LOOP back to target */
int kconst(const void *data, size_t len);
int kstr(const char *s);
int map_d(unsigned kind, unsigned key, unsigned val, __s64 lmin, __s64 lmax, __s64 lstep);
int map(unsigned kind, unsigned key, unsigned val);
int probe_at(int pc);
void begin_raw(const char *name); /* a new image, no scratch-clearing prologue */
void begin(const char *name);
int block_here(void);	 /* a probe whose block starts here, with its prologue */
void out(unsigned r);	 /* register r to the next 8-byte output slot */
void flush(unsigned id); /* EMIT the output slots */
void need_kernel(void);
void load(void);

/* ---- running both ways and comparing ------------------------------------- */

void run_k(__u32 probe, const __u64 *ctx);
void run_v(__u32 probe, const __u64 *ctx);
void cmp_records(__u32 probe);
void cmp_counters(void);
void run(__u32 probe, const __u64 *ctx); /* run_k, run_v, compare */
struct tv_agg vm_agg(__u32 m, const void *key);
void finish(void); /* compare the maps, mark coverage, drop the program */

int pin_cpu(int cpu);
void unpin(void);
void ctx_pattern(__u64 w[NW], int kind);

/* ---- fixtures and groups ------------------------------------------------- */

int conformance_group_setup(void **state);
int conformance_group_teardown(void **state);
int conformance_setup(void **state);
int conformance_teardown(void **state);

#define T(f) cmocka_unit_test_setup_teardown(f, conformance_setup, conformance_teardown)
/* A test of f named name, whose test_arg(state) is arg; stored + 1: for a
 * NULL initial state cmocka passes the group's state instead. */
#define T_ARG(name, f, arg)                                                                        \
	{                                                                                          \
		name, f, conformance_setup, conformance_teardown, (void *)((uintptr_t)(arg) + 1)   \
	}

static inline unsigned test_arg(void **state)
{
	return (unsigned)((uintptr_t)*state - 1);
}

#define RUN_GROUP(name, tests)                                                                     \
	cmocka_run_group_tests_name(name, tests, conformance_group_setup,                          \
				    conformance_group_teardown)

/* One group per file. */
int conformance_alu_group(void);
int conformance_jumps_group(void);
int conformance_builtins_group(void);
int conformance_ctx_group(void);
int conformance_memory_group(void);
int conformance_scratch_group(void);
int conformance_maps_group(void);
int conformance_aggregations_group(void);
int conformance_records_group(void);

/* Fails for any opcode or builtin no test above ran both ways. */
void conformance_coverage(void **state);

#endif
