/* Named types from every source a script can see, behind one id space:
 * the script's own declarations (parsed into BTF by cdecl.c), then the
 * kernel's BTF.  An id names its source in its top bits, so a type found
 * in one source refers on into the same source; a forward declaration
 * (`struct task_struct *` in a script's struct) is resolved by name, the
 * script first, as a script's definition overrides the kernel's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "frontend/btf.h"
#include "frontend/cdecl.h"
#include "frontend/cpp.h"
#include "frontend/dwarf.h"
#include "frontend/lower.h"

#define SRC_SHIFT 24
#define LOCAL_MASK ((1u << SRC_SHIFT) - 1)

static int tag(enum fe_tsrc src, __u32 local)
{
	return (int)((unsigned)src << SRC_SHIFT | local);
}

static enum fe_tsrc src_of(int id)
{
	return (enum fe_tsrc)((unsigned)id >> SRC_SHIFT);
}

/* Kernel BTF, opened on first use; NULL (reported once a pass, at `at`
 * when there is one) when missing. */
struct fe_btf *fe_kernel_btf(struct lower *L, const struct fe_node *at)
{
	char err[256];

	if (!L->btf && !L->btf_failed) {
		L->btf = fe_btf_open(TV_BTF_VMLINUX, err, sizeof(err));
		/* told once a pass, where a place asks; a quiet ask leaves that to it */
		L->btf_failed = !L->btf && at;
		if (!L->btf && at)
			fe_error(L, at, "%s", err);
	}
	return L->btf;
}

static struct fe_btf *source(struct lower *L, enum fe_tsrc src, const struct fe_node *at)
{
	if (src >= FE_TSRC_DWARF)
		return (int)(src - FE_TSRC_DWARF) < L->ndwarf ? L->dwarf[src - FE_TSRC_DWARF].view
							      : NULL;
	return src == FE_TSRC_SCRIPT ? L->script_btf : fe_kernel_btf(L, at);
}

/* ---- user binaries' DWARF, one source each ---------------------------------- */

/* A view of what the binary's DWARF has converted so far; earlier views
 * stay open (names handed out point into them), ids stay the same. */
static int refresh_view(struct fe_dwarf_src *s)
{
	const void *raw;
	__u32 len;
	void *copy;
	char msg[128];
	struct fe_btf *view;
	struct btf *b = fe_dwarf_btf(s->d);

	if (!b || !(raw = btf__raw_data(b, &len)) || !(copy = malloc(len)))
		return -1;
	memcpy(copy, raw, len);
	if (!(view = fe_btf_from_mem(copy, len, msg, sizeof(msg)))) {
		free(copy);
		return -1;
	}
	if (s->nold < FE_DWARF_OLD_VIEWS && s->view) {
		s->old[s->nold].view = s->view, s->old[s->nold++].data = s->data;
	} else if (s->view) { /* out of room: the oldest names are dropped */
		fe_btf_close(s->view);
		free(s->data);
	}
	s->view = view, s->data = copy;
	return 0;
}

/* The DWARF source of binary path (opened on first use), or -1 with the
 * error told at `at`. */
static int dwarf_source(struct lower *L, const struct fe_node *at, const char *path)
{
	struct fe_dwarf_src *s;
	char err[256];

	for (int i = 0; i < L->ndwarf; i++) {
		if (strcmp(L->dwarf[i].path, path))
			continue;
		if (!L->dwarf[i].d && at)
			fe_error(L, at, "%s", L->dwarf[i].err);
		return L->dwarf[i].d ? i : -1;
	}
	if (L->ndwarf == FE_MAX_DWARF) {
		if (at)
			fe_error(L, at,
				 "too many binaries with debug info in one script (at most %d)",
				 FE_MAX_DWARF);
		return -1;
	}
	s = &L->dwarf[L->ndwarf];
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->d = fe_dwarf_open(path, err, sizeof(err));
	L->ndwarf++;
	snprintf(s->err, sizeof(s->err), "%s", s->d ? "" : err);
	if (!s->d) {
		if (at)
			fe_error(L, at, "%s", err);
		return -1;
	}
	return L->ndwarf - 1;
}

/* uprobe:BIN:FUNC's binary and function. */
static bool uprobe_target(const struct lower *L, char *bin, size_t nb, char *func, size_t nf)
{
	const char *t = L->probe_target, *c = t ? strrchr(t, ':') : NULL;

	if (!c || L->probe_type != TV_PT_uprobe)
		return false;
	snprintf(bin, nb, "%.*s", (int)(c - t), t);
	snprintf(func, nf, "%.*s", (int)strcspn(c + 1, "+"), c + 1);
	return true;
}

int fe_uprobe_arg(struct lower *L, const struct fe_node *at, const char *name, int *btf_id)
{
	struct fe_dwarf_param p[FE_DWARF_MAX_PARAMS];
	char bin[512], func[256], err[256];
	int src, n;

	if (!uprobe_target(L, bin, sizeof(bin), func, sizeof(func)) ||
	    (src = dwarf_source(L, at, bin)) < 0)
		return -1;
	n = fe_dwarf_func_params(L->dwarf[src].d, func, p, FE_DWARF_MAX_PARAMS, err, sizeof(err));
	if (n < 0) {
		if (at)
			fe_error(L, at, "%s", err);
		return -1;
	}
	for (int i = 0; i < n && i < FE_DWARF_MAX_PARAMS; i++) {
		if (strcmp(p[i].name, name))
			continue;
		if (refresh_view(&L->dwarf[src])) {
			if (at)
				fe_error(L, at, "out of memory");
			return -1;
		}
		*btf_id = tag((enum fe_tsrc)(FE_TSRC_DWARF + src), (__u32)p[i].btf_id);
		return p[i].index;
	}
	if (at)
		fe_error(L, at, "Can't find function parameter %s", name);
	return -1;
}

/* A struct the uprobe's binary defines, by name, or -1. */
static int dwarf_find(struct lower *L, const char *name, bool is_union)
{
	char bin[512], func[256];
	int src, id;

	if (!uprobe_target(L, bin, sizeof(bin), func, sizeof(func)) ||
	    (src = dwarf_source(L, NULL, bin)) < 0)
		return -1;
	id = fe_dwarf_find_struct(L->dwarf[src].d, name, is_union);
	if (id < 0 || refresh_view(&L->dwarf[src]))
		return -1;
	return tag((enum fe_tsrc)(FE_TSRC_DWARF + src), (__u32)id);
}

/* A forward declaration, defined by the script or the kernel (or left as one). */
static int resolve_fwd(struct lower *L, struct fe_btf_type *t)
{
	char name[256];
	int id;

	snprintf(name, sizeof(name), "%s", t->name);
	id = fe_type_find(L, NULL, name, t->fwd_union);
	return id < 0 ? 0 : fe_type(L, id, t);
}

int fe_type(struct lower *L, int id, struct fe_btf_type *t)
{
	enum fe_tsrc src = src_of(id);
	struct fe_btf *b = id < 0 ? NULL : source(L, src, NULL);

	if (!b || fe_btf_type(b, (__u32)id & LOCAL_MASK, t))
		return -1;
	t->id = (__u32)tag(src, t->id);
	if (t->kind == TV_BTF_PTR || t->kind == TV_BTF_ARRAY)
		t->ref = (__u32)tag(src, t->ref);
	return t->kind == TV_BTF_FWD && *t->name ? resolve_fwd(L, t) : 0;
}

int fe_type_member(struct lower *L, int id, const char *name, struct fe_btf_member *m)
{
	struct fe_btf *b = id < 0 ? NULL : source(L, src_of(id), NULL);

	if (!b || fe_btf_member(b, (__u32)id & LOCAL_MASK, name, m))
		return -1;
	m->type = (__u32)tag(src_of(id), m->type);
	return 0;
}

int fe_type_member_at(struct lower *L, int id, __u32 i, struct fe_btf_member *m, const char **name)
{
	struct fe_btf *b = id < 0 ? NULL : source(L, src_of(id), NULL);

	if (!b || fe_btf_member_at(b, (__u32)id & LOCAL_MASK, i, m, name))
		return -1;
	m->type = (__u32)tag(src_of(id), m->type);
	return 0;
}

int fe_type_find(struct lower *L, const struct fe_node *at, const char *name, bool is_union)
{
	struct fe_btf *k;
	int id;

	if (L->script_btf && (id = fe_btf_find(L->script_btf, name, is_union)) >= 0)
		return tag(FE_TSRC_SCRIPT, (__u32)id);
	if ((id = dwarf_find(L, name, is_union)) >= 0)
		return id;
	k = fe_kernel_btf(L, at);
	id = k ? fe_btf_find(k, name, is_union) : -1;
	return id < 0 ? -1 : tag(FE_TSRC_KERNEL, (__u32)id);
}

bool fe_type_enum_value(struct lower *L, const char *name, __s64 *value)
{
	struct fe_btf *k;

	if (L->script_btf && !fe_btf_enum_value(L->script_btf, name, value))
		return true;
	/* quietly (no place): without BTF the identifier is only unknown */
	k = fe_kernel_btf(L, NULL);
	return k && !fe_btf_enum_value(k, name, value);
}

/* Where line err->line of the preprocessed text came from: the script's
 * place (a line of a declaration, or the #include that read the header). */
static const struct fe_cpp_line *origin(const struct fe_cpp *cpp, const struct fe_cdecl_error *err)
{
	int i = err->line - 1;

	return &cpp->lines[i < 0 ? 0 : i >= cpp->nlines ? cpp->nlines - 1 : i];
}

static void tell(struct lower *L, const struct fe_list *preamble, const struct fe_cdecl_error *err)
{
	const struct fe_cpp_line *o = origin(L->cpp, err);
	const struct fe_node *n = o->node >= 0 ? preamble->v[o->node] : NULL;
	struct fe_node at = {0};

	int before = L->diag->n;

	if (o->file >= 0) { /* a user header's own error */
		fe_error(L, n, "%s:%d:%d: %s", L->cpp->files[o->file].path, o->line, err->col,
			 err->msg);
	} else {
		at.loc = n->loc;
		at.loc.col = (o->line == 1 ? at.loc.col : 1) + err->col - 1;
		at.loc.line += o->line - 1;
		at.loc.col_end =
		    at.loc.col + (err->col_end >= err->col ? err->col_end - err->col + 1 : 1);
		fe_error(L, &at, "%s", err->msg);
	}
	/* as bpftrace prints its C parser's (clang's) errors; tests match it */
	if (L->diag->n > before)
		L->diag->err[before].level = "error";
}

/* A struct the script uses by value without defining it: the kernel's
 * (quietly: without BTF it is only incomplete). */
static bool kernel_outside(void *ctx, bool is_union, const char *name, uint64_t *size,
			   uint32_t *align)
{
	struct fe_btf *k = fe_kernel_btf(ctx, NULL);
	struct fe_btf_type t;
	int id = k ? fe_btf_find(k, name, is_union) : -1;

	if (id < 0 || fe_btf_type(k, (__u32)id, &t))
		return false;
	*size = t.size;
	*align = fe_btf_align(k, (__u32)id);
	return true;
}

/* pton()'s values, uint8[4] and uint8[16] as bpftrace types them, added
 * after the script's own types (their ids in L->pton_type; 0 when not). */
static void add_pton_arrays(struct lower *L, struct btf *b)
{
	int u8 = btf__add_int(b, "uint8", 1, 0),
	    index = btf__add_int(b, "__ARRAY_SIZE_TYPE__", 4, 0);
	int v4 = u8 > 0 && index > 0 ? btf__add_array(b, index, u8, 4) : -1;
	int v6 = v4 > 0 ? btf__add_array(b, index, u8, 16) : -1;

	if (v6 > 0)
		L->pton_type[0] = tag(FE_TSRC_SCRIPT, (__u32)v4),
		L->pton_type[1] = tag(FE_TSRC_SCRIPT, (__u32)v6);
}

/* A system header's declaration the parser cannot read is left out (all
 * of them, if the error is in none); false if the error is the user's. */
static bool drop_system(struct fe_cpp *cpp, char *text, const struct fe_cdecl_error *err, bool all)
{
	const struct fe_cpp_line *o = origin(cpp, err);
	bool hit = false;

	if (o->file < 0 || !cpp->files[o->file].system)
		return false;
	for (int i = 0; i < cpp->nspans; i++) {
		struct fe_cpp_span *s = &cpp->spans[i];

		if (!all && (err->line - 1 < s->first || err->line - 1 > s->last))
			continue;
		for (size_t k = s->off; k < s->end; k++)
			text[k] = text[k] == '\n' ? '\n' : ' ';
		hit = true;
	}
	return hit || !all ? hit || drop_system(cpp, text, err, true) : false;
}

/* The preprocessed declarations into b: 0, or -1 with err set. */
static int parse(struct fe_cpp *cpp, struct btf **b, char *text, const struct fe_cdecl_env *env,
		 struct fe_cdecl_error *err)
{
	for (int tries = 0;; tries++) {
		if (!(*b = btf__new_empty()))
			return 0; /* told by the caller */
		if (!fe_cdecl_parse(*b, text, env, err))
			return 0;
		btf__free(*b);
		*b = NULL;
		if (tries == 100 || !drop_system(cpp, text, err, tries > 50))
			return -1;
	}
}

/* The script's struct, union, enum and typedef definitions, and its
 * headers', into one BTF the other sources are looked up after (with
 * pton's arrays when the script calls it). */
void fe_types_collect(struct lower *L, const struct fe_list *preamble, bool pton)
{
	char *text = L->cpp && L->cpp->outlen ? strdup(L->cpp->out) : NULL;
	struct btf *b = NULL;
	struct fe_cdecl_error err = {0};
	struct fe_cdecl_env env = {kernel_outside, L};
	const void *raw;
	__u32 len;
	char msg[256];

	fe_btf_close(L->script_btf); /* the first pass's */
	free(L->script_btf_data);
	L->script_btf = NULL, L->script_btf_data = NULL;
	L->pton_type[0] = L->pton_type[1] = 0;
	if (text && parse(L->cpp, &b, text, &env, &err)) {
		tell(L, preamble, &err);
	} else if (text && !b) {
		fe_error(L, NULL, "out of memory");
	} else if (b || (pton && (b = btf__new_empty()))) {
		if (pton)
			add_pton_arrays(L, b);
		if ((raw = btf__raw_data(b, &len)) && (L->script_btf_data = malloc(len))) {
			memcpy(L->script_btf_data, raw, len);
			L->script_btf = fe_btf_from_mem(L->script_btf_data, len, msg, sizeof(msg));
		}
		if (!L->script_btf)
			fe_error(L, NULL, "the script's types: %s",
				 L->script_btf_data ? msg : "out of memory");
	}
	btf__free(b);
	free(text);
}

void fe_types_release(struct lower *L)
{
	for (int i = 0; i < L->ndwarf; i++) {
		struct fe_dwarf_src *s = &L->dwarf[i];

		for (int j = 0; j < s->nold; j++) {
			fe_btf_close(s->old[j].view);
			free(s->old[j].data);
		}
		fe_btf_close(s->view);
		free(s->data);
		fe_dwarf_close(s->d);
	}
	L->ndwarf = 0;
	fe_macros_release(L);
	fe_btf_close(L->btf);
	fe_btf_close(L->script_btf);
	free(L->script_btf_data);
	L->btf = L->script_btf = NULL;
	L->script_btf_data = NULL;
	L->btf_failed = false;
}
