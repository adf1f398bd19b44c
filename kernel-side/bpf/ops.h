/* One handler per opcode (ORDER OP is not needed: the switch in interp.h
 * is generated from opcodes.def, so a missing handler fails the build). */
#ifndef TV_BPF_OPS_H
#define TV_BPF_OPS_H

/* ---- control --------------------------------------------------------------- */
HANDLER(NOP)
{
	return NEXT;
}

HANDLER(EXIT)
{
	/* Blocks sharing one attach point run one after another. */
	if (st->next && start_block(st, st->next - 1, st->gen))
		return JUMPED;
	return STOP;
}

HANDLER(JA)
{
	st->pc += 1 + in->imm;
	return JUMPED;
}

HANDLER(JZ)
{
	if (R(st, in->a))
		return NEXT;
	st->pc += 1 + in->imm;
	return JUMPED;
}

HANDLER(JNZ)
{
	if (!R(st, in->a))
		return NEXT;
	st->pc += 1 + in->imm;
	return JUMPED;
}

HANDLER(LOOP)
{
	if (--R(st, in->a) == 0)
		return NEXT;
	st->pc = st->pc + 1 - in->imm;
	return JUMPED;
}

/* ---- registers and ALU ----------------------------------------------------- */
HANDLER(LDW)
{
	__u32 idx = st->base + ((st->pc + 1) & (TV_MAX_INSNS - 1));
	const __u64 *w = bpf_map_lookup_elem(&insns, &idx);

	if (!w)
		return STOP;
	R(st, in->a) = *w;
	st->pc += 2;
	return JUMPED;
}

/* Operand i (1 or 2) of an ALU row as its expression sees it; operands
 * is a literal, so this folds to the one read the letter names. */
static __always_inline __u64 alu_operand(struct tv_state *st, const struct tv_insn *in,
					 const char *f, int i)
{
	__u8 byte = i == 1 ? in->b : in->c;

	if (i >= (int)__builtin_strlen(f))
		return 0;
	switch (f[i]) {
	case 'r': return R(st, byte);
	case 'i': return (__u64)(__s64)in->imm;
	default: return byte;
	}
}

/* The ALU rows of opcodes.def, each its own handler. */
#define OP(n, f, d)
#define ALU(name, f, expr, doc)                                                                    \
	HANDLER(name)                                                                              \
	{                                                                                          \
		__u64 b = alu_operand(st, in, f, 1), c = alu_operand(st, in, f, 2);                \
		(void)c;                                                                           \
		R(st, in->a) = (expr);                                                             \
		return NEXT;                                                                       \
	}
#include "bytecode/opcodes.def"
#undef ALU
#undef OP

/* ---- builtins and probe context ------------------------------------------- */
/* The address a uprobe (or a uretprobe's function) was placed at: the
 * uprobe dispatcher points current->utask->vaddr at its dispatch data
 * while the programs run.  0 when the task is in no uprobe. */
static __always_inline __u64 uprobe_func_ip(void)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct uprobe_task *ut = NULL;
	unsigned long udd = 0;
	__u64 ip = 0;

	bpf_probe_read_kernel(&ut, sizeof(ut), &t->utask);
	if (ut)
		bpf_probe_read_kernel(&udd, sizeof(udd), &ut->vaddr);
	if (udd)
		bpf_probe_read_kernel(&ip, sizeof(ip),
				      &((struct uprobe_dispatch_data *)udd)->bp_addr);
	return ip;
}

/* The test entry's context starts after the block word. */
static __always_inline void *ctx_base(struct loopctx *lc)
{
	return lc->kind == TV_CTX_TEST ? (__u8 *)lc->ctx + 8 : lc->ctx;
}

static __always_inline __u64 builtin_value(struct loopctx *lc, struct tv_state *st, __u32 id)
{
	struct tv_sess *ss;
	__u64 v = 0;

	/* No default: a builtin added to builtins.def without a case here is
	 * a -Wswitch error, as in vm/. */
	switch ((enum tv_builtin)id) {
	case TV_BI_pid: v = bpf_get_current_pid_tgid() >> 32; break;
	case TV_BI_tid: v = (__u32)bpf_get_current_pid_tgid(); break;
	case TV_BI_uid: v = (__u32)bpf_get_current_uid_gid(); break;
	case TV_BI_gid: v = bpf_get_current_uid_gid() >> 32; break;
	case TV_BI_nsecs: v = bpf_ktime_get_ns(); break;
	case TV_BI_elapsed:
		ss = session(st);
		v = bpf_ktime_get_ns() - (ss ? ss->start_ns : 0);
		break;
	case TV_BI_cpu: v = bpf_get_smp_processor_id(); break;
	case TV_BI_curtask: v = bpf_get_current_task(); break;
	case TV_BI_cgroup: v = bpf_get_current_cgroup_id(); break;
	case TV_BI_rand: v = bpf_get_prandom_u32(); break;
	case TV_BI_probe: v = st->probe; break;
	case TV_BI_cookie: v = st->cookie; break;
	case TV_BI_func_ip: v = uprobe_func_ip(); break;
	case TV_BI_ctx: v = (__u64)ctx_base(lc); break;
	case TV_BI_numaid: v = bpf_get_numa_node_id(); break;
	case TV_BI__COUNT: break;
	}
	return v;
}

/* The value is read after the switch (BUILTIN_VAL), shared with COUNTB. */
HANDLER(BUILTIN)
{
	return BUILTIN_VAL;
}

HANDLER(COMM)
{
	bpf_get_current_comm(S(st, LO(in)), TV_COMM_LEN);
	return NEXT;
}

/* Where ARG n lives in each context kind. */
static __always_inline __u64 arg_offset(__u32 kind, __u32 n)
{
	if (kind == TV_CTX_REGS) {
		switch (n) {
		case 0: return __builtin_offsetof(struct pt_regs, di);
		case 1: return __builtin_offsetof(struct pt_regs, si);
		case 2: return __builtin_offsetof(struct pt_regs, dx);
		case 3: return __builtin_offsetof(struct pt_regs, cx);
		case 4: return __builtin_offsetof(struct pt_regs, r8);
		default: return __builtin_offsetof(struct pt_regs, r9);
		}
	}
	return (n & 7) * 8;
}

static __always_inline int read_sized(struct tv_state *st, __u8 r, __u8 z, const void *src,
				      int user)
{
	__u64 size = clamp_len(TV_Z_SIZE(z), 8);
	__u64 v = 0;
	long err = user ? bpf_probe_read_user(&v, size, src) : bpf_probe_read_kernel(&v, size, src);

	if (err) {
		R(st, r) = 0;
		return FAULTED;
	}
	R(st, r) = tv_extend(v, z);
	return NEXT;
}

HANDLER(CTX)
{
	return read_sized(st, in->a, in->b, (__u8 *)ctx_base(lc) + ((__u32)in->imm & 0xffff), 0);
}

HANDLER(ARG)
{
	return read_sized(st, in->a, 8, (__u8 *)ctx_base(lc) + arg_offset(lc->kind, in->b), 0);
}

HANDLER(RETVAL)
{
	__u64 off = lc->kind == TV_CTX_REGS ? __builtin_offsetof(struct pt_regs, ax) : 0;

	return read_sized(st, in->a, 8, (__u8 *)ctx_base(lc) + off, 0);
}

HANDLER(LDK)
{
	return read_sized(st, in->a, in->c, (void *)R(st, in->b), 0);
}
HANDLER(LDU)
{
	return read_sized(st, in->a, in->c, (void *)R(st, in->b), 1);
}

/* A string read: at most l - 1 bytes and a NUL, the rest of l zeroed.
 * From a kernel or user pointer in R[a], or (ctx) from the probe context
 * at byte R[a]. */
enum str_src { STR_KERNEL, STR_USER, STR_CTX };

static __always_inline int read_str(struct loopctx *lc, struct tv_state *st,
				    const struct tv_insn *in, enum str_src from)
{
	__u32 off = LO(in);
	__u64 len = clamp_len(HI(in), TV_SCRATCH), n;
	const void *src = (const void *)R(st, in->a);
	long got;

	if (!len)
		return NEXT;
	if (from == STR_CTX)
		src = (__u8 *)ctx_base(lc) + (R(st, in->a) & 0xffff);
	got = from == STR_USER ? bpf_probe_read_user_str(S(st, off), len, src)
			       : bpf_probe_read_kernel_str(S(st, off), len, src);
	if (got < 0)
		return FAULTED;
	n = clamp_len(got, len);
	if (n < len)
		bpf_probe_read_kernel(S(st, off + n), clamp_len(len - n, TV_SCRATCH), zeros);
	return NEXT;
}

HANDLER(STRK) { return read_str(lc, st, in, STR_KERNEL); }
HANDLER(STRU) { return read_str(lc, st, in, STR_USER); }
HANDLER(CTXSTR) { return read_str(lc, st, in, STR_CTX); }

/* ---- scratch ----------------------------------------------------------------- */
HANDLER(ST)
{
	__u64 v = R(st, in->a);
	__u8 *p = S(st, LO(in));

	switch (TV_Z_SIZE(in->b)) {
	case 1: *p = v; break;
	case 2: *(__u16 *)p = v; break;
	case 4: *(__u32 *)p = v; break;
	default: *(__u64 *)p = v; break;
	}
	return NEXT;
}

HANDLER(LD)
{
	__u8 *p = S(st, LO(in));
	__u64 v;

	switch (TV_Z_SIZE(in->b)) {
	case 1: v = *p; break;
	case 2: v = *(__u16 *)p; break;
	case 4: v = *(__u32 *)p; break;
	default: v = *(__u64 *)p; break;
	}
	R(st, in->a) = tv_extend(v, in->b);
	return NEXT;
}

HANDLER(SZERO)
{
	__u64 len = clamp_len(HI(in), TV_SCRATCH);

	if (len)
		bpf_probe_read_kernel(S(st, LO(in)), len, zeros);
	return NEXT;
}

HANDLER(SCOPY)
{
	__u64 len = clamp_len(in->a, 255);

	if (len)
		bpf_probe_read_kernel(S(st, LO(in)), len, S(st, HI(in)));
	return NEXT;
}

HANDLER(SCONST)
{
	__u32 idx = st->sess * TV_MAX_CONSTS + (in->a & (TV_MAX_CONSTS - 1));
	struct tv_kconst *c = bpf_map_lookup_elem(&consts, &idx);
	__u64 len;

	if (!c)
		return STOP;
	len = clamp_len(c->len, TV_CONST_MAX);
	if (len)
		bpf_probe_read_kernel(S(st, LO(in)), len, c->data);
	return NEXT;
}

struct cmpctx {
	const __u8 *a, *b;
	__s64 r;
};

static long cmp_step(__u64 i, void *arg)
{
	struct cmpctx *c = arg;

	return tv_strcmp_step(c->a, c->b, i, &c->r);
}

HANDLER(STRCMP)
{
	/* scratch + 2 * TV_SCRATCH slack: a + i stays inside for i < 256 */
	struct cmpctx c = {S(st, LO(in)), S(st, HI(in)), 0};

	bpf_loop(in->b, cmp_step, &c, 0);
	R(st, in->a) = (__u64)c.r;
	return NEXT;
}

struct strstrctx {
	const __u8 *h, *n;
	struct tv_strstr s;
};

static long strstr_step(__u64 k, void *arg)
{
	struct strstrctx *c = arg;

	(void)k;
	return tv_strstr_step(&c->s, c->h, c->n);
}

HANDLER(STRSTR)
{
	struct strstrctx c = {S(st, LO(in)), S(st, HI(in)), {.max = in->b}};

	/* each step moves i or j on: at most b + 1 of them for each i */
	if (in->b)
		bpf_loop((__u32)in->b * in->b + in->b + 1, strstr_step, &c, 0);
	R(st, in->a) = c.s.found;
	return NEXT;
}

/* buf(): a length word, then that many bytes, zeros to the slot's end. */
static __always_inline int read_buf(struct tv_state *st, const struct tv_insn *in, bool user)
{
	__u32 off = LO(in);
	__u64 room = clamp_len(HI(in), TV_STR_MAX + 8), n = R(st, in->b);
	const void *src = (const void *)R(st, in->a);
	long err = 0;

	if (room < 8)
		return NEXT;
	n = clamp_len(n, room - 8);
	bpf_probe_read_kernel(S(st, off), room, zeros);
	*(__u64 *)S(st, off) = n;
	if (n)
		err = user ? bpf_probe_read_user(S(st, off + 8), n, src)
			   : bpf_probe_read_kernel(S(st, off + 8), n, src);
	if (err < 0)
		*(__u64 *)S(st, off) = 0; /* the helper zeroed the bytes */
	return err < 0 ? FAULTED : NEXT;
}

HANDLER(BUFK)
{
	return read_buf(st, in, false);
}
HANDLER(BUFU)
{
	return read_buf(st, in, true);
}

/* A struct or array value; on a fault the helper zeroed the bytes. */
static __always_inline int read_mem(struct tv_state *st, const struct tv_insn *in, bool user)
{
	__u64 n = clamp_len(HI(in), TV_MEM_MAX);
	const void *src = (const void *)R(st, in->a);
	long err;

	if (!n)
		return NEXT;
	err = user ? bpf_probe_read_user(S(st, LO(in)), n, src)
		   : bpf_probe_read_kernel(S(st, LO(in)), n, src);
	return err < 0 ? FAULTED : NEXT;
}

HANDLER(MEMK)
{
	return read_mem(st, in, false);
}
HANDLER(MEMU)
{
	return read_mem(st, in, true);
}

#include "kernel-side/bpf/mapops.h"

/* ---- records and stacks ------------------------------------------------------ */
HANDLER(EMIT)
{
	return emit(st, in->a, in->b, LO(in), HI(in));
}

HANDLER(KSTACK)
{
	R(st, in->a) = tv_stack_value(bpf_get_stackid(lc->ctx, &stacks, 0), in->b, 0);
	return NEXT;
}

HANDLER(USTACK)
{
	__u32 pid = (__u32)(bpf_get_current_pid_tgid() >> 32);

	R(st, in->a) = tv_stack_value(bpf_get_stackid(lc->ctx, &stacks, BPF_F_USER_STACK), in->b,
				      note_pid(st, pid));
	return NEXT;
}

HANDLER(USYM)
{
	__u32 pid = (__u32)(bpf_get_current_pid_tgid() >> 32);

	*(__u64 *)S(st, LO(in)) = R(st, in->a);
	*(__u64 *)S(st, LO(in) + 8) = note_pid(st, pid);
	return NEXT;
}

HANDLER(SIGNAL)
{
	bpf_send_signal((__u32)R(st, in->a));
	return NEXT;
}

/* The process stops on its way back to user space, before the probed
 * function goes on: the host attaches the watchpoint, then sends SIGCONT. */
#define TV_SIGSTOP 19 /* x86_64's (vmlinux.h has no signal numbers) */
HANDLER(STOPPROC)
{
	(void)in;
	(void)st;
	bpf_send_signal(TV_SIGSTOP);
	return NEXT;
}

#endif
