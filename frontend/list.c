/* -l [PATTERN] and -lv: the probes this kernel offers, as bpftrace lists
 * them ("tracepoint:cat:event", then with -v the args). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/dwarf.h"
#include "frontend/frontend.h"
#include "frontend/lexer.h"
#include "frontend/lower.h"
#include "frontend/ufuncs.h"

struct lister {
	FILE *f;
	const char *pattern;
	char bin[512]; /* usdt: the binary listed */
	bool verbose;
	int pid; /* -p */
	tv_usdt_fn usdt;
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

/* software:NAME: and hardware:NAME: for each event of the table, sorted by
 * name as bpftrace lists them.  Hardware events are listed whether or not
 * the machine counts them, as bpftrace lists them. */
static void list_events(struct lister *l, enum tv_probe_type type)
{
	const struct tv_perf_event *ev[64];
	unsigned n = 0;

	for (unsigned i = 0; i < tv_nperf_events && n < 64; i++)
		if (tv_perf_events[i].type == type)
			ev[n++] = &tv_perf_events[i];
	qsort(ev, n, sizeof(*ev), by_event_name);
	for (unsigned i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s:%s:", tv_probe_types[type].name, ev[i]->name);
		if (!fnmatch(l->pattern, name, 0) && ++l->n)
			fprintf(l->f, "%s\n", name);
	}
}

/* ---- uprobe:BIN:FUNC, uretprobe:BIN:FUNC ---------------------------------- */

/* -lv: a function's parameters, "    TYPE NAME" each, as bpftrace prints them */
static void list_params(struct lister *l, struct fe_dwarf *d, const char *func)
{
	struct fe_dwarf_param p[64];
	char err[256];
	int n = fe_dwarf_func_params(d, func, p, 64, err, sizeof(err));

	for (int i = 0; i < n && i < 64; i++)
		fprintf(l->f, "    %s %s\n", p[i].type_name, p[i].name);
}

/* Each match, with -v (uprobes) its parameters from its binary's DWARF,
 * which is opened once a binary. */
static void print_ufuncs(struct lister *l, const char *type, const struct fe_ufuncs *u)
{
	bool params = l->verbose && !strcmp(type, tv_probe_types[TV_PT_uprobe].name);
	struct fe_dwarf *d = NULL;
	char bin[1024] = "", msg[256];

	for (int i = 0; i < u->n; i++) {
		const struct fe_ufunc *m = &u->v[i];

		fprintf(l->f, "%s:%s\n", type, m->name);
		l->n++;
		if (params && (strlen(bin) != m->bin_len || strncmp(bin, m->name, m->bin_len))) {
			snprintf(bin, sizeof(bin), "%.*s", (int)m->bin_len, m->name);
			fe_dwarf_close(d);
			if (!(d = fe_dwarf_open(bin, msg, sizeof(msg))))
				fprintf(stderr, "WARNING: %s, cannot show parameter info\n", msg);
		}
		if (params && d)
			list_params(l, d, m->name + m->bin_len + 1);
	}
	fe_dwarf_close(d);
}

/* uprobe:BIN:FUNC with wildcards in BIN (each file that matches) and
 * FUNC; with -p, uprobe:FUNC is the process's executable as bpftrace
 * reaches it (/proc/PID/root/...); a binary that is not there is an error,
 * as in bpftrace. */
static int list_uprobes(struct lister *l, const char *type, const char *target, struct tv_err *err)
{
	const char *colon = strrchr(target, ':');
	char bin[1024], exe[512];
	struct fe_ufuncs u = {0};
	ssize_t n;
	int rc;

	if (!colon && l->pid > 0) {
		snprintf(bin, sizeof(bin), "/proc/%d/exe", l->pid);
		if ((n = readlink(bin, exe, sizeof(exe) - 1)) < 0)
			return tv_err_set(err, 1, "cannot read %s: %s", bin, strerror(errno));
		snprintf(bin, sizeof(bin), "/proc/%d/root%.*s", l->pid, (int)n, exe);
		colon = target - 1;
	} else {
		snprintf(bin, sizeof(bin), "%.*s",
			 colon ? (int)(colon - target) : (int)strlen(target), target);
		if (!bin[0])
			return 0;
		if (!colon)
			return tv_err_set(err, 1, "%s probe type requires 2 arguments", type);
	}
	rc = fe_ufuncs_find(&u, type, bin, colon + 1, err);
	if (!rc)
		print_ufuncs(l, type, &u);
	fe_ufuncs_free(&u);
	return rc;
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

/* A wildcard probe type ("*:BIN:FUNC"): with -p or a path as its second
 * part, bpftrace's user space types; otherwise the kernel's, listed by
 * matching their whole names. */
static bool user_types(const char *pat, int pid)
{
	size_t n = strcspn(pat, ":"), m = pat[n] ? strcspn(pat + n + 1, ":") : 0;
	char type[64];

	snprintf(type, sizeof(type), "%.*s", (int)n, pat);
	return fe_has_wildcard(type) && (pid > 0 || memchr(pat + n, '/', m + 1));
}

static int list_type(struct lister *l, int t, const char *target, struct tv_err *err)
{
	if (t == TV_PT_usdt)
		return list_usdts(l, target, l->usdt);
	return list_uprobes(l, tv_probe_types[t].name, target, err);
}

/* The user space types the wildcard matches, each listed in name order. */
static int list_user_types(struct lister *l, const char *pat, struct tv_err *err)
{
	static const int types[] = {TV_PT_uprobe, TV_PT_usdt}; /* sorted by name */
	size_t n = strcspn(pat, ":");
	char glob[64];
	int rc = 0;

	/* one part alone is what every type's probes are matched against */
	snprintf(glob, sizeof(glob), "%.*s", pat[n] ? (int)n : 1, pat[n] ? pat : "*");
	for (size_t i = 0; !rc && i < sizeof(types) / sizeof(*types); i++)
		if (!fnmatch(glob, tv_probe_types[types[i]].name, 0))
			rc = list_type(l, types[i], pat[n] ? pat + n + 1 : pat, err) < 0;
	return rc ? -1 : l->n;
}

int tv_list_probes(FILE *f, const char *pattern, const struct tv_list_opts *o, struct tv_err *err)
{
	char pat[512];
	struct lister l = {
	    .f = f, .pattern = pat, .verbose = o->verbose, .pid = o->pid, .usdt = o->usdt};
	const char *target, *c;
	int t;

	if (fe_list_is_types(pattern))
		return fe_list_types(f, pattern, o->verbose, err);
	if (pattern && check_pattern(pattern, err))
		return -1;
	normalize(pattern && *pattern && strcmp(pattern, "*") ? pattern : "*:*", pat, sizeof(pat));
	t = tv_probe_type_of(pat, &target);
	if (t < 0 && user_types(pat, l.pid)) {
		int rc = list_user_types(&l, pat, err);

		if (rc < 0 && err)
			err->col = 1, err->col_end = (int)strlen(pattern ? pattern : "");
		return rc;
	}
	if (t == TV_PT_usdt)
		return list_usdts(&l, target, l.usdt);
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
	list_events(&l, TV_PT_hardware);
	list_events(&l, TV_PT_software);
	return l.n;
}
