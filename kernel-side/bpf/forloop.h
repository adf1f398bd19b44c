/* for ($kv : @m) in the kernel.  MFOR only records the loop and stops the
 * step loop; tv_run then calls for_walk(), which walks the data map with
 * bpf_for_each_map_elem and runs the body (up to its FOREND) in a step
 * loop of its own for each entry of the map.  The validator keeps bodies
 * closed: entered by their MFOR, left by their FOREND, no EXIT, no nesting. */
#ifndef TV_BPF_FORLOOP_H
#define TV_BPF_FORLOOP_H

HANDLER(MFOR)
{
	st->for_map = in->a;
	st->for_off = LO(in);
	st->for_body = st->pc + 1;
	st->for_after = st->pc + HI(in) + 1;
	st->for_req = 1;
	return STOP;
}

HANDLER(FOREND)
{
	st->for_stop = in->a == 1 ? 2 : 1;
	return STOP;
}

/* A count or sum entry's value: its slot summed over every CPU. */
struct for_sum {
	void *key;
	__u32 big;
	__s64 v;
};

static long for_sum_cpu(__u64 cpu, void *arg)
{
	struct for_sum *c = arg;
	struct tv_agg *a = c->big ? bpf_map_lookup_percpu_elem(&agg_l, c->key, (__u32)cpu)
				  : bpf_map_lookup_percpu_elem(&agg_s, c->key, (__u32)cpu);

	if (!a)
		return 1; /* past the last CPU */
	c->v += a->v;
	return 0;
}

static __always_inline void for_value(struct tv_state *st, const void *key, const void *val)
{
	__u8 *dst = S(st, st->for_off + st->for_voff);

	if (st->for_agg) {
		struct for_sum c = {.key = st->for_big ? (void *)&st->kl : (void *)&st->ks,
				    .big = st->for_big};

		/* the walk's key pointer is not a helper key: copy it first */
		if (st->for_big)
			bpf_probe_read_kernel(&st->kl, sizeof(st->kl), key);
		else
			bpf_probe_read_kernel(&st->ks, sizeof(st->ks), key);
		bpf_loop(4096, for_sum_cpu, &c, 0);
		__builtin_memcpy(dst, &c.v, 8);
		return;
	}
	bpf_probe_read_kernel(dst, clamp_len(st->for_vsize, TV_VAL_MAX), val);
}

static long for_entry(void *map, const void *key, void *val, void *arg)
{
	struct loopctx *lc = arg;
	struct tv_state *st = lc->st;

	(void)map;
	if (*(const __u32 *)key != st->for_id)
		return 0; /* another map's or another session's entry */
	bpf_probe_read_kernel(S(st, st->for_off),
			      clamp_len(st->for_voff + st->for_vsize, TV_SCRATCH), zeros);
	bpf_probe_read_kernel(S(st, st->for_off), clamp_len(st->for_ksize, TV_KEY_MAX),
			      (const __u8 *)key + 8);
	for_value(st, key, val);
	st->pc = st->for_body;
	st->for_stop = 0;
	bpf_loop(TV_MAX_STEPS, tv_step, lc, 0);
	if (!st->for_stop && !st->for_abort)
		st->for_abort = 1; /* out of steps, or the block stopped */
	return st->for_stop != 1;
}

/* Walk the loop's map; 1 when the steps go on after the loop. */
static __always_inline int for_walk(struct loopctx *lc)
{
	struct tv_state *st = lc->st;
	struct tv_mapdesc *d = mapdesc(st, st->for_map);

	if (!d || !tv_for_walks(d))
		return 0;
	st->for_id = st->sess << 16 | (st->for_map & (TV_MAX_MAPS - 1));
	st->for_ksize = d->key_size;
	st->for_voff = tv_for_val_off(d);
	st->for_vsize = tv_for_val_size(d);
	st->for_agg = is_agg(d);
	st->for_big = d->key_size > TV_KEY_SMALL;
	st->for_abort = 0;
	st->in_for = 1;
	if (st->for_agg && st->for_big)
		bpf_for_each_map_elem(&agg_l, for_entry, lc, 0);
	else if (st->for_agg)
		bpf_for_each_map_elem(&agg_s, for_entry, lc, 0);
	else if (st->for_big)
		bpf_for_each_map_elem(&val_l, for_entry, lc, 0);
	else
		bpf_for_each_map_elem(&val_s, for_entry, lc, 0);
	st->in_for = 0;
	if (st->for_abort == 2) /* a fault: as outside a loop, the next block runs */
		return st->next && start_block(st, st->next - 1);
	if (st->for_abort)
		return 0;
	st->pc = st->for_after;
	return 1;
}

#endif
