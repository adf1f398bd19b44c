/* Map keys holding kstack(N) or ustack(N) name a stack by the id of its
 * whole walk, but print N frames.  bpftrace's stack map is N frames deep,
 * so walks that agree on those N frames are one key there: entries are
 * merged here the same way before they are printed. */
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "host-helpers/internal.h"

#define MAX_FIELDS 8

/* key: the stack value without its id (mode, pid), the frame count, the
 * frames; v: the first key value seen with them */
struct canon {
	UT_hash_handle hh;
	__u64 v;
	__u64 key[];
};

/* The key offsets of the stack fields, and whether each is a kernel one. */
static int stack_fields(const char *type, size_t *off, bool *kernel)
{
	struct tv_valiter it;
	struct tv_valtype v;
	__u32 size;
	int n = 0;

	if (tv_valtype_size(type, &size) || size > TV_KEY_MAX)
		return 0;
	tv_valiter_list(&it, type);
	while (n < MAX_FIELDS && tv_valiter_next(&it, &v) > 0)
		if (v.kind == TV_VAL_kstack || v.kind == TV_VAL_ustack) {
			off[n] = v.off;
			kernel[n++] = v.kind == TV_VAL_kstack;
		}
	return n;
}

/* The key value that stands for stack v (id, mode, pid) cut to its depth. */
static __u64 canonical(struct tv_out *o, struct canon **seen, __u64 v, bool kernel)
{
	__u64 key[2 + TV_STACK_DEPTH];
	int depth = tv_stack_mode(v) & TV_STACK_DEPTH, id = tv_stack_id(v), n;
	struct canon *c;
	size_t len;

	if (!depth || id < 0)
		return v;
	n = o->read_stack(o->stack_arg, (__u64)id, kernel, key + 2, depth);
	key[0] = v & ~0xffffull;
	key[1] = (__u64)n;
	len = (2 + (size_t)n) * sizeof(*key);
	HASH_FIND(hh, *seen, key, len, c);
	if (c)
		return c->v;
	if ((c = malloc(sizeof(*c) + len))) { /* out of memory: this one stays apart */
		c->v = v;
		memcpy(c->key, key, len);
		HASH_ADD(hh, *seen, key, len, c);
	}
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
	size_t off[MAX_FIELDS];
	bool kernel[MAX_FIELDS], changed = false;
	int nf = stack_fields(m->key_type, off, kernel);
	struct canon *seen = NULL, *c, *tmp;

	if (!nf || !o->read_stack || n < 2)
		return n;
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < nf; f++) {
			__u64 v, cv;

			memcpy(&v, e[i].key + off[f], sizeof(v));
			cv = canonical(o, &seen, v, kernel[f]);
			if (cv != v) {
				memcpy(e[i].key + off[f], &cv, sizeof(cv));
				changed = true;
			}
		}
	HASH_ITER(hh, seen, c, tmp)
	{
		HASH_DEL(seen, c);
		free(c);
	}
	return changed ? merge_equal(m, e, n) : n;
}
