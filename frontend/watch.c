/* Watchpoints on a function's argument (watchpoint:FUNC+argN:LEN:MODE and
 * asyncwatchpoint:...), as bpftrace 0.17 runs them: a uprobe on FUNC in
 * the traced process (the setup) sends the argument's address to the
 * host, which attaches the watchpoint there, a probe deferred until then.
 * For watchpoint the process stops meanwhile, so that the function's own
 * access to the address is seen; asyncwatchpoint lets it run on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"

bool fe_watch_on_func(const char *target)
{
	return memchr(target, '+', strcspn(target, ":")) != NULL;
}

#define X86_64_MAX_ARG 5 /* arg0..arg5 are registers */

/* FUNC+argN:LEN:MODE into w, with bpftrace's errors (LEN and MODE are
 * checked with the attach, as for an address). */
int fe_watch_parse(struct lower *L, const struct fe_node *at, const char *type, const char *target,
		   struct fe_watch *w)
{
	const char *plus = strchr(target, '+'), *colon = strchr(target, ':'), *c2;
	char *end;

	c2 = colon ? strchr(colon + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':')) {
		fe_error(L, at, "%s probe type requires 3 arguments", type);
		return -1;
	}
	if (plus == target || plus + 1 == colon || memchr(plus + 1, '+', colon - plus - 1)) {
		fe_error(L, at, "Invalid function/address argument");
		return -1;
	}
	if (colon - plus - 1 <= 3 || strncmp(plus + 1, "arg", 3) ||
	    (w->arg = (int)strtol(plus + 4, &end, 10), end != colon)) {
		fe_error(L, at, "Invalid function argument");
		return -1;
	}
	if (!L->opts || !L->opts->watch_bin) {
		fe_error(L, at, "-p PID or -c CMD required for watchpoint");
		return -1;
	}
	if (w->arg > X86_64_MAX_ARG) {
		fe_error(L, at, "x86_64 doesn't support arg%d", w->arg);
		return -1;
	}
	snprintf(w->func, sizeof(w->func), "%.*s", (int)(plus - target), target);
	w->len_mode = colon + 1;
	return 0;
}

/* The setup's block: in the traced process only (another one running the
 * binary is no business of the watchpoint), the process stopped unless
 * async, then the address and the watchpoint's probe sent. */
int fe_gen_watch_setup(struct lower *L, __u32 watch, int arg, bool async)
{
	int pc = (int)L->img->ninsns, other;

	EMIT(L, BUILTIN, 1, TV_BI_pid);
	EMIT(L, MOVI, 2, L->opts->watch_pid);
	EMIT(L, NE, 1, 1, 2);
	other = EMIT(L, JNZ, 1, 0);
	if (!async)
		EMIT0(L, STOPPROC);
	EMIT(L, ARG, 1, arg);
	EMIT(L, ST, 1, 8, 0);
	EMIT(L, MOVI, 2, watch);
	EMIT(L, ST, 2, 8, 8);
	EMIT(L, EMIT, TV_REC_watch, 0, 0, 16);
	fe_patch(L, other);
	EMIT0(L, EXIT);
	return pc;
}
