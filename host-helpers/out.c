/* Records from either interpreter, turned into output or map actions. */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host-helpers/internal.h"

struct tv_out *tv_out_new(const struct tv_image *img, struct tv_store *store, FILE *f)
{
	struct tv_out *o = calloc(1, sizeof(*o));

	if (o)
		*o = (struct tv_out){.img = img, .store = store, .f = f, .cat_max = 10240};
	return o;
}

void tv_out_free(struct tv_out *o)
{
	if (o) {
		tvh_ksyms_free(o->ksyms), tvh_usyms_free(o->usyms);
		for (int i = 0; i < TV_MAX_CONSTS; i++)
			tvh_cfmt_free(o->cfmt[i]);
	}
	free(o);
}

void tv_out_set_json(struct tv_out *o, bool json)
{
	o->json = json;
}

void tv_out_set_helper_checks(struct tv_out *o, int level)
{
	o->helper_checks = level;
}

void tv_out_set_interrupted(struct tv_out *o)
{
	o->interrupted = true;
}

void tv_out_set_cat_max(struct tv_out *o, __u64 max)
{
	o->cat_max = max;
}

void tv_out_lost(struct tv_out *o, __u64 lost)
{
	if (o->json)
		fprintf(o->f, "{\"type\": \"lost_events\", \"data\": {\"events\": %llu}}\n",
			(unsigned long long)lost);
	else
		fprintf(o->f, "Lost %llu events\n", (unsigned long long)lost);
}

void tv_out_attached(struct tv_out *o, unsigned nprobes)
{
	if (o->json)
		fprintf(o->f, "{\"type\": \"attached_probes\", \"data\": {\"probes\": %u}}\n",
			nprobes);
	else
		fprintf(o->f, "Attaching %u probe%s...\n", nprobes, nprobes == 1 ? "" : "s");
}

void tv_out_set_stack_reader(struct tv_out *o, tv_stack_fn fn, void *arg)
{
	o->read_stack = fn;
	o->stack_arg = arg;
}

bool tv_out_exit_requested(const struct tv_out *o)
{
	return o->exit_requested;
}

void tv_out_begin_end(struct tv_out *o)
{
	o->exit_requested = false;
}

__u64 tv_out_count(const struct tv_out *o, unsigned kind)
{
	return kind < TV_REC__COUNT ? o->counts[kind] : 0;
}

static const struct tv_const *fmt_const(const struct tv_out *o, __u16 id)
{
	return id < o->img->nconsts ? &o->img->consts[id] : NULL;
}

static int print_time(struct tv_out *o, const struct tv_const *c)
{
	char buf[256];
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	if (!tvh_format_time(buf, sizeof(buf), c ? c->data : "%H:%M:%S\n", now))
		return 0;
	if (o->json)
		tvh_json_text_record(o->f, "time", buf, strlen(buf));
	else
		fputs(buf, o->f);
	return 0;
}

/* print(@map, top, div): payload holds top and div as two u64 when sent. */
static int print_record(struct tv_out *o, const struct tv_rec *h, const void *p)
{
	__u64 args[2] = {0, 1};

	memcpy(args, p, h->len < sizeof(args) ? h->len : sizeof(args));
	if (h->id >= o->img->nmaps)
		return 0;
	tv_out_print_map(o, h->id, args[0], args[1]);
	return 0;
}

/* cat(): at most cat_max bytes of the file, with bpftrace's error when it
 * cannot be opened or read (a directory opens, then fails to read). */
static void cat_file(struct tv_out *o, const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	__u64 left = o->cat_max;
	size_t n = 1;

	while (f && left && n) {
		n = fread(buf, 1, left < sizeof(buf) ? (size_t)left : sizeof(buf), f);
		fwrite(buf, 1, n, o->f);
		left -= n;
	}
	if (!f || ferror(f)) {
		fflush(o->f);
		fprintf(stderr, "ERROR: failed to open file '%s': %s\n", path, strerror(errno));
	}
	if (f)
		fclose(f);
}

/* system(): run the formatted command (its output goes where ours goes);
 * cat(): print the file the formatted path names. */
/* -f json: what the command printed or the file holds, as one record
 * ("syscall" or "cat"), as bpftrace 0.17 sends it. */
static void json_formatted(struct tv_out *o, __u32 kind, const char *what)
{
	FILE *f = kind == TV_REC_system ? popen(what, "r") : fopen(what, "r");
	char *text = NULL, buf[4096];
	size_t len = 0, n;
	FILE *m;

	if (!f) {
		fprintf(stderr, "tracevm: %s(\"%s\"): %s\n",
			kind == TV_REC_system ? "system" : "cat", what, strerror(errno));
		return;
	}
	if ((m = open_memstream(&text, &len))) {
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, m);
		fclose(m);
		tvh_json_text_record(o->f, kind == TV_REC_system ? "syscall" : "cat", text, len);
	}
	free(text);
	if (kind == TV_REC_system)
		pclose(f);
	else
		fclose(f);
}

/* system(3) would ignore SIGINT while the command runs, and a probe
 * that calls system() often keeps one running nearly always: Ctrl-C
 * would be lost.  The shell runs as popen would run it. */
static int run_command(const char *cmd, FILE *out)
{
	extern char **environ;
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc, fd = fileno(out);

	/* its output goes where ours goes: -o FILE too, as in bpftrace */
	if ((rc = posix_spawn_file_actions_init(&fa)))
		return -rc;
	if (fd != STDOUT_FILENO)
		rc = posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	rc = rc ?: posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return -rc;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static void run_formatted(struct tv_out *o, const struct tv_rec *h, const void *p)
{
	const struct tv_const *fmt = fmt_const(o, h->id);
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m || !fmt)
		goto out;
	tvh_format(o, m, fmt, p, h->len);
	fclose(m);
	m = NULL;
	fflush(o->f);
	if (o->json) {
		json_formatted(o, h->kind, text);
	} else if (h->kind == TV_REC_system) {
		if (run_command(text, o->f) < 0)
			fprintf(stderr, "tracevm: system(\"%s\") failed\n", text);
	} else {
		cat_file(o, text);
	}
out:
	if (m)
		fclose(m);
	free(text);
}

/* join(): the non-empty strings, separated, then a newline (in JSON a
 * "join" record, without the newline). */
static void print_join(struct tv_out *o, const struct tv_rec *h, const char *p)
{
	const struct tv_const *sep = fmt_const(o, h->id);
	char *text = NULL;
	size_t len = 0;
	FILE *f = o->json ? open_memstream(&text, &len) : o->f;

	if (!f)
		return;
	for (size_t i = 0; (i + 1) * TV_STR_MAX <= h->len && p[i * TV_STR_MAX]; i++)
		fprintf(f, "%s%.*s", i ? (sep ? sep->data : " ") : "", TV_STR_MAX,
			p + i * TV_STR_MAX);
	if (!o->json) {
		fputc('\n', f);
		return;
	}
	fclose(f);
	tvh_json_text_record(o->f, "join", text, len);
	free(text);
}

static void print_printf(struct tv_out *o, const struct tv_const *fmt, const void *p, size_t len)
{
	char *text = NULL;
	size_t n = 0;
	FILE *m;

	if (!o->json) {
		tvh_format(o, o->f, fmt, p, len);
		return;
	}
	m = open_memstream(&text, &n);
	if (!m)
		return;
	tvh_format(o, m, fmt, p, len);
	fclose(m);
	tvh_json_text_record(o->f, "printf", text, n);
	free(text);
}

struct zeroing {
	struct tv_store *store;
	__u32 map;
};

static int zero_one(const void *key, const void *val, void *arg)
{
	struct zeroing *z = arg;
	char v[TV_VAL_MAX];
	size_t n = tv_store_val_size(z->store, z->map);

	/* the value goes to 0, the entry stays (n is kept: it marks presence) */
	memcpy(v, val, n);
	if (n == sizeof(struct tv_agg))
		((struct tv_agg *)v)->v = 0;
	else
		memset(v, 0, n);
	return z->store->ops->update(z->store, z->map, key, v);
}

/* print(value): as a map's value is printed, then a newline. */
static void print_value(struct tv_out *o, const struct tv_const *type, const void *p, size_t len)
{
	__u32 size;

	/* a hand-written program's record: not ours to read */
	if (!type || !memchr(type->data, 0, type->len) || tv_valtype_size(type->data, &size) ||
	    size > len)
		return;
	if (o->json) {
		fputs("{\"type\": \"value\", \"data\": ", o->f);
		tvh_json_list(o, o->f, type->data, p, len);
		fputs("}\n", o->f);
		return;
	}
	tvh_print_list(o, o->f, type->data, p, len, ", ", TVH_VALUE);
	fputc('\n', o->f);
}

/* bpftrace's helper error: the helper, its return code (0 for a lookup's
 * miss, told as just "0") and the script's location of the instruction
 * at pc (on stderr; in JSON a helper_error record). */
static void tell_helper_error(struct tv_out *o, __u64 pc, const char *helper, long rc)
{
	struct tv_srcloc at = tv_image_loc(o->img, (__u32)pc);
	struct tv_err e = {.line = at.line, .col = at.col, .col_end = at.col_end};

	if (o->json) {
		fprintf(o->f,
			"{\"type\": \"helper_error\", \"helper\": \"%s\", \"retcode\": %ld, "
			"\"line\": %u, \"col\": %u}\n",
			helper, rc, at.line, at.col);
		return;
	}
	if (rc)
		snprintf(e.msg, sizeof(e.msg), "Failed to %s: %s (%ld)", helper, strerror((int)-rc),
			 rc);
	else
		snprintf(e.msg, sizeof(e.msg), "Failed to %s: 0", helper);
	fflush(o->f);
	tv_err_print(stderr, o->img->source_name, o->img->source, &e, "WARNING");
}

/* A read that faulted: told at -kk. */
static void report_fault(struct tv_out *o, const struct tv_rec *h, const void *p)
{
	__u64 pc = 0;
	const char *helper;

	if (o->helper_checks < 2)
		return; /* counted, told once at exit */
	memcpy(&pc, p, h->len < 8 ? h->len : 8);
	helper = pc < o->img->ninsns && !tv_image_loc(o->img, (__u32)pc).plain_read
		     ? tv_op_fault_helper(o->img->insns[pc].op)
		     : NULL;
	tell_helper_error(o, pc, helper ? helper : "probe_read", -EFAULT);
}

/* A CHECKS opcode's map helper failed: told at its row's -k level. */
static void report_helper_error(struct tv_out *o, const struct tv_rec *h, const void *p)
{
	__u64 pc, rc;
	const char *helper;
	int level;

	if (h->len < 16)
		return; /* a hand-written program's record: not ours to read */
	memcpy(&pc, p, 8);
	memcpy(&rc, (const char *)p + 8, 8);
	helper = pc < o->img->ninsns ? tv_op_checked_helper(o->img->insns[pc].op, &level) : NULL;
	if (helper && o->helper_checks >= level)
		tell_helper_error(o, pc, helper, (long)(__s64)rc);
}

int tv_out_record(const struct tv_rec *h, const void *p, void *arg)
{
	struct tv_out *o = arg;

	/* as bpftrace: nothing a probe sends after exit() is shown */
	if (o->exit_requested)
		return 0;
	if (h->kind < TV_REC__COUNT)
		o->counts[h->kind]++;
	switch (h->kind) {
	case TV_REC_printf:
		if (fmt_const(o, h->id))
			print_printf(o, fmt_const(o, h->id), p, h->len);
		break;
	case TV_REC_time: print_time(o, fmt_const(o, h->id)); break;
	case TV_REC_print: print_record(o, h, p); break;
	case TV_REC_clear:
		if (h->id < o->img->nmaps)
			o->store->ops->clear(o->store, h->id);
		break;
	case TV_REC_system:
		if (!o->interrupted)
			run_formatted(o, h, p);
		break;
	case TV_REC_cat: run_formatted(o, h, p); break;
	case TV_REC_join: print_join(o, h, p); break;
	case TV_REC_zero:
		if (h->id < o->img->nmaps)
			o->store->ops->each(o->store, h->id, zero_one,
					    &(struct zeroing){o->store, h->id});
		break;
	case TV_REC_exit: o->exit_requested = true; break;
	case TV_REC_upid:
		if (h->len >= 8) {
			__u64 pid;

			memcpy(&pid, p, 8);
			if (!o->usyms)
				o->usyms = tvh_usyms_new();
			tvh_usyms_note(o->usyms, (__u32)pid);
		}
		break;
	case TV_REC_fault: report_fault(o, h, p); break;
	case TV_REC_value: print_value(o, fmt_const(o, h->id), p, h->len); break;
	case TV_REC_helper_error: report_helper_error(o, h, p); break;
	default: break;
	}
	return 0;
}
