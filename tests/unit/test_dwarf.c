/* frontend/dwarf.c against tests/helpers/dwarf_target.c (built with -g
 * beside this test, and once more without debug info): a function's
 * parameters with bpftrace's type spellings and their indexes, a struct
 * converted to BTF with its member offsets and bitfields (checked against
 * offsetof in a copy of the struct here), and the BTF read back by the
 * frontend's own BTF reader, as struct access will read it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/btf.h>

#include "frontend/btf.h"
#include "frontend/dwarf.h"

/* the helper's struct, for offsetof */
struct tv_node {
	struct tv_node *next;
	const char *name;
	unsigned long len;
	unsigned int low : 3, high : 5;
	short grid[2][3];
	union {
		int i;
		char c[8];
	} u;
	int colour;
	volatile long counter;
	int (*cb)(struct tv_node *, int);
};

/* a helper binary in this test's own directory */
static const char *helper(const char *name)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 64);
	char *slash;

	assert_true(n > 0);
	path[n] = 0;
	slash = strrchr(path, '/');
	strcpy(slash + 1, name);
	return path;
}

static struct fe_dwarf *open_target(void)
{
	char err[256];
	struct fe_dwarf *d = fe_dwarf_open(helper("dwarf_target"), err, sizeof(err));

	if (!d)
		fail_msg("%s", err);
	return d;
}

static void params(void **state)
{
	static const char *const want[][2] = {
	    {"c", "char"},	  {"n", "int*"},      {"node", "struct tv_node*"},
	    {"s", "const char*"}, {"argv", "char**"}, {"e", "union tv_either*"},
	};
	struct fe_dwarf *d = open_target();
	struct fe_dwarf_param p[8];
	char err[256];
	int n = fe_dwarf_func_params(d, "tv_dwarf_fn", p, 8, err, sizeof(err));

	(void)state;
	assert_int_equal(n, 6);
	for (int i = 0; i < n; i++) {
		assert_string_equal(p[i].name, want[i][0]);
		assert_string_equal(p[i].type_name, want[i][1]);
		assert_int_equal(p[i].index, i);
		assert_true(p[i].btf_id > 0);
	}
	/* fewer slots than parameters: the count is still all of them */
	assert_int_equal(fe_dwarf_func_params(d, "tv_dwarf_fn", p, 2, err, sizeof(err)), 6);
	assert_int_equal(fe_dwarf_func_params(d, "tv_dwarf_noargs", p, 8, err, sizeof(err)), 0);
	assert_int_equal(fe_dwarf_func_params(d, "no_such_fn", p, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no_such_fn"));
	fe_dwarf_close(d);
}

/* a parameter's BTF: char is a signed 1-byte int, int* points at int */
static void param_types(void **state)
{
	struct fe_dwarf *d = open_target();
	struct fe_dwarf_param p[6];
	char err[256];
	const struct btf_type *t;
	struct btf *b;

	(void)state;
	assert_int_equal(fe_dwarf_func_params(d, "tv_dwarf_fn", p, 6, err, sizeof(err)), 6);
	b = fe_dwarf_btf(d);
	t = btf__type_by_id(b, p[0].btf_id);
	assert_true(btf_is_int(t));
	assert_int_equal(t->size, 1);
	assert_true(btf_int_encoding(t) & BTF_INT_SIGNED);
	t = btf__type_by_id(b, p[1].btf_id);
	assert_true(btf_is_ptr(t));
	assert_string_equal(btf__name_by_offset(b, btf__type_by_id(b, t->type)->name_off), "int");
	/* struct tv_node* points at the struct itself, not at a forward */
	t = btf__type_by_id(b, btf__type_by_id(b, p[2].btf_id)->type);
	assert_true(btf_is_struct(t));
	assert_int_equal(t->size, sizeof(struct tv_node));
	/* the same DIE converted twice is one type */
	assert_int_equal(fe_dwarf_find_struct(d, "tv_node", false),
			 btf__type_by_id(b, p[2].btf_id)->type);
	fe_dwarf_close(d);
}

static const struct btf_member *member(struct btf *b, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(b, m[i].name_off), name))
			return &m[i];
	fail_msg("no member %s", name);
	return NULL;
}

static void struct_members(void **state)
{
	struct fe_dwarf *d = open_target();
	int id = fe_dwarf_find_struct(d, "tv_node", false), low_bit;
	struct btf *b = fe_dwarf_btf(d);
	const struct btf_type *t, *next, *grid;
	struct tv_node probe = {0};

	(void)state;
	assert_true(id > 0);
	t = btf__type_by_id(b, id);
	assert_int_equal(btf_vlen(t), 10);
	assert_int_equal(btf_member_bit_offset(t, 2), offsetof(struct tv_node, len) * 8);
	assert_int_equal(member(b, t, "grid")->offset, offsetof(struct tv_node, grid) * 8);
	assert_int_equal(member(b, t, "colour")->offset, offsetof(struct tv_node, colour) * 8);
	assert_int_equal(member(b, t, "cb")->offset, offsetof(struct tv_node, cb) * 8);
	/* bitfields: where this compiler put them (the first bit set by low) */
	probe.low = 1;
	for (low_bit = 0; !(((unsigned char *)&probe)[low_bit / 8] >> low_bit % 8 & 1); low_bit++)
		;
	assert_int_equal(btf_member_bit_offset(t, 3), low_bit);
	assert_int_equal(btf_member_bitfield_size(t, 3), 3);
	assert_int_equal(btf_member_bit_offset(t, 4), low_bit + 3);
	assert_int_equal(btf_member_bitfield_size(t, 4), 5);
	/* next: a pointer to the struct itself */
	next = btf__type_by_id(b, btf_members(t)[0].type);
	assert_true(btf_is_ptr(next));
	assert_int_equal(next->type, id);
	/* short grid[2][3]: an array of 2 arrays of 3 */
	grid = btf__type_by_id(b, member(b, t, "grid")->type);
	assert_int_equal(btf_array(grid)->nelems, 2);
	assert_int_equal(btf_array(btf__type_by_id(b, btf_array(grid)->type))->nelems, 3);
	assert_true(btf_is_union(btf__type_by_id(b, member(b, t, "u")->type)));
	assert_int_equal(fe_dwarf_find_struct(d, "tv_either", true) > 0, 1);
	assert_int_equal(fe_dwarf_find_struct(d, "tv_either", false), -1);
	assert_int_equal(fe_dwarf_find_struct(d, "no_such_struct", false), -1);
	fe_dwarf_close(d);
}

/* The converted types, serialized, through the frontend's BTF reader. */
static void read_back(void **state)
{
	struct fe_dwarf *d = open_target();
	struct fe_btf_member m;
	struct fe_btf_type t;
	struct fe_btf *fb;
	const void *raw;
	char err[256];
	__u32 size;
	__s64 v;
	int id;

	(void)state;
	assert_true(fe_dwarf_find_struct(d, "tv_node", false) > 0);
	raw = btf__raw_data(fe_dwarf_btf(d), &size);
	assert_non_null(raw);
	fb = fe_btf_from_mem(raw, size, err, sizeof(err));
	if (!fb)
		fail_msg("%s", err);
	id = fe_btf_find(fb, "tv_node", false);
	assert_true(id > 0);
	assert_int_equal(fe_btf_member(fb, id, "name", &m), 0);
	assert_int_equal(m.bit_off, offsetof(struct tv_node, name) * 8);
	assert_int_equal(fe_btf_member(fb, id, "len", &m), 0);
	assert_int_equal(fe_btf_type(fb, m.type, &t), 0); /* through the typedef */
	assert_int_equal(t.kind, TV_BTF_INT);
	assert_int_equal(t.size, 8);
	assert_false(t.sign);
	assert_int_equal(fe_btf_member(fb, id, "u", &m), 0);
	assert_int_equal(m.bit_off, offsetof(struct tv_node, u) * 8);
	assert_int_equal(fe_btf_member(fb, m.type, "c", &m), 0); /* a union's member */
	assert_int_equal(m.bit_off, 0);
	assert_int_equal(fe_btf_enum_value(fb, "TV_GREEN", &v), 0);
	assert_int_equal(v, 5);
	fe_btf_close(fb);
	fe_dwarf_close(d);
}

static void no_debug_info(void **state)
{
	char err[256];
	const char *path = helper("dwarf_target_nodebug");

	(void)state;
	assert_null(fe_dwarf_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "No DWARF found"));
	assert_non_null(strstr(err, path));
	assert_null(fe_dwarf_open("/nonexistent/binary", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/binary"));
	assert_null(fe_dwarf_open("/proc/self/status", err, sizeof(err)));
	assert_non_null(strstr(err, "not an ELF file"));
}

static int count_fn(const char *name, void *arg)
{
	int *n = arg;

	*n += !strcmp(name, "tv_dwarf_fn") || !strcmp(name, "main");
	return 0;
}

/* symbols are there with or without debug info */
static void elf_funcs(void **state)
{
	char err[256];
	int n = 0;

	(void)state;
	assert_int_equal(
	    fe_elf_each_func(helper("dwarf_target_nodebug"), count_fn, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(fe_elf_each_func("/nonexistent", count_fn, &n, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(params),	      cmocka_unit_test(param_types),
	    cmocka_unit_test(struct_members), cmocka_unit_test(read_back),
	    cmocka_unit_test(no_debug_info),  cmocka_unit_test(elf_funcs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
