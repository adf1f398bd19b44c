/* Probe providers: each probe type parses its attach point and attaches the
 * matching entry program with the block's cookie.  Perf-event providers
 * (interval, profile, software, hardware) are in attach_perf.c, tracepoints
 * in attach_tp.c, uprobes in attach_uprobe.c; the one table of providers is here. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "kernel-side/internal.h"

/* What kernel-side does for each probe type (probes.def): check finds a
 * target's errors before anything is loaded or attached; host types (BEGIN,
 * END) have neither.  A type with no attach here cannot be used. */
static const struct provider {
	kattach_fn attach;
	kcheck_fn check;
} providers[TV_PT__COUNT] = {
    [TV_PT_tracepoint] = {kattach_tracepoint, kcheck_tracepoint},
    [TV_PT_rawtracepoint] = {kattach_rawtp, kcheck_rawtp},
    [TV_PT_interval] = {kattach_interval, kcheck_interval},
    [TV_PT_profile] = {kattach_profile, kcheck_profile},
    [TV_PT_software] = {kattach_software, kcheck_software},
    [TV_PT_hardware] = {kattach_hardware, kcheck_hardware},
    [TV_PT_uprobe] = {kattach_uprobe, kcheck_uprobe},
    [TV_PT_uretprobe] = {kattach_uretprobe, kcheck_uretprobe},
    [TV_PT_usdt] = {kattach_usdt, kcheck_usdt},
    [TV_PT_watchpoint] = {kattach_watchpoint, kcheck_watchpoint},
    [TV_PT_asyncwatchpoint] = {kattach_watchpoint, kcheck_watchpoint},
    [TV_PT_kprobe] = {kattach_kprobe, kcheck_kprobe},
    [TV_PT_kretprobe] = {kattach_kretprobe, kcheck_kretprobe},
    [TV_PT_kfunc] = {kcheck_kfunc, kcheck_kfunc},
    [TV_PT_kretfunc] = {kcheck_kfunc, kcheck_kfunc},
};

bool tv_kernel_offers(enum tv_probe_type t)
{
	if ((unsigned)t >= TV_PT__COUNT)
		return false;
	if (tv_probe_types[t].flags & TV_PT_HOST)
		return true;
	/* kfunc's provider refuses every probe: it would need a program per function */
	return providers[t].attach && providers[t].attach != kcheck_kfunc &&
	       tv_kernel_has_feature(tv_probe_types[t].needs);
}

/* The provider of a kernel probe, or NULL with err set. */
static const struct provider *provider_of(const struct kattach *a, struct tv_err *err)
{
	int t = tv_probe_type_of(a->probe, NULL);

	if (t < 0 || !providers[t].attach) {
		tv_err_set(err, 0, "unknown probe type in '%s'", a->probe);
		return NULL;
	}
	return &providers[t];
}

/* Keep link_fd (and perf_fd, or -1) until detach; on failure both are closed. */
int kattach_add_link(struct tv_kernel *k, int link_fd, int perf_fd, const struct kattach *a,
		     struct tv_err *err)
{
	struct link *l = realloc(k->links, (k->nlinks + 1) * sizeof(*l));

	if (!l) {
		close(link_fd);
		if (perf_fd >= 0)
			close(perf_fd);
		return tv_err_set(err, 0, "probe '%s': out of memory", a->probe);
	}
	k->links = l;
	k->links[k->nlinks++] = (struct link){.link_fd = link_fd, .perf_fd = perf_fd};
	return 0;
}

int kattach_perf_open(struct perf_event_attr *attr, int pid, int cpu)
{
	int fd = syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* The first copy of prog that pfd takes (-EEXIST: every copy is attached
 * there already); pfd is kept with the link or left to the caller. */
static int link_first_copy(struct tv_kernel *k, enum kprog prog, int pfd, const struct kattach *a,
			   struct tv_err *err)
{
	for (int copy = 0; copy < TV_PROG_COPIES; copy++) {
		LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = a->cookie);
		int fd = kpin_prog(k, prog, copy, err), lfd;

		if (fd < 0)
			return fd;
		lfd = bpf_link_create(fd, pfd, BPF_PERF_EVENT, &opts);
		if (lfd >= 0)
			return lfd;
		if (errno != EEXIST)
			return tv_err_set(err, 0, "probe '%s': attaching failed: %s", a->probe,
					  strerror(errno));
	}
	return -EEXIST;
}

/* A program can be attached to one tracepoint once, hence the copies;
 * when all are taken, sessions that are ending may still hold some. */
int kattach_perf_link(struct tv_kernel *k, enum kprog prog, int pfd, const struct kattach *a,
		      struct tv_err *err)
{
	int lfd = link_first_copy(k, prog, pfd, a, err);

	if (lfd == -EEXIST && kpin_wait_reapers(KATTACH_REAP_WAIT_MS))
		lfd = link_first_copy(k, prog, pfd, a, err);
	if (lfd >= 0)
		return kattach_add_link(k, lfd, pfd, a, err);
	close(pfd);
	if (lfd == -EEXIST)
		return tv_err_set(err, 0, "probe '%s': too many sessions on one attach point",
				  a->probe);
	return lfd;
}

int kattach_read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

/* A dynamic PMU's type (kprobe, uprobe), and the config bit asking for a
 * return probe. */
int kattach_pmu(const char *dir, bool ret, struct perf_event_attr *attr)
{
	char path[128], buf[64];
	int bit;

	snprintf(path, sizeof(path), "%s/type", dir);
	if (kattach_read_small(path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	attr->type = strtoul(buf, NULL, 10);
	if (!ret)
		return 0;
	snprintf(path, sizeof(path), "%s/format/retprobe", dir);
	if (kattach_read_small(path, buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "config:%d", &bit) != 1 || bit < 0 || bit > 63)
		return -ENOENT;
	attr->config |= 1ULL << bit;
	return 0;
}

static void undo_attach(struct tv_kernel *k);

/* An error met on a probe points at the probe in the source. */
/* A probe of a glob that cannot attach (a tracepoint of the kernel's
 * own, meant for perf): told, and the others attach. */
static void warn_skipped(const struct tv_kernel *k, const struct tv_err *err)
{
	struct tv_err w = {0};

	snprintf(w.msg, sizeof(w.msg), "%.*s: skipped", (int)sizeof(w.msg) - 10, err->msg);
	if (k->warn)
		k->warn(k->warn_arg, &w);
}

static int at_probe(struct tv_err *err, const struct tv_probe *probe, int rc)
{
	err->line = probe->loc.line;
	err->col = probe->loc.col;
	err->col_end = probe->loc.col_end;
	return rc;
}

void tv_kernel_set_warn(struct tv_kernel *k, tv_warn_fn warn, void *arg)
{
	k->warn = warn;
	k->warn_arg = arg;
}

__u32 tv_kernel_left_out(const struct tv_kernel *k)
{
	return k->nleft_out;
}

static bool left_out(const struct tv_kernel *k, __u32 i)
{
	return k->left_out && k->left_out[i];
}

/* A uprobe whose function the binary lacks is left out, as bpftrace
 * drops it, when some other probe of the script is there to run. */
static int leave_out(struct tv_kernel *k, __u32 i, struct tv_err *err, int rc)
{
	const struct tv_image *img = k->img;

	if (rc != -ENOENT || k->nleft_out + 1 >= img->nprobes)
		return rc;
	if (!k->left_out && !(k->left_out = calloc(img->nprobes, sizeof(*k->left_out))))
		return rc;
	k->left_out[i] = true;
	k->nleft_out++;
	if (k->warn)
		k->warn(k->warn_arg, err);
	return 0;
}

int kattach_check_all(struct tv_kernel *k, struct tv_err *err)
{
	const struct tv_image *img = k->img;

	for (__u32 i = 0; i < img->nprobes; i++) {
		const char *target, *attach = img->probes[i].attach;
		struct kattach a = {attach, NULL, 0, i};
		const struct provider *p;
		int rc = 0;

		if (tv_probe_has(attach, TV_PT_HOST) || (img->probes[i].flags & TV_PROBE_OPTIONAL))
			continue;
		/* a type this kernel lacks is refused when attached: BEGIN runs
		 * first, and may end the run (bpftrace's order) */
		if (!tv_kernel_offers(tv_probe_type_of(attach, &target)))
			continue;
		a.target = target;
		if (!(p = provider_of(&a, err)))
			return at_probe(err, &img->probes[i], -EINVAL);
		if ((rc = p->check(k, &a, err)) &&
		    (rc = leave_out(k, i, (at_probe(err, &img->probes[i], rc), err), rc)))
			return rc;
	}
	return 0;
}

int tv_kernel_attach(struct tv_kernel *k, struct tv_err *err)
{
	const struct tv_image *img = k->img;
	__u32 np = img ? img->nprobes : 0;
	int *next = calloc(np + 1, sizeof(*next)), n = 0;
	bool *first = calloc(np + 1, sizeof(*first));

	if (!next || !first || (img && kchain_build(img, next, first))) {
		free(next);
		free(first);
		return tv_err_set(err, 0, "out of memory");
	}
	for (__u32 i = 0; i < np; i++) {
		const char *target, *attach = img->probes[i].attach;
		struct kattach a = {attach, NULL, kcookie(k, i), i};
		const struct provider *p;
		int rc;

		/* a deferred watchpoint waits for its setup's address */
		if (tv_probe_has(attach, TV_PT_HOST) ||
		    (img->probes[i].flags & TV_PROBE_DEFERRED) || left_out(k, i))
			continue;
		if (!first[i])
			continue; /* runs after the first block on the same attach point */
		tv_probe_type_of(attach, &target);
		a.target = target;
		p = provider_of(&a, err);
		rc = p ? p->attach(k, &a, err) : -EINVAL;
		if (rc && (img->probes[i].flags & TV_PROBE_OPTIONAL)) {
			warn_skipped(k, err);
			continue;
		}
		if (rc) {
			undo_attach(k);
			n = at_probe(err, &img->probes[i], rc);
			break;
		}
		n++;
	}
	free(next);
	free(first);
	return n;
}

#define DETACH_THREADS 32

struct detacher {
	struct link *links;
	int n, first, stride;
};

static void *detach_some(void *arg)
{
	struct detacher *d = arg;

	for (int i = d->first; i < d->n; i += d->stride) {
		close(d->links[i].link_fd);
		if (d->links[i].perf_fd >= 0)
			close(d->links[i].perf_fd);
	}
	return NULL;
}

/* Each close waits for an RCU grace period (20-80 ms here): closed from
 * several threads at once, the waits overlap instead of adding up. */
void kattach_detach_all(struct tv_kernel *k)
{
	int nt = k->nlinks < DETACH_THREADS ? k->nlinks : DETACH_THREADS;
	struct detacher d[DETACH_THREADS];
	pthread_t th[DETACH_THREADS];
	bool running[DETACH_THREADS] = {false};

	for (int t = 0; t < nt; t++) {
		d[t] = (struct detacher){k->links, k->nlinks, t, nt};
		/* thread 0's share is closed here; a thread that cannot start
		 * has its share closed here too */
		if (t)
			running[t] = !pthread_create(&th[t], NULL, detach_some, &d[t]);
	}
	for (int t = 0; t < nt; t++)
		if (!running[t])
			detach_some(&d[t]);
	for (int t = 1; t < nt; t++)
		if (running[t])
			pthread_join(th[t], NULL);
	free(k->links);
	k->links = NULL;
	k->nlinks = 0;
}

/* A failed attach: up to one round of parallel closes (one RCU grace
 * period) is undone here, before the error is printed; more than that
 * (thousands of wildcard links take seconds) is left to the session's
 * reaper, as on a normal exit, with the blocks stopped at once. */
static void undo_attach(struct tv_kernel *k)
{
	if (k->nlinks <= DETACH_THREADS)
		kattach_detach_all(k);
	else
		tv_kernel_stop(k);
}

void tv_kernel_detach(struct tv_kernel *k)
{
	kattach_detach_all(k);
}
