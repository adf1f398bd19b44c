/* The kernel-side bytecode interpreter: one bpf_loop step per instruction,
 * one handler per opcode of bytecode/opcodes.def.  Handlers return NEXT
 * (fall through to pc + 1), JUMPED (pc already set) or STOP. */
#ifndef TV_BPF_INTERP_H
#define TV_BPF_INTERP_H

enum tv_ctx_kind { TV_CTX_TP, TV_CTX_RAW, TV_CTX_REGS, TV_CTX_PERF, TV_CTX_TEST };
/* AGGREGATE, MAP_OP and FAULTED are finished after the switch, so the
 * verifier walks one copy of their paths, not one per opcode. */
enum { NEXT, STOP, JUMPED, AGGREGATE, MAP_OP, FAULTED, BUILTIN_VAL, FOR_NEXT };

struct loopctx {
	void *ctx;
	struct tv_state *st;
	__u32 kind;
};

/* Zeros for variable-length clears (bpf_probe_read_kernel from .rodata). */
static const __u8 zeros[TV_SCRATCH] = {};

#define S(st, off) (&(st)->scratch[(off) & (TV_SCRATCH - 1)])
#define R(st, r) ((st)->regs[(r) & (TV_NREGS - 1)])
#define HANDLER(name)                                                                              \
	static __always_inline int k_##name(struct loopctx *lc, struct tv_state *st,               \
					    const struct tv_insn *in)
#define LO(in) ((__u32)(in)->imm & 0xffff)
#define HI(in) ((__u32)(in)->imm >> 16)

/* Helper sizes stay u64 and are clamped right before the call: a u32
 * clamp lets clang drop the bound the verifier needs. */
static __always_inline __u64 clamp_len(__u64 len, __u64 max)
{
	if (len > max)
		len = max;
	asm volatile("" : "+r"(len));
	return len;
}

static __always_inline struct tv_sess *session(struct tv_state *st)
{
	__u32 s = st->sess;

	return bpf_map_lookup_elem(&sessions, &s);
}

static __always_inline __u64 batch_flags(void *rb, __u8 kind)
{
	if (kind == TV_REC_upid) /* the process may end soon: its maps are read now */
		return BPF_RB_FORCE_WAKEUP;
	if (kind != TV_REC_printf)
		return 0;
	return bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) > TV_RINGBUF_SIZE / 4 ? BPF_RB_FORCE_WAKEUP
									      : BPF_RB_NO_WAKEUP;
}

/* Send st->out: the header filled here, n payload bytes already after it. */
static __always_inline int send(struct tv_state *st, __u8 kind, __u16 id, __u64 n)
{
	struct tv_rec *h = (void *)st->out;
	struct tv_sess *ss;
	__u32 s = st->sess;
	void *rb;

	h->kind = kind;
	h->pad = 0;
	h->id = id;
	h->len = n;
	h->block = st->probe;
	rb = bpf_map_lookup_elem(&rings, &s);
	/* printf records are batched: no wake-up each (the reader polls every
	 * few ms) until a quarter of the ring is waiting; others wake it now */
	if (rb && !bpf_ringbuf_output(rb, st->out, sizeof(*h) + n, batch_flags(rb, kind)))
		return NEXT;
	ss = session(st);
	if (ss)
		__sync_fetch_and_add(&ss->lost, 1);
	return NEXT;
}

static __always_inline int emit(struct tv_state *st, __u8 kind, __u16 id, __u32 off, __u32 len)
{
	__u64 n = clamp_len(len, TV_SCRATCH);

	if (n)
		bpf_probe_read_kernel(st->out + sizeof(struct tv_rec), n, S(st, off));
	return send(st, kind, id, n);
}

/* The first user stack or address of a process tells the host, which
 * reads the process's mappings while it lives; returns pid. */
static __always_inline __u32 note_pid(struct tv_state *st, __u32 pid)
{
	struct tv_upid key = {.id = st->sess << 16, .pid = pid};
	__u64 v = pid;
	__u8 one = 1;

	if (bpf_map_lookup_elem(&upids, &key))
		return pid;
	bpf_map_update_elem(&upids, &key, &one, BPF_ANY);
	__builtin_memcpy(st->out + sizeof(struct tv_rec), &v, 8);
	send(st, TV_REC_upid, 0, 8);
	return pid;
}

/* gen: the slot owner the probe was attached for.  A slot is given to
 * the next session as soon as its data is gone, while the previous
 * owner's links are still being closed (tens of ms each); those links
 * carry the old generation and run nothing. */
static __always_inline int start_block(struct tv_state *st, __u32 gidx, __u32 gen)
{
	struct tv_sess *ss;
	struct tv_block *b;
	__u32 sess;

	gidx &= TV_MAX_SESSIONS * TV_MAX_BLOCKS - 1;
	b = bpf_map_lookup_elem(&blocks, &gidx);
	if (!b)
		return 0;
	sess = b->sess & (TV_MAX_SESSIONS - 1);
	ss = bpf_map_lookup_elem(&sessions, &sess);
	if (!ss || !ss->running || ss->gen != gen)
		return 0; /* stopped, or a link of an earlier owner */
	st->pc = b->pc;
	st->sess = sess;
	st->base = st->sess * TV_MAX_INSNS;
	st->probe = b->probe;
	st->gen = gen;
	st->next = b->next;
	for (int i = 0; i < TV_NREGS; i++)
		st->regs[i] = 0;
	return 1;
}

/* A faulting read: counted, and its pc reported only when the host prints
 * each one (-kk): a record nobody prints takes ring buffer room from those
 * that are (20 faults an event lost 90% of the printf records).  The read
 * gave zeros (the helpers clear what they could not read) and the block
 * goes on, as bpftrace's reads do. */
static __always_inline int fault(struct tv_state *st)
{
	struct tv_sess *ss = session(st);
	__u64 pc = st->pc;

	if (ss)
		__sync_fetch_and_add(&ss->faults, 1);
	if (ss && ss->helper_checks >= 2) {
		__builtin_memcpy(S(st, TV_SCRATCH - 8), &pc, 8);
		emit(st, TV_REC_fault, 0, TV_SCRATCH - 8, 8);
	}
	return NEXT;
}

/* The -k level that reports a failure of op's map helper (its CHECKS
 * row); above any level for the others. */
static __always_inline __u32 check_level(__u8 op)
{
	switch (op) {
#define OP(n, o, d)
#define CHECKS(n, helper, level)                                                                   \
	case TV_OP_##n:                                                                            \
		return level;
#include "bytecode/opcodes.def"
#undef CHECKS
#undef OP
	default: return 3;
	}
}

/* A map helper of the instruction at pc failed with rc (0: a lookup's
 * miss): a helper_error record when the session's -k level asks for it,
 * as bpftrace's -k warns; the block goes on either way. */
static __always_inline void helper_error(struct tv_state *st, __u8 op, __s64 rc)
{
	struct tv_sess *ss = session(st);
	__u64 v[2] = {st->pc, (__u64)rc};

	if (!ss || ss->helper_checks < check_level(op))
		return;
	__builtin_memcpy(st->out + sizeof(struct tv_rec), v, sizeof(v));
	send(st, TV_REC_helper_error, 0, sizeof(v));
}

#include "kernel-side/bpf/ops.h"

#include "kernel-side/bpf/forloop.h"

/* The shared tails of the opcodes that deferred their work. */
static __always_inline int finish_step(struct loopctx *lc, struct tv_state *st,
				       const struct tv_insn *in, int r)
{
	if (r == FOR_NEXT)
		return for_next(st);
	if (r == BUILTIN_VAL) {
		__u64 v = builtin_value(lc, st, in->b);

		if (in->op == TV_OP_BUILTIN) {
			R(st, in->a) = v;
			return NEXT;
		}
		/* COUNTB: the value is the key, at scratch 0 */
		*(__u64 *)S(st, 0) = v;
		r = defer_agg(st, in->a, 0, 0);
	}
	if (r == AGGREGATE)
		return aggregate(st, st->agg_map, st->agg_off, (__s64)st->agg_x);
	if (r == MAP_OP)
		return map_op(st, in);
	return fault(st); /* FAULTED */
}

static long tv_step(__u64 i, void *arg)
{
	struct loopctx *lc = arg;
	struct tv_state *st = lc->st;
	__u32 idx = st->base + (st->pc & (TV_MAX_INSNS - 1));
	const struct tv_insn *in = bpf_map_lookup_elem(&insns, &idx);
	int r;

	if (!in)
		return 1;
	switch (in->op) {
#define OP(name, operands, doc)                                                                    \
	case TV_OP_##name:                                                                         \
		r = k_##name(lc, st, in);                                                          \
		break;
#include "bytecode/opcodes.def"
#undef OP
	default: return 1;
	}
	if (r > JUMPED) /* most steps end at NEXT: one compare for them */
		r = finish_step(lc, st, in, r);
	if (r == NEXT)
		st->pc++;
	return r == STOP;
}

/* One stretch of steps; a for loop's entry (or its end) stops it with
 * st->again set, and the next round goes on where it left. */
static long tv_round(__u64 i, void *arg)
{
	struct loopctx *lc = arg;

	(void)i;
	lc->st->again = 0;
	bpf_loop(TV_MAX_STEPS, tv_step, lc, 0);
	return !lc->st->again;
}

static __always_inline int tv_run(void *ctx, __u32 kind, __u64 cookie)
{
	__u32 zero = 0, d, *dp = bpf_map_lookup_elem(&depth, &zero);
	struct tv_state *st;

	if (!dp || *dp >= TV_NEST)
		return 0;
	d = *dp;
	*dp = d + 1;
	st = bpf_map_lookup_elem(&state, &d);
	if (st && start_block(st, (__u32)cookie, cookie >> 32)) {
		struct loopctx lc = {.ctx = ctx, .st = st, .kind = kind};

		st->cookie = cookie;
		st->for_runs = 0;
#ifdef TV_BOUNDED_STEPS
		/* measured alternative to bpf_loop (see bench/verifier.sh) */
		for (int i = 0; i < TV_BOUNDED_STEPS; i++)
			if (tv_step(i, &lc))
				break;
#else
		bpf_loop(TV_FOR_ROUNDS, tv_round, &lc, 0);
#endif
	}
	*dp = d;
	return 0;
}

#endif
