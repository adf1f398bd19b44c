/* tracefs: format files and event globbing. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/tracefs.h"

/* Looked up once: every probe of a script asks (a tracefs lookup costs
 * microseconds).  A root that is not mounted yet is looked for again. */
const char *fe_tracefs_root(void)
{
	static const char *const roots[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
	static const char *found;

	for (size_t i = 0; !found && i < sizeof(roots) / sizeof(roots[0]); i++) {
		char path[64];

		snprintf(path, sizeof(path), "%s/events", roots[i]);
		if (!access(path, R_OK))
			found = roots[i];
	}
	return found;
}

/* "field:const char * filename;\toffset:24;\tsize:8;\tsigned:0;" */
static int parse_field(const char *line, struct fe_tp_field *f)
{
	const char *decl = strstr(line, "field:"), *end, *name;
	const char *off = strstr(line, "offset:"), *size = strstr(line, "size:");
	const char *sgn = strstr(line, "signed:");
	size_t n;

	if (!decl || !off || !size || !(end = strchr(decl, ';')))
		return -EINVAL;
	decl += 6;
	memset(f, 0, sizeof(*f));
	/* the name is the last identifier of the declaration, before any [N] */
	name = end;
	while (name > decl && name[-1] == ']')
		while (name > decl && *--name != '[')
			;
	f->is_array = name != end;
	snprintf(f->dims, sizeof(f->dims), "%.*s", (int)(end - name), name);
	n = name - decl;
	while (n && (decl[n - 1] == ' '))
		n--;
	name = decl + n;
	while (name > decl && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
		name--;
	snprintf(f->name, sizeof(f->name), "%.*s", (int)(decl + n - name), name);
	n = name - decl;
	while (n && decl[n - 1] == ' ')
		n--;
	snprintf(f->type, sizeof(f->type), "%.*s", (int)n, decl);
	f->offset = strtoul(off + 7, NULL, 10);
	f->size = strtoul(size + 5, NULL, 10);
	f->is_signed = sgn && sgn[7] == '1';
	f->data_loc = !strncmp(decl, "__data_loc", 10);
	f->is_ptr = strchr(f->type, '*') != NULL;
	return f->name[0] ? 0 : -EINVAL;
}

int fe_tracefs_read_format(const char *cat, const char *event, struct fe_tp_format *out,
			   struct tv_err *err)
{
	const char *root = fe_tracefs_root();
	char path[PATH_MAX], line[512];
	FILE *f;

	out->nfields = 0;
	if (!root)
		return tv_err_set(
		    err, 0, "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, cat, event);
	f = fopen(path, "r");
	if (!f)
		return tv_err_set(err, 0, "tracepoint not found: %s:%s", cat, event);
	while (fgets(line, sizeof(line), f)) {
		struct fe_tp_field fld;

		if (!strstr(line, "field:") || parse_field(line, &fld) ||
		    !strncmp(fld.name, "common_", 7) || out->nfields == TV_TP_MAX_FIELDS)
			continue;
		out->f[out->nfields++] = fld;
	}
	fclose(f);
	return 0;
}

const struct fe_tp_field *fe_tp_field_find(const struct fe_tp_format *fmt, const char *name)
{
	for (int i = 0; i < fmt->nfields; i++)
		if (!strcmp(fmt->f[i].name, name))
			return &fmt->f[i];
	return NULL;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Matching entries of dir, sorted; a literal name is checked, not listed. */
static int list_dir(const char *dir, const char *glob, struct dirent ***out)
{
	int n = scandir(dir, out, NULL, by_name), k = 0;

	for (int i = 0; i < n; i++) {
		if ((*out)[i]->d_name[0] != '.' && !fnmatch(glob, (*out)[i]->d_name, 0))
			(*out)[k++] = (*out)[i];
		else
			free((*out)[i]);
	}
	if (n < 0)
		return -errno;
	if (!k) {
		free(*out);
		*out = NULL;
	}
	return k;
}

static int match_events(const char *root, const char *cat, const char *ev_glob,
			int (*fn)(const char *, const char *, void *), void *arg)
{
	char path[PATH_MAX];
	struct dirent **ev;
	int n, found = 0, rc = 0;

	if (!has_glob(ev_glob)) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, cat, ev_glob);
		if (access(path, R_OK))
			return 0;
		return (rc = fn(cat, ev_glob, arg)) < 0 ? rc : 1;
	}
	snprintf(path, sizeof(path), "%s/events/%s", root, cat);
	n = list_dir(path, ev_glob, &ev);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, cat, ev[i]->d_name);
		if (rc >= 0 && !access(path, R_OK)) {
			rc = fn(cat, ev[i]->d_name, arg);
			found++;
		}
		free(ev[i]);
	}
	if (n > 0)
		free(ev);
	return rc < 0 ? rc : found;
}

int fe_tracefs_match(const char *cat_glob, const char *event_glob,
		     int (*fn)(const char *cat, const char *event, void *arg), void *arg)
{
	const char *root = fe_tracefs_root();
	char path[PATH_MAX];
	struct dirent **cats;
	int n, total = 0, rc = 0;

	if (!root)
		return 0;
	if (!has_glob(cat_glob))
		return match_events(root, cat_glob, event_glob, fn, arg);
	snprintf(path, sizeof(path), "%s/events", root);
	n = list_dir(path, cat_glob, &cats);
	for (int i = 0; i < n; i++) {
		/* ftrace's own events (ftrace:function...) have format files but
		 * no perf tracepoint behind them: available_events leaves them out,
		 * and so does a wildcard. */
		if (!rc && strcmp(cats[i]->d_name, "ftrace")) {
			int k = match_events(root, cats[i]->d_name, event_glob, fn, arg);

			if (k < 0)
				rc = k;
			else
				total += k;
		}
		free(cats[i]);
	}
	if (n > 0)
		free(cats);
	return rc ? rc : total;
}
