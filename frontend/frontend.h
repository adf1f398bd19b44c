/* frontend: BpfScript (the bpftrace language, as of bpftrace 0.17) to an
 * abstract syntax tree, with bpftrace's diagnostics.
 *
 *   struct tv_diag d;
 *   struct tv_ast *ast = tv_parse(text, "stdin", &d);
 *   if (!ast)
 *           tv_diag_print_all(stderr, "stdin", text, &d);
 *
 * A diagnostic prints as bpftrace prints it:
 *
 *   stdin:1:20-21: ERROR: syntax error, unexpected }, expecting ) or ","
 *   BEGIN { printf("x" }
 *                      ~
 *
 * Columns are 1-based byte columns (a tab counts one).  In a struct tv_err,
 * col..col_end are the first and last columns of the offending text
 * (col_end = col - 1 for an empty span, such as the end of the input);
 * the printed form is bpftrace's "col-(col_end + 1)".
 *
 * The tree itself is described in frontend/ast.h (for the frontend's later
 * stages); outside the frontend it is opaque, and tv_ast_dump() prints it.
 */
#ifndef TV_FRONTEND_H
#define TV_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bytecode/bytecode.h"

#define TV_DIAG_MAX 16 /* errors (and warnings) kept; later ones are only counted */

struct tv_diag {
	int n;	     /* errors in err[] */
	int dropped; /* errors reported beyond TV_DIAG_MAX */
	struct tv_err err[TV_DIAG_MAX];
	/* warnings: told whether or not the program compiles (an attach
	 * point that finds nothing, where the others of its probe do) */
	int nwarn;
	struct tv_err warn[TV_DIAG_MAX];
};

void tv_diag_init(struct tv_diag *d);

/* Record an error at line:col..col_end (line 0: no location). */
void tv_diag_add(struct tv_diag *d, int line, int col, int col_end, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Record a warning there (one already recorded is not repeated). */
void tv_diag_warn(struct tv_diag *d, int line, int col, int col_end, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Print one error: "FILE:LINE:COL-END: ERROR: MSG", then the source line
 * (tabs as four spaces) and '~' under the span, as bpftrace does.  filename
 * NULL or "" leaves out the "FILE:" prefix; text NULL leaves out the source
 * line, and so does a line that is empty or past the end of text. */
void tv_diag_print(FILE *f, const char *filename, const char *text, const struct tv_err *e);
/* The warnings, then the errors. */
void tv_diag_print_all(FILE *f, const char *filename, const char *text, const struct tv_diag *d);
void tv_diag_print_warnings(FILE *f, const char *filename, const char *text,
			    const struct tv_diag *d);

struct tv_ast;

/* Parse a whole program.  Returns the tree, or NULL when there was any
 * error (diags then holds at least one; the parser recovers at ';', '}'
 * and the next probe, and stops after 10 errors).  diags is reset first.
 * filename is kept in the tree for later diagnostics (may be NULL). */
struct tv_ast *tv_parse(const char *text, const char *filename, struct tv_diag *diags);

/* The same for a buffer that may hold NUL bytes (they are invalid
 * characters outside strings and comments). */
struct tv_ast *tv_parse_n(const char *text, size_t len, const char *filename,
			  struct tv_diag *diags);

/* Frees the tree and everything it points to, in one go.  NULL is fine. */
void tv_ast_free(struct tv_ast *ast);

/* The tree as one S-expression on one line, then a newline, e.g.
 *   (program (probe (attach "BEGIN") (block (= $x (+ 1 (* 2 3))))))
 * frontend/ast.def lists every node and how it prints. */
void tv_ast_dump(const struct tv_ast *ast, FILE *f);

/* -l: print the probes matching a bpftrace-style glob pattern (NULL: all),
 * with -v their arguments; returns how many matched, or a negative errno
 * with err set (line 1, the pattern's columns: a uprobe's binary that is
 * not there).  usdt:BIN:... lists BIN's USDT probes through usdt;
 * uprobe:BIN:FUNC the functions of BIN, with -v their parameters from
 * BIN's DWARF (without it, a warning on stderr and the names alone); with
 * pid, uprobe:FUNC the process's executable's. */
struct tv_list_opts {
	bool verbose;
	int pid; /* -p, or 0 */
	tv_usdt_fn usdt;
};
int tv_list_probes(FILE *f, const char *pattern, const struct tv_list_opts *o, struct tv_err *err);

/* ---- compiling: a program to a validated image ------------------------- */

struct tv_compile_opts {
	int nargs; /* positional parameters $1..$N */
	char **args;
	__s64 cpid;	 /* the -c child's pid, for cpid */
	bool unsafe;	 /* --unsafe: system() allowed */
	bool no_kernel;	 /* without root's capabilities: probes in the kernel are an error */
	tv_usym_fn usym; /* uaddr()'s symbols (NULL: uaddr is an error) */
	tv_usdt_fn usdt; /* a binary's USDT locations (NULL: usdt is an error) */
	const char *const *includes; /* --include: headers included before the script */
	int nincludes;
	const char *const *include_dirs; /* -I: where #include looks first */
	int ninclude_dirs;
	const char *script_path; /* the script's file: #include "..." looks beside it (NULL: -e, .) */
	/* does the kernel offer this?  (NULL: not asked; the attach finds out) */
	bool (*has_feature)(enum tv_feature f);
	/* always lower twice (tests check that one pass, where it is taken,
	 * makes the same image) */
	bool two_pass;
	/* watchpoint:FUNC+argN: the traced process (-p, -c) and its program
	 * as bpftrace names it (the -c path as written, or /proc/PID/exe);
	 * NULL: function watchpoints are an error */
	const char *watch_bin;
	__s64 watch_pid;
};

/* Parse, resolve probes (tracefs), type-check and lower `text` to an image.
 * NULL when there was any error; diags then holds them all. */
struct tv_image *tv_compile(const char *text, const char *filename,
			    const struct tv_compile_opts *opts, struct tv_diag *diags);

#endif
