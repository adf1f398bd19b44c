/* What this kernel offers (features.def), probed the first time it is
 * asked and remembered: only the features a script's probe types need
 * cost anything, and the same binary uses them where a kernel has them. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <bpf/libbpf.h>

#include "kernel-side/internal.h"

#define TV_VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define UPROBE_PMU "/sys/bus/event_source/devices/uprobe"
/* BPF_TRACE_UPROBE_MULTI (Linux 6.6) is newer than Debian 12's headers */
#define TV_BPF_TRACE_UPROBE_MULTI 48

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

static bool probe_btf(void)
{
	return access(TV_VMLINUX_BTF, R_OK) == 0;
}

/* r0 = 0; loop: r0 += 1; if r0 < 4 goto loop; exit: a back jump, which
 * verifiers before 5.3 refuse */
static bool probe_loops(void)
{
	const struct bpf_insn prog[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
	    {.code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_0, .imm = 1},
	    {.code = BPF_JMP | BPF_JLT | BPF_K, .dst_reg = BPF_REG_0, .off = -2, .imm = 4},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, NULL, "GPL", prog, 4, NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* an empty hash map: ENOENT from a kernel with batches, EINVAL before */
static bool probe_map_batch(void)
{
	__u32 keys[1], values[1], count = 1, out;
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 4, 1, NULL), rc;

	if (fd < 0)
		return false;
	rc = bpf_map_lookup_batch(fd, NULL, &out, keys, values, &count, NULL);
	close(fd);
	return rc == -ENOENT || rc == 0;
}

static bool probe_uprobe_refcount(void)
{
	char buf[64];

	return kattach_read_small(UPROBE_PMU "/format/ref_ctr_offset", buf, sizeof(buf)) > 0;
}

/* A kprobe program made for the multi attach type, linked to what cannot
 * be there: kernels that know the type say so by their error (ENOENT for
 * the symbol, EBADF for a path that is no file), older ones EINVAL. */
static bool probe_multi_link(enum bpf_attach_type type, const struct bpf_link_create_opts *lo,
			     int want)
{
	const struct bpf_insn ret0[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, po, .expected_attach_type = type);
	int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", ret0, 2, &po), lfd;

	if (fd < 0)
		return false;
	lfd = bpf_link_create(fd, -1, type, lo);
	close(fd);
	if (lfd >= 0)
		close(lfd);
	return lfd == want;
}

static bool probe_kprobe_multi(void)
{
	const char *syms[] = {"tv_no_such_kernel_function"};
	LIBBPF_OPTS(bpf_link_create_opts, lo, .kprobe_multi.syms = syms, .kprobe_multi.cnt = 1);

	return probe_kprobe() && probe_multi_link(BPF_TRACE_KPROBE_MULTI, &lo, -ENOENT);
}

/* Debian 12's libbpf has no uprobe_multi options: the kernel's attr,
 * laid out as Linux 6.6 reads it (path, offsets, ref_ctr_offsets, cookies,
 * cnt, flags, pid after prog_fd, target_fd, attach_type, flags). */
static bool probe_uprobe_multi(void)
{
	const struct bpf_insn ret0[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, po, .expected_attach_type = TV_BPF_TRACE_UPROBE_MULTI);
	__u64 offset = 0;
	union bpf_attr attr;
	int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", ret0, 2, &po), lfd;
	__u64 *u;

	if (fd < 0)
		return false;
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = fd;
	attr.link_create.target_fd = -1;
	attr.link_create.attach_type = TV_BPF_TRACE_UPROBE_MULTI;
	u = (__u64 *)((char *)&attr.link_create.flags + sizeof(attr.link_create.flags));
	u[0] = (__u64)(unsigned long)"/"; /* path: a directory, EBADF */
	u[1] = (__u64)(unsigned long)&offset;
	((__u32 *)&u[4])[0] = 1; /* cnt */
	lfd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	lfd = lfd < 0 ? -errno : lfd;
	close(fd);
	if (lfd >= 0)
		close(lfd);
	return lfd == -EBADF;
}

static bool helper(enum bpf_prog_type type, enum bpf_func_id id)
{
	return libbpf_probe_bpf_helper(type, id, NULL) == 1;
}

/* the helpers as bpftrace --info asks for them: from the program types
 * tracevm loads (d_path and skb_output exist for fentry programs alone) */
#define HELPER(name, type, id)                                                                     \
	static bool probe_h_##name(void) { return helper(BPF_PROG_TYPE_##type, BPF_FUNC_##id); }
HELPER(probe_read, TRACEPOINT, probe_read)
HELPER(probe_read_str, TRACEPOINT, probe_read_str)
HELPER(probe_read_user, TRACEPOINT, probe_read_user)
HELPER(probe_read_user_str, TRACEPOINT, probe_read_user_str)
HELPER(probe_read_kernel, TRACEPOINT, probe_read_kernel)
HELPER(probe_read_kernel_str, TRACEPOINT, probe_read_kernel_str)
HELPER(get_current_cgroup_id, TRACEPOINT, get_current_cgroup_id)
HELPER(send_signal, TRACEPOINT, send_signal)
HELPER(override_return, KPROBE, override_return)
HELPER(get_boot_ns, TRACEPOINT, ktime_get_boot_ns)
HELPER(dpath, TRACING, d_path)
HELPER(skboutput, TRACING, skb_output)
#undef HELPER

#define MAP(name, type)                                                                            \
	static bool probe_m_##name(void)                                                           \
	{                                                                                          \
		return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_##type, NULL) == 1;                  \
	}
MAP(hash, HASH)
MAP(percpu_hash, PERCPU_HASH)
MAP(array, ARRAY)
MAP(percpu_array, PERCPU_ARRAY)
MAP(stack_trace, STACK_TRACE)
MAP(perf_event_array, PERF_EVENT_ARRAY)
#undef MAP

static bool (*const probes[TV_FEAT__COUNT])(void) = {
    [TV_FEAT_none] = probe_none,
    [TV_FEAT_kprobe] = probe_kprobe,
    [TV_FEAT_pmu] = probe_pmu,
    [TV_FEAT_fentry] = probe_fentry,
    [TV_FEAT_rawtp_cookie] = probe_rawtp_cookie,
    [TV_FEAT_btf] = probe_btf,
    [TV_FEAT_loops] = probe_loops,
    [TV_FEAT_map_batch] = probe_map_batch,
    [TV_FEAT_uprobe_refcount] = probe_uprobe_refcount,
    [TV_FEAT_kprobe_multi] = probe_kprobe_multi,
    [TV_FEAT_uprobe_multi] = probe_uprobe_multi,
#define H(name) [TV_FEAT_h_##name] = probe_h_##name,
    H(probe_read) H(probe_read_str) H(probe_read_user) H(probe_read_user_str)
    H(probe_read_kernel) H(probe_read_kernel_str) H(get_current_cgroup_id) H(send_signal)
    H(override_return) H(get_boot_ns) H(dpath) H(skboutput)
#undef H
#define M(name) [TV_FEAT_m_##name] = probe_m_##name,
    M(hash) M(percpu_hash) M(array) M(percpu_array) M(stack_trace) M(perf_event_array)
#undef M
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
