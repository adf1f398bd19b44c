/* printf-family formatting with arguments typed at run time: the script's
 * format becomes a C one, and fprintf(3) is called once through libffi
 * with each argument in the C type its conversion takes. */
#include <errno.h>
#include <ffi.h>
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

/* One call of fprintf(3) through libffi: the C format built from the
 * script's, and each argument with the C type its conversion wants. */
#define FFI_MAX_ARGS 40
struct ffi_printf {
	FILE *fmt; /* the C format, as it is built */
	char *text;
	size_t len;
	int n;
	ffi_type *types[FFI_MAX_ARGS + 2];
	void *values[FFI_MAX_ARGS + 2];
	union {
		long long ll;
		int i;
		char *s;
	} slot[FFI_MAX_ARGS];
	char *owned[FFI_MAX_ARGS]; /* strings to free after the call */
	int nowned;
};

static void *add_arg(struct ffi_printf *c, ffi_type *t)
{
	if (c->n >= FFI_MAX_ARGS)
		return NULL;
	c->types[2 + c->n] = t;
	c->values[2 + c->n] = &c->slot[c->n];
	return &c->slot[c->n++];
}

static int add_string(struct ffi_printf *c, const struct tv_fmt_spec *s, char *owned)
{
	char **slot = add_arg(c, &ffi_type_pointer);

	if (!owned || !slot) {
		free(owned);
		return -ENOMEM;
	}
	c->owned[c->nowned++] = owned;
	*slot = owned;
	fprintf(c->fmt, "%ss", s->spec);
	return 0;
}

/* The text of the script's format, with its own '%' doubled. */
static void add_text(struct ffi_printf *c, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fputs(p[i] == '%' ? "%%" : (char[]){p[i], 0}, c->fmt);
}

static int add_plain(struct ffi_printf *c, const struct tv_fmt_spec *s, const unsigned char *arg,
		     size_t size)
{
	__u64 v = 0;
	long long *ll;
	int *i;

	memcpy(&v, arg, size < 8 ? size : 8);
	v = sized(v, s);
	switch (s->conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		if (!(ll = add_arg(c, s->conv == 'd' || s->conv == 'i' ? &ffi_type_sint64
								       : &ffi_type_uint64)))
			return -ENOMEM;
		*ll = (long long)v;
		fprintf(c->fmt, "%sll%c", s->spec, s->conv);
		return 0;
	case 'c':
		if (!(i = add_arg(c, &ffi_type_sint)))
			return -ENOMEM;
		*i = (int)(char)v;
		fprintf(c->fmt, "%sc", s->spec);
		return 0;
	case 'p':
		if (!(ll = add_arg(c, &ffi_type_uint64)))
			return -ENOMEM;
		*ll = (long long)v;
		fputs("0x%llx", c->fmt);
		return 0;
	case 's': return add_string(c, s, strndup((const char *)arg, size));
	default: return -EINVAL;
	}
}

/* Values printed by name (a symbol, a stack, an address, a time) take
 * the conversion's width and flags as a string would. */
static int add_named(struct tv_out *o, struct ffi_printf *c, const struct tv_fmt_spec *s,
		     const struct tvh_field *a)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return -ENOMEM;
	tvh_print_value(o, m, a, 8, s->style);
	fclose(m);
	return add_string(c, s, text);
}

static int call_fprintf(FILE *f, struct ffi_printf *c)
{
	ffi_cif cif;
	ffi_arg ret;
	char *fmt = c->text;

	c->types[0] = c->types[1] = &ffi_type_pointer;
	c->values[0] = &f;
	c->values[1] = &fmt;
	if (ffi_prep_cif_var(&cif, FFI_DEFAULT_ABI, 2, 2 + c->n, &ffi_type_sint, c->types) !=
	    FFI_OK)
		return -EINVAL;
	ffi_call(&cif, FFI_FN(fprintf), &ret, c->values);
	return (int)ret < 0 ? -EIO : 0;
}

static bool is_plain(char type)
{
	return type == TV_VAL_int || type == TV_VAL_uint || type == TV_VAL_str;
}

static int build(struct tv_out *o, struct ffi_printf *c, const struct tv_const *fmt,
		 const unsigned char *a, size_t len)
{
	const char *p = fmt->data, *types = arg_types(fmt);
	const char *tend = fmt->data + fmt->len;
	size_t off = 0;
	int rc = 0;

	while (*p && !rc) {
		const char *at = p;
		struct tv_fmt_spec spec;
		struct tvh_field arg;

		if (*p != '%' || p[1] == '%') { /* text, and "%%" as one '%' */
			p += *p == '%' ? 2 : 1;
			add_text(c, at, 1);
			continue;
		}
		p = tv_fmt_next(p, &spec);
		if (spec.cls == TV_FMT_NONE) { /* not a conversion: its text */
			add_text(c, at, (size_t)(p - at));
			continue;
		}
		types = next_arg(types, (size_t)(tend - types), spec.conv, &arg);
		if (off + arg.size > len)
			return -EINVAL;
		arg.p = a + off;
		rc = is_plain(arg.type) ? add_plain(c, &spec, arg.p, arg.size)
					: add_named(o, c, &spec, &arg);
		off += arg.size;
	}
	return rc;
}

int tv_format(struct tv_out *o, FILE *f, const struct tv_const *fmt, const void *args, size_t len)
{
	struct ffi_printf *c = calloc(1, sizeof(*c));
	int rc = -ENOMEM;

	if (c && (c->fmt = open_memstream(&c->text, &c->len))) {
		rc = build(o, c, fmt, args, len);
		if (fclose(c->fmt))
			rc = rc ?: -ENOMEM;
		rc = rc ?: call_fprintf(f, c);
		free(c->text);
		for (int i = 0; i < c->nowned; i++)
			free(c->owned[i]);
	}
	free(c);
	return rc;
}
