/* Makes the events bpftrace's tools (/usr/sbin/NAME.bt) trace, under a comm no
 * other process has, so tests/runtime/tools.sh can tell its own lines:
 *   tool_events open PATH...    open and close each path (openat)
 *   tool_events stat PATH       stat, lstat, statx and statfs of it (the raw
 *                               syscalls: libc's stat is newfstatat)
 *   tool_events kill            kill(self, 0), then kill(INT_MAX, 0) (ESRCH)
 *   tool_events setuid          setuid, setresuid, setfsuid to what they are
 *   tool_events sync FILE       fsync, fdatasync, msync, sync_file_range
 *   tool_events getppid N       N getppid calls
 *   tool_events fork N          N children that exit at once
 *   tool_events thread          one pthread_create, joined
 *   tool_events resolve HOST    getaddrinfo, gethostbyname, gethostbyname2
 *   tool_events dio FILE N      N 8 KiB O_DIRECT|O_SYNC writes to FILE
 *   tool_events nanosleep MS    the nanosleep syscall (libc sleeps with
 *                               clock_nanosleep)
 * Each prints nothing and exits 0, or 1 when a call that must work fails. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int opens(int n, char **paths)
{
	for (int i = 0; i < n; i++) {
		int fd = open(paths[i], O_RDONLY);

		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static int stats(const char *path)
{
	struct stat st;
	struct statx sx;
	struct statfs sf;

	syscall(SYS_stat, path, &st);
	syscall(SYS_lstat, path, &st);
	syscall(SYS_statx, AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx);
	syscall(SYS_statfs, path, &sf);
	return 0;
}

static int kills(void)
{
	/* INT_MAX is above any pid_max: no such process */
	return kill(getpid(), 0) != 0 || kill(INT_MAX, 0) == 0;
}

static int setuids(void)
{
	/* raw syscalls: libc's set*id would signal every thread first */
	long uid = getuid();

	return syscall(SYS_setuid, uid) != 0 || syscall(SYS_setresuid, -1, -1, -1) != 0 ||
	       syscall(SYS_setfsuid, -1) != uid;
}

static int syncs(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *p;

	if (fd < 0 || ftruncate(fd, 4096))
		return 1;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 1;
	p[0] = 1;
	if (fsync(fd) || fdatasync(fd) || msync(p, 4096, MS_SYNC) ||
	    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE))
		return 1;
	munmap(p, 4096);
	return close(fd);
}

static int forks(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			return 1;
		if (!p)
			_exit(0);
		waitpid(p, NULL, 0);
	}
	return 0;
}

static void *thread_body(void *arg)
{
	return arg;
}

static int thread(void)
{
	pthread_t t;

	return pthread_create(&t, NULL, thread_body, NULL) || pthread_join(t, NULL);
}

static int resolve(const char *host)
{
	struct addrinfo *ai = NULL;

	if (getaddrinfo(host, NULL, NULL, &ai))
		return 1;
	freeaddrinfo(ai);
	return !gethostbyname(host) || !gethostbyname2(host, AF_INET);
}

static int dio(const char *path, long n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_SYNC, 0600);
	void *buf;

	if (fd < 0 || posix_memalign(&buf, 4096, 8192))
		return 1;
	memset(buf, 'x', 8192);
	for (long i = 0; i < n; i++)
		if (write(fd, buf, 8192) != 8192)
			return 1;
	free(buf);
	return close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "", *arg = argc > 2 ? argv[2] : "";
	long n = argc > 3 ? atol(argv[3]) : atol(arg);

	if (!strcmp(mode, "open"))
		return opens(argc - 2, argv + 2);
	if (!strcmp(mode, "stat"))
		return stats(arg);
	if (!strcmp(mode, "kill"))
		return kills();
	if (!strcmp(mode, "setuid"))
		return setuids();
	if (!strcmp(mode, "sync"))
		return syncs(arg);
	if (!strcmp(mode, "getppid")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		return 0;
	}
	if (!strcmp(mode, "fork"))
		return forks(n);
	if (!strcmp(mode, "thread"))
		return thread();
	if (!strcmp(mode, "resolve"))
		return resolve(arg);
	if (!strcmp(mode, "dio"))
		return dio(arg, n);
	if (!strcmp(mode, "nanosleep"))
		return syscall(SYS_nanosleep, &(struct timespec){n / 1000, n % 1000 * 1000000},
			       NULL) != 0;
	return 2;
}
