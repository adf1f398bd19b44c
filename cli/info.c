/* --info: bpftrace 0.17's sections and lines, with what this build and
 * this kernel offer (the peer runner's REQUIRES_FEATURE greps them, so
 * each line must be true of tracevm, not of bpftrace). */
#include <stdio.h>
#include <sys/utsname.h>

#include "kernel-side/kernel.h"
#include "cli/cli.h"

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

static void feature_lines(FILE *f, const char *const names[][2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %s: %s\n", names[i][0],
			yes(tv_kernel_has_feature((enum tv_feature)(long)names[i][1])));
}

#define FEAT(label, id)                                                                            \
	{                                                                                          \
		label, (const char *)(long)TV_FEAT_##id                                            \
	}

static void print_helpers(FILE *f)
{
	static const char *const helpers[][2] = {
	    FEAT("probe_read", h_probe_read),
	    FEAT("probe_read_str", h_probe_read_str),
	    FEAT("probe_read_user", h_probe_read_user),
	    FEAT("probe_read_user_str", h_probe_read_user_str),
	    FEAT("probe_read_kernel", h_probe_read_kernel),
	    FEAT("probe_read_kernel_str", h_probe_read_kernel_str),
	    FEAT("get_current_cgroup_id", h_get_current_cgroup_id),
	    FEAT("send_signal", h_send_signal),
	    FEAT("override_return", h_override_return),
	    FEAT("get_boot_ns", h_get_boot_ns),
	    FEAT("dpath", h_dpath),
	    FEAT("skboutput", h_skboutput),
	};
	static const char *const maps[][2] = {
	    FEAT("hash", m_hash),
	    FEAT("percpu hash", m_percpu_hash),
	    FEAT("array", m_array),
	    FEAT("percpu array", m_percpu_array),
	    FEAT("stack_trace", m_stack_trace),
	    FEAT("perf_event_array", m_perf_event_array),
	};

	fputs("Kernel helpers\n", f);
	feature_lines(f, helpers, sizeof(helpers) / sizeof(helpers[0]));
	fputs("\nKernel features\n", f);
	/* the verifier's limit for privileged programs since bounded loops */
	fprintf(f, "  Instruction limit: %d\n",
		tv_kernel_has_feature(TV_FEAT_loops) ? 1000000 : 4096);
	fprintf(f, "  Loop support: %s\n", yes(tv_kernel_has_feature(TV_FEAT_loops)));
	fprintf(f, "  btf: %s\n", yes(tv_kernel_has_feature(TV_FEAT_btf)));
	fprintf(f, "  map batch: %s\n", yes(tv_kernel_has_feature(TV_FEAT_map_batch)));
	fprintf(f, "  uprobe refcount (depends on Build:bcc bpf_attach_uprobe refcount): %s\n",
		yes(tv_kernel_has_feature(TV_FEAT_uprobe_refcount)));
	fputs("\nMap types\n", f);
	feature_lines(f, maps, sizeof(maps) / sizeof(maps[0]));
}

/* Every probes.def row, then the lines bpftrace has for mechanisms
 * tracevm has no probe type for (iterators). */
static void print_probe_types(FILE *f)
{
	fputs("\nProbe types\n", f);
	for (int t = 0; t < TV_PT__COUNT; t++)
		fprintf(f, "  %s: %s\n", tv_probe_types[t].name,
			yes(tv_kernel_offers((enum tv_probe_type)t)));
	fputs("  iter:task: no\n  iter:task_file: no\n", f);
	fprintf(f, "  kprobe_multi: %s\n", yes(tv_kernel_has_feature(TV_FEAT_kprobe_multi)));
	fprintf(f, "  uprobe_multi: %s\n", yes(tv_kernel_has_feature(TV_FEAT_uprobe_multi)));
}

void tv_print_info(FILE *f)
{
	struct utsname u;

	if (uname(&u))
		u = (struct utsname){"?", "?", "?", "?", "?", ""};
	fprintf(f, "System\n  OS: %s %s %s\n  Arch: %s\n\n", u.sysname, u.release, u.version,
		u.machine);
	/* scripts compile to tracevm's bytecode: no LLVM, no bfd; libdw is
	 * linked in (frontend/dwarf.c) */
	fprintf(f,
		"Build\n  version: v%s\n  LLVM: no\n  unsafe uprobe: no\n  bfd: no\n"
		"  libdw (DWARF support): yes\n\n",
		TV_VERSION);
	print_helpers(f);
	print_probe_types(f);
}
