/* The one generic tracevm BPF object: thin entry programs per program type,
 * all running the same bytecode interpreter (interp.h) through bpf_loop. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bytecode/bytecode.h"
#include "kernel-side/bpf/maps.h"
#include "kernel-side/bpf/interp.h"

char LICENSE[] SEC("license") = "GPL";

/* Tracepoint entries: one program cannot be attached twice to the same
 * tracepoint, so a second session on it gets another copy of this one
 * (loaded on demand from the same code). */
SEC("tracepoint")
int tv_tp(void *ctx)
{
	return tv_run(ctx, TV_CTX_TP, bpf_get_attach_cookie(ctx));
}

SEC("raw_tp")
int tv_rawtp(void *ctx)
{
	return tv_run(ctx, TV_CTX_RAW, bpf_get_attach_cookie(ctx));
}

SEC("kprobe")
int tv_kprobe(struct pt_regs *ctx)
{
	return tv_run(ctx, TV_CTX_REGS, bpf_get_attach_cookie(ctx));
}

SEC("perf_event")
int tv_perf(void *ctx)
{
	return tv_run(ctx, TV_CTX_PERF, bpf_get_attach_cookie(ctx));
}

/* BPF_PROG_TEST_RUN entry: ctx_in is { block index, context words... },
 * since a test run has no attach cookie. */
SEC("raw_tp")
int tv_test(__u64 *ctx)
{
	__u64 block;

	if (bpf_probe_read_kernel(&block, sizeof(block), ctx))
		return 0;
	return tv_run(ctx, TV_CTX_TEST, block);
}
