/* Makes the events runtime tests count: `trigger getppid N` calls getppid N
 * times, `trigger write N` writes N bytes to /dev/null one call each. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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
	} else {
		return 2;
	}
	return 0;
}
