/* A session: one slot in every table, its image written there, its own
 * ring buffer, and everything dropped again when it ends. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel-side/internal.h"

static void close_session(struct tv_kernel *k);
static void release_fds(struct tv_kernel *k);

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct tv_kernel *kernel_new(void)
{
	struct tv_kernel *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->lock_fd = k->ring_fd = -1;
	for (int m = 0; m < KMAP__COUNT; m++)
		k->map_fd[m] = -1;
	for (int p = 0; p < KPROG__COUNT; p++)
		for (int c = 0; c < TV_PROG_COPIES; c++)
			k->prog_fd[p][c] = -1;
	k->ncpus = libbpf_num_possible_cpus();
	return k;
}

/* One batch call where the kernel has it; a key already gone (a probe
 * deleted it) is stepped over. */
static void delete_keys(int fd, const char *keys, __u32 n, __u32 key_size)
{
	for (__u32 i = 0; i < n;) {
		__u32 count = n - i;

		if (!bpf_map_delete_batch(fd, keys + (size_t)i * key_size, &count, NULL))
			return;
		if (errno != ENOENT) {
			for (; i < n; i++)
				bpf_map_delete_elem(fd, keys + (size_t)i * key_size);
			return;
		}
		i += count + 1;
	}
}

/* Delete the entries whose key id matches `id` under `mask`, in bounded
 * time whatever the probes do meanwhile. */
int kmap_delete_where(int fd, __u32 id, __u32 mask)
{
	struct kkeys keys;
	int rc = kmap_keys_where(fd, id, mask, &keys);

	if (!rc)
		delete_keys(fd, keys.keys, keys.n, keys.size);
	kkeys_free(&keys);
	return rc;
}

/* Delete every data-map entry of a slot (its process ended). */
int ksession_purge(struct tv_kernel *k, __u32 slot)
{
	static const enum kmap data[] = {KMAP_agg_s, KMAP_agg_l, KMAP_agg_x, KMAP_val_s,
					 KMAP_val_l, KMAP_val_x, KMAP_upids};

	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++)
		kmap_delete_where(k->map_fd[data[i]], slot << 16, 0xffff0000u);
	kstore_scalar_purge(k, slot);
	return 0;
}

static int claim_slot(struct tv_kernel *k, struct tv_err *err)
{
	int fd = k->map_fd[KMAP_sessions];
	struct tv_sess s;

	for (__u32 i = 0; i < TV_MAX_SESSIONS; i++) {
		if (bpf_map_lookup_elem(fd, &i, &s) || kpin_session_alive(&s))
			continue;
		if (s.live)
			ksession_purge(k, i);
		s = (struct tv_sess){.pid = getpid(),
				     .live = 1,
				     .running = 1,
				     .gen = s.gen + 1,
				     .start_ns = mono_ns(),
				     .pid_start = kpin_pid_start(getpid())};
		if (bpf_map_update_elem(fd, &i, &s, BPF_ANY))
			return tv_err_set(err, 0, "cannot claim a session slot: %s",
					  strerror(errno));
		k->slot = i;
		k->gen = s.gen;
		k->have_slot = true;
		k->info.session = i;
		k->info.cookie0 = kcookie(k, 0);
		return 0;
	}
	return tv_err_set(err, 0, "all %d tracevm session slots are in use", TV_MAX_SESSIONS);
}

static int write_array(int fd, __u32 base, const void *vals, size_t elem, __u32 n)
{
	for (__u32 i = 0; i < n; i++) {
		__u32 key = base + i;
		int rc = bpf_map_update_elem(fd, &key, (const char *)vals + i * elem, BPF_ANY);

		if (rc)
			return rc;
	}
	return 0;
}

static int write_insns(struct tv_kernel *k, const struct tv_image *img)
{
	__u32 n = img->ninsns, *keys = malloc((n + 1) * sizeof(*keys));
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int rc;

	if (!keys)
		return -ENOMEM;
	for (__u32 i = 0; i < n; i++)
		keys[i] = k->slot * TV_MAX_INSNS + i;
	rc = n ? bpf_map_update_batch(k->map_fd[KMAP_insns], keys, img->insns, &n, &opts) : 0;
	free(keys);
	return rc;
}

/* Two probes on one attach point: the same text, and for usdt the same
 * location of it. */
static int point_cmp(const struct tv_probe *p, __u32 x, __u32 y)
{
	int c = strcmp(p[x].attach, p[y].attach);
	__u32 lx = TV_PROBE_LOC(p[x].flags), ly = TV_PROBE_LOC(p[y].flags);

	return c ? c : (lx > ly) - (lx < ly);
}

static int by_attach(const void *a, const void *b, void *img)
{
	const struct tv_probe *p = ((const struct tv_image *)img)->probes;
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;
	int c = point_cmp(p, x, y);

	return c ? c : (x > y) - (x < y);
}

/* Probes sharing an attach point run as one chain: next[i] is the probe
 * after i on its attach point (or -1), first[i] says i heads its chain.
 * Sorted, so thousands of probes cost n log n, not n^2. */
int kchain_build(const struct tv_image *img, int *next, bool *first)
{
	__u32 n = img->nprobes, *order = malloc((n + 1) * sizeof(*order));

	if (!order)
		return -ENOMEM;
	for (__u32 i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), by_attach, (void *)img);
	for (__u32 i = 0; i < n; i++) {
		bool same_prev = i && !point_cmp(img->probes, order[i - 1], order[i]);
		bool same_next = i + 1 < n && !point_cmp(img->probes, order[i], order[i + 1]);

		first[order[i]] = !same_prev;
		next[order[i]] = same_next ? (int)order[i + 1] : -1;
	}
	free(order);
	return 0;
}

/* One program cannot be attached twice to a tracepoint: blocks on one
 * attach point run as a chain (EXIT continues with `next`). */
static int write_blocks(struct tv_kernel *k, const struct tv_image *img)
{
	__u32 n = img->nprobes, base = k->slot * TV_MAX_BLOCKS;
	struct tv_block *b = calloc(n + 1, sizeof(*b));
	int *next = calloc(n + 1, sizeof(*next)), rc = -ENOMEM;
	bool *first = calloc(n + 1, sizeof(*first));

	if (b && next && first && !kchain_build(img, next, first)) {
		for (__u32 i = 0; i < n; i++)
			b[i] = (struct tv_block){.pc = img->probes[i].pc,
						 .sess = k->slot,
						 .probe = i,
						 .next = next[i] < 0 ? 0 : base + next[i] + 1};
		rc = write_array(k->map_fd[KMAP_blocks], base, b, sizeof(*b), n);
	}
	free(b);
	free(next);
	free(first);
	return rc;
}

static int write_consts(struct tv_kernel *k, const struct tv_image *img)
{
	for (__u32 i = 0; i < img->nconsts; i++) {
		struct tv_kconst c = {.len = img->consts[i].len};
		int rc;

		if (c.len > TV_CONST_MAX)
			c.len = TV_CONST_MAX; /* the validator keeps SCONST within this */
		memcpy(c.data, img->consts[i].data, c.len);
		rc = write_array(k->map_fd[KMAP_consts], k->slot * TV_MAX_CONSTS + i, &c, sizeof(c),
				 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int write_mapdescs(struct tv_kernel *k, const struct tv_image *img)
{
	for (__u32 i = 0; i < img->nmaps; i++) {
		int rc = write_array(k->map_fd[KMAP_mapdescs], k->slot * TV_MAX_MAPS + i,
				     &img->maps[i].d, sizeof(img->maps[i].d), 1);
		if (rc)
			return rc;
	}
	return 0;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct tv_kernel *k = ctx;
	const struct tv_rec *h = data;

	if (size < sizeof(*h) || sizeof(*h) + h->len > size || !k->on_record)
		return 0;
	return k->on_record(h, h + 1, k->on_record_arg);
}

/* The raw syscall: libbpf's bpf_map_create() first probes the kernel by
 * loading a throwaway program, and a warm start must load none. */
static int create_ringbuf(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_RINGBUF;
	attr.max_entries = TV_RINGBUF_SIZE;
	memcpy(attr.map_name, "tv_ring", 8);
	return syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

/* Each slot keeps its ring buffer pinned: putting a new one into the
 * array-of-maps costs a synchronize_rcu (10-15 ms) at every start. */
static int open_ring(struct tv_kernel *k)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/ring_%u", k->dir, k->slot);
	k->ring_fd = bpf_obj_get(path);
	if (k->ring_fd >= 0 && !ktrust_ring(k->dir, path + strlen(k->dir) + 1, k->ring_fd,
					    k->map_fd[KMAP_rings], k->slot)) {
		close(k->ring_fd);
		unlink(path); /* not the slot's: made anew */
		k->ring_fd = -1;
	}
	if (k->ring_fd < 0) {
		k->ring_fd = create_ringbuf();
		if (k->ring_fd < 0)
			return -errno;
		if (bpf_map_update_elem(k->map_fd[KMAP_rings], &k->slot, &k->ring_fd, BPF_ANY) ||
		    bpf_obj_pin(k->ring_fd, path))
			return -errno;
	}
	k->rb = ring_buffer__new(k->ring_fd, on_sample, k, NULL);
	if (!k->rb)
		return -errno;
	/* records a dead previous owner of the slot left behind */
	ring_buffer__consume(k->rb);
	return 0;
}

int tv_kernel_open(struct tv_kernel **out, struct tv_err *err)
{
	struct tv_kernel *k = kernel_new();
	int rc;

	*out = NULL;
	if (!k)
		return tv_err_set(err, 0, "out of memory");
	if ((rc = kpin_lock(k))) {
		tv_err_set(err, 0, "cannot take the tracevm lock: %s", strerror(-rc));
		goto fail;
	}
	rc = kpin_open_maps(k, err);
	rc = rc ?: claim_slot(k, err);
	kpin_unlock(k);
	if (rc)
		goto fail;
	kstore_init(k);
	*out = k;
	return 0;
fail:
	tv_kernel_close(k);
	return rc;
}

/* The host's wishes for the session's runs, in its sessions entry (no
 * probe of the session is attached yet: nothing else writes it). */
static int write_session_flags(struct tv_kernel *k)
{
	int fd = k->map_fd[KMAP_sessions];
	struct tv_sess s;

	if (bpf_map_lookup_elem(fd, &k->slot, &s))
		return -errno;
	s.helper_checks = (__u32)k->helper_checks;
	return bpf_map_update_elem(fd, &k->slot, &s, BPF_EXIST) ? -errno : 0;
}

/* ... of its own, or a map helper's failure at the -k level asked for */
static bool sends_records(const struct tv_image *img, int helper_checks)
{
	int level;

	for (__u32 pc = 0; pc < img->ninsns; pc++)
		if (tv_op_sends_records(img->insns[pc].op) ||
		    (tv_op_checked_helper(img->insns[pc].op, &level) && level <= helper_checks))
			return true;
	return false;
}

int tv_kernel_load(struct tv_kernel *k, const struct tv_image *img, struct tv_err *err)
{
	int rc = tv_image_validate(img, k->unsafe ? TV_VALIDATE_UNSAFE : 0, err);

	if (rc)
		return rc;
	k->img = img;
	k->store.base.img = img;
	/* a program that sends no records needs no ring buffer (the first one
	 * of a slot costs an RCU grace period to install) */
	if (sends_records(img, k->helper_checks) && !k->rb && (rc = open_ring(k)))
		return tv_err_set(err, 0, "cannot create the ring buffer: %s", strerror(-rc));
	/* the errors attaching would meet that can be known now (a uprobe's
	 * binary or function missing): before anything is attached */
	if ((rc = kattach_check_all(k, err)))
		return rc;
	rc = write_insns(k, img);
	rc = rc ?: write_mapdescs(k, img);
	rc = rc ?: write_consts(k, img);
	rc = rc ?: write_blocks(k, img);
	rc = rc ?: write_session_flags(k);
	if (rc)
		return tv_err_set(err, 0, "writing the program tables failed: %s", strerror(-rc));
	return 0;
}

void tv_kernel_set_target(struct tv_kernel *k, int pid)
{
	k->target_pid = pid;
}

void tv_kernel_set_unsafe(struct tv_kernel *k, bool on)
{
	k->unsafe = on;
}

void tv_kernel_set_helper_checks(struct tv_kernel *k, int level)
{
	k->helper_checks = level;
}

void tv_kernel_info(const struct tv_kernel *k, struct tv_kernel_info *info)
{
	*info = k->info;
	info->pin_dir = k->dir;
}

int tv_kernel_poll(struct tv_kernel *k, int timeout_ms, tv_record_fn fn, void *arg)
{
	int rc;

	k->on_record = fn;
	k->on_record_arg = arg;
	if (!k->rb) { /* nothing can arrive: just wait (a signal ends it) */
		struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};

		nanosleep(&ts, NULL);
		return 0;
	}
	/* printf records arrive without a wake-up: read what is there first,
	 * then wait, then read again whatever came in meanwhile */
	rc = ring_buffer__consume(k->rb);
	if (rc != 0 || timeout_ms == 0)
		return rc;
	rc = ring_buffer__poll(k->rb, timeout_ms);
	if (rc == 0 || rc == -EINTR)
		rc = ring_buffer__consume(k->rb);
	return rc == -EINTR ? 0 : rc;
}

static int set_running(struct tv_kernel *k, bool on)
{
	struct tv_sess s;
	int was;

	if (!k->have_slot || bpf_map_lookup_elem(k->map_fd[KMAP_sessions], &k->slot, &s))
		return -1;
	was = s.running;
	s.running = on;
	bpf_map_update_elem(k->map_fd[KMAP_sessions], &k->slot, &s, BPF_ANY);
	return was;
}

/* END runs after the session is stopped: running again for just that run
 * (an attached probe firing meanwhile runs too, as it could before END). */
static int test_run_even_stopped(struct tv_kernel *k, int fd, struct bpf_test_run_opts *opts,
				 struct tv_err *err)
{
	int was = set_running(k, true), rc;

	rc = bpf_prog_test_run_opts(fd, opts);
	if (was == 0)
		set_running(k, false);
	if (rc)
		return tv_err_set(err, 0, "BPF_PROG_TEST_RUN failed: %s", strerror(errno));
	return 0;
}

int tv_kernel_test_run(struct tv_kernel *k, __u32 probe, const void *ctx, size_t len,
		       struct tv_err *err)
{
	__u64 buf[12] = {kcookie(k, probe)};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = buf, .ctx_size_in = sizeof(buf));
	int fd = kpin_prog(k, KPROG_tv_test, 0, err);

	if (fd < 0)
		return fd;
	if (len > sizeof(buf) - 8)
		return tv_err_set(err, 0, "test context of %zu bytes is larger than %zu", len,
				  sizeof(buf) - 8);
	memcpy(buf + 1, ctx, len);
	return test_run_even_stopped(k, fd, &opts, err);
}

int tv_kernel_stack(struct tv_kernel *k, __u64 id, __u64 *ips, int max)
{
	__u64 frames[127] = {0};
	__u32 key = (__u32)id;
	int n = 0;

	if ((__s64)id < 0 || bpf_map_lookup_elem(k->map_fd[KMAP_stacks], &key, frames))
		return 0;
	while (n < max && n < 127 && frames[n])
		ips[n] = frames[n], n++;
	return n;
}

int tv_kernel_counters(struct tv_kernel *k, __u64 *faults, __u64 *lost)
{
	struct tv_sess s;

	if (bpf_map_lookup_elem(k->map_fd[KMAP_sessions], &k->slot, &s))
		return -errno;
	*faults = s.faults;
	*lost = s.lost;
	return 0;
}

/* Stop running the session's blocks at once (one map write); detaching
 * the probes themselves is slow and is left to tv_kernel_close. */
void tv_kernel_stop(struct tv_kernel *k)
{
	set_running(k, false);
}

/* Closing perf-event links waits for RCU grace periods, tens of ms each,
 * serialized in the kernel.  A child takes over the slot and the links and
 * closes them after we are gone; our own closes only drop references.
 * The child waits on a pipe until the slot names it as the owner, so the
 * slot is never seen free while it still holds the session's data. */
static bool hand_off_to_reaper(struct tv_kernel *k)
{
	struct tv_sess s;
	int go[2];
	pid_t child;

	if (!k->nlinks || !k->have_slot ||
	    bpf_map_lookup_elem(k->map_fd[KMAP_sessions], &k->slot, &s) || pipe2(go, O_CLOEXEC))
		return false;
	child = fork();
	if (child < 0) {
		close(go[0]), close(go[1]);
		return false;
	}
	if (child == 0) {
		int null = open("/dev/null", O_RDWR);
		char c;

		close(go[1]);
		kpin_reaping();
		setsid();
		dup2(null, 0), dup2(null, 1), dup2(null, 2);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		close_session(k);
		_exit(0);
	}
	close(go[0]);
	s.pid = child;
	s.pid_start = kpin_pid_start(child);
	s.running = 0;
	bpf_map_update_elem(k->map_fd[KMAP_sessions], &k->slot, &s, BPF_ANY);
	close(go[1]);
	return true;
}

void tv_kernel_close(struct tv_kernel *k)
{
	if (!k)
		return;
	if (hand_off_to_reaper(k)) {
		k->have_slot = false;
		release_fds(k);
		return;
	}
	close_session(k);
}

/* Wait until no program that saw the slot running can still be running:
 * they run under rcu_read_lock, and this membarrier is a synchronize_rcu. */
static int wait_programs_done(void)
{
	return syscall(__NR_membarrier, 0x1 /* MEMBARRIER_CMD_GLOBAL */, 0, 0) ? -errno : 0;
}

/* Stack ids are shared by the sessions (an id is its stack's hash), so none
 * can drop its own: the last one out empties the map, else old stacks fill
 * its buckets and new ones collide (no id: an empty stack printed).  Under
 * the lock, as sessions are claimed: none can start meanwhile. */
static void drop_stacks_if_last(struct tv_kernel *k)
{
	int fd = k->map_fd[KMAP_stacks];
	struct tv_sess s;
	__u32 key;

	if (kpin_lock(k))
		return;
	for (__u32 i = 0; i < TV_MAX_SESSIONS; i++)
		if (i != k->slot && !bpf_map_lookup_elem(k->map_fd[KMAP_sessions], &i, &s) &&
		    kpin_session_alive(&s))
			goto out;
	while (!bpf_map_get_next_key(fd, NULL, &key) && !bpf_map_delete_elem(fd, &key))
		;
out:
	kpin_unlock(k);
}

/* Stop the slot's blocks, drop its data and give the slot back; links still
 * attached carry the slot's old generation and run nothing after it. */
static void free_slot(struct tv_kernel *k)
{
	struct tv_sess none = {.gen = k->gen};

	tv_kernel_stop(k);
	ksession_purge(k, k->slot);
	drop_stacks_if_last(k);
	bpf_map_update_elem(k->map_fd[KMAP_sessions], &k->slot, &none, BPF_ANY);
	k->have_slot = false;
}

/* Free the slot, detach, close everything.  The slot goes first when the
 * kernel can say that no program is still writing its data: a reaper then
 * holds it for one grace period, not for every link's close. */
static void close_session(struct tv_kernel *k)
{
	if (k->have_slot && (!k->nlinks || (tv_kernel_stop(k), !wait_programs_done())))
		free_slot(k);
	kattach_detach_all(k);
	if (k->have_slot)
		free_slot(k);
	release_fds(k);
}

/* Our descriptors and memory, without touching the kernel objects' state. */
static void release_fds(struct tv_kernel *k)
{
	for (int i = 0; i < k->nlinks; i++) {
		close(k->links[i].link_fd);
		if (k->links[i].perf_fd >= 0)
			close(k->links[i].perf_fd);
	}
	free(k->links);
	for (__u32 i = 0; k->utargets && k->img && i < k->img->nprobes; i++)
		free(k->utargets[i].path);
	free(k->utargets);
	free(k->left_out);
	free(k->watched);
	ring_buffer__free(k->rb);
	if (k->ring_fd >= 0)
		close(k->ring_fd);
	for (int m = 0; m < KMAP__COUNT; m++)
		if (k->map_fd[m] >= 0)
			close(k->map_fd[m]);
	for (int p = 0; p < KPROG__COUNT; p++)
		for (int c = 0; c < TV_PROG_COPIES; c++)
			if (k->prog_fd[p][c] >= 0)
				close(k->prog_fd[p][c]);
	kpin_unlock(k);
	free(k);
}
