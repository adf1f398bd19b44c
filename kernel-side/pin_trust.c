/* What a pin must be before it is reused.  bpffs is often world-writable
 * and sticky, like /tmp, so any name under it may be another user's:
 * nothing here follows a symbolic link, removal works on opened
 * directories, and a pinned object is reused only when its owner, its mode
 * and the object itself are what this build makes (kernel-side/gen/
 * pin_expect.c reads those from the BPF object at build time). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include <bpf/bpf.h>

#include "kernel-side/internal.h"

#define PIN_DIR_MODE 0700
#define PIN_FILE_MODE 0600

static const struct {
	__u32 type, key_size, value_size, max_entries, flags;
} map_expect[] = {
#define TV_PIN_MAP(n, t, k, v, m, f) [KMAP_##n] = {t, k, v, m, f},
#define TV_PIN_PROG(n, t)
#include "tv_pins.h"
#undef TV_PIN_PROG
#undef TV_PIN_MAP
};

static const __u32 prog_expect[] = {
#define TV_PIN_MAP(n, t, k, v, m, f)
#define TV_PIN_PROG(n, t) [KPROG_##n] = t,
#include "tv_pins.h"
#undef TV_PIN_PROG
#undef TV_PIN_MAP
};

int ktrust_open_bpffs(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct statfs fs;

	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &fs) || fs.f_type != BPF_FS_MAGIC) {
		close(fd);
		return -ENOTDIR;
	}
	return fd;
}

bool ktrust_dir(int bpffs, const char *name)
{
	struct stat st;

	return !fstatat(bpffs, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISDIR(st.st_mode) &&
	       st.st_uid == 0 && (st.st_mode & 07777) == PIN_DIR_MODE;
}

/* Only the entries of the directory that was looked at go: if the name
 * was swapped for another directory meanwhile, nothing is removed. */
static int empty_dir(int bpffs, const char *name, const struct stat *seen)
{
	int fd = openat(bpffs, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_dev != seen->st_dev || st.st_ino != seen->st_ino) {
		close(fd);
		return -ESTALE;
	}
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0); /* a link goes, not what it names */
	closedir(d);
	return 0;
}

int ktrust_remove(int bpffs, const char *name)
{
	struct stat st;
	int rc;

	if (fstatat(bpffs, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(bpffs, name, 0) ? -errno : 0;
	if ((rc = empty_dir(bpffs, name, &st)))
		return rc;
	return unlinkat(bpffs, name, AT_REMOVEDIR) && errno != ENOENT ? -errno : 0;
}

/* A pin file: not a link, root's, readable by root alone. */
static bool pin_file_ok(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !lstat(path, &st) && S_ISREG(st.st_mode) && st.st_uid == 0 &&
	       (st.st_mode & 07777) == PIN_FILE_MODE;
}

bool ktrust_map(const char *dir, const char *name, enum kmap m, int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return pin_file_ok(dir, name) && !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	       info.type == map_expect[m].type && info.key_size == map_expect[m].key_size &&
	       info.value_size == map_expect[m].value_size &&
	       info.max_entries == map_expect[m].max_entries &&
	       info.map_flags == map_expect[m].flags;
}

bool ktrust_prog(const char *dir, const char *name, enum kprog p, const __u8 *tag, int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return pin_file_ok(dir, name) && !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	       info.type == prog_expect[p] && !memcmp(info.tag, tag, BPF_TAG_SIZE);
}

bool ktrust_ring(const char *dir, const char *name, int fd, int rings_fd, __u32 slot)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), id = 0;

	return pin_file_ok(dir, name) && !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	       info.type == BPF_MAP_TYPE_RINGBUF && info.max_entries == TV_RINGBUF_SIZE &&
	       !bpf_map_lookup_elem(rings_fd, &slot, &id) && id == info.id;
}
