/* vm: the user-space interpreter of tracevm images.  It runs BEGIN and END
 * blocks, and it is the reference the kernel-side interpreter must match. */
#ifndef TV_VM_H
#define TV_VM_H

#include "bytecode/bytecode.h"

/* The probe context a block sees: `data` is what CTX reads at byte
 * offsets (a tracepoint record); ARG n reads the n-th 8-byte word of it.
 * Reads past `len` fault.  A NULL ctx is an empty one (len 0). */
struct tv_vm_ctx {
	const void *data;
	size_t len;
	__u64 cookie; /* what BUILTIN cookie returns */
	__u64 retval; /* what RETVAL returns */
};

struct tv_vm_result {
	__u32 steps;	/* instructions executed, EXIT and a faulting one
			 * included; TV_MAX_STEPS when the budget ended it */
	int fault;	/* 1 when a memory read faulted */
	__u32 fault_pc; /* the faulting instruction */
};

struct tv_vm;
/* on_record (bytecode.h's tv_record_fn) is called for every record a
 * block emits (printf, exit, ...), and for the fault record when a memory
 * read fails (kind TV_REC_fault, id 0, payload the faulting pc as a
 * little-endian u64).  hdr->block is the probe index.  A negative return
 * ends the block and tv_vm_run returns it. */
struct tv_vm *tv_vm_new(const struct tv_image *img, struct tv_store *store, tv_record_fn on_record,
			void *arg);
void tv_vm_free(struct tv_vm *vm);
/* Nanosecond base for BUILTIN elapsed (defaults to the vm's creation). */
void tv_vm_set_start(struct tv_vm *vm, __u64 start_ns);
/* Run the block of probe `probe` (index into img->probes) on a validated
 * image.  Returns 0 (also after a fault or when the step budget ends the
 * block) or -errno: -EINVAL for a bad probe index or a malformed image
 * (bad operands, jumps, scratch ranges; never a crash), a store error
 * other than -ENOENT, or the record callback's negative return.  `res`
 * may be NULL. */
int tv_vm_run(struct tv_vm *vm, __u32 probe, const struct tv_vm_ctx *ctx, struct tv_vm_result *res);
/* Registers (TV_NREGS) and scratch (TV_SCRATCH bytes) as the last run
 * left them, for tests and tracing the interpreter. */
const __u64 *tv_vm_regs(const struct tv_vm *vm);
const void *tv_vm_scratch(const struct tv_vm *vm);

/* Maps held in user space (uthash), with the kernel maps' semantics; the
 * store keeps a pointer to img, which must outlive it.  Its lookup takes
 * a NULL val (existence check only).  Free it with s->ops->free(s). */
struct tv_store *tv_vm_store_new(const struct tv_image *img);

#endif
