/* Load-or-reuse: the BPF object is verified once, pinned under bpffs in a
 * directory named after the build's ABI hash, and reopened by every later
 * run without BPF_PROG_LOAD.  Programs are loaded on first need. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel-side/internal.h"
#include "tv.skel.h"
#include "tv_abi.h"

#define BPFFS "/sys/fs/bpf"
#define PIN_PREFIX "tracevm-"
#define LOCK_PATH "/run/tracevm.lock"
/* held shared by each reaper while it closes links it no longer has a
 * slot for; --cleanup takes it exclusively to wait for them */
#define REAP_PATH "/run/tracevm.reap"

static const char *const kmap_names[] = {
#define X(n) #n,
    TV_KMAPS(X)
#undef X
};

static const char *const kprog_names[] = {
#define X(n) #n,
    TV_KPROGS(X)
#undef X
};

/* One lock serializes cold loads and session claims across processes;
 * it nests within a process (flock would block on our own second fd). */
int kpin_lock(struct tv_kernel *k)
{
	if (k->lock_depth++)
		return 0;
	k->lock_fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (k->lock_fd < 0 || flock(k->lock_fd, LOCK_EX)) {
		k->lock_depth = 0;
		return -errno;
	}
	return 0;
}

void kpin_unlock(struct tv_kernel *k)
{
	if (--k->lock_depth > 0)
		return;
	if (k->lock_fd >= 0)
		close(k->lock_fd);
	k->lock_fd = -1;
	k->lock_depth = 0;
}

int kpin_reaping(void)
{
	int fd = open(REAP_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0 && flock(fd, LOCK_SH)) {
		close(fd);
		return -errno;
	}
	return fd < 0 ? -errno : fd;
}

static void wait_reapers(void)
{
	int fd = open(REAP_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0) {
		flock(fd, LOCK_EX);
		close(fd);
	}
}

bool kpin_wait_reapers(int ms)
{
	int fd = open(REAP_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	bool done = false;

	for (int waited = 0; fd >= 0 && !done && waited <= ms; waited += 10)
		if (!(done = !flock(fd, LOCK_EX | LOCK_NB)))
			usleep(10000);
	if (fd >= 0)
		close(fd);
	return done;
}

static bool libbpf_verbose;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!libbpf_verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void tv_kernel_set_verbose(bool on)
{
	libbpf_verbose = on;
}

/* A pin directory's name under bpffs. */
static const char *dir_name(const char *dir)
{
	return dir + strlen(BPFFS "/");
}

static bool is_real_dir(int bpffs, const char *name)
{
	struct stat st;

	return !fstatat(bpffs, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISDIR(st.st_mode);
}

/* /proc/PID/stat's starttime: with the pid it names one process for good. */
__u64 kpin_pid_start(__u32 pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT || errno == ESRCH ? 0 : KPIN_START_UNKNOWN;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = 0;
	/* starttime is field 22; fields after the ")" of comm start at 3 */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

/* A process that cannot be looked at (out of descriptors) counts as
 * alive: its slot must not be taken from it. */
bool kpin_session_alive(const struct tv_sess *s)
{
	__u64 start;

	if (!s->live || !s->pid)
		return false;
	start = kpin_pid_start(s->pid);
	return start == KPIN_START_UNKNOWN || start == s->pid_start;
}

/* Sessions alive in a pin directory: PINS_RUNNING when one still runs,
 * PINS_STOPPING when the only ones left are detaching (a reaper). */
enum { PINS_FREE, PINS_STOPPING, PINS_RUNNING };

static int pins_state(const char *dir)
{
	char path[PATH_MAX];
	struct tv_sess s;
	int state = PINS_FREE, fd;

	snprintf(path, sizeof(path), "%s/sessions", dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return PINS_FREE;
	/* another build's table, or no table of sessions: nobody it would name
	 * can be told apart */
	if (!ktrust_map(dir, "sessions", KMAP_sessions, fd)) {
		close(fd);
		return PINS_FREE;
	}
	for (__u32 i = 0; i < TV_MAX_SESSIONS; i++)
		if (!bpf_map_lookup_elem(fd, &i, &s) && kpin_session_alive(&s) &&
		    state < (s.running ? PINS_RUNNING : PINS_STOPPING))
			state = s.running ? PINS_RUNNING : PINS_STOPPING;
	close(fd);
	return state;
}

static bool pins_in_use(const char *dir)
{
	return pins_state(dir) != PINS_FREE;
}

/* fn on each entry of ours under bpffs, with its path (-errno when bpffs
 * cannot be read). */
typedef int (*pin_dir_fn)(int bpffs, const char *name, const char *dir, void *arg);

static int each_pin_dir(int bpffs, pin_dir_fn fn, void *arg)
{
	char dir[PATH_MAX];
	struct dirent *e;
	int fd = dup(bpffs), rc = 0;
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (!d) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		return rc;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, PIN_PREFIX, strlen(PIN_PREFIX))) {
			snprintf(dir, sizeof(dir), BPFFS "/%s", e->d_name);
			rc = fn(bpffs, e->d_name, dir, arg) ?: rc;
		}
	closedir(d);
	return rc;
}

/* A link is removed itself, never what it names. */
static int remove_if_stale(int bpffs, const char *name, const char *dir, void *ours)
{
	if (strcmp(dir, ours) && (!is_real_dir(bpffs, name) || !pins_in_use(dir)))
		ktrust_remove(bpffs, name);
	return 0;
}

static int open_pinned(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* Only a pin that is not there is made anew: any other failure (out of
 * descriptors, no permission) is an error, and the pins stay as they are
 * for the sessions using them. */
static int pinned_error(const char *dir, const char *name, int rc, struct tv_err *err)
{
	return tv_err_set(err, 0, "cannot open %s/%s: %s", dir, name, strerror(-rc));
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct bpf_map *skel_map(struct tv_bpf *s, enum kmap m)
{
	struct bpf_map *maps[] = {
#define X(n) s->maps.n,
	    TV_KMAPS(X)
#undef X
	};
	return maps[m];
}

static struct bpf_program *skel_prog(struct tv_bpf *s, enum kprog p)
{
	struct bpf_program *progs[] = {
#define X(n) s->progs.n,
	    TV_KPROGS(X)
#undef X
	};
	return progs[p];
}

static void prog_pin_name(char *buf, size_t n, enum kprog p, int copy)
{
	if (copy)
		snprintf(buf, n, "%s_%d", kprog_names[p], copy); /* bpffs refuses dots */
	else
		snprintf(buf, n, "%s", kprog_names[p]);
}

/* A descriptor of the skeleton's, kept past its destruction (and not
 * inherited by a -c command). */
static int keep_fd(int fd, int *out)
{
	*out = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return *out < 0 ? -errno : 0;
}

/* Where the tags map keeps a pinned program's tag. */
static __u32 tag_slot(enum kprog p, int copy)
{
	return p * TV_PROG_COPIES + copy;
}

/* Open the skeleton on the maps we have, load `want` (or no program), pin
 * whatever is new. */
static int load_object(struct tv_kernel *k, int want, int copy, struct tv_err *err)
{
	struct tv_bpf *s = tv_bpf__open();
	char name[64], path[PATH_MAX];
	double t0 = now_ms();
	int rc;

	if (!s)
		return tv_err_set(err, 0, "cannot open the embedded BPF object: %s",
				  strerror(errno));
	for (int p = 0; p < KPROG__COUNT; p++)
		bpf_program__set_autoload(skel_prog(s, p), p == want);
	for (int m = 0; m < KMAP__COUNT; m++)
		if (k->map_fd[m] >= 0 && (rc = bpf_map__reuse_fd(skel_map(s, m), k->map_fd[m])))
			goto fail;
	if ((rc = tv_bpf__load(s)))
		goto fail;
	for (int m = 0; m < KMAP__COUNT; m++) {
		if (k->map_fd[m] >= 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", k->dir, kmap_names[m]);
		if ((rc = bpf_map__pin(skel_map(s, m), path)) ||
		    (rc = keep_fd(bpf_map__fd(skel_map(s, m)), &k->map_fd[m])))
			goto fail;
	}
	if (want >= 0) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(skel_prog(s, want));

		__u32 slot = tag_slot(want, copy);

		prog_pin_name(name, sizeof(name), want, copy);
		snprintf(path, sizeof(path), "%s/%s", k->dir, name);
		/* the tag first: a pin is never there without it */
		if ((rc = bpf_obj_get_info_by_fd(fd, &info, &len)) ||
		    (rc = bpf_map_update_elem(k->map_fd[KMAP_tags], &slot, info.tag, BPF_ANY)) ||
		    (rc = bpf_obj_pin(fd, path)) || (rc = keep_fd(fd, &k->prog_fd[want][copy])))
			goto fail;
		if (want == KPROG_tv_tp)
			k->info.verified_insns = info.verified_insns;
	}
	k->info.cold = 1;
	k->info.load_ms += now_ms() - t0;
	tv_bpf__destroy(s);
	return 0;
fail:
	tv_bpf__destroy(s);
	return tv_err_set(err, 0, "loading the tracevm BPF object failed: %s%s", strerror(-rc),
			  libbpf_verbose ? "" : " (-v shows libbpf's messages)");
}

/* Our pinned maps, each checked (the directory is root's, 0700): 1 when
 * all are there and are what this build pins, 0 when the directory must
 * be made anew, or -errno (an open failed otherwise: the pins stay as
 * they are for the sessions using them). */
static int open_pinned_maps(struct tv_kernel *k, struct tv_err *err)
{
	bool ours = true;

	for (int m = 0; m < KMAP__COUNT; m++) {
		int fd = open_pinned(k->dir, kmap_names[m]);

		if (fd < 0 && fd != -ENOENT) {
			close_fds(k->map_fd, m);
			return pinned_error(k->dir, kmap_names[m], fd, err);
		}
		k->map_fd[m] = fd;
		ours &= fd >= 0 && ktrust_map(k->dir, kmap_names[m], m, fd);
	}
	if (!ours)
		close_fds(k->map_fd, KMAP__COUNT);
	return ours;
}

/* Our directory, made anew where anything else had the name: root's, 0700,
 * checked on the directory itself (a link made meanwhile is not it). */
static int make_pin_dir(struct tv_kernel *k, int bpffs, struct tv_err *err)
{
	const char *name = dir_name(k->dir);
	int fd;

	ktrust_remove(bpffs, name);
	if (mkdirat(bpffs, name, 0700) && errno != EEXIST)
		return tv_err_set(err, 0, "cannot create %s: %s", k->dir, strerror(errno));
	fd = openat(bpffs, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		fchmod(fd, 0700), close(fd);
	if (!ktrust_dir(bpffs, name))
		return tv_err_set(err, 0, "refusing %s: not a directory of root's with mode 0700",
				  k->dir);
	return 0;
}

int kpin_open_maps(struct tv_kernel *k, struct tv_err *err)
{
	int bpffs = ktrust_open_bpffs(BPFFS), reuse, rc = 0;

	libbpf_set_print(libbpf_log);
	if (bpffs < 0)
		return tv_err_set(err, 0, "cannot use " BPFFS ": %s (is bpffs mounted there?)",
				  strerror(-bpffs));
	snprintf(k->dir, sizeof(k->dir), BPFFS "/" PIN_PREFIX TV_BPF_HASH "-%d", TV_ABI_VERSION);
	each_pin_dir(bpffs, remove_if_stale, k->dir);
	reuse = ktrust_dir(bpffs, dir_name(k->dir)) ? open_pinned_maps(k, err) : 0;
	/* a half-made or foreign pin directory is never reused */
	if (!reuse)
		rc = make_pin_dir(k, bpffs, err);
	close(bpffs);
	if (reuse)
		return reuse < 0 ? reuse : 0;
	/* the tracepoint entry comes with the maps: most scripts need it, and
	 * one object load is cheaper than two */
	return rc ?: load_object(k, KPROG_tv_tp, 0, err);
}

/* A pinned program of ours (fd kept), or -ENOENT when there is none that
 * is what this build pins (one that is not goes). */
static int open_pinned_prog(struct tv_kernel *k, enum kprog p, int copy, const char *name,
			    struct tv_err *err)
{
	__u32 slot = tag_slot(p, copy);
	__u8 tag[BPF_TAG_SIZE] = {0};
	char path[PATH_MAX];
	int fd = open_pinned(k->dir, name);

	if (fd == -ENOENT)
		return fd;
	if (fd < 0)
		return pinned_error(k->dir, name, fd, err);
	bpf_map_lookup_elem(k->map_fd[KMAP_tags], &slot, tag);
	if (ktrust_prog(k->dir, name, p, tag, fd))
		return k->prog_fd[p][copy] = fd;
	close(fd);
	snprintf(path, sizeof(path), "%s/%s", k->dir, name);
	unlink(path); /* the directory is root's and 0700: no link is made in it */
	return -ENOENT;
}

int kpin_prog(struct tv_kernel *k, enum kprog p, int copy, struct tv_err *err)
{
	char name[64];
	int rc;

	if (k->prog_fd[p][copy] >= 0)
		return k->prog_fd[p][copy];
	prog_pin_name(name, sizeof(name), p, copy);
	if ((rc = open_pinned_prog(k, p, copy, name, err)) != -ENOENT)
		return rc;
	if ((rc = kpin_lock(k)))
		return tv_err_set(err, 0, "cannot lock " LOCK_PATH ": %s", strerror(-rc));
	/* another process may have loaded it while we waited */
	rc = open_pinned_prog(k, p, copy, name, err);
	if (rc >= 0)
		rc = 0;
	else if (rc == -ENOENT)
		rc = load_object(k, p, copy, err);
	kpin_unlock(k);
	return rc ? rc : k->prog_fd[p][copy];
}

static int cleanup_one(int bpffs, const char *name, const char *dir, void *arg)
{
	struct tv_err *err = arg;

	/* sessions that are only detaching are done within seconds */
	for (int waited = 0;
	     is_real_dir(bpffs, name) && pins_state(dir) == PINS_STOPPING && waited < 500; waited++)
		usleep(20000);
	wait_reapers();
	if (is_real_dir(bpffs, name) && pins_in_use(dir))
		return tv_err_set(err, 0, "%s is in use by a running tracevm", dir);
	return ktrust_remove(bpffs, name);
}

int tv_kernel_cleanup(struct tv_err *err)
{
	int bpffs = ktrust_open_bpffs(BPFFS), rc;

	if (bpffs < 0)
		return tv_err_set(err, 0, "cannot use " BPFFS ": %s", strerror(-bpffs));
	rc = each_pin_dir(bpffs, cleanup_one, err);
	close(bpffs);
	if (rc && !err->msg[0])
		tv_err_set(err, 0, "cannot clean " BPFFS ": %s", strerror(-rc));
	return rc;
}
