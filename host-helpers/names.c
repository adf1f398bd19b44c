/* Names the host resolves when it prints a value, as bpftrace 0.17 does in
 * user space: a uid's user name (username) and a cgroup id's path in each
 * cgroup hierarchy (cgroup_path). */
#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host-helpers/internal.h"

/* Nesting below a mount the walk goes into: deeper cgroups are not found
 * (the kernel's own default limit is far above real trees). */
#define CGROUP_DEPTH 64
#define MAX_HIERARCHIES 32

/* /etc/passwd's first name for uid (bpftrace reads the file, not NSS);
 * "" when there is none. */
void tvh_print_username(FILE *f, __u64 uid)
{
	FILE *pw = fopen("/etc/passwd", "re");
	char line[1024];

	if (!pw)
		return;
	while (fgets(line, sizeof(line), pw)) {
		/* name:password:uid:... (a field may be empty) */
		char *pass = strchr(line, ':'), *id = pass ? strchr(pass + 1, ':') : NULL, *end;

		if (!id || !id[1] || id[1] == ':')
			continue;
		*pass = 0;
		if (strtoull(id + 1, &end, 10) == uid && *end == ':') {
			fputs(line, f);
			break;
		}
	}
	fclose(pw);
}

/* The directory under path (at most depth levels down) whose inode is id:
 * its path after base_len bytes, into out.  1 when found. */
static int find_inode(char *path, size_t base_len, __u64 id, int depth, char *out, size_t n)
{
	size_t len = strlen(path);
	DIR *d = opendir(path);
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		struct stat st;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len + 1 + strlen(de->d_name) >= PATH_MAX)
			continue;
		snprintf(path + len, PATH_MAX - len, "/%s", de->d_name);
		if (!stat(path, &st) && st.st_ino == id) {
			snprintf(out, n, "%s", path + base_len);
			found = 1;
		} else if (depth > 1) {
			found = find_inode(path, base_len, id, depth - 1, out, n);
		}
		path[len] = 0;
	}
	closedir(d);
	return found;
}

/* id's path in the hierarchy mounted at mnt: "/" at its root, "" when
 * it is in none of its cgroups. */
static void path_in(const char *mnt, __u64 id, char *out, size_t n)
{
	char path[PATH_MAX];
	struct stat st;

	out[0] = 0;
	if (!stat(mnt, &st) && st.st_ino == id) {
		snprintf(out, n, "/");
		return;
	}
	snprintf(path, sizeof(path), "%s", mnt);
	find_inode(path, strlen(path), id, CGROUP_DEPTH, out, n);
}

struct hierarchy {
	char name[64];
	char mnt[PATH_MAX];
};

/* unified (cgroup v2) first, the others by name, as bpftrace sorts them */
static int by_name(const void *a, const void *b)
{
	const struct hierarchy *x = a, *y = b;
	int xu = !strcmp(x->name, "unified"), yu = !strcmp(y->name, "unified");

	if (xu != yu)
		return yu - xu;
	return strcmp(x->name, y->name);
}

/* The cgroup mounts of /proc/mounts whose names match filter: a v1
 * hierarchy is named by its mount point's last part, v2 is "unified". */
static int hierarchies(const char *filter, struct hierarchy *h, int max)
{
	FILE *m = fopen("/proc/mounts", "re");
	char line[4096], src[16], mnt[PATH_MAX];
	int n = 0;

	if (!m)
		return 0;
	while (n < max && fgets(line, sizeof(line), m)) {
		const char *base;

		if (sscanf(line, "%15s %4095s", src, mnt) != 2 ||
		    (strcmp(src, "cgroup") && strcmp(src, "cgroup2")))
			continue;
		base = strrchr(mnt, '/');
		base = !strcmp(src, "cgroup2") ? "unified" : base ? base + 1 : mnt;
		if (strlen(base) >= sizeof(h[n].name))
			continue;
		memcpy(h[n].name, base, strlen(base) + 1);
		snprintf(h[n].mnt, sizeof(h[n].mnt), "%s", mnt);
		if (!fnmatch(filter, h[n].name, 0))
			n++;
	}
	fclose(m);
	qsort(h, (size_t)n, sizeof(*h), by_name);
	return n;
}

/* "name:path" for each hierarchy the filter matches that has the id,
 * joined by ','.  Only directories are cgroups: bpftrace 0.17 also takes
 * a file whose inode number happens to be the id (a v1 hierarchy has
 * inode numbers of its own). */
void tvh_print_cgroup_path(FILE *f, const char *filter, __u64 id)
{
	struct hierarchy *h = calloc(MAX_HIERARCHIES, sizeof(*h));
	char path[PATH_MAX];
	int n, shown = 0;

	if (!h)
		return;
	n = hierarchies(filter, h, MAX_HIERARCHIES);
	for (int i = 0; i < n; i++) {
		path_in(h[i].mnt, id, path, sizeof(path));
		if (path[0])
			fprintf(f, "%s%s:%s", shown++ ? "," : "", h[i].name, path);
	}
	free(h);
}
