/* watchpoint:ADDRESS:LENGTH:MODE, a hardware breakpoint as a perf event run
 * by tv_perf: in the traced process (-p, -c) the address is one of its
 * own and only it is watched; without one it is a kernel address, watched
 * on every CPU.
 *
 * A watchpoint on a function's argument (watchpoint:BIN:FUNC[:N]:LENGTH:MODE
 * as the frontend names it, TV_PROBE_DEFERRED) is attached later, by
 * tv_kernel_watch, when its setup uprobe has sent the address. */
#include <ctype.h>
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-side/internal.h"

static int bad_target(const struct kattach *a, struct tv_err *err)
{
	return tv_err_set(err, 0,
			  "probe '%s': expected watchpoint:ADDRESS:LENGTH:MODE (MODE of r, w, x), "
			  "as watchpoint:0x10000000:8:rw",
			  a->probe);
}

/* LENGTH:MODE (all of spec) into attr. */
static int len_mode(const struct kattach *a, const char *spec, struct perf_event_attr *attr,
		    struct tv_err *err)
{
	char *end, mode[8] = "";
	unsigned long long len;
	int n = 0;

	if (!isdigit((unsigned char)spec[0]))
		return bad_target(a, err);
	len = strtoull(spec, &end, 10);
	if (*end != ':' || sscanf(end + 1, "%7[rwx]%n", mode, &n) != 1 || end[1 + n])
		return bad_target(a, err);
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return tv_err_set(err, 0, "probe '%s': the length must be 1, 2, 4 or 8, not %llu",
				  a->probe, len);
	*attr = (struct perf_event_attr){
	    .size = sizeof(*attr), .type = PERF_TYPE_BREAKPOINT, .sample_period = 1, .bp_len = len};
	for (const char *m = mode; *m; m++)
		attr->bp_type |= *m == 'r'   ? HW_BREAKPOINT_R
				 : *m == 'w' ? HW_BREAKPOINT_W
					     : HW_BREAKPOINT_X;
	if ((attr->bp_type & HW_BREAKPOINT_X) && attr->bp_type != HW_BREAKPOINT_X)
		return tv_err_set(err, 0,
				  "probe '%s': execution cannot be watched with reads or writes",
				  a->probe);
	if (attr->bp_type == HW_BREAKPOINT_X)
		attr->bp_len = sizeof(long); /* the kernel wants one word for x */
	return 0;
}

static bool deferred(const struct tv_kernel *k, const struct kattach *a)
{
	return k->img && a->index < k->img->nprobes &&
	       (k->img->probes[a->index].flags & TV_PROBE_DEFERRED);
}

static int watch_attr(const struct tv_kernel *k, const struct kattach *a,
		      struct perf_event_attr *attr, struct tv_err *err)
{
	const char *c2 = strrchr(a->target, ':'), *c1 = c2;
	unsigned long long addr;
	char *end;
	int rc;

	while (c1 && c1 > a->target && c1[-1] != ':')
		c1--;
	if (!c2 || c1 <= a->target)
		return bad_target(a, err);
	if ((rc = len_mode(a, c1, attr, err)) || deferred(k, a))
		return rc; /* the address comes with the setup's record */
	errno = 0;
	addr = strtoull(a->target, &end, 0);
	if (errno || end == a->target || end != c1 - 1)
		return bad_target(a, err);
	if (addr % attr->bp_len && attr->bp_type != HW_BREAKPOINT_X)
		return tv_err_set(/* the debug registers watch aligned words */
				  err, 0,
				  "probe '%s': the address must be a multiple of the length",
				  a->probe);
	attr->bp_addr = addr;
	return 0;
}

int kcheck_watchpoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	struct perf_event_attr attr;

	return watch_attr(k, a, &attr, err);
}

static int open_in_target(struct tv_kernel *k, struct perf_event_attr *attr,
			  const struct kattach *a, struct tv_err *err)
{
	int pfd = kattach_perf_open(attr, k->target_pid, -1);

	if (pfd == -ENOSPC)
		return tv_err_set(err, 0, "probe '%s': no debug register is free", a->probe),
		       -ENOSPC;
	if (pfd < 0)
		return tv_err_set(err, 0, "probe '%s': perf_event_open for pid %d failed: %s%s",
				  a->probe, k->target_pid, strerror(-pfd),
				  pfd == -EINVAL && attr->bp_type == HW_BREAKPOINT_R
				      ? " (this CPU watches reads only with writes: rw)"
				      : "");
	return kattach_perf_link(k, KPROG_tv_perf, pfd, a, err);
}

int kattach_watchpoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	struct perf_event_attr attr;
	int rc = watch_attr(k, a, &attr, err);

	if (rc)
		return rc;
	if (k->target_pid <= 0)
		return kattach_perf_cpus(k, &attr, false, a, err);
	return open_in_target(k, &attr, a, err);
}

int tv_kernel_watch(struct tv_kernel *k, __u32 probe, __u64 addr, struct tv_err *err)
{
	const char *target = NULL;
	struct kattach a = {NULL, NULL, kcookie(k, probe), probe};
	struct perf_event_attr attr;
	int rc;

	if (!k->img || probe >= k->img->nprobes ||
	    !(k->img->probes[probe].flags & TV_PROBE_DEFERRED))
		return tv_err_set(err, 0, "no function watchpoint has probe index %u", probe);
	a.probe = k->img->probes[probe].attach;
	tv_probe_type_of(a.probe, &target);
	a.target = target;
	if (!k->watched && !(k->watched = calloc(k->img->nprobes, sizeof(*k->watched))))
		return tv_err_set(err, 0, "out of memory");
	if (k->watched[probe] == addr)
		return 0;
	if ((rc = watch_attr(k, &a, &attr, err)))
		return rc;
	attr.bp_addr = addr;
	if ((rc = open_in_target(k, &attr, &a, err)))
		return rc;
	k->links[k->nlinks - 1].watch = true;
	k->links[k->nlinks - 1].watch_addr = addr;
	k->watched[probe] = addr;
	return 0;
}

void tv_kernel_unwatch(struct tv_kernel *k, __u64 addr)
{
	int n = 0;

	for (int i = 0; i < k->nlinks; i++) {
		struct link *l = &k->links[i];

		if (!l->watch || l->watch_addr != addr) {
			k->links[n++] = *l;
			continue;
		}
		close(l->link_fd);
		if (l->perf_fd >= 0)
			close(l->perf_fd);
	}
	k->nlinks = n;
}
