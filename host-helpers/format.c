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
 * TV_STR_MAX string for %s.  NULL: a type string that is not one. */
static const char *arg_types(const struct tv_const *fmt)
{
	size_t text = strnlen(fmt->data, fmt->len);
	const char *t = fmt->data + text + 1;
	__u32 size;

	if (fmt->len <= text + 1)
		return "";
	if (!memchr(t, 0, fmt->len - text - 1) || tv_valtype_size(t, &size))
		return NULL;
	return t;
}

/* The next argument's type and offset: the type string's next item, or
 * past its end the default for the conversion. */
static int next_arg(struct tv_valiter *it, size_t end, char conv, struct tvh_field *a, size_t *off)
{
	struct tv_valtype v;
	int rc = tv_valiter_next(it, &v);

	if (rc < 0)
		return rc;
	if (!rc) {
		a->type = conv == 's' ? TV_VAL_str : TV_VAL_int;
		a->size = conv == 's' ? TV_STR_MAX : 8;
		*off = end;
		return 0;
	}
	/* bpftrace formats no array, struct or tuple: the frontend refuses them */
	if (v.kind == TV_VT_ARRAY || v.kind == TV_VT_STRUCT || v.kind == TV_VT_UNION ||
	    v.kind == TV_VT_TUPLE || v.bits)
		return -EINVAL;
	a->type = v.kind;
	a->size = v.size;
	*off = v.off;
	return 0;
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

/* A format constant made ready for libffi once, at its first record: the
 * C format built from the script's, the prepared call, and for each
 * argument how its bytes become the C value its conversion takes. */
#define FFI_MAX_ARGS 40
enum how { ARG_INT, ARG_CHAR, ARG_PTR, ARG_STR, ARG_NAMED };

struct carg {
	enum how how;
	struct tv_fmt_spec spec;
	struct tvh_field field; /* its type and size (p: offset in the record) */
	size_t off;
};

struct tvh_cfmt {
	ffi_cif cif;
	ffi_type *types[FFI_MAX_ARGS + 2];
	char *text; /* the C format */
	int n;
	size_t len; /* the record bytes the arguments take */
	struct carg arg[FFI_MAX_ARGS];
};

/* The text of the script's format, with its own '%' doubled. */
static void add_text(FILE *fmt, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fputs(p[i] == '%' ? "%%" : (char[]){p[i], 0}, fmt);
}

static bool is_plain(char type)
{
	return type == TV_VAL_int || type == TV_VAL_uint || type == TV_VAL_str;
}

/* One conversion: its argument's C type, and its part of the C format. */
static int add_conv(struct tvh_cfmt *c, FILE *fmt, const struct tv_fmt_spec *s,
		    const struct tvh_field *f, size_t off)
{
	struct carg *a = &c->arg[c->n];
	ffi_type **t = &c->types[2 + c->n];

	if (c->n == FFI_MAX_ARGS)
		return -E2BIG;
	*a = (struct carg){.spec = *s, .field = *f, .off = off};
	if (!is_plain(f->type) || s->conv == 's') {
		a->how = is_plain(f->type) ? ARG_STR : ARG_NAMED;
		*t = &ffi_type_pointer;
		fprintf(fmt, "%ss", s->spec);
	} else if (s->conv == 'c') {
		a->how = ARG_CHAR, *t = &ffi_type_sint;
		fprintf(fmt, "%sc", s->spec);
	} else if (s->conv == 'p') {
		a->how = ARG_PTR, *t = &ffi_type_uint64;
		fputs("0x%llx", fmt);
	} else if (strchr("diuxXo", s->conv)) {
		a->how = ARG_INT;
		*t = s->conv == 'd' || s->conv == 'i' ? &ffi_type_sint64 : &ffi_type_uint64;
		fprintf(fmt, "%sll%c", s->spec, s->conv);
	} else {
		return -EINVAL;
	}
	c->n++;
	return 0;
}

static int compile_conversions(struct tvh_cfmt *c, FILE *fmt, const struct tv_const *k)
{
	const char *p = k->data, *types = NULL;
	struct tv_valiter it;
	int rc = 0;

	while (*p && !rc) {
		const char *at = p;
		struct tv_fmt_spec spec;
		struct tvh_field arg = {0};
		size_t off = 0;

		if (*p != '%' || p[1] == '%') { /* text, and "%%" as one '%' */
			p += *p == '%' ? 2 : 1;
			add_text(fmt, at, 1);
			continue;
		}
		p = tv_fmt_next(p, &spec);
		if (spec.cls == TV_FMT_NONE) { /* not a conversion: its text */
			add_text(fmt, at, (size_t)(p - at));
			continue;
		}
		/* read at the first conversion: a format without any may have none */
		if (!types && (types = arg_types(k)))
			tv_valiter_list(&it, types);
		rc = types ? next_arg(&it, c->len, spec.conv, &arg, &off) : -EINVAL;
		rc = rc ?: add_conv(c, fmt, &spec, &arg, off);
		if (off + arg.size > c->len)
			c->len = off + arg.size;
	}
	return rc;
}

static struct tvh_cfmt *compile_format(const struct tv_const *k)
{
	struct tvh_cfmt *c = calloc(1, sizeof(*c));
	size_t len = 0;
	FILE *fmt = c ? open_memstream(&c->text, &len) : NULL;
	int rc = fmt ? compile_conversions(c, fmt, k) : -ENOMEM;

	if (!c)
		return NULL;
	if (fmt && fclose(fmt))
		rc = rc ?: -ENOMEM;
	c->types[0] = c->types[1] = &ffi_type_pointer; /* FILE *, format */
	if (!rc && ffi_prep_cif_var(&c->cif, FFI_DEFAULT_ABI, 2, 2 + c->n, &ffi_type_sint,
				    c->types) != FFI_OK)
		rc = -EINVAL;
	if (rc) {
		free(c->text);
		free(c);
		c = NULL;
	}
	return c;
}

void tvh_cfmt_free(struct tvh_cfmt *c)
{
	if (c)
		free(c->text);
	free(c);
}

/* The compiled form of a format constant: kept in the output, by the
 * constant's index, from its first record on. */
static struct tvh_cfmt *cfmt_of(struct tv_out *o, const struct tv_const *k, bool *owned)
{
	size_t i = (size_t)(k - o->img->consts);

	*owned = i >= o->img->nconsts || i >= TV_MAX_CONSTS;
	if (*owned)
		return compile_format(k);
	if (!o->cfmt[i])
		o->cfmt[i] = compile_format(k);
	return o->cfmt[i];
}

/* Values printed by name (a symbol, a stack, an address, a time) are
 * rendered first, and then take the conversion's width and flags as a
 * string would. */
static char *render_named(struct tv_out *o, const struct carg *a, const unsigned char *p)
{
	struct tvh_field f = a->field;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return NULL;
	f.p = p;
	tvh_print_value(o, m, &f, 8, a->spec.style);
	fclose(m);
	return text;
}

union cvalue {
	long long ll;
	int i;
	char *s;
};

int tvh_format(struct tv_out *o, FILE *f, const struct tv_const *fmt, const void *args, size_t len)
{
	bool owned;
	struct tvh_cfmt *c = cfmt_of(o, fmt, &owned);
	union cvalue v[FFI_MAX_ARGS];
	void *values[FFI_MAX_ARGS + 2] = {&f};
	char strs[TV_SCRATCH + FFI_MAX_ARGS], *named[FFI_MAX_ARGS], *s = strs;
	int nnamed = 0, rc = 0;
	ffi_arg ret;

	if (!c)
		return -EINVAL;
	if (c->len > len || c->len > TV_SCRATCH)
		rc = -EINVAL;
	values[1] = &c->text;
	for (int i = 0; i < c->n && !rc; i++) {
		const struct carg *a = &c->arg[i];
		const unsigned char *p = (const unsigned char *)args + a->off;
		__u64 x = 0;

		memcpy(&x, p, a->field.size < 8 ? a->field.size : 8);
		x = sized(x, &a->spec);
		values[2 + i] = &v[i];
		switch (a->how) {
		case ARG_INT:
		case ARG_PTR: v[i].ll = (long long)x; break;
		case ARG_CHAR: v[i].i = (int)(char)x; break;
		case ARG_STR: /* copied out with its NUL: the record's may be cut */
			v[i].s = s;
			s += strnlen((const char *)p, a->field.size);
			memcpy(v[i].s, p, (size_t)(s - v[i].s));
			*s++ = 0;
			break;
		case ARG_NAMED:
			if (!(v[i].s = named[nnamed] = render_named(o, a, p)))
				rc = -ENOMEM;
			else
				nnamed++;
			break;
		}
	}
	if (!rc) {
		ffi_call(&c->cif, FFI_FN(fprintf), &ret, values);
		rc = (int)ret < 0 ? -EIO : 0;
	}
	while (nnamed)
		free(named[--nnamed]);
	if (owned)
		tvh_cfmt_free(c);
	return rc;
}
