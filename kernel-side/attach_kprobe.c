/* kprobes and kretprobes: the kprobe PMU's perf event on a kernel function
 * (FUNC or FUNC+OFFSET) for tv_kprobe, which uprobes share (pt_regs
 * context).  Kernels without kprobes are told apart by kfeature_check;
 * kfunc/kretfunc probes would need a program loaded per function. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-side/internal.h"

struct kspec {
	char func[256];
	__u64 off;
};

static int parse_kspec(const struct kattach *a, bool ret, struct kspec *s, struct tv_err *err)
{
	size_t n = strcspn(a->target, "+");
	char *end = NULL;

	if (!n || n >= sizeof(s->func))
		return tv_err_set(err, 0, "probe '%s': expected a kernel function name", a->probe);
	if (strpbrk(a->target, "*?[{"))
		return tv_err_set(err, 0, "probe '%s': wildcards in kprobe names are not supported",
				  a->probe);
	snprintf(s->func, sizeof(s->func), "%.*s", (int)n, a->target);
	s->off = 0;
	if (a->target[n]) {
		errno = 0;
		s->off = strtoull(a->target + n + 1, &end, 0);
		if (errno || end == a->target + n + 1 || *end)
			return tv_err_set(err, 0, "probe '%s': the offset must be an integer",
					  a->probe);
	}
	if (ret && s->off)
		return tv_err_set(err, 0, "probe '%s': kretprobes cannot be attached at an offset",
				  a->probe);
	return 0;
}

static int check(const struct kattach *a, bool ret, struct tv_err *err)
{
	struct kspec s;

	return kfeature_check(TV_FEAT_kprobe, a, err) ?: parse_kspec(a, ret, &s, err);
}

static int attach(struct tv_kernel *k, const struct kattach *a, bool ret, struct tv_err *err)
{
	struct perf_event_attr attr = {.size = sizeof(attr)};
	struct kspec s;
	int rc = check(a, ret, err), pfd;

	if (rc)
		return rc;
	parse_kspec(a, ret, &s, err);
	if (kattach_pmu(KPROBE_PMU, ret, &attr))
		return tv_err_set(err, 0, "probe '%s': no kprobe PMU (" KPROBE_PMU ")", a->probe);
	attr.config1 = (__u64)(unsigned long)s.func;
	attr.config2 = s.off;
	pfd = kattach_perf_open(&attr, -1, 0);
	if (pfd < 0)
		return tv_err_set(err, 0, "probe '%s': creating the kprobe failed: %s%s", a->probe,
				  strerror(-pfd),
				  pfd == -ENOENT ? " (no such kernel function)" : "");
	return kattach_perf_link(k, KPROG_tv_kprobe, pfd, a, err);
}

int kcheck_kprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	(void)k;
	return check(a, false, err);
}

int kcheck_kretprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	(void)k;
	return check(a, true, err);
}

int kattach_kprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	return attach(k, a, false, err);
}

int kattach_kretprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	return attach(k, a, true, err);
}

/* Also kfunc's attach: the check runs first and always refuses. */
int kcheck_kfunc(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	(void)k;
	return kfeature_check(TV_FEAT_fentry, a, err)
		   ?: tv_err_set(err, 0,
				 "probe '%s': kfunc probes need a BPF program loaded for each "
				 "function, which tracevm does not do yet: use kprobe:... instead",
				 a->probe);
}
