/* Shared by the test_vm*.c unit tests of the user-space interpreter and its
 * map store: one image built by hand (no assembler), validated, then run.
 * Each test binary includes this once; the helpers are static inline so a
 * binary that uses only some of them still builds with -Werror. */
#ifndef TV_TESTS_VM_FIXTURES_H
#define TV_TESTS_VM_FIXTURES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static inline void fx_drop(void)
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
static inline void reset(void)
{
	fx_drop();
	F->img = tv_image_new();
	assert_non_null(F->img);
}

static inline int setup(void **state)
{
	F = calloc(1, sizeof(*F));
	F->img = tv_image_new();
	*state = F;
	return F->img ? 0 : -1;
}

static inline int teardown(void **state)
{
	(void)state;
	fx_drop();
	free(F);
	F = NULL;
	return 0;
}

static inline int on_rec(const struct tv_rec *h, const void *payload, void *arg)
{
	struct fx *f = arg;

	if (f->nrecs < (int)(sizeof(f->recs) / sizeof(f->recs[0]))) {
		f->recs[f->nrecs].h = *h;
		memcpy(f->recs[f->nrecs].payload, payload, h->len);
		f->nrecs++;
	}
	return f->rec_rc;
}

static inline int ins(unsigned op, const __s64 *v, int n)
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
static inline int go_ctx(__u32 probe, const struct tv_vm_ctx *ctx)
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

static inline void go(void)
{
	assert_int_equal(go_ctx(0, NULL), 0);
}

#define REG(i) (tv_vm_regs(F->vm)[i])
#define SCR ((const __u8 *)tv_vm_scratch(F->vm))

static inline int add_map_d(struct tv_mapdesc d)
{
	char name[16];
	int m;

	snprintf(name, sizeof(name), "@m%u", F->img->nmaps);
	m = tv_image_add_map(F->img, name, &d, "", "");
	assert_true(m >= 0);
	return m;
}

static inline int add_map(unsigned kind, unsigned key_size, unsigned val_size)
{
	return add_map_d(
	    (struct tv_mapdesc){.key_size = key_size, .val_size = val_size, .kind = kind});
}

static inline int add_str(const char *s)
{
	int k = tv_image_add_const(F->img, TV_CONST_str, s, strlen(s) + 1);

	assert_true(k >= 0);
	return k;
}

static inline struct tv_agg agg(int m, const void *key)
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

static inline int count_fn(const void *key, const void *val, void *arg)
{
	(void)key, (void)val;
	++*(int *)arg;
	return 0;
}

static inline int nkeys(int m)
{
	int n = 0;

	assert_int_equal(F->store->ops->each(F->store, m, count_fn, &n), 0);
	return n;
}

static inline void assert_fault(__u32 pc)
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

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

#endif /* TV_TESTS_VM_FIXTURES_H */
