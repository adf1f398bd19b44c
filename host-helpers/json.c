/* -f json: one JSON object a line, in bpftrace's types and shapes. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "host-helpers/internal.h"

void tvh_json_string(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Something printed as text, as a JSON string. */
void tvh_json_text_record(FILE *f, const char *type, const char *text, size_t n)
{
	fprintf(f, "{\"type\": \"%s\", \"data\": ", type);
	tvh_json_string(f, text, n);
	fputs("}\n", f);
}

/* A key as its text (fields joined by ","), as one JSON string. */
static void key_string(struct tv_out *o, FILE *f, const struct tv_map *m, const struct entry *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *ms = open_memstream(&buf, &len);

	if (!ms)
		return;
	tvh_print_list(o, ms, m->key_type, e->key, sizeof(e->key), ",", TVH_KEY);
	fclose(ms);
	tvh_json_string(f, buf, len);
	free(buf);
}

static void value(struct tv_out *o, FILE *f, const struct tv_map *m, const struct entry *e,
		  __u64 div)
{
	const struct tv_agg *a = &e->val.agg;
	__s64 avg = a->n ? a->v / (__s64)a->n / (__s64)div : 0;

	if (m->d.kind == TV_MAP_stats) {
		fprintf(f, "{\"count\": %" PRIu64 ", \"average\": %" PRId64 ", \"total\": %" PRId64 "}",
			(uint64_t)a->n, (int64_t)avg, (int64_t)(a->v / (__s64)div));
	} else if (m->d.kind == TV_MAP_avg) {
		fprintf(f, "%" PRId64, (int64_t)avg);
	} else if (m->d.kind == TV_MAP_bytes) {
		tvh_json_list(o, f, m->val_type, e->val.bytes, sizeof(e->val));
	} else if (m->d.kind == TV_MAP_int && m->val_type[0]) {
		tvh_json_list(o, f, m->val_type, (const unsigned char *)&a->v, sizeof(a->v));
	} else {
		fprintf(f, "%" PRId64, (int64_t)(a->v / (__s64)div));
	}
}

/* {"type": "map"|"stats", "data": {"@m": VALUE or {"key": VALUE, ...}}} */
void tvh_json_flat(struct tv_out *o, const struct tv_map *m, const struct entry *e, size_t from,
		   size_t n, __u64 div)
{
	bool stats = m->d.kind == TV_MAP_avg || m->d.kind == TV_MAP_stats;

	fprintf(o->f, "{\"type\": \"%s\", \"data\": {", stats ? "stats" : "map");
	tvh_json_string(o->f, m->name, strlen(m->name));
	fputs(": ", o->f);
	if (!m->d.key_size) {
		if (n)
			value(o, o->f, m, &e[n - 1], div);
		else
			fputs("null", o->f);
	} else {
		fputc('{', o->f);
		for (size_t i = from; i < n; i++) {
			fputs(i > from ? ", " : "", o->f);
			key_string(o, o->f, m, &e[i]);
			fputs(": ", o->f);
			value(o, o->f, m, &e[i], div);
		}
		fputc('}', o->f);
	}
	fputs("}}\n", o->f);
}

/* One bucket of a hist or lhist as {"min": A, "max": B, "count": N}. */
void tvh_json_bucket(FILE *f, const struct tv_map *m, __u64 b, __u64 count, bool first)
{
	__s64 lo, hi;

	if (m->d.kind == TV_MAP_hist) {
		lo = b <= 1 ? (b ? 0 : INT64_MIN) : (__s64)1 << (b - 2);
		hi = b == 0 ? -1 : b <= 2 ? lo : b - 1 >= 63 ? INT64_MAX : ((__s64)1 << (b - 1)) - 1;
	} else {
		__u64 nb = (__u64)(m->d.lmax - m->d.lmin) / (__u64)m->d.lstep;

		lo = b == 0 ? INT64_MIN : m->d.lmin + (__s64)(b - 1) * m->d.lstep;
		hi = b == 0 ? m->d.lmin - 1 : b > nb ? INT64_MAX : m->d.lmin + (__s64)b * m->d.lstep - 1;
	}
	fputs(first ? "" : ", ", f);
	fputc('{', f);
	if (lo != INT64_MIN)
		fprintf(f, "\"min\": %" PRId64 ", ", (int64_t)lo);
	if (hi != INT64_MAX)
		fprintf(f, "\"max\": %" PRId64 ", ", (int64_t)hi);
	fprintf(f, "\"count\": %" PRIu64 "}", (uint64_t)count);
}

void tvh_json_key(struct tv_out *o, FILE *f, const struct tv_map *m, const struct entry *e)
{
	key_string(o, f, m, e);
}
