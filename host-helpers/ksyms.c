/* Kernel symbols from /proc/kallsyms, loaded on first use and found by
 * binary search. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-helpers/internal.h"

struct ksym {
	__u64 addr;
	char *name;
};

struct tvh_ksyms {
	struct ksym *v;
	size_t n;
};

static int by_addr(const void *a, const void *b)
{
	__u64 x = ((const struct ksym *)a)->addr, y = ((const struct ksym *)b)->addr;

	return x < y ? -1 : x > y;
}

static int load(struct tvh_ksyms *k)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (k->n == cap) {
			struct ksym *v = realloc(k->v, (cap = cap ? 2 * cap : 65536) * sizeof(*v));

			if (!v)
				break;
			k->v = v;
		}
		k->v[k->n++] = (struct ksym){addr, strdup(name)};
	}
	fclose(f);
	qsort(k->v, k->n, sizeof(*k->v), by_addr);
	return 0;
}

struct tvh_ksyms *tvh_ksyms_new(void)
{
	struct tvh_ksyms *k = calloc(1, sizeof(*k));

	if (k && load(k)) {
		free(k);
		return NULL;
	}
	return k;
}

void tvh_ksyms_free(struct tvh_ksyms *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].name);
	free(k->v);
	free(k);
}

/* "func+off", or the address in hex when no symbol covers it. */
void tvh_ksym_format(const struct tvh_ksyms *k, __u64 addr, char *buf, size_t n, bool offset)
{
	size_t lo = 0, hi = k ? k->n : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (k->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo) { /* as bpftrace streams a void *: a null one is "0" */
		snprintf(buf, n, addr ? "0x%llx" : "%llx", (unsigned long long)addr);
		return;
	}
	if (offset)
		snprintf(buf, n, "%s+%llu", k->v[lo - 1].name,
			 (unsigned long long)(addr - k->v[lo - 1].addr));
	else
		snprintf(buf, n, "%s", k->v[lo - 1].name);
}
