/* tracevm: run a program (assembler text now, BpfScript with the frontend)
 * with BEGIN/END in user space and every other probe in the kernel. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <poll.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <getopt.h>

#include "assembler/assembler.h"
#include "frontend/frontend.h"
#include "cli/cli.h"
#include "host-helpers/host-helpers.h"
#include "kernel-side/kernel.h"
#include "vm/vm.h"

static volatile sig_atomic_t interrupted, child_signalled, print_requested;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A page fault costs ~13 us on the virtual machines tracevm is often run
 * on, and a run touches 20-60 fresh heap pages: populating them in one call
 * costs under 1 us a page. The pad keeps the populated top of the heap from
 * being trimmed away by free(). */
#define HEAP_PREFAULT (256 << 10)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels say EINVAL */
#endif

static void prefault_heap(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *first, *top;
	uintptr_t start;

	mallopt(M_TOP_PAD, HEAP_PREFAULT);
	first = malloc(1);
	top = sbrk(0);
	start = ((uintptr_t)first + page - 1) & ~(uintptr_t)(page - 1);
	if (first && top != (void *)-1 && (uintptr_t)top > start)
		madvise((void *)start, (uintptr_t)top - start, MADV_POPULATE_WRITE);
	free(first);
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	print_requested = 1;
}

static void on_child(int sig)
{
	(void)sig;
	child_signalled = 1; /* wakes the poll; the loop checks which child */
}

/* SA_RESTART: a write blocked on a slow pipe must go on when a signal
 * comes (stdio drops a buffer whose write failed with EINTR); the waits
 * (ppoll, epoll) still return at once. */
static void install_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART},
			 sc = {.sa_handler = on_child, .sa_flags = SA_RESTART},
			 su = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sc, NULL);
	sigaction(SIGUSR1, &su, NULL); /* as bpftrace: print every map, go on */
}

/* Sleep until SIGINT/SIGTERM; a signal between the check and the sleep
 * is not lost (it stays blocked until sigsuspend). */
/* Until a signal, or the -p process's end (its pidfd, -1 without one,
 * becomes readable), makes done true. */
static void wait_for_signal(bool (*done)(void *), void *arg, int pidfd)
{
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!interrupted && !done(arg))
		ppoll(&pfd, pidfd >= 0, NULL, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

struct run {
	const struct tv_opts *opts;
	struct tv_image *img;
	struct tv_kernel *kernel;
	struct tv_store *store;
	struct tv_vm *vm;
	struct tv_out *out;
	FILE *f;
	double t_main;	       /* main() entered, for -v start-up figures */
	struct tv_child child; /* -c */
	int pidfd;	       /* -p: the process, to end with it */
	__u64 vm_faults;
};

/* A function watchpoint's setup sent its address: the watchpoint is
 * attached (not after exit()) and the process, stopped by the setup
 * unless async, goes on; unwatch(addr) detaches.  bpftrace's words. */
static void watch_record(struct run *r, const struct tv_rec *h, const void *p)
{
	__u64 v[2] = {0, 0};
	struct tv_err err = {0};
	int pid = r->opts->pid ? r->opts->pid : r->child.pid, rc = 0;
	bool async;

	memcpy(v, p, h->len < sizeof(v) ? h->len : sizeof(v));
	if (h->kind == TV_REC_unwatch) {
		tv_kernel_unwatch(r->kernel, v[0]);
		return;
	}
	async = v[1] < r->img->nprobes &&
		tv_probe_type_of(r->img->probes[v[1]].attach, NULL) == TV_PT_asyncwatchpoint;
	if (!tv_out_exit_requested(r->out))
		rc = tv_kernel_watch(r->kernel, (__u32)v[1], v[0], &err);
	if (rc == -ENOSPC)
		fprintf(r->f, "Failed to attach watchpoint probe. You are out of watchpoint "
			      "registers.\n");
	else if (rc)
		fprintf(stderr, "ERROR: %s\n", err.msg);
	if (!async && pid > 0 && kill(pid, SIGCONT))
		fprintf(stderr, "Failed to SIGCONT tracee: %s\n", strerror(errno));
}

/* Records the runner acts on itself, then the printer's. */
static int on_record(const struct tv_rec *h, const void *payload, void *arg)
{
	struct run *r = arg;

	if (h->kind == TV_REC_watch || h->kind == TV_REC_unwatch) {
		watch_record(r, h, payload);
		return 0;
	}
	return tv_out_record(h, payload, r->out);
}

static int read_stack(void *arg, __u64 id, bool kernel, __u64 *ips, int max)
{
	(void)kernel; /* one stack map holds both kinds */
	return tv_kernel_stack(arg, id, ips, max);
}

/* A BEGIN or END block that reads kernel memory, run once by the kernel;
 * what it sent is printed before anything else runs. */
static int run_in_kernel(struct run *r, __u32 probe)
{
	struct tv_err err = {0};

	if (tv_kernel_test_run(r->kernel, probe, NULL, 0, &err)) {
		fprintf(stderr, "ERROR: %s\n", err.msg);
		return -EIO;
	}
	return tv_kernel_poll(r->kernel, 0, tv_out_record, r->out) < 0 ? -EIO : 0;
}

static int run_blocks(struct run *r, enum tv_probe_type type)
{
	const char *which = tv_probe_types[type].name;

	for (__u32 i = 0; i < r->img->nprobes; i++) {
		struct tv_vm_result res;
		int rc;

		if (strcmp(r->img->probes[i].attach, which))
			continue;
		if (r->img->probes[i].flags & TV_PROBE_IN_KERNEL) {
			rc = run_in_kernel(r, i);
		} else {
			rc = tv_vm_run(r->vm, i, NULL, &res);
			r->vm_faults += res.fault;
		}
		if (rc)
			return rc;
		if (tv_out_exit_requested(r->out) && type == TV_PT_BEGIN)
			break;
	}
	return 0;
}

static int count_kernel_probes(const struct tv_image *img)
{
	int n = 0;

	for (__u32 i = 0; i < img->nprobes; i++)
		n += !tv_probe_has(img->probes[i].attach, TV_PT_HOST) ||
		     (img->probes[i].flags & TV_PROBE_IN_KERNEL);
	return n;
}

/* "Attaching N probes": a function watchpoint is attached later, and
 * counted by its setup, as bpftrace counts them. */
static __u32 count_attached(const struct tv_image *img)
{
	__u32 n = 0;

	for (__u32 i = 0; i < img->nprobes; i++)
		n += !(img->probes[i].flags & TV_PROBE_DEFERRED);
	return n;
}

static void print_kernel_info(struct run *r)
{
	struct tv_kernel_info info;

	tv_kernel_info(r->kernel, &info);
	fprintf(stderr, "tracevm: attached %.2f ms after main(); session %u in %s, %s start",
		now_ms() - r->t_main, info.session, info.pin_dir, info.cold ? "cold" : "warm");
	if (info.cold)
		fprintf(stderr, " (load+verify %.1f ms, %u insns verified)", info.load_ms,
			info.verified_insns);
	fputc('\n', stderr);
}

/* A probe the kernel left out, told where the script wrote it. */
static void warn(void *arg, const struct tv_err *e)
{
	const struct run *r = arg;

	if (r->opts->no_warnings)
		return;
	if (e->line)
		tv_err_print(stderr, r->img->source_name, r->img->source, e, "WARNING");
	else
		fprintf(stderr, "WARNING: %s\n", e->msg);
}

static int open_kernel(struct run *r, struct tv_err *err)
{
	int rc;

	tv_kernel_set_verbose(r->opts->verbose);
	rc = tv_kernel_open(&r->kernel, err);
	if (!rc)
		tv_kernel_set_unsafe(r->kernel, r->opts->unsafe);
	if (!rc)
		tv_kernel_set_helper_checks(r->kernel, r->opts->helper_checks);
	if (!rc)
		tv_kernel_set_warn(r->kernel, warn, r);
	if (!rc)
		tv_kernel_set_target(r->kernel, r->opts->pid	   ? r->opts->pid
						: r->child.pid > 0 ? r->child.pid
								   : 0);
	rc = rc ?: tv_kernel_load(r->kernel, r->img, err);
	if (rc)
		return rc;
	r->store = tv_kernel_store(r->kernel);
	return 0;
}

/* -p: the process is gone when its pidfd reads (the run ends then, as
 * bpftrace's does). */
static bool target_gone(int pidfd)
{
	struct pollfd pfd = {.fd = pidfd, .events = POLLIN};

	return pidfd >= 0 && poll(&pfd, 1, 0) > 0;
}

static bool command_done(void *arg)
{
	struct run *r = arg;

	return (r->opts->command && child_signalled && child_exited(&r->child)) ||
	       target_gone(r->pidfd);
}

/* SIGUSR1 asked for the maps: printed between batches of records. */
static void serve_print_request(struct run *r)
{
	if (!print_requested)
		return;
	print_requested = 0;
	tv_out_print_maps(r->out);
	fflush(r->f);
}

static bool served_or_done(void *arg)
{
	serve_print_request(arg);
	return command_done(arg);
}

/* A signal ends the reading at once, not after a backlog that system()
 * may keep refilling (the record the reading stops at is consumed: it is
 * handled first). */
static int record_until_signal(const struct tv_rec *h, const void *p, void *r)
{
	int rc = on_record(h, p, r);

	return interrupted ? -EINTR : rc;
}

static void wait_for_events(struct run *r)
{
	while (!interrupted && !tv_out_exit_requested(r->out) && !command_done(r)) {
		serve_print_request(r);
		/* printf records come without wake-ups: look every 10 ms */
		int rc = tv_kernel_poll(r->kernel, 10, record_until_signal, r);

		if (rc < 0 && rc != -EINTR)
			break;
		fflush(r->f);
	}
	/* what was already in the ring buffer still counts; stopped first, so
	 * that is all there is */
	tv_kernel_stop(r->kernel);
	if (interrupted)
		tv_out_set_interrupted(r->out);
	tv_kernel_poll(r->kernel, 0, on_record, r);
}

static void report_losses(struct run *r)
{
	__u64 faults = 0, lost = 0;

	if (r->kernel && !tv_kernel_counters(r->kernel, &faults, &lost) && lost)
		tv_out_lost(r->out, lost);
	faults += r->vm_faults; /* the kernel counts its own; BEGIN/END's come from the vm */
	if (faults && r->opts->helper_checks < 2) /* -kk told each one */
		fprintf(stderr, "tracevm: %llu memory reads faulted\n", (unsigned long long)faults);
}

static int execute(struct run *r, struct tv_err *err)
{
	int nkernel = count_kernel_probes(r->img), rc;

	if (nkernel && !tv_privileged()) /* a script's probe is told where it is, by the frontend */
		return tv_err_set(err, 0,
				  "probes in the kernel need root (or CAP_BPF and CAP_PERFMON)");
	if (nkernel && (rc = open_kernel(r, err)))
		return rc;
	if (!r->store && !(r->store = tv_vm_store_new(r->img)))
		return tv_err_set(err, 0, "out of memory");
	r->out = tv_out_new(r->img, r->store, r->f);
	r->vm = tv_vm_new(r->img, r->store, tv_out_record, r->out);
	if (!r->out || !r->vm)
		return tv_err_set(err, 0, "out of memory");
	if (r->kernel)
		tv_out_set_stack_reader(r->out, read_stack, r->kernel);
	tv_out_set_json(r->out, r->opts->json);
	tv_out_set_helper_checks(r->out, r->opts->helper_checks);
	tv_out_set_cat_max(r->out, r->opts->cat_bytes_max);
	if (!r->opts->quiet)
		tv_out_attached(r->out, count_attached(r->img) -
					    (r->kernel ? tv_kernel_left_out(r->kernel) : 0));
	fflush(r->f);
	/* as bpftrace: BEGIN runs before the other probes are attached */
	if ((rc = run_blocks(r, TV_PT_BEGIN)))
		return tv_err_set(err, 0, "%s failed: %s", tv_probe_types[TV_PT_BEGIN].name,
				  strerror(-rc));
	if (nkernel && !tv_out_exit_requested(r->out) &&
	    (rc = tv_kernel_attach(r->kernel, err)) < 0)
		return rc;
	if (r->opts->verbose && r->kernel)
		print_kernel_info(r);
	notify_probes_attached();
	/* what BEGIN printed is out before any wait, as each batch of records
	 * is later: stdout is a pipe as often as a terminal (after the attach
	 * notice, which is where bpftrace's BEGIN output comes) */
	fflush(r->f);
	child_release(&r->child);
	if (nkernel && !tv_out_exit_requested(r->out))
		wait_for_events(r);
	else if (!tv_out_exit_requested(r->out))
		wait_for_signal(served_or_done, r, r->pidfd);
	if (r->kernel)
		tv_kernel_stop(r->kernel);
	tv_out_begin_end(r->out);
	if ((rc = run_blocks(r, TV_PT_END)))
		return tv_err_set(err, 0, "%s failed: %s", tv_probe_types[TV_PT_END].name,
				  strerror(-rc));
	tv_out_print_all(r->out);
	report_losses(r);
	return 0;
}

static void release(struct run *r)
{
	tv_vm_free(r->vm);
	tv_out_free(r->out);
	if (r->kernel)
		tv_kernel_close(r->kernel);
	else if (r->store)
		r->store->ops->free(r->store);
	tv_image_free(r->img);
	if (r->f && r->f != stdout)
		fclose(r->f);
	if (r->pidfd >= 0)
		close(r->pidfd);
}

int main(int argc, char **argv)
{
	struct tv_opts opts;
	struct tv_err err = {0};
	struct run r = {.t_main = now_ms(), .child = {.pid = -1, .go_fd = -1}, .pidfd = -1};
	int rc;

	prefault_heap();
	rc = tv_parse_opts(argc, argv, &opts, &err);
	if (rc < 0 && err.msg[0])
		print_error(&opts, &err, NULL);
	if (rc <= 0)
		return -rc;
	r.opts = &opts;
	r.f = stdout;
	if ((opts.list || opts.cleanup) && !tv_privileged()) {
		rc = tv_err_set(&err, 0, "%s needs root (or CAP_BPF and CAP_PERFMON)",
				opts.list ? "listing probes" : "--cleanup");
		goto done;
	}
	if (opts.info) { /* bpftrace --info needs root: its probes load programs */
		tv_print_info(stdout);
		return 0;
	}
	if (opts.list) {
		const char *pattern = optind < argc ? argv[optind] : NULL;
		struct tv_list_opts lo = {opts.verbose, opts.pid, tv_kernel_usdt_list};

		if (tv_list_probes(stdout, pattern, &lo, &err) >= 0)
			return 0;
		fflush(stdout);
		tv_err_print(stderr, "stdin", pattern, &err, "ERROR"); /* as bpftrace */
		return 1;
	}
	if (opts.cleanup) {
		rc = tv_kernel_cleanup(&err);
		goto done;
	}
	if (opts.pid && kill(opts.pid, 0) && errno == ESRCH) {
		/* bpftrace 0.17's words, the empty name before the colon included */
		rc = tv_err_set(&err, 0, ": %s", strerror(ESRCH));
		goto done;
	}
	if (opts.pid)
		r.pidfd = (int)syscall(SYS_pidfd_open, opts.pid, 0); /* -1: never seen to end */
	if (opts.command && (rc = child_spawn(opts.command, &r.child, &err)))
		goto done;
	if ((rc = load_program(&opts, r.child.pid > 0 ? r.child.pid : 0, &r.img, &err)))
		goto done;
	if (opts.verbose)
		fprintf(
		    stderr,
		    "tracevm: program ready %.3f ms after main(): %u insns, %u probes, %u maps\n",
		    now_ms() - r.t_main, r.img->ninsns, r.img->nprobes, r.img->nmaps);
	if (opts.dump) {
		rc = tv_asm_print(r.img, stdout, &err);
		goto done;
	}
	if (opts.output && !(r.f = fopen(opts.output, "w"))) {
		rc = tv_err_set(&err, 0, "cannot open %s: %s", opts.output, strerror(errno));
		goto done;
	}
	if (opts.buffering >= 0)
		setvbuf(r.f, NULL, opts.buffering, 0);
	install_signals();
	rc = execute(&r, &err);
done:
	/* output that could not be written is never lost silently */
	if (!rc && r.f && (fflush(r.f) || ferror(r.f)))
		rc = tv_err_set(&err, 0, "writing the output failed (%s): some of it is lost",
				strerror(errno));
	fflush(stdout);
	if (rc)
		print_error(&opts, &err, r.img ? r.img->source : NULL);
	child_end(&r.child);
	release(&r);
	return rc ? 1 : 0;
}
