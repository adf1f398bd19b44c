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

/* Lines up to LINE_SHOWN bytes are shown whole, as bpftrace shows them.
 * Of a longer one (a generated script, a huge literal) WINDOW bytes are,
 * from LEAD before the error, its cut ends marked "...": a line of a
 * megabyte is not echoed to the terminal. */
#define LINE_SHOWN 200
#define WINDOW 160
#define LEAD 40
#define SHOWN_BYTES (4 * LINE_SHOWN + 8) /* tabs take four, "..." twice */

static void shown_part(size_t len, int col, size_t *from, size_t *to)
{
	size_t at = col > 0 ? (size_t)col - 1 : 0;

	*from = 0, *to = len;
	if (len <= LINE_SHOWN)
		return;
	*from = at > LEAD ? at - LEAD : 0;
	if (*from > len - WINDOW)
		*from = len - WINDOW;
	*to = *from + WINDOW;
}

static char *fill(char *p, char c, int n)
{
	memset(p, c, (size_t)n);
	return p + n;
}

/* The shown part of the line, tabs as four spaces, and the marker line:
 * ' ' before the span, '~' in it (four of them for a tab), cut where the
 * span or the shown part ends. */
static void print_source(FILE *f, const char *line, size_t len, const struct tv_err *e)
{
	char src[SHOWN_BYTES], mark[SHOWN_BYTES], *s = src, *m = mark;
	size_t from, to, stop = e->col_end > 0 ? (size_t)e->col_end : 0;

	shown_part(len, e->col, &from, &to);
	if (from) {
		s = stpcpy(s, "...");
		m = stpcpy(m, "   ");
	}
	for (size_t x = from; x < to; x++) {
		int w = line[x] == '\t' ? 4 : 1;

		s = fill(s, line[x] == '\t' ? ' ' : line[x], w);
		if (x < stop)
			m = fill(m, x + 1 < (size_t)e->col ? ' ' : '~', w);
	}
	if (to < len)
		s = stpcpy(s, "...");
	if (stop <= from)
		m = mark;
	/* one write: stderr is unbuffered */
	fprintf(f, "%.*s\n%.*s\n", (int)(s - src), src, (int)(m - mark), mark);
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
