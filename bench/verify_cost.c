/* Loads one program of a BPF object (default tv_tp) and prints how many
 * instructions the verifier processed and how long the load took. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *want = argc > 2 ? argv[2] : "tv_tp";
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct bpf_object *obj;
	struct bpf_program *p;
	double t0;

	if (argc < 2)
		return 2;
	libbpf_set_print(NULL);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return 1;
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), want));
	t0 = now_ms();
	if (bpf_object__load(obj)) {
		printf("rejected by the verifier\n");
		return 0;
	}
	p = bpf_object__find_program_by_name(obj, want);
	bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len);
	printf("%u insns verified, object load (maps + verify) %.1f ms\n", info.verified_insns,
	       now_ms() - t0);
	bpf_object__close(obj);
	return 0;
}
