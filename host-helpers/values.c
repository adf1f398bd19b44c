/* One value of a type string (TV_VALUE_TYPES) as bpftrace prints it: in a
 * map key or value, or as a printf argument. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "host-helpers/internal.h"

static __u64 word(const unsigned char *p, size_t size)
{
	__u64 v = 0;

	memcpy(&v, p, size < 8 ? size : 8);
	return v;
}

static void print_ksym(struct tv_out *o, FILE *f, __u64 addr)
{
	char sym[512];

	if (!o->ksyms)
		o->ksyms = tvh_ksyms_new();
	tvh_ksym_format(o->ksyms, addr, sym, sizeof(sym), false);
	fputs(sym, f);
}

static void print_usym(struct tv_out *o, FILE *f, const unsigned char *p)
{
	char sym[512];

	if (!o->usyms)
		o->usyms = tvh_usyms_new();
	tvh_usym_format(o->usyms, (__u32)word(p + 8, 8), word(p, 8), sym, sizeof(sym), 0);
	fputs(sym, f);
}

/* ntop: the family says how many of the 16 bytes are the address. */
static void print_inet(FILE *f, const unsigned char *p)
{
	char text[INET6_ADDRSTRLEN];
	int af = (int)word(p, 8);

	if ((af == AF_INET || af == AF_INET6) && inet_ntop(af, p + 8, text, sizeof(text)))
		fputs(text, f);
}

/* Nanoseconds since boot, as the kernel's bpf_ktime_get_ns() counts them,
 * to the wall clock: the offset between the two clocks now. */
static struct timespec wall_time(__u64 ns)
{
	struct timespec mono, real;
	__s64 t;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	t = (__s64)ns + ((__s64)real.tv_sec - mono.tv_sec) * 1000000000ll +
	    (real.tv_nsec - mono.tv_nsec);
	return (struct timespec){.tv_sec = t / 1000000000ll, .tv_nsec = t % 1000000000ll};
}

/* strftime(3), with bpftrace's %f: microseconds, six digits. */
size_t tvh_format_time(char *out, size_t size, const char *fmt, struct timespec ts)
{
	char spec[512];
	size_t n = 0;
	struct tm tm;

	localtime_r(&ts.tv_sec, &tm);
	for (const char *p = fmt; *p && n < sizeof(spec) - 8; p++) {
		if (p[0] == '%' && p[1] == 'f') {
			n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%06ld",
					      ts.tv_nsec / 1000);
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			spec[n++] = *p++;
			spec[n++] = *p;
		} else {
			spec[n++] = *p;
		}
	}
	spec[n] = 0;
	n = strftime(out, size, spec, &tm);
	if (!n)
		out[0] = 0; /* too long, or nothing to print */
	return n;
}

void tvh_print_time(FILE *f, const char *fmt, struct timespec ts)
{
	char out[1024];

	fputs(tvh_format_time(out, sizeof(out), fmt, ts) ? out : "", f);
}

static void print_strftime(struct tv_out *o, FILE *f, const unsigned char *p)
{
	__u64 id = word(p, 8);

	if (id < o->img->nconsts)
		tvh_print_time(f, o->img->consts[id].data, wall_time(word(p + 8, 8)));
}

static void print_cgroup_path(struct tv_out *o, FILE *f, const unsigned char *p)
{
	__u64 id = word(p, 8);

	if (id < o->img->nconsts)
		tvh_print_cgroup_path(f, o->img->consts[id].data, word(p + 8, 8));
}

/* buf: printable ASCII as itself, the rest as \xNN; `x` all as \xNN,
 * `h` as spaced hex pairs. */
static void print_buf(FILE *f, const unsigned char *p, size_t size, char style)
{
	size_t len = word(p, 8);

	if (len > size - 8)
		len = size - 8;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[8 + i];

		if (style == 'h')
			fprintf(f, "%s%02x", i ? " " : "", c);
		else if (style != 'x' && c >= 32 && c <= 126)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

void tvh_print_value(struct tv_out *o, FILE *f, const struct tvh_field *v, int indent, char style)
{
	const unsigned char *p = v->p;

	switch (v->type) {
	case TV_VAL_int:
		fprintf(f, "%" PRId64, (int64_t)tv_extend(word(p, v->size), v->size | TV_Z_SIGNED));
		break;
	case TV_VAL_str: fprintf(f, "%.*s", (int)strnlen((const char *)p, v->size), p); break;
	case TV_VAL_probe:
	case TV_VAL_func: tvh_print_probe(o, f, word(p, 8), v->type == TV_VAL_func); break;
	case TV_VAL_kstack:
	case TV_VAL_ustack:
		tvh_print_stack(o, f, word(p, 8), v->type == TV_VAL_kstack, indent);
		break;
	case TV_VAL_ksym: print_ksym(o, f, word(p, 8)); break;
	case TV_VAL_usym: print_usym(o, f, p); break;
	case TV_VAL_inet: print_inet(f, p); break;
	case TV_VAL_time: print_strftime(o, f, p); break;
	case TV_VAL_errno: fputs(strerror((int)word(p, 8)), f); break;
	case TV_VAL_buf: print_buf(f, p, v->size, style); break;
	case TV_VAL_mac:
		fprintf(f, "%02X:%02X:%02X:%02X:%02X:%02X", p[0], p[1], p[2], p[3], p[4], p[5]);
		break;
	case TV_VAL_uname: tvh_print_username(f, word(p, 8)); break;
	case TV_VAL_cgpath: print_cgroup_path(o, f, p); break;
	case TV_VAL_uint:
	default: fprintf(f, "%" PRIu64, (uint64_t)word(p, v->size)); break;
	}
}
