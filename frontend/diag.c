/* Diagnostics: the error list, and bpftrace's way of printing an error
 * with its source line and a '~' underline. */
#include <stdarg.h>
#include <string.h>

#include "frontend/lexer.h"

void tv_diag_init(struct tv_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void tv_diag_vadd(struct tv_diag *d, int line, int col, int col_end, const char *fmt, va_list ap)
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
	tv_diag_vadd(d, line, col, col_end, fmt, ap);
	va_end(ap);
}

/* Line n (1-based) of text, without its newline; NULL when there is none. */
static const char *source_line(const char *text, int n, size_t *len)
{
	const char *p = text, *nl;

	for (; n > 1; n--) {
		nl = strchr(p, '\n');
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	nl = strchr(p, '\n');
	*len = nl ? (size_t)(nl - p) : strlen(p);
	return p;
}

/* The source line, tabs as four spaces, and the marker line: ' ' before
 * the span, '~' in it (four of them for a tab), cut at the line's end. */
static void print_source(FILE *f, const char *line, size_t len, const struct tv_err *e)
{
	size_t x, stop = e->col_end > 0 ? (size_t)e->col_end : 0;

	for (x = 0; x < len; x++) {
		if (line[x] == '\t')
			fputs("    ", f);
		else
			fputc(line[x], f);
	}
	fputc('\n', f);
	for (x = 0; x < len && x < stop; x++) {
		char marker = x + 1 < (size_t)e->col ? ' ' : '~';

		for (int k = line[x] == '\t' ? 4 : 1; k > 0; k--)
			fputc(marker, f);
	}
	fputc('\n', f);
}

void tv_diag_print(FILE *f, const char *filename, const char *text, const struct tv_err *e)
{
	const char *line;
	size_t len = 0;

	/* Without a location bpftrace prints the message alone. */
	if (e->line <= 0) {
		fprintf(f, "ERROR: %s\n", e->msg);
		return;
	}
	if (filename && *filename)
		fprintf(f, "%s:", filename);
	fprintf(f, "%d:%d-%d: ERROR: %s\n", e->line, e->col, e->col_end + 1, e->msg);
	line = text ? source_line(text, e->line, &len) : NULL;
	if (line && len)
		print_source(f, line, len, e);
}

void tv_diag_print_all(FILE *f, const char *filename, const char *text, const struct tv_diag *d)
{
	for (int i = 0; i < d->n; i++)
		tv_diag_print(f, filename, text, &d->err[i]);
	if (d->dropped)
		fprintf(f, "ERROR: %d more errors\n", d->dropped);
}
