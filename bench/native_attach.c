/* Loads native.bpf.o and attaches one of its programs (empty or count),
 * prints bpftrace's attached notification, and waits for SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t done;
static void stop(int sig) { done = sig; }

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;

	if (argc < 3)
		return 2;
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj))
		return 1;
	prog = bpf_object__find_program_by_name(obj, argv[2]);
	link = prog ? bpf_program__attach(prog) : NULL;
	if (!link)
		return 1;
	signal(SIGINT, stop);
	fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stderr);
	while (!done)
		usleep(20000); /* pause() would race with the signal */
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
