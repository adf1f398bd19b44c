/* The tv_store over kernel maps: the same keys and values the interpreter
 * uses, per-CPU values merged on read. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "kernel-side/internal.h"

/* A key of one of the three families (bpf/mapops.h: make_key). */
struct kkey {
	int fd;
	size_t size, payload; /* the whole key's bytes, the payload's offset */
	union {
		struct tv_key_s s;
		struct tv_key_l l;
		struct tv_key_x x;
	} u;
};

static struct tv_kernel *kernel_of(struct tv_store *s)
{
	return ((struct kstore *)s)->k;
}

static bool is_agg(const struct tv_mapdesc *d)
{
	return d->kind != TV_MAP_int && d->kind != TV_MAP_bytes;
}

static void kkey_make(struct tv_kernel *k, __u32 map, const void *key, struct kkey *out)
{
	const struct tv_mapdesc *d = &k->img->maps[map].d;
	__u32 span = tv_key_span(d);
	bool agg = is_agg(d);

	memset(out, 0, sizeof(*out));
	if (span <= TV_KEY_SMALL) {
		out->fd = k->map_fd[agg ? KMAP_agg_s : KMAP_val_s];
		out->size = sizeof(out->u.s);
		out->payload = offsetof(struct tv_key_s, k);
	} else if (span <= TV_KEY_LARGE) {
		out->fd = k->map_fd[agg ? KMAP_agg_l : KMAP_val_l];
		out->size = sizeof(out->u.l);
		out->payload = offsetof(struct tv_key_l, k);
	} else {
		out->fd = k->map_fd[agg ? KMAP_agg_x : KMAP_val_x];
		out->size = sizeof(out->u.x);
		out->payload = offsetof(struct tv_key_x, k);
	}
	out->u.s.id = k->slot << 16 | map;
	memcpy((char *)&out->u + out->payload, key, span);
}

/* Keyless aggregations: one per-CPU array slot, absent while n == 0. */
static __u32 scalar_idx(struct tv_kernel *k, __u32 map)
{
	return k->slot * TV_MAX_MAPS + map;
}

static int scalar_lookup(struct tv_kernel *k, __u32 map, struct tv_agg *out)
{
	struct tv_agg per[k->ncpus], sum = {};
	__u32 idx = scalar_idx(k, map);

	if (bpf_map_lookup_elem(k->map_fd[KMAP_agg_scalar], &idx, per))
		return -errno;
	for (int c = 0; c < k->ncpus; c++)
		tv_agg_merge(k->img->maps[map].d.kind, &sum, &per[c]);
	if (!sum.n)
		return -ENOENT;
	*out = sum;
	return 0;
}

static int scalar_write(struct tv_kernel *k, __u32 map, const struct tv_agg *val)
{
	struct tv_agg per[k->ncpus];
	__u32 idx = scalar_idx(k, map);

	memset(per, 0, sizeof(per));
	if (val)
		per[0] = *val;
	return bpf_map_update_elem(k->map_fd[KMAP_agg_scalar], &idx, per, BPF_ANY) ? -errno : 0;
}

/* Zero every keyless aggregation slot of a session: one batch call (a
 * session start pays for it), slot by slot where batches are refused. */
void kstore_scalar_purge(struct tv_kernel *k, __u32 slot)
{
	size_t per = (size_t)k->ncpus * sizeof(struct tv_agg);
	__u32 keys[TV_MAX_MAPS], count = TV_MAX_MAPS;
	void *zeros = calloc(TV_MAX_MAPS, per);

	for (__u32 m = 0; m < TV_MAX_MAPS; m++)
		keys[m] = slot * TV_MAX_MAPS + m;
	if (zeros && !bpf_map_update_batch(k->map_fd[KMAP_agg_scalar], keys, zeros, &count, NULL)) {
		free(zeros);
		return;
	}
	free(zeros);
	zeros = calloc(1, per);
	for (__u32 m = 0; zeros && m < TV_MAX_MAPS; m++)
		bpf_map_update_elem(k->map_fd[KMAP_agg_scalar], &keys[m], zeros, BPF_ANY);
	free(zeros);
}

static int kstore_lookup(struct tv_store *s, __u32 map, const void *key, void *val)
{
	struct tv_kernel *k = kernel_of(s);
	const struct tv_mapdesc *d = &k->img->maps[map].d;
	struct kkey kk;

	if (tv_is_scalar_agg(d)) {
		struct tv_agg a;
		int rc = scalar_lookup(k, map, &a);

		if (!rc && val)
			memcpy(val, &a, sizeof(a));
		return rc;
	}
	kkey_make(k, map, key, &kk);
	if (is_agg(d)) {
		struct tv_agg per[k->ncpus], sum = {};

		if (bpf_map_lookup_elem(kk.fd, &kk.u, per))
			return -ENOENT;
		for (int c = 0; c < k->ncpus; c++)
			tv_agg_merge(d->kind, &sum, &per[c]);
		memcpy(val, &sum, sizeof(sum));
		return 0;
	}
	{
		struct tv_val v;

		if (bpf_map_lookup_elem(kk.fd, &kk.u, &v))
			return -ENOENT;
		memcpy(val, &v, tv_store_val_size(s, map));
	}
	return 0;
}

static int kstore_update(struct tv_store *s, __u32 map, const void *key, const void *val)
{
	struct tv_kernel *k = kernel_of(s);
	struct kkey kk;

	if (tv_is_scalar_agg(&k->img->maps[map].d))
		return scalar_write(k, map, val);
	kkey_make(k, map, key, &kk);
	if (is_agg(&k->img->maps[map].d)) {
		/* the merged value lives on CPU 0, the others start over */
		struct tv_agg per[k->ncpus];

		memset(per, 0, sizeof(per));
		memcpy(&per[0], val, sizeof(per[0]));
		return bpf_map_update_elem(kk.fd, &kk.u, per, BPF_ANY) ? -errno : 0;
	}
	{
		struct tv_val v = {};

		memcpy(&v, val, tv_store_val_size(s, map));
		return bpf_map_update_elem(kk.fd, &kk.u, &v, BPF_ANY) ? -errno : 0;
	}
}

static int kstore_remove(struct tv_store *s, __u32 map, const void *key)
{
	struct tv_kernel *k = kernel_of(s);
	struct kkey kk;

	if (tv_is_scalar_agg(&k->img->maps[map].d)) {
		struct tv_agg a;

		return scalar_lookup(k, map, &a) ?: scalar_write(k, map, NULL);
	}
	kkey_make(k, map, key, &kk);
	return bpf_map_delete_elem(kk.fd, &kk.u) ? -errno : 0;
}

static int kstore_each(struct tv_store *s, __u32 map, tv_store_each_fn fn, void *arg)
{
	struct tv_kernel *k = kernel_of(s);
	char val[TV_VAL_MAX], none[TV_KEY_MAX] = {};
	struct kkeys keys;
	struct kkey kk;
	int rc;

	if (tv_is_scalar_agg(&k->img->maps[map].d)) {
		struct tv_agg a;

		return scalar_lookup(k, map, &a) ? 0 : fn("", &a, arg);
	}
	kkey_make(k, map, none, &kk); /* only for fd and family */
	rc = kmap_keys_where(kk.fd, k->slot << 16 | map, ~0u, &keys);
	for (__u32 i = 0; !rc && i < keys.n; i++) {
		const char *key = keys.keys + (size_t)i * keys.size;
		const void *payload = key + kk.payload;

		if (!kstore_lookup(s, map, payload, val))
			rc = fn(payload, val, arg);
	}
	kkeys_free(&keys);
	return rc;
}

static int kstore_clear(struct tv_store *s, __u32 map)
{
	struct tv_kernel *k = kernel_of(s);
	char payload[TV_KEY_MAX] = {};
	struct kkey kk;

	if (tv_is_scalar_agg(&k->img->maps[map].d))
		return scalar_write(k, map, NULL);
	kkey_make(k, map, payload, &kk);
	return kmap_delete_where(kk.fd, k->slot << 16 | map, ~0u);
}

static void kstore_free(struct tv_store *s)
{
	(void)s;
}

static const struct tv_store_ops kstore_ops = {
    .lookup = kstore_lookup,
    .update = kstore_update,
    .remove = kstore_remove,
    .each = kstore_each,
    .clear = kstore_clear,
    .free = kstore_free,
};

void kstore_init(struct tv_kernel *k)
{
	k->store.base.ops = &kstore_ops;
	k->store.base.img = k->img;
	k->store.k = k;
}

struct tv_store *tv_kernel_store(struct tv_kernel *k)
{
	return &k->store.base;
}
