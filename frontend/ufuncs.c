/* uprobe:BIN:FUNC with wildcards: the binaries and functions they match
 * (see ufuncs.h). */
#include <elf.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* /etc/ld.so.cache (glibc's "new" format): a header, then entries whose
 * key (the library's name) and value (its path) are offsets in the file. */
#define LDCACHE_MAGIC "glibc-ld.so.cache1.1"
#define LDCACHE_HEADER 48 /* magic, nlibs, len_strings, flags, extension, unused */
#define LDCACHE_ENTRY 24  /* flags, key, value, osversion, hwcap */
#define LDCACHE_ELF_LIBC6 0x0003
#define LDCACHE_X8664_LIB64 0x0300

static unsigned get_u32(const unsigned char *p)
{
	unsigned v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The string at off, if the file holds all of it. */
static const char *cache_str(const unsigned char *c, size_t len, unsigned off)
{
	return off < len && memchr(c + off, 0, len - off) ? (const char *)c + off : NULL;
}

/* A libc6 library of this (64-bit) machine's ABI, as bcc's match_so_flags */
static bool is_lib64(unsigned flags)
{
	return (flags & 0xff) == LDCACHE_ELF_LIBC6 && (flags & 0xff00) == LDCACHE_X8664_LIB64;
}

/* As bpftrace (bcc's which_so): the first 64-bit libc6 entry whose name
 * begins with NAME.so ("libc" is libc.so.6; "libc.so.6" and "c" are not
 * found), as the cache writes the path. */
static bool find_library(const char *name, char *out, size_t n)
{
	int fd = open("/etc/ld.so.cache", O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char *c = fd >= 0 && !fstat(fd, &st) ? malloc(st.st_size + 1) : NULL;
	ssize_t got = c ? read(fd, c, st.st_size) : -1;
	size_t len = got > 0 ? (size_t)got : 0, stem = strlen(name);
	unsigned nlibs = len >= LDCACHE_HEADER ? get_u32(c + sizeof(LDCACHE_MAGIC) - 1) : 0;
	bool found = false;

	if (fd >= 0)
		close(fd);
	if (nlibs && memcmp(c, LDCACHE_MAGIC, sizeof(LDCACHE_MAGIC) - 1))
		nlibs = 0;
	for (unsigned i = 0; i < nlibs && !found; i++) {
		const unsigned char *e = c + LDCACHE_HEADER + (size_t)i * LDCACHE_ENTRY;
		const char *key, *path;

		if ((size_t)(e - c) + LDCACHE_ENTRY > len)
			break;
		key = cache_str(c, len, get_u32(e + 4));
		path = cache_str(c, len, get_u32(e + 8));
		found = key && path && is_lib64(get_u32(e)) && !strncmp(key, name, stem) &&
			!strncmp(key + stem, ".so", 3) && (size_t)snprintf(out, n, "%s", path) < n;
	}
	free(c);
	return found;
}

/* As a uprobe finds its binary: a path as given, a bare name in $PATH,
 * else a library in the ld.so.cache. */
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
	return find_library(bin, out, n);
}

bool fe_ufuncs_resolve(const char *bin, char *out, size_t n)
{
	return find_binary(bin, out, n);
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
	} else if (!find_binary(bin, path, sizeof(path))) {
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
