/* A function watchpoint target: `watch_target N [MS]` sleeps MS ms, calls
 * tv_bump_a (even i) or tv_bump_b (odd i) on N fresh ints for i in
 * 0..N-1, each writing its int once before it returns, sleeps MS ms
 * again, then writes the first int 5 times, 1 ms apart.  A watchpoint
 * attached before a tv_bump_* goes on sees its write; one attached late
 * sees the 5 only. */
#include <stdlib.h>
#include <time.h>

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};

	nanosleep(&ts, NULL);
}

__attribute__((noinline)) void tv_bump_a(volatile int *i)
{
	(*i)++;
}

__attribute__((noinline)) void tv_bump_b(volatile int *i)
{
	(*i)++;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1, ms = argc > 2 ? atol(argv[2]) : 0;
	volatile int **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return 1;
	sleep_ms(ms);
	for (long i = 0; i < n; i++) {
		v[i] = calloc(1, sizeof(int)); /* each its own address */
		if (!v[i])
			return 1;
		if (i & 1)
			tv_bump_b(v[i]);
		else
			tv_bump_a(v[i]);
	}
	sleep_ms(ms);
	for (int k = 0; n && k < 5; k++, sleep_ms(1))
		(*v[0])++;
	return 0;
}
