/* From a parsed program to a validated image: probes resolved and
 * expanded, every block generated (twice: the first pass only learns each
 * map's kind and types), maps described for the kernel and the printer. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"
#include "frontend/ufuncs.h"

/* One attach point an attach point of the script expanded to. */
struct point {
	char *name;
	__u32 flags;	   /* TV_PROBE_* */
	char *usdt_args;   /* a usdt location's argument spec, else NULL */
	__u64 usdt_pc;	   /* ... and its address */
	int watch_arg;	   /* a function watchpoint's argument, else -1 */
	struct fe_loc loc; /* the attach point written */
};

struct expand {
	struct lower *L;
	const struct fe_node *at;
	struct point *v;
	int n, cap;
	int written;  /* attach points the block wrote */
	bool globbed; /* the attach point being expanded holds a wildcard */
};

static int add_name(struct expand *x, const char *name)
{
	struct point *pt;

	if (fe_grow(&x->v, &x->cap, x->n, sizeof(*x->v), 8))
		return -1;
	pt = &x->v[x->n];
	*pt = (struct point){.name = strdup(name),
			     .flags = x->globbed ? TV_PROBE_OPTIONAL : 0,
			     .watch_arg = -1,
			     .loc = x->at->loc};
	return pt->name ? (x->n++, 0) : -1;
}

/* An attach point that finds nothing: warned of and left out (the run
 * fails later if nothing at all is left) ... */
#define drop(x, ...) ((void)fe_warn((x)->L, (x)->at, __VA_ARGS__), (void)(x)->L->dropped++)

/* ... an error when it is the only one its probe writes (bpftrace's rule
 * for tracepoints). */
#define not_found(x, ...)                                                                          \
	((x)->written == 1 ? fe_error((x)->L, (x)->at, __VA_ARGS__) : drop(x, __VA_ARGS__))

static int add_tracepoint(const char *cat, const char *ev, void *arg)
{
	char name[512];

	snprintf(name, sizeof(name), "%s:%s:%s", tv_probe_types[TV_PT_tracepoint].name, cat, ev);
	return add_name(arg, name);
}

static void expand_tracepoint(struct expand *x, const char *target)
{
	char cat[256];
	const char *ev = strchr(target, ':');

	if (!ev || ev == target || !ev[1]) {
		fe_error(x->L, x->at, "tracepoint needs category:event, got '%s'", target);
		return;
	}
	snprintf(cat, sizeof(cat), "%.*s", (int)(ev - target), target);
	x->globbed = strpbrk(target, "*?[") != NULL;
	/* scripts name one tracepoint in probe after probe: it is looked up once */
	if (!x->globbed && !strcmp(x->L->last_tp, target)) {
		add_tracepoint(cat, ev + 1, x);
		return;
	}
	if (fe_tracefs_match(cat, ev + 1, add_tracepoint, x) <= 0)
		not_found(x, "tracepoint not found: %s", target);
	else if (!x->globbed)
		snprintf(x->L->last_tp, sizeof(x->L->last_tp), "%s", target);
}

/* usdt:BIN:NAME or usdt:BIN:PROVIDER:NAME (wildcards in both): one attach
 * point per matching location of the binary, its argument spec kept. */
struct usdt_match {
	struct expand *x;
	const char *bin, *prov, *name;
	struct tv_usdt *seen; /* earlier locations (valid while listing), to number the next */
	int nseen;
};

static int add_usdt(void *arg, const struct tv_usdt *u)
{
	struct usdt_match *m = arg;
	struct tv_usdt *seen = realloc(m->seen, (m->nseen + 1) * sizeof(*seen));
	char full[1024];
	__u32 loc = 0;

	if (!seen)
		return -ENOMEM;
	m->seen = seen;
	for (int i = 0; i < m->nseen; i++)
		loc += !strcmp(seen[i].provider, u->provider) && !strcmp(seen[i].name, u->name);
	seen[m->nseen++] = *u;
	if ((m->prov && fnmatch(m->prov, u->provider, 0)) || fnmatch(m->name, u->name, 0))
		return 0;
	snprintf(full, sizeof(full), "%s:%s:%s:%s", tv_probe_types[TV_PT_usdt].name, m->bin,
		 u->provider, u->name);
	if (add_name(m->x, full))
		return -ENOMEM;
	struct point *pt = &m->x->v[m->x->n - 1];

	pt->flags |= loc << TV_PROBE_LOC_SHIFT;
	pt->usdt_pc = u->pc;
	pt->usdt_args = strdup(u->args);
	return pt->usdt_args ? 0 : -ENOMEM;
}

static void expand_usdt(struct expand *x, const char *target)
{
	char spec[512], *c1, *c2;
	struct usdt_match m = {.x = x, .bin = spec};
	struct tv_err err = {0};
	int before = x->n, rc;

	snprintf(spec, sizeof(spec), "%s", target);
	c1 = strchr(spec, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || c1 == spec || !c1[1] || (c2 && !c2[1])) {
		fe_error(x->L, x->at, "usdt needs usdt:PATH:NAME or usdt:PATH:PROVIDER:NAME");
		return;
	}
	*c1 = 0;
	m.prov = c2 ? c1 + 1 : NULL;
	m.name = c2 ? c2 + 1 : c1 + 1;
	if (c2)
		*c2 = 0;
	x->globbed = strpbrk(m.name, "*?[") || (m.prov && strpbrk(m.prov, "*?["));
	if (!x->L->opts || !x->L->opts->usdt)
		rc = tv_err_set(&err, 0,
				"usdt probes need the binary's notes, which nothing reads here");
	else
		rc = x->L->opts->usdt(spec, add_usdt, &m, &err);
	free(m.seen);
	if (rc < 0)
		fe_error(x->L, x->at, "%s", err.msg[0] ? err.msg : "usdt: out of memory");
	else if (x->n == before)
		fe_error(x->L, x->at, "usdt probe not found: %s", target);
}

/* One uprobe:BIN:FUNC named as bpftrace names it: a bare BIN (bash,
 * libc) by the path it resolves to, which the probe builtin and -l show
 * (libc.so.6 is nowhere: bpftrace looks for libc.so.6.so*).  False (as
 * written) when BIN is a path. */
static bool add_resolved(struct expand *x, const char *type, const char *target)
{
	size_t n = strcspn(target, ":");
	char bin[1024], path[1024], full[2304];

	if (!target[n] || n >= sizeof(bin) || memchr(target, '/', n))
		return false;
	snprintf(bin, sizeof(bin), "%.*s", (int)n, target);
	if (!tv_uprobe_find_binary(bin, path, sizeof(path))) {
		fe_error(x->L, x->at, "%s target file '%s' does not exist or is not executable",
			 type, bin);
		return true;
	}
	snprintf(full, sizeof(full), "%s:%s%s", type, path, target + n);
	add_name(x, full);
	return true;
}

/* uprobe:BIN:FUNC with wildcards (not quoted): one attach point per
 * function matched, in each binary matched. */
static bool expand_uprobe(struct expand *x, const char *type, const char *target)
{
	const char *colon = strrchr(target, ':');
	struct fe_ufuncs u = {0};
	struct tv_err err = {0};
	char bin[1024], full[1280];

	if (!colon || strchr(target, '"') || !fe_has_wildcard(target))
		return add_resolved(x, type, target);
	snprintf(bin, sizeof(bin), "%.*s", (int)(colon - target), target);
	x->globbed = true;
	if (fe_ufuncs_find(&u, type, bin, colon + 1, &err))
		fe_error(x->L, x->at, "%s", err.msg);
	else if (!u.n && fe_has_wildcard(bin))
		fe_error(x->L, x->at, "%s target file '%s' does not exist or is not executable",
			 type, bin);
	else if (!u.n) /* as bpftrace, where other functions are found */
		drop(x, "no function matching '%s' in %s", colon + 1, bin);
	for (int i = 0; i < u.n; i++) {
		snprintf(full, sizeof(full), "%s:%s", type, u.v[i].name);
		if (add_name(x, full))
			break;
	}
	fe_ufuncs_free(&u);
	return true;
}

/* One function's watchpoint, named as bpftrace 0.17 names it:
 * TYPE:BIN:FUNC[:N]:LEN:MODE (N: the argument, when not arg0). */
static int add_watch(struct expand *x, const char *type, const struct fe_watch *w, const char *func)
{
	char name[1024], arg[16] = "";

	if (w->arg)
		snprintf(arg, sizeof(arg), ":%d", w->arg);
	snprintf(name, sizeof(name), "%s:%s:%s%s:%s", type, x->L->opts->watch_bin, func, arg,
		 w->len_mode);
	if (add_name(x, name))
		return -1;
	x->v[x->n - 1].flags |= TV_PROBE_DEFERRED;
	x->v[x->n - 1].watch_arg = w->arg;
	return 0;
}

static void expand_watch(struct expand *x, enum tv_probe_type t, const char *target)
{
	const char *type = tv_probe_types[t].name, *bin = x->L->opts->watch_bin;
	struct fe_watch w;
	struct fe_ufuncs u = {0};
	struct tv_err err = {0};

	if (fe_watch_parse(x->L, x->at, type, target, &w))
		return;
	x->globbed = fe_has_wildcard(w.func);
	if (!x->globbed) {
		add_watch(x, type, &w, w.func);
		return;
	}
	if (fe_ufuncs_find(&u, type, bin, w.func, &err))
		fe_error(x->L, x->at, "%s", err.msg);
	else if (!u.n)
		fe_error(x->L, x->at, "No probes matched %s:%s", bin, w.func);
	for (int i = 0; i < u.n && !add_watch(x, type, &w, u.v[i].name + u.v[i].bin_len + 1); i++)
		;
	fe_ufuncs_free(&u);
}

/* The attach point as written, its type's full name first. */
static void add_written(struct expand *x, const struct tv_probe_type_info *pt, const char *text,
			size_t n, const char *target)
{
	char full[512];

	snprintf(full, sizeof(full), "%s%s%s", pt->name, *target || text[n] ? ":" : "", target);
	add_name(x, full);
}

static bool kernel_offers(const struct lower *L, enum tv_feature f)
{
	return f == TV_FEAT_none || !L->opts || !L->opts->has_feature || L->opts->has_feature(f);
}

/* One attach point: its probe type checked, tracepoint and usdt globs expanded. */
static void expand_attach(struct expand *x, const struct fe_node *at)
{
	const char *text, *target;
	size_t n;
	int t;
	const struct tv_probe_type_info *pt;
	char subst[512];

	x->at = at;
	if (fe_attach_params(x->L, at, subst, sizeof(subst)))
		return;
	text = subst, n = strcspn(text, ":");
	t = tv_probe_type_find(text, n);
	pt = t >= 0 ? &tv_probe_types[t] : NULL;
	if (!pt) {
		fe_error(x->L, at, "Invalid probe type: %.*s", (int)n, text);
		return;
	}
	target = text[n] ? text + n + 1 : text + n;
	if (!(pt->flags & TV_PT_HOST) && x->L->opts && x->L->opts->no_kernel) {
		fe_error(x->L, at,
			 "%s probes need root (or CAP_BPF and CAP_PERFMON); without them only "
			 "%s and %s run",
			 pt->name, tv_probe_types[TV_PT_BEGIN].name,
			 tv_probe_types[TV_PT_END].name);
		return;
	}
	if (fe_kprobe_refused(x->L, at, t, target))
		return;
	/* told now, refused when attached: BEGIN runs first and may exit */
	if (!kernel_offers(x->L, pt->needs))
		fe_warn(x->L, at, "%s probes are not available on this kernel: %s", pt->name,
			tv_features[pt->needs].instead);
	switch (t) {
	case TV_PT_usdt: expand_usdt(x, target); break;
	case TV_PT_tracepoint: expand_tracepoint(x, target); break;
	case TV_PT_asyncwatchpoint:
		if (!fe_watch_on_func(target)) {
			fe_error(x->L, at, "%s requires a function name", pt->name);
			break;
		}
		/* fall through */
	case TV_PT_watchpoint:
		if (fe_watch_on_func(target))
			expand_watch(x, t, target);
		else
			add_written(x, pt, text, n, target);
		break;
	case TV_PT_uprobe:
	case TV_PT_uretprobe:
		if (expand_uprobe(x, pt->name, target))
			break;
		/* fallthrough */
	default: add_written(x, pt, text, n, target);
	}
	x->globbed = false;
}

static void free_names(struct expand *x)
{
	for (int i = 0; i < x->n; i++) {
		free(x->v[i].name);
		free(x->v[i].usdt_args);
	}
	free(x->v);
}

/* Code that reads `args` or calls uaddr() depends on the attach point:
 * each one gets its own block. */
static bool per_attach(const struct fe_node *n, void *arg)
{
	(void)arg;
	return (n->kind == TV_N_ident && !strcmp(n->name, "args")) ||
	       (n->kind == TV_N_call && !strcmp(n->call.name, "uaddr"));
}

int fe_probe_index(const struct lower *L, const char *attach)
{
	for (__u32 i = 0; i < L->img->nprobes; i++)
		if (!strcmp(L->img->probes[i].attach, attach))
			return (int)i;
	return (int)L->img->nprobes; /* the one about to be added */
}

/* The session's tables hold so much: told at the probe that goes past. */
static void check_size(struct lower *L, const struct fe_node *p)
{
	if (L->too_large)
		return;
	L->too_large = L->img->ninsns > TV_MAX_INSNS || L->img->nconsts > TV_MAX_CONSTS;
	if (L->img->ninsns > TV_MAX_INSNS)
		fe_error(L, p, "the program is too large: %u instructions, a session holds %d",
			 L->img->ninsns, TV_MAX_INSNS);
	else if (L->img->nconsts > TV_MAX_CONSTS)
		fe_error(L, p,
			 "the program has too many strings and formats: %u, a session holds %d",
			 L->img->nconsts, TV_MAX_CONSTS);
}

/* Does the code at [pc, end) read kernel memory (a READS row of a kernel helper)? */
static bool reads_kernel(const struct tv_image *img, __u32 pc, __u32 end)
{
	for (; pc < end; pc += tv_op_is_wide(img->insns[pc].op) ? 2 : 1) {
		const char *h = tv_op_fault_helper(img->insns[pc].op);

		if (h && strstr(h, "kernel"))
			return true;
	}
	return false;
}

/* One block: predicate, body, every return and a false predicate to EXIT. */
static int gen_probe_block(struct lower *L, const struct fe_node *p, const char *attach,
			   struct fe_tp_format *fmt)
{
	int pc = (int)L->img->ninsns, skip = -1;

	L->nvars = 0, L->scratch_top = 0, L->nregs = 0, L->loop_depth = 0, L->ret.n = 0;
	L->brk = L->cont = NULL;
	L->for_ret = 0, L->for_brk = NULL;
	L->probe_kind = attach;
	L->probe_type = tv_probe_type_of(attach, &L->probe_target);
	L->tp = fmt;
	if (p->probe.pred) {
		int r = fe_gen_int(L, p->probe.pred);

		skip = EMIT(L, JZ, r, 0);
		L->nregs = 0;
	}
	fe_gen_block(L, p->probe.body);
	for (int i = 0; i < L->ret.n; i++)
		fe_patch(L, L->ret.pc[i]);
	if (skip >= 0)
		fe_patch(L, skip);
	EMIT0(L, EXIT);
	check_size(L, p);
	return pc;
}

static int read_format(struct lower *L, const struct fe_node *at, const char *attach,
		       struct fe_tp_format *fmt)
{
	char cat[256], *ev;
	const char *target;
	struct tv_err err;

	tv_probe_type_of(attach, &target);
	snprintf(cat, sizeof(cat), "%s", target);
	ev = strchr(cat, ':');
	if (!ev)
		return -1;
	*ev++ = 0;
	if (fe_tracefs_read_format(cat, ev, fmt, &err)) {
		fe_error(L, at, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* A function watchpoint's setup: uprobe:BIN:FUNC of its name
 * (TYPE:BIN:FUNC[:N]:LEN:MODE), for the watchpoint of probe index watch. */
static void add_watch_setup(struct lower *L, const struct fe_node *p, const char *name, __u32 watch,
			    int arg)
{
	const struct tv_probe *w = &L->img->probes[watch];
	char setup[1024], *end;
	const char *target;
	int id, pc;

	tv_probe_type_of(name, &target);
	snprintf(setup, sizeof(setup), "%s:%s", tv_probe_types[TV_PT_uprobe].name, target);
	for (int i = 0; i < (arg ? 3 : 2) && (end = strrchr(setup, ':')); i++)
		*end = 0;
	pc = fe_gen_watch_setup(L, watch, arg,
				tv_probe_type_of(name, NULL) == TV_PT_asyncwatchpoint);
	if (L->img->nprobes >= TV_MAX_BLOCKS)
		fe_error(L, p, "too many probes (at most %d)", TV_MAX_BLOCKS);
	else if ((id = tv_image_add_probe(L->img, setup, pc)) >= 0) {
		w = &L->img->probes[watch]; /* the table may have moved */
		L->img->probes[id].flags = w->flags & TV_PROBE_OPTIONAL;
		L->img->probes[id].loc = w->loc;
	}
}

static void gen_probe(struct lower *L, const struct fe_node *p)
{
	struct expand x = {.L = L};
	bool args = fe_node_find(p, per_attach, NULL) != NULL, own = args;
	int pc = -1, id;
	/* the format is only read (and this 13 KiB only zeroed) for `args` */
	struct fe_tp_format *fmt = args ? malloc(sizeof(*fmt)) : NULL;

	x.written = p->probe.attach.n;
	for (int i = 0; i < p->probe.attach.n; i++)
		expand_attach(&x, p->probe.attach.v[i]);
	for (int i = 0; i < x.n; i++)
		own |= x.v[i].usdt_args != NULL; /* arguments differ between locations */
	for (int i = 0; (fmt || !args) && i < x.n; i++) {
		const struct point *pt = &x.v[i];
		bool tp = tv_probe_has(pt->name, TV_PT_TRACEFS);

		if (tp && args && read_format(L, p->probe.attach.v[0], pt->name, fmt))
			continue;
		L->usdt_args = pt->usdt_args;
		L->usdt_pc = pt->usdt_pc;
		if (pc < 0 || own)
			pc = gen_probe_block(L, p, pt->name, tp && args ? fmt : NULL);
		L->usdt_args = NULL;
		if (L->img->nprobes >= TV_MAX_BLOCKS)
			fe_error(L, p, "too many probes (at most %d)", TV_MAX_BLOCKS);
		else if ((id = tv_image_add_probe(L->img, pt->name, pc)) >= 0) {
			L->img->probes[id].flags = pt->flags;
			if (tv_probe_has(pt->name, TV_PT_HOST) &&
			    reads_kernel(L->img, (__u32)pc, L->img->ninsns))
				L->img->probes[id].flags |= TV_PROBE_IN_KERNEL;
			L->img->probes[id].loc =
			    (struct tv_srcloc){.line = (__u16)pt->loc.line,
					       .col = (__u16)pt->loc.col,
					       .col_end = (__u16)pt->loc.col_end};
			if (pt->watch_arg >= 0)
				add_watch_setup(L, p, pt->name, (__u32)id, pt->watch_arg);
		}
	}
	free(fmt);
	free_names(&x);
}

static void describe_maps(struct lower *L)
{
	for (int i = 0; i < L->nmaps; i++) {
		struct fe_map *m = &L->maps[i];

		/* read, printed or cleared only; after another error, it may be
		 * that error's probe which assigned it */
		if ((m->kind == TV_MAP__COUNT || m->undefined) && L->final && !L->diag->n)
			fe_error(L, &(struct fe_node){.loc = m->loc}, "Undefined map: %s", m->name);
		struct tv_mapdesc d = {.kind = m->kind == TV_MAP__COUNT ? TV_MAP_int : m->kind,
				       .val_size = 8,
				       .lmin = m->lmin,
				       .lmax = m->lmax,
				       .lstep = m->lstep};
		char ktype[512], vtype[512] = "";

		for (int k = 0; k < m->nkeys; k++)
			d.key_size += m->key[k].size;
		if (m->val.k == TY_TUPLE || m->val.k == TY_RECORD)
			fe_value_type_string(L, m->val, m->val.size, vtype, sizeof(vtype));
		else if (d.kind == TV_MAP_bytes || (d.kind == TV_MAP_int && m->val.k > TY_STR))
			snprintf(vtype, sizeof(vtype), "%c%u", fe_type_char(&m->val), m->val.size);
		if (d.kind == TV_MAP_bytes)
			d.val_size = m->val.size;
		fe_key_type_string(L, m, ktype, sizeof(ktype));
		tv_image_add_map(L->img, m->name, &d, ktype, vtype);
	}
}

static struct tv_image *gen_program(struct lower *L, const struct tv_ast *ast)
{
	const struct fe_list *probes = &ast->root->program.probes;

	L->img = tv_image_new();
	if (!L->img)
		return NULL;
	for (int i = 0; i < L->nmaps; i++)
		L->maps[i].key_too_large = false; /* each pass tells it again */
	fe_macros_collect(L, &ast->root->program.preamble);
	fe_types_collect(L, &ast->root->program.preamble, fe_uses_pton(ast->root));
	L->dropped = 0;
	for (int i = 0; i < probes->n; i++)
		gen_probe(L, probes->v[i]);
	if (L->dropped && !L->img->nprobes)
		fe_error(L, NULL, "No probes to attach");
	describe_maps(L);
	return L->img;
}

/* Pass 1's image stands when no code was made from a map before its kind
 * and types were final, and every map read was also assigned somewhere. */
static bool needs_second_pass(const struct lower *L)
{
	if (L->stale)
		return true;
	for (int i = 0; i < L->nmaps; i++)
		if (L->maps[i].kind == TV_MAP__COUNT)
			return true;
	return false;
}

struct tv_image *tv_compile(const char *text, const char *filename,
			    const struct tv_compile_opts *opts, struct tv_diag *diag)
{
	struct tv_ast *ast = tv_parse(text, filename, diag);
	struct lower *L;
	struct tv_diag scratch;
	struct tv_err err;
	struct tv_image *img = NULL;

	if (!ast)
		return NULL;
	if (fe_check_calls(ast->root, diag)) {
		tv_ast_free(ast);
		return NULL;
	}
	L = calloc(1, sizeof(*L));
	if (L) {
		/* names #defined as expressions are replaced first, for both
		 * passes (what that tells is told once) */
		L->diag = diag, L->opts = opts;
		fe_macros_collect(L, &ast->root->program.preamble);
		fe_macros_expand(L, ast->root);
		/* pass 1 learns every map's kind and types; its errors repeat */
		L->diag = &scratch;
		L->too_large = false;
		tv_diag_init(&scratch);
		img = gen_program(L, ast);
		if (!img || scratch.n || (opts && opts->two_pass) || needs_second_pass(L)) {
			tv_image_free(img);
			L->diag = diag;
			L->final = true;
			L->too_large = false;
			L->btf_failed = false; /* a missing BTF is reported in this pass too */
			img = gen_program(L, ast);
		} else
			memcpy(diag->warn, scratch.warn, sizeof(scratch.warn)),
			    diag->nwarn = scratch.nwarn;
		fe_types_release(L);
	}
	if (img && !diag->n &&
	    tv_image_validate(img, opts && opts->unsafe ? TV_VALIDATE_UNSAFE : 0, &err))
		tv_diag_add(diag, 0, 0, 0, "internal error: invalid bytecode: %s", err.msg);
	if (diag->n) {
		tv_image_free(img);
		img = NULL;
	}
	if (img && tv_image_set_source(img, filename, text))
		tv_diag_add(diag, 0, 0, 0, "out of memory"), tv_image_free(img), img = NULL;
	free(L);
	tv_ast_free(ast);
	return img;
}
