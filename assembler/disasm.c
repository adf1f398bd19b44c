/* The text form of program images: the disassembler (see assembler.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assembler/assembler.h"

/* How each pc prints. */
enum line_kind { L_TAIL, L_INSN, L_WORD };

struct pr {
	const struct tv_image *img;
	FILE *out;
	__u8 *kind;  /* enum line_kind, per pc */
	__u8 *label; /* 1 where a jump lands, per pc (ninsns + 1 entries) */
};

static void put_escaped(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\\' || c == '"')
			fprintf(out, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	fputc('"', out);
}

/* Whether s can be written without quotes: no control characters, quotes
 * or comments, and (unless blanks are allowed inside) no blanks. */
static bool bare_ok(const char *s, bool blanks)
{
	size_t n = strlen(s);

	if (!n || s[0] == '"' || (blanks && (s[0] == ' ' || s[n - 1] == ' ')))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == ';' || c == '#' || (c == ' ' && !blanks))
			return false;
	}
	return true;
}

static void put_word_or_string(FILE *out, const char *s, bool blanks)
{
	if (bare_ok(s, blanks))
		fputs(s, out);
	else
		put_escaped(out, s, strlen(s));
}

/* Every name by the assembler's rule (tv_map_name_check), once. */
static int check_map_names(const struct tv_image *img, struct tv_err *err)
{
	for (__u32 m = 0; m < img->nmaps; m++) {
		const char *name = img->maps[m].name;

		if (tv_map_name_check(name, strlen(name), err))
			return -EINVAL;
		for (__u32 i = 0; i < m; i++)
			if (!strcmp(img->maps[i].name, name))
				return tv_err_set(err, 0, "map '%s' already declared", name);
	}
	return 0;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void put_map(FILE *out, const struct tv_map *m)
{
	const struct tv_mapdesc *d = &m->d;
	const char *kind = tv_mapkind_name(d->kind);

	fprintf(out, ".map %s ", m->name);
	if (kind)
		fputs(kind, out);
	else
		fprintf(out, "%u", d->kind);
	fprintf(out, " key=%u", d->key_size);
	if (d->val_size != 8)
		fprintf(out, " val=%u", d->val_size);
	if (d->lmin || d->lmax || d->lstep)
		fprintf(out, " lhist=%lld,%lld,%lld", (long long)d->lmin, (long long)d->lmax,
			(long long)d->lstep);
	if (d->pad[0] || d->pad[1] || d->pad[2])
		fprintf(out, " pad=0x%x", d->pad[0] | d->pad[1] << 8 | d->pad[2] << 16);
	if (or_empty(m->key_type)[0]) {
		fputs(" ktype=", out);
		put_word_or_string(out, m->key_type, false);
	}
	if (or_empty(m->val_type)[0]) {
		fputs(" vtype=", out);
		put_word_or_string(out, m->val_type, false);
	}
	fputc('\n', out);
}

static void put_const(FILE *out, __u32 id, const struct tv_const *c)
{
	bool nul = c->len && c->data && c->data[c->len - 1] == 0;

	fprintf(out, ".const k%u ", id);
	if (c->kind == TV_CONST_str || c->kind == TV_CONST_fmt)
		fputs(c->kind == TV_CONST_str ? "str " : "fmt ", out);
	else
		fprintf(out, "%u ", c->kind);
	put_escaped(out, c->data ? c->data : "", c->data ? c->len - nul : 0);
	fputs(nul ? "\n" : " nonul\n", out);
}

/* ---- deciding how each word prints ---------------------------------------- */

static bool operand_ok(const struct tv_image *img, char letter, __s64 v)
{
	switch (letter) {
	case 'r': return v < TV_NREGS;
	case 'm': return v < img->nmaps;
	case 'k': return v < img->nconsts;
	case 'b': return v < TV_BI__COUNT;
	case 'e': return v < TV_REC__COUNT;
	case 'z':
		return !(v & ~(TV_Z_SIGNED | 0x0f)) && (TV_Z_SIZE(v) == 1 || TV_Z_SIZE(v) == 2 ||
							TV_Z_SIZE(v) == 4 || TV_Z_SIZE(v) == 8);
	default: return true;
	}
}

/* Whether the instruction at pc has an opcode line that encodes to the
 * very same words (jump targets aside). */
static bool insn_ok(const struct tv_image *img, __u32 pc)
{
	const struct tv_insn *in = &img->insns[pc];
	const char *f = tv_op_operands(in->op);
	unsigned words = tv_op_is_wide(in->op) ? 2 : 1;
	struct tv_insn re[2];
	__s64 v[TV_MAX_OPERANDS];
	int n;

	if (!f || pc + words > img->ninsns)
		return false;
	n = tv_insn_get(in, v);
	for (int i = 0; i < n; i++)
		if (!operand_ok(img, f[i], v[i]))
			return false;
	return tv_insn_put(re, in->op, v, n) == (int)words && !memcmp(re, in, words * sizeof(*in));
}

/* The jump target of the instruction at pc, or -1 when it has none. */
static __s64 jump_target(const struct tv_image *img, __u32 pc)
{
	const struct tv_insn *in = &img->insns[pc];
	const char *f = tv_op_operands(in->op);
	__s64 v[TV_MAX_OPERANDS];
	int n = tv_insn_get(in, v);

	for (int i = 0; i < n; i++)
		if (f[i] == 'j')
			return in->op == TV_OP_LOOP ? (__s64)pc + 1 - v[i] : (__s64)pc + 1 + v[i];
	return -1;
}

static void classify(struct pr *p)
{
	const struct tv_image *img = p->img;
	__u32 n = img->ninsns;

	for (__u32 pc = 0; pc < n; pc++) {
		p->kind[pc] = insn_ok(img, pc) ? L_INSN : L_WORD;
		if (p->kind[pc] == L_INSN && tv_op_is_wide(img->insns[pc].op))
			p->kind[++pc] = L_TAIL;
	}
	/* A jump prints with a label only when it lands at the start of a line
	 * (or at the very end); ja/jz/... are one word, so demoting one to
	 * .word leaves every other line where it was. */
	for (__u32 pc = 0; pc < n; pc++) {
		__s64 t;

		if (p->kind[pc] != L_INSN || !strchr(tv_op_operands(img->insns[pc].op), 'j'))
			continue;
		t = jump_target(img, pc);
		if (t < 0 || t > n || (t < n && p->kind[t] == L_TAIL))
			p->kind[pc] = L_WORD;
		else
			p->label[t] = 1;
	}
}

/* Probes print at their entry pc only when that keeps their order. */
static bool probes_inline(const struct pr *p)
{
	const struct tv_image *img = p->img;
	__u32 prev = 0;

	for (__u32 i = 0; i < img->nprobes; i++) {
		__u32 pc = img->probes[i].pc;

		if (pc < prev || pc > img->ninsns || (pc < img->ninsns && p->kind[pc] == L_TAIL))
			return false;
		prev = pc;
	}
	return true;
}

/* ---- code ------------------------------------------------------------------ */

static bool record_names_map(__s64 kind)
{
	return kind == TV_REC_print || kind == TV_REC_clear || kind == TV_REC_zero;
}

static void put_operand(struct pr *p, char letter, __s64 v, __u32 pc, __s64 kind)
{
	FILE *out = p->out;

	if (letter == 'x')
		letter = record_names_map(kind) && v < p->img->nmaps	  ? 'm'
			 : !record_names_map(kind) && v < p->img->nconsts ? 'k'
									  : 'n';
	switch (letter) {
	case 'r': fprintf(out, "r%lld", (long long)v); break;
	case 'm': fputs(p->img->maps[v].name, out); break;
	case 'k': fprintf(out, "k%lld", (long long)v); break;
	case 'b': fputs(tv_builtin_name((unsigned)v), out); break;
	case 'e': fputs(tv_record_name((unsigned)v), out); break;
	case 'z': fprintf(out, "%c%d", v & TV_Z_SIGNED ? 's' : 'u', (int)TV_Z_SIZE(v)); break;
	case 'j': fprintf(out, "L%lld", (long long)jump_target(p->img, pc)); break;
	case 'w':
		if (v >= INT32_MIN && v <= INT32_MAX)
			fprintf(out, "%lld", (long long)v);
		else
			fprintf(out, "0x%llx", (unsigned long long)v);
		break;
	default: fprintf(out, "%lld", (long long)v); break;
	}
}

static void put_insn(struct pr *p, __u32 pc)
{
	const struct tv_insn *in = &p->img->insns[pc];
	const char *name = tv_op_name(in->op), *f = tv_op_operands(in->op);
	__s64 v[TV_MAX_OPERANDS];
	int n = tv_insn_get(in, v);

	fputc('\t', p->out);
	for (; *name; name++)
		fputc(*name >= 'A' && *name <= 'Z' ? *name | 0x20 : *name, p->out);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", " : " ", p->out);
		put_operand(p, f[i], v[i], pc, v[0]);
	}
	fputc('\n', p->out);
}

static void put_word(FILE *out, const struct tv_insn *in)
{
	__u64 x = in->op | (__u64)in->a << 8 | (__u64)in->b << 16 | (__u64)in->c << 24 |
		  (__u64)(__u32)in->imm << 32;

	fprintf(out, "\t.word 0x%016llx\n", (unsigned long long)x);
}

static void put_probe(FILE *out, const char *directive, const struct tv_probe *pr)
{
	fputs(directive, out);
	if (pr->flags) { /* flags follow a quoted attach point */
		put_escaped(out, or_empty(pr->attach), strlen(or_empty(pr->attach)));
		if (pr->flags & TV_PROBE_OPTIONAL)
			fputs(" optional", out);
		if (pr->flags & TV_PROBE_IN_KERNEL)
			fputs(" kernel", out);
		if (TV_PROBE_LOC(pr->flags))
			fprintf(out, " loc=%u", TV_PROBE_LOC(pr->flags));
	} else {
		put_word_or_string(out, or_empty(pr->attach), true);
	}
	fputc('\n', out);
}

static void put_code(struct pr *p)
{
	const struct tv_image *img = p->img;
	bool inline_probes = probes_inline(p);
	__u32 next = 0;

	for (__u32 i = 0; i < img->nprobes && !inline_probes; i++) {
		fprintf(p->out, ".probeat %u ", img->probes[i].pc);
		put_probe(p->out, "", &img->probes[i]);
	}
	for (__u32 pc = 0; pc <= img->ninsns; pc++) {
		if (pc < img->ninsns && p->kind[pc] == L_TAIL)
			continue;
		while (inline_probes && next < img->nprobes && img->probes[next].pc == pc)
			put_probe(p->out, ".probe ", &img->probes[next++]);
		if (p->label[pc])
			fprintf(p->out, "L%u:\n", pc);
		if (pc < img->ninsns && p->kind[pc] == L_INSN)
			put_insn(p, pc);
		else if (pc < img->ninsns)
			put_word(p->out, &img->insns[pc]);
	}
}

int tv_asm_print(const struct tv_image *img, FILE *out, struct tv_err *err)
{
	struct pr p = {img, out, NULL, NULL};
	int rc;

	if (!img || !out)
		return tv_err_set(err, 0, "no image or no output to write it to");
	if ((rc = check_map_names(img, err)))
		return rc;
	p.kind = calloc((size_t)img->ninsns + 1, 1);
	p.label = calloc((size_t)img->ninsns + 1, 1);
	if (!p.kind || !p.label) {
		free(p.kind);
		free(p.label);
		tv_err_set(err, 0, "out of memory");
		return -ENOMEM;
	}
	classify(&p);
	for (__u32 i = 0; i < img->nmaps; i++)
		put_map(out, &img->maps[i]);
	for (__u32 i = 0; i < img->nconsts; i++)
		put_const(out, i, &img->consts[i]);
	put_code(&p);
	free(p.kind);
	free(p.label);
	if (fflush(out) || ferror(out)) {
		tv_err_set(err, 0, "cannot write the program text: %s", strerror(errno));
		return -EIO;
	}
	return 0;
}

char *tv_asm_print_str(const struct tv_image *img, struct tv_err *err)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int rc;

	if (!f) {
		tv_err_set(err, 0, "out of memory");
		return NULL;
	}
	rc = tv_asm_print(img, f, err);
	if (fclose(f) || rc) {
		free(buf);
		return NULL;
	}
	return buf;
}
