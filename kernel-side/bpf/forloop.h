/* for ($kv : @m) in the kernel.  The body runs inline in the step loop:
 * MFOR and FOREND 0 move a cursor over entries copied from the map in
 * chunks (bpf_for_each_map_elem copies up to TV_FOR_CHUNK entries past the
 * ones already visited), load the next one into $kv and jump to the body,
 * or past the loop when the map has no more.  Each entry stops the step
 * loop so tv_run's round loop gives its body a budget of its own; the
 * interpreter is verified once, not once per walk.  An entry the body adds
 * or deletes may shift the chunks (as in bpftrace, changing the map being
 * walked is unspecified).  The validator keeps bodies closed: entered by
 * their MFOR, left by their FOREND, no EXIT, no nesting. */
#ifndef TV_BPF_FORLOOP_H
#define TV_BPF_FORLOOP_H

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

/* bpf_for_each_map_elem takes its callback's argument on the stack only */
struct for_fill_arg {
	struct tv_state *st;
};

static long for_fill_one(void *map, const void *key, void *val, void *arg)
{
	struct tv_state *st = ((struct for_fill_arg *)arg)->st;
	struct tv_for_entry *e;

	(void)map;
	if (*(const __u32 *)key != st->for_id)
		return 0; /* another map's or another session's entry */
	if (st->for_skip) {
		st->for_skip--;
		return 0;
	}
	e = &st->for_buf[st->for_n & (TV_FOR_CHUNK - 1)];
	bpf_probe_read_kernel(e->key,
			      st->for_big ? sizeof(struct tv_key_l) : sizeof(struct tv_key_s), key);
	if (!st->for_agg)
		bpf_probe_read_kernel(e->val, sizeof(e->val), val);
	return ++st->for_n == TV_FOR_CHUNK;
}

/* A visited entry of the last chunk the body has not deleted. */
static long for_live_one(__u64 i, void *arg)
{
	struct tv_state *st = ((struct for_fill_arg *)arg)->st;
	struct tv_for_entry *e = &st->for_buf[i & (TV_FOR_CHUNK - 1)];
	void *v;

	if (st->for_agg)
		v = st->for_big ? bpf_map_lookup_elem(&agg_l, e->key)
				: bpf_map_lookup_elem(&agg_s, e->key);
	else
		v = st->for_big ? bpf_map_lookup_elem(&val_l, e->key)
				: bpf_map_lookup_elem(&val_s, e->key);
	st->for_live += v != NULL;
	return 0;
}

/* The next chunk: the entries after the visited ones still in the map
 * (a body that deletes its own entry, the usual change, shifts nothing). */
static __always_inline void for_fill(struct tv_state *st)
{
	struct for_fill_arg a = {st};

	bpf_loop(st->for_n, for_live_one, &a, 0);
	st->for_skip = st->for_live;
	st->for_n = 0;
	st->for_pos = 0;
	if (st->for_agg && st->for_big)
		bpf_for_each_map_elem(&agg_l, for_fill_one, &a, 0);
	else if (st->for_agg)
		bpf_for_each_map_elem(&agg_s, for_fill_one, &a, 0);
	else if (st->for_big)
		bpf_for_each_map_elem(&val_l, for_fill_one, &a, 0);
	else
		bpf_for_each_map_elem(&val_s, for_fill_one, &a, 0);
	st->for_more = st->for_n == TV_FOR_CHUNK;
}

/* $kv = the cursor's entry; the body runs with a budget of its own. */
static __always_inline int for_load(struct tv_state *st)
{
	struct tv_for_entry *e = &st->for_buf[st->for_pos & (TV_FOR_CHUNK - 1)];
	__u8 *kv = S(st, st->for_off);

	bpf_probe_read_kernel(kv, clamp_len(st->for_voff + st->for_vsize, TV_SCRATCH), zeros);
	bpf_probe_read_kernel(kv, clamp_len(st->for_ksize, TV_KEY_LARGE), e->key + 8);
	if (st->for_agg) {
		struct for_sum c = {.key = e->key, .big = st->for_big};

		bpf_loop(4096, for_sum_cpu, &c, 0);
		__builtin_memcpy(S(st, st->for_off + st->for_voff), &c.v, 8);
	} else {
		bpf_probe_read_kernel(S(st, st->for_off + st->for_voff),
				      clamp_len(st->for_vsize, TV_VAL_MAX), e->val);
	}
	st->for_pos++;
	st->pc = st->for_body;
	st->again = 1;
	return STOP;
}

/* MFOR and FOREND 0 end here, once after the switch. */
static __always_inline int for_next(struct tv_state *st)
{
	if (st->for_pos == st->for_n && st->for_more)
		for_fill(st);
	if (st->for_pos < st->for_n)
		return for_load(st);
	st->pc = st->for_after;
	st->again = 1; /* what follows the loop has a budget of its own */
	return STOP;
}

HANDLER(MFOR)
{
	struct tv_mapdesc *d = mapdesc(st, in->a);

	if (!d || !tv_for_walks(d) || ++st->for_runs > TV_FOR_RUNS)
		return STOP;
	st->for_id = st->sess << 16 | (in->a & (TV_MAX_MAPS - 1));
	st->for_off = LO(in);
	st->for_body = st->pc + 1;
	st->for_after = st->pc + HI(in) + 1;
	st->for_ksize = d->key_size;
	st->for_voff = tv_for_val_off(d);
	st->for_vsize = tv_for_val_size(d);
	st->for_agg = is_agg(d);
	st->for_big = d->key_size > TV_KEY_SMALL;
	st->for_live = 0;
	st->for_pos = 0;
	st->for_n = 0;
	st->for_more = 1;
	return FOR_NEXT;
}

HANDLER(FOREND)
{
	if (in->a == 1) { /* break */
		st->pc = st->for_after;
		st->again = 1;
		return STOP;
	}
	return FOR_NEXT;
}

#endif
