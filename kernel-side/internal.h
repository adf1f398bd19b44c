/* kernel-side internals: not for other modules. */
#ifndef TV_KERNEL_INTERNAL_H
#define TV_KERNEL_INTERNAL_H

#include <stdbool.h>

#include "kernel-side/kernel.h"
#include "kernel-side/bpf/maps.h"

/* The pinned maps, in pin order.  ORDER KMAP */
#define TV_KMAPS(X)                                                                                \
	X(insns)                                                                                   \
	X(blocks)                                                                                  \
	X(mapdescs)                                                                                \
	X(consts)                                                                                  \
	X(sessions) X(state) X(depth) X(agg_s) X(agg_l) X(val_s) X(val_l) X(stacks) X(rings)       \
	    X(agg_scalar) X(upids) X(tags) X(agg_x) X(val_x)
enum kmap {
#define X(n) KMAP_##n,
	TV_KMAPS(X)
#undef X
	    KMAP__COUNT
};

/* The entry programs, one per program type.  ORDER KPROG */
#define TV_KPROGS(X) X(tv_tp) X(tv_rawtp) X(tv_kprobe) X(tv_perf) X(tv_test)
enum kprog {
#define X(n) KPROG_##n,
	TV_KPROGS(X)
#undef X
	    KPROG__COUNT
};
#define TV_PROG_COPIES 8 /* sessions that can share one tracepoint */
_Static_assert(KPROG__COUNT *TV_PROG_COPIES <= TV_PROG_TAGS, "one tag a pinned program");

struct link {
	int link_fd, perf_fd;
	bool watch;	  /* a function watchpoint's breakpoint, which unwatch() removes */
	__u64 watch_addr; /* ... on this address */
};

struct kstore {
	struct tv_store base;
	struct tv_kernel *k;
};

struct tv_kernel {
	char dir[96];
	int lock_fd, lock_depth;
	int map_fd[KMAP__COUNT];
	int prog_fd[KPROG__COUNT][TV_PROG_COPIES];
	__u32 slot, gen;
	int target_pid; /* -p, -c: the process of usdt probes and user watchpoints */
	bool have_slot, unsafe;
	int helper_checks; /* -k's level: written into the session's entry at load */
	int ring_fd;
	struct ring_buffer *rb;
	const struct tv_image *img;
	tv_warn_fn warn;
	void *warn_arg;
	bool *left_out; /* by probe index: load left it out (tv_kernel_left_out) */
	__u32 nleft_out;
	struct link *links;
	int nlinks;
	struct kstore store;
	tv_record_fn on_record;
	void *on_record_arg;
	int ncpus;
	struct tv_kernel_info info;
	/* uprobe and usdt targets as resolved by their check before anything
	 * is attached, by probe index (path NULL: not resolved); attach uses
	 * them rather than reading the ELF file again */
	struct kutarget {
		char *path;
		__u64 off, ref_ctr; /* file offsets: the probe, its usdt semaphore (or 0) */
	} * utargets;
	__u64 *watched; /* by probe index: the address a deferred watchpoint last took */
};

/* pin_trust.c: nothing is reused or removed through a link, nor reused
 * unless it is what this build pins (owner, mode, the object itself). */
/* bpffs at path, opened (-ENOTDIR: something else is there) */
int ktrust_open_bpffs(const char *path);
bool ktrust_dir(int bpffs, const char *name);
/* name under bpffs: a link or file itself, or a directory and its pins */
int ktrust_remove(int bpffs, const char *name);
bool ktrust_map(const char *dir, const char *name, enum kmap m, int fd);
bool ktrust_prog(const char *dir, const char *name, enum kprog p, const __u8 *tag, int fd);
/* a slot's pinned ring buffer: the one the rings table holds for it */
bool ktrust_ring(const char *dir, const char *name, int fd, int rings_fd, __u32 slot);
/* pin.c */
int kpin_lock(struct tv_kernel *k);
void kpin_unlock(struct tv_kernel *k);
/* Mark this process as a reaper until it exits (a descriptor, or -errno). */
int kpin_reaping(void);
/* Wait up to ms for every reaper to be done (true when they are): the
 * attach points they still hold are free then. */
bool kpin_wait_reapers(int ms);
#define KATTACH_REAP_WAIT_MS 2000
int kpin_open_maps(struct tv_kernel *k, struct tv_err *err);
int kpin_prog(struct tv_kernel *k, enum kprog p, int copy, struct tv_err *err);
bool kpin_session_alive(const struct tv_sess *s);
/* A process's start time (0: no such process; KPIN_START_UNKNOWN: it
 * could not be read). */
#define KPIN_START_UNKNOWN (~0ull)
__u64 kpin_pid_start(__u32 pid);
/* session.c */
int ksession_purge(struct tv_kernel *k, __u32 slot);
/* A probe's attach cookie: its block, and the slot generation it is for. */
static inline __u64 kcookie(const struct tv_kernel *k, __u32 probe)
{
	return (__u64)k->gen << 32 | (k->slot * TV_MAX_BLOCKS + probe);
}
int kmap_delete_where(int fd, __u32 id, __u32 mask);
/* mapkeys.c: the keys of a shared data map whose id matches `id` under
 * `mask`, each once, collected before any is used (deleting while walking
 * met keys the probes made again, and never ended). */
struct kkeys {
	char *keys;
	__u32 n, cap, size;
};
int kmap_keys_where(int fd, __u32 id, __u32 mask, struct kkeys *out);
void kkeys_free(struct kkeys *k);
int kchain_build(const struct tv_image *img, int *next, bool *first);
/* attach.c: one probe to attach, as its provider sees it */
struct kattach {
	const char *probe;  /* the whole attach point, for messages */
	const char *target; /* what follows "provider:" */
	__u64 cookie;
	__u32 index; /* the probe's index in the image */
};
typedef int (*kattach_fn)(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
typedef int (*kcheck_fn)(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
/* attach_uprobe.c: the binary and the function resolve (kept in
 * k->utargets for the attach) */
int kcheck_uprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_uretprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
/* attach.c: every check of k->img's probes, before any attach */
int kattach_check_all(struct tv_kernel *k, struct tv_err *err);
struct perf_event_attr;

void kattach_detach_all(struct tv_kernel *k);
/* A small file (sysfs) into buf, NUL-terminated: bytes read or -errno. */
int kattach_read_small(const char *path, char *buf, size_t size);
#define KPROBE_PMU "/sys/bus/event_source/devices/kprobe"
#define UPROBE_PMU "/sys/bus/event_source/devices/uprobe"
/* a dynamic PMU's type and (ret) its return-probe bit, into attr */
int kattach_pmu(const char *dir, bool ret, struct perf_event_attr *attr);
/* features.c: an error naming what the kernel lacks and what to use instead */
int kfeature_check(enum tv_feature f, const struct kattach *a, struct tv_err *err);
/* perf_event_open(2): the fd, or -errno */
int kattach_perf_open(struct perf_event_attr *attr, int pid, int cpu);
/* Link prog to the perf event pfd with the probe's cookie; pfd is owned
 * from here on (kept with the link, or closed on failure). */
int kattach_perf_link(struct tv_kernel *k, enum kprog prog, int pfd, const struct kattach *a,
		      struct tv_err *err);
/* Keep link_fd (and perf_fd, or -1) until detach; on failure both are closed. */
int kattach_add_link(struct tv_kernel *k, int link_fd, int perf_fd, const struct kattach *a,
		     struct tv_err *err);
/* attach_tp.c */
int kattach_tracepoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kattach_rawtp(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_tracepoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_rawtp(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
/* BPF_RAW_TRACEPOINT_OPEN with a cookie (-errno on failure) */
int kattach_raw_tp_open(const char *name, int prog_fd, __u64 cookie);
/* attach_perf.c */
int kattach_interval(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kattach_profile(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kattach_software(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kattach_hardware(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_interval(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_profile(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_software(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_hardware(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
/* The event on the first or on every online CPU. */
int kattach_perf_cpus(struct tv_kernel *k, struct perf_event_attr *attr, bool first_only,
		      const struct kattach *a, struct tv_err *err);
/* attach_watch.c */
int kattach_watchpoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_watchpoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
/* attach_usdt.c */
int kattach_usdt(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_usdt(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
/* attach_uprobe.c; the ELF helpers are also attach_usdt.c's */
typedef struct Elf Elf;
/* A binary as bpftrace finds it: a path with '/', else in $PATH or a
 * library directory (libc: libc.so.6); path gets PATH_MAX bytes. */
int kuprobe_resolve_binary(const char *bin, char *path);
/* The ELF file at path (fd kept open with it; -2 in fd: not ELF). */
Elf *kuprobe_open_elf(const char *path, int *fd);
/* A virtual address of the file as its file offset (PT_LOAD). */
int kuprobe_addr_to_offset(Elf *e, __u64 addr, __u64 *off);
/* What a check resolved for probe index (0, or -ENOMEM), and that again
 * (NULL: not resolved). */
int kutarget_keep(struct tv_kernel *k, __u32 index, const char *path, __u64 off, __u64 ref_ctr);
const struct kutarget *kutarget_of(const struct tv_kernel *k, __u32 index);
/* A uprobe (ret: uretprobe) at off in path, its reference counter (a
 * USDT semaphore) at file offset ref_ctr_off or 0, in process pid (or
 * every one: -1), linked for probe a. */
int kuprobe_open(struct tv_kernel *k, const struct kattach *a, const char *path, __u64 off,
		 bool ret, __u64 ref_ctr_off, int pid, struct tv_err *err);
int kattach_uprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kattach_uretprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
/* attach_kprobe.c */
int kattach_kprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kattach_kretprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_kprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_kretprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
int kcheck_kfunc(struct tv_kernel *k, const struct kattach *a, struct tv_err *err);
/* store.c */
void kstore_init(struct tv_kernel *k);
void kstore_scalar_purge(struct tv_kernel *k, __u32 slot);

#endif
