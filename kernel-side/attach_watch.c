/* watchpoint:ADDRESS:LENGTH:MODE, a hardware breakpoint as a perf event run
 * by tv_perf: in the traced process (-p, -c) the address is one of its
 * own and only it is watched; without one it is a kernel address, watched
 * on every CPU. */
#include <ctype.h>
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-side/internal.h"

static int watch_attr(const struct kattach *a, struct perf_event_attr *attr, struct tv_err *err)
{
	char *end, mode[8] = "";
	unsigned long long addr, len;
	int n = 0;

	errno = 0;
	addr = strtoull(a->target, &end, 0);
	if (errno || end == a->target || *end != ':' || !isdigit((unsigned char)end[1]))
		goto bad;
	len = strtoull(end + 1, &end, 10);
	if (*end != ':' || sscanf(end + 1, "%7[rwx]%n", mode, &n) != 1 || end[1 + n])
		goto bad;
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return tv_err_set(err, 0, "probe '%s': the length must be 1, 2, 4 or 8, not %llu",
				  a->probe, len);
	if (addr % len) /* the debug registers watch aligned words */
		return tv_err_set(
		    err, 0, "probe '%s': the address must be a multiple of the length", a->probe);
	*attr = (struct perf_event_attr){.size = sizeof(*attr),
					 .type = PERF_TYPE_BREAKPOINT,
					 .sample_period = 1,
					 .bp_addr = addr,
					 .bp_len = len};
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
bad:
	return tv_err_set(err, 0,
			  "probe '%s': expected watchpoint:ADDRESS:LENGTH:MODE (MODE of r, w, x), "
			  "as watchpoint:0x10000000:8:rw",
			  a->probe);
}

int kcheck_watchpoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	struct perf_event_attr attr;

	(void)k;
	return watch_attr(a, &attr, err);
}

int kattach_watchpoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	struct perf_event_attr attr;
	int rc = watch_attr(a, &attr, err), pfd;

	if (rc)
		return rc;
	if (k->target_pid <= 0)
		return kattach_perf_cpus(k, &attr, false, a, err);
	pfd = kattach_perf_open(&attr, k->target_pid, -1);
	if (pfd < 0)
		return tv_err_set(err, 0, "probe '%s': perf_event_open for pid %d failed: %s%s",
				  a->probe, k->target_pid, strerror(-pfd),
				  pfd == -EINVAL && attr.bp_type == HW_BREAKPOINT_R
				      ? " (this CPU watches reads only with writes: rw)"
				      : "");
	return kattach_perf_link(k, KPROG_tv_perf, pfd, a, err);
}
