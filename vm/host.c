/* What the vm reads of its own process, kept apart from the interpreter so
 * the latter stays a pure function of image, context and store. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "vm/host.h"

/* Mapping granularity: every page size is a multiple of it. */
#define CHUNK 4096u

__u64 vm_host_nsecs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

__u64 vm_host_numa_node(void)
{
	unsigned cpu, node;

	return getcpu(&cpu, &node) ? 0 : node;
}

void vm_host_comm(char comm[TV_COMM_LEN])
{
	FILE *f = fopen("/proc/self/comm", "re");
	char buf[64] = "";

	memset(comm, 0, TV_COMM_LEN);
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
	/* The kernel's comm holds at most 15 chars and always a NUL. */
	memcpy(comm, buf, strnlen(buf, TV_COMM_LEN - 1));
}

/* Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup on unified
 * systems, /sys/fs/cgroup/unified on hybrid ones; mountinfo says which. */
static int cgroup2_root(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[PATH_MAX];
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");

		if (sep && !strncmp(sep + 3, "cgroup2 ", 8) &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1)
			found = snprintf(out, size, "%s", mnt) < (int)size;
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

/* The "0::<path>" line of /proc/self/cgroup. */
static int cgroup2_path(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[PATH_MAX + 8];
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		found = snprintf(out, size, "%s", line + 3) < (int)size;
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

__u64 vm_host_cgroup_id(void)
{
	char root[PATH_MAX], path[PATH_MAX], full[2 * PATH_MAX];
	struct stat st;

	if (cgroup2_root(root, sizeof(root)) || cgroup2_path(path, sizeof(path)))
		return 0;
	snprintf(full, sizeof(full), "%s%s", root, path);
	/* kernfs inode numbers are the cgroup ids bpf_get_current_cgroup_id()
	 * returns. */
	return stat(full, &st) ? 0 : (__u64)st.st_ino;
}

/* process_vm_readv() on ourselves checks the address like a kernel
 * probe read does, where a plain memcpy would crash on a bad pointer. */
int vm_host_read(void *dst, __u64 addr, size_t len)
{
	struct iovec local = {dst, len};
	struct iovec remote = {(void *)(unsigned long)addr, len};

	if (!len)
		return 0;
	if (addr + len < addr)
		return -EFAULT;
	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

/* Page-sized pieces, so a short string at the end of a mapping reads
 * even though the bytes after it are unmapped. */
int vm_host_read_str(void *dst, __u64 addr, size_t size)
{
	unsigned char *d = dst, *nul;
	size_t got = 0, n;

	memset(d, 0, size);
	while (got < size) {
		n = CHUNK - ((addr + got) & (CHUNK - 1));
		if (n > size - got)
			n = size - got;
		if (vm_host_read(d + got, addr + got, n)) {
			memset(d, 0, size);
			return -EFAULT;
		}
		nul = memchr(d + got, 0, n);
		if (nul) {
			memset(nul, 0, size - (size_t)(nul - d));
			return 0;
		}
		got += n;
	}
	if (size)
		d[size - 1] = 0;
	return 0;
}
