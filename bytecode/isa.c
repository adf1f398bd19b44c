/* Opcode, builtin, record and map-kind tables, and operand packing. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bytecode.h"

static const struct {
	const char *name, *operands, *doc;
} ops[] = {
#define OP(n, o, d) {#n, o, d},
#include "opcodes.def"
#undef OP
};

static const char *const builtins[] = {
#define BUILTIN(n, d) #n,
#include "builtins.def"
#undef BUILTIN
};

static const char *const records[] = {
#define RECORD(n, d) #n,
#include "records.def"
#undef RECORD
};

static const char *const mapkinds[] = {
#define X(n) #n,
    TV_MAP_KINDS(X)
#undef X
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int lookup(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(names[i], name))
			return (int)i;
	return -ENOENT;
}

const char *tv_op_fault_helper(unsigned op)
{
	switch (op) {
#define OP(n, o, d)
#define READS(n, helper)                                                                           \
	case TV_OP_##n:                                                                            \
		return helper;
#include "opcodes.def"
#undef READS
#undef OP
	default: return NULL;
	}
}

const char *tv_op_checked_helper(unsigned op, int *level)
{
	switch (op) {
#define OP(n, o, d)
#define CHECKS(n, helper, lvl)                                                                     \
	case TV_OP_##n:                                                                            \
		*level = lvl;                                                                      \
		return helper;
#include "opcodes.def"
#undef CHECKS
#undef OP
	default: *level = 0; return NULL;
	}
}

bool tv_op_sends_records(unsigned op)
{
	switch (op) {
#define OP(n, o, d)
#define SENDS(n) case TV_OP_##n:
#include "opcodes.def"
#undef SENDS
#undef OP
		return true;
	default: return tv_op_may_fault(op);
	}
}

const char *tv_insn_unsafe(const struct tv_insn *in)
{
	switch (in->op) {
#define OP(n, o, d)
#define UNSAFE(n, what)                                                                            \
	case TV_OP_##n:                                                                            \
		return what;
#include "opcodes.def"
#undef UNSAFE
#undef OP
	case TV_OP_EMIT:
		switch (in->a) {
#define RECORD(n, d)
#define UNSAFE_RECORD(n, what)                                                                     \
	case TV_REC_##n:                                                                           \
		return what;
#include "records.def"
#undef UNSAFE_RECORD
#undef RECORD
		default: return NULL;
		}
	default: return NULL;
	}
}

const char *tv_op_name(unsigned op)
{
	return op < NELEM(ops) ? ops[op].name : NULL;
}
const char *tv_op_operands(unsigned op)
{
	return op < NELEM(ops) ? ops[op].operands : NULL;
}
const char *tv_op_doc(unsigned op)
{
	return op < NELEM(ops) ? ops[op].doc : NULL;
}

int tv_op_lookup(const char *name)
{
	for (size_t i = 0; i < NELEM(ops); i++)
		if (!strcasecmp(ops[i].name, name))
			return (int)i;
	return -ENOENT;
}

const char *tv_builtin_name(unsigned id)
{
	return id < NELEM(builtins) ? builtins[id] : NULL;
}
int tv_builtin_lookup(const char *name)
{
	return lookup(builtins, NELEM(builtins), name);
}
const char *tv_record_name(unsigned id)
{
	return id < NELEM(records) ? records[id] : NULL;
}
int tv_record_lookup(const char *name)
{
	return lookup(records, NELEM(records), name);
}
const char *tv_mapkind_name(unsigned k)
{
	return k < NELEM(mapkinds) ? mapkinds[k] : NULL;
}
int tv_mapkind_lookup(const char *name)
{
	return lookup(mapkinds, NELEM(mapkinds), name);
}

int tv_err_set(struct tv_err *e, int line, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Where an operand letter lives in the instruction word. */
enum slot { SLOT_BYTE, SLOT_HALF, SLOT_IMM, SLOT_WIDE };

static enum slot slot_of(char letter)
{
	switch (letter) {
	case 'o':
	case 'p':
	case 'l':
	case 'f': return SLOT_HALF;
	case 'i':
	case 'j': return SLOT_IMM;
	case 'w': return SLOT_WIDE;
	default: return SLOT_BYTE;
	}
}

int tv_insn_get(const struct tv_insn *in, __s64 v[TV_MAX_OPERANDS])
{
	const char *f = tv_op_operands(in->op);
	const __u8 *bytes[3] = {&in->a, &in->b, &in->c};
	int nb = 0, nh = 0, n = 0;

	if (!f)
		return -EINVAL;
	for (; *f; f++, n++) {
		switch (slot_of(*f)) {
		case SLOT_BYTE: v[n] = *bytes[nb++]; break;
		case SLOT_HALF: v[n] = ((__u32)in->imm >> (16 * nh++)) & 0xffff; break;
		case SLOT_IMM: v[n] = in->imm; break;
		case SLOT_WIDE: memcpy(&v[n], &in[1], 8); break;
		}
	}
	return n;
}

int tv_insn_put(struct tv_insn *out, unsigned op, const __s64 *v, int n)
{
	const char *f = tv_op_operands(op);
	__u8 *bytes[3];
	int nb = 0, nh = 0, i = 0;
	__u32 halves = 0;

	if (!f || (int)strlen(f) != n)
		return -EINVAL;
	memset(out, 0, sizeof(*out) * (tv_op_is_wide(op) ? 2 : 1));
	out->op = op;
	bytes[0] = &out->a, bytes[1] = &out->b, bytes[2] = &out->c;
	for (; f[i]; i++) {
		switch (slot_of(f[i])) {
		case SLOT_BYTE:
			if (v[i] < 0 || v[i] > 255)
				return -ERANGE;
			*bytes[nb++] = v[i];
			break;
		case SLOT_HALF:
			if (v[i] < 0 || v[i] > 0xffff)
				return -ERANGE;
			halves |= (__u32)v[i] << (16 * nh++);
			out->imm = (__s32)halves;
			break;
		case SLOT_IMM:
			if (v[i] < INT32_MIN || v[i] > INT32_MAX)
				return -ERANGE;
			out->imm = (__s32)v[i];
			break;
		case SLOT_WIDE: memcpy(&out[1], &v[i], 8); break;
		}
	}
	return tv_op_is_wide(op) ? 2 : 1;
}
