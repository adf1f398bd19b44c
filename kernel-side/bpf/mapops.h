/* Map opcodes.  A data-map key is {session << 16 | map, payload}; payloads
 * of up to TV_KEY_SMALL bytes go to the small-key maps, built with three
 * masked word copies and no helper call; up to TV_KEY_LARGE to the large,
 * then to the extra-large ones. */
#ifndef TV_BPF_MAPOPS_H
#define TV_BPF_MAPOPS_H

static __always_inline struct tv_mapdesc *mapdesc(struct tv_state *st, __u32 m)
{
	__u32 idx = st->sess * TV_MAX_MAPS + (m & (TV_MAX_MAPS - 1));

	return bpf_map_lookup_elem(&mapdescs, &idx);
}

static __always_inline __u64 masked_word(const __u8 *p, __s32 keep)
{
	__u64 w = *(const __u64 *)p;

	if (keep >= 8)
		return w;
	if (keep <= 0)
		return 0;
	return w & ((1ULL << (keep * 8)) - 1);
}

/* The key families, smallest first: which maps a key of span bytes uses. */
enum { FAM_S, FAM_L, FAM_X };

static __always_inline int key_family(__u32 span)
{
	return span <= TV_KEY_SMALL ? FAM_S : span <= TV_KEY_LARGE ? FAM_L : FAM_X;
}

/* Build the key for map m from span payload bytes at S[off]; *fam says
 * which map family it belongs to. */
static __always_inline void *make_key(struct tv_state *st, __u32 m, __u32 off, __u32 span, int *fam)
{
	__u32 id = st->sess << 16 | m;
	const __u8 *p = S(st, off);

	*fam = key_family(span);
	if (*fam == FAM_S) {
		st->ks.id = id;
		st->ks.pad = 0;
		*(__u64 *)&st->ks.k[0] = masked_word(p, span);
		*(__u64 *)&st->ks.k[8] = masked_word(p + 8, (__s32)span - 8);
		*(__u64 *)&st->ks.k[16] = masked_word(p + 16, (__s32)span - 16);
		return &st->ks;
	}
	if (*fam == FAM_L) {
		st->kl.id = id;
		st->kl.pad = 0;
		__builtin_memset(st->kl.k, 0, TV_KEY_LARGE);
		bpf_probe_read_kernel(st->kl.k, clamp_len(span, TV_KEY_LARGE), p);
		return &st->kl;
	}
	/* zeroed by a helper: an inline memset of 504 bytes is 63 stores */
	st->kx.id = id;
	st->kx.pad = 0;
	bpf_probe_read_kernel(st->kx.k, TV_KEY_MAX, zeros);
	bpf_probe_read_kernel(st->kx.k, clamp_len(span, TV_KEY_MAX), p);
	return &st->kx;
}

static __always_inline void *val_map(int fam)
{
	return fam == FAM_X ? (void *)&val_x : fam == FAM_L ? (void *)&val_l : (void *)&val_s;
}

static __always_inline void *agg_map(int fam)
{
	return fam == FAM_X ? (void *)&agg_x : fam == FAM_L ? (void *)&agg_l : (void *)&agg_s;
}

static __always_inline void *val_lookup(int fam, void *key)
{
	return bpf_map_lookup_elem(val_map(fam), key);
}

static __always_inline int val_update(int fam, void *key, void *val)
{
	return bpf_map_update_elem(val_map(fam), key, val, BPF_ANY);
}

static __always_inline struct tv_agg *agg_slot(int fam, void *key)
{
	static const struct tv_agg zero;
	struct tv_agg *a = bpf_map_lookup_elem(agg_map(fam), key);

	if (a)
		return a;
	bpf_map_update_elem(agg_map(fam), key, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(agg_map(fam), key);
}

/* Keyed map opcodes only name their map and key here; tv_step builds the
 * key once after the switch (MAP_OP) and runs map_op(): one copy of the
 * key paths for the verifier instead of six. */
static __always_inline int defer_map(struct tv_state *st, __u32 m, __u32 off)
{
	st->agg_map = m;
	st->agg_off = off;
	return MAP_OP;
}

HANDLER(MLOAD)
{
	return defer_map(st, in->b, LO(in));
}
HANDLER(MSTORE)
{
	return defer_map(st, in->a, LO(in));
}
HANDLER(MLOADB)
{
	return defer_map(st, in->a, LO(in));
}
HANDLER(MSTOREB)
{
	return defer_map(st, in->a, LO(in));
}
HANDLER(MHAS)
{
	return defer_map(st, in->b, LO(in));
}
HANDLER(MDEL)
{
	return defer_map(st, in->a, LO(in));
}

static __always_inline int is_agg(const struct tv_mapdesc *d)
{
	return d->kind != TV_MAP_int && d->kind != TV_MAP_bytes;
}

/* A keyless aggregation's slot on every CPU: summed n (MHAS) or cleared (MDEL). */
struct percpu_ctx {
	__u32 idx;
	int clear;
	__u64 n;
};

static long percpu_step(__u64 cpu, void *arg)
{
	struct percpu_ctx *c = arg;
	struct tv_agg *a = bpf_map_lookup_percpu_elem(&agg_scalar, &c->idx, (__u32)cpu);

	if (!a)
		return 1; /* past the last CPU */
	c->n += a->n;
	if (c->clear)
		a->v = a->n = 0;
	return 0;
}

static __always_inline __u64 scalar_all_cpus(struct tv_state *st, __u32 m, int clear)
{
	struct percpu_ctx c = {.idx = st->sess * TV_MAX_MAPS + (m & (TV_MAX_MAPS - 1)),
			       .clear = clear};

	bpf_loop(4096, percpu_step, &c, 0);
	return c.n;
}

static __always_inline int map_op_bytes(struct tv_state *st, const struct tv_insn *in,
					struct tv_mapdesc *d, void *key, int fam)
{
	__u64 n = clamp_len(d->val_size, TV_VAL_MAX);
	void *v;

	if (in->op == TV_OP_MLOADB) {
		v = val_lookup(fam, key);
		if (!v)
			helper_error(st, in->op, 0);
		if (n)
			bpf_probe_read_kernel(S(st, HI(in)), n, v ? v : (void *)zeros);
		return NEXT;
	}
	if (n)
		bpf_probe_read_kernel(st->val.b, n, S(st, HI(in)));
	val_update(fam, key, &st->val);
	return NEXT;
}

static __always_inline int map_op(struct tv_state *st, const struct tv_insn *in)
{
	struct tv_mapdesc *d = mapdesc(st, st->agg_map);
	struct tv_agg *a;
	void *key, *v;
	int fam;

	if (!d)
		return STOP;
	if (tv_is_scalar_agg(d) && (in->op == TV_OP_MHAS || in->op == TV_OP_MDEL)) {
		__u64 n = scalar_all_cpus(st, st->agg_map, in->op == TV_OP_MDEL);

		if (in->op == TV_OP_MHAS)
			R(st, in->a) = n != 0;
		return NEXT; /* bpftrace's delete of an absent count() is told of nothing */
	}
	key = make_key(st, st->agg_map, st->agg_off, clamp_len(tv_key_span(d), TV_KEY_MAX), &fam);
	switch (in->op) {
	case TV_OP_MLOAD:
		a = val_lookup(fam, key);
		R(st, in->a) = a ? a->v : 0;
		if (!a)
			helper_error(st, in->op, 0);
		return NEXT;
	case TV_OP_MSTORE:
		a = (struct tv_agg *)st->val.b;
		a->v = R(st, in->b);
		a->n = 0;
		val_update(fam, key, &st->val);
		return NEXT;
	case TV_OP_MLOADB:
	case TV_OP_MSTOREB: return map_op_bytes(st, in, d, key, fam);
	case TV_OP_MHAS:
		v = bpf_map_lookup_elem(is_agg(d) ? agg_map(fam) : val_map(fam), key);
		R(st, in->a) = v != NULL;
		return NEXT;
	default: { /* MDEL */
		long rc = bpf_map_delete_elem(is_agg(d) ? agg_map(fam) : val_map(fam), key);

		if (rc)
			helper_error(st, in->op, rc);
		return NEXT;
	}
	}
}

/* Every aggregation: hist/lhist first append their bucket to the key. */
static __always_inline int aggregate(struct tv_state *st, __u32 m, __u32 off, __s64 x)
{
	struct tv_mapdesc *d = mapdesc(st, m);
	struct tv_agg *a;
	__u32 span;
	int fam;
	void *key;

	if (!d)
		return STOP;
	if (tv_is_scalar_agg(d)) {
		__u32 idx = st->sess * TV_MAX_MAPS + (m & (TV_MAX_MAPS - 1));

		a = bpf_map_lookup_elem(&agg_scalar, &idx);
		if (a)
			tv_agg_apply(d->kind, a, x);
		return NEXT;
	}
	span = clamp_len(d->key_size, TV_KEY_MAX);
	if (d->kind == TV_MAP_hist || d->kind == TV_MAP_lhist) {
		__u64 bucket = d->kind == TV_MAP_hist ? tv_hist_bucket(x) : tv_lhist_bucket(x, d);

		__builtin_memcpy(S(st, off + span), &bucket, 8);
		span += 8;
	}
	key = make_key(st, m, off, span, &fam);
	a = agg_slot(fam, key);
	if (a)
		tv_agg_apply(d->kind, a, x);
	return NEXT;
}

/* Aggregation handlers only record what to aggregate; tv_step runs the one
 * inlined copy of aggregate() after the switch (AGGREGATE), which keeps the
 * verifier from walking ten copies of the map paths. */
static __always_inline int defer_agg(struct tv_state *st, __u32 m, __u32 off, __u64 x)
{
	st->agg_map = m;
	st->agg_off = off;
	st->agg_x = x;
	return AGGREGATE;
}

HANDLER(COUNT)
{
	return defer_agg(st, in->a, LO(in), 0);
}

/* The AGG rows of opcodes.def. */
#define OP(n, f, d)
#define AGG(name, kind, doc)                                                                       \
	HANDLER(name)                                                                              \
	{                                                                                          \
		return defer_agg(st, in->a, LO(in), R(st, in->b));                                 \
	}
#include "bytecode/opcodes.def"
#undef AGG
#undef OP

/* Fused shapes: the key is built at scratch offset 0, no extra steps. */
HANDLER(COUNTB)
{
	return BUILTIN_VAL;
}

HANDLER(COUNTC)
{
	bpf_get_current_comm(S(st, 0), TV_COMM_LEN);
	return defer_agg(st, in->a, 0, 0);
}

#endif
