/* Makes the events runtime tests count: `trigger getppid N` calls getppid N
 * times, `trigger write N` writes N bytes to /dev/null one call each,
 * `trigger faults N` touches N fresh pages (N page faults at least),
 * `trigger spin N` keeps its CPU busy for N ms. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int faults(long n)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile char *p =
	    mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	madvise((void *)p, n * page, MADV_NOHUGEPAGE); /* one fault per page */
	for (long i = 0; i < n; i++)
		p[i * page] = 1;
	return munmap((void *)p, n * page) != 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void spin(long ms)
{
	long end = now_ms() + ms;

	while (now_ms() < end)
		;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "getppid")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(argv[1], "write")) {
		int fd = open("/dev/null", O_WRONLY);

		for (long i = 0; i < n; i++)
			if (write(fd, "x", 1) != 1)
				return 1;
		close(fd);
	} else if (!strcmp(argv[1], "faults")) {
		return faults(n);
	} else if (!strcmp(argv[1], "spin")) {
		spin(n);
	} else if (!strcmp(argv[1],
			   "nanosleep")) { /* the syscall: libc sleeps with clock_nanosleep */
		struct timespec t = {0, n * 1000000};

		syscall(SYS_nanosleep, &t, NULL);
	} else {
		return 2;
	}
	return 0;
}
