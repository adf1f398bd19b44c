/* A uprobe target for tests/runtime/funcs.sh: tv_funcs(&r) once, with a
 * record whose members buf(), macaddr() and char-array strings read: a
 * pointer to 4 bytes, a char[4], a MAC address, and "hello" in a char[5]
 * with no NUL. */
#include <string.h>

struct tv_funcs_rec {
	const char *p;
	char b[4];
	unsigned char mac[6];
	char s[5];
	char after; /* not 0: a reader stopping at s's end must not need it */
};

__attribute__((noinline)) int tv_funcs(struct tv_funcs_rec *r)
{
	return r->b[0];
}

int main(void)
{
	char bytes[] = "\x09\x08\x07\x06"; /* on the stack: its page is there */
	struct tv_funcs_rec r = {bytes, {5, 4, 3, 2}, {0x00, 0x1b, 0x2c, 0xa0, 0xff, 0x05}, "", 'x'};

	memcpy(r.s, "hello", 5);
	return tv_funcs(&r) != 5;
}
