/* Tracepoints (a perf event per tracepoint, the entry program linked to
 * it) and raw tracepoints (BPF_RAW_TRACEPOINT_OPEN with a cookie), and the
 * checks that find a missing one before anything is attached. */
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "kernel-side/internal.h"

static const char *const roots[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};

static int read_tracepoint_id(const char *cat, const char *name)
{
	char path[512], buf[32];

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], cat, name);
		if (kattach_read_small(path, buf, sizeof(buf)) > 0)
			return atoi(buf);
	}
	return -ENOENT;
}

/* category:name of a tracepoint probe, split into cat and *name. */
static int split_tracepoint(const struct kattach *a, char *cat, size_t size, char **name,
			    struct tv_err *err)
{
	snprintf(cat, size, "%s", a->target);
	*name = strchr(cat, ':');
	if (!*name || !(*name)[1] || !cat[0])
		return tv_err_set(err, 0, "tracepoint needs category:name, got '%s'", a->target);
	*(*name)++ = 0;
	return 0;
}

static bool trace_event_exists(const char *cat, const char *name)
{
	char path[512];

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], cat, name);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

/* A trace event of that name in any category: one lookup per category
 * directory, no read of the 2000-line event list. */
static bool trace_event_named(const char *name)
{
	for (size_t i = 0; i < 2; i++) {
		char path[512];
		struct dirent *e;
		DIR *d;
		bool found = false;

		snprintf(path, sizeof(path), "%s/events", roots[i]);
		if (!(d = opendir(path)))
			continue;
		while (!found && (e = readdir(d))) {
			snprintf(path, sizeof(path), "%s/%s", e->d_name, name);
			found = e->d_name[0] != '.' && !faccessat(dirfd(d), path, F_OK, 0);
		}
		closedir(d);
		if (found)
			return true;
	}
	return false;
}

int kcheck_tracepoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	char cat[256], *name;
	int rc = split_tracepoint(a, cat, sizeof(cat), &name, err);

	(void)k;
	if (!rc && !trace_event_exists(cat, name))
		rc = tv_err_set(err, 0, "tracepoint not found: %s:%s", cat, name);
	return rc;
}

int kattach_tracepoint(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	char cat[256], *name;
	struct perf_event_attr attr = {.type = PERF_TYPE_TRACEPOINT,
				       .size = sizeof(attr),
				       .sample_period = 1,
				       .wakeup_events = 1};
	int id, pfd;

	if ((id = split_tracepoint(a, cat, sizeof(cat), &name, err)))
		return id;
	id = read_tracepoint_id(cat, name);
	if (id < 0)
		return tv_err_set(err, 0, "tracepoint not found: %s:%s", cat, name);
	attr.config = id;
	pfd = kattach_perf_open(&attr, -1, 0);
	if (pfd < 0)
		return tv_err_set(err, 0, "probe '%s': perf_event_open failed: %s", a->probe,
				  strerror(-pfd));
	return kattach_perf_link(k, KPROG_tv_tp, pfd, a, err);
}

/* BPF_RAW_TRACEPOINT_OPEN as of Linux 6.10, which added the cookie after
 * prog_fd (libbpf 1.1 has no API for it). */
struct raw_tp_open_attr {
	__u64 name;
	__u32 prog_fd;
	__u32 pad;
	__u64 cookie;
};

int kattach_raw_tp_open(const char *name, int prog_fd, __u64 cookie)
{
	struct raw_tp_open_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.name = (__u64)(unsigned long)name;
	attr.prog_fd = prog_fd;
	attr.cookie = cookie;
	fd = syscall(__NR_bpf, BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

static int rawtp_error(const struct kattach *a, const char *name, int rc, struct tv_err *err)
{
	if (rc == -ENOENT)
		return tv_err_set(err, 0, "raw tracepoint not found: %s", name);
	return tv_err_set(err, 0, "probe '%s': attaching failed: %s", a->probe, strerror(-rc));
}

/* rawtracepoint:NAME, or rawtracepoint:MODULE:NAME as newer bpftrace
 * writes it (the kernel finds the name in any module). */
int kattach_rawtp(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	const char *name = strrchr(a->target, ':') ? strrchr(a->target, ':') + 1 : a->target;
	int rc = -EEXIST, waited = 0;

	if (!name[0])
		return tv_err_set(err, 0, "rawtracepoint needs a name, got '%s'", a->probe);
	for (int copy = 0; copy < TV_PROG_COPIES && rc == -EEXIST; copy++) {
		int fd = kpin_prog(k, KPROG_tv_rawtp, copy, err);

		if (fd < 0)
			return fd;
		rc = kattach_raw_tp_open(name, fd, a->cookie);
		if (rc >= 0)
			return kattach_add_link(k, rc, -1, a, err);
		/* every copy taken: sessions that are ending may hold some */
		if (rc == -EEXIST && copy == TV_PROG_COPIES - 1 && !waited++ &&
		    kpin_wait_reapers(KATTACH_REAP_WAIT_MS))
			copy = -1;
	}
	if (rc == -EEXIST)
		return tv_err_set(err, 0, "probe '%s': too many sessions on one attach point",
				  a->probe);
	return rawtp_error(a, name, rc, err);
}

/* Raw tracepoints without a trace event (DECLARE_TRACE only) still have
 * their btf_trace_NAME typedef in the kernel's or the module's BTF.
 * Without BTF nothing can be said here: the attach decides. */
static bool btf_has_rawtp(const char *module, const char *name)
{
	struct btf *vmlinux = btf__load_vmlinux_btf(), *mod = NULL;
	char type[320];
	bool found;

	if (!vmlinux)
		return true;
	snprintf(type, sizeof(type), "btf_trace_%s", name);
	found = btf__find_by_name_kind(vmlinux, type, BTF_KIND_TYPEDEF) > 0;
	if (!found && module && (mod = btf__load_module_btf(module, vmlinux)))
		found = btf__find_by_name_kind(mod, type, BTF_KIND_TYPEDEF) > 0;
	btf__free(mod);
	btf__free(vmlinux);
	return found;
}

int kcheck_rawtp(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	const char *colon = strrchr(a->target, ':'), *name = colon ? colon + 1 : a->target;
	char module[64] = "";
	int rc;

	(void)k;
	if (!name[0])
		return tv_err_set(err, 0, "rawtracepoint needs a name, got '%s'", a->probe);
	if ((rc = kfeature_check(TV_FEAT_rawtp_cookie, a, err)))
		return rc;
	if (colon)
		snprintf(module, sizeof(module), "%.*s", (int)(colon - a->target), a->target);
	if (trace_event_named(name) || btf_has_rawtp(module[0] ? module : NULL, name))
		return 0;
	return tv_err_set(err, 0, "raw tracepoint not found: %s", name);
}
