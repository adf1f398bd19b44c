/* printf-family formatting with arguments typed at run time: each
 * conversion is formatted on its own with the C library. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "host-helpers/internal.h"

/* A format constant is the text, a NUL, then optionally one byte per
 * argument: its slot size in 8-byte units, TV_FMT_PROBE set when the slot
 * holds a probe index to print as the probe's name. */
static unsigned char slot_byte(const struct tv_const *fmt, int arg)
{
	size_t text = strnlen(fmt->data, fmt->len);
	size_t nsizes = fmt->len > text + 1 ? fmt->len - text - 1 : 0;

	return (size_t)arg < nsizes ? (unsigned char)fmt->data[text + 1 + arg] : 0;
}

static size_t slot_size(const struct tv_const *fmt, int arg, char conv)
{
	unsigned char b = slot_byte(fmt, arg) & TV_FMT_UNITS;

	if (b)
		return b * 8u;
	return conv == 's' || conv == 'r' ? TV_STR_MAX : 8;
}

/* Copy one conversion spec "%-08.3lld" as a C format with `ll`. */
static const char *parse_spec(const char *p, char *spec, size_t cap, char *conv)
{
	size_t n = 0;

	spec[n++] = *p++;
	while (*p && strchr("-+ #0", *p) && n < cap - 8)
		spec[n++] = *p++;
	while (*p && (isdigit((unsigned char)*p) || *p == '.') && n < cap - 8)
		spec[n++] = *p++;
	while (*p == 'l' || *p == 'h' || *p == 'z' || *p == 'j')
		p++;
	*conv = *p ? *p++ : 0;
	spec[n] = 0;
	return p;
}

static int format_one(FILE *f, char *spec, char conv, const unsigned char *arg, size_t size)
{
	__u64 v = 0;
	size_t n = strlen(spec);

	memcpy(&v, arg, size < 8 ? size : 8);
	switch (conv) {
	case 'd':
	case 'i': strcpy(spec + n, "lld"); return fprintf(f, spec, (long long)v);
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		spec[n] = 'l', spec[n + 1] = 'l', spec[n + 2] = conv, spec[n + 3] = 0;
		return fprintf(f, spec, (unsigned long long)v);
	case 'c': strcpy(spec + n, "c"); return fprintf(f, spec, (int)(char)v);
	case 'p': return fprintf(f, "0x%llx", (unsigned long long)v);
	case 's': {
		char buf[TV_SCRATCH + 1];
		size_t len = strnlen((const char *)arg, size);

		memcpy(buf, arg, len);
		buf[len] = 0;
		strcpy(spec + n, "s");
		return fprintf(f, spec, buf);
	}
	default: return -EINVAL;
	}
}

/* A slot that names something: a probe by index, a symbol, a stack. */
static void format_named(struct tv_out *o, FILE *f, unsigned char kind, const unsigned char *a)
{
	char sym[512];
	__u64 v, pid;

	memcpy(&v, a, 8);
	switch (kind & TV_FMT_KIND) {
	case TV_FMT_PROBE:
	case TV_FMT_FUNC: tvh_print_probe(o, f, v, (kind & TV_FMT_KIND) == TV_FMT_FUNC); return;
	case TV_FMT_KSTACK:
	case TV_FMT_USTACK:
		tvh_print_stack(o, f, v, (kind & TV_FMT_KIND) == TV_FMT_KSTACK, 8);
		return;
	case TV_FMT_USYM:
		memcpy(&pid, a + 8, 8);
		if (!o->usyms)
			o->usyms = tvh_usyms_new();
		tvh_usym_format(o->usyms, (__u32)pid, v, sym, sizeof(sym), 0);
		break;
	default:
		if (!o->ksyms)
			o->ksyms = tvh_ksyms_new();
		tvh_ksym_format(o->ksyms, v, sym, sizeof(sym), false);
	}
	fputs(sym, f);
}

int tv_format(struct tv_out *o, FILE *f, const struct tv_const *fmt, const void *args, size_t len)
{
	const unsigned char *a = args;
	const char *p = fmt->data;
	size_t off = 0;
	int arg = 0;

	while (*p) {
		char spec[64], conv;
		size_t size;

		if (*p != '%') {
			fputc(*p++, f);
			continue;
		}
		if (p[1] == '%') {
			fputc('%', f);
			p += 2;
			continue;
		}
		p = parse_spec(p, spec, sizeof(spec), &conv);
		size = slot_size(fmt, arg, conv);
		if (off + size > len)
			return -EINVAL;
		if (slot_byte(fmt, arg) & TV_FMT_KIND)
			format_named(o, f, slot_byte(fmt, arg), a + off);
		else if (format_one(f, spec, conv, a + off, size) < 0) {
			return -EINVAL;
		}
		arg++;
		off += size;
	}
	return 0;
}
