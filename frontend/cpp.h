/* The preprocessor of a script's preamble (cpp*.c): the # lines and the
 * declarations before the probes, and the headers they include.
 *
 * How far it goes: object-like and function-like macros (`#`, `##`,
 * variadic, GNU `, ## __VA_ARGS__`), #undef, #if/#elif with integer
 * expressions, `defined` and `__has_include`, #include "..."/<...> and
 * #include_next, #pragma once, include guards, #error.  Kernel headers
 * (<linux/...>, <net/...>, <asm/...>, ...) are never read: their types come
 * from BTF and their constants from macros.c's table.
 *
 * What reaches the declaration parser: a script's declarations (verbatim
 * when no macro is used in them, so errors keep exact columns), a user
 * header's whole text (its errors are the user's, told as file:line), and
 * of a system header only its type declarations (typedef, struct, union,
 * enum): prototypes, variables and inline function bodies are dropped,
 * and a type declaration the parser cannot read is dropped too (types.c
 * retries without it), so merely including a glibc header never fails. */
#ifndef TV_FE_CPP_H
#define TV_FE_CPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FE_CPP_MAX_DEPTH 64	  /* #include nesting */
#define FE_CPP_MAX_EXPAND 200	  /* macro arguments within arguments */
#define FE_CPP_MAX_TOKENS 2000000 /* tokens one expansion may make */
#define FE_CPP_MAX_ERRORS 8

enum pp_kind { PP_EOF, PP_IDENT, PP_NUM, PP_STR, PP_CHAR, PP_PUNCT, PP_OTHER };

struct fe_cpp;
struct pp_hide; /* a hideset: the macros a token came out of */

struct pp_tok {
	enum pp_kind kind;
	bool bol;   /* first on its line */
	bool space; /* blank before it */
	int len;
	int line;
	const char *s;
	struct pp_hide *hide;
};

struct pp_vec {
	struct pp_tok *v;
	int n, cap;
};

struct pp_macro {
	const char *name;
	int len;
	bool func, variadic, dead;
	int nparams;
	const struct pp_tok *params;
	struct pp_tok *body;
	int nbody;
};

/* Where a line of the output came from: a preamble node's line (file
 * -1) or a header's (file: index in cpp->files). */
struct fe_cpp_line {
	int file, node, line;
};

struct fe_cpp_file {
	char *path;
	bool system, once;
	int dir; /* the search directory it was found in, -1: none */
};

/* A span of the output that may be blanked: a system header's declaration. */
struct fe_cpp_span {
	size_t off, end;
	int first, last; /* output lines */
};

struct fe_cpp_error {
	int node; /* the preamble node it is told at; -1: no place */
	char msg[256];
};

struct fe_cpp_opts {
	const char *script_dir;	  /* "..." first; NULL: the current directory */
	const char *const *idirs; /* -I */
	int nidirs;
	/* a header the table serves (kernel headers, and the ones the tools
	 * need on a machine without libc headers): defines its names and
	 * returns true, so the header is not looked for */
	bool (*builtin_header)(struct fe_cpp *cpp, const char *name, void *ctx);
	void *ctx;
};

struct fe_arena;
struct fe_cpp {
	struct fe_cpp_opts o;
	struct fe_arena *arena; /* tokens, texts, macros: freed at once */
	struct pp_macro *macros;
	int nmacros, capmacros;
	int *hash; /* macro index + 1, open addressing */
	int hashcap;
	const char *dirs[24]; /* the search path: -I dirs, then the system's */
	int ndirs, nuser_dirs;
	struct fe_cpp_file *files;
	int nfiles;
	/* #if regions of the file being read */
	struct pp_cond {
		bool on, outer, taken, seen_else;
		int node, line; /* where it opened */
	} cond[64];
	int ncond, cond_base;
	int depth, expand_depth;
	long budget;	/* tokens expansions may still make */
	int node;	/* the preamble node being read */
	int file, line; /* the header and line being read (file -1: the script) */
	bool quiet;	/* the script's look-ups: nothing told */
	int last_file, last_node, last_line; /* the output's current line */
	bool va_list_done;
	/* the output: declaration text, a line of fe_cpp_line each */
	char *out;
	size_t outlen, outcap;
	struct fe_cpp_line *lines;
	int nlines, caplines;
	struct fe_cpp_span *spans;
	int nspans, capspans;
	struct fe_cpp_error err[FE_CPP_MAX_ERRORS];
	int nerr;
	bool failed; /* the current file stops (an error in a header) */
};

/* cpp.c: the driver */
struct fe_cpp *fe_cpp_new(const struct fe_cpp_opts *o);
void fe_cpp_free(struct fe_cpp *cpp);
/* A preamble node: a # line, or a declaration (expanded into the output). */
void fe_cpp_directive(struct fe_cpp *cpp, int node, const char *text);
void fe_cpp_decl(struct fe_cpp *cpp, int node, const char *text);
/* `#include <name>` from the command line (--include) */
void fe_cpp_include_cli(struct fe_cpp *cpp, const char *name);
/* end of the preamble: an #if left open is an error */
void fe_cpp_finish(struct fe_cpp *cpp);
bool fe_cpp_on(const struct fe_cpp *cpp);
void fe_cpp_define_int(struct fe_cpp *cpp, const char *name, int64_t value);
void fe_cpp_errorf(struct fe_cpp *cpp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A macro's value for the script: 1 an integer, 2 a string (into str),
 * 3 another name (into str: an enumerator, as glibc's `#define X X`),
 * 4 other tokens (into str, as text: an expression, `#define X pid + 1`),
 * 0 defined but none of these (empty, function-like, too long), -1 not
 * defined. */
int fe_cpp_value(struct fe_cpp *cpp, const char *name, size_t len, int64_t *v, char *str,
		 size_t strsize);

/* cpp.c, for cpp_file.c: a directive's tokens ('#' first) */
void fe_cpp_run_directive(struct fe_cpp *cpp, const struct pp_tok *t, int n);

/* cpp_file.c: headers and the output */
void fe_cpp_search_path(struct fe_cpp *cpp);
/* #include's tokens (after the word) */
void fe_cpp_include(struct fe_cpp *cpp, const struct pp_tok *t, int n, bool next);
/* a file's text (kept by cpp from now on when it is not static) read as a header */
void fe_cpp_read_text(struct fe_cpp *cpp, const char *path, const char *text, bool system, int dir);

/* cpp_lex.c */
void *fe_cpp_alloc(struct fe_cpp *cpp, size_t n);
int fe_pp_lex(struct fe_cpp *cpp, const char *text, struct pp_vec *out);
int fe_pp_push(struct pp_vec *v, const struct pp_tok *t);
bool fe_pp_is(const struct pp_tok *t, const char *s);
void fe_pp_free(struct pp_vec *v);

/* cpp_macro.c */
struct pp_macro *fe_pp_find(struct fe_cpp *cpp, const char *name, int len);
/* #define's tokens after the name's token; 0 or -1 (told) */
int fe_pp_define(struct fe_cpp *cpp, const struct pp_tok *t, int n);
void fe_pp_undef(struct fe_cpp *cpp, const struct pp_tok *name);
/* in[0..n) macro-expanded into out; -1 (told) on an error */
int fe_pp_expand(struct fe_cpp *cpp, const struct pp_tok *in, int n, struct pp_vec *out);

/* cpp_expr.c: #if's tokens (after the directive's name) to a value; -1 told */
int fe_pp_if(struct fe_cpp *cpp, const struct pp_tok *t, int n, bool *value);
/* tokens as an integer constant expression (no identifiers); -1: not one */
int fe_pp_eval(struct fe_cpp *cpp, const struct pp_tok *t, int n, int64_t *v);
/* cpp.c, for __has_include */
bool fe_cpp_has_include(struct fe_cpp *cpp, const char *name, int len, bool angled);

#endif
