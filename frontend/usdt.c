/* argN of a usdt probe, from its location's argument spec as <sys/sdt.h>
 * writes it: "SIZE@OPERAND ..." with SIZE negative for signed values and
 * OPERAND one of %reg, $imm, disp(%reg) and disp(%base,%index,scale), in
 * AT&T syntax.  The value is read from the uprobe's registers (pt_regs)
 * and, for memory operands, from the process's memory. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"

/* The pt_regs name of an x86_64 register of any width (eax, r8d, sil...). */
static int reg_of(const char *s, size_t n)
{
	static const struct {
		const char *names[4], *pt;
	} regs[] = {
	    {{"rax", "eax", "ax", "al"}, "ax"},	 {{"rbx", "ebx", "bx", "bl"}, "bx"},
	    {{"rcx", "ecx", "cx", "cl"}, "cx"},	 {{"rdx", "edx", "dx", "dl"}, "dx"},
	    {{"rsi", "esi", "si", "sil"}, "si"}, {{"rdi", "edi", "di", "dil"}, "di"},
	    {{"rbp", "ebp", "bp", "bpl"}, "bp"}, {{"rsp", "esp", "sp", "spl"}, "sp"},
	    {{"rip", "eip", "ip", NULL}, "ip"},
	};
	char name[8], pt[8];

	if (n >= sizeof(name))
		return -1;
	memcpy(name, s, n);
	name[n] = 0;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (int w = 0; w < 4; w++)
			if (regs[i].names[w] && !strcmp(regs[i].names[w], name))
				return fe_reg_offset(regs[i].pt);
	/* r8..r15 and their d, w, b halves */
	if (name[0] == 'r' && isdigit((unsigned char)name[1])) {
		snprintf(pt, sizeof(pt), "%.*s", (int)strspn(name, "r0123456789"), name);
		if (!name[strlen(pt)] || strchr("dwb", name[strlen(pt)]))
			return fe_reg_offset(pt);
	}
	return -1;
}

/* The n-th "SIZE@OPERAND" of spec: its size, sign and operand text. */
static int nth_arg(const char *spec, int n, int *size, bool *sign, const char **op, size_t *len)
{
	const char *p = spec;

	for (int i = 0;; i++) {
		char *end;
		long sz;

		p += strspn(p, " ");
		if (!*p)
			return -1;
		sz = strtol(p, &end, 10);
		if (*end != '@')
			return -1;
		*len = strcspn(end + 1, " ");
		if (i == n) {
			*sign = sz < 0;
			*size = (int)(sz < 0 ? -sz : sz);
			*op = end + 1;
			return 0;
		}
		p = end + 1 + *len;
	}
}

static int gen_reg(struct lower *L, const struct fe_node *e, const char *s, size_t n)
{
	int off = reg_of(s, n), r = fe_reg(L, e);

	if (off < 0 || off == fe_reg_offset("ip"))
		fe_error(L, e, "usdt argument register '%%%.*s' is not supported", (int)n, s);
	else
		EMIT(L, CTX, r, 8, off);
	return r;
}

/* disp(%base[,%index[,scale]]): the address. */
static int gen_address(struct lower *L, const struct fe_node *e, const char *s, size_t n)
{
	char *end;
	long disp = strtol(s, &end, 0);
	const char *base = end + 2, *close = memchr(s, ')', n);
	size_t blen = strcspn(base, ",)");
	int r, d;

	if (*end != '(' || end[1] != '%' || !close) {
		fe_error(L, e, "usdt argument '%.*s' is not understood", (int)n, s);
		return fe_reg(L, e);
	}
	r = gen_reg(L, e, base, blen);
	if (base[blen] == ',' && base[blen + 1] == '%') {
		const char *index = base + blen + 2;
		size_t ilen = strcspn(index, ",)");
		long scale = index[ilen] == ',' ? strtol(index + ilen + 1, NULL, 0) : 1;
		int sc;

		d = gen_reg(L, e, index, ilen);
		sc = fe_reg(L, e);
		EMIT(L, MOVI, sc, scale);
		EMIT(L, MUL, d, d, sc);
		fe_reg_free(L, sc);
		EMIT(L, ADD, r, r, d);
		fe_reg_free(L, d);
	}
	if (disp) {
		d = fe_reg(L, e);
		EMIT(L, LDW, d, disp);
		EMIT(L, ADD, r, r, d);
		fe_reg_free(L, d);
	}
	return r;
}

int fe_gen_usdt_arg(struct lower *L, const struct fe_node *e, int n)
{
	const char *op;
	size_t len;
	int size, r;
	bool sign;

	if (nth_arg(L->usdt_args, n, &size, &sign, &op, &len) ||
	    (size != 1 && size != 2 && size != 4 && size != 8)) {
		fe_error(L, e, "%s: the usdt probe has no argument %d (its arguments: \"%s\")",
			 e->name, n, L->usdt_args);
		return fe_reg(L, e);
	}
	if (op[0] == '$') {
		r = fe_reg(L, e);
		EMIT(L, LDW, r, strtoll(op + 1, NULL, 0));
		return r;
	}
	if (op[0] == '%') {
		r = gen_reg(L, e, op + 1, len - 1);
		fe_narrow(L, e, r, size, sign);
		return r;
	}
	if (memmem(op, len, "(%rip)", 6)) {
		fe_error(L, e, "usdt argument '%.*s' (relative to %%rip) is not supported",
			 (int)len, op);
		return fe_reg(L, e);
	}
	r = gen_address(L, e, op, len);
	fe_emit(L, TV_OP_LDU, (const __s64[]){r, r, size | (sign ? TV_Z_SIGNED : 0)}, 3);
	return r;
}
