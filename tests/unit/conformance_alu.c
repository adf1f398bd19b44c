/* Conformance of the register opcodes: every binary and unary ALU op on
 * every ordered pair of edge values, MOVI, LDW and BSWAP. */
#include "tests/unit/conformance.h"

/* clang-format off */
static const __u64 edge[] = {
    0, 1, 2, 3, 7, 63, 64, 65, 127,
    0x80000000ull, 0xffffffffull, 0x100000000ull, 0x123456789abcdef0ull,
    (__u64)INT64_MAX, (__u64)INT64_MIN, (__u64)INT64_MIN + 1,
    (__u64)-1, (__u64)-2, (__u64)-7, (__u64)-64,
};
/* clang-format on */

/* The binary ops: the opcode and its test's name. */
#define BINOPS(X)                                                                                  \
	X(ADD, add)                                                                                \
	X(SUB, sub)                                                                                \
	X(MUL, mul)                                                                                \
	X(DIV, div)                                                                                \
	X(MOD, mod)                                                                                \
	X(SDIV, sdiv)                                                                              \
	X(SMOD, smod)                                                                              \
	X(AND, and)                                                                                \
	X(OR, or)                                                                                  \
	X(XOR, xor)                                                                                \
	X(SHL, shl)                                                                                \
	X(SHR, shr)                                                                                \
	X(SAR, sar)                                                                                \
	X(EQ, eq)                                                                                  \
	X(NE, ne)                                                                                  \
	X(LT, lt)                                                                                  \
	X(LE, le)                                                                                  \
	X(SLT, slt)                                                                                \
	X(SLE, sle)

static const unsigned binops[] = {
#define X(op, name) TV_OP_##op,
    BINOPS(X)
#undef X
};

/* Operands aliasing the destination: MOV r, from; op r, b, c. */
static const struct {
	unsigned op, r, from, b, c;
} aliases[] = {
    {TV_OP_MUL, 14, 1, 14, 14},
    {TV_OP_SUB, 13, 2, 13, 1},
    {TV_OP_SHL, 12, 1, 2, 12},
    {TV_OP_SAR, 0, 2, 0, 0},
};

static const __s64 addi_imms[] = {0, 1, -1, INT32_MAX, INT32_MIN};

/* opcodes.def, spelled out independently of both interpreters. */
static __u64 ref_binop(unsigned op, __u64 b, __u64 c)
{
	__s64 sb = (__s64)b, sc = (__s64)c;
	unsigned n = c & 63;

	switch (op) {
	case TV_OP_ADD: return b + c;
	case TV_OP_SUB: return b - c;
	case TV_OP_MUL: return b * c;
	case TV_OP_DIV: return c ? b / c : 0;
	case TV_OP_MOD: return c ? b % c : 0;
	case TV_OP_SDIV:
		if (!c)
			return 0;
		if (sb == INT64_MIN && sc == -1)
			return b; /* the quotient wraps */
		return (__u64)(sb / sc);
	case TV_OP_SMOD:
		if (!c || sc == -1)
			return 0;
		return (__u64)(sb % sc);
	case TV_OP_AND: return b & c;
	case TV_OP_OR: return b | c;
	case TV_OP_XOR: return b ^ c;
	case TV_OP_SHL: return b << n;
	case TV_OP_SHR: return b >> n;
	case TV_OP_SAR: return n && (b >> 63) ? (b >> n) | (~0ull << (64 - n)) : b >> n;
	case TV_OP_EQ: return b == c;
	case TV_OP_NE: return b != c;
	case TV_OP_LT: return b < c;
	case TV_OP_LE: return b <= c;
	case TV_OP_SLT: return sb < sc;
	case TV_OP_SLE: return sb <= sc;
	}
	fail_msg("no reference for %s", tv_op_name(op));
	return 0;
}

/* What the outputs of a program must be for operands b (ARG 0, r1) and
 * c (ARG 1, r2); returns how many. */
typedef unsigned expect_fn(unsigned op, __u64 b, __u64 c, __u64 *exp);

/* Run the loaded program on every ordered pair of edge values and check
 * the vm's outputs against expect (the kernel's are compared to them). */
static void run_pairs(unsigned op, expect_fn *expect)
{
	__u64 exp[OUT_SLOTS];

	for (unsigned x = 0; x < NELEM(edge); x++)
		for (unsigned y = 0; y < NELEM(edge); y++) {
			__u64 b = edge[x], c = edge[y];
			unsigned nexp = expect(op, b, c, exp);

			run(0, CTX(b, c));
			assert_int_equal(G.vr.n, 1);
			assert_int_equal(G.vr.v[0].h.len, 8 * nexp);
			for (unsigned n = 0; n < nexp; n++)
				if (word(&G.vr.v[0], n) != exp[n])
					fail_msg("%s: output %u for (%#llx, %#llx) is %#llx, "
						 "opcodes.def says %#llx",
						 G.name, n, (unsigned long long)b,
						 (unsigned long long)c,
						 (unsigned long long)word(&G.vr.v[0], n),
						 (unsigned long long)exp[n]);
		}
}

static unsigned binop_index(unsigned op)
{
	for (unsigned i = 0; i < NELEM(binops); i++)
		if (binops[i] == op)
			return i;
	fail_msg("%s is no binary op", tv_op_name(op));
	return 0;
}

static unsigned expect_binop(unsigned op, __u64 b, __u64 c, __u64 *exp)
{
	unsigned n = 0;

	exp[n++] = ref_binop(op, b, c);
	for (unsigned i = 0; i < NELEM(aliases); i++)
		if (aliases[i].op == op) {
			__u64 r = aliases[i].from == 1 ? b : c;
			__u64 x = aliases[i].b == aliases[i].r ? r : aliases[i].b == 1 ? b : c;
			__u64 y = aliases[i].c == aliases[i].r ? r : aliases[i].c == 1 ? b : c;

			exp[n++] = ref_binop(op, x, y);
		}
	return n;
}

/* One binary op (*state) into r0 or r3..r15 (by its row: not an input),
 * then the same op with operands aliasing its destination. */
static void conformance_binop(void **state)
{
	unsigned op = test_arg(state), i = binop_index(op);
	unsigned dst = i % 14 ? i % 14 + 2 : 0;

	need_kernel();
	begin(tv_op_name(op));
	I(ARG, 1, 0);
	I(ARG, 2, 1);
	I(NOP);
	ins(op, (const __s64[]){dst, 1, 2}, 3);
	out(dst);
	for (unsigned a = 0; a < NELEM(aliases); a++)
		if (aliases[a].op == op) {
			I(MOV, aliases[a].r, aliases[a].from);
			ins(op, (const __s64[]){aliases[a].r, aliases[a].b, aliases[a].c}, 3);
			out(aliases[a].r);
		}
	flush(0);
	I(EXIT);
	load();
	run_pairs(op, expect_binop);
	finish();
}

static unsigned expect_unary(unsigned op, __u64 b, __u64 c, __u64 *exp)
{
	unsigned n = 0;

	switch (op) {
	case TV_OP_NEG: exp[n++] = -b; break;
	case TV_OP_NOT: exp[n++] = ~b; break;
	case TV_OP_LNOT:
		exp[n++] = !b;
		exp[n++] = !c;
		break;
	case TV_OP_MOV: exp[n++] = b; break;
	case TV_OP_ADDI:
		for (unsigned i = 0; i < NELEM(addi_imms); i++)
			exp[n++] = b + (__u64)addi_imms[i];
		break;
	}
	return n;
}

/* A unary op (*state) of ARG 0 (LNOT of ARG 1 too; ADDI with edge
 * immediates), on the same pairs as the binary ops. */
static void conformance_unary(void **state)
{
	unsigned op = test_arg(state);

	need_kernel();
	begin(tv_op_name(op));
	I(ARG, 1, 0);
	I(ARG, 2, 1);
	switch (op) {
	case TV_OP_NEG: I(NEG, 3, 1), out(3); break;
	case TV_OP_NOT: I(NOT, 4, 1), out(4); break;
	case TV_OP_LNOT: I(LNOT, 5, 1), out(5), I(LNOT, 6, 2), out(6); break;
	case TV_OP_MOV: I(MOV, 15, 1), out(15); break;
	case TV_OP_ADDI:
		for (unsigned i = 0; i < NELEM(addi_imms); i++)
			I(ADDI, 7 + i, 1, addi_imms[i]), out(7 + i);
		break;
	}
	flush(0);
	I(EXIT);
	load();
	run_pairs(op, expect_unary);
	finish();
}

static const unsigned regs[] = {0, 1, 7, 15};

/* MOVI sign-extends its 32-bit immediate. */
static void conformance_movi(void **state)
{
	static const __s64 imms[] = {0, 1, -1, INT32_MAX, INT32_MIN, -2, 0x7fff, -0x8000};

	(void)state;
	need_kernel();
	begin("movi");
	for (unsigned i = 0; i < NELEM(imms); i++)
		I(MOVI, regs[i % 4], imms[i]), out(regs[i % 4]);
	flush(0);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_int_equal(word(&G.vr.v[0], 2), (__u64)-1);
	assert_int_equal(word(&G.vr.v[0], 4), (__u64)(__s64)INT32_MIN);
	finish();
}

/* LDW loads 64 bits, and overwrites all 64. */
static void conformance_ldw(void **state)
{
	static const __u64 wides[] = {0,
				      (__u64)-1,
				      0x8000000000000000ull,
				      0xdeadbeefcafebabeull,
				      0x00000000ffffffffull,
				      0xffffffff00000000ull};

	(void)state;
	need_kernel();
	begin("ldw");
	for (unsigned i = 0; i < NELEM(wides); i++)
		I(LDW, regs[i % 4], (__s64)wides[i]), out(regs[i % 4]);
	I(MOVI, 9, -1), I(LDW, 9, 5), out(9);
	flush(0);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_int_equal(word(&G.vr.v[0], 3), 0xdeadbeefcafebabeull);
	assert_int_equal(word(&G.vr.v[0], NELEM(wides)), 5);
	finish();
}

/* BSWAP of 2, 4 and 8 bytes (the bytes above them ignored), and in place. */
static void conformance_bswap(void **state)
{
	(void)state;
	need_kernel();
	begin("bswap");
	I(LDW, 1, 0x1122334455667788ll);
	I(BSWAP, 2, 1, 2), out(2);
	I(BSWAP, 3, 1, 4), out(3);
	I(BSWAP, 4, 1, 8), out(4);
	I(BSWAP, 1, 1, 8), out(1);
	flush(0);
	I(EXIT);
	load();
	run(0, zero_ctx);
	assert_int_equal(word(&G.vr.v[0], 0), 0x8877);
	assert_int_equal(word(&G.vr.v[0], 1), 0x88776655);
	assert_int_equal(word(&G.vr.v[0], 2), 0x8877665544332211ull);
	assert_int_equal(word(&G.vr.v[0], 3), 0x8877665544332211ull);
	finish();
}

int conformance_alu_group(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
#define X(op, name) T_ARG("conformance_" #name, conformance_binop, TV_OP_##op),
	    BINOPS(X)
#undef X
	    T_ARG("conformance_neg", conformance_unary, TV_OP_NEG),
	    T_ARG("conformance_not", conformance_unary, TV_OP_NOT),
	    T_ARG("conformance_lnot", conformance_unary, TV_OP_LNOT),
	    T_ARG("conformance_mov", conformance_unary, TV_OP_MOV),
	    T_ARG("conformance_addi", conformance_unary, TV_OP_ADDI),
	    T(conformance_movi),
	    T(conformance_ldw),
	    T(conformance_bswap),
	};
	/* clang-format on */

	return RUN_GROUP("conformance_alu", tests);
}
