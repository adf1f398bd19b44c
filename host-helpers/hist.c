/* hist() and lhist() art, as bpftrace draws it. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "host-helpers/internal.h"

#define BAR_WIDTH 52

struct group {
	size_t first, count; /* entries of one key, sorted by bucket */
	__u64 total;
};

static __u64 bucket_of(const struct tv_map *m, const struct entry *e)
{
	__u64 b;

	memcpy(&b, e->key + m->d.key_size, 8);
	return b;
}

static int by_key_bucket(const void *a, const void *b, void *ksize)
{
	/* key bytes first, then the bucket in numeric order */
	size_t ks = *(size_t *)ksize;
	const struct entry *x = a, *y = b;
	int c = memcmp(x->key, y->key, ks);
	__u64 bx, by;

	if (c)
		return c;
	memcpy(&bx, x->key + ks, 8);
	memcpy(&by, y->key + ks, 8);
	return bx < by ? -1 : bx > by;
}

static int by_total(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->total < y->total ? -1 : x->total > y->total;
}

/* 1024 -> "1K", 1048576 -> "1M", others as they are. */
static void size_label(char *buf, size_t n, __u64 v)
{
	static const char suffix[] = "KMGTPE";
	int i = -1;

	while (v >= 1024 && v % 1024 == 0 && i < 5) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, n, "%" PRIu64, (uint64_t)v);
	else
		snprintf(buf, n, "%" PRIu64 "%c", (uint64_t)v, suffix[i]);
}

static void hist_label(char *buf, size_t n, __u64 b)
{
	char lo[24], hi[24];

	if (b == 0) {
		snprintf(buf, n, "(..., 0)");
	} else if (b == 1) {
		snprintf(buf, n, "[0]");
	} else if (b == 2) {
		snprintf(buf, n, "[1]");
	} else {
		size_label(lo, sizeof(lo), 1ULL << (b - 2));
		size_label(hi, sizeof(hi), b - 1 >= 64 ? 0 : 1ULL << (b - 1));
		snprintf(buf, n, "[%s, %s)", lo, b - 1 >= 64 ? "..." : hi);
	}
}

static void lhist_label(char *buf, size_t n, const struct tv_mapdesc *d, __u64 b)
{
	__u64 nb = (__u64)(d->lmax - d->lmin) / (__u64)d->lstep;

	if (b == 0)
		snprintf(buf, n, "(..., %" PRId64 ")", (int64_t)d->lmin);
	else if (b > nb)
		snprintf(buf, n, "[%" PRId64 ", ...)", (int64_t)d->lmax);
	else
		snprintf(buf, n, "[%" PRId64 ", %" PRId64 ")",
			 (int64_t)(d->lmin + (__s64)(b - 1) * d->lstep),
			 (int64_t)(d->lmin + (__s64)b * d->lstep));
}

static void print_bar_line(FILE *f, const char *label, __u64 v, __u64 max)
{
	int bar = max ? (int)(v * BAR_WIDTH / max) : 0;

	fprintf(f, "%-16s%8" PRIu64 " |", label, (uint64_t)v);
	for (int i = 0; i < BAR_WIDTH; i++)
		fputc(i < bar ? '@' : ' ', f);
	fputs("|\n", f);
}

static void print_group(struct tv_out *o, const struct tv_map *m, const struct entry *e,
			const struct group *g, __u64 div)
{
	size_t first = g->first, end = g->first + g->count, j;
	__u64 lo, hi, max = 0;
	char label[128];

	/* buckets from the first to the last counted (after zero(): none) */
	while (first < end && !(e[first].val.agg.v / div))
		first++;
	while (end > first && !(e[end - 1].val.agg.v / div))
		end--;
	for (size_t i = first; i < end; i++)
		if (e[i].val.agg.v / div > max)
			max = e[i].val.agg.v / div;
	fputs(m->name, o->f);
	if (m->d.key_size) {
		fputc('[', o->f);
		tvh_print_list(o, o->f, m->key_type, e[g->first].key, sizeof(e->key), ", ",
			       TVH_KEY);
		fputc(']', o->f);
	}
	fputs(": \n", o->f);
	lo = first < end ? bucket_of(m, &e[first]) : 1;
	hi = first < end ? bucket_of(m, &e[end - 1]) : 0;
	j = first;
	for (__u64 b = lo; b <= hi; b++) {
		__u64 v = 0;

		if (j < end && bucket_of(m, &e[j]) == b)
			v = e[j++].val.agg.v / div;
		if (m->d.kind == TV_MAP_hist)
			hist_label(label, sizeof(label), b);
		else
			lhist_label(label, sizeof(label), &m->d, b);
		print_bar_line(o->f, label, v, max);
	}
	fputc('\n', o->f);
}

/* -f json: {"type": "hist", "data": {"@h": [buckets]}} or, with keys,
 * {"@h": {"key": [buckets], ...}}; buckets from the first to the last
 * counted (after zero(): none, "[]"). */
static void json_group(struct tv_out *o, const struct tv_map *m, const struct entry *e,
		       const struct group *g, __u64 div)
{
	size_t first = g->first, end = g->first + g->count, j;
	__u64 lo, hi;

	while (first < end && !(e[first].val.agg.v / div))
		first++;
	while (end > first && !(e[end - 1].val.agg.v / div))
		end--;
	lo = first < end ? bucket_of(m, &e[first]) : 1;
	hi = first < end ? bucket_of(m, &e[end - 1]) : 0;
	j = first;
	if (m->d.key_size) {
		tvh_json_key(o, o->f, m, &e[g->first]);
		fputs(": ", o->f);
	}
	fputc('[', o->f);
	for (__u64 b = lo; b <= hi; b++) {
		__u64 v = 0;

		if (j < end && bucket_of(m, &e[j]) == b)
			v = e[j++].val.agg.v / div;
		tvh_json_bucket(o->f, m, b, v, b == lo);
	}
	fputc(']', o->f);
}

static void json_hists(struct tv_out *o, const struct tv_map *m, const struct entry *e,
		       const struct group *g, size_t from, size_t ng, __u64 div)
{
	fputs("{\"type\": \"hist\", \"data\": {", o->f);
	tvh_json_string(o->f, m->name, strlen(m->name));
	fputs(m->d.key_size ? ": {" : ": ", o->f);
	for (size_t i = from; i < ng; i++) {
		fputs(i > from ? ", " : "", o->f);
		json_group(o, m, e, &g[i], div);
	}
	if (!m->d.key_size && from >= ng)
		fputs("[]", o->f);
	fputs(m->d.key_size ? "}}}\n" : "}}\n", o->f);
}

int tvh_print_hists(struct tv_out *o, const struct tv_map *m, struct entry *e, size_t n, __u32 top,
		    __u64 div)
{
	size_t ks = m->d.key_size, ng = 0, from;
	struct group *g = calloc(n + 1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	qsort_r(e, n, sizeof(*e), by_key_bucket, &ks);
	for (size_t i = 0; i < n; i++) {
		if (!i || memcmp(e[i].key, e[i - 1].key, ks))
			g[ng++] = (struct group){.first = i};
		g[ng - 1].count++;
		g[ng - 1].total += e[i].val.agg.v;
	}
	qsort(g, ng, sizeof(*g), by_total);
	from = top && top < ng ? ng - top : 0;
	if (o->json)
		json_hists(o, m, e, g, from, ng, div);
	else
		for (size_t i = from; i < ng; i++)
			print_group(o, m, e, &g[i], div);
	free(g);
	return 0;
}
