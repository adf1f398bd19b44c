/* The probe-type, perf-event and feature tables (bytecode/probes.def,
 * features.def): lookups by name and alias, the frontend asking for a
 * type's feature, and kernel-side having a provider for every type that
 * runs in the kernel.  Needs root and BPF for the last; never skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "assembler/assembler.h"
#include "frontend/frontend.h"
#include "kernel-side/kernel.h"

static void names_and_aliases_find_their_row(void **state)
{
	(void)state;
	for (int i = 0; i < TV_PT__COUNT; i++) {
		const struct tv_probe_type_info *t = &tv_probe_types[i];
		const char *names[] = {t->name, t->alias, t->alias2};

		assert_non_null(t->name);
		for (int j = 0; j < 3; j++)
			if (names[j])
				assert_int_equal(tv_probe_type_find(names[j], strlen(names[j])), i);
	}
	assert_int_equal(tv_probe_type_find("kprob", 5), -1);
	assert_int_equal(tv_probe_type_find("tracepointx", 11), -1);
}

static void attach_points_split_at_the_type(void **state)
{
	const char *target = NULL;

	(void)state;
	assert_int_equal(tv_probe_type_of("t:sched:sched_switch", &target), TV_PT_tracepoint);
	assert_string_equal(target, "sched:sched_switch");
	assert_int_equal(tv_probe_type_of("BEGIN", &target), TV_PT_BEGIN);
	assert_string_equal(target, "");
	assert_int_equal(tv_probe_type_of("fexit:vfs_read", &target), TV_PT_kretfunc);
	assert_int_equal(tv_probe_type_of("nosuch:x", NULL), -1);
	assert_int_equal(tv_probe_type_of(NULL, NULL), -1);
	assert_true(tv_probe_has("ur:/bin/sh:main", TV_PT_USER_CODE | TV_PT_RETVAL));
	assert_false(tv_probe_has("uprobe:/bin/sh:main", TV_PT_RETVAL));
	assert_true(tv_probe_has("END", TV_PT_HOST));
	assert_false(tv_probe_has("nosuch:x", 0));
}

static void perf_events_by_type(void **state)
{
	(void)state;
	assert_true(tv_nperf_events > 0);
	for (unsigned i = 0; i < tv_nperf_events; i++) {
		const struct tv_perf_event *e = &tv_perf_events[i];

		assert_true(tv_probe_types[e->type].flags & TV_PT_EVENTS);
		assert_ptr_equal(tv_perf_event_find(e->type, e->name, strlen(e->name)), e);
		if (e->alias)
			assert_ptr_equal(tv_perf_event_find(e->type, e->alias, strlen(e->alias)),
					 e);
		assert_true(e->count > 0);
	}
	assert_null(tv_perf_event_find(TV_PT_software, "cycles", 6)); /* a hardware one */
	assert_non_null(tv_perf_event_find(TV_PT_hardware, "cycles", 6));
}

static void features_say_what_to_use_instead(void **state)
{
	(void)state;
	for (int f = 1; f < TV_FEAT__COUNT; f++)
		assert_true(strlen(tv_features[f].what) > 0);
	/* a feature a probe type needs says which probe type to use instead */
	for (int t = 0; t < TV_PT__COUNT; t++)
		if (tv_probe_types[t].needs != TV_FEAT_none)
			assert_non_null(
			    strstr(tv_features[tv_probe_types[t].needs].instead, ":..."));
	assert_true(tv_kernel_has_feature(TV_FEAT_none));
	/* asked twice, the same answer (the second from what was found) */
	for (int f = 0; f < TV_FEAT__COUNT; f++)
		assert_int_equal(tv_kernel_has_feature(f), tv_kernel_has_feature(f));
}

static enum tv_feature missing = TV_FEAT_none;

static bool all_but_missing(enum tv_feature f)
{
	return f != missing;
}

/* A probe type whose feature the kernel lacks is a warning at its attach
 * point, naming what to use instead; not asked (-d), nothing is told. */
static void frontend_asks_for_the_feature(void **state)
{
	struct tv_compile_opts opts = {.has_feature = all_but_missing};
	struct tv_image *img;
	struct tv_diag d;

	(void)state;
	for (int t = 0; t < TV_PT__COUNT; t++) {
		char text[128];
		const struct tv_probe_type_info *pt = &tv_probe_types[t];

		if (pt->needs == TV_FEAT_none)
			continue;
		/* a kprobe takes one argument (bpftrace refuses two before anything) */
		snprintf(text, sizeof(text), "BEGIN { } %s:%s { }", pt->name,
			 t == TV_PT_kprobe || t == TV_PT_kretprobe ? "x" : "x:1");
		/* told, and compiled: the kernel refuses it when attached, after
		 * BEGIN (which may end the run first) */
		missing = pt->needs;
		img = tv_compile(text, "stdin", &opts, &d);
		assert_non_null(img);
		tv_image_free(img);
		assert_int_equal(d.n, 0);
		assert_int_equal(d.nwarn, 1);
		assert_int_equal(d.warn[0].col, 11);
		assert_string_equal(d.warn[0].level, "WARNING");
		assert_non_null(strstr(d.warn[0].msg, "not available on this kernel"));
		assert_non_null(strstr(d.warn[0].msg, tv_features[pt->needs].instead));
		missing = TV_FEAT_none;
		img = tv_compile(text, "stdin", &opts, &d);
		assert_non_null(img);
		assert_int_equal(d.nwarn, 0);
		tv_image_free(img);
		opts.has_feature = NULL;
		img = tv_compile(text, "stdin", &opts, &d);
		assert_non_null(img);
		tv_image_free(img);
		opts.has_feature = all_but_missing;
	}
}

/* Every type that runs in the kernel has a provider there: its check
 * speaks of the target, never of an unknown probe type. */
static void kernel_side_has_every_provider(void **state)
{
	struct tv_kernel *k;
	struct tv_err err = {0};

	(void)state;
	if (tv_kernel_open(&k, &err))
		fail_msg("tv_kernel_open: %s", err.msg);
	for (int t = 0; t < TV_PT__COUNT; t++) {
		char text[128];
		struct tv_image *img;

		if (tv_probe_types[t].flags & TV_PT_HOST)
			continue;
		snprintf(text, sizeof(text), ".probe %s:tv_no_such_target_*?\n\texit\n",
			 tv_probe_types[t].name);
		img = tv_asm_parse(text, "t.tvs", &err);
		assert_non_null(img);
		memset(&err, 0, sizeof(err));
		if (tv_kernel_load(k, img, &err))
			assert_null(strstr(err.msg, "unknown probe type"));
		tv_image_free(img);
		tv_kernel_close(k);
		if (tv_kernel_open(&k, &err))
			fail_msg("tv_kernel_open: %s", err.msg);
	}
	tv_kernel_close(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_and_aliases_find_their_row),
	    cmocka_unit_test(attach_points_split_at_the_type),
	    cmocka_unit_test(perf_events_by_type),
	    cmocka_unit_test(features_say_what_to_use_instead),
	    cmocka_unit_test(frontend_asks_for_the_feature),
	    cmocka_unit_test(kernel_side_has_every_provider),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
