/* printf conversion specs, as bpftrace accepts them: one parser for the
 * frontend (which checks argument types) and the host (which formats). */
#include <ctype.h>
#include <string.h>

#include "bytecode.h"

/* The conversions and what each takes, one row each. */
static const struct {
	char conv;
	enum tv_fmt_class cls;
} convs[] = {
    {'d', TV_FMT_INT}, {'i', TV_FMT_INT}, {'u', TV_FMT_INT}, {'x', TV_FMT_INT}, {'X', TV_FMT_INT},
    {'o', TV_FMT_INT}, {'c', TV_FMT_INT}, {'p', TV_FMT_INT}, {'s', TV_FMT_STR}, {'r', TV_FMT_BUF},
};

static enum tv_fmt_class class_of(char c)
{
	for (size_t i = 0; i < sizeof(convs) / sizeof(convs[0]); i++)
		if (convs[i].conv == c)
			return convs[i].cls;
	return TV_FMT_NONE;
}

const char *tv_fmt_next(const char *p, struct tv_fmt_spec *s)
{
	size_t n = 0;

	memset(s, 0, sizeof(*s));
	s->spec[n++] = *p++;
	while (*p && strchr("-+ #0", *p) && n < sizeof(s->spec) - 8)
		s->spec[n++] = *p++;
	while (*p && (isdigit((unsigned char)*p) || *p == '.') && n < sizeof(s->spec) - 8)
		s->spec[n++] = *p++;
	/* as C's printf, which bpftrace's follows: int unless l, ll, z, j */
	s->bits = 32;
	for (; *p == 'l' || *p == 'h' || *p == 'z' || *p == 'j'; p++)
		s->bits = *p != 'h' ? 64 : s->bits == 16 ? 8 : 16;
	s->conv = *p;
	s->cls = class_of(*p);
	if (*p)
		p++;
	if (s->conv == 'r' && (*p == 'x' || *p == 'h'))
		s->style = *p++;
	return p;
}

int tv_fmt_count(const char *f)
{
	struct tv_fmt_spec s;
	int n = 0;

	while (*f) {
		if (*f != '%') {
			f++;
		} else if (f[1] == '%') {
			f += 2;
		} else {
			f = tv_fmt_next(f, &s);
			n += s.cls != TV_FMT_NONE;
		}
	}
	return n;
}
