/* printf-family formatting with arguments typed at run time: each
 * conversion is formatted on its own with the C library. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host-helpers/internal.h"

/* A format constant is the text, a NUL, then the arguments' type string
 * ("i8,s64,K8"); without one every argument is an 8-byte integer, or a
 * TV_STR_MAX string for %s. */
static const char *arg_types(const struct tv_const *fmt)
{
	size_t text = strnlen(fmt->data, fmt->len);

	return fmt->len > text + 1 ? fmt->data + text + 1 : "";
}

static const char *next_arg(const char *t, size_t room, char conv, struct tvh_field *a)
{
	size_t n = strnlen(t, room);

	if (!n) {
		a->type = conv == 's' ? TV_VAL_str : TV_VAL_int;
		a->size = conv == 's' ? TV_STR_MAX : 8;
		return t;
	}
	return tvh_next_field(t, &a->type, &a->size);
}

/* An integer as the length modifier has it: hh 8 bits, h 16, none 32,
 * l 64; signed for d and i.  %p and %c take the whole value. */
static __u64 sized(__u64 v, const struct tv_fmt_spec *s)
{
	bool sign = s->conv == 'd' || s->conv == 'i';

	if (s->bits >= 64 || s->conv == 'p' || s->conv == 'c')
		return v;
	return tv_extend(v & ((1ull << s->bits) - 1), (s->bits / 8) | (sign ? TV_Z_SIGNED : 0));
}

static int format_one(FILE *f, const struct tv_fmt_spec *s, const unsigned char *arg, size_t size)
{
	char spec[sizeof(s->spec) + 4];
	__u64 v = 0;

	memcpy(&v, arg, size < 8 ? size : 8);
	v = sized(v, s);
	switch (s->conv) {
	case 'd':
	case 'i':
		snprintf(spec, sizeof(spec), "%slld", s->spec);
		return fprintf(f, spec, (long long)v);
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		snprintf(spec, sizeof(spec), "%sll%c", s->spec, s->conv);
		return fprintf(f, spec, (unsigned long long)v);
	case 'c':
		snprintf(spec, sizeof(spec), "%sc", s->spec);
		return fprintf(f, spec, (int)(char)v);
	case 'p': return fprintf(f, "0x%llx", (unsigned long long)v);
	case 's': {
		char buf[TV_SCRATCH + 1];
		size_t len = strnlen((const char *)arg, size);

		memcpy(buf, arg, len);
		buf[len] = 0;
		snprintf(spec, sizeof(spec), "%ss", s->spec);
		return fprintf(f, spec, buf);
	}
	default: return -EINVAL;
	}
}

/* Values printed by name (a symbol, a stack, an address, a time) take
 * the conversion's width and flags as a string would. */
static int format_named(struct tv_out *o, FILE *f, const struct tv_fmt_spec *s,
			const struct tvh_field *a)
{
	char spec[sizeof(s->spec) + 2], *text = NULL;
	size_t len = 0;
	FILE *m;
	int rc;

	if (!s->spec[1]) { /* a plain %s: no width to pad to, straight out */
		tvh_print_value(o, f, a, 8, s->style);
		return 0;
	}
	m = open_memstream(&text, &len);
	if (!m)
		return -ENOMEM;
	tvh_print_value(o, m, a, 8, s->style);
	fclose(m);
	snprintf(spec, sizeof(spec), "%ss", s->spec);
	rc = fprintf(f, spec, text ? text : "");
	free(text);
	return rc;
}

static bool is_plain(char type)
{
	return type == TV_VAL_int || type == TV_VAL_uint || type == TV_VAL_str;
}

int tv_format(struct tv_out *o, FILE *f, const struct tv_const *fmt, const void *args, size_t len)
{
	const unsigned char *a = args;
	const char *p = fmt->data, *types = arg_types(fmt);
	const char *tend = fmt->data + fmt->len;
	size_t off = 0;

	while (*p) {
		const char *at = p;
		struct tv_fmt_spec spec;
		struct tvh_field arg;

		if (*p != '%') {
			fputc(*p++, f);
			continue;
		}
		if (p[1] == '%') {
			fputc('%', f);
			p += 2;
			continue;
		}
		p = tv_fmt_next(p, &spec);
		if (spec.cls == TV_FMT_NONE) { /* not a conversion: its text */
			fwrite(at, 1, (size_t)(p - at), f);
			continue;
		}
		types = next_arg(types, (size_t)(tend - types), spec.conv, &arg);
		if (off + arg.size > len)
			return -EINVAL;
		arg.p = a + off;
		if (is_plain(arg.type) ? format_one(f, &spec, arg.p, arg.size) < 0
				       : format_named(o, f, &spec, &arg) < 0)
			return -EINVAL;
		off += arg.size;
	}
	return 0;
}
