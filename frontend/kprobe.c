/* What bpftrace 0.17 refuses in a kprobe or kretprobe attach point before
 * it asks the kernel anything: so the same script gets the same error on
 * a kernel with kprobes and on one without. */
#include <string.h>

#include "frontend/lower.h"

/* Kernel functions a kretprobe would deadlock on (bpftrace's list: the
 * kernel does not mark them notrace). */
static const char *const banned_kretprobes[] = {
    "_raw_spin_lock",
    "_raw_spin_lock_irqsave",
    "_raw_spin_unlock_irqrestore",
    "queued_spin_lock_slowpath",
};

bool fe_kprobe_refused(struct lower *L, const struct fe_node *at, int type, const char *target)
{
	const char *name = tv_probe_types[type].name;

	if (type != TV_PT_kprobe && type != TV_PT_kretprobe)
		return false;
	/* one argument: the function (kprobe:mod:func came after 0.17) */
	if (!at->text[strcspn(at->text, ":")] || strchr(target, ':')) {
		fe_error(L, at, "%s probe type requires 1 argument", name);
		return true;
	}
	for (size_t i = 0; i < sizeof(banned_kretprobes) / sizeof(*banned_kretprobes); i++) {
		if (type == TV_PT_kretprobe && !strcmp(target, banned_kretprobes[i])) {
			fe_error(L, at,
				 "error: %s:%s can't be used as it might lock up your system.",
				 name, target);
			return true;
		}
	}
	return false;
}
