/* kernel-side: the pinned generic interpreter, the session's tables in its
 * maps, probe attachment with cookies, records and maps read back. */
#ifndef TV_KERNEL_H
#define TV_KERNEL_H

#include "bytecode/bytecode.h"

struct tv_kernel;

struct tv_kernel_info {
	int cold;	      /* 1 when this process loaded and verified the object */
	__u32 session;	      /* session slot */
	__u64 cookie0;	      /* attach cookie of probe 0; probe i has cookie0 + i */
	__u32 verified_insns; /* of the tracepoint program, when this run loaded it */
	double load_ms;	      /* time spent in load + verify (cold only) */
	const char *pin_dir;  /* this build's pins (valid while k is) */
};

/* libbpf's own messages on stderr (a failed load's verifier log): off
 * unless on; tracevm's errors say what failed either way. */
void tv_kernel_set_verbose(bool on);
/* uaddr()'s symbol lookup (a tv_usym_fn): kernel-side reads the ELF files
 * of uprobes anyway. */
int tv_kernel_usym(const char *attach, const char *sym, struct tv_usym *out, struct tv_err *err);

/* The USDT locations of a binary (a tv_usdt_fn). */
int tv_kernel_usdt_list(const char *bin, tv_usdt_each_fn each, void *arg, struct tv_err *err);

/* The process -p or -c names: usdt probes and watchpoints on a user
 * address attach to it alone (0, the default: usdt in every process, the
 * watched address a kernel one).  Uprobes stay on every process, as
 * bpftrace 0.17 attaches them. */
void tv_kernel_set_target(struct tv_kernel *k, int pid);
/* --unsafe: images may call system() and signal() (refused at load if not). */
void tv_kernel_set_unsafe(struct tv_kernel *k, bool on);
/* -k's level.  At 2 (-kk) the interpreter sends a record for each faulting
 * read, else it only counts them (tv_kernel_counters), and the ring buffer
 * keeps its room for the records that are printed; a CHECKS opcode's
 * failed map helper is sent at its row's level.  Before tv_kernel_load. */
void tv_kernel_set_helper_checks(struct tv_kernel *k, int level);
/* Load-or-reuse the pinned object and claim a session slot. */
int tv_kernel_open(struct tv_kernel **out, struct tv_err *err);
void tv_kernel_info(const struct tv_kernel *k, struct tv_kernel_info *info);
/* Write the image's tables into the session's slots (validated first). */
int tv_kernel_load(struct tv_kernel *k, const struct tv_image *img, struct tv_err *err);
/* Does this kernel offer f (features.def)?  Probed once, when first asked;
 * a tv_compile_opts has_feature. */
bool tv_kernel_has_feature(enum tv_feature f);
/* Can probes of type t attach here: a provider that attaches, and what
 * the type needs (probes.def) in this kernel?  For --info. */
bool tv_kernel_offers(enum tv_probe_type t);
/* Attach every kernel probe of the loaded image; returns how many.  A
 * TV_PROBE_OPTIONAL probe that cannot attach is passed to warn and
 * skipped; any other failure stops the session and returns it (the probes
 * already attached go when the session is closed). */
int tv_kernel_attach(struct tv_kernel *k, struct tv_err *err);
/* Where warnings go: a probe left out, with where the script wrote it
 * (e->line 0: none).  Set before tv_kernel_load. */
typedef void (*tv_warn_fn)(void *arg, const struct tv_err *e);
void tv_kernel_set_warn(struct tv_kernel *k, tv_warn_fn warn, void *arg);
/* Probes tv_kernel_load left out: a uprobe's function missing from its
 * binary, where another probe of the script attaches (bpftrace drops such
 * a uprobe; tracevm also warns).  Those are not attached. */
__u32 tv_kernel_left_out(const struct tv_kernel *k);

/* A function watchpoint (TV_PROBE_DEFERRED probe) on addr in the target
 * process, as its setup reported it; a repeat of the address the probe
 * took last is ignored, as bpftrace does.  -ENOSPC: no debug register is
 * free. */
int tv_kernel_watch(struct tv_kernel *k, __u32 probe, __u64 addr, struct tv_err *err);
/* unwatch(addr): every function watchpoint on addr detached (none: nothing). */
void tv_kernel_unwatch(struct tv_kernel *k, __u64 addr);

/* Detach every probe (records already sent can still be polled). */
void tv_kernel_detach(struct tv_kernel *k);
/* Maps of the loaded image, as a tv_store. */
struct tv_store *tv_kernel_store(struct tv_kernel *k);
/* Deliver pending records; waits up to timeout_ms for the first one. */
int tv_kernel_poll(struct tv_kernel *k, int timeout_ms, tv_record_fn fn, void *arg);
/* Run probe's block once through BPF_PROG_TEST_RUN with ctx as its
 * context words (at most 88 bytes). */
int tv_kernel_test_run(struct tv_kernel *k, __u32 probe, const void *ctx, size_t len,
		       struct tv_err *err);
/* The frames of a stack id (KSTACK/USTACK); returns how many, 0 if none. */
int tv_kernel_stack(struct tv_kernel *k, __u64 id, __u64 *ips, int max);
/* Faulted reads and records lost to a full ring buffer, so far. */
int tv_kernel_counters(struct tv_kernel *k, __u64 *faults, __u64 *lost);
/* Stop running the session's blocks (fast; probes stay attached). */
void tv_kernel_stop(struct tv_kernel *k);
/* Detach, drop the session's data and free its slot (detaching may finish
 * in a child process after this one has exited). */
void tv_kernel_close(struct tv_kernel *k);
/* Remove every pin of every tracevm build (no session may be running). */
int tv_kernel_cleanup(struct tv_err *err);

#endif
