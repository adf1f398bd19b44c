/* Diagnostics: the error list, and bpftrace's way of printing an error
 * with its source line and a '~' underline. */
#include <stdarg.h>
#include <string.h>

#include "frontend/lexer.h"

void tv_diag_init(struct tv_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void fe_diag_vadd(struct tv_diag *d, int line, int col, int col_end, const char *fmt, va_list ap)
{
	struct tv_err *e;

	if (d->n == TV_DIAG_MAX) {
		d->dropped++;
		return;
	}
	e = &d->err[d->n++];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->col = col;
	e->col_end = col_end;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

void tv_diag_add(struct tv_diag *d, int line, int col, int col_end, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fe_diag_vadd(d, line, col, col_end, fmt, ap);
	va_end(ap);
}

void tv_diag_warn(struct tv_diag *d, int line, int col, int col_end, const char *fmt, ...)
{
	struct tv_err w = {.line = line, .col = col, .col_end = col_end, .level = "WARNING"};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w.msg, sizeof(w.msg), fmt, ap);
	va_end(ap);
	for (int i = 0; i < d->nwarn; i++)
		if (d->warn[i].line == line && d->warn[i].col == col &&
		    !strcmp(d->warn[i].msg, w.msg))
			return;
	if (d->nwarn < TV_DIAG_MAX)
		d->warn[d->nwarn++] = w;
}

void tv_diag_print(FILE *f, const char *filename, const char *text, const struct tv_err *e)
{
	tv_err_print(f, filename, text, e, e->level ? e->level : "ERROR");
}

void tv_diag_print_warnings(FILE *f, const char *filename, const char *text,
			    const struct tv_diag *d)
{
	for (int i = 0; i < d->nwarn; i++)
		tv_diag_print(f, filename, text, &d->warn[i]);
}

void tv_diag_print_all(FILE *f, const char *filename, const char *text, const struct tv_diag *d)
{
	tv_diag_print_warnings(f, filename, text, d);
	for (int i = 0; i < d->n; i++)
		tv_diag_print(f, filename, text, &d->err[i]);
	if (d->dropped)
		fprintf(f, "ERROR: %d more errors\n", d->dropped);
}
