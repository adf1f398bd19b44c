/* A uprobe target for tests/runtime/bigkeys.sh: tv_bigkeys(&c, s) N
 * times (argv[1], default 1), with c.w an array of ten 16-byte structs
 * (a 160-byte map key, as bpftrace's struct_array test) and s a string of
 * 199 letters (a 200-byte str(s, 200) key). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tv_t {
	uint32_t a;
	uint32_t b[2];
};

struct tv_w {
	uint32_t a;
	struct tv_t t;
};

struct tv_c {
	uint32_t a;
	void *b;
	struct tv_w w[10];
};

__attribute__((noinline)) int tv_bigkeys(struct tv_c *c, const char *s)
{
	return (int)c->w[0].a + s[0];
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1;
	struct tv_c c = {0};
	char s[200];

	for (int i = 0; i < 10; i++)
		c.w[i] = (struct tv_w){100 + i, {i, {100 - i, 100 - 2 * i}}};
	for (int i = 0; i < 199; i++)
		s[i] = 'a' + i % 26;
	s[199] = 0;
	for (long i = 0; i < n; i++)
		tv_bigkeys(&c, s);
	return 0;
}
