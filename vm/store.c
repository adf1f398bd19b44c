/* User-space maps: one uthash table per map of the image, with the kernel
 * maps' semantics (lookup copies out, update inserts or overwrites). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

/* Report allocation failures as -ENOMEM instead of uthash's exit(). */
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(e) ((e)->oom = 1)
#include <uthash.h>

struct entry {
	UT_hash_handle hh;
	int oom;
	unsigned char data[]; /* key bytes, then value bytes */
};

struct vm_store {
	struct tv_store s;
	struct entry **heads; /* one table per map */
};

static struct vm_store *vs(struct tv_store *s)
{
	return (struct vm_store *)s;
}

static size_t key_len(const struct tv_store *s, __u32 map)
{
	return tv_key_span(&s->img->maps[map].d);
}

static struct entry *find(struct tv_store *s, __u32 map, const void *key)
{
	struct entry *e = NULL;

	HASH_FIND(hh, vs(s)->heads[map], key, key_len(s, map), e);
	return e;
}

static int store_lookup(struct tv_store *s, __u32 map, const void *key, void *val)
{
	struct entry *e;

	if (map >= s->img->nmaps)
		return -EINVAL;
	e = find(s, map, key);
	if (!e)
		return -ENOENT;
	if (val)
		memcpy(val, e->data + key_len(s, map), tv_store_val_size(s, map));
	return 0;
}

static int store_update(struct tv_store *s, __u32 map, const void *key, const void *val)
{
	size_t kl, vl;
	struct entry *e;

	if (map >= s->img->nmaps)
		return -EINVAL;
	kl = key_len(s, map);
	vl = tv_store_val_size(s, map);
	e = find(s, map, key);
	if (e) {
		memcpy(e->data + kl, val, vl);
		return 0;
	}
	e = calloc(1, sizeof(*e) + kl + vl);
	if (!e)
		return -ENOMEM;
	memcpy(e->data, key, kl);
	memcpy(e->data + kl, val, vl);
	HASH_ADD_KEYPTR(hh, vs(s)->heads[map], e->data, kl, e);
	if (e->oom) {
		free(e);
		return -ENOMEM;
	}
	return 0;
}

static int store_remove(struct tv_store *s, __u32 map, const void *key)
{
	struct entry *e;

	if (map >= s->img->nmaps)
		return -EINVAL;
	e = find(s, map, key);
	if (!e)
		return -ENOENT;
	HASH_DEL(vs(s)->heads[map], e);
	free(e);
	return 0;
}

/* HASH_ITER keeps the next element aside, so fn may remove the entry it
 * is handed. */
static int store_each(struct tv_store *s, __u32 map, tv_store_each_fn fn, void *arg)
{
	struct entry *e, *tmp;
	size_t kl;
	int rc;

	if (map >= s->img->nmaps)
		return -EINVAL;
	kl = key_len(s, map);
	HASH_ITER(hh, vs(s)->heads[map], e, tmp)
	{
		rc = fn(e->data, e->data + kl, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int store_clear(struct tv_store *s, __u32 map)
{
	struct entry *e, *tmp;

	if (map >= s->img->nmaps)
		return -EINVAL;
	HASH_ITER(hh, vs(s)->heads[map], e, tmp)
	{
		HASH_DEL(vs(s)->heads[map], e);
		free(e);
	}
	return 0;
}

static void store_free(struct tv_store *s)
{
	if (!s)
		return;
	for (__u32 m = 0; m < s->img->nmaps; m++)
		store_clear(s, m);
	free(vs(s)->heads);
	free(s);
}

static const struct tv_store_ops vm_store_ops = {
    .lookup = store_lookup,
    .update = store_update,
    .remove = store_remove,
    .each = store_each,
    .clear = store_clear,
    .free = store_free,
};

struct tv_store *tv_vm_store_new(const struct tv_image *img)
{
	struct vm_store *v;

	if (!img)
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->heads = calloc(img->nmaps ? img->nmaps : 1, sizeof(*v->heads));
	if (!v->heads) {
		free(v);
		return NULL;
	}
	v->s.ops = &vm_store_ops;
	v->s.img = img;
	return &v->s;
}
