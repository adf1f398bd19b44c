/* -l [PATTERN] and -lv: the probes this kernel offers, as bpftrace lists
 * them ("tracepoint:cat:event", then with -v the args). */
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/dwarf.h"
#include "frontend/frontend.h"
#include "frontend/lexer.h"
#include "frontend/lower.h"

struct lister {
	FILE *f;
	const char *pattern;
	char bin[512]; /* usdt: the binary listed */
	bool verbose;
	int n;
};

/* A probe type's alias in a pattern ("t:", "s:") means its full name. */
static void normalize(const char *pattern, char *out, size_t n)
{
	size_t k = strcspn(pattern, ":");
	int t = pattern[k] ? tv_probe_type_find(pattern, k) : -1;

	if (t >= 0)
		snprintf(out, n, "%s%s", tv_probe_types[t].name, pattern + k);
	else
		snprintf(out, n, "%s", pattern);
}

static int list_tracepoint(const char *cat, const char *ev, void *arg)
{
	struct lister *l = arg;
	char name[512];
	struct fe_tp_format fmt;
	struct tv_err err;

	snprintf(name, sizeof(name), "%s:%s:%s", tv_probe_types[TV_PT_tracepoint].name, cat, ev);
	if (fnmatch(l->pattern, name, 0))
		return 0;
	fprintf(l->f, "%s\n", name);
	l->n++;
	if (l->verbose && !fe_tracefs_read_format(cat, ev, &fmt, &err))
		for (int i = 0; i < fmt.nfields; i++)
			fprintf(l->f, "    %s %s%s\n", fmt.f[i].type, fmt.f[i].name, fmt.f[i].dims);
	return 0;
}

/* A binary's USDT probes, gathered to be listed once each, sorted as
 * bpftrace lists them. */
struct usdts {
	struct lister *l;
	char **v; /* "usdt:BIN:PROVIDER:NAME\0ARGS" */
	int n;
};

static int gather_usdt(void *arg, const struct tv_usdt *u)
{
	struct usdts *g = arg;
	char name[1024], **v;
	int len = snprintf(name, sizeof(name), "%s:%s:%s:%s", tv_probe_types[TV_PT_usdt].name,
			   g->l->bin, u->provider, u->name);

	if (fnmatch(g->l->pattern, name, 0))
		return 0;
	if (!(v = realloc(g->v, (g->n + 1) * sizeof(*v))))
		return -1;
	g->v = v;
	if (!(v[g->n] = malloc(len + strlen(u->args) + 2)))
		return -1;
	memcpy(v[g->n], name, len + 1);
	strcpy(v[g->n++] + len + 1, u->args);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* usdt:BIN:...: the binary's USDT probes. */
static int list_usdts(struct lister *l, const char *target, tv_usdt_fn usdt)
{
	struct tv_err err = {0};
	const char *colon = strchr(target, ':');
	struct usdts g = {l, NULL, 0};

	snprintf(l->bin, sizeof(l->bin), "%.*s", colon ? (int)(colon - target) : 0, target);
	if (!l->bin[0] || strpbrk(l->bin, "*?[") || !usdt)
		return 0; /* no binary named: nothing to read */
	usdt(l->bin, gather_usdt, &g, &err);
	qsort(g.v, g.n, sizeof(*g.v), by_name);
	for (int i = 0; i < g.n; i++) {
		if (!i || strcmp(g.v[i - 1], g.v[i])) {
			fprintf(l->f, "%s\n", g.v[i]);
			if (l->verbose)
				fprintf(l->f, "    %s\n", g.v[i] + strlen(g.v[i]) + 1);
			l->n++;
		}
	}
	for (int i = 0; i < g.n; i++)
		free(g.v[i]);
	free(g.v);
	return l->n;
}

static int by_event_name(const void *a, const void *b)
{
	return strcmp((*(const struct tv_perf_event *const *)a)->name,
		      (*(const struct tv_perf_event *const *)b)->name);
}

/* software:NAME: for each software event, sorted by name as bpftrace lists them. */
static void list_software(struct lister *l)
{
	const struct tv_perf_event *ev[64];
	unsigned n = 0;

	for (unsigned i = 0; i < tv_nperf_events && n < 64; i++)
		if (tv_perf_events[i].type == TV_PT_software)
			ev[n++] = &tv_perf_events[i];
	qsort(ev, n, sizeof(*ev), by_event_name);
	for (unsigned i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s:%s:", tv_probe_types[TV_PT_software].name,
			 ev[i]->name);
		if (!fnmatch(l->pattern, name, 0) && ++l->n)
			fprintf(l->f, "%s\n", name);
	}
}

/* ---- uprobe:BIN:FUNC, uretprobe:BIN:FUNC ---------------------------------- */

struct funcs {
	const char *pattern;
	char **v;
	int n, cap;
	bool nomem;
};

static int gather_func(const char *name, void *arg)
{
	struct funcs *g = arg;

	if (fnmatch(g->pattern, name, 0))
		return 0;
	if (g->n == g->cap) {
		int cap = g->cap ? g->cap * 2 : 64;
		char **v = realloc(g->v, cap * sizeof(*v));

		if (!v)
			return g->nomem = true;
		g->v = v, g->cap = cap;
	}
	if (!(g->v[g->n] = strdup(name)))
		return g->nomem = true;
	g->n++;
	return 0;
}

/* -lv: a function's parameters, "    TYPE NAME" each, as bpftrace prints them */
static void list_params(struct lister *l, struct fe_dwarf *d, const char *func)
{
	struct fe_dwarf_param p[64];
	char err[256];
	int n = fe_dwarf_func_params(d, func, p, 64, err, sizeof(err));

	for (int i = 0; i < n && i < 64; i++)
		fprintf(l->f, "    %s %s\n", p[i].type_name, p[i].name);
}

/* One binary's functions matching func, sorted and each once (a name
 * may be in .symtab and .dynsym). */
static int list_binary_funcs(struct lister *l, const char *type, const char *bin, const char *func,
			     struct tv_err *err)
{
	struct funcs g = {.pattern = func};
	struct fe_dwarf *d = NULL;
	char msg[256];
	int rc = fe_elf_each_func(bin, gather_func, &g, msg, sizeof(msg));

	if (rc || g.nomem)
		rc = tv_err_set(err, 1, "%s", g.nomem ? "out of memory" : msg);
	qsort(g.v, g.n, sizeof(*g.v), by_name);
	if (!rc && l->verbose && g.n && !strcmp(type, tv_probe_types[TV_PT_uprobe].name) &&
	    !(d = fe_dwarf_open(bin, msg, sizeof(msg))))
		fprintf(stderr, "WARNING: %s, cannot show parameter info\n", msg);
	for (int i = 0; i < g.n; i++) {
		if (!rc && (!i || strcmp(g.v[i - 1], g.v[i]))) {
			fprintf(l->f, "%s:%s:%s\n", type, bin, g.v[i]);
			if (d)
				list_params(l, d, g.v[i]);
			l->n++;
		}
	}
	for (int i = 0; i < g.n; i++)
		free(g.v[i]);
	free(g.v);
	fe_dwarf_close(d);
	return rc;
}

/* As a uprobe finds its binary: a path as given, a bare name in $PATH. */
static bool find_binary(const char *bin, char *out, size_t n)
{
	const char *dirs = getenv("PATH"), *end;

	if (strchr(bin, '/') || !access(bin, F_OK)) /* libraries are not executable */
		return snprintf(out, n, "%s", bin), !access(bin, F_OK);
	for (; dirs && *dirs; dirs = *end ? end + 1 : end) {
		end = dirs + strcspn(dirs, ":");
		snprintf(out, n, "%.*s/%s", (int)(end - dirs), dirs, bin);
		if (!access(out, X_OK))
			return true; /* listed under the path found, as bpftrace does */
	}
	return false;
}

/* uprobe:BIN:FUNC with wildcards in BIN (each file that matches) and
 * FUNC; a binary that is not there is an error, as in bpftrace. */
static int list_uprobes(struct lister *l, const char *type, const char *target, struct tv_err *err)
{
	const char *colon = strrchr(target, ':');
	char bin[512], path[1024];
	glob_t gl = {0};
	int rc = 0;

	snprintf(bin, sizeof(bin), "%.*s", colon ? (int)(colon - target) : (int)strlen(target),
		 target);
	if (!bin[0])
		return 0;
	if (!colon)
		return tv_err_set(err, 1, "%s probe type requires 2 arguments", type);
	if (strpbrk(bin, "*?[") && !glob(bin, 0, NULL, &gl)) {
		for (size_t i = 0; !rc && i < gl.gl_pathc; i++)
			rc = list_binary_funcs(l, type, gl.gl_pathv[i], colon + 1, err);
		globfree(&gl);
		return rc;
	}
	if (!find_binary(bin, path, sizeof(path)))
		return tv_err_set(err, 1, "%s target file '%s' does not exist or is not executable",
				  type, bin);
	return list_binary_funcs(l, type, path, colon + 1, err);
}

/* bpftrace reads the pattern as attach points: a character no attach
 * point holds is the lexer's error, with its column. */
static int check_pattern(const char *pattern, struct tv_err *err)
{
	struct fe_arena *a = fe_arena_new();
	struct tv_diag d;
	struct fe_lexer lx;
	struct fe_tok t = {0};

	if (!a)
		return tv_err_set(err, 1, "out of memory");
	tv_diag_init(&d);
	fe_lex_init(&lx, pattern, strlen(pattern), a, &d);
	while (!d.n && fe_lex_next(&lx, TV_LEX_PROBE, &t) && t.kind != TV_T_EOF)
		;
	fe_arena_free(a);
	if (lx.oom)
		return tv_err_set(err, 1, "out of memory");
	if (d.n && err)
		*err = d.err[0];
	return d.n ? -1 : 0;
}

int tv_list_probes(FILE *f, const char *pattern, bool verbose, tv_usdt_fn usdt, struct tv_err *err)
{
	char pat[512];
	struct lister l = {.f = f, .pattern = pat, .verbose = verbose};
	const char *target, *c;
	int t;

	if (pattern && check_pattern(pattern, err))
		return -1;
	normalize(pattern && *pattern ? pattern : "*", pat, sizeof(pat));
	t = tv_probe_type_of(pat, &target);
	if (t == TV_PT_usdt)
		return list_usdts(&l, target, usdt);
	if (t == TV_PT_uprobe || t == TV_PT_uretprobe) {
		int rc = list_uprobes(&l, tv_probe_types[t].name, target, err);

		if (rc && err) /* the whole pattern, as bpftrace underlines it */
			err->col = 1, err->col_end = (int)strlen(pattern);
		return rc ?: l.n;
	}
	/* a pattern naming its category avoids walking every category */
	if (t == TV_PT_tracepoint && (c = strchr(target, ':'))) {
		char cat[256];

		snprintf(cat, sizeof(cat), "%.*s", (int)(c - target), target);
		fe_tracefs_match(cat, "*", list_tracepoint, &l);
	} else {
		fe_tracefs_match("*", "*", list_tracepoint, &l);
	}
	list_software(&l);
	return l.n;
}
