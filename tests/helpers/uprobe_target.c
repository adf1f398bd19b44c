/* A uprobe target: `uprobe_target N [MS [split]]` calls tv_target(i, 2 * i)
 * for i in 0..N-1, so over N calls sum(a) = N(N-1)/2, sum(b) = N(N-1) and
 * sum(return value) = 3N(N-1)/2.  MS keeps the process alive that long
 * afterwards, so a tracer can still read its /proc/PID/maps.  With split,
 * the odd calls come through tv_caller: two stacks, one top frame.
 * tv_calls counts the calls made so far (uaddr() reads it), tv_name is a
 * string uaddr() can reach through a pointer.  tv_stack_args is called once
 * with 32 and 64 as its stack arguments. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile int tv_calls;
const char *volatile tv_name = "uprobe-target";
volatile short tv_small = -2;

__attribute__((noinline)) int tv_target(int a, int b)
{
	return a + b;
}

/* the + 0 of a volatile keeps the call a call (no tail jump), so this
 * frame is on the stack */
__attribute__((noinline)) int tv_caller(int a, int b)
{
	volatile int zero = 0;

	return tv_target(a, b) + zero;
}

/* eight arguments: on x86-64 the last two are on the stack (sarg0, sarg1) */
__attribute__((noinline)) long tv_stack_args(long a, long b, long c, long d, long e, long f, long g,
					     long h)
{
	return a + b + c + d + e + f + g + h;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1;
	int split = argc > 3;
	volatile int sink = (int)strlen(tv_name); /* its page is mapped: readable */

	for (long i = 0; i < n; i++, tv_calls++)
		sink += split && (i & 1) ? tv_caller(i, 2 * i) : tv_target(i, 2 * i);
	sink += (int)tv_stack_args(1, 2, 3, 4, 5, 6, 32, 64);
	if (argc > 2) {
		long ms = atol(argv[2]);
		struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};

		nanosleep(&ts, NULL);
	}
	return sink == -1;
}
