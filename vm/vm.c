/* The user-space interpreter: the reference semantics of opcodes.def that
 * the kernel-side interpreter must match instruction for instruction.
 *
 * It assumes a validated image, yet checks every register, scratch range,
 * map and jump target it touches (cheaply), so a bad image gets -EINVAL
 * rather than a crash.
 *
 * Fused ops (COUNTB, COUNTC) build their key at scratch offset 0: S[0..8)
 * for the builtin value, S[0..16) for comm.  The kernel does the same, so
 * the key stays visible in scratch afterwards.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm/host.h"
#include "vm/vm.h"

struct tv_vm {
	const struct tv_image *img;
	struct tv_store *store;
	tv_record_fn on_record;
	void *arg;
	__u64 start_ns;
	__u64 cgroup;
	int cgroup_known;
	__u64 rand_state;
	char comm[TV_COMM_LEN];
	/* The state of the current (or last) run. */
	__u64 r[TV_NREGS];
	__u8 s[TV_SCRATCH];
};

/* One invocation of a block. */
struct run {
	struct tv_vm *vm;
	const struct tv_vm_ctx *ctx;
	struct tv_vm_result *res;
	__u32 probe;
	__u32 pc, next;
	__u32 budget; /* steps left in this stretch (as the kernel's bpf_loop) */
	__u32 for_runs, for_break;
};

/* Handler results: 0 goes on at st->next, STOP ends the block, FOR_DONE
 * ends a for body, < 0 is an error tv_vm_run returns. */
#define STOP 1
#define FOR_DONE 2

/* Masking keeps a bad register operand inside the file (validated images
 * never have one). */
#define R(i) (st->vm->r[(i) & (TV_NREGS - 1)])

/* ---- helpers -------------------------------------------------------------- */

static __u64 le_load(const __u8 *p, unsigned size)
{
	__u64 x = 0;

	for (unsigned i = 0; i < size && i < 8; i++)
		x |= (__u64)p[i] << (8 * i);
	return x;
}

static void le_store(__u8 *p, __u64 x, unsigned size)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		p[i] = (__u8)(x >> (8 * i));
}

/* S[off..off+len), or NULL when the range leaves the scratch area. */
static __u8 *sp(struct run *st, __s64 off, __s64 len)
{
	if (off < 0 || len < 0 || off + len > TV_SCRATCH)
		return NULL;
	return st->vm->s + off;
}

/* xorshift64*: the high 32 bits of its output. */
static __u64 next_rand(struct tv_vm *vm)
{
	__u64 x = vm->rand_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	vm->rand_state = x;
	return (x * 0x2545f4914f6cdd1dull) >> 32;
}

static __u64 builtin(struct run *st, __s64 id)
{
	/* No default: a builtin added to builtins.def without a case here is
	 * a -Wswitch error. */
	switch ((enum tv_builtin)id) {
	case TV_BI_pid: return (__u64)getpid();
	case TV_BI_tid: return (__u64)gettid();
	case TV_BI_uid: return getuid();
	case TV_BI_gid: return getgid();
	case TV_BI_nsecs: return vm_host_nsecs();
	case TV_BI_elapsed: return vm_host_nsecs() - st->vm->start_ns;
	case TV_BI_cpu: {
		int cpu = sched_getcpu();
		return cpu < 0 ? 0 : (__u64)cpu;
	}
	case TV_BI_curtask: return 0; /* no task_struct to point at */
	case TV_BI_cgroup:
		/* looked up on first use: it reads mountinfo, too slow for every start */
		if (!st->vm->cgroup_known) {
			st->vm->cgroup = vm_host_cgroup_id();
			st->vm->cgroup_known = 1;
		}
		return st->vm->cgroup;
	case TV_BI_rand: return next_rand(st->vm);
	case TV_BI_probe: return st->probe;
	case TV_BI_cookie: return st->ctx->cookie;
	case TV_BI_func_ip: return 0; /* no uprobe fires in user space */
	case TV_BI_ctx: return 0;     /* BEGIN and END have no probe context */
	case TV_BI_numaid: return vm_host_numa_node();
	case TV_BI__COUNT: break;
	}
	return 0;
}

/* A negative return of the callback aborts the run; others are ignored. */
static int emit(struct run *st, const struct tv_rec *h, const void *payload)
{
	int rc;

	if (!st->vm->on_record)
		return 0;
	rc = st->vm->on_record(h, payload, st->vm->arg);
	return rc < 0 ? rc : 0;
}

/* A failed memory read: reported through a record, not as an error; the
 * read gives zeros and the block goes on, as bpftrace's reads do. */
static int fault(struct run *st)
{
	struct tv_rec h = {.kind = TV_REC_fault, .id = 0, .len = 8, .block = st->probe};
	__u8 pc[8];
	int rc;

	st->res->fault = 1;
	st->res->fault_pc = st->pc;
	le_store(pc, st->pc, 8);
	rc = emit(st, &h, pc);
	return rc ? rc : 0;
}

/* A CHECKS opcode's map helper failed with rc (0: a lookup's miss): sent
 * on a record whatever the -k level; the host tells it at its level. */
static int helper_error(struct run *st, __s64 rc)
{
	struct tv_rec h = {.kind = TV_REC_helper_error, .id = 0, .len = 16, .block = st->probe};
	__u8 p[16];

	le_store(p, st->pc, 8);
	le_store(p + 8, (__u64)rc, 8);
	return emit(st, &h, p);
}

static int fault_zero(struct run *st, __u8 *dst, __s64 n)
{
	if (dst && n > 0)
		memset(dst, 0, (size_t)n);
	return fault(st);
}

/* ---- maps ----------------------------------------------------------------- */

/* The key S[o..o+span) of M[m], which must be of kind `want` (any when
 * want < 0); NULL when anything is out of range. */
static __u8 *map_key(struct run *st, __s64 m, __s64 o, int want, const struct tv_mapdesc **d)
{
	const struct tv_image *img = st->vm->img;

	if (!st->vm->store || m < 0 || m >= img->nmaps)
		return NULL;
	*d = &img->maps[m].d;
	if (want >= 0 && (*d)->kind != want)
		return NULL;
	return sp(st, o, tv_key_span(*d));
}

static int lookup(struct run *st, __s64 m, const void *key, void *val)
{
	struct tv_store *s = st->vm->store;

	return s->ops->lookup(s, (__u32)m, key, val);
}

static int update(struct run *st, __s64 m, const void *key, const void *val)
{
	struct tv_store *s = st->vm->store;

	return s->ops->update(s, (__u32)m, key, val);
}

/* Apply one value to M[m][S[o]]; hist and lhist first write the bucket
 * after the key payload, as the kernel does. */
static int aggregate(struct run *st, int kind, __s64 m, __s64 o, __s64 x)
{
	const struct tv_mapdesc *d;
	__u8 *key = map_key(st, m, o, kind, &d);
	struct tv_agg a;
	int rc;

	if (!key)
		return -EINVAL;
	if (kind == TV_MAP_hist)
		le_store(key + d->key_size, tv_hist_bucket(x), 8);
	else if (kind == TV_MAP_lhist)
		le_store(key + d->key_size, tv_lhist_bucket(x, d), 8);
	rc = lookup(st, m, key, &a);
	if (rc == -ENOENT)
		memset(&a, 0, sizeof(a));
	else if (rc)
		return rc;
	tv_agg_apply(kind, &a, x);
	return update(st, m, key, &a);
}

/* ---- handlers: one per opcode, named op_<NAME> --------------------------- */

#define HANDLER(name)                                                                              \
	static int op_##name(struct run *st __attribute__((unused)),                               \
			     const __s64 *v __attribute__((unused)))

/* Operand i (1 or 2) of an ALU row as its expression sees it. */
static __u64 alu_operand(struct run *st, const char *f, const __s64 *v, int i)
{
	if (i >= (int)strlen(f))
		return 0;
	return f[i] == 'r' ? R(v[i]) : (__u64)v[i];
}

/* The ALU and AGG rows of opcodes.def, each its own handler. */
#define OP(n, f, d)
#define AGG(name, kind, doc)                                                                       \
	HANDLER(name)                                                                              \
	{                                                                                          \
		return aggregate(st, TV_MAP_##kind, v[0], v[2], (__s64)R(v[1]));                   \
	}
#define ALU(name, f, expr, doc)                                                                    \
	HANDLER(name)                                                                              \
	{                                                                                          \
		__u64 b = alu_operand(st, f, v, 1), c = alu_operand(st, f, v, 2);                  \
		(void)c;                                                                           \
		R(v[0]) = (expr);                                                                  \
		return 0;                                                                          \
	}
#include "bytecode/opcodes.def"
#undef ALU
#undef AGG
#undef OP

HANDLER(NOP)
{
	return 0;
}
HANDLER(EXIT)
{
	return STOP;
}

/* Jumps are relative to the next instruction; a target outside the
 * program is caught before the next step. */
HANDLER(JA)
{
	st->next += (__u32)v[0];
	return 0;
}

HANDLER(JZ)
{
	if (!R(v[0]))
		st->next += (__u32)v[1];
	return 0;
}

HANDLER(JNZ)
{
	if (R(v[0]))
		st->next += (__u32)v[1];
	return 0;
}

HANDLER(LOOP)
{
	if (--R(v[0]))
		st->next -= (__u32)v[1];
	return 0;
}

HANDLER(LDW)
{
	R(v[0]) = (__u64)v[1];
	return 0;
}

HANDLER(BUILTIN)
{
	R(v[0]) = builtin(st, v[1]);
	return 0;
}

HANDLER(COMM)
{
	__u8 *p = sp(st, v[0], TV_COMM_LEN);

	if (!p)
		return -EINVAL;
	memcpy(p, st->vm->comm, TV_COMM_LEN);
	return 0;
}

/* ---- probe context and memory reads ------------------------------------- */

HANDLER(CTX)
{
	unsigned size = TV_Z_SIZE(v[1]);
	const __u8 *data = st->ctx->data;

	R(v[0]) = 0;
	if (v[2] < 0 || (__u64)v[2] + size > st->ctx->len)
		return fault(st);
	R(v[0]) = tv_extend(le_load(data + v[2], size), (__u8)v[1]);
	return 0;
}

HANDLER(ARG)
{
	const __u8 *data = st->ctx->data;
	__u64 off = 8 * (__u64)v[1];

	R(v[0]) = 0;
	if (off + 8 > st->ctx->len)
		return fault(st);
	R(v[0]) = le_load(data + off, 8);
	return 0;
}

HANDLER(RETVAL)
{
	R(v[0]) = st->ctx->retval;
	return 0;
}

/* User space cannot read kernel memory: every kernel read faults. */
HANDLER(LDK)
{
	R(v[0]) = 0;
	return fault(st);
}
HANDLER(STRK)
{
	__u8 *p = sp(st, v[1], v[2]);

	return p ? fault_zero(st, p, v[2]) : -EINVAL;
}

HANDLER(LDU)
{
	unsigned size = TV_Z_SIZE(v[2]);
	__u8 buf[16];

	if (size > 8 || vm_host_read(buf, R(v[1]), size)) {
		R(v[0]) = 0;
		return fault(st);
	}
	R(v[0]) = tv_extend(le_load(buf, size), (__u8)v[2]);
	return 0;
}

HANDLER(STRU)
{
	__u8 *p = sp(st, v[1], v[2]);

	if (!p)
		return -EINVAL;
	return vm_host_read_str(p, R(v[0]), (size_t)v[2]) ? fault_zero(st, p, v[2]) : 0;
}

/* A string inside the context (char arrays and __data_loc fields of
 * tracepoints): at most l - 1 bytes and a NUL, the rest zeroed. */
HANDLER(CTXSTR)
{
	__u8 *p = sp(st, v[1], v[2]);
	const __u8 *data = st->ctx->data;
	__u64 off = R(v[0]) & 0xffff, n = 0;

	if (!p)
		return -EINVAL;
	if (!v[2])
		return 0;
	if (off >= st->ctx->len)
		return fault_zero(st, p, v[2]);
	while (n + 1 < (__u64)v[2] && off + n < st->ctx->len && data[off + n])
		n++;
	memcpy(p, data + off, n);
	memset(p + n, 0, v[2] - n);
	return 0;
}

/* ---- scratch --------------------------------------------------------------- */

HANDLER(ST)
{
	unsigned size = TV_Z_SIZE(v[1]);
	__u8 *p = sp(st, v[2], size);

	if (!p)
		return -EINVAL;
	le_store(p, R(v[0]), size);
	return 0;
}

HANDLER(LD)
{
	unsigned size = TV_Z_SIZE(v[1]);
	__u8 *p = sp(st, v[2], size);

	if (!p)
		return -EINVAL;
	R(v[0]) = tv_extend(le_load(p, size), (__u8)v[1]);
	return 0;
}

HANDLER(SZERO)
{
	__u8 *p = sp(st, v[0], v[1]);

	if (!p)
		return -EINVAL;
	memset(p, 0, (size_t)v[1]);
	return 0;
}

HANDLER(SCOPY)
{
	__u8 *dst = sp(st, v[1], v[0]), *src = sp(st, v[2], v[0]);

	if (!dst || !src)
		return -EINVAL;
	memmove(dst, src, (size_t)v[0]);
	return 0;
}

HANDLER(SCONST)
{
	const struct tv_image *img = st->vm->img;
	const struct tv_const *k;
	__u8 *p;

	if (v[0] >= img->nconsts)
		return -EINVAL;
	k = &img->consts[v[0]];
	p = sp(st, v[1], k->len);
	if (!p)
		return -EINVAL;
	memcpy(p, k->data, k->len);
	return 0;
}

/* strncmp over unsigned bytes, as -1/0/1. */
#include "vm/bytes.h"

/* ---- maps ----------------------------------------------------------------- */

HANDLER(MLOAD)
{
	const struct tv_mapdesc *d;
	__u8 *key = map_key(st, v[1], v[2], TV_MAP_int, &d);
	struct tv_agg a;
	int rc;

	if (!key)
		return -EINVAL;
	rc = lookup(st, v[1], key, &a);
	if (rc && rc != -ENOENT)
		return rc;
	R(v[0]) = rc ? 0 : (__u64)a.v;
	return rc ? helper_error(st, 0) : 0;
}

HANDLER(MSTORE)
{
	const struct tv_mapdesc *d;
	__u8 *key = map_key(st, v[0], v[2], TV_MAP_int, &d);
	struct tv_agg a = {.v = (__s64)R(v[1]), .n = 0};

	if (!key)
		return -EINVAL;
	return update(st, v[0], key, &a);
}

HANDLER(MLOADB)
{
	const struct tv_mapdesc *d;
	__u8 *key = map_key(st, v[0], v[1], TV_MAP_bytes, &d), *p;
	int rc;

	if (!key || !(p = sp(st, v[2], d->val_size)))
		return -EINVAL;
	rc = lookup(st, v[0], key, p);
	if (rc != -ENOENT)
		return rc;
	memset(p, 0, d->val_size);
	return helper_error(st, 0);
}

HANDLER(MSTOREB)
{
	const struct tv_mapdesc *d;
	__u8 *key = map_key(st, v[0], v[1], TV_MAP_bytes, &d), *p;

	if (!key || !(p = sp(st, v[2], d->val_size)))
		return -EINVAL;
	return update(st, v[0], key, p);
}

HANDLER(MHAS)
{
	const struct tv_mapdesc *d;
	__u8 *key = map_key(st, v[1], v[2], -1, &d);
	__u64 val[TV_VAL_MAX / 8]; /* big enough for either kind of value */
	int rc;

	if (!key || tv_store_val_size(st->vm->store, (__u32)v[1]) > sizeof(val))
		return -EINVAL;
	rc = lookup(st, v[1], key, val);
	if (rc && rc != -ENOENT)
		return rc;
	R(v[0]) = rc == 0;
	return 0;
}

HANDLER(MDEL)
{
	const struct tv_mapdesc *d;
	__u8 *key = map_key(st, v[0], v[1], -1, &d);
	struct tv_store *s = st->vm->store;
	int rc;

	if (!key)
		return -EINVAL;
	rc = s->ops->remove(s, (__u32)v[0], key);
	return rc == -ENOENT ? helper_error(st, rc) : rc;
}

HANDLER(COUNT)
{
	return aggregate(st, TV_MAP_count, v[0], v[1], 0);
}

HANDLER(COUNTB)
{
	le_store(st->vm->s, builtin(st, v[1]), 8);
	return aggregate(st, TV_MAP_count, v[0], 0, 0);
}

HANDLER(COUNTC)
{
	memcpy(st->vm->s, st->vm->comm, TV_COMM_LEN);
	return aggregate(st, TV_MAP_count, v[0], 0, 0);
}

/* ---- records and stacks --------------------------------------------------- */

HANDLER(EMIT)
{
	const __u8 *p = sp(st, v[2], v[3]);
	struct tv_rec h = {
	    .kind = (__u8)v[0], .id = (__u16)v[1], .len = (__u16)v[3], .block = (__u16)st->probe};

	if (!p)
		return -EINVAL;
	return emit(st, &h, p);
}

/* The kernel returns a stack id; BEGIN and END blocks run here have no
 * probed kernel or user stack to take, so the id is 0. */
/* BEGIN and END have no stack: the value says so, as the kernel's does
 * when it cannot take one. */
HANDLER(KSTACK)
{
	R(v[0]) = tv_stack_value(-1, (__u8)v[1], 0);
	return 0;
}

HANDLER(USTACK)
{
	R(v[0]) = tv_stack_value(-1, (__u8)v[1], 0);
	return 0;
}

/* ---- for loops ------------------------------------------------------------ */

struct snapshot {
	__u8 *data; /* n entries of (key span, value) */
	size_t n, cap, klen, vlen;
};

static int snap_one(const void *key, const void *val, void *arg)
{
	struct snapshot *s = arg;
	size_t each = s->klen + s->vlen;

	if (s->n == s->cap) {
		__u8 *d = realloc(s->data, (s->cap ? 2 * s->cap : 16) * each);

		if (!d)
			return -ENOMEM;
		s->data = d, s->cap = s->cap ? 2 * s->cap : 16;
	}
	memcpy(s->data + s->n * each, key, s->klen);
	memcpy(s->data + s->n * each + s->klen, val, s->vlen);
	s->n++;
	return 0;
}

static int step(struct run *st);

/* Runs steps from st->pc until FOREND (FOR_DONE), the block's end or the
 * stretch's step budget. */
static int run_stretch(struct run *st)
{
	int rc = 0;

	for (st->budget = TV_MAX_STEPS; !rc && st->budget; st->budget--) {
		st->res->steps++;
		rc = step(st);
	}
	return rc ? rc : STOP;
}

/* The body runs once per entry of a snapshot taken first (the body may
 * change the map), with $kv = (key, value) at S[o]; as in the kernel, each
 * entry's body has its own step budget, and so has what follows the loop. */
HANDLER(MFOR)
{
	const struct tv_mapdesc *d = &st->vm->img->maps[v[0]].d;
	struct snapshot s = {.klen = tv_key_span(d),
			     .vlen = tv_store_val_size(st->vm->store, v[0])};
	__u32 body = st->pc + 1, after = st->pc + (__u32)v[2] + 1, voff = tv_for_val_off(d);
	__u8 *kv = sp(st, v[1], voff + tv_for_val_size(d));
	int rc = 0;

	if (!kv || !st->vm->store || ++st->for_runs > TV_FOR_RUNS)
		return kv && st->vm->store ? STOP : -EINVAL;
	rc = st->vm->store->ops->each(st->vm->store, (__u32)v[0], snap_one, &s);
	for (size_t i = 0; !rc && i < s.n && !st->for_break; i++) {
		const __u8 *e = s.data + i * (s.klen + s.vlen);

		memset(kv, 0, voff + tv_for_val_size(d));
		memcpy(kv, e, d->key_size);
		memcpy(kv + voff, e + s.klen, tv_for_val_size(d)); /* tv_agg: v first */
		st->pc = body;
		rc = run_stretch(st);
		rc = rc == FOR_DONE ? 0 : rc;
	}
	free(s.data);
	st->for_break = 0;
	st->next = after;
	st->budget = TV_MAX_STEPS + 1; /* the loop's own step is counted already */
	return rc;
}

HANDLER(FOREND)
{
	st->for_break = v[0] == 1;
	return FOR_DONE;
}

/* ---- the loop --------------------------------------------------------------- */

static int step(struct run *st)
{
	const struct tv_image *img = st->vm->img;
	const struct tv_insn *in;
	__s64 v[TV_MAX_OPERANDS];
	int rc;

	if (st->pc >= img->ninsns)
		return -EINVAL;
	in = &img->insns[st->pc];
	if (st->pc + tv_op_is_wide(in->op) >= img->ninsns || tv_insn_get(in, v) < 0)
		return -EINVAL;
	st->next = st->pc + 1 + tv_op_is_wide(in->op);
	/* Generated from opcodes.def: an opcode without a handler does not
	 * compile. */
	switch (in->op) {
#define OP(n, f, d)                                                                                \
	case TV_OP_##n:                                                                            \
		rc = op_##n(st, v);                                                                \
		break;
#include "bytecode/opcodes.def"
#undef OP
	default: return -EINVAL;
	}
	st->pc = st->next;
	return rc;
}

int tv_vm_run(struct tv_vm *vm, __u32 probe, const struct tv_vm_ctx *ctx, struct tv_vm_result *res)
{
	static const struct tv_vm_ctx no_ctx;
	struct tv_vm_result ignored;
	struct run st = {
	    .vm = vm, .ctx = ctx ? ctx : &no_ctx, .res = res ? res : &ignored, .probe = probe};
	int rc = 0;

	if (!vm || probe >= vm->img->nprobes)
		return -EINVAL;
	memset(st.res, 0, sizeof(*st.res));
	memset(vm->r, 0, sizeof(vm->r));
	memset(vm->s, 0, sizeof(vm->s));
	st.pc = vm->img->probes[probe].pc;
	/* Every executed instruction counts, EXIT and a faulting one
	 * included; past the budget the block just ends. */
	rc = run_stretch(&st);
	return rc < 0 ? rc : 0;
}

/* ---- life cycle ------------------------------------------------------------ */

struct tv_vm *tv_vm_new(const struct tv_image *img, struct tv_store *store, tv_record_fn on_record,
			void *arg)
{
	struct tv_vm *vm;

	if (!img)
		return NULL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return NULL;
	vm->img = img;
	vm->store = store;
	vm->on_record = on_record;
	vm->arg = arg;
	vm->start_ns = vm_host_nsecs();
	vm->rand_state = (vm->start_ns ^ ((__u64)getpid() << 32)) | 1;
	vm_host_comm(vm->comm);
	return vm;
}

void tv_vm_free(struct tv_vm *vm)
{
	free(vm);
}

void tv_vm_set_start(struct tv_vm *vm, __u64 start_ns)
{
	vm->start_ns = start_ns;
}

const __u64 *tv_vm_regs(const struct tv_vm *vm)
{
	return vm->r;
}

const void *tv_vm_scratch(const struct tv_vm *vm)
{
	return vm->s;
}
