/* Calibration for attach_latency: prints the attached line at once and
 * waits for SIGINT, so its figure is the harness's own fork+exec cost. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void stop(int sig) { _exit(sig ? 0 : 1); }

int main(void)
{
	signal(SIGINT, stop);
	fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stderr);
	pause();
	return 0;
}
