/* Build step: what every pinned object of tv.bpf.o must be, read from the
 * object itself, as rows a warm start checks the pins against (a pin that
 * differs is not ours, whoever put it there).  Prints to stdout:
 *   TV_PIN_MAP(name, type, key_size, value_size, max_entries, flags)
 *   TV_PIN_PROG(name, type) */
#include <stdio.h>

#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_map *m;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJECT.bpf.o\n", argv[0]);
		return 2;
	}
	libbpf_set_print(quiet);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "%s: cannot open %s\n", argv[0], argv[1]);
		return 1;
	}
	printf("/* generated from %s by kernel-side/gen/pin_expect.c */\n", argv[1]);
	bpf_object__for_each_map(m, obj) if (!bpf_map__is_internal(m))
	    printf("TV_PIN_MAP(%s, %d, %u, %u, %u, %u)\n", bpf_map__name(m), bpf_map__type(m),
		   bpf_map__key_size(m), bpf_map__value_size(m), bpf_map__max_entries(m),
		   bpf_map__map_flags(m));
	bpf_object__for_each_program(p, obj)
	    printf("TV_PIN_PROG(%s, %d)\n", bpf_program__name(p), bpf_program__type(p));
	bpf_object__close(obj);
	return 0;
}
