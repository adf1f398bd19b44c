/* Errors with a source location, printed as bpftrace prints them: by the
 * frontend's diagnostics and the host's reports of faults alike. */
#include <stdio.h>
#include <string.h>

#include "bytecode.h"

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

void tv_err_print(FILE *f, const char *filename, const char *text, const struct tv_err *e,
		  const char *level)
{
	const char *line;
	size_t len = 0;

	/* Without a location bpftrace prints the message alone. */
	if (e->line <= 0) {
		fprintf(f, "%s: %s\n", level, e->msg);
		return;
	}
	if (filename && *filename)
		fprintf(f, "%s:", filename);
	fprintf(f, "%d:%d-%d: %s: %s\n", e->line, e->col, e->col_end + 1, level, e->msg);
	line = text ? source_line(text, e->line, &len) : NULL;
	if (line && len)
		print_source(f, line, len, e);
}
