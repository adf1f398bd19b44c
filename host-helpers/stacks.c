/* Stacks as bpftrace prints them: one frame a line, kernel frames as
 * symbol+offset, user frames as addresses (symbols come with ELF support). */
#include "host-helpers/internal.h"

#define MAX_FRAMES 127

void tvh_print_stack(struct tv_out *o, FILE *f, __u64 id, bool kernel, int indent)
{
	__u64 ips[MAX_FRAMES];
	char sym[256];
	int n = o->read_stack ? o->read_stack(o->stack_arg, id, kernel, ips, MAX_FRAMES) : 0;

	if (kernel && n > 0 && !o->ksyms)
		o->ksyms = tvh_ksyms_new();
	fputc('\n', f);
	for (int i = 0; i < n; i++) {
		if (kernel)
			tvh_ksym_format(o->ksyms, ips[i], sym, sizeof(sym), true);
		else
			snprintf(sym, sizeof(sym), "0x%llx", (unsigned long long)ips[i]);
		fprintf(f, "%*s%s\n", indent, "", sym);
	}
}
