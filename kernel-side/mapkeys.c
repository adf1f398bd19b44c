/* The keys one session holds in a data map every session shares.
 *
 * Batches walk the hash bucket by bucket. A get_next_key walk stands on a
 * key of any session, and starts again from the first key when that key
 * is deleted or replaced (another session's clear(), purge or update):
 * the entries before it were then met twice, and a map printed with
 * duplicate lines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel-side/internal.h"

#define KKEYS_BATCH 256

static bool kkeys_match(const void *key, __u32 id, __u32 mask)
{
	__u32 kid;

	memcpy(&kid, key, sizeof(kid)); /* every key starts with session << 16 | map */
	return (kid & mask) == id;
}

static int kkeys_add(struct kkeys *out, const void *key)
{
	if (out->n == out->cap) {
		__u32 cap = out->cap ? 2 * out->cap : 64;
		char *more = realloc(out->keys, (size_t)cap * out->size);

		if (!more)
			return -ENOMEM;
		out->keys = more;
		out->cap = cap;
	}
	memcpy(out->keys + (size_t)out->n++ * out->size, key, out->size);
	return 0;
}

static size_t value_stride(const struct bpf_map_info *info)
{
	bool percpu =
	    info->type == BPF_MAP_TYPE_PERCPU_HASH || info->type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	size_t ncpus = percpu ? (size_t)libbpf_num_possible_cpus() : 1;

	return percpu ? ((info->value_size + 7) & ~7u) * ncpus : info->value_size;
}

/* Returns -EOPNOTSUPP when the kernel has no batch lookup for the map. */
static int keys_by_batch(int fd, const struct bpf_map_info *info, __u32 id, __u32 mask,
			 struct kkeys *out)
{
	size_t stride = value_stride(info);
	__u32 cap = KKEYS_BATCH, cursor = 0, count;
	char *keys = NULL, *vals = NULL;
	bool first = true, last = false;
	int rc = 0;

	while (!rc && !last) {
		if (!keys && (!(keys = malloc((size_t)cap * info->key_size)) ||
			      !(vals = malloc((size_t)cap * stride)))) {
			rc = -ENOMEM;
			break;
		}
		count = cap;
		if (bpf_map_lookup_batch(fd, first ? NULL : &cursor, &cursor, keys, vals, &count,
					 NULL)) {
			if (errno == ENOSPC &&
			    cap < info->max_entries) { /* one bucket holds more */
				cap *= 2;
				free(keys), free(vals);
				keys = vals = NULL;
				continue;
			}
			if (errno != ENOENT) {
				rc = first && (errno == EINVAL || errno == ENOTSUP ||
					       errno == EOPNOTSUPP)
					 ? -EOPNOTSUPP
					 : -errno;
				break;
			}
			last = true;
		}
		first = false;
		for (__u32 i = 0; !rc && i < count; i++)
			if (kkeys_match(keys + (size_t)i * info->key_size, id, mask))
				rc = kkeys_add(out, keys + (size_t)i * info->key_size);
	}
	free(keys);
	free(vals);
	return rc;
}

static int key_cmp(const void *a, const void *b, void *size)
{
	return memcmp(a, b, *(__u32 *)size);
}

/* Without batches: a bounded get_next_key walk, its repeats dropped. */
static int keys_by_walk(int fd, const struct bpf_map_info *info, __u32 id, __u32 mask,
			struct kkeys *out)
{
	struct tv_key_x cur, next; /* the largest key family */
	void *prev = NULL;
	__u32 kept = 0;
	int rc = 0;

	for (__u32 step = 0;
	     !rc && step < 2 * info->max_entries && !bpf_map_get_next_key(fd, prev, &next);
	     step++) {
		cur = next;
		prev = &cur;
		if (kkeys_match(&cur, id, mask))
			rc = kkeys_add(out, &cur);
	}
	if (rc || !out->n)
		return rc;
	qsort_r(out->keys, out->n, out->size, key_cmp, &out->size);
	for (__u32 i = 0; i < out->n; i++)
		if (!kept || memcmp(out->keys + (size_t)(kept - 1) * out->size,
				    out->keys + (size_t)i * out->size, out->size))
			memmove(out->keys + (size_t)kept++ * out->size,
				out->keys + (size_t)i * out->size, out->size);
	out->n = kept;
	return 0;
}

int kmap_keys_where(int fd, __u32 id, __u32 mask, struct kkeys *out)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int rc;

	*out = (struct kkeys){0};
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.key_size < sizeof(__u32) || info.key_size > sizeof(struct tv_key_x))
		return -EINVAL;
	out->size = info.key_size;
	rc = keys_by_batch(fd, &info, id, mask, out);
	if (rc == -EOPNOTSUPP)
		rc = keys_by_walk(fd, &info, id, mask, out);
	if (rc)
		kkeys_free(out);
	return rc;
}

void kkeys_free(struct kkeys *k)
{
	free(k->keys);
	*k = (struct kkeys){0};
}
