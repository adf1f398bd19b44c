/* Exec-to-attached latency: starts COMMAND with __BPFTRACE_NOTIFY_PROBES_ATTACHED
 * set (bpftrace and tracevm both print that line on stderr once every probe
 * is attached), times exec to that line, then stops it with SIGINT and
 * times that too (the process's own exit: maps printed, probes released).
 * usage: attach_latency RUNS COMMAND [ARGS...]; prints min/median/max ms. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* also the time from SIGINT to the process gone (maps printed, exited) */
static double exit_ms;

static double one_run(char **argv)
{
	int fds[2];
	char buf[4096];
	size_t len = 0;

	buf[0] = 0;
	double t0, t = -1;
	pid_t pid;

	if (pipe(fds))
		return -1;
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		setenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED", "1", 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (ssize_t n; (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0;) {
		len += n;
		buf[len] = 0;
		if (strstr(buf, "__BPFTRACE_NOTIFY_PROBES_ATTACHED")) {
			t = now_ms() - t0;
			break;
		}
		if (len > sizeof(buf) / 2)
			memmove(buf, buf + len / 2, len - len / 2), len -= len / 2;
	}
	if (t < 0)
		fprintf(stderr, "attach_latency: no notification; the command wrote: %s\n", buf);
	t0 = now_ms();
	kill(pid, SIGINT);
	waitpid(pid, NULL, 0);
	exit_ms = now_ms() - t0;
	close(fds[0]);
	return t;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[1]) : 0, ok = 0;
	double *ms, *ex;

	if (runs <= 0) {
		fprintf(stderr, "usage: attach_latency RUNS COMMAND [ARGS...]\n");
		return 2;
	}
	ms = calloc(runs, sizeof(*ms));
	ex = calloc(runs, sizeof(*ex));
	for (int i = 0; i < runs; i++) {
		double t = one_run(argv + 2);

		if (t >= 0)
			ex[ok] = exit_ms, ms[ok++] = t;
	}
	if (!ok) {
		fprintf(stderr, "attach_latency: the command never reported attached probes\n");
		return 1;
	}
	qsort(ms, ok, sizeof(*ms), cmp);
	printf("exec-to-attached ms: min %.2f median %.2f max %.2f (%d runs)\n", ms[0], ms[ok / 2],
	       ms[ok - 1], ok);
	qsort(ex, ok, sizeof(*ex), cmp);
	printf("SIGINT-to-exit ms: min %.2f median %.2f max %.2f\n", ex[0], ex[ok / 2], ex[ok - 1]);
	free(ms);
	free(ex);
	return 0;
}
