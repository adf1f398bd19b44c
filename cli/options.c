/* Command line, as bpftrace's where the two overlap. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "assembler/assembler.h"
#include "frontend/frontend.h"
#include "kernel-side/kernel.h"
#include "cli/cli.h"

static const char usage[] =
    "USAGE:\n"
    "    tracevm [options] -A FILE.tvs     run a program in tracevm assembler text\n"
    "    tracevm [options] -e 'program'    run a BpfScript program\n"
    "    tracevm [options] FILE            run a BpfScript file\n"
    "\n"
    "OPTIONS:\n"
    "    -A FILE        run FILE, written in the bytecode's assembler text\n"
    "    -c 'CMD'       run CMD once the probes are attached (its pid is cpid); stop when it "
    "exits\n"
    "    -d             print the program's bytecode as assembler text and exit\n"
    "    -e 'program'   the program to run\n"
    "    -f FORMAT      output as text (default) or json, one object a line\n"
    "    -I DIR         look for #include files in DIR (before the system's; repeatable)\n"
    "    -k, -kk        warn of a map helper that fails, where it is (a delete of a missing key);\n"
    "                   -kk also of a lookup's miss and each failed memory read (without -kk\n"
    "                   a count of failed reads is told at exit)\n"
    "    -l [PATTERN]   list probes (tracepoints, software events); -lv with arguments\n"
    "    -o FILE        write output to FILE instead of stdout\n"
    "    -p PID         the process uprobes and pid filters are about (must exist)\n"
    "    -q             quiet: no 'Attaching N probes...' line\n"
    "    -v             verbose: session, cold/warm start, verifier figures\n"
    "    -h, --help     this help\n"
    "    -V, --version  version\n"
    "    --info         what this build and kernel offer (features, probe types)\n"
    "    --unsafe       allow system()\n"
    "    --no-warnings  tell no warnings (an attach point that finds nothing, ...)\n"
    "    --include FILE include FILE before the script, as #include <FILE>\n"
    "    --cleanup      remove every pinned tracevm object (no session may run)\n";

/* -p PID as bpftrace 0.17 reads it: std::stol's decimal number (blanks
 * before it, a sign), nothing after, within the kernel's PID_MAX_LIMIT. */
#define PID_MAX_LIMIT (4 * 1024 * 1024)
static int parse_pid(const char *s, int *pid, struct tv_err *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE)
		return tv_err_set(err, 0, "pid '%s' outside of integer range", s);
	if (end == s || *end)
		return tv_err_set(err, 0, "pid '%s' is not a valid decimal number", s);
	if (v < 1 || v > PID_MAX_LIMIT)
		return tv_err_set(err, 0, "pid '%s' out of valid pid range [1,%d]", s,
				  PID_MAX_LIMIT);
	*pid = (int)v;
	return 0;
}

static int parse_buffering(const char *s, int *mode, struct tv_err *err)
{
	*mode = !strcmp(s, "none")   ? _IONBF
		: !strcmp(s, "line") ? _IOLBF
		: !strcmp(s, "full") ? _IOFBF
				     : -2;
	return *mode == -2 ? tv_err_set(err, 0, "-B takes none, line or full, not '%s'", s) : 0;
}

static int parse_format(const char *s, bool *json, struct tv_err *err)
{
	if (strcmp(s, "json") && strcmp(s, "text"))
		return tv_err_set(err, 0, "Invalid output format \"%s\"", s);
	*json = !strcmp(s, "json");
	return 0;
}

/* BPFTRACE_CAT_BYTES_MAX, read as bpftrace reads it (std::stoull: a
 * leading number, "-1" wraps); unset: bpftrace's 10240. */
static int parse_cat_max(__u64 *max, struct tv_err *err)
{
	const char *s = getenv("BPFTRACE_CAT_BYTES_MAX");
	char *end;

	*max = 10240;
	if (!s)
		return 0;
	errno = 0;
	*max = strtoull(s, &end, 10);
	if (end == s || errno)
		return tv_err_set(
		    err, 0,
		    "Env var 'BPFTRACE_CAT_BYTES_MAX' did not contain a valid uint64_t, "
		    "or was zero-valued.");
	return 0;
}

int tv_parse_opts(int argc, char **argv, struct tv_opts *o, struct tv_err *err)
{
	/* clang-format off */
	static const struct option longs[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"cleanup", no_argument, NULL, 'C'},
	    {"unsafe", no_argument, NULL, 'U'},
	    {"info", no_argument, NULL, 'F'},
	    {"include", required_argument, NULL, 'N'},
	    {"no-warnings", no_argument, NULL, 'W'},
	    {0},
	};
	/* clang-format on */
	int c;

	memset(o, 0, sizeof(*o));
	o->buffering = -1;
	if (parse_cat_max(&o->cat_bytes_max, err))
		return -1;
	/* options may follow the script file, as with bpftrace (GNU getopt
	 * permutes; `--` ends them, before positional parameters like -1) */
	while ((c = getopt_long(argc, argv, "A:B:c:de:f:I:klo:p:qvhV", longs, NULL)) != -1) {
		switch (c) {
		case 'A': o->asm_file = optarg; break;
		case 'N':
			if (o->nincludes == TV_MAX_INCLUDES) {
				tv_err_set(err, 0, "too many --include files (at most %d)",
					   TV_MAX_INCLUDES);
				return -1;
			}
			o->includes[o->nincludes++] = optarg;
			break;
		case 'c': o->command = optarg; break;
		case 'f':
			if (parse_format(optarg, &o->json, err))
				return -1;
			break;
		case 'B':
			if (parse_buffering(optarg, &o->buffering, err))
				return -1;
			break;
		case 'p':
			if (parse_pid(optarg, &o->pid, err))
				return -1;
			break;
		case 'd': o->dump = true; break;
		case 'l': o->list = true; break;
		case 'e': o->program = optarg; break;
		case 'o': o->output = optarg; break;
		case 'q': o->quiet = true; break;
		case 'k': o->helper_checks++; break;
		case 'v': o->verbose = true; break;
		case 'C': o->cleanup = true; break;
		case 'U': o->unsafe = true; break;
		case 'W': o->no_warnings = true; break;
		case 'F': o->info = true; break;
		case 'I':
			if (o->nidirs == TV_MAX_INCLUDES) {
				tv_err_set(err, 0, "too many -I directories (at most %d)",
					   TV_MAX_INCLUDES);
				return -1;
			}
			o->idirs[o->nidirs++] = optarg;
			break;
		case 'V': /* scripts that check for bpftrace grep its words */
			printf("tracevm v%s (bpftrace v0.17.0 compatible)\n", TV_VERSION);
			return 0;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return -1;
		}
	}
	if (o->list || o->info)
		return 1; /* -l [PATTERN]: the pattern is the next argument */
	if (!o->program && !o->asm_file && optind < argc)
		o->file = argv[optind++];
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (!o->program && !o->asm_file && !o->file && !o->cleanup) {
		fputs(usage, stderr);
		return -1;
	}
	return 1;
}

/* The whole file in one buffer sized from fstat (pipes grow it): stdio
 * and memstream buffers cost page faults that a script's start pays. */
static char *read_fd(int fd, const char *path, struct tv_err *err)
{
	struct stat st;
	size_t cap = !fstat(fd, &st) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, len = 0;
	char *buf = malloc(cap), *grown;
	ssize_t n = 1;

	while (buf && n > 0) {
		if (len + 1 == cap) {
			grown = realloc(buf, cap * 2);
			if (!grown)
				break;
			buf = grown, cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			n = 1;
		else if (n > 0)
			len += (size_t)n;
	}
	if (!buf || n != 0) {
		tv_err_set(err, 0, "cannot read %s: %s", path, strerror(buf ? errno : ENOMEM));
		free(buf);
		return NULL;
	}
	buf[len] = 0;
	return buf;
}

static char *read_file(const char *path, struct tv_err *err)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	char *text;

	if (fd < 0) {
		tv_err_set(err, 0, "failed to open file '%s': %s", path, strerror(errno));
		return NULL;
	}
	text = read_fd(fd, path, err);
	if (fd)
		close(fd);
	return text;
}

static int compile_script(const struct tv_opts *o, __s64 cpid, struct tv_image **img,
			  struct tv_err *err)
{
	struct tv_compile_opts copts = {
	    .nargs = o->nargs,
	    .args = o->args,
	    .cpid = cpid,
	    .unsafe = o->unsafe,
	    .no_kernel = !tv_privileged(),
	    .usym = tv_kernel_usym,
	    .usdt = tv_kernel_usdt_list,
	    .includes = o->includes,
	    .nincludes = o->nincludes,
	    .include_dirs = o->idirs,
	    .ninclude_dirs = o->nidirs,
	    .script_path = o->program ? NULL : o->file,
	    /* -d only prints: what the kernel lacks is not its concern */
	    .has_feature = o->dump ? NULL : tv_kernel_has_feature};
	const char *name = o->program ? "stdin" : o->file;
	char bin[4096];

	if (o->pid > 0)
		snprintf(bin, sizeof(bin), "/proc/%d/exe", o->pid);
	if (o->pid > 0 || (o->command && !child_program(o->command, bin, sizeof(bin))))
		copts.watch_bin = bin, copts.watch_pid = o->pid > 0 ? o->pid : cpid;
	char *text = o->program ? strdup(o->program) : read_file(o->file, err);
	struct tv_diag diag;

	if (!text)
		return -EINVAL;
	*img = tv_compile(text, name, &copts, &diag);
	if (o->no_warnings)
		diag.nwarn = 0;
	if (!*img) {
		tv_diag_print_all(stderr, name, text, &diag);
		err->msg[0] = 0; /* printed already */
	} else
		tv_diag_print_warnings(stderr, name, text, &diag);
	free(text);
	return *img ? 0 : -EINVAL;
}

int load_program(const struct tv_opts *o, __s64 cpid, struct tv_image **img, struct tv_err *err)
{
	char *text;

	if (!o->asm_file)
		return compile_script(o, cpid, img, err);
	text = read_file(o->asm_file, err);
	if (!text)
		return -EINVAL;
	*img = tv_asm_parse(text, o->asm_file, err);
	free(text);
	if (!*img)
		return -EINVAL;
	return tv_image_validate(*img, o->unsafe ? TV_VALIDATE_UNSAFE : 0, err);
}

void print_error(const struct tv_opts *o, const struct tv_err *err, const char *source)
{
	const char *name = o->asm_file ? o->asm_file : o->file ? o->file : "stdin";

	if (!err->msg[0] && !err->line)
		return; /* the frontend printed its diagnostics itself */
	if (source && err->line && err->col)
		tv_err_print(stderr, name, source, err, "ERROR");
	else if (err->line && err->col)
		fprintf(stderr, "%s:%d:%d-%d: ERROR: %s\n", name, err->line, err->col,
			err->col_end ? err->col_end : err->col + 1, err->msg);
	else if (err->line)
		fprintf(stderr, "%s:%d: ERROR: %s\n", name, err->line, err->msg);
	else
		fprintf(stderr, "ERROR: %s\n", err->msg[0] ? err->msg : "failed");
}

/* Harnesses written for bpftrace wait for this line before they act. */
bool tv_privileged(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};
	const __u64 bpf = 1ull << CAP_BPF | 1ull << CAP_PERFMON, admin = 1ull << CAP_SYS_ADMIN;
	__u64 eff;

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	eff = (__u64)data[1].effective << 32 | data[0].effective;
	return (eff & admin) || (eff & bpf) == bpf;
}

void notify_probes_attached(void)
{
	if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED")) {
		fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stderr);
		fflush(stderr);
	}
}
