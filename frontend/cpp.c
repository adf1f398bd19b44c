/* The preprocessor's driver: directives, #if regions, errors, and the
 * values the script reads (cpp.h says how far it goes). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/ast.h"
#include "frontend/cpp.h"

/* What gcc predefines on x86-64 Linux that headers test, and the
 * extensions the declaration parser need not know. */
static const char predefined[] = "#define __GNUC__ 12\n"
				 "#define __GNUC_MINOR__ 2\n"
				 "#define __GNUC_PATCHLEVEL__ 0\n"
				 "#define __STDC__ 1\n"
				 "#define __STDC_VERSION__ 201710L\n"
				 "#define __STDC_HOSTED__ 1\n"
				 "#define __x86_64__ 1\n"
				 "#define __x86_64 1\n"
				 "#define __amd64__ 1\n"
				 "#define __amd64 1\n"
				 "#define __linux__ 1\n"
				 "#define __linux 1\n"
				 "#define __gnu_linux__ 1\n"
				 "#define __unix__ 1\n"
				 "#define __unix 1\n"
				 "#define __ELF__ 1\n"
				 "#define __CHAR_BIT__ 8\n"
				 "#define __SIZEOF_SHORT__ 2\n"
				 "#define __SIZEOF_INT__ 4\n"
				 "#define __SIZEOF_LONG__ 8\n"
				 "#define __SIZEOF_LONG_LONG__ 8\n"
				 "#define __SIZEOF_POINTER__ 8\n"
				 "#define __SIZEOF_FLOAT__ 4\n"
				 "#define __SIZEOF_DOUBLE__ 8\n"
				 "#define __SIZEOF_LONG_DOUBLE__ 16\n"
				 "#define __SIZEOF_SIZE_T__ 8\n"
				 "#define __SIZEOF_WCHAR_T__ 4\n"
				 "#define __SIZEOF_WINT_T__ 4\n"
				 "#define __SIZEOF_PTRDIFF_T__ 8\n"
				 "#define __SIZEOF_INT128__ 16\n"
				 "#define __LP64__ 1\n"
				 "#define _LP64 1\n"
				 "#define __ORDER_LITTLE_ENDIAN__ 1234\n"
				 "#define __ORDER_BIG_ENDIAN__ 4321\n"
				 "#define __ORDER_PDP_ENDIAN__ 3412\n"
				 "#define __BYTE_ORDER__ __ORDER_LITTLE_ENDIAN__\n"
				 "#define __SCHAR_MAX__ 0x7f\n"
				 "#define __SHRT_MAX__ 0x7fff\n"
				 "#define __INT_MAX__ 0x7fffffff\n"
				 "#define __LONG_MAX__ 0x7fffffffffffffffL\n"
				 "#define __LONG_LONG_MAX__ 0x7fffffffffffffffLL\n"
				 "#define __WCHAR_MAX__ 0x7fffffff\n"
				 "#define __WCHAR_MIN__ (-__WCHAR_MAX__ - 1)\n"
				 "#define __SIZE_MAX__ 0xffffffffffffffffUL\n"
				 "#define __SIZE_TYPE__ long unsigned int\n"
				 "#define __PTRDIFF_TYPE__ long int\n"
				 "#define __WCHAR_TYPE__ int\n"
				 "#define __WINT_TYPE__ unsigned int\n"
				 "#define __INTMAX_TYPE__ long int\n"
				 "#define __UINTMAX_TYPE__ long unsigned int\n"
				 "#define __CHAR16_TYPE__ short unsigned int\n"
				 "#define __CHAR32_TYPE__ unsigned int\n"
				 "#define __BIGGEST_ALIGNMENT__ 16\n"
				 "#define __FLT_EVAL_METHOD__ 0\n"
				 "#define __USER_LABEL_PREFIX__\n"
				 "#define __REGISTER_PREFIX__\n"
				 "#define __MMX__ 1\n"
				 "#define __SSE__ 1\n"
				 "#define __SSE2__ 1\n"
				 "#define __GCC_IEC_559 2\n"
				 "#define __asm__(...)\n"
				 "#define __asm(...)\n";

void fe_cpp_errorf(struct fe_cpp *cpp, const char *fmt, ...)
{
	struct fe_cpp_error *e;
	va_list ap;
	int k = 0;

	cpp->failed = cpp->file >= 0;
	if (cpp->quiet || cpp->nerr == FE_CPP_MAX_ERRORS)
		return;
	e = &cpp->err[cpp->nerr++];
	e->node = cpp->node;
	if (cpp->file >= 0)
		k = snprintf(e->msg, sizeof(e->msg), "%s:%d: ", cpp->files[cpp->file].path,
			     cpp->line);
	va_start(ap, fmt);
	vsnprintf(e->msg + k, sizeof(e->msg) - (size_t)k, fmt, ap);
	va_end(ap);
}

bool fe_cpp_on(const struct fe_cpp *cpp)
{
	return cpp->ncond == cpp->cond_base || cpp->cond[cpp->ncond - 1].on;
}

/* ---- #if regions ---------------------------------------------------------- */

static void open_region(struct fe_cpp *cpp, bool v, int line)
{
	bool outer = !cpp->ncond || cpp->cond[cpp->ncond - 1].on;

	if (cpp->ncond == (int)(sizeof(cpp->cond) / sizeof(cpp->cond[0]))) {
		fe_cpp_errorf(cpp, "#if nested too deeply");
		return;
	}
	cpp->cond[cpp->ncond++] = (struct pp_cond){outer && v, outer, v, false, cpp->node, line};
}

static bool if_value(struct fe_cpp *cpp, const struct pp_tok *t, int n)
{
	bool v = false;

	if (!n)
		fe_cpp_errorf(cpp, "#if with no expression");
	else
		fe_pp_if(cpp, t, n, &v);
	return v;
}

/* A conditional directive (name t[0], then n - 1 tokens); false if it is not one. */
static bool conditional(struct fe_cpp *cpp, const struct pp_tok *t, int n)
{
	struct pp_cond *c = cpp->ncond > cpp->cond_base ? &cpp->cond[cpp->ncond - 1] : NULL;
	bool ifdef = fe_pp_is(t, "ifdef"), ifndef = fe_pp_is(t, "ifndef");

	if (ifdef || ifndef || fe_pp_is(t, "if")) {
		bool on = !cpp->ncond || cpp->cond[cpp->ncond - 1].on, v = false;

		if (on && (ifdef || ifndef) && (n < 2 || t[1].kind != PP_IDENT))
			fe_cpp_errorf(cpp, "macro names must be identifiers");
		else if (on && (ifdef || ifndef))
			v = ifndef != (fe_pp_find(cpp, t[1].s, t[1].len) != NULL);
		else if (on)
			v = if_value(cpp, t + 1, n - 1);
		open_region(cpp, v, t->line);
		return true;
	}
	if (!fe_pp_is(t, "elif") && !fe_pp_is(t, "else") && !fe_pp_is(t, "endif"))
		return false;
	if (!c) {
		fe_cpp_errorf(cpp, "#%.*s without #if", t->len, t->s);
	} else if (fe_pp_is(t, "endif")) {
		cpp->ncond--;
	} else if (c->seen_else) {
		fe_cpp_errorf(cpp, "#%.*s after #else", t->len, t->s);
	} else if (fe_pp_is(t, "else")) {
		c->on = c->outer && !c->taken;
		c->taken = c->seen_else = true;
	} else {
		bool v = c->outer && !c->taken && if_value(cpp, t + 1, n - 1);

		c->on = v, c->taken |= v;
	}
	return true;
}

/* ---- directives ----------------------------------------------------------- */

static void pragma(struct fe_cpp *cpp, const struct pp_tok *t, int n)
{
	if (n > 1 && fe_pp_is(&t[1], "once") && cpp->file >= 0)
		cpp->files[cpp->file].once = true;
	/* others (pack, GCC system_header ...) change nothing we lay out */
}

static void error_directive(struct fe_cpp *cpp, const struct pp_tok *t, int n)
{
	const char *end = n > 1 ? t[n - 1].s + t[n - 1].len : NULL;

	fe_cpp_errorf(cpp, "#error %.*s", end ? (int)(end - t[1].s) : 0, end ? t[1].s : "");
}

/* t[0] is the '#'; the directive's tokens are t[0..n). */
void fe_cpp_run_directive(struct fe_cpp *cpp, const struct pp_tok *t, int n)
{
	static const char *const inert[] = {"warning", "line",	 "ident",
					    "sccs",    "assert", "unassert"};

	t++, n--;
	cpp->line = n ? t->line : cpp->line;
	if (!n || (t->kind == PP_NUM && !fe_cpp_on(cpp)) || conditional(cpp, t, n) ||
	    !fe_cpp_on(cpp))
		return;
	if (fe_pp_is(t, "define"))
		fe_pp_define(cpp, t + 1, n - 1);
	else if (fe_pp_is(t, "undef") && n > 1)
		fe_pp_undef(cpp, &t[1]);
	else if (fe_pp_is(t, "include") || fe_pp_is(t, "include_next"))
		fe_cpp_include(cpp, t + 1, n - 1, fe_pp_is(t, "include_next"));
	else if (fe_pp_is(t, "pragma"))
		pragma(cpp, t, n);
	else if (fe_pp_is(t, "error"))
		error_directive(cpp, t, n);
	else if (t->kind == PP_NUM) /* "# 1 file": as #line */
		return;
	else {
		for (size_t i = 0; i < sizeof(inert) / sizeof(inert[0]); i++)
			if (fe_pp_is(t, inert[i]))
				return;
		fe_cpp_errorf(cpp, "invalid preprocessing directive #%.*s", t->len, t->s);
	}
}

void fe_cpp_directive(struct fe_cpp *cpp, int node, const char *text)
{
	struct pp_vec v = {0};

	char *copy = fe_cpp_alloc(cpp, strlen(text) + 1); /* the macros point into it */

	cpp->node = node, cpp->file = -1, cpp->failed = false;
	if (copy)
		strcpy(copy, text);
	if (!copy || fe_pp_lex(cpp, copy, &v))
		fe_cpp_errorf(cpp, "out of memory");
	else if (v.n && fe_pp_is(&v.v[0], "#"))
		fe_cpp_run_directive(cpp, v.v, v.n);
	fe_pp_free(&v);
}

void fe_cpp_define_int(struct fe_cpp *cpp, const char *name, int64_t value)
{
	char *text = fe_cpp_alloc(cpp, strlen(name) + 32);
	struct pp_vec v = {0};

	if (!text)
		return;
	sprintf(text, "%s %lld", name, (long long)value);
	if (!fe_pp_lex(cpp, text, &v))
		fe_pp_define(cpp, v.v, v.n);
	fe_pp_free(&v);
}

void fe_cpp_finish(struct fe_cpp *cpp)
{
	if (cpp->ncond > 0) {
		cpp->node = cpp->cond[cpp->ncond - 1].node, cpp->file = -1;
		fe_cpp_errorf(cpp, "unterminated conditional directive");
		cpp->ncond = 0;
	}
}

/* ---- set-up --------------------------------------------------------------- */

struct fe_cpp *fe_cpp_new(const struct fe_cpp_opts *o)
{
	struct fe_cpp *cpp = calloc(1, sizeof(*cpp));

	if (!cpp || !(cpp->arena = fe_arena_new())) {
		free(cpp);
		return NULL;
	}
	cpp->o = *o;
	cpp->budget = FE_CPP_MAX_TOKENS;
	cpp->file = -1, cpp->node = -1;
	cpp->last_file = cpp->last_node = -2;
	fe_cpp_search_path(cpp);
	fe_cpp_read_text(cpp, "<built-in>", predefined, true, -1);
	return cpp;
}

void fe_cpp_free(struct fe_cpp *cpp)
{
	if (!cpp)
		return;
	fe_arena_free(cpp->arena);
	free(cpp->macros);
	free(cpp->hash);
	for (int i = 0; i < cpp->nfiles; i++)
		free(cpp->files[i].path);
	free(cpp->files);
	free(cpp->out);
	free(cpp->lines);
	free(cpp->spans);
	free(cpp);
}

/* ---- the script's values -------------------------------------------------- */

/* String literals, concatenated, their simple escapes decoded. */
static bool strings(const struct pp_vec *x, char *str, size_t size)
{
	size_t k = 0;

	for (int i = 0; i < x->n; i++) {
		const struct pp_tok *t = &x->v[i];

		if (t->kind != PP_STR || t->s[0] != '"' || t->len < 2)
			return false;
		for (int j = 1; j < t->len - 1; j++) {
			char c = t->s[j];

			if (c == '\\') {
				c = t->s[++j];
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
				if (!strchr("\n\t\r\\\"'", c))
					return false;
			}
			if (k + 1 >= size)
				return false;
			str[k++] = c;
		}
	}
	str[k] = 0;
	return x->n > 0;
}

/* The tokens as text the script's lexer reads again, blanks where the
 * definition had them (`@m[tid]` is one map there, and in the script). */
static bool joined(const struct pp_vec *x, char *str, size_t size)
{
	size_t k = 0;

	for (int i = 0; i < x->n; i++) {
		if (k + (size_t)x->v[i].len + 2 > size)
			return false;
		k += (size_t)snprintf(str + k, size - k, "%s%.*s", i && x->v[i].space ? " " : "",
				      x->v[i].len, x->v[i].s);
	}
	return x->n > 0;
}

int fe_cpp_value(struct fe_cpp *cpp, const char *name, size_t len, int64_t *v, char *str,
		 size_t strsize)
{
	struct pp_macro *m = fe_pp_find(cpp, name, (int)len);
	struct pp_tok t = {.kind = PP_IDENT, .s = name, .len = (int)len};
	struct pp_vec x = {0};
	int kind = 0;

	if (!m)
		return -1;
	if (m->func)
		return 0;
	cpp->quiet = true, cpp->budget = 100000;
	if (!fe_pp_expand(cpp, &t, 1, &x))
		kind = strings(&x, str, strsize)       ? 2
		       : !fe_pp_eval(cpp, x.v, x.n, v) ? 1
		       : x.n == 1 && x.v[0].kind == PP_IDENT && (size_t)x.v[0].len < strsize
			   ? (snprintf(str, strsize, "%.*s", x.v[0].len, x.v[0].s), 3)
		       : joined(&x, str, strsize) ? 4
						  : 0;
	cpp->quiet = false;
	fe_pp_free(&x);
	return kind;
}
