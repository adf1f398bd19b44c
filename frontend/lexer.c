/* The lexer's core: positions, blanks and comments, identifiers and
 * punctuation, and the names tokens get in messages. */
#include <string.h>

#include "frontend/lexer.h"

static const char *const tok_names[] = {
#define TOK(kind, name) [TV_T_##kind] = name,
#include "frontend/token.def"
#undef TOK
};

const char *fe_tok_kind_name(enum fe_tok_kind kind)
{
	return (unsigned)kind < TV_T__COUNT ? tok_names[kind] : "?";
}

void fe_lex_init(struct fe_lexer *lx, const char *src, size_t len, struct fe_arena *arena,
		 struct tv_diag *diag)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = len;
	lx->line = 1;
	lx->arena = arena;
	lx->diag = diag;
}

void fe_lex_error(struct fe_lexer *lx, struct fe_loc loc, const char *fmt, ...)
{
	va_list ap;

	if (!lx->diag)
		return;
	va_start(ap, fmt);
	fe_diag_vadd(lx->diag, loc.line, loc.col, loc.col_end, fmt, ap);
	va_end(ap);
}

/* ---- positions ---------------------------------------------------------- */

size_t fe_lex_eol(const struct fe_lexer *lx, size_t off)
{
	const char *nl = off < lx->len ? memchr(lx->src + off, '\n', lx->len - off) : NULL;

	return nl ? (size_t)(nl - lx->src) : lx->len;
}

int fe_line_last_col(const char *src, size_t len, size_t off)
{
	size_t bol = off, eol = off;

	while (bol > 0 && src[bol - 1] != '\n')
		bol--;
	while (eol < len && src[eol] != '\n')
		eol++;
	return (int)(eol - bol);
}

struct fe_loc fe_lex_loc(const struct fe_lexer *lx, size_t start, size_t end)
{
	const char *nl = end > start ? memchr(lx->src + start, '\n', end - start) : NULL;
	struct fe_loc l;

	if (nl)
		end = (size_t)(nl - lx->src);
	l.line = lx->line;
	l.col = (int)(start - lx->line_off) + 1;
	l.col_end = l.col + (int)(end - start) - 1;
	l.off = (int)start;
	return l;
}

struct fe_loc fe_lex_run_loc(const struct fe_lexer *lx, size_t start, size_t end)
{
	return fe_lex_loc(lx, lx->run >= lx->line_off && lx->run <= start ? lx->run : start, end);
}

void fe_lex_move(struct fe_lexer *lx, size_t to)
{
	if (to > lx->len)
		to = lx->len;
	for (; lx->pos < to; lx->pos++) {
		if (lx->src[lx->pos] == '\n') {
			lx->line++;
			lx->line_off = lx->pos + 1;
		}
	}
}

/* Is s[0..len) one of the blank-separated words of list? */
static bool in_words(const char *list, const char *s, size_t len)
{
	const char *w = list;

	if (!len)
		return false;
	while ((w = memmem(w, strlen(w), s, len))) {
		if ((w == list || w[-1] == ' ') && (w[len] == ' ' || !w[len]))
			return true;
		w++;
	}
	return false;
}

/* ---- blanks and comments ------------------------------------------------ */

/* The words tried are a few bytes long: a byte loop beats strlen+memcmp. */
static bool at(const struct fe_lexer *lx, size_t off, const char *s)
{
	if (off > lx->len)
		return false;
	for (size_t i = 0; s[i]; i++)
		if (off + i >= lx->len || lx->src[off + i] != s[i])
			return false;
	return true;
}

/* A "/ * ... * /" comment at lx->pos; unterminated (false), it runs to
 * the end. */
static bool skip_block_comment(struct fe_lexer *lx)
{
	size_t start = lx->pos, i;

	for (i = start + 2; i + 1 < lx->len; i++) {
		if (lx->src[i] == '*' && lx->src[i + 1] == '/') {
			fe_lex_move(lx, i + 2);
			return true;
		}
	}
	lx->last = fe_lex_loc(lx, start, lx->len);
	fe_lex_error(lx, lx->last, "end of file during comment");
	fe_lex_move(lx, lx->len);
	return false;
}

/* A '#' at off that starts a preprocessor directive: a directive's name
 * follows ("#include", "# define"), or it is "#!" first in the text.  Any
 * other '#' starts a comment to the end of the line: bpftrace reads every
 * '#' as a directive, but the tutorials write "# text" as a comment, and
 * no directive looks like that. */
static bool is_directive(const struct fe_lexer *lx, size_t off)
{
	static const char names[] = "include define undef if ifdef ifndef elif else endif pragma "
				    "error warning line";
	size_t i, end;

	if (off == 0 && at(lx, 0, "#!"))
		return true;
	for (i = off + 1; i < lx->len && (lx->src[i] == ' ' || lx->src[i] == '\t'); i++)
		;
	for (end = i; end < lx->len && fe_is_ident_char((unsigned char)lx->src[end]); end++)
		;
	return in_words(names, lx->src + i, end - i);
}

/* Skips blanks and comments; true when it skipped anything. */
static bool skip_space(struct fe_lexer *lx)
{
	size_t start = lx->pos;

	while (lx->pos < lx->len) {
		lx->gap = true;
		if (fe_is_space((unsigned char)lx->src[lx->pos]))
			fe_lex_move(lx, lx->pos + 1);
		else if ((lx->src[lx->pos] == '/' && at(lx, lx->pos, "//")) ||
			 (lx->src[lx->pos] == '#' && !is_directive(lx, lx->pos)))
			fe_lex_move(lx, fe_lex_eol(lx, lx->pos));
		else if (lx->src[lx->pos] == '/' && at(lx, lx->pos, "/*"))
			lx->gap = skip_block_comment(lx);
		else
			break;
	}
	lx->gap = lx->pos != start && lx->gap;
	return lx->pos != start;
}

/* ---- identifiers -------------------------------------------------------- */

/* clang-format off */
static const struct {
	const char *s;
	enum fe_tok_kind kind;
} keywords[] = {
	{"if", TV_T_IF},         {"else", TV_T_ELSE},     {"unroll", TV_T_UNROLL},
	{"struct", TV_T_STRUCT}, {"union", TV_T_UNION},   {"while", TV_T_WHILE},
	{"for", TV_T_FOR},       {"return", TV_T_RETURN}, {"continue", TV_T_CONTINUE},
	{"break", TV_T_BREAK},
};
/* clang-format on */

static bool word_is(const char *w, size_t len, const char *s)
{
	return len && w[0] == s[0] && strlen(s) == len && !memcmp(w, s, len);
}

static void lex_ident(struct fe_lexer *lx, struct fe_tok *t)
{
	size_t start = lx->pos, i = start;

	while (i < lx->len && fe_is_ident_char((unsigned char)lx->src[i]))
		i++;
	t->kind = TV_T_IDENT;
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
		if (keywords[k].s[0] == lx->src[start] &&
		    word_is(lx->src + start, i - start, keywords[k].s))
			t->kind = keywords[k].kind;
	t->loc = fe_lex_loc(lx, start, i);
	fe_lex_move(lx, i);
}

/* "@name" or "@"; "$name", "$N" or "$#". */
static bool lex_sigil(struct fe_lexer *lx, struct fe_tok *t)
{
	size_t start = lx->pos, i = start + 1;
	char c = lx->src[start];

	if (c == '$' && i < lx->len && lx->src[i] == '#') {
		t->kind = TV_T_PARAMCOUNT;
		i++;
	} else if (c == '$' && i < lx->len && fe_is_digit((unsigned char)lx->src[i])) {
		t->kind = TV_T_PARAM;
		while (i < lx->len && fe_is_digit((unsigned char)lx->src[i])) {
			t->ival = t->ival > 1000000000000000000ull
				      ? UINT64_MAX
				      : t->ival * 10 + (lx->src[i] - '0');
			i++;
		}
	} else {
		if (i < lx->len && fe_is_ident_start((unsigned char)lx->src[i]))
			while (i < lx->len && fe_is_ident_char((unsigned char)lx->src[i]))
				i++;
		if (c == '$' && i == start + 1)
			return false; /* a lone '$' */
		t->kind = c == '@' ? TV_T_MAP : TV_T_VAR;
	}
	t->loc = fe_lex_loc(lx, start, i);
	fe_lex_move(lx, i);
	if (t->kind == TV_T_PARAM && (t->ival < 1 || t->ival > INT64_MAX))
		fe_lex_error(lx, t->loc, "param %.*s is out of integer range [1, %lld]",
			     (int)(i - start), lx->src + start, (long long)INT64_MAX);
	return true;
}

/* ---- punctuation -------------------------------------------------------- */

/* Longest first (ORDER: a prefix of a longer one comes after it). */
/* clang-format off */
#define TV_PUNCTS(X)                                                                  \
	X("<<=", LEFTASSIGN) X(">>=", RIGHTASSIGN) X("<<", LEFT)   X(">>", RIGHT)         \
	X("<=", LE)          X(">=", GE)           X("==", EQ)     X("!=", NE)            \
	X("&&", LAND)        X("||", LOR)          X("++", INCREMENT) X("--", DECREMENT)  \
	X("->", PTR)         X("+=", PLUSASSIGN)   X("-=", MINUSASSIGN) X("*=", MULASSIGN) \
	X("/=", DIVASSIGN)   X("%=", MODASSIGN)    X("&=", BANDASSIGN) X("|=", BORASSIGN) \
	X("^=", BXORASSIGN)  X(":", COLON)         X(";", SEMI)    X("{", LBRACE)         \
	X("}", RBRACE)       X("[", LBRACKET)      X("]", RBRACKET) X("(", LPAREN)        \
	X(")", RPAREN)       X("?", QUES)          X(",", COMMA)   X("=", ASSIGN)         \
	X("<", LT)           X(">", GT)            X("+", PLUS)    X("-", MINUS)          \
	X("*", MUL)          X("/", DIV)           X("%", MOD)     X("&", BAND)           \
	X("|", BOR)          X("^", BXOR)          X("!", LNOT)    X("~", BNOT)           \
	X(".", DOT)
/* clang-format on */

static const struct {
	const char *s;
	enum fe_tok_kind kind;
} puncts[] = {
#define X(s, kind) {s, TV_T_##kind},
    TV_PUNCTS(X)
#undef X
};

/* Each punctuator's first byte, in table order: memchr finds where the
 * candidates for a byte start. */
static const char punct_firsts[] = {
#define X(s, kind) s[0],
    TV_PUNCTS(X)
#undef X
};

/* A '/' that closes a predicate: as in bpftrace, one followed by a '{'
 * or another '/' (here blanks and comments may come between, and a
 * comment's '/' does not count). */
static bool is_endpred(const struct fe_lexer *lx)
{
	struct fe_lexer probe = *lx;

	probe.diag = NULL;
	probe.pos++;
	skip_space(&probe);
	return probe.pos < probe.len &&
	       (probe.src[probe.pos] == '{' || probe.src[probe.pos] == '/');
}

static bool lex_punct(struct fe_lexer *lx, struct fe_tok *t)
{
	size_t start = lx->pos, n;

	if (lx->src[start] == '/' && is_endpred(lx)) {
		t->kind = TV_T_ENDPRED;
		n = 1;
	} else {
		const char *first = memchr(punct_firsts, lx->src[start], sizeof(punct_firsts));
		size_t k = first ? (size_t)(first - punct_firsts) : sizeof(punct_firsts);

		while (k < sizeof(punct_firsts) &&
		       (punct_firsts[k] != lx->src[start] || !at(lx, start, puncts[k].s)))
			k++;
		if (k == sizeof(punct_firsts))
			return false;
		t->kind = puncts[k].kind;
		n = strlen(puncts[k].s);
	}
	t->loc = fe_lex_loc(lx, start, start + n);
	fe_lex_move(lx, start + n);
	return true;
}

/* '#' to the end of the line, as bpftrace: a preprocessor directive. */
static void lex_preproc(struct fe_lexer *lx, struct fe_tok *t)
{
	size_t start = lx->pos, end = fe_lex_eol(lx, start);

	t->kind = start == 0 && at(lx, 0, "#!") ? TV_T_SHEBANG : TV_T_PREPROC;
	/* a directive goes on after a backslash at the end of its line */
	while (t->kind == TV_T_PREPROC && end > start && end < lx->len &&
	       lx->src[end - 1 - (end - 1 > start && lx->src[end - 1] == '\r')] == '\\')
		end = fe_lex_eol(lx, end + 1);
	while (end > start && fe_is_space((unsigned char)lx->src[end - 1]))
		end--;
	t->loc = fe_lex_loc(lx, start, end);
	fe_lex_move(lx, end);
}

/* Skips one invalid character (a whole run of bytes >= 0x80, so a UTF-8
 * character is one error) and reports it. */
static void skip_invalid(struct fe_lexer *lx)
{
	size_t start = lx->pos, i = start + 1;
	unsigned char c = (unsigned char)lx->src[start];

	if (c >= 0x80)
		while (i < lx->len && (unsigned char)lx->src[i] >= 0x80)
			i++;
	if (c >= 0x80 || (c >= 0x20 && c < 0x7f))
		fe_lex_error(lx, fe_lex_run_loc(lx, start, i), "invalid character '%.*s'",
			     (int)(i - start), lx->src + start);
	else
		fe_lex_error(lx, fe_lex_run_loc(lx, start, i), "invalid character '\\x%02x'", c);
	fe_lex_move(lx, i);
}

/* One code token at lx->pos; false when none was made of the text there
 * (an invalid character, an unterminated string: skipped and reported). */
static bool lex_code(struct fe_lexer *lx, struct fe_tok *t)
{
	unsigned char c = (unsigned char)lx->src[lx->pos];

	if (fe_is_ident_start(c))
		lex_ident(lx, t);
	else if (fe_is_digit(c))
		fe_lex_number(lx, t);
	else if (c == '"')
		return fe_lex_string(lx, t);
	else if (c == '#')
		lex_preproc(lx, t);
	else if (!((c == '@' || c == '$') && lex_sigil(lx, t)) && !lex_punct(lx, t)) {
		skip_invalid(lx);
		return false;
	}
	return true;
}

static void end_of_input(struct fe_lexer *lx, struct fe_tok *t)
{
	t->kind = TV_T_EOF;
	t->loc = fe_lex_loc(lx, lx->len, lx->len);
	t->err = lx->gap || !lx->last.line ? t->loc : lx->last;
}

int fe_lex_peek_byte(const struct fe_lexer *lx)
{
	struct fe_lexer probe = *lx;

	probe.diag = NULL;
	skip_space(&probe);
	return probe.pos < probe.len ? (unsigned char)probe.src[probe.pos] : -1;
}

bool fe_lex_next(struct fe_lexer *lx, enum fe_lex_mode mode, struct fe_tok *t)
{
	bool made = false;

	while (!made) {
		memset(t, 0, sizeof(*t));
		if (skip_space(lx))
			lx->run = lx->pos;
		if (lx->pos >= lx->len) {
			end_of_input(lx, t);
			return !lx->oom;
		}
		t->text = lx->src + lx->pos;
		made = (mode == TV_LEX_PROBE && fe_lex_probe(lx, t)) || lex_code(lx, t);
	}
	t->len = (size_t)(lx->src + lx->pos - t->text);
	t->err = t->loc;
	if (t->loc.line == lx->line && lx->run >= lx->line_off && lx->run < (size_t)t->loc.off)
		t->err.col = (int)(lx->run - lx->line_off) + 1;
	lx->last = t->err;
	lx->gap = false;
	return !lx->oom;
}

/* ---- names in messages -------------------------------------------------- */

/* bpftrace 0.17's names for identifiers it knows: builtins, functions
 * ("call"), the two that are both, and the stack modes. */
static const char builtins[] = "pid tid uid gid nsecs elapsed numaid cpu comm retval func probe "
			       "curtask rand cgroup cpid username args ctx";
static const char calls[] =
    "printf print time exit str buf ksym usym kaddr uaddr ntop pton reg "
    "system cat signal strncmp override sizeof join count sum avg min max "
    "stats hist lhist delete clear zero strftime path macaddr cgroupid kptr "
    "uptr bswap skboutput strcontains cgroup_path debugf unwatch strerror";

/* arg0..arg9, sarg0..sarg9 */
static bool is_arg_builtin(const char *s, size_t len)
{
	if (len == 5 && s[0] == 's')
		return is_arg_builtin(s + 1, 4);
	return len == 4 && !memcmp(s, "arg", 3) && fe_is_digit((unsigned char)s[3]);
}

const char *fe_tok_describe(const struct fe_tok *t)
{
	if (t->kind != TV_T_IDENT)
		return fe_tok_kind_name(t->kind);
	if (in_words(builtins, t->text, t->len) || is_arg_builtin(t->text, t->len))
		return "builtin";
	if (in_words(calls, t->text, t->len))
		return "call";
	if (in_words("kstack ustack", t->text, t->len))
		return "call_builtin";
	if (in_words("perf bpftrace", t->text, t->len))
		return "stack_mode";
	return "identifier";
}

bool fe_is_int_type(const char *s, size_t len)
{
	return in_words("int8 int16 int32 int64 uint8 uint16 uint32 uint64", s, len);
}
