/* Macros: the table, #define / #undef, and expansion with hidesets
 * (Prosser's algorithm, as C11 6.10.3 describes it): a token remembers
 * the macros it came out of and is not expanded by them again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/ast.h"
#include "frontend/cpp.h"

struct pp_hide {
	int m;
	struct pp_hide *next;
};

static bool hs_has(const struct pp_hide *h, int m)
{
	for (; h; h = h->next)
		if (h->m == m)
			return true;
	return false;
}

static struct pp_hide *hs_add(struct fe_cpp *cpp, struct pp_hide *h, int m)
{
	struct pp_hide *n = fe_cpp_alloc(cpp, sizeof(*n));

	if (!n)
		return h;
	n->m = m, n->next = h;
	return n;
}

static struct pp_hide *hs_union(struct fe_cpp *cpp, struct pp_hide *a, struct pp_hide *b)
{
	for (; a; a = a->next)
		if (!hs_has(b, a->m))
			b = hs_add(cpp, b, a->m);
	return b;
}

static struct pp_hide *hs_inter(struct fe_cpp *cpp, struct pp_hide *a, struct pp_hide *b)
{
	struct pp_hide *r = NULL;

	for (; a; a = a->next)
		if (hs_has(b, a->m))
			r = hs_add(cpp, r, a->m);
	return r;
}

/* ---- the table ------------------------------------------------------------ */

static unsigned hash_of(const char *s, int len)
{
	unsigned h = 2166136261u;

	for (int i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int *slot(struct fe_cpp *cpp, const char *name, int len)
{
	unsigned i = hash_of(name, len) & (unsigned)(cpp->hashcap - 1);

	for (;; i = (i + 1) & (unsigned)(cpp->hashcap - 1)) {
		int *s = &cpp->hash[i];
		struct pp_macro *m = *s ? &cpp->macros[*s - 1] : NULL;

		if (!m || (m->len == len && !memcmp(m->name, name, (size_t)len)))
			return s;
	}
}

struct pp_macro *fe_pp_find(struct fe_cpp *cpp, const char *name, int len)
{
	int *s = cpp->hashcap ? slot(cpp, name, len) : NULL;
	struct pp_macro *m = s && *s ? &cpp->macros[*s - 1] : NULL;

	return m && !m->dead ? m : NULL;
}

static int grow_hash(struct fe_cpp *cpp)
{
	int cap = cpp->hashcap ? cpp->hashcap * 2 : 1024;
	int *h = calloc((size_t)cap, sizeof(int));

	if (!h)
		return -1;
	free(cpp->hash);
	cpp->hash = h, cpp->hashcap = cap;
	for (int i = 0; i < cpp->nmacros; i++)
		*slot(cpp, cpp->macros[i].name, cpp->macros[i].len) = i + 1;
	return 0;
}

/* The entry for name, made (dead) if new; NULL on out of memory. */
static struct pp_macro *entry(struct fe_cpp *cpp, const char *name, int len)
{
	int *s;
	struct pp_macro *m;

	if (cpp->nmacros * 2 >= cpp->hashcap && grow_hash(cpp))
		return NULL;
	s = slot(cpp, name, len);
	if (*s)
		return &cpp->macros[*s - 1];
	if (fe_grow(&cpp->macros, &cpp->capmacros, cpp->nmacros, sizeof(*cpp->macros), 512))
		return NULL;
	m = &cpp->macros[cpp->nmacros++];
	*m = (struct pp_macro){.name = name, .len = len, .dead = true};
	*s = cpp->nmacros;
	return m;
}

static struct pp_tok *copy_toks(struct fe_cpp *cpp, const struct pp_tok *t, int n)
{
	struct pp_tok *c = fe_cpp_alloc(cpp, (size_t)n * sizeof(*c));

	if (c && n)
		memcpy(c, t, (size_t)n * sizeof(*c));
	return c;
}

/* "(a, b, ...)" at t[0]: the parameters; the number of tokens used, -1 told. */
static int params(struct fe_cpp *cpp, const struct pp_tok *t, int n, struct pp_macro *m)
{
	struct pp_tok *p = fe_cpp_alloc(cpp, (size_t)n * sizeof(*p));
	int i = 1;

	if (!p)
		return -1;
	m->params = p, m->nparams = 0;
	if (i < n && fe_pp_is(&t[i], ")"))
		return 2;
	for (; i < n; i++) {
		if (fe_pp_is(&t[i], "...")) {
			m->variadic = true;
			p[m->nparams] = t[i], p[m->nparams].s = "__VA_ARGS__",
			p[m->nparams++].len = 11;
			i++;
		} else if (t[i].kind == PP_IDENT) {
			p[m->nparams++] = t[i++];
			if (i < n && fe_pp_is(&t[i], "...")) /* GNU: args... */
				m->variadic = true, i++;
		} else {
			break;
		}
		if (i < n && fe_pp_is(&t[i], ")"))
			return i + 1;
		if (m->variadic || i >= n || !fe_pp_is(&t[i], ","))
			break;
	}
	fe_cpp_errorf(cpp, "expected ')' or a parameter name in the parameter list of macro '%.*s'",
		      m->len, m->name);
	return -1;
}

int fe_pp_define(struct fe_cpp *cpp, const struct pp_tok *t, int n)
{
	struct pp_macro *m, d = {0};
	int used = 1;

	if (!n || t[0].kind != PP_IDENT) {
		fe_cpp_errorf(cpp, "macro names must be identifiers");
		return -1;
	}
	if (fe_pp_is(&t[0], "defined")) {
		fe_cpp_errorf(cpp, "\"defined\" cannot be used as a macro name");
		return -1;
	}
	d.name = t[0].s, d.len = t[0].len;
	if (n > 1 && fe_pp_is(&t[1], "(") && !t[1].space) {
		d.func = true;
		if ((used = params(cpp, t + 1, n - 1, &d)) < 0)
			return -1;
		used++;
	}
	d.nbody = n - used;
	if (!(d.body = copy_toks(cpp, t + used, d.nbody)) || !(m = entry(cpp, d.name, d.len))) {
		fe_cpp_errorf(cpp, "out of memory");
		return -1;
	}
	*m = d; /* a redefinition replaces the old one */
	return 0;
}

void fe_pp_undef(struct fe_cpp *cpp, const struct pp_tok *name)
{
	struct pp_macro *m = fe_pp_find(cpp, name->s, name->len);

	if (m)
		m->dead = true;
}

/* ---- expansion ------------------------------------------------------------ */

struct pp_args {
	struct pp_vec raw;
	int start[256], end[256];
	int n;
};

static int param_of(const struct pp_macro *m, const struct pp_tok *t)
{
	if (t->kind != PP_IDENT || !m->func)
		return -1;
	for (int i = 0; i < m->nparams; i++)
		if (m->params[i].len == t->len && !memcmp(m->params[i].s, t->s, (size_t)t->len))
			return i;
	return -1;
}

static struct pp_tok new_tok(struct fe_cpp *cpp, const char *s, size_t len,
			     const struct pp_tok *like)
{
	struct pp_tok t = *like;
	char *c = fe_cpp_alloc(cpp, len + 1);
	struct pp_vec v = {0};

	if (!c)
		return t;
	memcpy(c, s, len);
	c[len] = 0;
	t.s = c, t.len = (int)len;
	if (!fe_pp_lex(cpp, c, &v) && v.n == 1)
		t.kind = v.v[0].kind; /* else a token of what the paste made */
	fe_pp_free(&v);
	return t;
}

static struct pp_tok paste(struct fe_cpp *cpp, const struct pp_tok *a, const struct pp_tok *b)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%.*s%.*s", a->len, a->s, b->len, b->s);

	return new_tok(cpp, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1, a);
}

static struct pp_tok stringize(struct fe_cpp *cpp, const struct pp_tok *t, int n,
			       const struct pp_tok *at)
{
	char buf[2048];
	size_t k = 0;

	buf[k++] = '"';
	for (int i = 0; i < n; i++) {
		if (i && t[i].space && k < sizeof(buf) - 2)
			buf[k++] = ' ';
		for (int j = 0; j < t[i].len && k < sizeof(buf) - 3; j++) {
			char c = t[i].s[j];

			if ((t[i].kind == PP_STR || t[i].kind == PP_CHAR) &&
			    (c == '"' || c == '\\'))
				buf[k++] = '\\';
			buf[k++] = c;
		}
	}
	buf[k++] = '"';
	return new_tok(cpp, buf, k, at);
}

static int arg_count_error(struct fe_cpp *cpp, const struct pp_macro *m, int n)
{
	fe_cpp_errorf(cpp, "macro '%.*s' passed %d arguments, but takes %s%d", m->len, m->name, n,
		      m->variadic ? "at least " : "", m->nparams - m->variadic);
	return -1;
}

/* The arguments after st's top '(' (popped up to the matching ')', which
 * is returned in *close). */
static int collect_args(struct fe_cpp *cpp, const struct pp_macro *m, struct pp_vec *st,
			struct pp_args *a, struct pp_tok *close)
{
	int depth = 0;

	st->n--; /* the '(' */
	a->n = 1, a->start[0] = 0;
	while (st->n) {
		struct pp_tok t = st->v[--st->n];

		if (fe_pp_is(&t, ")") && depth == 0) {
			a->end[a->n - 1] = a->raw.n;
			*close = t;
			if (a->n == 1 && a->raw.n == 0 && m->nparams == 0)
				a->n = 0;
			if (a->n == m->nparams - 1 && m->variadic) /* no variadic part */
				a->start[a->n] = a->end[a->n] = a->raw.n, a->n++;
			return a->n == m->nparams ? 0 : arg_count_error(cpp, m, a->n);
		}
		depth += fe_pp_is(&t, "(") - fe_pp_is(&t, ")");
		if (fe_pp_is(&t, ",") && depth == 0 && !(m->variadic && a->n == m->nparams)) {
			if (a->n == 256)
				return arg_count_error(cpp, m, a->n);
			a->end[a->n - 1] = a->raw.n;
			a->start[a->n++] = a->raw.n;
			continue;
		}
		if (fe_pp_push(&a->raw, &t))
			return -1;
	}
	fe_cpp_errorf(cpp, "unterminated argument list invoking macro '%.*s'", m->len, m->name);
	return -1;
}

static int push_all(struct pp_vec *v, const struct pp_tok *t, int n)
{
	for (int i = 0; i < n; i++)
		if (fe_pp_push(v, &t[i]))
			return -1;
	return 0;
}

/* Parameter p's argument, fully expanded (C11 6.10.3.1). */
static int push_expanded(struct fe_cpp *cpp, const struct pp_args *a, int p, struct pp_vec *res)
{
	return fe_pp_expand(cpp, a->raw.v + a->start[p], a->end[p] - a->start[p], res);
}

/* '##' at body[i]: res's last token pasted with what follows; the index
 * of the last body token used. */
static int do_paste(struct fe_cpp *cpp, const struct pp_macro *m, const struct pp_args *a, int i,
		    struct pp_vec *res)
{
	const struct pp_tok *next = &m->body[i + 1];
	int p = param_of(m, next), n = p >= 0 ? a->end[p] - a->start[p] : 1;
	const struct pp_tok *r = p >= 0 ? a->raw.v + a->start[p] : next;

	/* GNU: ", ## __VA_ARGS__" drops the comma when there are none */
	bool gnu_comma =
	    p >= 0 && m->variadic && p == m->nparams - 1 && fe_pp_is(&res->v[res->n - 1], ",");

	if (gnu_comma && !n)
		res->n--;
	if (gnu_comma || !n) /* the comma stays before the arguments: no paste */
		return push_all(res, r, n) ? -1 : i + 1;
	res->v[res->n - 1] = paste(cpp, &res->v[res->n - 1], &r[0]);
	return push_all(res, r + 1, n - 1) ? -1 : i + 1;
}

/* m's body with its arguments put in, into res. */
static int substitute(struct fe_cpp *cpp, const struct pp_macro *m, const struct pp_args *a,
		      struct pp_vec *res)
{
	for (int i = 0; i < m->nbody; i++) {
		const struct pp_tok *b = &m->body[i];
		bool before_paste = i + 1 < m->nbody && fe_pp_is(&m->body[i + 1], "##");
		int p = param_of(m, b), q = i + 1 < m->nbody ? param_of(m, &m->body[i + 1]) : -1;
		struct pp_tok s;

		if (m->func && fe_pp_is(b, "#") && q >= 0) {
			s = stringize(cpp, a->raw.v + a->start[q], a->end[q] - a->start[q], b);
			if (fe_pp_push(res, &s))
				return -1;
			i++;
		} else if (fe_pp_is(b, "##") && res->n && i + 1 < m->nbody) {
			if ((i = do_paste(cpp, m, a, i, res)) < 0)
				return -1;
		} else if (p >= 0 && before_paste) {
			if (push_all(res, a->raw.v + a->start[p], a->end[p] - a->start[p]))
				return -1;
			if (a->end[p] == a->start[p])
				i++; /* an empty argument pastes into nothing */
		} else if (p >= 0) {
			if (push_expanded(cpp, a, p, res))
				return -1;
		} else if (!fe_pp_is(b, "##") && fe_pp_push(res, b)) {
			return -1;
		}
	}
	return 0;
}

/* The replacement of invocation `at`, hidden from hs, onto the stack. */
static int replace(struct fe_cpp *cpp, const struct pp_macro *m, const struct pp_args *a,
		   const struct pp_tok *at, struct pp_hide *hs, struct pp_vec *st)
{
	struct pp_vec res = {0};
	int rc = substitute(cpp, m, a, &res);

	cpp->budget -= res.n;
	if (!rc && cpp->budget < 0)
		fe_cpp_errorf(cpp, "macro expansion too large (expanding '%.*s')", m->len, m->name),
		    rc = -1;
	for (int i = res.n - 1; !rc && i >= 0; i--) {
		struct pp_tok t = res.v[i];

		t.hide = hs_union(cpp, t.hide, hs);
		t.line = at->line, t.bol = false;
		t.space = i ? t.space : at->space;
		rc = fe_pp_push(st, &t);
	}
	fe_pp_free(&res);
	return rc;
}

/* One token off the stack: expanded back onto it, or to out. */
static int expand_one(struct fe_cpp *cpp, struct pp_vec *st, struct pp_vec *out)
{
	struct pp_tok t = st->v[--st->n], close;
	struct pp_macro *m = t.kind == PP_IDENT ? fe_pp_find(cpp, t.s, t.len) : NULL;
	int idx = m ? (int)(m - cpp->macros) : -1, rc;
	struct pp_args a = {0};

	if (!m || hs_has(t.hide, idx) || (m->func && !(st->n && fe_pp_is(&st->v[st->n - 1], "("))))
		return fe_pp_push(out, &t);
	if (!m->func)
		return replace(cpp, m, &a, &t, hs_add(cpp, t.hide, idx), st);
	rc = collect_args(cpp, m, st, &a, &close);
	if (!rc)
		rc = replace(cpp, m, &a, &t, hs_add(cpp, hs_inter(cpp, t.hide, close.hide), idx),
			     st);
	fe_pp_free(&a.raw);
	return rc;
}

int fe_pp_expand(struct fe_cpp *cpp, const struct pp_tok *in, int n, struct pp_vec *out)
{
	struct pp_vec st = {0};
	int rc = 0;

	if (cpp->expand_depth >= FE_CPP_MAX_EXPAND) {
		fe_cpp_errorf(cpp, "macro arguments nested too deeply (the limit is %d)",
			      FE_CPP_MAX_EXPAND);
		return -1;
	}
	cpp->expand_depth++;
	for (int i = n - 1; i >= 0 && !rc; i--)
		rc = fe_pp_push(&st, &in[i]);
	while (!rc && st.n)
		rc = expand_one(cpp, &st, out);
	cpp->expand_depth--;
	fe_pp_free(&st);
	return rc;
}
