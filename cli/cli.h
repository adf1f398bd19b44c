/* cli internals: options, program loading and error printing. */
#ifndef TV_CLI_H
#define TV_CLI_H

#include <stdbool.h>

#include "bytecode/bytecode.h"

struct tv_opts {
	const char *asm_file; /* -A: a program in assembler text */
	const char *program;  /* -e */
	const char *file;     /* script file */
	const char *output;   /* -o */
	bool dump, verbose, quiet, cleanup, list;
	int nargs;
	char **args; /* positional parameters */
};

/* Returns 1 to go on, or 0 / -status to exit at once (help, version, bad usage). */
int tv_parse_opts(int argc, char **argv, struct tv_opts *o);
int load_program(const struct tv_opts *o, struct tv_image **img, struct tv_err *err);
void print_error(const struct tv_opts *o, const struct tv_err *err);
void notify_probes_attached(void);

#endif
