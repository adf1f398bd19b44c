/* assembler: what the parser's files share (not part of the module's API). */
#ifndef TV_ASSEMBLER_INTERNAL_H
#define TV_ASSEMBLER_INTERNAL_H

#include <stdbool.h>

#include "assembler/assembler.h"

/* A growable array of n elements. */
struct tab {
	void *v;
	size_t n, cap;
};

struct ps {
	struct tv_image *img;
	struct tv_err *err;
	const char *line, *cur, *end; /* the current line is [line, end) */
	int lineno;
	struct tab labels, fixups, consts;
};

/* A token of the current line. */
struct tok {
	const char *s;
	size_t len;
};

/* Quote at most 40 bytes of a token in messages. */
#define TOK(t) (int)((t).len > 40 ? 40 : (t).len), (t).s

/* Errors fill p->err and return -EINVAL: at a token of the current line
 * (s == NULL: no column), or at an explicit place. */
int tva_fail(struct ps *p, const char *s, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int tva_fail_at(struct ps *p, int line, int col, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int tva_oom(struct ps *p);

bool tva_is_blank(char c);
bool tva_is_comment(char c);
void tva_skip_blank(struct ps *p);
/* Skips blanks; true at the end of the line or at a comment. */
bool tva_at_eol(struct ps *p);
/* The token at the cursor, up to a blank, a comment or (with comma) a ','. */
struct tok tva_peek_word(struct ps *p, bool comma);
/* The same after blanks, and moves past it. */
struct tok tva_next_word(struct ps *p, bool comma);
/* Length of the [A-Za-z_][A-Za-z0-9_.]* identifier at s. */
size_t tva_ident_len(const char *s, const char *end);
bool tva_tok_is(struct tok t, const char *word);
/* Room for one more element; NULL when out of memory. */
void *tva_tab_push(struct tab *t, size_t elem);

/* "-"? ("0x" hex | decimal): 0, -EINVAL (not a number), -ERANGE (> 64 bits). */
int tva_scan_int(struct tok t, bool *neg, __u64 *mag);
/* A number in lo..hi; what names it in messages. */
int tva_num_in(struct ps *p, struct tok t, __s64 lo, __s64 hi, __s64 *v, const char *what);
/* Any signed 64-bit value, or unsigned up to 2^64 - 1. */
int tva_num_wide(struct ps *p, struct tok t, __s64 *v);
/* A "C-escaped string" at the cursor into a malloc'd NUL-terminated buffer. */
int tva_parse_string(struct ps *p, char **out, size_t *len);
/* The same, refusing NUL bytes inside. */
int tva_parse_cstring(struct ps *p, char **out);
/* Nothing but blanks and a comment left on the line. */
int tva_expect_eol(struct ps *p);

#endif
