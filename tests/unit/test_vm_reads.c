/* The user-space interpreter reading the world outside its scratch:
 * builtins (pid, time, rand, cgroup, comm), the probe context and its
 * arguments, and reads of user and kernel memory. Fixtures: vm_fixtures.h. */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "vm_fixtures.h"

/* ---- builtins ------------------------------------------------------------- */

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void test_builtins(void **state)
{
	struct tv_vm_ctx ctx = {.cookie = 0xc00c1e};
	__u64 before, after;

	(void)state;
	for (int b = 0; b < TV_BI__COUNT; b++)
		I(BUILTIN, b, b);
	I(BUILTIN, 15, TV_BI_nsecs);
	I(EXIT);
	tv_image_add_probe(F->img, "BEGIN", 0);
	tv_image_add_probe(F->img, "END", 0);
	before = now_ns();
	assert_int_equal(go_ctx(1, &ctx), 0);
	after = now_ns();
	assert_int_equal(REG(TV_BI_pid), getpid());
	assert_int_equal(REG(TV_BI_tid), gettid());
	assert_int_equal(REG(TV_BI_uid), getuid());
	assert_int_equal(REG(TV_BI_gid), getgid());
	assert_in_range(REG(TV_BI_nsecs), before, after);
	assert_in_range(REG(15), REG(TV_BI_nsecs), after);
	assert_true(REG(TV_BI_cpu) < (__u64)sysconf(_SC_NPROCESSORS_CONF));
	assert_int_equal(REG(TV_BI_curtask), 0);
	assert_true(REG(TV_BI_rand) < (1ull << 32));
	assert_int_equal(REG(TV_BI_probe), 1);
	assert_int_equal(REG(TV_BI_cookie), 0xc00c1e);
	/* elapsed counts from tv_vm_set_start */
	tv_vm_set_start(F->vm, before - 1000000);
	assert_int_equal(go_ctx(0, NULL), 0);
	assert_true(REG(TV_BI_elapsed) >= 1000000);
	assert_true(REG(TV_BI_elapsed) <= now_ns() - before + 1000000);
	assert_int_equal(REG(TV_BI_probe), 0);
	assert_int_equal(REG(TV_BI_cookie), 0);
}

/* The default start is the vm's creation. */
static void test_elapsed_default(void **state)
{
	__u64 before = now_ns();

	(void)state;
	I(BUILTIN, 1, TV_BI_elapsed);
	I(EXIT);
	go();
	assert_true(REG(1) <= now_ns() - before);
}

static void test_nsecs_monotonic(void **state)
{
	__u64 last = 0;

	(void)state;
	I(BUILTIN, 1, TV_BI_nsecs);
	I(BUILTIN, 2, TV_BI_nsecs);
	I(EXIT);
	for (int i = 0; i < 50; i++) {
		go();
		assert_true(REG(1) >= last);
		assert_true(REG(2) >= REG(1));
		last = REG(2);
	}
}

static void test_rand(void **state)
{
	__u64 first, differ = 0;

	(void)state;
	I(BUILTIN, 1, TV_BI_rand);
	I(EXIT);
	go();
	first = REG(1);
	for (int i = 0; i < 200; i++) {
		go();
		assert_true(REG(1) < (1ull << 32));
		differ |= REG(1) ^ first;
	}
	assert_true(differ != 0);
	/* 200 draws should reach the top bit somewhere */
	assert_true(differ >> 31);
}

/* Independently of the vm: the cgroup2 mount found by its fs magic. */
static __u64 my_cgroup_id(void)
{
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	char line[4096], path[8192];
	FILE *f = fopen("/proc/self/cgroup", "r");
	struct statfs sfs;
	struct stat st;
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "0::", 3);
	fclose(f);
	if (!found)
		return 0;
	line[strcspn(line, "\n")] = 0;
	for (int i = 0; i < 2; i++) {
		if (statfs(roots[i], &sfs) || sfs.f_type != 0x63677270 /* CGROUP2 */)
			continue;
		snprintf(path, sizeof(path), "%s%s", roots[i], line + 3);
		return stat(path, &st) ? 0 : st.st_ino;
	}
	return 0;
}

static void test_cgroup(void **state)
{
	__u64 want = my_cgroup_id();

	(void)state;
	I(BUILTIN, 1, TV_BI_cgroup);
	I(EXIT);
	go();
	if (!want)
		skip();
	assert_int_equal(REG(1), want);
}

static void test_comm(void **state)
{
	char want[TV_COMM_LEN] = {0}, buf[64] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	(void)state;
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	memcpy(want, buf, strnlen(buf, TV_COMM_LEN - 1));
	I(COMM, 8);
	I(EXIT);
	go();
	assert_memory_equal(SCR + 8, want, TV_COMM_LEN);
	assert_int_equal(SCR[7], 0);
	assert_int_equal(SCR[24], 0);
}

/* ---- probe context -------------------------------------------------------- */

static const __u8 ctx_bytes[24] = {
    0xff, 0x80, 0xfe, 0xff, 0xff, 0xff, 0x34, 0x12, /* word 0 */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88, /* word 1 */
    0xaa, 0xbb, 0xcc, 0xdd,			    /* ... */
};

static void test_ctx_reads(void **state)
{
	struct tv_vm_ctx ctx = {.data = ctx_bytes, .len = 20, .retval = (__u64)-5};

	(void)state;
	I(CTX, 1, U1, 0);
	I(CTX, 2, S1, 0);
	I(CTX, 3, U2, 1);
	I(CTX, 4, S2, 1);
	I(CTX, 5, S4, 2);
	I(CTX, 6, U4, 2);
	I(CTX, 7, U8, 8);
	I(CTX, 8, S4, 16);
	I(ARG, 9, 0);
	I(ARG, 10, 1);
	I(RETVAL, 11);
	I(EXIT);
	assert_int_equal(go_ctx(0, &ctx), 0);
	assert_int_equal(REG(1), 0xff);
	assert_int_equal(REG(2), MAXU);
	assert_int_equal(REG(3), 0xfe80);
	assert_int_equal(REG(4), (__u64)(__s16)0xfe80);
	assert_int_equal(REG(5), (__u64)-2);
	assert_int_equal(REG(6), 0xfffffffe);
	assert_int_equal(REG(7), 0x8807060504030201ull);
	assert_int_equal(REG(8), (__u64)(__s32)0xddccbbaa);
	assert_int_equal(REG(9), 0x1234fffffffe80ffull);
	assert_int_equal(REG(10), 0x8807060504030201ull);
	assert_int_equal(REG(11), (__u64)-5);
	assert_int_equal(F->res.fault, 0);
}

static void test_ctx_fault(void **state)
{
	struct tv_vm_ctx ctx = {.data = ctx_bytes, .len = 20};

	(void)state;
	I(CTX, 1, U4, 16); /* 0: bytes 16..19, the last ones */
	I(CTX, 2, U2, 19); /* 1: ends one past len */
	I(MOVI, 3, 1);	   /* a fault reads 0 and the block goes on */
	I(EXIT);
	assert_int_equal(go_ctx(0, &ctx), 0);
	assert_int_equal(REG(1), 0xddccbbaa);
	assert_int_equal(REG(2), 0);
	assert_int_equal(REG(3), 1);
	assert_int_equal(F->res.steps, 4);
	assert_fault(1);
}

static void test_arg_fault(void **state)
{
	struct tv_vm_ctx ctx = {.data = ctx_bytes, .len = 20};

	(void)state;
	I(ARG, 1, 1);
	I(ARG, 2, 2); /* bytes 16..23, past len 20 */
	I(EXIT);
	assert_int_equal(go_ctx(0, &ctx), 0);
	assert_fault(1);
	/* no context at all: every read faults, each with its record */
	assert_int_equal(go_ctx(0, NULL), 0);
	assert_int_equal(F->nrecs, 2);
	assert_int_equal(F->recs[0].h.kind, TV_REC_fault);
	assert_int_equal(F->recs[1].h.kind, TV_REC_fault);
	assert_int_equal(F->res.fault_pc, 1);
	assert_int_equal(REG(1), 0);
}

/* ---- memory reads --------------------------------------------------------- */

static void test_ldu(void **state)
{
	static const __s64 x = -2;
	static const __s32 y = -3;

	(void)state;
	I(LDW, 1, (__s64)(uintptr_t)&x);
	I(LDW, 2, (__s64)(uintptr_t)&y);
	I(LDU, 3, 1, S8);
	I(LDU, 4, 1, U1);
	I(LDU, 5, 2, S4);
	I(LDU, 6, 2, U4);
	I(LDU, 7, 2, S2);
	I(EXIT);
	go();
	assert_int_equal(REG(3), (__u64)-2);
	assert_int_equal(REG(4), 0xfe);
	assert_int_equal(REG(5), (__u64)-3);
	assert_int_equal(REG(6), 0xfffffffd);
	assert_int_equal(REG(7), (__u64)-3);
	assert_int_equal(F->res.fault, 0);
}

static void test_ldu_fault(void **state)
{
	(void)state;
	I(MOVI, 1, 16);	  /* 0 */
	I(LDU, 2, 1, U4); /* 1 */
	I(MOVI, 3, 1);	  /* 2: reached, the read gave 0 */
	I(EXIT);
	tv_image_add_probe(F->img, "BEGIN", 0);
	tv_image_add_probe(F->img, "END", 0);
	assert_int_equal(go_ctx(1, NULL), 0);
	assert_fault(1);
	assert_int_equal(F->recs[0].h.block, 1);
	assert_int_equal(F->res.steps, 4);
	assert_int_equal(REG(2), 0);
	assert_int_equal(REG(3), 1);
}

static void test_kernel_reads_fault(void **state)
{
	static const __u64 x = 1;

	(void)state;
	I(LDW, 1, (__s64)(uintptr_t)&x); /* 0, 1 */
	I(LDK, 2, 1, U8);		 /* 2 */
	I(EXIT);
	go();
	assert_fault(2);
	reset();
	I(LDW, 1, (__s64)(uintptr_t)&x); /* 0, 1 */
	I(STRK, 1, 0, 16);		 /* 2 */
	I(EXIT);
	go();
	assert_fault(2);
}

static void test_stru(void **state)
{
	static const char s[] = "hello";
	int k;

	(void)state;
	k = add_str("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"); /* 32 bytes */
	I(LDW, 1, (__s64)(uintptr_t)s);
	I(SCONST, k, 0);
	I(SCONST, k, 32);
	I(STRU, 1, 0, 16); /* fits: padded with zeros */
	I(STRU, 1, 32, 4); /* truncated to 3 chars */
	I(STRU, 1, 64, 6); /* exactly fits */
	I(EXIT);
	go();
	assert_memory_equal(SCR, "hello\0\0\0\0\0\0\0\0\0\0\0xxxx", 20);
	assert_memory_equal(SCR + 32, "hel\0xxxx", 8);
	assert_memory_equal(SCR + 64, "hello\0\0", 7);
	assert_int_equal(F->res.fault, 0);
}

/* A string at the very end of a mapping, and one running off it. */
static void test_stru_page_end(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *end;
	int k;

	(void)state;
	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + pg, pg, PROT_NONE), 0);
	end = m + pg;
	memcpy(end - 4, "abc", 4);
	k = add_str("xxxxxxx");
	I(SCONST, k, 0);			/* 0 */
	I(LDW, 1, (__s64)(uintptr_t)(end - 4)); /* 1, 2 */
	I(LDW, 2, (__s64)(uintptr_t)(end - 3)); /* 3, 4 */
	I(STRU, 2, 64, 3);			/* 5: reads 3 bytes */
	I(STRU, 1, 0, 64);			/* 6 */
	I(EXIT);
	go();
	assert_false(F->res.fault);
	assert_memory_equal(SCR, "abc\0\0\0\0\0", 8);
	assert_memory_equal(SCR + 64, "bc\0", 3);
	/* without a NUL: a read of exactly the bytes left truncates ... */
	end[-1] = 'd';
	go();
	assert_memory_equal(SCR + 64, "bc\0", 3);
	/* ... and a longer one runs into the unmapped page */
	assert_fault(6);
	/* dst zeroed on a fault, as bpf_probe_read_user_str does */
	assert_memory_equal(SCR, (char[8]){0}, 8);
	munmap(m, 2 * pg);
}

static void test_stru_fault(void **state)
{
	int k;

	(void)state;
	k = add_str("xxxxxxx");
	I(SCONST, k, 0);  /* 0 */
	I(STRU, 1, 0, 8); /* 1: R1 = NULL */
	I(EXIT);
	go();
	assert_fault(1);
	assert_memory_equal(SCR, (char[8]){0}, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_builtins),  T(test_elapsed_default), T(test_nsecs_monotonic),
	    T(test_rand),      T(test_cgroup),		T(test_comm),
	    T(test_ctx_reads), T(test_ctx_fault),	T(test_arg_fault),
	    T(test_ldu),       T(test_ldu_fault),	T(test_kernel_reads_fault),
	    T(test_stru),      T(test_stru_page_end),	T(test_stru_fault),
	};

	return cmocka_run_group_tests_name("vm_reads", tests, NULL, NULL);
}
