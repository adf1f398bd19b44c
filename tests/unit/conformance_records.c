/* Conformance of what a block sends or does to the process: EMIT of
 * every record kind, USYM and SIGNAL. */
#include "tests/unit/conformance.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* EMIT of every record kind, lengths 0 to the whole scratch, at the
 * scratch edges; the EMIT after EXIT is never sent; the block field names
 * the probe. */
static void conformance_emit(void **state)
{
	/* clang-format off */
	static const struct {
		unsigned kind, id, off, len;
	} emits[] = {
	    {TV_REC_printf, 0, 0, 0},	   {TV_REC_print, 1, TV_SCRATCH - 8, 8},
	    {TV_REC_clear, 2, 824, 200},  {TV_REC_zero, 3, 0, TV_SCRATCH},
	    {TV_REC_exit, 4, TV_SCRATCH - 1, 1}, {TV_REC_time, 5, 3, 7},
	    {TV_REC_system, 6, 100, 255}, {TV_REC_cat, 7, 512, 512},
	    {TV_REC_fault, 0, 8, 8},	   {TV_REC_printf, 7, 1000, 0},
	    {TV_REC_join, 1, 0, TV_JOIN_ARGS * TV_STR_MAX},
	    {TV_REC_upid, 0, 16, 8},	   {TV_REC_value, 2, 24, 16},
	    {TV_REC_watch, 0, 40, 16},	   {TV_REC_unwatch, 0, 64, 8},
	    {TV_REC_helper_error, 0, 80, 16},
	};
	/* clang-format on */
	__u8 pat[128];
	int p1, kpat;

	(void)state;
	need_kernel();
	assert_int_equal(TV_REC__COUNT, 15); /* a new kind needs a row above */
	for (unsigned i = 0; i < sizeof(pat); i++)
		pat[i] = (__u8)(i * 5 + 3);
	begin("emit");
	kpat = kconst(pat, sizeof(pat));
	for (unsigned o = 0; o < TV_SCRATCH; o += 128)
		I(SCONST, kpat, o);
	I(ARG, 1, 0);
	I(ST, 1, U8, 8);
	I(ST, 1, U8, 500);
	I(ST, 1, U8, TV_SCRATCH - 8);
	for (unsigned i = 0; i < NELEM(emits); i++)
		I(EMIT, emits[i].kind, emits[i].id, emits[i].off, emits[i].len);
	I(EXIT);
	I(EMIT, TV_REC_exit, 0, 0, 8);
	I(EXIT);
	p1 = I(NOP);
	I(SZERO, 0, 8); /* see conformance_fresh_scratch */
	I(EMIT, TV_REC_printf, 3, 0, 8);
	I(EXIT);
	probe_at(0);
	probe_at(p1);
	probe_at(0);
	load();
	run(0, CTX(0x0123456789abcdefull));
	assert_int_equal(G.vr.n + G.vr.upids, NELEM(emits));
	assert_int_equal(G.kr.upids, G.vr.upids);
	run(1, zero_ctx);
	assert_int_equal(G.kr.v[0].h.block, 1);
	run(2, CTX((__u64)-1));
	assert_int_equal(G.kr.v[0].h.block, 2);
	run(0, CTX(0));
	finish();
}

/* USYM: the address and this process. */
static void conformance_usym(void **state)
{
	__u64 pid = (__u64)getpid();

	(void)state;
	need_kernel();
	begin("usym");
	I(LDW, 4, 0x7fff12345678ll), I(USYM, 4, 400);
	I(EMIT, TV_REC_printf, 0, 400, 16);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_memory_equal(G.vr.v[0].p, "\x78\x56\x34\x12\xff\x7f\0\0", 8);
	assert_memory_equal(G.vr.v[0].p + 8, &pid, 8);
	finish();
}

/* SIGNAL 0 sends nothing, and the block goes on. */
static void conformance_signal(void **state)
{
	(void)state;
	need_kernel();
	begin("signal");
	I(MOVI, 5, 0), I(SIGNAL, 5);
	I(MOVI, 6, 0x66), out(6);
	flush(0);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_int_equal(word(&G.vr.v[0], 0), 0x66);
	finish();
}

/* Waits (up to 5 s) for process pid to be stopped, then resumes it. */
static bool resume_when_stopped(pid_t pid)
{
	char path[64], buf[512], *state;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 5000; i++, usleep(1000)) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = 0;
		if ((state = strrchr(buf, ')')) && state[1] == ' ' && state[2] == 'T')
			return !kill(pid, SIGCONT);
	}
	return false;
}

/* STOPPROC stops the current process: the kernel's run stops this one
 * until a watcher resumes it (the vm's does nothing: it runs no user
 * code); then the block goes on. */
static void conformance_stopproc(void **state)
{
	pid_t self = getpid(), w;
	int status = -1;

	(void)state;
	need_kernel();
	begin("stopproc");
	I(STOPPROC);
	I(MOVI, 6, 0x77), out(6);
	flush(0);
	I(EXIT);
	load();
	w = fork();
	if (w == 0)
		_exit(resume_when_stopped(self) ? 0 : 1);
	assert_true(w > 0);
	run(0, zero_ctx);
	waitpid(w, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(word(&G.vr.v[0], 0), 0x77);
	finish();
}

int conformance_records_group(void)
{
	const struct CMUnitTest tests[] = {
	    T(conformance_emit),
	    T(conformance_usym),
	    T(conformance_signal),
	    T(conformance_stopproc),
	};

	return RUN_GROUP("conformance_records", tests);
}
