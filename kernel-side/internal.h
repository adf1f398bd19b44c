/* kernel-side internals: not for other modules. */
#ifndef TV_KERNEL_INTERNAL_H
#define TV_KERNEL_INTERNAL_H

#include <stdbool.h>

#include "kernel-side/kernel.h"
#include "kernel-side/bpf/maps.h"

/* The pinned maps, in pin order.  ORDER KMAP */
#define TV_KMAPS(X)                                                            \
	X(insns) X(blocks) X(mapdescs) X(consts) X(sessions) X(state) X(depth) \
	    X(agg_s) X(agg_l) X(val_s) X(val_l) X(stacks) X(rings) X(agg_scalar)
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

struct link {
	int link_fd, perf_fd;
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
	__u32 slot;
	bool have_slot;
	int ring_fd;
	struct ring_buffer *rb;
	const struct tv_image *img;
	struct link *links;
	int nlinks;
	struct kstore store;
	tv_record_fn on_record;
	void *on_record_arg;
	int ncpus;
	struct tv_kernel_info info;
};

/* pin.c */
int kpin_lock(struct tv_kernel *k);
void kpin_unlock(struct tv_kernel *k);
int kpin_open_maps(struct tv_kernel *k, struct tv_err *err);
int kpin_prog(struct tv_kernel *k, enum kprog p, int copy, struct tv_err *err);
bool kpin_session_alive(const struct tv_sess *s);
__u64 kpin_pid_start(__u32 pid);
/* session.c */
int ksession_purge(struct tv_kernel *k, __u32 slot);
int kmap_delete_where(int fd, __u32 id, __u32 mask);
/* attach.c */
void kattach_detach_all(struct tv_kernel *k);
/* store.c */
void kstore_init(struct tv_kernel *k);
void kstore_scalar_purge(struct tv_kernel *k, __u32 slot);

#endif
