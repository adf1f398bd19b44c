/* Where a uprobe's binary is, as bpftrace 0.17 finds it: one answer for
 * the frontend (names, globs, listing) and kernel-side (attaching). */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytecode.h"

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
bool tv_uprobe_find_binary(const char *bin, char *out, size_t n)
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
