/* printf-family formatting with arguments typed at run time: each
 * conversion is formatted on its own with the C library. */
#include <ctype.h>
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

/* Values printed by name (a symbol, a stack, an address, a time) take
 * the conversion's width and flags as a string would. */
static int format_named(struct tv_out *o, FILE *f, char *spec, const struct tvh_field *a,
			char style)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int rc;

	if (!m)
		return -ENOMEM;
	tvh_print_value(o, m, a, 8, style);
	fclose(m);
	strcat(spec, "s");
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
		char spec[64], conv, style = 0;
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
		p = parse_spec(p, spec, sizeof(spec), &conv);
		if (conv == 'r' && (*p == 'x' || *p == 'h'))
			style = *p++;
		types = next_arg(types, (size_t)(tend - types), conv, &arg);
		if (off + arg.size > len)
			return -EINVAL;
		arg.p = a + off;
		if (is_plain(arg.type) ? format_one(f, spec, conv, arg.p, arg.size) < 0
				       : format_named(o, f, spec, &arg, style) < 0)
			return -EINVAL;
		off += arg.size;
	}
	return 0;
}
