/* Building program images, and their binary form. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode.h"

struct tv_image *tv_image_new(void)
{
	struct tv_image *img = calloc(1, sizeof(*img));

	if (img)
		img->abi = TV_ABI_VERSION;
	return img;
}

void tv_image_free(struct tv_image *img)
{
	if (!img)
		return;
	for (__u32 i = 0; i < img->nprobes; i++)
		free(img->probes[i].attach);
	for (__u32 i = 0; i < img->nmaps; i++) {
		free(img->maps[i].name);
		free(img->maps[i].key_type);
		free(img->maps[i].val_type);
	}
	for (__u32 i = 0; i < img->nconsts; i++)
		free(img->consts[i].data);
	free(img->insns);
	free(img->locs);
	free(img->source);
	free(img->source_name);
	free(img->probes);
	free(img->maps);
	free(img->consts);
	free(img);
}

/* Tables hold cap_for(n) slots: at least 4, doubling at each power of two. */
static size_t cap_for(size_t n)
{
	size_t c = 4;

	while (c < n)
		c *= 2;
	return c;
}

static int grow(void **arr, __u32 n, size_t elem)
{
	void *p;

	if (n && (n < 4 || (n & (n - 1))))
		return 0;
	p = realloc(*arr, cap_for(n + 1) * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

int tv_image_emit(struct tv_image *img, unsigned op, const __s64 *v, int n)
{
	struct tv_insn w[2];
	int k = tv_insn_put(w, op, v, n), pc = (int)img->ninsns;

	if (k < 0)
		return k;
	for (int i = 0; i < k; i++) {
		if (grow((void **)&img->insns, img->ninsns, sizeof(*w)))
			return -ENOMEM;
		img->insns[img->ninsns++] = w[i];
	}
	return pc;
}

int tv_image_set_loc(struct tv_image *img, __u32 pc, struct tv_srcloc loc)
{
	if (pc >= img->ninsns)
		return -EINVAL;
	if (pc >= img->nlocs_cap) {
		size_t cap = cap_for(pc + 1);
		struct tv_srcloc *l = realloc(img->locs, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		memset(l + img->nlocs_cap, 0, (cap - img->nlocs_cap) * sizeof(*l));
		img->locs = l;
		img->nlocs_cap = (__u32)cap;
	}
	img->locs[pc] = loc;
	return 0;
}

int tv_image_set_source(struct tv_image *img, const char *name, const char *text)
{
	free(img->source);
	free(img->source_name);
	img->source = text ? strdup(text) : NULL;
	img->source_name = name ? strdup(name) : NULL;
	return (text && !img->source) || (name && !img->source_name) ? -ENOMEM : 0;
}

struct tv_srcloc tv_image_loc(const struct tv_image *img, __u32 pc)
{
	return img->locs && pc < img->nlocs_cap ? img->locs[pc] : (struct tv_srcloc){0};
}

static char *dupstr(const char *s)
{
	return s ? strdup(s) : strdup("");
}

int tv_image_add_probe(struct tv_image *img, const char *attach, __u32 pc)
{
	if (grow((void **)&img->probes, img->nprobes, sizeof(*img->probes)))
		return -ENOMEM;
	img->probes[img->nprobes] = (struct tv_probe){.attach = dupstr(attach), .pc = pc};
	return (int)img->nprobes++;
}

int tv_image_add_map(struct tv_image *img, const char *name, const struct tv_mapdesc *d,
		     const char *key_type, const char *val_type)
{
	struct tv_map *m;

	if (grow((void **)&img->maps, img->nmaps, sizeof(*img->maps)))
		return -ENOMEM;
	m = &img->maps[img->nmaps];
	m->name = dupstr(name);
	m->d = *d;
	m->key_type = dupstr(key_type);
	m->val_type = dupstr(val_type);
	return (int)img->nmaps++;
}

int tv_image_add_const(struct tv_image *img, unsigned kind, const void *data, size_t len)
{
	struct tv_const *c;

	if (len > 0xffff)
		return -E2BIG;
	for (__u32 i = 0; i < img->nconsts; i++) {
		c = &img->consts[i];
		if (c->kind == kind && c->len == len && !memcmp(c->data, data, len))
			return (int)i;
	}
	if (grow((void **)&img->consts, img->nconsts, sizeof(*img->consts)))
		return -ENOMEM;
	c = &img->consts[img->nconsts];
	c->data = malloc(len ? len : 1);
	if (!c->data)
		return -ENOMEM;
	memcpy(c->data, data, len);
	c->kind = kind;
	c->len = len;
	return (int)img->nconsts++;
}

static bool is_name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* At most 40 bytes of a name for a message, C-escaped, "..." if cut. */
static void quote_name(char *out, const char *name, size_t len)
{
	size_t n = len > 40 ? 40 : len;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			*out++ = (char)c;
		else
			out += sprintf(out, "\\x%02x", c);
	}
	strcpy(out, n < len ? "..." : "");
}

/* Names as BpfScript writes them: any other byte could not be written
 * bare in the assembler's text, or would print oddly as a map's name. */
int tv_map_name_check(const char *name, size_t len, struct tv_err *err)
{
	char shown[4 * 40 + 4];
	bool ok = len > 0 && name[0] == '@';

	for (size_t i = 1; ok && i < len; i++)
		ok = is_name_char(name[i], i == 1);
	quote_name(shown, name, len);
	if (!ok)
		return tv_err_set(err, 0,
				  "map name '%s' is not '@' alone or '@' and an identifier "
				  "([A-Za-z_][A-Za-z0-9_]*)",
				  shown);
	if (len > TV_MAP_NAME_MAX)
		return tv_err_set(err, 0, "map name '%s' is %zu bytes, longer than the limit of %d",
				  shown, len, TV_MAP_NAME_MAX);
	return 0;
}

int tv_image_find_map(const struct tv_image *img, const char *name)
{
	for (__u32 i = 0; i < img->nmaps; i++)
		if (!strcmp(img->maps[i].name, name))
			return (int)i;
	return -ENOENT;
}

/* ---- binary form --------------------------------------------------------- */

struct hdr {
	__u32 magic, abi, ninsns, nprobes, nmaps, nconsts;
};

static int put_str(FILE *f, const char *s, size_t len)
{
	__u16 n = len;

	return fwrite(&n, 2, 1, f) == 1 && fwrite(s, 1, n, f) == n ? 0 : -EIO;
}

int tv_image_write(const struct tv_image *img, FILE *f)
{
	struct hdr h = {TV_MAGIC, img->abi, img->ninsns, img->nprobes, img->nmaps, img->nconsts};
	int err = 0;

	if (fwrite(&h, sizeof(h), 1, f) != 1 ||
	    fwrite(img->insns, sizeof(*img->insns), img->ninsns, f) != img->ninsns)
		return -EIO;
	for (__u32 i = 0; i < img->nprobes && !err; i++) {
		const struct tv_probe *p = &img->probes[i];
		err = fwrite(&p->pc, 4, 1, f) == 1 && fwrite(&p->flags, 4, 1, f) == 1 ? 0 : -EIO;
		err = err ?: put_str(f, p->attach, strlen(p->attach));
	}
	for (__u32 i = 0; i < img->nmaps && !err; i++) {
		const struct tv_map *m = &img->maps[i];
		err = put_str(f, m->name, strlen(m->name));
		err = err ?: (fwrite(&m->d, sizeof(m->d), 1, f) == 1 ? 0 : -EIO);
		err = err ?: put_str(f, m->key_type, strlen(m->key_type));
		err = err ?: put_str(f, m->val_type, strlen(m->val_type));
	}
	for (__u32 i = 0; i < img->nconsts && !err; i++) {
		const struct tv_const *c = &img->consts[i];
		err = fwrite(&c->kind, 1, 1, f) == 1 ? 0 : -EIO;
		err = err ?: put_str(f, c->data, c->len);
	}
	return err;
}

static char *get_str(FILE *f, __u16 *len)
{
	__u16 n;
	char *s;

	if (fread(&n, 2, 1, f) != 1 || !(s = malloc(n + 1u)))
		return NULL;
	if (fread(s, 1, n, f) != n) {
		free(s);
		return NULL;
	}
	s[n] = 0;
	if (len)
		*len = n;
	return s;
}

static int read_tables(struct tv_image *img, const struct hdr *h, FILE *f)
{
	img->insns = calloc(cap_for(h->ninsns), sizeof(*img->insns));
	img->probes = calloc(cap_for(h->nprobes), sizeof(*img->probes));
	img->maps = calloc(cap_for(h->nmaps), sizeof(*img->maps));
	img->consts = calloc(cap_for(h->nconsts), sizeof(*img->consts));
	if (!img->insns || !img->probes || !img->maps || !img->consts)
		return -ENOMEM;
	img->ninsns = h->ninsns;
	if (fread(img->insns, sizeof(*img->insns), h->ninsns, f) != h->ninsns)
		return -EIO;
	/* Each entry counts before it is filled, so that tv_image_free()
	 * frees what a truncated read left half done (the tables are zeroed). */
	while (img->nprobes < h->nprobes) {
		struct tv_probe *p = &img->probes[img->nprobes++];
		if (fread(&p->pc, 4, 1, f) != 1 || fread(&p->flags, 4, 1, f) != 1 ||
		    !(p->attach = get_str(f, NULL)))
			return -EIO;
	}
	while (img->nmaps < h->nmaps) {
		struct tv_map *m = &img->maps[img->nmaps++];
		if (!(m->name = get_str(f, NULL)) || fread(&m->d, sizeof(m->d), 1, f) != 1 ||
		    !(m->key_type = get_str(f, NULL)) || !(m->val_type = get_str(f, NULL)))
			return -EIO;
	}
	while (img->nconsts < h->nconsts) {
		struct tv_const *c = &img->consts[img->nconsts++];
		if (fread(&c->kind, 1, 1, f) != 1 || !(c->data = get_str(f, &c->len)))
			return -EIO;
	}
	return 0;
}

struct tv_image *tv_image_read(FILE *f, struct tv_err *err)
{
	struct tv_image *img;
	struct hdr h;

	if (fread(&h, sizeof(h), 1, f) != 1 || h.magic != TV_MAGIC) {
		tv_err_set(err, 0, "not a tracevm image (bad magic)");
		return NULL;
	}
	if (h.abi != TV_ABI_VERSION || h.ninsns > TV_MAX_INSNS || h.nprobes > TV_MAX_BLOCKS ||
	    h.nmaps > TV_MAX_MAPS || h.nconsts > TV_MAX_CONSTS) {
		tv_err_set(err, 0, "image ABI %u or table sizes not supported", h.abi);
		return NULL;
	}
	img = tv_image_new();
	if (!img || read_tables(img, &h, f)) {
		tv_err_set(err, 0, "truncated or unreadable image");
		tv_image_free(img);
		return NULL;
	}
	img->abi = h.abi;
	return img;
}
