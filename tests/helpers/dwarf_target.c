/* Types for the DWARF reader's tests (tests/unit/test_dwarf.c): built with
 * -g as dwarf_target, and without debug info as dwarf_target_nodebug.
 * Running it calls each function once. */
#include <stddef.h>

enum tv_colour { TV_RED, TV_GREEN = 5, TV_BLUE = -1 };
typedef unsigned long tv_len_t;

struct tv_node {
	struct tv_node *next; /* points at its own type */
	const char *name;
	tv_len_t len;
	unsigned int low : 3, high : 5;
	short grid[2][3];
	union {
		int i;
		char c[8];
	} u;
	enum tv_colour colour;
	volatile long counter;
	int (*cb)(struct tv_node *, int);
};

union tv_either {
	long l;
	double d;
};

__attribute__((noinline)) int tv_dwarf_fn(char c, int *n, struct tv_node *node, const char *s,
					  char **argv, union tv_either *e)
{
	return c + *n + (node ? node->low : 0) + (s ? s[0] : 0) + (argv ? 1 : 0) + (e ? 1 : 0);
}

__attribute__((noinline)) void tv_dwarf_noargs(void) {}

int main(void)
{
	int n = 13;
	struct tv_node node = {.name = "x", .low = 1, .high = 2};
	union tv_either e = {.l = 1};

	tv_dwarf_noargs();
	return tv_dwarf_fn('x', &n, &node, "s", NULL, &e) == 0;
}
