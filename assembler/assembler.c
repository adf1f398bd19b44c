/* The text form of program images: the parser (see assembler.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assembler/internal.h"

struct label {
	const char *name; /* points into the text */
	size_t len;
	__u32 pc;
	int line, col;
};

/* A jump whose label is resolved once every label is known. */
struct fixup {
	__u32 pc;
	__u8 op;
	int idx; /* the operand that is the label */
	__s64 v[TV_MAX_OPERANDS];
	const char *name;
	size_t len;
	int line, col;
};

struct cname {
	const char *name;
	size_t len;
	__u32 id;
};

/* ---- operands ------------------------------------------------------------- */

static int find_map(const struct tv_image *img, struct tok t)
{
	for (__u32 i = 0; i < img->nmaps; i++)
		if (strlen(img->maps[i].name) == t.len && !memcmp(img->maps[i].name, t.s, t.len))
			return (int)i;
	return -1;
}

static int find_const(const struct ps *p, struct tok t)
{
	const struct cname *c = p->consts.v;

	for (size_t i = 0; i < p->consts.n; i++)
		if (c[i].len == t.len && !memcmp(c[i].name, t.s, t.len))
			return (int)c[i].id;
	return -1;
}

static int parse_reg(struct ps *p, struct tok t, __s64 *v)
{
	unsigned n = 0;
	size_t i;

	if (t.len < 2 || (t.s[0] | 0x20) != 'r')
		return tva_fail(p, t.s, t.len, "expected a register (r0..r15), got '%.*s'", TOK(t));
	for (i = 1; i < t.len; i++) {
		if (t.s[i] < '0' || t.s[i] > '9')
			return tva_fail(p, t.s, t.len, "expected a register (r0..r15), got '%.*s'",
					TOK(t));
		n = n > TV_NREGS ? n : n * 10 + (unsigned)(t.s[i] - '0');
	}
	if (n >= TV_NREGS)
		return tva_fail(p, t.s, t.len, "register %.*s out of range (r0..r15)", TOK(t));
	*v = n;
	return 0;
}

/* Map and constant ids live in a byte slot. */
static int id_operand(struct ps *p, struct tok t, int id, const char *what, __s64 *v)
{
	if (id < 0)
		return tva_fail(p, t.s, t.len, "undefined %s '%.*s'", what, TOK(t));
	if (id > 255)
		return tva_fail(p, t.s, t.len, "%s '%.*s' has id %d, more than an operand holds",
				what, TOK(t), id);
	*v = id;
	return 0;
}

static int parse_map_ref(struct ps *p, struct tok t, __s64 *v)
{
	if (t.s[0] != '@')
		return tva_fail(p, t.s, t.len, "expected a map name like @calls, got '%.*s'",
				TOK(t));
	return id_operand(p, t, find_map(p->img, t), "map", v);
}

static int parse_named(struct ps *p, struct tok t, int (*lookup)(const char *), const char *what,
		       __s64 *v)
{
	char name[32];
	int id = -1;

	if (t.len < sizeof(name)) {
		memcpy(name, t.s, t.len);
		name[t.len] = 0;
		id = lookup(name);
	}
	if (id < 0)
		return tva_fail(p, t.s, t.len, "unknown %s '%.*s'", what, TOK(t));
	*v = id;
	return 0;
}

static int parse_size(struct ps *p, struct tok t, __s64 *v)
{
	char sign = t.len == 2 ? (char)(t.s[0] | 0x20) : 0, n = t.len == 2 ? t.s[1] : 0;

	if ((sign != 'u' && sign != 's') || (n != '1' && n != '2' && n != '4' && n != '8'))
		return tva_fail(p, t.s, t.len,
				"bad access size '%.*s' (expected u1 u2 u4 u8 s1 s2 s4 s8)",
				TOK(t));
	*v = (n - '0') | (sign == 's' ? TV_Z_SIGNED : 0);
	return 0;
}

static int parse_label_ref(struct ps *p, struct tok t, __s64 *v)
{
	if (tva_ident_len(t.s, t.s + t.len) != t.len)
		return tva_fail(p, t.s, t.len, "expected a label, got '%.*s'", TOK(t));
	*v = 0;
	return 0;
}

static int parse_operand(struct ps *p, char letter, struct tok t, __s64 *v)
{
	switch (letter) {
	case 'r': return parse_reg(p, t, v);
	case 'm': return parse_map_ref(p, t, v);
	case 'k': return id_operand(p, t, find_const(p, t), "constant", v);
	case 'x': /* a record's id: a map, a constant or a plain number */
		if (t.len && t.s[0] == '@')
			return parse_map_ref(p, t, v);
		if (t.len && ((t.s[0] >= '0' && t.s[0] <= '9') || t.s[0] == '-'))
			return tva_num_in(p, t, 0, 255, v, "record id");
		return id_operand(p, t, find_const(p, t), "constant", v);
	case 'b': return parse_named(p, t, tv_builtin_lookup, "builtin", v);
	case 'e': return parse_named(p, t, tv_record_lookup, "record kind", v);
	case 'z': return parse_size(p, t, v);
	case 'j': return parse_label_ref(p, t, v);
	case 'n': return tva_num_in(p, t, 0, 255, v, "operand n");
	case 'i': return tva_num_in(p, t, INT32_MIN, INT32_MAX, v, "operand i");
	case 'w': return tva_num_wide(p, t, v);
	case 'f': return tva_num_in(p, t, 0, 0xffff, v, "a for body length");
	default: return tva_num_in(p, t, 0, 0xffff, v, letter == 'l' ? "operand l" : "an offset");
	}
}

/* ---- instructions --------------------------------------------------------- */

/* Comma-separated operands to the end of the line; *n counts them all,
 * t[] keeps the first TV_MAX_OPERANDS. */
static int split_operands(struct ps *p, struct tok *t, int *n)
{
	*n = 0;
	if (tva_at_eol(p))
		return 0;
	for (;;) {
		struct tok w = tva_next_word(p, true);

		if (!w.len)
			return tva_fail(p, w.s, p->cur < p->end, "missing operand");
		if (*n < TV_MAX_OPERANDS)
			t[*n] = w;
		(*n)++;
		if (tva_at_eol(p))
			return 0;
		if (*p->cur != ',') {
			w = tva_peek_word(p, true);
			return tva_fail(p, w.s, w.len, "expected ',' between operands, got '%.*s'",
					TOK(w));
		}
		p->cur++;
	}
}

static void lower(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++)
		dst[i] = (char)((src[i] >= 'A' && src[i] <= 'Z') ? src[i] | 0x20 : src[i]);
	dst[i] = 0;
}

static int operand_count_error(struct ps *p, struct tok name, unsigned op, int got)
{
	const char *f = tv_op_operands(op);
	char lname[16], letters[2 * TV_MAX_OPERANDS + 4] = "";
	size_t n = strlen(f);

	lower(lname, tv_op_name(op), sizeof(lname));
	for (size_t i = 0; i < n && i < TV_MAX_OPERANDS; i++) {
		letters[2 * i] = f[i];
		letters[2 * i + 1] = i + 1 < n ? ' ' : 0;
	}
	return tva_fail(p, name.s, name.len, "opcode %s takes %zu operand%s%s%s%s, got %d", lname,
			n, n == 1 ? "" : "s", n ? " (" : "", letters, n ? ")" : "", got);
}

static int add_fixup(struct ps *p, int pc, unsigned op, const __s64 *v, int idx, struct tok t)
{
	struct fixup *f = tva_tab_push(&p->fixups, sizeof(*f));

	if (!f)
		return tva_oom(p);
	*f = (struct fixup){.pc = (__u32)pc,
			    .op = (__u8)op,
			    .idx = idx,
			    .name = t.s,
			    .len = t.len,
			    .line = p->lineno,
			    .col = (int)(t.s - p->line) + 1};
	memcpy(f->v, v, sizeof(f->v));
	return 0;
}

static int parse_insn(struct ps *p)
{
	struct tok name = tva_next_word(p, true), t[TV_MAX_OPERANDS];
	__s64 v[TV_MAX_OPERANDS] = {0};
	char buf[16];
	const char *f;
	int op = -1, n, pc, rc, jidx = -1;

	if (name.len < sizeof(buf)) {
		memcpy(buf, name.s, name.len);
		buf[name.len] = 0;
		op = tv_op_lookup(buf);
	}
	if (op < 0)
		return tva_fail(p, name.s, name.len, "unknown opcode '%.*s'", TOK(name));
	if ((rc = split_operands(p, t, &n)))
		return rc;
	f = tv_op_operands(op);
	if (n != (int)strlen(f))
		return operand_count_error(p, name, op, n);
	for (int i = 0; i < n; i++) {
		if ((rc = parse_operand(p, f[i], t[i], &v[i])))
			return rc;
		jidx = f[i] == 'j' ? i : jidx;
	}
	pc = tv_image_emit(p->img, op, v, n);
	if (pc == -ERANGE)
		return tva_fail(p, name.s, name.len, "operands of %.*s out of range", TOK(name));
	if (pc < 0)
		return tva_oom(p);
	return jidx >= 0 ? add_fixup(p, pc, op, v, jidx, t[jidx]) : 0;
}

/* ---- labels --------------------------------------------------------------- */

static int add_label(struct ps *p, struct tok t)
{
	struct label *l = tva_tab_push(&p->labels, sizeof(*l));

	if (!l)
		return tva_oom(p);
	*l = (struct label){t.s, t.len, p->img->ninsns, p->lineno, (int)(t.s - p->line) + 1};
	return 0;
}

static int cmp_name(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

static int cmp_label(const void *x, const void *y)
{
	const struct label *a = x, *b = y;
	int c = cmp_name(a->name, a->len, b->name, b->len);

	return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int cmp_key(const void *key, const void *elem)
{
	const struct fixup *f = key;
	const struct label *l = elem;

	return cmp_name(f->name, f->len, l->name, l->len);
}

static int resolve_one(struct ps *p, const struct fixup *f, const struct label *l)
{
	__s64 v[TV_MAX_OPERANDS], next = (__s64)f->pc + 1;
	int n = (int)strlen(tv_op_operands(f->op));

	memcpy(v, f->v, sizeof(v));
	v[f->idx] = f->op == TV_OP_LOOP ? next - l->pc : (__s64)l->pc - next;
	if (tv_insn_put(&p->img->insns[f->pc], f->op, v, n) < 0)
		return tva_fail_at(p, f->line, f->col, f->len, "jump to '%.*s' is too far",
				   (int)f->len, f->name);
	return 0;
}

static int resolve_labels(struct ps *p)
{
	struct label *l = p->labels.v;
	const struct fixup *f = p->fixups.v;
	size_t nl = p->labels.n;
	int rc = 0;

	if (nl)
		qsort(l, nl, sizeof(*l), cmp_label);
	for (size_t i = 1; i < nl; i++)
		if (!cmp_name(l[i].name, l[i].len, l[i - 1].name, l[i - 1].len))
			return tva_fail_at(p, l[i].line, l[i].col, l[i].len,
					   "label '%.*s' already defined on line %d", (int)l[i].len,
					   l[i].name, l[i - 1].line);
	for (size_t i = 0; i < p->fixups.n && !rc; i++) {
		const struct label *hit = nl ? bsearch(&f[i], l, nl, sizeof(*l), cmp_key) : NULL;

		if (!hit)
			return tva_fail_at(p, f[i].line, f[i].col, f[i].len,
					   "undefined label '%.*s'",
					   (int)(f[i].len > 40 ? 40 : f[i].len), f[i].name);
		rc = resolve_one(p, &f[i], hit);
	}
	return rc;
}

/* ---- directives ----------------------------------------------------------- */

/* A .map type string: a bare word, or a quoted string. */
static int parse_type(struct ps *p, char **out)
{
	const char *s = p->cur;

	free(*out);
	*out = NULL;
	if (s < p->end && *s == '"')
		return tva_parse_cstring(p, out);
	while (p->cur < p->end && !tva_is_blank(*p->cur) && !tva_is_comment(*p->cur))
		p->cur++;
	*out = strndup(s, (size_t)(p->cur - s));
	return *out ? 0 : tva_oom(p);
}

static int parse_lhist(struct ps *p, struct tv_mapdesc *d)
{
	__s64 *dst[3] = {&d->lmin, &d->lmax, &d->lstep};

	for (int i = 0; i < 3; i++) {
		struct tok t = tva_peek_word(p, true);
		int rc = tva_num_in(p, t, INT64_MIN, INT64_MAX, dst[i], "lhist");

		if (rc)
			return rc;
		p->cur += t.len;
		if (i < 2 && (p->cur == p->end || *p->cur++ != ','))
			return tva_fail(p, p->cur - 1, 1, "lhist= takes MIN,MAX,STEP");
	}
	return 0;
}

/* pad=N: the descriptor's three pad bytes, little endian (only images
 * read from elsewhere have them set). */
static int parse_pad(struct ps *p, struct tv_mapdesc *d)
{
	__s64 v;
	int rc = tva_num_in(p, tva_next_word(p, false), 0, 0xffffff, &v, "pad");

	for (int i = 0; !rc && i < 3; i++)
		d->pad[i] = (__u8)(v >> (8 * i));
	return rc;
}

static int map_option(struct ps *p, struct tv_mapdesc *d, char **kt, char **vt)
{
	struct tok key = {p->cur, tva_ident_len(p->cur, p->end)}, val;
	__s64 v;
	int rc;

	if (p->cur + key.len == p->end || p->cur[key.len] != '=' || !key.len) {
		key = tva_peek_word(p, false);
		return tva_fail(p, key.s, key.len, "bad .map option '%.*s'", TOK(key));
	}
	p->cur += key.len + 1;
	if (tva_tok_is(key, "ktype") || tva_tok_is(key, "vtype"))
		return parse_type(p, tva_tok_is(key, "ktype") ? kt : vt);
	if (tva_tok_is(key, "lhist"))
		return parse_lhist(p, d);
	if (tva_tok_is(key, "pad"))
		return parse_pad(p, d);
	if (!tva_tok_is(key, "key") && !tva_tok_is(key, "val"))
		return tva_fail(p, key.s, key.len, "unknown .map option '%.*s'", TOK(key));
	val = tva_next_word(p, false);
	if ((rc = tva_num_in(p, val, 0, 0xffff, &v, "a size")))
		return rc;
	*(tva_tok_is(key, "key") ? &d->key_size : &d->val_size) = (__u16)v;
	return 0;
}

/* KIND of .map and .const: a name, or a number. */
static int parse_kind(struct ps *p, int (*lookup)(const char *), const char *what)
{
	struct tok t = tva_next_word(p, false);
	char name[32];
	__u64 mag;
	bool neg;
	int k = -1;

	if (t.len && t.len < sizeof(name)) {
		memcpy(name, t.s, t.len);
		name[t.len] = 0;
		k = lookup(name);
	}
	if (k < 0 && !tva_scan_int(t, &neg, &mag) && !neg && mag <= 255)
		k = (int)mag;
	if (k < 0)
		return tva_fail(p, t.s, t.len ? t.len : 1, "unknown %s kind '%.*s'", what, TOK(t));
	return k;
}

static int dir_map(struct ps *p)
{
	struct tok name = tva_next_word(p, false);
	struct tv_mapdesc d = {.val_size = 8};
	char *kt = NULL, *vt = NULL, *nm = NULL;
	struct tv_err bad;
	int kind, rc = 0;

	if (tv_map_name_check(name.s, name.len, &bad)) /* the rule tv_asm_print writes by */
		return tva_fail(p, name.s, name.len ? name.len : 1, "%s", bad.msg);
	if (find_map(p->img, name) >= 0)
		return tva_fail(p, name.s, name.len, "map '%.*s' already declared", TOK(name));
	if ((kind = parse_kind(p, tv_mapkind_lookup, "map")) < 0)
		return kind;
	d.kind = (__u8)kind;
	while (!rc && !tva_at_eol(p))
		rc = map_option(p, &d, &kt, &vt);
	if (!rc && !(nm = strndup(name.s, name.len)))
		rc = tva_oom(p);
	if (!rc && tv_image_add_map(p->img, nm, &d, kt, vt) < 0)
		rc = tva_oom(p);
	free(nm);
	free(kt);
	free(vt);
	return rc;
}

static int const_kind_lookup(const char *name)
{
	return !strcasecmp(name, "str")	  ? TV_CONST_str
	       : !strcasecmp(name, "fmt") ? TV_CONST_fmt
					  : -1;
}

/* tv_image_add_const() hands back an equal constant's id, but each .const
 * line is its own constant (so that print -> parse is exact for any
 * image): append duplicates here, sizing the table as image.c does (a
 * power of two, at least 4, holding the entries). */
static int add_const(struct tv_image *img, unsigned kind, const char *data, size_t len)
{
	__u32 n = img->nconsts;
	int id = tv_image_add_const(img, kind, data, len);
	size_t cap = 4;
	struct tv_const *t;
	char *copy;

	if (id < 0 || (__u32)id == n)
		return id;
	while (cap < (size_t)n + 1)
		cap *= 2;
	if (!(t = realloc(img->consts, cap * sizeof(*t))))
		return -ENOMEM;
	img->consts = t;
	if (!(copy = malloc(len ? len : 1)))
		return -ENOMEM;
	memcpy(copy, data, len);
	t[n] = (struct tv_const){.kind = (__u8)kind, .len = (__u16)len, .data = copy};
	img->nconsts++;
	return (int)n;
}

static int const_body(struct ps *p, int kind, struct tok name)
{
	const char *s = p->cur;
	struct cname *c = NULL;
	char *buf;
	size_t len;
	int rc, id = -1;

	if ((rc = tva_parse_string(p, &buf, &len)))
		return rc;
	tva_skip_blank(p);
	if (tva_tok_is(tva_peek_word(p, false), "nonul"))
		p->cur += 5;
	else
		len++; /* the terminating NUL */
	rc = tva_expect_eol(p);
	if (!rc && len > 0xffff)
		rc = tva_fail(p, s, (size_t)(p->cur - s), "constant of %zu bytes is too long", len);
	if (!rc && (id = add_const(p->img, (unsigned)kind, buf, len)) >= 0)
		c = tva_tab_push(&p->consts, sizeof(*c));
	if (!rc && !c)
		rc = tva_oom(p);
	if (!rc)
		*c = (struct cname){name.s, name.len, (__u32)id};
	free(buf);
	return rc;
}

static int dir_const(struct ps *p)
{
	struct tok name;
	int kind;

	tva_skip_blank(p);
	name = (struct tok){p->cur, tva_ident_len(p->cur, p->end)};
	if (!name.len || (tva_peek_word(p, false).len != name.len)) {
		name = tva_peek_word(p, false);
		return tva_fail(p, name.s, name.len ? name.len : 1,
				"expected a constant name, got '%.*s'", TOK(name));
	}
	if (find_const(p, name) >= 0)
		return tva_fail(p, name.s, name.len, "constant '%.*s' already declared", TOK(name));
	p->cur += name.len;
	if ((kind = parse_kind(p, const_kind_lookup, "constant")) < 0)
		return kind;
	tva_skip_blank(p);
	if (p->cur == p->end || *p->cur != '"')
		return tva_fail(p, p->cur, p->cur < p->end, "expected a \"string\" after the kind");
	return const_body(p, kind, name);
}

/* After a quoted attach point: "optional", "kernel" (TV_PROBE_IN_KERNEL)
 * and "loc=N" (a usdt probe's location), or nothing. */
static int probe_flags(struct ps *p, __u32 *flags)
{
	while (!tva_at_eol(p)) {
		struct tok t = tva_next_word(p, false);
		unsigned loc;
		int n = 0;

		if (tva_tok_is(t, "optional"))
			*flags |= TV_PROBE_OPTIONAL;
		else if (tva_tok_is(t, "kernel"))
			*flags |= TV_PROBE_IN_KERNEL;
		else if (t.len > 4 && !strncmp(t.s, "loc=", 4) &&
			 sscanf(t.s + 4, "%5u%n", &loc, &n) == 1 && (size_t)n == t.len - 4 &&
			 loc <= 0xffff)
			*flags |= (__u32)loc << TV_PROBE_LOC_SHIFT;
		else
			return tva_fail(p, t.s, t.len,
					"expected 'optional', 'kernel', 'loc=N' or the end of the "
					"line");
	}
	return 0;
}

/* ATTACH of .probe / .probeat: a quoted string (then flags), or the rest
 * of the line. */
static int probe_tail(struct ps *p, __u32 pc)
{
	const char *s, *e;
	char *attach = NULL;
	__u32 flags = 0;
	int rc = 0, id;

	tva_skip_blank(p);
	s = p->cur;
	if (s < p->end && *s == '"') {
		rc = tva_parse_cstring(p, &attach);
		rc = rc ?: probe_flags(p, &flags);
	} else {
		for (e = s; e < p->end && !tva_is_comment(*e); e++)
			;
		while (e > s && tva_is_blank(e[-1]))
			e--;
		if (e == s)
			return tva_fail(p, s, 0, "missing attach point");
		if (!(attach = strndup(s, (size_t)(e - s))))
			rc = tva_oom(p);
	}
	if (!rc && (id = tv_image_add_probe(p->img, attach, pc)) < 0)
		rc = tva_oom(p);
	else if (!rc)
		p->img->probes[id].flags = flags;
	free(attach);
	return rc;
}

static int dir_probeat(struct ps *p)
{
	struct tok t = tva_next_word(p, false);
	__s64 pc;
	int rc = tva_num_in(p, t, 0, UINT32_MAX, &pc, "a pc");

	return rc ?: probe_tail(p, (__u32)pc);
}

static int dir_word(struct ps *p)
{
	struct tok t = tva_next_word(p, false);
	__s64 v;
	__u64 x;
	int rc = tva_num_wide(p, t, &v), pc;

	if (rc || (rc = tva_expect_eol(p)))
		return rc;
	if ((pc = tv_image_emit(p->img, TV_OP_NOP, NULL, 0)) < 0)
		return tva_oom(p);
	x = (__u64)v;
	p->img->insns[pc] = (struct tv_insn){.op = (__u8)x,
					     .a = (__u8)(x >> 8),
					     .b = (__u8)(x >> 16),
					     .c = (__u8)(x >> 24),
					     .imm = (__s32)(__u32)(x >> 32)};
	return 0;
}

static int parse_directive(struct ps *p)
{
	struct tok d = tva_next_word(p, false);

	if (tva_tok_is(d, ".map"))
		return dir_map(p);
	if (tva_tok_is(d, ".const"))
		return dir_const(p);
	if (tva_tok_is(d, ".probe"))
		return probe_tail(p, p->img->ninsns);
	if (tva_tok_is(d, ".probeat"))
		return dir_probeat(p);
	if (tva_tok_is(d, ".word"))
		return dir_word(p);
	return tva_fail(p, d.s, d.len, "unknown directive '%.*s'", TOK(d));
}

/* ---- lines ---------------------------------------------------------------- */

static int parse_line(struct ps *p)
{
	size_t n;
	int rc;

	if (tva_at_eol(p))
		return 0;
	n = tva_ident_len(p->cur, p->end);
	if (n && p->cur + n < p->end && p->cur[n] == ':') {
		if ((rc = add_label(p, (struct tok){p->cur, n})))
			return rc;
		p->cur += n + 1;
		if (tva_at_eol(p))
			return 0;
	}
	if (*p->cur == '.')
		return parse_directive(p);
	rc = parse_insn(p);
	return rc ?: tva_expect_eol(p);
}

static int parse_lines(struct ps *p, const char *text)
{
	const char *s = text, *nl;
	int rc = 0;

	for (p->lineno = 1; !rc; p->lineno++) {
		nl = strchr(s, '\n');
		p->line = p->cur = s;
		p->end = nl ? nl : s + strlen(s);
		rc = parse_line(p);
		if (!nl)
			break;
		s = nl + 1;
	}
	return rc;
}

struct tv_image *tv_asm_parse(const char *text, const char *filename, struct tv_err *err)
{
	struct ps p = {.err = err};
	int rc;

	(void)filename; /* callers print it: "file:line:col: msg" */
	if (!text) {
		tv_err_set(err, 0, "no text to assemble");
		return NULL;
	}
	if (!(p.img = tv_image_new())) {
		tv_err_set(err, 0, "out of memory");
		return NULL;
	}
	rc = parse_lines(&p, text);
	rc = rc ?: resolve_labels(&p);
	free(p.labels.v);
	free(p.fixups.v);
	free(p.consts.v);
	if (rc) {
		tv_image_free(p.img);
		return NULL;
	}
	return p.img;
}
