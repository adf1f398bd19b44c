/* Map keys holding kstack(N) or ustack(N) name a stack by the id of its
 * whole walk, but print N frames.  bpftrace's stack map is N frames deep,
 * so walks that agree on those N frames are one key there: entries are
 * merged here the same way before they are printed. */
#include <stdlib.h>
#include <string.h>

#include "host-helpers/internal.h"

#define MAX_FIELDS 8

struct canon {
	__u64 hash, v; /* v: the first key value seen with these frames */
	int n;	       /* frames, or -1: a free slot */
	__u64 *ips;
};

struct table {
	struct canon *slot;
	size_t mask;
};

/* The key offsets of the stack fields, and whether each is a kernel one. */
static int stack_fields(const char *type, size_t *off, bool *kernel)
{
	size_t at = 0;
	int n = 0;

	while (*type && n < MAX_FIELDS) {
		char kind;
		size_t size;

		type = tvh_next_field(type, &kind, &size);
		if (kind == 'k' || kind == 'U') {
			off[n] = at;
			kernel[n++] = kind == 'k';
		}
		at += size;
	}
	return n;
}

static __u64 frames_hash(__u64 v, const __u64 *ips, int n)
{
	__u64 h = 1469598103934665603ull ^ (v & ~0xffffull);

	for (int i = 0; i < n; i++)
		h = (h ^ ips[i]) * 1099511628211ull;
	return h;
}

/* The key value that stands for stack v (id, mode, pid) cut to its depth. */
static __u64 canonical(struct tv_out *o, struct table *t, __u64 v, bool kernel)
{
	__u64 ips[TV_STACK_DEPTH], h;
	int depth = tv_stack_mode(v) & TV_STACK_DEPTH, id = tv_stack_id(v), n;
	size_t i;

	if (!depth || id < 0)
		return v;
	n = o->read_stack(o->stack_arg, (__u64)id, kernel, ips, depth);
	h = frames_hash(v, ips, n);
	for (i = h & t->mask; t->slot[i].n >= 0; i = (i + 1) & t->mask) {
		const struct canon *c = &t->slot[i];

		if (c->hash == h && c->n == n && (c->v & ~0xffffull) == (v & ~0xffffull) &&
		    !memcmp(c->ips, ips, n * sizeof(*ips)))
			return c->v;
	}
	t->slot[i] = (struct canon){h, v, n, malloc((n + 1) * sizeof(*ips))};
	if (!t->slot[i].ips) {
		t->slot[i].n = -1;
		return v; /* out of memory: this one stays apart */
	}
	memcpy(t->slot[i].ips, ips, n * sizeof(*ips));
	return v;
}

static int by_key_span(const void *a, const void *b, void *span)
{
	return memcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key,
		      *(size_t *)span);
}

/* Entries with equal keys become one: aggregations merged, a plain value
 * kept from the first. */
static size_t merge_equal(const struct tv_map *m, struct entry *e, size_t n)
{
	size_t span = tv_key_span(&m->d), out = 0;

	qsort_r(e, n, sizeof(*e), by_key_span, &span);
	for (size_t i = 0; i < n; i++) {
		if (out && !memcmp(e[out - 1].key, e[i].key, span)) {
			if (m->d.kind >= TV_MAP_count)
				tv_agg_merge(m->d.kind, &e[out - 1].val.agg, &e[i].val.agg);
			continue;
		}
		if (out != i)
			e[out] = e[i];
		out++;
	}
	return out;
}

size_t tvh_merge_stack_keys(struct tv_out *o, const struct tv_map *m, struct entry *e, size_t n)
{
	size_t off[MAX_FIELDS], cap = 16;
	bool kernel[MAX_FIELDS], changed = false;
	int nf = stack_fields(m->key_type, off, kernel);
	struct table t;

	if (!nf || !o->read_stack || n < 2)
		return n;
	while (cap < 2 * n * nf)
		cap *= 2;
	t = (struct table){calloc(cap, sizeof(*t.slot)), cap - 1};
	if (!t.slot)
		return n; /* unmerged, but every entry still printed */
	for (size_t i = 0; i < cap; i++)
		t.slot[i].n = -1;
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < nf; f++) {
			__u64 v, c;

			memcpy(&v, e[i].key + off[f], sizeof(v));
			c = canonical(o, &t, v, kernel[f]);
			if (c != v) {
				memcpy(e[i].key + off[f], &c, sizeof(c));
				changed = true;
			}
		}
	for (size_t i = 0; i < cap; i++)
		free(t.slot[i].ips);
	free(t.slot);
	return changed ? merge_equal(m, e, n) : n;
}
