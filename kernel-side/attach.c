/* Probe providers: each probe type parses its attach point and attaches the
 * matching entry program with the block's cookie. */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "kernel-side/internal.h"

typedef int (*attach_fn)(struct tv_kernel *k, const char *target, __u64 cookie,
			 struct tv_err *err);

static int attach_tracepoint(struct tv_kernel *k, const char *target, __u64 cookie,
			     struct tv_err *err);
static int refuse_kprobe(struct tv_kernel *k, const char *target, __u64 cookie,
			 struct tv_err *err);

/* Probe types by prefix; user-space ones (BEGIN, END) have no attach. */
static const struct provider {
	const char *name, *alias;
	attach_fn attach;
	bool kernel;
} providers[] = {
    {"BEGIN", NULL, NULL, false},
    {"END", NULL, NULL, false},
    {"tracepoint", "t", attach_tracepoint, true},
    {"kprobe", "k", refuse_kprobe, true},
    {"kretprobe", "kr", refuse_kprobe, true},
};

static const struct provider *provider_of(const char *attach, const char **target)
{
	size_t n = strcspn(attach, ":");

	for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
		const struct provider *p = &providers[i];

		if ((strlen(p->name) == n && !strncmp(p->name, attach, n)) ||
		    (p->alias && strlen(p->alias) == n && !strncmp(p->alias, attach, n))) {
			*target = attach[n] ? attach + n + 1 : attach + n;
			return p;
		}
	}
	return NULL;
}

int tv_kernel_probe_is_kernel(const char *attach)
{
	const char *target;
	const struct provider *p = provider_of(attach, &target);

	return !p || p->kernel;
}

static int add_link(struct tv_kernel *k, int link_fd, int perf_fd)
{
	struct link *l = realloc(k->links, (k->nlinks + 1) * sizeof(*l));

	if (!l)
		return -ENOMEM;
	k->links = l;
	k->links[k->nlinks++] = (struct link){link_fd, perf_fd};
	return 0;
}

static int read_tracepoint_id(const char *cat, const char *name)
{
	static const char *const roots[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
	char path[512], buf[32];

	for (size_t i = 0; i < 2; i++) {
		int fd, n;

		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], cat, name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = 0;
			return atoi(buf);
		}
	}
	return -ENOENT;
}

/* A perf event fd plus a bpf link carrying the cookie.  A program can be
 * attached to one tracepoint once: on EEXIST the next copy is tried. */
static int attach_perf(struct tv_kernel *k, enum kprog prog, struct perf_event_attr *attr,
		       int cpu, __u64 cookie, struct tv_err *err)
{
	int pfd = syscall(__NR_perf_event_open, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	if (pfd < 0)
		return tv_err_set(err, 0, "perf_event_open failed: %s", strerror(errno));
	for (int copy = 0; copy < TV_PROG_COPIES; copy++) {
		LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = cookie);
		int fd = kpin_prog(k, prog, copy, err), lfd;

		if (fd < 0)
			break;
		lfd = bpf_link_create(fd, pfd, BPF_PERF_EVENT, &opts);
		if (lfd >= 0)
			return add_link(k, lfd, pfd);
		if (errno != EEXIST) {
			tv_err_set(err, 0, "attaching failed: %s", strerror(errno));
			break;
		}
	}
	close(pfd);
	return err->msg[0] ? -EINVAL : tv_err_set(err, 0, "too many sessions on one tracepoint");
}

static int attach_tracepoint(struct tv_kernel *k, const char *target, __u64 cookie,
			     struct tv_err *err)
{
	char cat[256], *name;
	struct perf_event_attr attr = {.type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr),
				       .sample_period = 1, .wakeup_events = 1};
	int id;

	snprintf(cat, sizeof(cat), "%s", target);
	name = strchr(cat, ':');
	if (!name || !name[1] || !cat[0])
		return tv_err_set(err, 0, "tracepoint needs category:name, got '%s'", target);
	*name++ = 0;
	id = read_tracepoint_id(cat, name);
	if (id < 0)
		return tv_err_set(err, 0, "tracepoint not found: %s:%s", cat, name);
	attr.config = id;
	memset(err, 0, sizeof(*err));
	return attach_perf(k, KPROG_tv_tp, &attr, 0, cookie, err);
}

static int refuse_kprobe(struct tv_kernel *k, const char *target, __u64 cookie,
			 struct tv_err *err)
{
	(void)k, (void)cookie;
	return tv_err_set(err, 0,
			  "kprobes are not available on this kernel (CONFIG_KPROBES is off): "
			  "probe '%s' cannot attach; use a tracepoint (tracepoint:...) or a raw "
			  "tracepoint (rawtracepoint:...) instead",
			  target);
}

int tv_kernel_attach(struct tv_kernel *k, struct tv_err *err)
{
	const struct tv_image *img = k->img;
	int n = 0;

	for (__u32 i = 0; img && i < img->nprobes; i++) {
		const char *target, *attach = img->probes[i].attach;
		const struct provider *p = provider_of(attach, &target);
		bool chained = false;
		int rc;

		if (p && !p->kernel)
			continue;
		if (!p)
			return tv_err_set(err, 0, "unknown probe type in '%s'", attach);
		for (__u32 j = 0; j < i; j++)
			chained |= !strcmp(img->probes[j].attach, attach);
		if (chained)
			continue; /* runs after the first block on the same attach point */
		rc = p->attach(k, target, k->slot * TV_MAX_BLOCKS + i, err);
		if (rc) {
			kattach_detach_all(k);
			return rc;
		}
		n++;
	}
	return n;
}

void kattach_detach_all(struct tv_kernel *k)
{
	for (int i = 0; i < k->nlinks; i++) {
		close(k->links[i].link_fd);
		close(k->links[i].perf_fd);
	}
	free(k->links);
	k->links = NULL;
	k->nlinks = 0;
}

void tv_kernel_detach(struct tv_kernel *k)
{
	kattach_detach_all(k);
}
