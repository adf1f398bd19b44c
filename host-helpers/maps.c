/* Map printing as bpftrace prints maps: `@name[key]: value`, sorted, and
 * the hist/lhist art. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "host-helpers/internal.h"

struct collect {
	struct entry *e;
	size_t n, cap, key_size, val_size;
};

static int collect_one(const void *key, const void *val, void *arg)
{
	struct collect *c = arg;

	if (c->n == c->cap) {
		struct entry *e = realloc(c->e, (c->cap ? 2 * c->cap : 64) * sizeof(*e));

		if (!e)
			return -ENOMEM;
		c->e = e;
		c->cap = c->cap ? 2 * c->cap : 64;
	}
	memset(&c->e[c->n], 0, sizeof(c->e[c->n]));
	memcpy(c->e[c->n].key, key, c->key_size);
	memcpy(&c->e[c->n].val, val, c->val_size);
	c->n++;
	return 0;
}

/* How entries are ordered: by the key's fields, or by value first. */
struct order {
	size_t key_size;
	const char *key_type;
};

/* bpftrace sorts by a key's integer and string fields, the first field
 * first: integers as unsigned numbers, strings as strncmp does.  Other
 * fields (arrays, structs, symbols) leave the order as they find it;
 * here that is their bytes, so that it is the same from run to run. */
static int field_cmp(const struct tv_valtype *v, const unsigned char *a, const unsigned char *b)
{
	__u64 x = 0, y = 0;

	if (v->kind == TV_VAL_str)
		return strncmp((const char *)a, (const char *)b, v->size);
	if (v->kind != TV_VAL_int && v->kind != TV_VAL_uint)
		return 0;
	memcpy(&x, a, v->size);
	memcpy(&y, b, v->size);
	return x < y ? -1 : x > y;
}

static int by_key(const void *a, const void *b, void *order)
{
	const unsigned char *x = ((const struct entry *)a)->key,
			    *y = ((const struct entry *)b)->key;
	const struct order *ord = order;
	struct tv_valiter it;
	struct tv_valtype v;
	__u32 size;
	int c = 0;

	if (!tv_valtype_size(ord->key_type, &size) && size <= sizeof(((struct entry *)0)->key))
		for (tv_valiter_list(&it, ord->key_type); !c && tv_valiter_next(&it, &v) > 0;)
			c = field_cmp(&v, x + v.off, y + v.off);
	return c ?: memcmp(x, y, ord->key_size);
}

static int by_value(const void *a, const void *b, void *order)
{
	__s64 x = ((const struct entry *)a)->val.agg.v, y = ((const struct entry *)b)->val.agg.v;

	return x < y ? -1 : x > y ? 1 : by_key(a, b, order);
}

void tvh_print_probe(struct tv_out *o, FILE *f, __u64 idx, bool func_only)
{
	const char *name = idx < o->img->nprobes ? o->img->probes[idx].attach : "?";
	const char *colon = strrchr(name, ':');

	fputs(func_only && colon ? colon + 1 : name, f);
}

static void print_name(struct tv_out *o, FILE *f, const struct tv_map *m, const struct entry *e)
{
	fputs(m->name, f);
	if (m->d.key_size) {
		fputc('[', f);
		tvh_print_list(o, f, m->key_type, e->key, sizeof(e->key), ", ", TVH_KEY);
		fputc(']', f);
	}
}

static void print_value(struct tv_out *o, FILE *f, const struct tv_map *m, const struct entry *e,
			__u64 div)
{
	const struct tv_agg *a = &e->val.agg;

	switch (m->d.kind) {
	case TV_MAP_bytes:
		tvh_print_list(o, f, m->val_type, e->val.bytes, sizeof(e->val), ", ", TVH_VALUE);
		break;
	case TV_MAP_int:
		/* integers that name something (probe, func, ksym, stack) */
		if (m->val_type[0] == 'k' || m->val_type[0] == 'U') { /* indented as values are */
			tvh_print_stack(o, f, (__u64)a->v, m->val_type[0] == 'k', 8);
			break;
		}
		if (m->val_type[0]) {
			tvh_print_list(o, f, m->val_type, (const unsigned char *)&a->v,
				       sizeof(a->v), ", ", TVH_VALUE);
			break;
		}
		fprintf(f, "%" PRId64, (int64_t)(a->v / (__s64)div));
		break;
	case TV_MAP_avg:
		fprintf(f, "%" PRId64, (int64_t)(a->n ? a->v / (__s64)a->n / (__s64)div : 0));
		break;
	case TV_MAP_stats:
		fprintf(f, "count %" PRIu64 ", average %" PRId64 ", total %" PRId64, (uint64_t)a->n,
			a->n ? (int64_t)(a->v / (__s64)a->n / (__s64)div) : 0,
			(int64_t)(a->v / (__s64)div));
		break;
	default: fprintf(f, "%" PRId64, (int64_t)(a->v / (__s64)div));
	}
}

static int print_flat(struct tv_out *o, const struct tv_map *m, struct collect *c, __u32 top,
		      __u64 div)
{
	size_t from = top && top < c->n ? c->n - top : 0;

	struct order ord = {m->d.key_size, m->key_type};

	qsort_r(c->e, c->n, sizeof(*c->e), m->d.kind == TV_MAP_bytes ? by_key : by_value, &ord);
	if (o->json) {
		tvh_json_flat(o, m, c->e, from, c->n, div);
		return 0;
	}
	for (size_t i = from; i < c->n; i++) {
		print_name(o, o->f, m, &c->e[i]);
		fputs(": ", o->f);
		print_value(o, o->f, m, &c->e[i], div);
		fputc('\n', o->f);
	}
	return 0;
}

/* A map without entries, as bpftrace prints one: an unkeyed count() is
 * there with 0 (its array always holds it), any other is a blank line
 * (in JSON, nothing). */
static void print_empty(struct tv_out *o, const struct tv_map *m)
{
	bool zero = !m->d.key_size && m->d.kind == TV_MAP_count;

	if (o->json && zero)
		fprintf(o->f, "{\"type\": \"map\", \"data\": {\"%s\": 0}}\n", m->name);
	else if (zero)
		fprintf(o->f, "%s: 0\n", m->name);
	else if (!o->json)
		fputc('\n', o->f);
}

int tv_out_print_map(struct tv_out *o, __u32 map, __u32 top, __u64 div)
{
	const struct tv_map *m = &o->img->maps[map];
	struct collect c = {.key_size = tv_key_span(&m->d),
			    .val_size = tv_store_val_size(o->store, map)};
	int rc = o->store->ops->each(o->store, map, collect_one, &c);

	if (!div)
		div = 1;
	if (!rc)
		c.n = tvh_merge_stack_keys(o, m, c.e, c.n);
	if (!rc && !c.n)
		print_empty(o, m);
	else if (!rc && (m->d.kind == TV_MAP_hist || m->d.kind == TV_MAP_lhist))
		rc = tvh_print_hists(o, m, c.e, c.n, top, div); /* a blank line after each */
	else if (!rc)
		rc = print_flat(o, m, &c, top, div);
	if (!rc && !o->json && (m->d.kind == TV_MAP_avg || m->d.kind == TV_MAP_stats))
		fputc('\n', o->f);
	free(c.e);
	return rc;
}

static int by_name(const void *a, const void *b, void *img)
{
	const struct tv_image *i = img;

	return strcmp(i->maps[*(const __u32 *)a].name, i->maps[*(const __u32 *)b].name);
}

int tv_out_print_all(struct tv_out *o)
{
	/* bpftrace ends every run with two newlines, maps or not */
	fputs("\n\n", o->f);
	return tv_out_print_maps(o);
}

int tv_out_print_maps(struct tv_out *o)
{
	__u32 order[TV_MAX_MAPS];
	int rc = 0;

	for (__u32 i = 0; i < o->img->nmaps; i++)
		order[i] = i;
	qsort_r(order, o->img->nmaps, sizeof(order[0]), by_name, (void *)o->img);
	for (__u32 i = 0; i < o->img->nmaps && !rc; i++)
		rc = tv_out_print_map(o, order[i], 0, 1);
	return rc;
}
