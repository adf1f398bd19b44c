/* -l [PATTERN] and -lv: the probes this kernel offers, as bpftrace lists
 * them ("tracepoint:cat:event", then with -v the args). */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "frontend/frontend.h"
#include "frontend/lower.h"

/* software events bpftrace knows, as `software:NAME:` */
static const char *const software_events[] = {
    "alignment-faults", "bpf-output",  "context-switches", "cpu-clock",
    "cpu-migrations",	"dummy",       "emulation-faults", "major-faults",
    "minor-faults",	"page-faults", "task-clock",
};

struct lister {
	FILE *f;
	const char *pattern;
	bool verbose;
	int n;
};

/* A probe type's alias in a pattern ("t:", "s:") means its full name. */
static void normalize(const char *pattern, char *out, size_t n)
{
	size_t k = strcspn(pattern, ":");
	const char *full = pattern[k] ? fe_provider_name(pattern, k, NULL) : NULL;

	if (full)
		snprintf(out, n, "%s%s", full, pattern + k);
	else
		snprintf(out, n, "%s", pattern);
}

static int list_tracepoint(const char *cat, const char *ev, void *arg)
{
	struct lister *l = arg;
	char name[512];
	struct tv_tp_format fmt;
	struct tv_err err;

	snprintf(name, sizeof(name), "tracepoint:%s:%s", cat, ev);
	if (fnmatch(l->pattern, name, 0))
		return 0;
	fprintf(l->f, "%s\n", name);
	l->n++;
	if (l->verbose && !tv_tracefs_read_format(cat, ev, &fmt, &err))
		for (int i = 0; i < fmt.nfields; i++)
			fprintf(l->f, "    %s %s%s\n", fmt.f[i].type, fmt.f[i].name, fmt.f[i].dims);
	return 0;
}

int tv_list_probes(FILE *f, const char *pattern, bool verbose)
{
	char pat[512];
	struct lister l = {f, pat, verbose, 0};

	normalize(pattern && *pattern ? pattern : "*", pat, sizeof(pat));
	/* a pattern naming its category avoids walking every category */
	if (!strncmp(pat, "tracepoint:", 11) && strchr(pat + 11, ':')) {
		char cat[256];

		snprintf(cat, sizeof(cat), "%.*s", (int)(strchr(pat + 11, ':') - pat - 11),
			 pat + 11);
		tv_tracefs_match(cat, "*", list_tracepoint, &l);
	} else {
		tv_tracefs_match("*", "*", list_tracepoint, &l);
	}
	for (size_t i = 0; i < sizeof(software_events) / sizeof(software_events[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "software:%s:", software_events[i]);
		if (!fnmatch(pat, name, 0) && ++l.n)
			fprintf(f, "%s\n", name);
	}
	return l.n;
}
