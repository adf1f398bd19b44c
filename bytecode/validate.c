/* The image validator: everything the interpreters rely on, checked once
 * before anything is loaded, with a message naming the instruction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode.h"

struct vctx {
	const struct tv_image *img;
	struct tv_err *err;
	__u8 *tail; /* 1 where a pc is the second word of a wide insn */
	__u32 pc;
	unsigned flags;
};

_Static_assert(TV_KEY_LARGE == 120, "MFOR's message says 120");

static int bad(struct vctx *c, const char *what, long long val)
{
	tv_err_set(c->err, 0, "insn %u (%s): %s %lld", c->pc, tv_op_name(c->img->insns[c->pc].op),
		   what, val);
	return -EINVAL;
}

static int check_z(__s64 z)
{
	int size = TV_Z_SIZE(z);

	return (z & ~(TV_Z_SIGNED | 0x0f)) == 0 &&
	       (size == 1 || size == 2 || size == 4 || size == 8);
}

static int check_operand(struct vctx *c, char letter, __s64 v)
{
	const struct tv_image *img = c->img;

	switch (letter) {
	case 'r': return v < TV_NREGS ? 0 : bad(c, "no such register r", v);
	case 'm': return v < img->nmaps ? 0 : bad(c, "no such map", v);
	case 'k': return v < img->nconsts ? 0 : bad(c, "no such constant", v);
	case 'b': return v < TV_BI__COUNT ? 0 : bad(c, "no such builtin", v);
	case 'e': return v < TV_REC__COUNT ? 0 : bad(c, "no such record kind", v);
	case 'z': return check_z(v) ? 0 : bad(c, "bad access size", v);
	case 'o':
	case 'p': return v < TV_SCRATCH ? 0 : bad(c, "scratch offset out of range:", v);
	default: return 0;
	}
}

static int check_jump(struct vctx *c, __s64 rel, int backward)
{
	__s64 target = (__s64)c->pc + 1 + (backward ? -rel : rel);

	if (rel < 0 || (backward && rel == 0))
		return bad(
		    c, backward ? "loop must jump back, offset" : "jumps go forward only, offset",
		    rel);
	if (target < 0 || target >= c->img->ninsns || c->tail[target])
		return bad(c, "jump target outside the program:", target);
	return 0;
}

static int check_range(struct vctx *c, __s64 off, __s64 len)
{
	if (off < 0 || len < 0 || off + len > TV_SCRATCH)
		return bad(c, "scratch range ends past the scratch area at", off + len);
	return 0;
}

static int check_kind(struct vctx *c, const struct tv_map *m, unsigned want)
{
	if (m->d.kind == want)
		return 0;
	tv_err_set(c->err, 0, "insn %u (%s): map %s is %s, not %s", c->pc,
		   tv_op_name(c->img->insns[c->pc].op), m->name, tv_mapkind_name(m->d.kind),
		   tv_mapkind_name(want));
	return -EINVAL;
}

/* The map kind an opcode's map must have (MAP_KIND and AGG rows), or -1. */
static int map_kind(unsigned op)
{
	switch (op) {
#define OP(n, o, d)
#define AGG(n, kind, d) MAP_KIND(n, kind)
#define MAP_KIND(n, kind)                                                                          \
	case TV_OP_##n:                                                                            \
		return TV_MAP_##kind;
#include "opcodes.def"
#undef MAP_KIND
#undef AGG
#undef OP
	default: return -1;
	}
}

/* Scratch bytes at an offset no operand gives the length of (FIXED_SPAN
 * rows), or -1. */
static __s64 fixed_span(unsigned op)
{
	switch (op) {
#define OP(n, o, d)
#define FIXED_SPAN(n, bytes)                                                                       \
	case TV_OP_##n:                                                                            \
		return bytes;
#include "opcodes.def"
#undef FIXED_SPAN
#undef OP
	default: return -1;
	}
}

/* The value of the first operand with letter l, or -1 when there is none. */
static __s64 operand_of(const char *f, const __s64 *v, char l)
{
	const char *at = strchr(f, l);

	return at ? v[at - f] : -1;
}

/* The length of the scratch range at offset operand i, read from the
 * other operands as opcodes.def's header says; -1 when none gives it. */
static __s64 span_of(const struct vctx *c, const struct tv_insn *in, const __s64 *v, int i,
		     const struct tv_map *m)
{
	const char *f = tv_op_operands(in->op);

	if (in->op == TV_OP_MFOR) /* $kv: the key, padded to 8 bytes, then the value */
		return tv_for_val_off(&m->d) + tv_for_val_size(&m->d);
	if (f[i] == 'o' && strchr(f, 'l'))
		return operand_of(f, v, 'l');
	if (strchr(f, 'n'))
		return operand_of(f, v, 'n');
	if (strchr(f, 'z'))
		return TV_Z_SIZE(operand_of(f, v, 'z'));
	if (strchr(f, 'k'))
		return c->img->consts[operand_of(f, v, 'k')].len;
	if (m)
		return f[i] == 'o' ? tv_key_span(&m->d) : m->d.val_size;
	return fixed_span(in->op);
}

/* Every scratch offset, with the span its opcode reads or writes there. */
static int check_spans(struct vctx *c, const struct tv_insn *in, const __s64 *v,
		       const struct tv_map *m)
{
	const char *f = tv_op_operands(in->op);
	int err;

	for (int i = 0; f[i]; i++) {
		__s64 len;

		if (f[i] != 'o' && f[i] != 'p')
			continue;
		len = span_of(c, in, v, i, m);
		if (len < 0)
			return bad(c, "no length known for the scratch offset, operand", i);
		if ((err = check_range(c, v[i], len)))
			return err;
	}
	return 0;
}

/* What some opcodes need beyond their operands' own ranges. */
static int check_special(struct vctx *c, const struct tv_insn *in, const __s64 *v,
			 const struct tv_map *m)
{
	const struct tv_image *img = c->img;

	switch (in->op) {
	case TV_OP_SCONST:
		return img->consts[v[0]].len > TV_CONST_MAX
			   ? bad(c, "constant too long for the kernel:", img->consts[v[0]].len)
			   : 0;
	case TV_OP_BUFK:
	case TV_OP_BUFU:
		return v[3] >= 8 && v[3] <= 8 + TV_STR_MAX ? 0 : bad(c, "buf length", v[3]);
	case TV_OP_MEMK:
	case TV_OP_MEMU:
		return v[2] >= 1 && v[2] <= TV_MEM_MAX ? 0 : bad(c, "memory read length", v[2]);
	case TV_OP_CTX: return v[2] >= 0 && v[2] < 0x10000 ? 0 : bad(c, "context offset", v[2]);
	case TV_OP_ARG: return v[1] < 6 ? 0 : bad(c, "argument index", v[1]);
	case TV_OP_COUNTB:
		return m->d.key_size == 8
			   ? 0
			   : bad(c, "fused count needs an 8-byte key, map key is", m->d.key_size);
	case TV_OP_COUNTC:
		return m->d.key_size == TV_COMM_LEN
			   ? 0
			   : bad(c, "fused comm count needs a 16-byte key, map key is",
				 m->d.key_size);
	case TV_OP_MFOR:
		if (m->d.key_size > TV_KEY_LARGE) /* a kernel walk's key slots are large-key */
			return bad(c, "a for loop walks keys of at most 120 bytes, map key is",
				   m->d.key_size);
		return tv_for_walks(&m->d)
			   ? 0
			   : bad(c,
				 "a for loop walks keyed int, bytes, count and sum maps, not kind",
				 m->d.kind);
	case TV_OP_FOREND: return v[0] <= 1 ? 0 : bad(c, "for end kind", v[0]);
	default: return 0;
	}
}

/* Map kinds, scratch extents and fused-key shapes each opcode needs. */
static int check_semantics(struct vctx *c, const struct tv_insn *in, const __s64 *v)
{
	const char *f = tv_op_operands(in->op);
	const struct tv_map *m = NULL;
	int kind = map_kind(in->op), err;

	for (int i = 0; f[i]; i++)
		if (f[i] == 'm')
			m = &c->img->maps[v[i]];
	if (m && kind >= 0 && (err = check_kind(c, m, kind)))
		return err;
	return check_special(c, in, v, m) ?: check_spans(c, in, v, m);
}

static int check_insn(struct vctx *c)
{
	const struct tv_insn *in = &c->img->insns[c->pc];
	const char *f = tv_op_operands(in->op);
	__s64 v[TV_MAX_OPERANDS];
	int n, err;

	if (!f) {
		tv_err_set(c->err, 0, "insn %u: unknown opcode %u", c->pc, in->op);
		return -EINVAL;
	}
	n = tv_insn_get(in, v);
	for (int i = 0; i < n; i++) {
		if ((err = check_operand(c, f[i], v[i])))
			return err;
		if (f[i] == 'j' && (err = check_jump(c, v[i], in->op == TV_OP_LOOP)))
			return err;
	}
	if (!(c->flags & TV_VALIDATE_UNSAFE) && tv_insn_unsafe(in)) {
		tv_err_set(c->err, 0, "insn %u (%s): %s is unsafe and needs --unsafe", c->pc,
			   tv_op_name(in->op), tv_insn_unsafe(in));
		return -EPERM;
	}
	return check_semantics(c, in, v);
}

/* Where an instruction's control can go next, besides pc + 1. */
static __s64 jump_target(const struct tv_insn *in, __u32 pc)
{
	switch (in->op) {
	case TV_OP_JA:
	case TV_OP_JZ:
	case TV_OP_JNZ: return (__s64)pc + 1 + in->imm;
	case TV_OP_LOOP: return (__s64)pc + 1 - in->imm;
	default: return -1;
	}
}

/* A for body runs on its own in the kernel (once per entry): it is
 * entered only through its MFOR, left only through its FOREND, holds no
 * EXIT and no other for loop, and no probe starts inside it. */
static int check_for_bodies(struct vctx *c)
{
	const struct tv_image *img = c->img;
	__u32 *body = calloc(img->ninsns + 1, sizeof(*body)); /* 1 + its MFOR's pc */
	int rc = 0;

	if (!body)
		return -ENOMEM;
	for (c->pc = 0; c->pc < img->ninsns && !rc; c->pc++) {
		const struct tv_insn *in = &img->insns[c->pc];
		__u32 len = (__u32)in->imm >> 16;

		if (c->tail[c->pc] || in->op != TV_OP_MFOR)
			continue;
		if (len < 1 || c->pc + len >= img->ninsns ||
		    img->insns[c->pc + len].op != TV_OP_FOREND)
			rc = bad(c, "a for body must end with forend, length", len);
		for (__u32 p = c->pc + 1; !rc && p <= c->pc + len; p++) {
			if (body[p] || (!c->tail[p] && (img->insns[p].op == TV_OP_MFOR ||
							img->insns[p].op == TV_OP_EXIT)))
				rc =
				    bad(c, "a for body holds no exit and no other for loop, at", p);
			body[p] = c->pc + 1;
		}
	}
	for (c->pc = 0; c->pc < img->ninsns && !rc; c->pc++) {
		const struct tv_insn *in = &img->insns[c->pc];
		__s64 t = c->tail[c->pc] ? -1 : jump_target(in, c->pc);

		if (!c->tail[c->pc] && in->op == TV_OP_FOREND && !body[c->pc])
			rc = bad(c, "forend outside a for body", 0);
		else if (t >= 0 && body[t] != body[c->pc])
			rc = bad(c, "jumps stay inside (or outside) a for body; target", t);
	}
	for (__u32 i = 0; i < img->nprobes && !rc; i++)
		if (img->probes[i].pc < img->ninsns && body[img->probes[i].pc])
			rc = tv_err_set(c->err, 0, "probe %s: entry pc %u is inside a for body",
					img->probes[i].attach, img->probes[i].pc);
	free(body);
	return rc;
}

/* The host prints a map's keys and values by its type strings: each must
 * be one, of no more bytes than the map holds. */
static int check_type(const char *name, const char *what, const char *type, __u32 room,
		      struct tv_err *err)
{
	__u32 size;

	if (!type || !*type)
		return 0;
	if (tv_valtype_size(type, &size))
		return tv_err_set(err, 0, "map %s: %s type \"%s\" is not a type string", name, what,
				  type);
	if (size > room)
		return tv_err_set(err, 0, "map %s: %s type \"%s\" is %u bytes, the map holds %u",
				  name, what, type, size, room);
	return 0;
}

static int check_maps(const struct tv_image *img, struct tv_err *err)
{
	for (__u32 i = 0; i < img->nmaps; i++) {
		const struct tv_mapdesc *d = &img->maps[i].d;
		const char *name = img->maps[i].name;
		__s64 span;

		if (tv_map_name_check(name, strlen(name), err))
			return -EINVAL;
		if (d->kind >= TV_MAP__COUNT)
			return tv_err_set(err, 0, "map %s: unknown kind %u", name, d->kind);
		if (tv_key_span(d) > TV_KEY_MAX)
			return tv_err_set(err, 0, "map %s: key of %u bytes is larger than %d", name,
					  tv_key_span(d), TV_KEY_MAX);
		if (d->val_size > TV_VAL_MAX)
			return tv_err_set(err, 0, "map %s: value of %u bytes is larger than %d",
					  name, d->val_size, TV_VAL_MAX);
		if (check_type(name, "key", img->maps[i].key_type, d->key_size, err) ||
		    check_type(name, "value", img->maps[i].val_type,
			       d->kind == TV_MAP_bytes ? d->val_size : 8, err))
			return -EINVAL;
		/* tv_lhist_bucket() computes lmax - lmin: it must fit an s64. */
		if (d->kind == TV_MAP_lhist &&
		    (d->lstep <= 0 || d->lmax <= d->lmin ||
		     __builtin_sub_overflow(d->lmax, d->lmin, &span) || span / d->lstep > 1000))
			return tv_err_set(
			    err, 0,
			    "map %s: lhist needs min < max, step > 0 and at most 1000 buckets",
			    name);
	}
	return 0;
}

static int check_probes(const struct vctx *c)
{
	for (__u32 i = 0; i < c->img->nprobes; i++) {
		const struct tv_probe *p = &c->img->probes[i];

		if (p->pc >= c->img->ninsns || c->tail[p->pc])
			return tv_err_set(c->err, 0, "probe %s: entry pc %u is not an instruction",
					  p->attach, p->pc);
		if (!p->attach[0])
			return tv_err_set(c->err, 0, "probe %u has no attach point", i);
	}
	return 0;
}

int tv_image_validate(const struct tv_image *img, unsigned flags, struct tv_err *err)
{
	struct vctx c = {img, err, NULL, 0, flags};
	int rc = 0;

	if (img->abi != TV_ABI_VERSION)
		return tv_err_set(err, 0, "image ABI %u, this build runs %d", img->abi,
				  TV_ABI_VERSION);
	if (img->ninsns > TV_MAX_INSNS || img->nprobes > TV_MAX_BLOCKS ||
	    img->nmaps > TV_MAX_MAPS || img->nconsts > TV_MAX_CONSTS)
		return tv_err_set(err, 0,
				  "image too large: %u insns (max %d), %u probes (max %d), %u maps "
				  "(max %d), %u constants (max %d)",
				  img->ninsns, TV_MAX_INSNS, img->nprobes, TV_MAX_BLOCKS,
				  img->nmaps, TV_MAX_MAPS, img->nconsts, TV_MAX_CONSTS);
	if ((rc = check_maps(img, err)))
		return rc;
	c.tail = calloc(img->ninsns + 1, 1);
	if (!c.tail)
		return -ENOMEM;
	for (__u32 pc = 0; pc < img->ninsns; pc++)
		if (tv_op_is_wide(img->insns[pc].op)) {
			if (pc + 1 >= img->ninsns) {
				rc = tv_err_set(err, 0, "insn %u (%s): wide instruction is cut off",
						pc, tv_op_name(img->insns[pc].op));
				goto out;
			}
			c.tail[++pc] = 1;
		}
	for (c.pc = 0; c.pc < img->ninsns && !rc; c.pc++)
		if (!c.tail[c.pc])
			rc = check_insn(&c);
	if (!rc && img->ninsns) {
		__u32 last = img->ninsns - 1 - c.tail[img->ninsns - 1];
		__u8 op = img->insns[last].op;
		if (op != TV_OP_EXIT && op != TV_OP_JA)
			rc =
			    tv_err_set(err, 0, "insn %u (%s): the program must end with exit or ja",
				       last, tv_op_name(op));
	}
	rc = rc ?: check_probes(&c);
	rc = rc ?: check_for_bodies(&c);
out:
	free(c.tail);
	return rc;
}
