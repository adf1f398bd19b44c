/* A uprobe target: `uprobe_target N` calls tv_target(i, 2 * i) for i in
 * 0..N-1, so over N calls sum(a) = N(N-1)/2, sum(b) = N(N-1) and
 * sum(return value) = 3N(N-1)/2. */
#include <stdlib.h>

__attribute__((noinline)) int tv_target(int a, int b)
{
	return a + b;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1;
	volatile int sink = 0;

	for (long i = 0; i < n; i++)
		sink += tv_target(i, 2 * i);
	return sink == -1;
}
