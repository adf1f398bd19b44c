/* -l 'struct NAME', 'union NAME', 'enum NAME' (wildcards allowed): the
 * kernel's types (vmlinux and modules, from BTF), by name, or with -v each
 * definition as bpftrace 0.17 prints it.  bpftrace prints definitions with
 * libbpf's btf_dump, so the same libbpf prints them here, byte for byte. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "frontend/btf.h"
#include "frontend/lower.h"

/* Names or definitions, to be sorted and printed each once. */
struct strs {
	char **v;
	size_t n, cap;
	bool nomem;
};

static void strs_add(struct strs *s, char *str)
{
	if (!str) {
		s->nomem = true;
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			free(str);
			s->nomem = true;
			return;
		}
		s->v = v, s->cap = cap;
	}
	s->v[s->n++] = str;
}

static void strs_free(struct strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* bpftrace's wildcard match (not fnmatch): the pattern split at '*', each
 * piece found at its first place after the one before; the first at the
 * start unless the pattern starts with '*', the last at the end unless it
 * ends with one. */
static bool bt_wildcard_match(const char *str, const char *pat)
{
	size_t next = 0, len = strlen(str), plen = strlen(pat);
	bool first = true;

	for (const char *p = pat; *p; p += *p == '*') {
		size_t n = strcspn(p, "*");
		const char *found = n ? memmem(str + next, len - next, p, n) : NULL;

		if (n && (!found || (first && pat[0] != '*' && found != str)))
			return false;
		if (n)
			next = (size_t)(found - str) + n, first = false;
		p += n;
	}
	return (plen && pat[plen - 1] == '*') || next == len;
}

static const char *kind_word(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: return "struct";
	case BTF_KIND_UNION: return "union";
	case BTF_KIND_ENUM: return "enum"; /* not ENUM64: bpftrace's libbpf lists ENUM only */
	default: return NULL;
	}
}

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

/* The definitions in btf_dump's text: from a line ending in '{' to the
 * line "};", as bpftrace cuts them. */
static void split_defs(struct strs *s, char *text)
{
	char *def = NULL;

	for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		size_t len = (nl = strchr(line, '\n')) ? (size_t)(nl - line) : strlen(line);

		if (!def && len && line[len - 1] == '{')
			def = line;
		else if (def && len == 2 && !strncmp(line, "};", 2)) {
			strs_add(s, strndup(def, (size_t)(line - def) + len + 1));
			def = NULL;
		}
	}
}

/* One BTF object's named structs, unions and enums (ids from first). */
static int types_of(struct strs *s, const struct btf *btf, __u32 first, bool verbose)
{
	char *text = NULL;
	size_t size = 0;
	FILE *ms = verbose ? open_memstream(&text, &size) : NULL;
	struct btf_dump *d = ms ? btf_dump__new(btf, dump_printf, ms, NULL) : NULL;
	int rc = verbose && !d ? -1 : 0;

	for (__u32 id = first, n = btf__type_cnt(btf); !rc && id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *kw = t ? kind_word(t) : NULL, *name;
		char *full;

		if (!kw || !t->name_off || !(name = btf__name_by_offset(btf, t->name_off)))
			continue;
		if (verbose)
			rc = btf_dump__dump_type(d, id);
		else
			strs_add(s, asprintf(&full, "%s %s", kw, name) >= 0 ? full : NULL);
	}
	btf_dump__free(d);
	if (ms && !fclose(ms) && !rc)
		split_defs(s, text);
	free(text);
	return rc;
}

/* vmlinux, then each module's BTF split over it, as bpftrace loads them. */
static int kernel_types(struct strs *s, bool verbose, struct tv_err *err)
{
	struct btf *vmlinux = btf__parse(TV_BTF_VMLINUX, NULL);
	DIR *dir = vmlinux ? opendir("/sys/kernel/btf") : NULL;
	struct dirent *de;
	char path[512];
	int rc;

	if (!vmlinux)
		return tv_err_set(err, 0, "cannot read the kernel's BTF (%s): %s", TV_BTF_VMLINUX,
				  strerror(errno));
	rc = types_of(s, vmlinux, 1, verbose);
	while (!rc && dir && (de = readdir(dir))) {
		struct btf *mod;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		if ((mod = btf__parse_split(path, vmlinux))) {
			rc = types_of(s, mod, btf__type_cnt(vmlinux), verbose);
			btf__free(mod);
		}
	}
	if (dir)
		closedir(dir);
	btf__free(vmlinux);
	return rc ? tv_err_set(err, 0, "printing the kernel's BTF types failed") : 0;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool fe_list_is_types(const char *pattern)
{
	return pattern && !strchr(pattern, ':') &&
	       (!strncmp(pattern, "struct", 6) || !strncmp(pattern, "union", 5) ||
		!strncmp(pattern, "enum", 4));
}

int fe_list_types(FILE *f, const char *pattern, bool verbose, struct tv_err *err)
{
	struct strs s = {0};
	char search[512];
	int rc = kernel_types(&s, verbose, err), n = 0;

	/* with -v the whole definition is matched: "NAME {...}" */
	snprintf(search, sizeof(search), "%s%s", pattern, verbose ? " *{*}*" : "");
	if (!rc && s.nomem)
		rc = tv_err_set(err, 0, "out of memory");
	if (!rc)
		qsort(s.v, s.n, sizeof(*s.v), by_str);
	for (size_t i = 0; !rc && i < s.n; i++)
		if ((!i || strcmp(s.v[i - 1], s.v[i])) && bt_wildcard_match(s.v[i], search) && ++n)
			fprintf(f, "%s\n", s.v[i]);
	strs_free(&s);
	return rc ?: n;
}
