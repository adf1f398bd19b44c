/* #if's integer expressions (C11 6.10.1): intmax_t and uintmax_t
 * arithmetic, `defined`, __has_include; identifiers left after expansion
 * are 0.  The same evaluator gives the script a macro's integer value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/cpp.h"

struct val {
	int64_t v;
	bool u;
};

struct ev {
	struct fe_cpp *cpp;
	const struct pp_tok *t;
	int n, pos;
	bool value_only; /* the script's use: no identifiers, nothing told */
	bool failed;
};

static int fail(struct ev *e, const char *msg)
{
	if (!e->failed && !e->value_only)
		fe_cpp_errorf(e->cpp, "%s", msg);
	e->failed = true;
	return 0;
}

static const struct pp_tok *peek(struct ev *e)
{
	return e->pos < e->n ? &e->t[e->pos] : NULL;
}

static bool accept(struct ev *e, const char *p)
{
	const struct pp_tok *t = peek(e);

	if (!t || t->kind != PP_PUNCT || !fe_pp_is(t, p))
		return false;
	e->pos++;
	return true;
}

static struct val number(struct ev *e, const struct pp_tok *t)
{
	char buf[128], *end;
	struct val r = {0};
	int n = t->len < 127 ? t->len : 127;

	memcpy(buf, t->s, (size_t)n);
	buf[n] = 0;
	if (buf[0] == '0' && (buf[1] == 'b' || buf[1] == 'B'))
		r.v = (int64_t)strtoull(buf + 2, &end, 2);
	else
		r.v = (int64_t)strtoull(buf, &end, 0);
	for (; *end && strchr("uUlL", *end); end++)
		r.u |= *end == 'u' || *end == 'U';
	if (*end)
		fail(e, "invalid integer constant in #if");
	r.u |= r.v < 0;
	return r;
}

static struct val character(struct ev *e, const struct pp_tok *t)
{
	const char *s = memchr(t->s, '\'', (size_t)t->len) + 1;
	struct val r = {0};

	if (*s != '\\')
		r.v = (signed char)*s;
	else if (strchr("01234567", s[1]))
		r.v = (signed char)strtol(s + 1, NULL, 8);
	else if (s[1] == 'x')
		r.v = (signed char)strtol(s + 2, NULL, 16);
	else
		r.v = s[1] == 'n'   ? 10
		      : s[1] == 't' ? 9
		      : s[1] == 'r' ? 13
		      : s[1] == '0' ? 0
				    : s[1];
	if (t->len < 3)
		fail(e, "invalid character constant in #if");
	return r;
}

static struct val cond(struct ev *e);

/* defined NAME / defined(NAME), after the word */
static struct val defined(struct ev *e)
{
	bool paren = accept(e, "(");
	const struct pp_tok *t = peek(e);
	struct val r = {0};

	if (!t || t->kind != PP_IDENT)
		return fail(e, "macro names must be identifiers"), r;
	e->pos++;
	r.v = fe_pp_find(e->cpp, t->s, t->len) != NULL;
	if (paren && !accept(e, ")"))
		fail(e, "missing ')' after \"defined\"");
	return r;
}

static struct val primary(struct ev *e)
{
	const struct pp_tok *t = peek(e);
	struct val r = {0};

	if (!t)
		return fail(e, "expected a value at the end of #if"), r;
	e->pos++;
	if (t->kind == PP_NUM)
		return number(e, t);
	if (t->kind == PP_CHAR)
		return character(e, t);
	if (t->kind == PP_IDENT && fe_pp_is(t, "defined") && !e->value_only)
		return defined(e);
	if (t->kind == PP_IDENT && !e->value_only)
		return r; /* not a macro: 0 */
	if (fe_pp_is(t, "(")) {
		r = cond(e);
		if (!accept(e, ")"))
			fail(e, "missing ')' in expression");
		return r;
	}
	return fail(e, "token is not valid in preprocessor expressions"), r;
}

static struct val unary(struct ev *e)
{
	struct val r;

	if (accept(e, "-"))
		return r = unary(e), r.v = (int64_t)(0 - (uint64_t)r.v), r;
	if (accept(e, "+"))
		return unary(e);
	if (accept(e, "~"))
		return r = unary(e), r.v = ~r.v, r;
	if (accept(e, "!"))
		return r = unary(e), (struct val){!r.v, false};
	return primary(e);
}

/* The binary operators, by precedence (lowest first). */
static const char *const levels[][4] = {
    {"||"},	  {"&&"},     {"|"},	       {"^"}, {"&"}, {"==", "!="}, {"<", ">", "<=", ">="},
    {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
};
#define NLEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static struct val apply(struct ev *e, const char *op, struct val a, struct val b)
{
	bool u = a.u || b.u;
	uint64_t x = (uint64_t)a.v, y = (uint64_t)b.v;
	bool shift = (op[0] == '<' || op[0] == '>') && op[1] == op[0];
	bool truth = strchr("=!<>", op[0]) ? !shift : (op[0] == '|' || op[0] == '&') && op[1];
	struct val r = {0, u && !truth};

	if ((op[0] == '/' || op[0] == '%') && !y)
		return fail(e, "division by zero in #if"), r;
	switch (op[0]) {
	case '|': r.v = op[1] ? a.v || b.v : (int64_t)(x | y); break;
	case '&': r.v = op[1] ? a.v && b.v : (int64_t)(x & y); break;
	case '^': r.v = (int64_t)(x ^ y); break;
	case '=': r.v = x == y; break;
	case '!': r.v = x != y; break;
	case '+': r.v = (int64_t)(x + y); break;
	case '-': r.v = (int64_t)(x - y); break;
	case '*': r.v = (int64_t)(x * y); break;
	case '/':
		r.v = u ? (int64_t)(x / y) : (a.v == INT64_MIN && b.v == -1) ? a.v : a.v / b.v;
		break;
	case '%': r.v = u ? (int64_t)(x % y) : b.v == -1 ? 0 : a.v % b.v; break;
	case '<':
		if (op[1] == '<')
			r.v = y > 63 ? 0 : (int64_t)(x << y), r.u = a.u;
		else
			r.v = u ? (op[1] ? x <= y : x < y) : (op[1] ? a.v <= b.v : a.v < b.v);
		break;
	case '>':
		if (op[1] == '>')
			r.v = y > 63 ? (a.u || a.v >= 0 ? 0 : -1)
			      : a.u  ? (int64_t)(x >> y)
				     : a.v >> y,
			r.u = a.u;
		else
			r.v = u ? (op[1] ? x >= y : x > y) : (op[1] ? a.v >= b.v : a.v > b.v);
		break;
	}
	return r;
}

static struct val binary(struct ev *e, int level)
{
	struct val a;

	if (level == NLEVELS)
		return unary(e);
	a = binary(e, level + 1);
	for (;;) {
		const char *op = NULL;

		for (int i = 0; i < 4 && levels[level][i]; i++)
			if (accept(e, levels[level][i]))
				op = levels[level][i];
		if (!op || e->failed)
			return a;
		a = apply(e, op, a, binary(e, level + 1));
	}
}

static struct val cond(struct ev *e)
{
	struct val c = binary(e, 0), a, b;

	if (!accept(e, "?"))
		return c;
	a = cond(e);
	if (!accept(e, ":"))
		fail(e, "expected ':' in conditional expression");
	b = cond(e);
	a.u = b.u = a.u || b.u;
	return c.v ? a : b;
}

static int evaluate(struct ev *e, int64_t *v)
{
	struct val r = cond(e);

	if (!e->failed && e->pos < e->n)
		fail(e, "missing binary operator in #if");
	*v = r.v;
	return e->failed ? -1 : 0;
}

int fe_pp_eval(struct fe_cpp *cpp, const struct pp_tok *t, int n, int64_t *v)
{
	struct ev e = {.cpp = cpp, .t = t, .n = n, .value_only = true};

	return n ? evaluate(&e, v) : -1;
}

/* __has_include(<a/b.h>) / ("a.h") at t[*i] (the word): 1 or 0. */
static bool has_include(struct fe_cpp *cpp, const struct pp_tok *t, int n, int *i)
{
	char name[512];
	size_t k = 0;
	bool angled;
	int j = *i + 2;

	if (j >= n || !fe_pp_is(&t[*i + 1], "("))
		return false;
	angled = fe_pp_is(&t[j], "<");
	if (!angled && t[j].kind == PP_STR && t[j].len >= 2)
		k = (size_t)snprintf(name, sizeof(name), "%.*s", t[j].len - 2, t[j].s + 1), j++;
	for (j += angled; angled && j < n && !fe_pp_is(&t[j], ">"); j++)
		k += (size_t)snprintf(name + k, sizeof(name) - k, "%.*s", t[j].len, t[j].s);
	j += angled;
	*i = j < n && fe_pp_is(&t[j], ")") ? j : n;
	return k < sizeof(name) && fe_cpp_has_include(cpp, name, (int)k, angled);
}

/* `defined X` and the __has_ forms become 1 or 0 before expansion. */
static int prepass(struct fe_cpp *cpp, const struct pp_tok *t, int n, struct pp_vec *out)
{
	static const char *const zero[] = {
	    "__has_attribute",	   "__has_builtin",	 "__has_feature",    "__has_extension",
	    "__has_cpp_attribute", "__has_include_next", "__has_c_attribute"};

	for (int i = 0; i < n; i++) {
		struct pp_tok r = t[i];
		bool z = false;

		for (size_t k = 0; k < sizeof(zero) / sizeof(zero[0]); k++)
			z |= fe_pp_is(&t[i], zero[k]);
		if (fe_pp_is(&t[i], "defined")) {
			struct ev e = {.cpp = cpp, .t = t, .n = n, .pos = i + 1};

			r.kind = PP_NUM, r.s = defined(&e).v ? "1" : "0", r.len = 1;
			if (e.failed)
				return -1;
			i = e.pos - 1;
		} else if (fe_pp_is(&t[i], "__has_include")) {
			r.kind = PP_NUM, r.s = has_include(cpp, t, n, &i) ? "1" : "0", r.len = 1;
		} else if (z) {
			int depth = 0, j = i + 1;

			for (; j < n; j++)
				if ((depth += fe_pp_is(&t[j], "(") - fe_pp_is(&t[j], ")")) == 0)
					break;
			r.kind = PP_NUM, r.s = "0", r.len = 1, i = j < n ? j : n;
		}
		if (fe_pp_push(out, &r))
			return -1;
	}
	return 0;
}

int fe_pp_if(struct fe_cpp *cpp, const struct pp_tok *t, int n, bool *value)
{
	struct pp_vec pre = {0}, x = {0};
	struct ev e = {.cpp = cpp};
	int64_t v = 0;
	int rc = prepass(cpp, t, n, &pre);

	if (!rc)
		rc = fe_pp_expand(cpp, pre.v, pre.n, &x);
	if (!rc) {
		e.t = x.v, e.n = x.n;
		rc = evaluate(&e, &v);
	}
	*value = v != 0;
	fe_pp_free(&pre);
	fe_pp_free(&x);
	return rc;
}
