/* What this kernel offers (features.def), probed the first time it is
 * asked and remembered: only the features a script's probe types need
 * cost anything, and the same binary uses them where a kernel has them. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "kernel-side/internal.h"

/* perf-based kprobes (the PMU attach uses), as libbpf probes them */
static bool probe_kprobe(void)
{
	char buf[32];

	return kattach_read_small(KPROBE_PMU "/type", buf, sizeof(buf)) > 0;
}

static bool probe_pmu(void)
{
	struct perf_event_attr attr = {
	    .size = sizeof(attr),
	    .type = PERF_TYPE_HARDWARE,
	    .config = PERF_COUNT_HW_CPU_CYCLES,
	    .disabled = 1,
	    .exclude_kernel = 1,
	};
	int fd = kattach_perf_open(&attr, 0, -1);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* A do-nothing fentry program on a kernel function, loaded and attached
 * for a moment: refused by kernels without BTF trampolines, or (EPERM)
 * by lockdown. */
static bool probe_fentry(void)
{
	static const char *const funcs[] = {"bpf_fentry_test1", "do_nanosleep"};
	const struct bpf_insn ret0[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int id = -1, fd, lfd;

	for (size_t i = 0; vmlinux && id < 0 && i < sizeof(funcs) / sizeof(funcs[0]); i++)
		id = btf__find_by_name_kind(vmlinux, funcs[i], BTF_KIND_FUNC);
	btf__free(vmlinux);
	if (id < 0)
		return false;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = id);
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", ret0, 2, &opts);
	if (fd < 0)
		return false;
	lfd = bpf_link_create(fd, 0, BPF_TRACE_FENTRY, NULL);
	close(fd);
	if (lfd < 0)
		return false;
	close(lfd);
	return true;
}

/* Kernels before 6.10 refuse the attr's cookie field (E2BIG); newer ones
 * get as far as the program fd, which -1 is not. */
static bool probe_rawtp_cookie(void)
{
	return kattach_raw_tp_open("sys_enter", -1, 1) == -EBADF;
}

static bool probe_none(void)
{
	return true;
}

static bool (*const probes[TV_FEAT__COUNT])(void) = {
    [TV_FEAT_none] = probe_none,
    [TV_FEAT_kprobe] = probe_kprobe,
    [TV_FEAT_pmu] = probe_pmu,
    [TV_FEAT_fentry] = probe_fentry,
    [TV_FEAT_rawtp_cookie] = probe_rawtp_cookie,
};

bool tv_kernel_has_feature(enum tv_feature f)
{
	static signed char known[TV_FEAT__COUNT]; /* 0: not asked yet, 1 yes, -1 no */

	if ((unsigned)f >= TV_FEAT__COUNT || !probes[f])
		return false;
	if (!known[f])
		known[f] = probes[f]() ? 1 : -1;
	return known[f] > 0;
}

int kfeature_check(enum tv_feature f, const struct kattach *a, struct tv_err *err)
{
	if (tv_kernel_has_feature(f))
		return 0;
	return tv_err_set(err, 0, "probe '%s': %s are not available on this kernel: %s", a->probe,
			  tv_features[f].what, tv_features[f].instead);
}
