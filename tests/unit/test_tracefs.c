/* tracefs format files and event globbing, against this kernel's tracefs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "frontend/tracefs.h"

static void test_format_syscall(void **state)
{
	struct fe_tp_format fmt;
	struct tv_err err;
	const struct fe_tp_field *f;

	(void)state;
	assert_int_equal(fe_tracefs_read_format("syscalls", "sys_enter_openat", &fmt, &err), 0);
	assert_string_equal(fmt.f[0].name, "__syscall_nr");
	assert_true(fmt.f[0].is_signed);
	assert_int_equal(fmt.f[0].size, 4);
	f = fe_tp_field_find(&fmt, "filename");
	assert_non_null(f);
	assert_string_equal(f->type, "const char *");
	assert_int_equal(f->offset, 24);
	assert_int_equal(f->size, 8);
	assert_true(f->is_ptr);
	assert_false(f->data_loc);
	assert_null(fe_tp_field_find(&fmt, "common_pid"));
}

static void test_format_data_loc_and_arrays(void **state)
{
	struct fe_tp_format fmt;
	struct tv_err err;
	const struct fe_tp_field *f;

	(void)state;
	assert_int_equal(fe_tracefs_read_format("sched", "sched_process_exec", &fmt, &err), 0);
	f = fe_tp_field_find(&fmt, "filename");
	assert_non_null(f);
	assert_true(f->data_loc);
	assert_string_equal(f->type, "__data_loc char[]");
	assert_int_equal(fe_tracefs_read_format("sched", "sched_switch", &fmt, &err), 0);
	f = fe_tp_field_find(&fmt, "prev_comm");
	assert_non_null(f);
	assert_true(f->is_array);
	assert_string_equal(f->type, "char");
	assert_string_equal(f->dims, "[16]");
	assert_int_equal(f->size, 16);
}

static void test_format_missing(void **state)
{
	struct fe_tp_format fmt;
	struct tv_err err;

	(void)state;
	assert_int_not_equal(fe_tracefs_read_format("syscalls", "sys_enter_nope", &fmt, &err), 0);
	assert_string_equal(err.msg, "tracepoint not found: syscalls:sys_enter_nope");
}

struct seen {
	int n;
	char last[128];
	int sorted;
};

static int collect(const char *cat, const char *ev, void *arg)
{
	struct seen *s = arg;
	char name[128];

	snprintf(name, sizeof(name), "%s:%s", cat, ev);
	if (s->n && strcmp(s->last, name) >= 0)
		s->sorted = 0;
	snprintf(s->last, sizeof(s->last), "%s", name);
	s->n++;
	return 0;
}

static void test_match(void **state)
{
	struct seen s = {.sorted = 1};

	(void)state;
	assert_int_equal(fe_tracefs_match("syscalls", "sys_enter_getppid", collect, &s), 1);
	assert_string_equal(s.last, "syscalls:sys_enter_getppid");
	s = (struct seen){.sorted = 1};
	assert_true(fe_tracefs_match("syscalls", "sys_enter_open*", collect, &s) >= 2);
	assert_true(s.sorted);
	s = (struct seen){.sorted = 1};
	assert_true(fe_tracefs_match("sche?", "sched_process_e*", collect, &s) >= 2);
	assert_int_equal(fe_tracefs_match("syscalls", "sys_enter_nope", collect, &s), 0);
	assert_int_equal(fe_tracefs_match("nocat*", "*", collect, &s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_syscall),
	    cmocka_unit_test(test_format_data_loc_and_arrays),
	    cmocka_unit_test(test_format_missing),
	    cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("tracefs", tests, NULL, NULL);
}
