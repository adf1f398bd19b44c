/* cli internals: options, program loading and error printing. */
#ifndef TV_CLI_H
#define TV_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "bytecode/bytecode.h"

#define TV_VERSION "0.1.0"

struct tv_opts {
	const char *asm_file; /* -A: a program in assembler text */
	const char *program;  /* -e */
	const char *file;     /* script file */
	const char *output;   /* -o */
	const char *command;  /* -c */
	int buffering;	      /* -B: _IONBF, _IOLBF or _IOFBF; -1 = default */
	int pid;	      /* -p */
	int helper_checks;    /* -k: 1 (map helpers), -kk: 2 (also lookups, failed reads) */
	__u64 cat_bytes_max;  /* BPFTRACE_CAT_BYTES_MAX: bytes cat() prints of a file */
	bool dump, verbose, quiet, cleanup, list, unsafe, json, info, no_warnings;
	int nargs;
	char **args; /* positional parameters */
#define TV_MAX_INCLUDES 16
	const char *includes[TV_MAX_INCLUDES]; /* --include FILE, as `#include <FILE>` */
	int nincludes;
	const char *idirs[TV_MAX_INCLUDES]; /* -I DIR */
	int nidirs;
};

/* May this process use BPF and perf events (CAP_SYS_ADMIN, or CAP_BPF and
 * CAP_PERFMON, in its effective set)? */
bool tv_privileged(void);
/* Returns 1 to go on, or 0 / -status to exit at once (help, version, bad
 * usage); a bad option value sets err (the usage is printed here). */
int tv_parse_opts(int argc, char **argv, struct tv_opts *o, struct tv_err *err);
int load_program(const struct tv_opts *o, __s64 cpid, struct tv_image **img, struct tv_err *err);
/* source: the script, to show the line an error points at (or NULL) */
void print_error(const struct tv_opts *o, const struct tv_err *err, const char *source);
void notify_probes_attached(void);
/* --info: the build, the kernel's features and probe types, as bpftrace prints them */
void tv_print_info(FILE *f);

struct tv_child {
	pid_t pid; /* 0 once it has exited */
	int go_fd; /* written once the probes are attached */
};
int child_spawn(const char *cmd, struct tv_child *c, struct tv_err *err);
/* The command's program as bpftrace names a watchpoint's binary: as
 * written with a '/', else found in $PATH (0, or -errno). */
int child_program(const char *cmd, char *path, size_t size);
void child_release(struct tv_child *c);
bool child_exited(struct tv_child *c);
void child_end(struct tv_child *c);

#endif
