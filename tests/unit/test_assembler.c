/* assembler: parse/print round trips over every opcode, error reports,
 * exotic images, the binary form, and garbage input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assembler/assembler.h"

/* ---- helpers --------------------------------------------------------------- */

static void assert_images_equal(const struct tv_image *a, const struct tv_image *b)
{
	assert_int_equal(a->abi, b->abi);
	assert_int_equal(a->ninsns, b->ninsns);
	if (a->ninsns)
		assert_memory_equal(a->insns, b->insns, a->ninsns * sizeof(*a->insns));
	assert_int_equal(a->nprobes, b->nprobes);
	for (__u32 i = 0; i < a->nprobes; i++) {
		assert_int_equal(a->probes[i].pc, b->probes[i].pc);
		assert_string_equal(a->probes[i].attach, b->probes[i].attach);
		assert_int_equal(a->probes[i].flags, b->probes[i].flags);
	}
	assert_int_equal(a->nmaps, b->nmaps);
	for (__u32 i = 0; i < a->nmaps; i++) {
		assert_string_equal(a->maps[i].name, b->maps[i].name);
		assert_memory_equal(&a->maps[i].d, &b->maps[i].d, sizeof(a->maps[i].d));
		assert_string_equal(a->maps[i].key_type, b->maps[i].key_type);
		assert_string_equal(a->maps[i].val_type, b->maps[i].val_type);
	}
	assert_int_equal(a->nconsts, b->nconsts);
	for (__u32 i = 0; i < a->nconsts; i++) {
		assert_int_equal(a->consts[i].kind, b->consts[i].kind);
		assert_int_equal(a->consts[i].len, b->consts[i].len);
		if (a->consts[i].len)
			assert_memory_equal(a->consts[i].data, b->consts[i].data, a->consts[i].len);
	}
}

static struct tv_image *parse_ok(const char *text)
{
	struct tv_err err = {0};
	struct tv_image *img = tv_asm_parse(text, "test.tva", &err);

	if (!img)
		fail_msg("parse failed at %d:%d: %s\n%s", err.line, err.col, err.msg, text);
	return img;
}

/* print -> parse -> same image, and print(parse(print)) == print. */
static void assert_round_trip(const struct tv_image *img)
{
	char *t1 = tv_asm_print_str(img, NULL), *t2;
	struct tv_image *back;

	assert_non_null(t1);
	back = parse_ok(t1);
	assert_images_equal(img, back);
	t2 = tv_asm_print_str(back, NULL);
	assert_non_null(t2);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	tv_image_free(back);
}

/* ---- a program with every opcode ------------------------------------------- */

static const char *map_for(unsigned op)
{
	switch (op) {
	case TV_OP_COUNT:
	case TV_OP_COUNTB: return "@count";
	case TV_OP_COUNTC: return "@comm";
	case TV_OP_SUM: return "@sum";
	case TV_OP_MIN: return "@min";
	case TV_OP_MAX: return "@max";
	case TV_OP_AVG: return "@avg";
	case TV_OP_STATS: return "@stats";
	case TV_OP_HIST: return "@hist";
	case TV_OP_LHIST: return "@lhist";
	case TV_OP_MLOADB:
	case TV_OP_MSTOREB: return "@bytes";
	default: return "@int";
	}
}

/* A valid operand for letter of op. */
static void put_operand(FILE *f, unsigned op, char letter)
{
	switch (letter) {
	case 'r': fprintf(f, "r%u", op % TV_NREGS); break;
	case 'm': fputs(map_for(op), f); break;
	case 'k': fputs(op % 2 ? "k0" : "fmt1", f); break;
	case 'b': fputs(tv_builtin_name(op % TV_BI__COUNT), f); break;
	case 'e': fputs(tv_record_name(op % TV_REC__COUNT), f); break;
	case 'z': fputs(op % 2 ? "s4" : "u8", f); break;
	case 'n': fputs(op == TV_OP_FOREND ? "1" : "2", f); break;
	case 'x': fputs("0", f); break;
	case 'o': fputs("16", f); break;
	case 'p': fputs("0x40", f); break;
	case 'l': fputs("8", f); break;
	case 'f': fputs("1", f); break; /* MFOR: FOREND follows */
	case 'i': fputs(op % 2 ? "-5" : "0xfff0", f); break;
	case 'w': fputs("0x123456789abcdef0", f); break;
	case 'j': fputs(op == TV_OP_LOOP ? "start" : "end", f); break;
	default: fail_msg("operand letter %c has no test value", letter);
	}
}

static void put_maps(FILE *f)
{
	for (unsigned k = 0; k < TV_MAP__COUNT; k++) {
		fprintf(f, ".map @%s %s key=8", tv_mapkind_name(k), tv_mapkind_name(k));
		if (k == TV_MAP_bytes)
			fputs(" val=16 ktype=u8 vtype=\"{.a=[2*i4],x8}\"", f);
		if (k == TV_MAP_lhist)
			fputs(" lhist=0,100,10", f);
		fputs("   ; one map of each kind\n", f);
	}
	fputs(".map @comm count key=16 ktype=s16 # fused comm key\n", f);
	fputs(".map @ int key=0\n", f);
}

static char *every_opcode_text(void)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	put_maps(f);
	fputs(".const k0 str \"comm\\n\\t\\\\\\\"\\x01\\377\"\n", f);
	fputs(".const fmt1 fmt \"%d %s\\n\"\n", f);
	fputs(".const same str \"comm\\n\\t\\\\\\\"\\x01\\377\"   ; a duplicate stays\n", f);
	fputs(".probe BEGIN\n.probe kprobe:vfs_read, kprobe:vfs_*  ; shares pc 0\n", f);
	fputs("start:\n", f);
	for (unsigned op = 0; op < TV_OP__COUNT; op++) {
		const char *ops = tv_op_operands(op);

		fprintf(f, "\t%s", tv_op_name(op));
		for (int i = 0; ops[i]; i++) {
			fputs(i ? ", " : " ", f);
			put_operand(f, op, ops[i]);
		}
		fputc('\n', f);
	}
	fputs("\tldw r2, -1\n\tLdW r3, 0xffffffffffffffff\n\tmload r1, @, 0\n", f);
	fputs("\tsconst same, 0\n\tja end ; comment\n", f);
	fputs("end: exit\n.probe \"weird;#\\tname\" optional\n\t.word 0x0000000000000001\n", f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_every_opcode_round_trip(void **state)
{
	char *text = every_opcode_text();
	struct tv_image *img = parse_ok(text);
	struct tv_err err = {0};
	int seen[TV_OP__COUNT] = {0};

	(void)state;
	for (__u32 pc = 0; pc < img->ninsns; pc++) {
		seen[img->insns[pc].op]++;
		pc += tv_op_is_wide(img->insns[pc].op);
	}
	for (unsigned op = 0; op < TV_OP__COUNT; op++)
		if (!seen[op])
			fail_msg("opcode %s missing from the image", tv_op_name(op));
	assert_int_equal(img->nconsts, 3);
	assert_int_equal(img->nprobes, 3);
	assert_int_equal(img->probes[1].pc, 0);
	assert_string_equal(img->probes[1].attach, "kprobe:vfs_read, kprobe:vfs_*");
	assert_string_equal(img->probes[2].attach, "weird;#\tname");
	assert_int_equal(img->probes[1].flags, 0);
	assert_int_equal(img->probes[2].flags, TV_PROBE_OPTIONAL);
	if (tv_image_validate(img, TV_VALIDATE_UNSAFE, &err))
		fail_msg("generated program does not validate: %s", err.msg);
	assert_round_trip(img);
	tv_image_free(img);
	free(text);
}

/* ---- exact encodings and printed form -------------------------------------- */

static const char small_text[] = ".map @calls count key=16 ktype=s16 vtype=i8\n"
				 ".const k0 str \"comm\\n\"\n"
				 ".probe tracepoint:syscalls:sys_enter_getppid\n"
				 "loop:\n"
				 "    COMM 0\r\n"
				 "    countc @calls\n"
				 "    jz r1, loop_end\n"
				 "    ldw r2, 0x123456789\n"
				 "    ctx r3, s4, 16\n"
				 "    emit printf, k0, 0, 8\n"
				 "    loop r4, loop\n"
				 "loop_end:\n"
				 "    exit\n";

static void test_encoding(void **state)
{
	struct tv_image *img = parse_ok(small_text);
	const struct tv_insn *in = img->insns;
	__u64 w;

	(void)state;
	assert_int_equal(img->ninsns, 9);
	assert_int_equal(in[0].op, TV_OP_COMM);
	assert_int_equal(in[2].op, TV_OP_JZ);
	assert_int_equal(in[2].a, 1);
	assert_int_equal(in[2].imm, 8 - 3); /* loop_end (8) - next pc (3) */
	assert_int_equal(in[3].op, TV_OP_LDW);
	memcpy(&w, &in[4], 8);
	assert_true(w == 0x123456789ull);
	assert_int_equal(in[5].b, 4 | TV_Z_SIGNED);
	assert_int_equal(in[5].imm, 16);
	assert_int_equal(in[6].a, TV_REC_printf);
	assert_int_equal((__u32)in[6].imm, 8u << 16);
	assert_int_equal(in[7].op, TV_OP_LOOP);
	assert_int_equal(in[7].imm, 8); /* next pc (8) - loop (0) */
	assert_int_equal(img->maps[0].d.key_size, 16);
	assert_int_equal(img->maps[0].d.val_size, 8);
	assert_int_equal(img->consts[0].len, 6);
	assert_memory_equal(img->consts[0].data, "comm\n", 6);
	assert_int_equal(tv_image_validate(img, TV_VALIDATE_UNSAFE, NULL), 0);
	tv_image_free(img);
}

static void test_printed_form(void **state)
{
	struct tv_image *img = parse_ok(small_text);
	char *text = tv_asm_print_str(img, NULL);

	(void)state;
	assert_string_equal(text, ".map @calls count key=16 ktype=s16 vtype=i8\n"
				  ".const k0 str \"comm\\n\"\n"
				  ".probe tracepoint:syscalls:sys_enter_getppid\n"
				  "L0:\n"
				  "\tcomm 0\n"
				  "\tcountc @calls\n"
				  "\tjz r1, L8\n"
				  "\tldw r2, 0x123456789\n"
				  "\tctx r3, s4, 16\n"
				  "\temit printf, k0, 0, 8\n"
				  "\tloop r4, L0\n"
				  "L8:\n"
				  "\texit\n");
	free(text);
	tv_image_free(img);
}

static void test_numbers(void **state)
{
	struct tv_image *img =
	    parse_ok("movi r1, -2147483648\nmovi r2, 0x7fffffff\n"
		     "ldw r3, -9223372036854775808\nldw r4, 18446744073709551615\n"
		     "szero 0xffff, 0\nmovi r5, -0x10\nexit\n");
	__s64 v[TV_MAX_OPERANDS];

	(void)state;
	assert_int_equal(img->insns[0].imm, INT32_MIN);
	assert_int_equal(img->insns[1].imm, INT32_MAX);
	assert_int_equal(tv_insn_get(&img->insns[2], v), 2);
	assert_true(v[1] == INT64_MIN);
	assert_int_equal(tv_insn_get(&img->insns[4], v), 2);
	assert_true(v[1] == -1);
	assert_int_equal(tv_insn_get(&img->insns[6], v), 2);
	assert_int_equal(v[0], 0xffff);
	assert_int_equal(img->insns[7].imm, -16);
	assert_round_trip(img);
	tv_image_free(img);
}

/* ---- errors ----------------------------------------------------------------- */

struct bad_case {
	const char *text;
	int line, col;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
    {".map @c count key=8\n\n\tcuont @c, 0\n", 3, 2, "unknown opcode 'cuont'"},
    {".map @c count key=8\ncount @c\n", 2, 1, "opcode count takes 2 operands (m o), got 1"},
    {"exit r1\n", 1, 1, "opcode exit takes 0 operands, got 1"},
    {"nop\nmov r16, r1\n", 2, 5, "register r16 out of range"},
    {"mov r1, x2\n", 1, 9, "expected a register"},
    {"exit\nja out\n", 2, 4, "undefined label 'out'"},
    {"a:\nexit\n a: exit\n", 3, 2, "label 'a' already defined on line 1"},
    {".map @c count key=8\ncount @calls, 0\n", 2, 7, "undefined map '@calls'"},
    {".map @c count key=8\ncount calls, 0\n", 2, 7, "expected a map name"},
    {".map c count key=8\n", 1, 6, "map name 'c' is not '@' alone or '@' and an identifier"},
    {".map @c count key=8\n.map @c sum key=8\n", 2, 6, "map '@c' already declared"},
    {".map @c counts key=8\n", 1, 9, "unknown map kind 'counts'"},
    {".map @c count key=70000\n", 1, 19, "out of range"},
    {".map @c count size=8\n", 1, 15, "unknown .map option 'size'"},
    {".map @c lhist key=8 lhist=1,2\n", 1, 29, "lhist= takes MIN,MAX,STEP"},
    {".const k0 str \"abc\n", 1, 15, "unterminated string"},
    {".const k0 str \"a\\qb\"\n", 1, 17, "bad escape"},
    {".const k0 str abc\n", 1, 15, "expected a \"string\""},
    {".const k0 str \"a\"\n.const k0 str \"b\"\n", 2, 8, "constant 'k0' already declared"},
    {".const k0 str \"a\" extra\n", 1, 19, "unexpected 'extra'"},
    {"sconst k1, 0\n", 1, 8, "undefined constant 'k1'"},
    {"comm 70000\n", 1, 6, "value 70000 out of range"},
    {"movi r1, 0x80000000\n", 1, 10, "out of range"},
    {"movi r1, 12abc\n", 1, 10, "expected a number"},
    {"ldw r1, 0x10000000000000000\n", 1, 9, "out of range"},
    {"ctx r1, u3, 0\n", 1, 9, "bad access size 'u3'"},
    {"builtin r1, pids\n", 1, 13, "unknown builtin 'pids'"},
    {"emit printff, k0, 0, 0\n", 1, 6, "unknown record kind 'printff'"},
    {"add r1 r2, r3\n", 1, 8, "expected ','"},
    {"add r1, , r3\n", 1, 9, "missing operand"},
    {"exit extra\n", 1, 1, "takes 0 operands"},
    {"exit extra stuff\n", 1, 12, "expected ','"},
    {".probe\n", 1, 7, "missing attach point"},
    {".probe \"a\\x00b\"\n", 1, 8, "NUL"},
    {".probe \"BEGIN\" optinal\n", 1, 16,
     "expected 'optional', 'kernel', 'loc=N' or the end of the line"},
    {".probe \"BEGIN\" loc=x\n", 1, 16,
     "expected 'optional', 'kernel', 'loc=N' or the end of the line"},
    {".probe \"BEGIN\" loc=70000\n", 1, 16,
     "expected 'optional', 'kernel', 'loc=N' or the end of the line"},
    {".bogus 1\n", 1, 1, "unknown directive '.bogus'"},
    {".word zz\n", 1, 7, "expected a 64-bit number"},
    {".probeat -1 BEGIN\n", 1, 10, "out of range"},
    {"ja 1abel\n", 1, 4, "expected a label"},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct tv_err err = {0};
		struct tv_image *img = tv_asm_parse(c->text, "bad.tva", &err);

		if (img || err.line != c->line || err.col != c->col || !strstr(err.msg, c->msg))
			fail_msg("case %zu: %s\n  got %s, line %d col %d: %s", i, c->text,
				 img ? "an image" : "NULL", err.line, err.col, err.msg);
		assert_true(err.col_end >= err.col);
	}
	assert_null(tv_asm_parse(NULL, NULL, NULL));
	assert_null(tv_asm_parse("cuont\n", NULL, NULL));
}

/* ---- images no compiler writes still print exactly ---------------------------- */

static struct tv_image *exotic_image(void)
{
	struct tv_image *img = tv_image_new();
	struct tv_mapdesc d = {.key_size = 8, .val_size = 8, .kind = 200, .lmin = -1};
	__s64 v[4] = {20, 1};
	int pc;

	d.pad[1] = 7; /* only .map pad= writes it */
	tv_image_add_map(img, "@odd", &d, "a b;c\"", "\x01");
	d.pad[1] = 0;
	d.kind = TV_MAP_bytes;
	tv_image_add_map(img, "@", &d, NULL, NULL);
	tv_image_add_const(img, TV_CONST_str, "x", 2);
	tv_image_add_const(img, TV_CONST_str, "y", 2);
	img->consts[1].data[0] = 'x'; /* a duplicate of k0 */
	tv_image_add_const(img, 9, "no nul", 6);
	tv_image_add_const(img, TV_CONST_fmt, "", 0);
	tv_image_emit(img, TV_OP_MOV, v, 2); /* r20: only .word writes it */
	v[0] = 2, v[1] = 5;
	tv_image_emit(img, TV_OP_LDW, v, 2);
	v[0] = -2;
	tv_image_emit(img, TV_OP_JA, v, 1); /* into the ldw's second word */
	v[0] = -5;
	tv_image_emit(img, TV_OP_JA, v, 1); /* backwards, to pc 0 */
	v[0] = 100;
	tv_image_emit(img, TV_OP_JA, v, 1); /* past the end */
	pc = tv_image_emit(img, TV_OP_NOP, v, 0);
	img->insns[pc].c = 7; /* garbage in an unused slot */
	pc = tv_image_emit(img, TV_OP_NOP, v, 0);
	img->insns[pc].op = 250;
	tv_image_emit(img, TV_OP_LDW, v, 2);
	img->ninsns--; /* cut off */
	tv_image_add_probe(img, " leading blank", 3);
	tv_image_add_probe(img, "", 2); /* out of order, into the ldw */
	tv_image_add_probe(img, "has;semi", 1000);
	return img;
}

static void test_exotic_images(void **state)
{
	struct tv_image *img = exotic_image();
	struct tv_image *empty = tv_image_new();
	struct tv_err err;
	char *text;

	(void)state;
	assert_round_trip(img);
	img->probes[1].pc = 3; /* in order now: printed inline */
	img->probes[2].pc = img->ninsns;
	assert_round_trip(img);
	text = tv_asm_print_str(img, NULL);
	assert_non_null(strstr(text, ".probe \" leading blank\"\n.probe \"\"\n"));
	assert_non_null(strstr(text, ".word 0x"));
	free(text);
	assert_round_trip(empty);
	tv_image_free(empty);
	free(img->maps[1].name);
	img->maps[1].name = strdup("@odd"); /* a duplicate name cannot print */
	assert_null(tv_asm_print_str(img, &err));
	assert_string_equal(err.msg, "map '@odd' already declared"); /* the assembler's words */
	assert_int_equal(tv_asm_print(img, stdout, NULL), -EINVAL);
	tv_image_free(img);
}

/* ---- binary form ------------------------------------------------------------ */

static void test_binary_round_trip(void **state)
{
	char *text = every_opcode_text(), *buf = NULL;
	struct tv_image *img = parse_ok(text), *back;
	struct tv_err err = {0};
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	(void)state;
	assert_int_equal(tv_image_write(img, f), 0);
	assert_int_equal(fclose(f), 0);
	f = fmemopen(buf, size, "r");
	back = tv_image_read(f, &err);
	fclose(f);
	assert_non_null(back);
	assert_images_equal(img, back);
	tv_image_free(back);
	for (size_t cut = 0; cut < size; cut += 1 + cut / 64) {
		f = fmemopen(buf, cut ? cut : 1, "r");
		back = tv_image_read(f, &err);
		fclose(f);
		assert_null(back);
		assert_true(err.msg[0] != 0);
	}
	free(buf);
	tv_image_free(img);
	free(text);
}

/* ---- garbage never crashes ----------------------------------------------------- */

static void parse_any(const char *text)
{
	struct tv_err err;
	struct tv_image *img = tv_asm_parse(text, NULL, &err), *back;
	char *s;

	if (!img) {
		assert_true(err.line >= 1 && err.msg[0]);
		return;
	}
	s = tv_asm_print_str(img, NULL);
	assert_non_null(s); /* the assembler takes nothing the disassembler refuses */
	back = parse_ok(s);
	assert_images_equal(img, back);
	tv_image_free(back);
	free(s);
	tv_image_free(img);
}

static void test_garbage(void **state)
{
	char *text = every_opcode_text();
	size_t len = strlen(text);
	char *copy = malloc(len + 1);
	unsigned seed = 12345;

	(void)state;
	for (size_t cut = 0; cut <= len; cut += 3) {
		memcpy(copy, text, cut);
		copy[cut] = 0;
		parse_any(copy);
	}
	for (int round = 0; round < 1500; round++) {
		memcpy(copy, text, len + 1);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] = (char)(seed >> 20);
		}
		parse_any(copy);
	}
	parse_any("\"\\");
	parse_any(".const k str \"\\");
	parse_any(".const k str \"\\x");
	parse_any(".const k str \"\\777\"");
	parse_any("a:b:c:");
	parse_any(".map @ count key=1 ktype=\"");
	parse_any(",,,,,,");
	parse_any("add r1, r2, r3, r4, r5, r6, r7");
	free(copy);
	free(text);
}

/* ---- map names: the assembler and the disassembler take the same ones ---------- */

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"

/* '@' and n characters of NAME_CHARS, the first not a digit. */
static char *gen_name(unsigned *seed, size_t n)
{
	char *s = malloc(n + 2);

	s[0] = '@';
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		s[i + 1] = NAME_CHARS[(*seed >> 8) % (i ? sizeof(NAME_CHARS) - 1 : 53)];
	}
	s[n + 1] = 0;
	return s;
}

static char *repeat_name(char c, size_t n)
{
	char *s = gen_name(&(unsigned){0}, n);

	memset(s + 1, c, n);
	return s;
}

/* A .map line and an instruction naming it for each name, assembled,
 * then disassembled and assembled again: the same image. */
static void assert_names_round_trip(char **names, int n)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct tv_image *img;

	for (int i = 0; i < n; i++)
		fprintf(f, ".map %s count key=16\n", names[i]);
	fputs(".probe BEGIN\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "\tcountc %s\n", names[i]);
	fputs("\texit\n", f);
	fclose(f);
	img = parse_ok(text);
	for (int i = 0; i < n; i++)
		assert_string_equal(img->maps[i].name, names[i]);
	assert_round_trip(img);
	tv_image_free(img);
	free(text);
}

static void test_map_names_round_trip(void **state)
{
	const char *edges[] = {"@",   "@_",  "@__",	"@a",	  "@Z",
			       "@_9", "@a1", "@x0y1z2", "@A_b_C", "@" NAME_CHARS};
	char *names[64];
	unsigned seed = 7;
	int n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		names[n++] = strdup(edges[i]);
	names[n++] = repeat_name('a', TV_MAP_NAME_MAX - 1); /* the longest */
	names[n++] = repeat_name('_', 300);
	while (n < 64) {
		size_t len = 1 + (seed >> 4) % (n < 40 ? 12 : 200);

		names[n++] = gen_name(&seed, len);
	}
	assert_names_round_trip(names, n);
	for (int i = 0; i < n; i++)
		free(names[i]);
}

/* Names neither side takes: not '@', then an identifier, at most
 * TV_MAP_NAME_MAX bytes.  in_text: the assembler sees it as one word. */
static const struct {
	const char *name;
	bool in_text;
} bad_names[] = {
    {"calls", true},  {"@1", true},	{"@9lives", true}, {"@a-b", true},
    {"@a.b", true},   {"@a,b", true},	{"@a\"b", true},   {"@caf\xc3\xa9", true},
    {"@a\x01", true}, {"@a\x7f", true}, {"@a@b", true},	   {"@@", true},
    {"", false},      {"@a b", false},	{"@a;b", false},   {"@a#b", false},
    {"@a\tb", false},
};

/* Refused by the disassembler and (when it can be written) the assembler,
 * in the same words, which name the rule; the assembler at the name. */
static void assert_name_refused(const char *name, bool in_text)
{
	struct tv_image *img = tv_image_new();
	struct tv_mapdesc d = {.key_size = 8, .val_size = 8};
	struct tv_err dis = {0}, as = {0};
	char *text;

	tv_image_add_map(img, name, &d, NULL, NULL);
	if (tv_asm_print_str(img, &dis))
		fail_msg("the disassembler wrote map name '%s'", name);
	assert_non_null(strstr(dis.msg, "map name '"));
	assert_true(strstr(dis.msg, "an identifier") || strstr(dis.msg, "longer than the limit"));
	assert_int_equal(tv_image_validate(img, TV_VALIDATE_UNSAFE, &as),
			 -EINVAL); /* the validator's rule too */
	assert_string_equal(as.msg, dis.msg);
	tv_image_free(img);
	if (!in_text)
		return;
	if (asprintf(&text, ".map %s count key=8\n", name) < 0)
		fail();
	img = tv_asm_parse(text, NULL, &as);
	if (img)
		fail_msg("the assembler took map name '%s'", name);
	assert_int_equal(as.line, 1);
	assert_int_equal(as.col, *name ? 6 : 0);
	assert_string_equal(as.msg, dis.msg);
	free(text);
}

static void test_map_names_refused(void **state)
{
	char *longest = repeat_name('a', TV_MAP_NAME_MAX);

	(void)state;
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
		assert_name_refused(bad_names[i].name, bad_names[i].in_text);
	assert_name_refused(longest, true);
	free(longest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_opcode_round_trip),
	    cmocka_unit_test(test_encoding),
	    cmocka_unit_test(test_printed_form),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_exotic_images),
	    cmocka_unit_test(test_binary_round_trip),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_map_names_round_trip),
	    cmocka_unit_test(test_map_names_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
