/* Stacks as bpftrace prints them: a newline, then one frame a line,
 * symbol+offset indented (by 4 in map keys, 8 elsewhere), or in perf's
 * mode a tab, the address, the symbol and, for user frames, the file. */
#include <inttypes.h>

#include "host-helpers/internal.h"

#define MAX_FRAMES 127

static void frame_name(struct tv_out *o, __u64 v, bool kernel, __u64 ip, char *sym, size_t n)
{
	bool perf = tv_stack_mode(v) & TV_STACK_PERF;

	if (kernel) {
		if (!o->ksyms)
			o->ksyms = tvh_ksyms_new();
		tvh_ksym_format(o->ksyms, ip, sym, n, true);
		return;
	}
	if (!o->usyms)
		o->usyms = tvh_usyms_new();
	tvh_usym_format(o->usyms, tv_stack_pid(v), ip, sym, n,
			TVH_SYM_OFFSET | (perf ? TVH_SYM_MODULE : 0));
}

void tvh_print_stack(struct tv_out *o, FILE *f, __u64 v, bool kernel, int indent)
{
	__u64 ips[MAX_FRAMES];
	char sym[512];
	int depth = tv_stack_mode(v) & TV_STACK_DEPTH, id = tv_stack_id(v), n = 0;

	if (id >= 0 && o->read_stack)
		n = o->read_stack(o->stack_arg, (__u64)id, kernel, ips, depth ? depth : MAX_FRAMES);
	fputc('\n', f);
	for (int i = 0; i < n; i++) {
		frame_name(o, v, kernel, ips[i], sym, sizeof(sym));
		if (tv_stack_mode(v) & TV_STACK_PERF)
			fprintf(f, "\t%" PRIx64 " %s\n", (uint64_t)ips[i], sym);
		else
			fprintf(f, "%*s%s\n", indent, "", sym);
	}
}
