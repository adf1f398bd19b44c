/* frontend/btf.c, the BTF reader: a hand-built blob (typedefs, anonymous
 * unions, bitfields, arrays, a typedef loop), every truncation and byte
 * flip of it (no read out of bounds: run under `make asan`), and this
 * kernel's vmlinux BTF.  Then the compiler on struct access: the loads it
 * emits (size, sign, offsets) and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/btf.h>

#include "assembler/assembler.h"
#include "frontend/btf.h"
#include "frontend/frontend.h"

/* ---- a small blob --------------------------------------------------------- */

#define INFO(kind, kflag, vlen) ((kflag) << 31 | (kind) << 24 | (vlen))

/* "\0int\0char\0foo\0a\0x\0y\0bits\0name\0foo_t\0loop\0loop2\0p" */
enum {
	S_INT = 1,
	S_CHAR = 5,
	S_FOO = 10,
	S_A = 14,
	S_X = 16,
	S_Y = 18,
	S_BITS = 20,
	S_NAME = 25,
	S_FOO_T = 30,
	S_LOOP = 36,
	S_LOOP2 = 41,
	S_P = 47
};
static const char strs[] = "\0int\0char\0foo\0a\0x\0y\0bits\0name\0foo_t\0loop\0loop2\0p";

/* ids: 1 int, 2 char, 3 foo *, 4 struct foo, 5 anonymous union, 6 char[8],
 * 7 typedef foo_t, 8 and 9 typedefs of each other */
static const __u32 types[] = {
    S_INT,
    INFO(BTF_KIND_INT, 0, 0),
    4,
    BTF_INT_SIGNED << 24 | 32,
    S_CHAR,
    INFO(BTF_KIND_INT, 0, 0),
    1,
    8,
    0,
    INFO(BTF_KIND_PTR, 0, 0),
    4,
    S_FOO,
    INFO(BTF_KIND_STRUCT, 1, 5),
    32,
    S_A,
    1,
    0,
    0,
    5,
    32,
    S_BITS,
    1,
    3u << 24 | 98,
    S_NAME,
    6,
    128,
    S_P,
    3,
    192,
    0,
    INFO(BTF_KIND_UNION, 0, 2),
    4,
    S_X,
    1,
    0,
    S_Y,
    2,
    0,
    0,
    INFO(BTF_KIND_ARRAY, 0, 0),
    0,
    2,
    1,
    8,
    S_FOO_T,
    INFO(BTF_KIND_TYPEDEF, 0, 0),
    4,
    S_LOOP,
    INFO(BTF_KIND_TYPEDEF, 0, 0),
    9,
    S_LOOP2,
    INFO(BTF_KIND_TYPEDEF, 0, 0),
    8,
};

static size_t blob(__u8 *buf)
{
	struct btf_header h = {.magic = BTF_MAGIC,
			       .version = 1,
			       .hdr_len = sizeof(h),
			       .type_off = 0,
			       .type_len = sizeof(types),
			       .str_off = sizeof(types),
			       .str_len = sizeof(strs)};

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), types, sizeof(types));
	memcpy(buf + sizeof(h) + sizeof(types), strs, sizeof(strs));
	return sizeof(h) + sizeof(types) + sizeof(strs);
}

static __u8 buf[sizeof(struct btf_header) + sizeof(types) + sizeof(strs)];

static void test_blob_types_and_members(void **state)
{
	char err[128];
	size_t len = blob(buf);
	struct fe_btf *b = fe_btf_from_mem(buf, len, err, sizeof(err));
	struct fe_btf_member m;
	struct fe_btf_type t;

	(void)state;
	assert_non_null(b);
	assert_int_equal(fe_btf_find(b, "foo", false), 4);
	assert_int_equal(fe_btf_find(b, "foo", true), -1);
	assert_int_equal(fe_btf_find(b, "nope", false), -1);
	/* a typedef resolves to the struct */
	assert_int_equal(fe_btf_type(b, 7, &t), 0);
	assert_int_equal(t.kind, TV_BTF_STRUCT);
	assert_int_equal(t.id, 4);
	assert_int_equal(t.size, 32);
	assert_string_equal(t.name, "foo");
	/* members: through the anonymous union, bitfields, arrays, pointers */
	assert_int_equal(fe_btf_member(b, 4, "a", &m), 0);
	assert_int_equal(m.bit_off, 0);
	assert_int_equal(fe_btf_member(b, 4, "y", &m), 0);
	assert_int_equal(m.bit_off, 32);
	assert_int_equal(m.type, 2);
	assert_int_equal(fe_btf_member(b, 4, "bits", &m), 0);
	assert_int_equal(m.bit_off, 98);
	assert_int_equal(m.bit_size, 3);
	assert_int_equal(fe_btf_member(b, 4, "name", &m), 0);
	assert_int_equal(fe_btf_type(b, m.type, &t), 0);
	assert_int_equal(t.kind, TV_BTF_ARRAY);
	assert_int_equal(t.nelems, 8);
	assert_int_equal(t.size, 8);
	assert_int_equal(fe_btf_member(b, 4, "p", &m), 0);
	assert_int_equal(fe_btf_type(b, m.type, &t), 0);
	assert_int_equal(t.kind, TV_BTF_PTR);
	assert_int_equal(t.ref, 4);
	assert_int_equal(fe_btf_member(b, 4, "nope", &m), -1);
	assert_int_equal(fe_btf_member(b, 1, "a", &m), -1); /* not a struct */
	/* ints and their sign */
	assert_int_equal(fe_btf_type(b, 1, &t), 0);
	assert_true(t.kind == TV_BTF_INT && t.sign && t.size == 4);
	assert_int_equal(fe_btf_type(b, 2, &t), 0);
	assert_true(t.kind == TV_BTF_INT && !t.sign && t.size == 1);
	/* a typedef loop and ids out of range are errors, void is void */
	assert_int_equal(fe_btf_type(b, 8, &t), -1);
	assert_int_equal(fe_btf_type(b, 10, &t), -1);
	assert_int_equal(fe_btf_type(b, 0xffffffff, &t), -1);
	assert_int_equal(fe_btf_type(b, 0, &t), 0);
	assert_int_equal(t.kind, TV_BTF_VOID);
	fe_btf_close(b);
}

/* Whatever the reader accepts, lookups stay inside the blob. */
static void probe_all(struct fe_btf *b)
{
	struct fe_btf_member m;
	struct fe_btf_type t;

	fe_btf_find(b, "foo", false);
	fe_btf_find(b, "zzz", true);
	for (__u32 id = 0; id < 12; id++) {
		fe_btf_type(b, id, &t);
		fe_btf_member(b, id, "bits", &m);
		fe_btf_member(b, id, "y", &m);
	}
}

static void test_blob_truncated_and_flipped(void **state)
{
	size_t len = blob(buf);
	char err[128];
	int refused = 0;

	(void)state;
	for (size_t n = 0; n < len; n++) {
		__u8 *copy = malloc(n ? n : 1);
		struct fe_btf *b;

		memcpy(copy, buf, n);
		b = fe_btf_from_mem(copy, n, err, sizeof(err));
		refused += !b;
		if (b)
			probe_all(b);
		fe_btf_close(b);
		free(copy);
	}
	assert_true(refused > 0);
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit += 3) {
			__u8 *copy = malloc(len);
			struct fe_btf *b;

			memcpy(copy, buf, len);
			copy[i] ^= (__u8)(1u << bit);
			b = fe_btf_from_mem(copy, len, err, sizeof(err));
			if (b)
				probe_all(b);
			fe_btf_close(b);
			free(copy);
		}
}

static void test_not_btf(void **state)
{
	char err[128] = "";

	(void)state;
	assert_null(fe_btf_from_mem("hello world, not BTF at all", 27, err, sizeof(err)));
	assert_non_null(strstr(err, "not a BTF blob"));
	assert_null(fe_btf_open("/nonexistent/vmlinux", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/vmlinux"));
}

static void test_vmlinux(void **state)
{
	char err[256];
	struct fe_btf *b = fe_btf_open(TV_BTF_VMLINUX, err, sizeof(err));
	struct fe_btf_member m;
	struct fe_btf_type t;
	int task;

	(void)state;
	assert_non_null(b);
	task = fe_btf_find(b, "task_struct", false);
	assert_true(task > 0);
	assert_int_equal(fe_btf_member(b, (__u32)task, "pid", &m), 0);
	assert_int_equal(fe_btf_type(b, m.type, &t), 0); /* pid_t: a typedef of int */
	assert_true(t.kind == TV_BTF_INT && t.sign && t.size == 4);
	assert_int_equal(fe_btf_member(b, (__u32)task, "comm", &m), 0);
	assert_int_equal(fe_btf_type(b, m.type, &t), 0);
	assert_true(t.kind == TV_BTF_ARRAY && t.nelems == 16);
	assert_true(fe_btf_find(b, "sock", false) > 0);
	fe_btf_close(b);
}

/* ---- the compiler on struct access ----------------------------------------- */

static char *compile(const char *src, struct tv_diag *d)
{
	struct tv_image *img = tv_compile(src, "stdin", NULL, d);
	char *text = img ? tv_asm_print_str(img, NULL) : NULL;

	tv_image_free(img);
	return text;
}

static void expect_code(const char *src, const char *const *lines)
{
	struct tv_diag d;
	char *text = compile(src, &d);

	if (!text)
		fail_msg("does not compile: %s: %s", src, d.n ? d.err[0].msg : "?");
	for (; *lines; lines++)
		if (!strstr(text, *lines))
			fail_msg("%s\nhas no \"%s\" in:\n%s", src, *lines, text);
	free(text);
}

static void expect_error(const char *src, const char *msg)
{
	struct tv_diag d;
	char *text = compile(src, &d);

	if (text)
		fail_msg("compiles: %s", src);
	if (d.n < 1 || strcmp(d.err[0].msg, msg))
		fail_msg("%s\nwants: %s\ngot: %s", src, msg, d.n ? d.err[0].msg : "(none)");
}

static void test_compile_loads(void **state)
{
	(void)state;
	/* pid: a signed 4-byte load; real_parent: a pointer (u8), then its pid */
	expect_code(
	    "tracepoint:sched:sched_switch { @[curtask->real_parent->pid] = count(); }",
	    (const char *const[]){"builtin r1, curtask", "ldk r1, r1, u8", "ldk r1, r1, s4", NULL});
	/* comm: a char array, its 16 bytes read whole into scratch (as bpftrace) */
	expect_code("tracepoint:sched:sched_switch { @[curtask->comm] = count(); }",
		    (const char *const[]){"memk r1, ", ", 16", NULL});
	/* a bitfield: a one-byte load, shifted and masked */
	expect_code(
	    "tracepoint:sched:sched_switch { @ = sum(curtask->in_execve); }",
	    (const char *const[]){"ldk r1, r1, u1", "shr r1, r1, r2", "and r1, r1, r2", NULL});
	/* a variable keeps the pointer's type; a cast gives one */
	expect_code("tracepoint:sched:sched_switch { $t = (struct task_struct *)curtask; "
		    "@ = sum($t->se.vruntime); }",
		    (const char *const[]){"ld r1, u8, ", "ldk r1, r1, u8", NULL});
	/* fields of anonymous unions and structs, a union type */
	expect_code("rawtracepoint:inet_sock_set_state { @[((struct sock *)arg0)->__sk_common."
		    "skc_family, ((struct sock *)arg0)->__sk_common.skc_daddr] = count(); }",
		    (const char *const[]){"ldk r1, r1, u2", "ldk r1, r1, u4", NULL});
	expect_code("rawtracepoint:sys_enter { @ = sum(((union bpf_attr *)arg1)->map_type); }",
		    (const char *const[]){"ldk r1, r1, u4", NULL});
	/* a uprobe's pointer is into user memory */
	expect_code("uprobe:/bin/true:main { @ = sum(((struct __kernel_timespec *)arg0)->tv_nsec); "
		    "}",
		    (const char *const[]){"addi r1, r1, 8", "ldu r1, r1, s8", NULL});
	expect_code("BEGIN { printf(\"%d\\n\", sizeof(struct task_struct) > 100); exit(); }",
		    (const char *const[]){"movi r1, ", NULL});
}

static void test_compile_errors(void **state)
{
	(void)state;
	expect_error("BEGIN { @ = curtask->nope; }",
		     "Struct/union of type 'struct task_struct' does not contain a field named "
		     "'nope'");
	expect_error("BEGIN { @ = curtask.pid; }",
		     "Can not access field 'pid' on type 'struct task_struct *'. Try dereferencing "
		     "it first, or using '->'");
	expect_error("BEGIN { @ = curtask->se->vruntime; }",
		     "Can not dereference struct/union of type 'struct sched_entity'. It is not a "
		     "pointer.");
	expect_error("BEGIN { @ = ((struct nope *)0)->x; }", "Unknown struct/union: 'struct nope'");
	expect_error("BEGIN { @ = (struct task_struct)0; }",
		     "Cannot cast to struct type \"struct task_struct\"");
	expect_error("BEGIN { @ = sizeof(struct nope); }", "Unknown identifier: 'struct nope'");
	expect_error("BEGIN { $x = 1; @ = $x->y; }",
		     "Can not access field 'y' on expression of type 'unsigned int64'");
	expect_error("BEGIN { @ = curtask->se[1]; }",
		     "The array index operator [] can only be used on arrays and pointers, found "
		     "record.");
	expect_error("BEGIN { @ = curtask->comm[1]; }",
		     "The array index operator [] can only be used on arrays and pointers, found "
		     "string.");
	/* BEGIN that reads kernel memory runs in the kernel; one that does not, in the vm */
	expect_code("BEGIN { @ = curtask->pid; }",
		    (const char *const[]){".probe \"BEGIN\" kernel", NULL});
	expect_code("BEGIN { @ = pid; }", (const char *const[]){".probe BEGIN\n", NULL});
	expect_error("tracepoint:syscalls:sys_enter_getppid { @ = *curtask->signal; }",
		     "a value of 1152 bytes is too large for a map (at most 256)");
	expect_code("END { @ = curtask->se.load; }",
		    (const char *const[]){".probe \"END\" kernel", "memk", NULL});
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blob_types_and_members),
	    cmocka_unit_test(test_blob_truncated_and_flipped),
	    cmocka_unit_test(test_not_btf),
	    cmocka_unit_test(test_vmlinux),
	    cmocka_unit_test(test_compile_loads),
	    cmocka_unit_test(test_compile_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
