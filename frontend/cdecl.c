/* C declarations a script writes before its probes: struct, union, enum and
 * typedef declarations, parsed by recursive descent into our type graph,
 * laid out as gcc does (cdecl_layout.c), then written as BTF.  Like
 * bpftrace, a declaration may end without its ';', and so may a struct's
 * last member. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/cdecl_impl.h"

/* ---- tokens ---------------------------------------------------------------- */

struct cd_tok *fe_cd_tok(struct cdecl *cd)
{
	return &cd->toks[cd->pos];
}

bool fe_cd_accept(struct cdecl *cd, int punct)
{
	if (!fe_cd_punct(fe_cd_tok(cd), punct))
		return false;
	cd->pos++;
	return true;
}

int fe_cd_expect(struct cdecl *cd, int punct, const char *what)
{
	const struct cd_tok *t = fe_cd_tok(cd);

	if (fe_cd_accept(cd, punct))
		return 0;
	if (t->kind == CD_T_EOF)
		return fe_cd_error(cd, t, "expected %s at end of input", what);
	return fe_cd_error(cd, t, "expected %s before '%.*s'", what, t->len, t->text);
}

int fe_cd_enter(struct cdecl *cd)
{
	if (++cd->depth > CD_MAX_DEPTH)
		return fe_cd_error(cd, fe_cd_tok(cd),
				   "declaration nested too deeply (the limit is %d)", CD_MAX_DEPTH);
	return 0;
}

static int name_of(struct cdecl *cd, int tok)
{
	const struct cd_tok *t = &cd->toks[tok];

	if (t->len > CD_MAX_NAME)
		return fe_cd_error(cd, t, "name is longer than %d characters", CD_MAX_NAME);
	return fe_cd_name(cd, t->text, t->len);
}

/* ---- specifiers ------------------------------------------------------------ */

static const char *const arith_words[] = {
    "signed", "__signed__", "__signed", "unsigned", "short",  "long", "int",
    "char",   "_Bool",	    "__int128", "float",    "double", "void"};
static const char *const storage[] = {"extern",	    "static",	     "inline",	  "__inline",
				      "__inline__", "register",	     "auto",	  "_Thread_local",
				      "__thread",   "__extension__", "_Noreturn", "typedef"};

static int word_index(const struct cd_tok *t, const char *const *w, int n)
{
	for (int i = 0; i < n; i++)
		if (fe_cd_is(t, w[i]))
			return i;
	return -1;
}

static bool is_typedef_name(struct cdecl *cd, const struct cd_tok *t)
{
	int v = fe_cd_sym_find(cd, CD_NS_ORD, t->text, t->len);

	return v >= 0 || (v == -1 && fe_cd_builtin_typedef(cd, t->text, t->len) >= 0);
}

bool fe_cd_type_start(struct cdecl *cd, const struct cd_tok *t)
{
	return word_index(t, arith_words, 13) >= 0 || fe_cd_is(t, "struct") ||
	       fe_cd_is(t, "union") || fe_cd_is(t, "enum") || fe_cd_qualifier(t) ||
	       fe_cd_is(t, "_Alignas") || (t->kind == CD_T_IDENT && is_typedef_name(cd, t));
}

static void count_word(struct cd_spec_words *w, int i)
{
	int *counts[] = {&w->signed_, &w->signed_, &w->signed_, &w->unsigned_, &w->short_,
			 &w->long_,   &w->int_,	   &w->char_,	&w->bool_,     &w->int128,
			 &w->float_,  &w->double_, &w->void_};

	(*counts[i])++;
}

static int record(struct cdecl *cd, struct cd_spec *s);

static bool any_word(const struct cd_spec_words *w)
{
	return memcmp(w, &(struct cd_spec_words){0}, sizeof(*w)) != 0;
}

static int alignas_spec(struct cdecl *cd, struct cd_spec *s)
{
	struct cd_attrs a = {0};
	int64_t n;
	int type;

	cd->pos++;
	if (fe_cd_expect(cd, '(', "'(' after _Alignas") < 0)
		return -1;
	if (fe_cd_type_start(cd, fe_cd_tok(cd))) {
		if (fe_cd_type_name(cd, &type) < 0)
			return -1;
		n = fe_cd_align(cd, type);
	} else if (fe_cd_const_expr(cd, &n) < 0) {
		return -1;
	}
	if (n < 0 || (n & (n - 1)) || n > (1 << 28))
		return fe_cd_error(cd, fe_cd_tok(cd) - 1, "invalid alignment %lld", (long long)n);
	a.align = (uint32_t)n;
	if (a.align > s->align)
		s->align = a.align;
	return fe_cd_expect(cd, ')', "')'");
}

/* One specifier word; 1 when t is not one (the specifiers end). */
static int specifier(struct cdecl *cd, struct cd_spec *s, struct cd_spec_words *w, bool top,
		     int *quals, int *nquals)
{
	const struct cd_tok *t = fe_cd_tok(cd);
	struct cd_attrs a = {0};
	int i = word_index(t, arith_words, 13);

	if (i >= 0) {
		count_word(w, i);
		cd->pos++;
	} else if (fe_cd_qualifier(t)) {
		if (*nquals == 8)
			return fe_cd_error(cd, t, "too many qualifiers");
		quals[(*nquals)++] = cd->pos++;
	} else if (word_index(t, storage, 12) >= 0) {
		if (!top && !fe_cd_is(t, "register") && !fe_cd_is(t, "__extension__"))
			return fe_cd_error(cd, t, "'%.*s' is not allowed here", t->len, t->text);
		s->is_typedef |= fe_cd_is(t, "typedef");
		cd->pos++;
	} else if (fe_cd_is(t, "__attribute__") || fe_cd_is(t, "__attribute")) {
		if (fe_cd_attributes(cd, &a) < 0)
			return -1;
		s->packed |= a.packed;
		s->align = a.align > s->align ? a.align : s->align;
	} else if (fe_cd_is(t, "_Alignas")) {
		return alignas_spec(cd, s);
	} else if (fe_cd_is(t, "struct") || fe_cd_is(t, "union") || fe_cd_is(t, "enum")) {
		/* "struct A {...} struct B {...}": the first one's ';' is missing */
		if (s->type >= 0 && fe_cd_punct(t - 1, '}'))
			return 1;
		if (s->type >= 0)
			return fe_cd_error(cd, t,
					   "two or more data types in declaration specifiers");
		return record(cd, s);
	} else if (t->kind == CD_T_IDENT && s->type < 0 && !any_word(w) && is_typedef_name(cd, t)) {
		s->type = fe_cd_sym_find(cd, CD_NS_ORD, t->text, t->len);
		cd->pos++;
	} else {
		return 1;
	}
	return 0;
}

static int words_type(struct cdecl *cd, struct cd_spec *s, const struct cd_spec_words *w,
		      const struct cd_tok *first)
{
	int a = fe_cd_arith_of(w);

	if (s->type >= 0)
		return fe_cd_error(cd, first, "two or more data types in declaration specifiers");
	if (a == -1)
		return fe_cd_error(cd, first, "invalid combination of type specifiers");
	s->type = a == -2 ? 0 : fe_cd_arith(cd, (enum cd_arith)a);
	return s->type < 0 ? -1 : 0;
}

static int no_type(struct cdecl *cd, const struct cd_tok *t)
{
	if (t->kind == CD_T_IDENT)
		return fe_cd_error(cd, t, "unknown type name '%.*s'", t->len, t->text);
	if (t->kind == CD_T_EOF)
		return fe_cd_error(cd, t, "expected a type at end of input");
	return fe_cd_error(cd, t, "expected a type before '%.*s'", t->len, t->text);
}

/* Declaration specifiers: the type, typedef, qualifiers, attributes. */
int fe_cd_specifiers(struct cdecl *cd, struct cd_spec *s, bool top)
{
	const struct cd_tok *first = fe_cd_tok(cd);
	struct cd_spec_words w = {0};
	int quals[8], nquals = 0, err;

	s->type = -1;
	while (!(err = specifier(cd, s, &w, top, quals, &nquals)))
		;
	if (err < 0)
		return -1;
	if (any_word(&w) && words_type(cd, s, &w, first) < 0)
		return -1;
	if (s->type < 0)
		return no_type(cd, fe_cd_tok(cd));
	for (int i = 0; i < nquals; i++)
		if ((s->type = fe_cd_qualify(cd, s->type, &cd->toks[quals[i]])) < 0)
			return -1;
	return 0;
}

/* ---- struct, union and enum ------------------------------------------------- */

static enum cd_kind tag_kind(const struct cd_tok *t)
{
	return fe_cd_is(t, "struct") ? CD_STRUCT : fe_cd_is(t, "union") ? CD_UNION : CD_ENUM;
}

static const char *kind_word(enum cd_kind k)
{
	return k == CD_STRUCT ? "struct" : k == CD_UNION ? "union" : "enum";
}

/* The type "struct A" names: made incomplete on first use (tag < 0: a new
 * anonymous one); for a definition, one not defined yet. */
static int tag_type(struct cdecl *cd, enum cd_kind kind, int tag, bool define)
{
	const struct cd_tok *t = tag >= 0 ? &cd->toks[tag] : NULL;
	int idx = t ? fe_cd_sym_find(cd, CD_NS_TAG, t->text, t->len) : -1, name;
	struct cd_type *ty;

	if (idx >= 0) {
		ty = fe_cd_type(cd, idx);
		if (ty->kind != kind)
			return fe_cd_error(cd, t, "'%.*s' defined as wrong kind of tag", t->len,
					   t->text);
		if (define && ty->defining)
			return fe_cd_error(cd, t, "nested redefinition of '%s %.*s'",
					   kind_word(kind), t->len, t->text);
		if (define && ty->outside)
			return fe_cd_error(cd, t,
					   "'%s %.*s' defined after its kernel definition was used",
					   kind_word(kind), t->len, t->text);
		if (define && ty->complete)
			return fe_cd_error(cd, t, "redefinition of '%s %.*s'", kind_word(kind),
					   t->len, t->text);
		return idx;
	}
	name = tag >= 0 ? name_of(cd, tag) : 0;
	idx = name < 0 ? -1 : fe_cd_new_type(cd, kind, 0);
	if (idx < 0 || (tag >= 0 && fe_cd_sym_add(cd, CD_NS_TAG, name, idx) < 0))
		return -1;
	fe_cd_type(cd, idx)->name = name;
	return idx;
}

static int member_decl(struct cdecl *cd, struct cd_vec *ms);

static int struct_body(struct cdecl *cd, int idx, struct cd_attrs *a)
{
	struct cd_vec ms = {0};
	int err = fe_cd_enter(cd);

	cd->pos++;
	fe_cd_type(cd, idx)->defining = true;
	while (!err && !fe_cd_accept(cd, '}')) {
		if (fe_cd_tok(cd)->kind == CD_T_EOF)
			err = fe_cd_expect(cd, '}', "'}'");
		else if (!fe_cd_accept(cd, ';'))
			err = member_decl(cd, &ms);
	}
	if (!err)
		err = fe_cd_attributes(cd, a);
	if (!err && ms.n > 0xffff)
		err =
		    fe_cd_error(cd, fe_cd_tok(cd) - 1, "%d members (BTF holds up to 65535)", ms.n);
	if (!err)
		err = fe_cd_layout(cd, idx, ms.v, ms.n, a->packed, a->align);
	fe_cd_type(cd, idx)->defining = false;
	free(ms.v);
	cd->depth--;
	return err;
}

static int enumerator(struct cdecl *cd, int64_t *next)
{
	const struct cd_tok *t = fe_cd_tok(cd);
	struct cd_enumval *e;
	int name, old;
	int64_t v = *next;

	if (t->kind != CD_T_IDENT)
		return fe_cd_expect(cd, -1, "an enumerator name");
	cd->pos++;
	if (fe_cd_accept(cd, '=') && fe_cd_const_expr(cd, &v) < 0)
		return -1;
	if (v < INT32_MIN || v > UINT32_MAX)
		return fe_cd_error(cd, t, "enumerator value for '%.*s' is out of range", t->len,
				   t->text);
	old = fe_cd_sym_find(cd, CD_NS_ORD, t->text, t->len);
	if (old != -1)
		return fe_cd_error(cd, t, "redefinition of '%.*s'", t->len, t->text);
	name = name_of(cd, (int)(t - cd->toks));
	e = name < 0 ? NULL : fe_cd_push(cd, &cd->enums, sizeof(*e));
	if (!e || fe_cd_sym_add(cd, CD_NS_ORD, name, CD_ENUMERATOR(cd->enums.n - 1)) < 0)
		return -1;
	e->name = name;
	e->value = v;
	*next = v + (v < INT64_MAX);
	return 0;
}

/* 4 bytes, or when packed the fewest that hold every value. */
static int enum_size(struct cdecl *cd, int first, bool packed, const struct cd_tok *at)
{
	const struct cd_enumval *e = (struct cd_enumval *)cd->enums.v;
	int64_t lo = 0, hi = 0;

	for (int i = first; i < cd->enums.n; i++) {
		lo = e[i].value < lo ? e[i].value : lo;
		hi = e[i].value > hi ? e[i].value : hi;
	}
	if (lo < 0 && hi > INT32_MAX)
		return fe_cd_error(cd, at, "the values of this enum need more than 32 bits");
	if (!packed)
		return 4;
	for (int size = 1; size < 4; size *= 2) {
		int64_t max = (int64_t)1 << (size * 8 - (lo < 0));

		if (hi < max && lo >= -max)
			return size;
	}
	return 4;
}

static int enum_body(struct cdecl *cd, int idx, struct cd_attrs *a)
{
	const struct cd_tok *open = fe_cd_tok(cd);
	int first = cd->enums.n, size;
	int64_t next = 0;
	struct cd_type *t;

	if (cd->in_enum)
		return fe_cd_error(cd, open, "an enum defined inside an enumerator's value");
	cd->in_enum = true;
	cd->pos++;
	while (!fe_cd_accept(cd, '}')) {
		if (enumerator(cd, &next) < 0)
			return -1;
		if (!fe_cd_accept(cd, ',') && fe_cd_expect(cd, '}', "',' or '}'") < 0)
			return -1;
		if (fe_cd_punct(fe_cd_tok(cd) - 1, '}'))
			break;
	}
	cd->in_enum = false;
	if (cd->enums.n == first)
		return fe_cd_error(cd, open, "empty enum");
	if (cd->enums.n - first > 0xffff)
		return fe_cd_error(cd, open, "too many enumerators (BTF holds up to 65535)");
	if (fe_cd_attributes(cd, a) < 0 || (size = enum_size(cd, first, a->packed, open)) < 0)
		return -1;
	t = fe_cd_type(cd, idx);
	t->first = first;
	t->count = cd->enums.n - first;
	t->size = t->align = (uint32_t)size;
	t->complete = true;
	return 0;
}

/* struct/union/enum, its tag, and its body if it has one. */
static int record(struct cdecl *cd, struct cd_spec *s)
{
	enum cd_kind kind = tag_kind(fe_cd_tok(cd));
	struct cd_attrs a = {0};
	int tag = -1, idx;

	cd->pos++;
	if (fe_cd_attributes(cd, &a) < 0)
		return -1;
	if (fe_cd_tok(cd)->kind == CD_T_IDENT)
		tag = cd->pos++;
	if (fe_cd_attributes(cd, &a) < 0)
		return -1;
	if (!fe_cd_punct(fe_cd_tok(cd), '{')) {
		if (tag < 0)
			return fe_cd_expect(cd, '{', "'{' or a name");
		s->type = tag_type(cd, kind, tag, false);
		return s->type < 0 ? -1 : 0;
	}
	idx = tag_type(cd, kind, tag, true);
	if (idx < 0 || (kind == CD_ENUM ? enum_body(cd, idx, &a) : struct_body(cd, idx, &a)) < 0)
		return -1;
	s->type = idx;
	s->anon_body = tag < 0 && kind != CD_ENUM;
	return 0;
}

/* ---- members ------------------------------------------------------------------ */

static int width(struct cdecl *cd, struct cd_member *m, int name)
{
	const struct cd_tok *at = fe_cd_tok(cd);
	char what[CD_MAX_NAME + 3] = "<anonymous>";
	int64_t w;

	if (name >= 0)
		snprintf(what, sizeof(what), "%.*s", cd->toks[name].len, cd->toks[name].text);
	if (fe_cd_const_expr(cd, &w) < 0)
		return -1;
	if (w < 0)
		return fe_cd_error(cd, at, "negative width in bit-field '%s'", what);
	if (!w && name >= 0)
		return fe_cd_error(cd, at, "zero width for bit-field '%s'", what);
	if (w > 128)
		return fe_cd_error(cd, at, "width of '%s' exceeds its type", what);
	m->bit_size = w ? (int)w : -1;
	return 0;
}

static int member_declarator(struct cdecl *cd, struct cd_vec *ms, const struct cd_spec *s)
{
	struct cd_attrs a = {.packed = s->packed, .align = s->align};
	struct cd_member m = {.type = s->type, .tok = cd->pos};
	int name = -1;
	struct cd_member *to;

	if (!fe_cd_punct(fe_cd_tok(cd), ':') && fe_cd_declarator(cd, s->type, &m.type, &name) < 0)
		return -1;
	if (fe_cd_attributes(cd, &a) < 0)
		return -1;
	if (name >= 0)
		m.tok = name;
	if (fe_cd_accept(cd, ':') && (width(cd, &m, name) < 0 || fe_cd_attributes(cd, &a) < 0))
		return -1;
	if (name < 0 && !m.bit_size)
		return fe_cd_error(cd, &cd->toks[m.tok], "expected a member name");
	if (name >= 0 && (m.name = name_of(cd, name)) < 0)
		return -1;
	m.align = a.align;
	m.packed = a.packed;
	to = fe_cd_push(cd, ms, sizeof(*to));
	if (!to)
		return -1;
	*to = m;
	return 0;
}

static int member_decl(struct cdecl *cd, struct cd_vec *ms)
{
	struct cd_spec s = {0};
	int first = cd->pos;

	if (fe_cd_specifiers(cd, &s, false) < 0)
		return -1;
	if (fe_cd_punct(fe_cd_tok(cd), ';') || fe_cd_punct(fe_cd_tok(cd), '}')) {
		/* "struct { int a; };": its members are the outer struct's */
		if (s.anon_body) {
			struct cd_member *m = fe_cd_push(cd, ms, sizeof(*m));

			if (!m)
				return -1;
			*m = (struct cd_member){.type = s.type, .tok = first, .align = s.align};
		}
		fe_cd_accept(cd, ';');
		return 0;
	}
	do {
		if (member_declarator(cd, ms, &s) < 0)
			return -1;
	} while (fe_cd_accept(cd, ','));
	/* bpftrace accepts "struct { int m[1] } y;": the last ';' may be missing */
	if (fe_cd_punct(fe_cd_tok(cd), '}'))
		return 0;
	return fe_cd_expect(cd, ';', "';'");
}

/* ---- declarations ------------------------------------------------------------- */

static int typedef_decl(struct cdecl *cd, int name_tok, int type, uint32_t align)
{
	const struct cd_tok *t = &cd->toks[name_tok];
	int old = fe_cd_sym_find(cd, CD_NS_ORD, t->text, t->len), name, idx;
	struct cd_type *ty;

	if (old <= -2)
		return fe_cd_error(cd, t, "'%.*s' redeclared as a different kind of symbol", t->len,
				   t->text);
	/* "typedef int T; typedef T T;" is C11's allowed redefinition */
	if (old >= 0 && !fe_cd_type(cd, old)->builtin) {
		if (fe_cd_strip(cd, old) == fe_cd_strip(cd, type))
			return 0;
		return fe_cd_error(cd, t, "conflicting types for '%.*s'", t->len, t->text);
	}
	name = name_of(cd, name_tok);
	idx = name < 0 ? -1 : fe_cd_new_type(cd, CD_TYPEDEF, type);
	if (idx < 0 || fe_cd_sym_add(cd, CD_NS_ORD, name, idx) < 0)
		return -1;
	ty = fe_cd_type(cd, idx);
	ty->name = name;
	ty->align_attr = align;
	return 0;
}

static int init_declarator(struct cdecl *cd, const struct cd_spec *s)
{
	struct cd_attrs a = {.align = s->align};
	const struct cd_tok *at = fe_cd_tok(cd);
	int type, name;

	if (fe_cd_declarator(cd, s->type, &type, &name) < 0 || fe_cd_attributes(cd, &a) < 0)
		return -1;
	if (name < 0)
		return fe_cd_error(cd, at, "expected a name in the declaration");
	if (fe_cd_punct(fe_cd_tok(cd), '='))
		return fe_cd_error(cd, fe_cd_tok(cd), "initializers are not supported here");
	/* variables and functions: their types are checked, nothing is kept */
	return s->is_typedef ? typedef_decl(cd, name, type, a.align) : 0;
}

/* After "struct A {...}" a missing ';' is allowed, as bpftrace does. */
static bool unterminated(struct cdecl *cd)
{
	const struct cd_tok *t = fe_cd_tok(cd);

	return t->kind == CD_T_EOF ||
	       (fe_cd_punct(t - 1, '}') && (fe_cd_is(t, "struct") || fe_cd_is(t, "union") ||
					    fe_cd_is(t, "enum") || fe_cd_is(t, "typedef")));
}

static int declaration(struct cdecl *cd)
{
	struct cd_spec s = {0};

	if (fe_cd_accept(cd, ';'))
		return 0;
	if (fe_cd_specifiers(cd, &s, true) < 0)
		return -1;
	if (fe_cd_accept(cd, ';') || unterminated(cd))
		return 0;
	do {
		if (init_declarator(cd, &s) < 0)
			return -1;
	} while (fe_cd_accept(cd, ','));
	if (fe_cd_tok(cd)->kind == CD_T_EOF)
		return 0;
	return fe_cd_expect(cd, ';', "';'");
}

int fe_cdecl_parse(struct btf *btf, const char *text, const struct fe_cdecl_env *env,
		   struct fe_cdecl_error *err)
{
	struct cdecl cd = {.text = text, .err = err, .env = env};
	int rc = -1;

	memset(err, 0, sizeof(*err));
	if (fe_cd_name(&cd, "", 0) == 0 && fe_cd_new_type(&cd, CD_VOID, 0) == 0 &&
	    !fe_cd_lex(&cd)) {
		rc = 0;
		while (!rc && fe_cd_tok(&cd)->kind != CD_T_EOF)
			rc = declaration(&cd);
		if (!rc)
			rc = fe_cd_emit(&cd, btf);
	}
	fe_cd_free(&cd);
	if (rc && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	return rc ? -1 : 0;
}
