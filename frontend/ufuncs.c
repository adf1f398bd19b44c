/* uprobe:BIN:FUNC with wildcards: the binaries and functions they match
 * (see ufuncs.h). */
#include <elf.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/ast.h"
#include "frontend/dwarf.h"
#include "frontend/ufuncs.h"

bool fe_has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

struct gather {
	struct fe_ufuncs *u;
	const char *bin, *func;
};

static int gather_func(const char *name, void *arg)
{
	struct gather *g = arg;
	struct fe_ufuncs *u = g->u;
	size_t len = strlen(g->bin) + strlen(name) + 2;

	if (fnmatch(g->func, name, 0))
		return 0;
	if (fe_grow(&u->v, &u->cap, u->n, sizeof(*u->v), 64))
		return u->nomem = true;
	if (!(u->v[u->n].name = malloc(len)))
		return u->nomem = true;
	snprintf(u->v[u->n].name, len, "%s:%s", g->bin, name);
	u->v[u->n++].bin_len = strlen(g->bin);
	return 0;
}

/* An executable or a shared object (not a relocatable object, not a
 * script), as bpftrace's glob keeps them. */
static bool is_exe_or_so(const char *path)
{
	unsigned char h[EI_NIDENT + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC), type;
	bool ok =
	    fd >= 0 && read(fd, h, sizeof(h)) == (ssize_t)sizeof(h) && !memcmp(h, ELFMAG, SELFMAG);

	if (fd >= 0)
		close(fd);
	if (!ok)
		return false;
	type = h[EI_DATA] == ELFDATA2MSB ? h[EI_NIDENT] << 8 | h[EI_NIDENT + 1]
					 : h[EI_NIDENT + 1] << 8 | h[EI_NIDENT];
	return type == ET_EXEC || type == ET_DYN;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct fe_ufunc *)a)->name, ((const struct fe_ufunc *)b)->name);
}

/* Sorted, and each once (a name may be in .symtab and .dynsym). */
static void sort_unique(struct fe_ufuncs *u)
{
	int k = 0;

	qsort(u->v, u->n, sizeof(*u->v), by_name);
	for (int i = 0; i < u->n; i++) {
		if (k && !strcmp(u->v[k - 1].name, u->v[i].name))
			free(u->v[i].name);
		else
			u->v[k++] = u->v[i];
	}
	u->n = k;
}

static int of_binary(struct fe_ufuncs *u, const char *bin, const char *func, bool quiet,
		     struct tv_err *err)
{
	struct gather g = {u, bin, func};
	char msg[256];
	int rc = fe_elf_each_func(bin, gather_func, &g, msg, sizeof(msg));

	if (u->nomem)
		return tv_err_set(err, 1, "out of memory");
	return rc && !quiet ? tv_err_set(err, 1, "%s", msg) : 0;
}

int fe_ufuncs_find(struct fe_ufuncs *u, const char *type, const char *bin, const char *func,
		   struct tv_err *err)
{
	char path[1024];
	glob_t gl = {0};
	int rc = 0;

	if (fe_has_wildcard(bin)) {
		if (!glob(bin, 0, NULL, &gl))
			for (size_t i = 0; !rc && i < gl.gl_pathc; i++)
				if (is_exe_or_so(gl.gl_pathv[i]))
					rc = of_binary(u, gl.gl_pathv[i], func, true, err);
		globfree(&gl);
	} else if (!tv_uprobe_find_binary(bin, path, sizeof(path))) {
		rc = tv_err_set(err, 1, "%s target file '%s' does not exist or is not executable",
				type, bin);
	} else {
		rc = of_binary(u, path, func, false, err);
	}
	sort_unique(u);
	return rc;
}

void fe_ufuncs_free(struct fe_ufuncs *u)
{
	for (int i = 0; i < u->n; i++)
		free(u->v[i].name);
	free(u->v);
	*u = (struct fe_ufuncs){0};
}
