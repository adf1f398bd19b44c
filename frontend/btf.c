/* A bounds-checked BTF reader: the type section indexed by id in one pass,
 * names looked up in the string section. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/btf.h>

#include "frontend/btf.h"

struct fe_btf {
	const __u8 *data; /* the whole blob */
	size_t len;
	void *map; /* mmap'ed (munmap on close), or NULL */
	const __u8 *types;
	const char *strs;
	__u32 str_len;
	size_t type_len;
	/* the index, grown on demand: ids 1..ntypes-1 are known, pos is
	 * where the next record starts; bad: a corrupt record stopped it */
	__u32 ntypes, cap;
	__u32 *offs; /* id -> byte offset of its btf_type in types */
	size_t pos;
	bool bad;
	/* the last fe_btf_find: a script names the same struct again and
	 * again (and a missing one would cost a full scan each time) */
	char last[64];
	bool last_union;
	int last_id;
};

#define MAX_DEPTH 32 /* typedef chains, anonymous member nesting */

static bool known(struct fe_btf *b, __u32 id);

static const struct btf_type *type_at(struct fe_btf *b, __u32 id)
{
	return id && known(b, id) ? (const struct btf_type *)(b->types + b->offs[id]) : NULL;
}

static const char *name_at(struct fe_btf *b, __u32 off)
{
	return off < b->str_len ? b->strs + off : "";
}

/* Bytes a type record takes after its struct btf_type; -1: unknown kind. */
static long extra_size(const struct btf_type *t)
{
	__u32 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG: return 4;
	case BTF_KIND_ARRAY: return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM: return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64: return (long)vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO: return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC: return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG: return 0;
	default: return -1;
	}
}

static int fail(char *err, size_t n, const char *msg)
{
	if (err && n)
		snprintf(err, n, "%s", msg);
	return -1;
}

/* Indexes records until id is known (or the section ends): types are
 * indexed as far as lookups need them, not all 125,000 up front. */
static bool known(struct fe_btf *b, __u32 id)
{
	while (id >= b->ntypes && b->pos < b->type_len && !b->bad) {
		const struct btf_type *t = (const void *)(b->types + b->pos);
		size_t left = b->type_len - b->pos;
		long extra;

		if (left < sizeof(*t) || (extra = extra_size(t)) < 0 ||
		    left - sizeof(*t) < (size_t)extra) {
			b->bad = true;
			break;
		}
		if (b->ntypes == b->cap) {
			__u32 *v = realloc(b->offs, 2 * b->cap * sizeof(*v));

			if (!v) {
				b->bad = true;
				break;
			}
			b->offs = v, b->cap *= 2;
		}
		b->offs[b->ntypes++] = (__u32)b->pos;
		b->pos += sizeof(*t) + (size_t)extra;
	}
	return id < b->ntypes;
}

static int parse(struct fe_btf *b, char *err, size_t n)
{
	const struct btf_header *h = (const void *)b->data;
	size_t end;

	if (b->len < sizeof(*h) || h->magic != BTF_MAGIC || h->hdr_len < sizeof(*h) ||
	    h->hdr_len > b->len)
		return fail(err, n, "BTF: not a BTF blob (or another byte order)");
	end = b->len - h->hdr_len;
	if (h->type_off > end || h->type_len > end - h->type_off || h->str_off > end ||
	    h->str_len > end - h->str_off || (h->type_off & 3) || (h->hdr_len & 3) || !h->str_len ||
	    b->data[h->hdr_len + h->str_off + h->str_len - 1])
		return fail(err, n, "BTF: corrupt header");
	b->types = b->data + h->hdr_len + h->type_off;
	b->strs = (const char *)b->data + h->hdr_len + h->str_off;
	b->str_len = h->str_len;
	b->type_len = h->type_len;
	b->cap = 4096;
	b->offs = malloc(b->cap * sizeof(*b->offs));
	b->ntypes = 1;
	return b->offs ? 0 : fail(err, n, "BTF: out of memory");
}

struct fe_btf *fe_btf_from_mem(const void *data, size_t len, char *err, size_t errlen)
{
	struct fe_btf *b = calloc(1, sizeof(*b));

	if (!b) {
		fail(err, errlen, "BTF: out of memory");
		return NULL;
	}
	b->data = data, b->len = len;
	if (parse(b, err, errlen)) {
		fe_btf_close(b);
		return NULL;
	}
	return b;
}

struct fe_btf *fe_btf_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *m = MAP_FAILED;
	struct fe_btf *b;

	if (fd >= 0 && !fstat(fd, &st) && st.st_size > 0)
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (fd >= 0)
		close(fd);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "BTF: cannot map %s (kernel BTF is needed for struct types)",
			 path);
		return NULL;
	}
	b = fe_btf_from_mem(m, (size_t)st.st_size, err, errlen);
	if (b)
		b->map = m;
	else
		munmap(m, (size_t)st.st_size);
	return b;
}

void fe_btf_close(struct fe_btf *b)
{
	if (!b)
		return;
	if (b->map)
		munmap(b->map, b->len);
	free(b->offs);
	free(b);
}

static bool is_modifier(__u32 kind)
{
	return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_VOLATILE || kind == BTF_KIND_CONST ||
	       kind == BTF_KIND_RESTRICT || kind == BTF_KIND_TYPE_TAG;
}

static void describe(struct fe_btf *b, const struct btf_type *t, struct fe_btf_type *out)
{
	__u32 kind = BTF_INFO_KIND(t->info);

	out->name = name_at(b, t->name_off);
	out->size = t->size;
	switch (kind) {
	case BTF_KIND_INT:
		out->kind = TV_BTF_INT;
		out->sign = BTF_INT_ENCODING(*(const __u32 *)(t + 1)) & BTF_INT_SIGNED;
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		out->kind = TV_BTF_INT;
		out->sign = BTF_INFO_KFLAG(t->info);
		break;
	case BTF_KIND_PTR: out->kind = TV_BTF_PTR, out->size = 8, out->ref = t->type; break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = (const void *)(t + 1);
		struct fe_btf_type elem;

		out->kind = TV_BTF_ARRAY, out->ref = a->type, out->nelems = a->nelems;
		out->size = fe_btf_type(b, a->type, &elem) ? 0 : elem.size * a->nelems;
		break;
	}
	case BTF_KIND_STRUCT: out->kind = TV_BTF_STRUCT; break;
	case BTF_KIND_UNION: out->kind = TV_BTF_UNION; break;
	case BTF_KIND_FWD:
		out->kind = TV_BTF_FWD, out->size = 0;
		out->fwd_union = BTF_INFO_KFLAG(t->info);
		break;
	case BTF_KIND_FLOAT: out->kind = TV_BTF_OTHER; break; /* sized, not printable */
	default: out->kind = TV_BTF_OTHER, out->size = 0; break;
	}
}

int fe_btf_type(struct fe_btf *b, __u32 id, struct fe_btf_type *out)
{
	memset(out, 0, sizeof(*out));
	out->name = "";
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		const struct btf_type *t = type_at(b, id);

		out->id = id;
		if (!id)
			return 0; /* void */
		if (!t)
			return -1;
		if (!is_modifier(BTF_INFO_KIND(t->info))) {
			describe(b, t, out);
			return 0;
		}
		id = t->type;
	}
	return -1;
}

static __u32 align_depth(struct fe_btf *b, __u32 id, int depth);

static __u32 struct_align(struct fe_btf *b, __u32 id, __u32 size, int depth)
{
	struct fe_btf_member m;
	const char *name;
	__u32 max = 1;

	for (__u32 i = 0; !fe_btf_member_at(b, id, i, &m, &name); i++) {
		__u32 a = align_depth(b, m.type, depth + 1);

		if (!a)
			return 0;
		if (!m.bit_size && m.bit_off % (a * 8))
			return 1; /* packed */
		max = a > max ? a : max;
	}
	return size % max ? 1 : max;
}

static __u32 align_depth(struct fe_btf *b, __u32 id, int depth)
{
	struct fe_btf_type t;

	if (depth > MAX_DEPTH || fe_btf_type(b, id, &t))
		return 0;
	switch (t.kind) {
	case TV_BTF_PTR: return 8;
	case TV_BTF_ARRAY: return align_depth(b, t.ref, depth + 1);
	case TV_BTF_STRUCT:
	case TV_BTF_UNION: return struct_align(b, t.id, t.size, depth);
	default: return t.size > 16 ? 16 : t.size ? t.size : 1;
	}
}

__u32 fe_btf_align(struct fe_btf *b, __u32 id)
{
	return align_depth(b, id, 0);
}

static int find(struct fe_btf *b, const char *name, bool is_union)
{
	__u32 want = is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT;
	const struct btf_type *t;

	for (__u32 id = 1; (t = type_at(b, id)); id++) {
		if (BTF_INFO_KIND(t->info) == want && !strcmp(name_at(b, t->name_off), name))
			return (int)id;
	}
	return -1;
}

int fe_btf_find(struct fe_btf *b, const char *name, bool is_union)
{
	if (b->last[0] && b->last_union == is_union && !strcmp(b->last, name))
		return b->last_id;
	b->last_id = find(b, name, is_union);
	b->last_union = is_union;
	snprintf(b->last, sizeof(b->last), "%s", strlen(name) < sizeof(b->last) ? name : "");
	return b->last_id;
}

int fe_btf_enum_value(struct fe_btf *b, const char *name, __s64 *value)
{
	const struct btf_type *t;

	for (__u32 id = 1; (t = type_at(b, id)); id++) {
		__u32 kind = BTF_INFO_KIND(t->info), n = BTF_INFO_VLEN(t->info);

		for (__u32 i = 0; kind == BTF_KIND_ENUM && i < n; i++) {
			const struct btf_enum *e = (const struct btf_enum *)(t + 1) + i;

			if (!strcmp(name_at(b, e->name_off), name)) {
				*value = BTF_INFO_KFLAG(t->info) ? e->val : (__s64)(__u32)e->val;
				return 0;
			}
		}
		for (__u32 i = 0; kind == BTF_KIND_ENUM64 && i < n; i++) {
			const struct btf_enum64 *e = (const struct btf_enum64 *)(t + 1) + i;

			if (!strcmp(name_at(b, e->name_off), name)) {
				*value = (__s64)((__u64)e->val_hi32 << 32 | e->val_lo32);
				return 0;
			}
		}
	}
	return -1;
}

static int member_in(struct fe_btf *b, __u32 id, const char *name, __u32 base,
		     struct fe_btf_member *m, int depth)
{
	struct fe_btf_type st;
	const struct btf_type *t;
	const struct btf_member *mv;

	if (depth > MAX_DEPTH || fe_btf_type(b, id, &st) ||
	    (st.kind != TV_BTF_STRUCT && st.kind != TV_BTF_UNION))
		return -1;
	t = type_at(b, st.id);
	mv = (const struct btf_member *)(t + 1);
	for (__u32 i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		bool kflag = BTF_INFO_KFLAG(t->info);
		__u32 off = kflag ? BTF_MEMBER_BIT_OFFSET(mv[i].offset) : mv[i].offset;
		const char *mn = name_at(b, mv[i].name_off);

		if (!*mn && !member_in(b, mv[i].type, name, base + off, m, depth + 1))
			return 0;
		if (*mn && !strcmp(mn, name)) {
			m->type = mv[i].type;
			m->bit_off = base + off;
			m->bit_size = kflag ? BTF_MEMBER_BITFIELD_SIZE(mv[i].offset) : 0;
			return 0;
		}
	}
	return -1;
}

int fe_btf_member(struct fe_btf *b, __u32 id, const char *name, struct fe_btf_member *m)
{
	return member_in(b, id, name, 0, m, 0);
}

int fe_btf_member_at(struct fe_btf *b, __u32 id, __u32 i, struct fe_btf_member *m,
		     const char **name)
{
	struct fe_btf_type st;
	const struct btf_type *t;
	const struct btf_member *mv;
	bool kflag;

	if (fe_btf_type(b, id, &st) || (st.kind != TV_BTF_STRUCT && st.kind != TV_BTF_UNION))
		return -1;
	t = type_at(b, st.id);
	if (i >= BTF_INFO_VLEN(t->info))
		return -1;
	mv = (const struct btf_member *)(t + 1) + i;
	kflag = BTF_INFO_KFLAG(t->info);
	m->type = mv->type;
	m->bit_off = kflag ? BTF_MEMBER_BIT_OFFSET(mv->offset) : mv->offset;
	m->bit_size = kflag ? BTF_MEMBER_BITFIELD_SIZE(mv->offset) : 0;
	*name = name_at(b, mv->name_off);
	return 0;
}
