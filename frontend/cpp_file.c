/* Headers: the search path, #include, #pragma once, and the output the
 * declaration parser reads (with a system header's declarations sifted,
 * as cpp.h tells). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/ast.h"
#include "frontend/cpp.h"

#define MAX_HEADER (16 << 20)

/* the x86-64 va_list, which gcc knows without a header */
static const char va_list_decl[] = "typedef struct __va_list_tag { unsigned int gp_offset; "
				   "unsigned int fp_offset; void *overflow_arg_area; "
				   "void *reg_save_area; } __builtin_va_list[1];\n";

/* gcc's own headers (stddef.h, stdarg.h ...): the newest version's. */
static const char *gcc_dir(struct fe_cpp *cpp)
{
	const char *base = "/usr/lib/gcc/x86_64-linux-gnu";
	DIR *d = opendir(base);
	struct dirent *e;
	int best = -1;
	char *path;

	while (d && (e = readdir(d)))
		if (atoi(e->d_name) > best)
			best = atoi(e->d_name);
	if (d)
		closedir(d);
	if (best < 0 || !(path = fe_cpp_alloc(cpp, strlen(base) + 32)))
		return NULL;
	sprintf(path, "%s/%d/include", base, best);
	return access(path, R_OK) ? NULL : path;
}

void fe_cpp_search_path(struct fe_cpp *cpp)
{
	static const char *const sys[] = {"/usr/local/include", "/usr/include/x86_64-linux-gnu",
					  "/usr/include"};
	const int max = (int)(sizeof(cpp->dirs) / sizeof(cpp->dirs[0]));
	const char *g = gcc_dir(cpp);

	for (int i = 0; i < cpp->o.nidirs && cpp->ndirs < max - 4; i++)
		cpp->dirs[cpp->ndirs++] = cpp->o.idirs[i];
	cpp->nuser_dirs = cpp->ndirs;
	if (g)
		cpp->dirs[cpp->ndirs++] = g;
	for (int i = 0; i < 3; i++)
		cpp->dirs[cpp->ndirs++] = sys[i];
}

/* ---- the output ----------------------------------------------------------- */

static int out_put(struct fe_cpp *cpp, const char *s, size_t n)
{
	if (cpp->outlen + n + 1 > cpp->outcap) {
		size_t cap = (cpp->outlen + n + 1) * 2;
		char *p = realloc(cpp->out, cap);

		if (!p)
			return -1;
		cpp->out = p, cpp->outcap = cap;
	}
	memcpy(cpp->out + cpp->outlen, s, n);
	cpp->outlen += n;
	cpp->out[cpp->outlen] = 0;
	return 0;
}

static int new_line(struct fe_cpp *cpp, int file, int node, int line)
{
	if (cpp->nlines && out_put(cpp, "\n", 1))
		return -1;
	if (fe_grow(&cpp->lines, &cpp->caplines, cpp->nlines, sizeof(*cpp->lines), 256))
		return -1;
	cpp->lines[cpp->nlines++] = (struct fe_cpp_line){file, node, line};
	cpp->last_file = file, cpp->last_node = node, cpp->last_line = line;
	return 0;
}

static int emit_tokens(struct fe_cpp *cpp, const struct pp_tok *t, int n, int file, int node)
{
	for (int i = 0; i < n; i++) {
		bool same =
		    file == cpp->last_file && node == cpp->last_node && t[i].line == cpp->last_line;

		if ((!same && new_line(cpp, file, node, t[i].line)) ||
		    (same && out_put(cpp, " ", 1)) || out_put(cpp, t[i].s, (size_t)t[i].len))
			return -1;
	}
	return 0;
}

static int add_span(struct fe_cpp *cpp, size_t off, int first)
{
	if (fe_grow(&cpp->spans, &cpp->capspans, cpp->nspans, sizeof(*cpp->spans), 64))
		return -1;
	cpp->spans[cpp->nspans++] = (struct fe_cpp_span){off, cpp->outlen, first, cpp->nlines - 1};
	return 0;
}

/* ---- a system header's declarations --------------------------------------- */

/* A declaration being gathered: braces and parentheses open, and whether
 * its braces are a function's body. */
struct decl {
	struct pp_vec t;
	int braces, parens;
	bool body;
};

static bool is_call(const struct pp_tok *t, int i)
{
	return i > 0 && fe_pp_is(&t[i], "(") && t[i - 1].kind == PP_IDENT &&
	       !fe_pp_is(&t[i - 1], "__attribute__") && !fe_pp_is(&t[i - 1], "__attribute");
}

/* A type declaration (typedef, or a struct, union or enum that declares no
 * function); prototypes, variables and function bodies are not wanted. */
static bool wanted(const struct decl *d)
{
	const struct pp_tok *t = d->t.v;
	int i = 0, braces = 0;

	while (i < d->t.n && fe_pp_is(&t[i], "__extension__"))
		i++;
	if (d->body || i == d->t.n)
		return false;
	if (fe_pp_is(&t[i], "typedef"))
		return true;
	if (!fe_pp_is(&t[i], "struct") && !fe_pp_is(&t[i], "union") && !fe_pp_is(&t[i], "enum"))
		return false;
	for (; i < d->t.n; i++) {
		braces += fe_pp_is(&t[i], "{") - fe_pp_is(&t[i], "}");
		if (!braces && is_call(t, i))
			return false;
	}
	return true;
}

static int decl_end(struct fe_cpp *cpp, struct decl *d, int file)
{
	size_t off = cpp->outlen;
	int first = cpp->nlines, rc = 0;

	if (wanted(d)) {
		if (!cpp->va_list_done) {
			cpp->va_list_done = true;
			fe_cpp_read_text(cpp, "<built-in>", va_list_decl, true, -1);
			off = cpp->outlen, first = cpp->nlines;
		}
		cpp->last_file = -2;
		rc = emit_tokens(cpp, d->t.v, d->t.n, file, cpp->node) || add_span(cpp, off, first);
	}
	d->t.n = 0, d->braces = d->parens = 0, d->body = false;
	return rc ? -1 : 0;
}

static int sift(struct fe_cpp *cpp, struct decl *d, const struct pp_tok *t, int file)
{
	bool open = fe_pp_is(t, "{");

	if (open && !d->braces && !d->parens && d->t.n && fe_pp_is(&d->t.v[d->t.n - 1], ")"))
		d->body = true;
	if (fe_pp_push(&d->t, t))
		return -1;
	d->braces += open - fe_pp_is(t, "}");
	d->parens +=
	    (fe_pp_is(t, "(") || fe_pp_is(t, "[")) - (fe_pp_is(t, ")") || fe_pp_is(t, "]"));
	if ((!d->braces && d->body && fe_pp_is(t, "}")) ||
	    (!d->braces && !d->parens && fe_pp_is(t, ";")))
		return decl_end(cpp, d, file);
	return 0;
}

/* ---- reading a file ------------------------------------------------------- */

static int emit_text(struct fe_cpp *cpp, const struct pp_tok *t, int n, int file, struct decl *d)
{
	struct pp_vec x = {0};
	int rc;

	cpp->line = n ? t->line : cpp->line;
	rc = fe_pp_expand(cpp, t, n, &x);
	for (int i = 0; !rc && i < x.n && cpp->files[file].system; i++)
		rc = sift(cpp, d, &x.v[i], file);
	if (!rc && !cpp->files[file].system)
		rc = emit_tokens(cpp, x.v, x.n, file, cpp->node);
	fe_pp_free(&x);
	if (rc && !cpp->nerr)
		fe_cpp_errorf(cpp, "out of memory");
	return rc;
}

static int file_entry(struct fe_cpp *cpp, const char *path, bool system, int dir)
{
	struct fe_cpp_file *f;

	for (int i = 0; i < cpp->nfiles; i++)
		if (!strcmp(cpp->files[i].path, path))
			return i;
	f = realloc(cpp->files, (size_t)(cpp->nfiles + 1) * sizeof(*f));
	if (!f)
		return -1;
	cpp->files = f;
	f[cpp->nfiles] = (struct fe_cpp_file){.path = strdup(path), .system = system, .dir = dir};
	return f[cpp->nfiles].path ? cpp->nfiles++ : -1;
}

static void read_tokens(struct fe_cpp *cpp, const struct pp_vec *v, int f)
{
	struct decl d = {0};

	for (int i = 0, j; i < v->n && !cpp->failed; i = j) {
		bool directive = v->v[i].bol && fe_pp_is(&v->v[i], "#");

		for (j = i + 1;
		     j < v->n && !(v->v[j].bol && (directive || fe_pp_is(&v->v[j], "#"))); j++)
			;
		if (directive)
			fe_cpp_run_directive(cpp, v->v + i, j - i);
		else if (fe_cpp_on(cpp))
			emit_text(cpp, v->v + i, j - i, f, &d);
	}
	fe_pp_free(&d.t); /* a declaration the file left open: not wanted */
}

void fe_cpp_read_text(struct fe_cpp *cpp, const char *path, const char *text, bool system, int dir)
{
	int f = file_entry(cpp, path, system, dir), file = cpp->file, line = cpp->line;
	int base = cpp->cond_base;
	struct pp_vec v = {0};

	if (f < 0 || fe_pp_lex(cpp, text, &v)) {
		fe_cpp_errorf(cpp, "out of memory");
		fe_pp_free(&v);
		return;
	}
	cpp->file = f, cpp->cond_base = cpp->ncond, cpp->depth++;
	read_tokens(cpp, &v, f);
	if (cpp->ncond > cpp->cond_base && !cpp->failed) {
		cpp->line = cpp->cond[cpp->ncond - 1].line;
		fe_cpp_errorf(cpp, "unterminated conditional directive");
	}
	cpp->ncond = cpp->cond_base;
	cpp->file = file, cpp->line = line, cpp->cond_base = base, cpp->depth--;
	fe_pp_free(&v);
}

static char *slurp(struct fe_cpp *cpp, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *text = NULL;
	long n = -1;

	if (fp && !fseek(fp, 0, SEEK_END) && (n = ftell(fp)) >= 0 && n <= MAX_HEADER &&
	    !fseek(fp, 0, SEEK_SET) && (text = fe_cpp_alloc(cpp, (size_t)n + 1)))
		text[fread(text, 1, (size_t)n, fp)] = 0;
	if (fp)
		fclose(fp);
	if (!text)
		fe_cpp_errorf(cpp, "%s: cannot read the header%s", path,
			      n > MAX_HEADER ? " (larger than 16 MB)" : "");
	return text;
}

/* ---- finding a header ----------------------------------------------------- */

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, R_OK);
}

static bool try_path(char *buf, size_t size, const char *dir, const char *name, int len)
{
	if (snprintf(buf, size, "%s%s%.*s", dir, *dir ? "/" : "", len, name) >= (int)size)
		return false;
	return is_file(buf);
}

/* The directory the current file is in ("." for -e). */
static void current_dir(const struct fe_cpp *cpp, char *buf, size_t size)
{
	const char *p = cpp->file >= 0 ? cpp->files[cpp->file].path : NULL;
	const char *slash = p ? strrchr(p, '/') : NULL;

	if (p)
		snprintf(buf, size, "%.*s", slash ? (int)(slash - p) : 1, slash ? p : ".");
	else
		snprintf(buf, size, "%s", cpp->o.script_dir ? cpp->o.script_dir : ".");
}

/* name's path into buf, where it was found (dir, -1: beside the includer)
 * and whether that is a system header; false if it is nowhere. */
static bool find(struct fe_cpp *cpp, const char *name, int len, bool angled, bool next, char *buf,
		 size_t size, int *dir, bool *system)
{
	int from = next && cpp->file >= 0 ? cpp->files[cpp->file].dir + 1 : 0;
	char here[4096];

	*dir = -1, *system = false;
	if (name[0] == '/')
		return try_path(buf, size, "", name, len);
	if (!angled && !next) {
		current_dir(cpp, here, sizeof(here));
		*system = cpp->file >= 0 && cpp->files[cpp->file].system;
		if (try_path(buf, size, here, name, len))
			return true;
	}
	for (int i = from; i < cpp->ndirs; i++)
		if (try_path(buf, size, cpp->dirs[i], name, len)) {
			*dir = i, *system = i >= cpp->nuser_dirs;
			return true;
		}
	return false;
}

bool fe_cpp_has_include(struct fe_cpp *cpp, const char *name, int len, bool angled)
{
	char buf[4096];
	int dir;
	bool sys;

	return find(cpp, name, len, angled, false, buf, sizeof(buf), &dir, &sys);
}

static void include_name(struct fe_cpp *cpp, const char *name, int len, bool angled, bool next)
{
	char path[4096], real[4096], key[512];
	int dir, f;
	bool sys;
	const char *text;

	snprintf(key, sizeof(key), "%.*s", len, name);
	if (!len) {
		fe_cpp_errorf(cpp, "empty filename in #include");
		return;
	}
	if (cpp->depth > FE_CPP_MAX_DEPTH) {
		fe_cpp_errorf(cpp, "#include nested too deeply (the limit is %d): '%s'",
			      FE_CPP_MAX_DEPTH, key);
		return;
	}
	if (cpp->o.builtin_header && cpp->o.builtin_header(cpp, key, cpp->o.ctx))
		return;
	if (!find(cpp, name, len, angled, next, path, sizeof(path), &dir, &sys)) {
		fe_cpp_errorf(cpp, "'%s' file not found", key);
		return;
	}
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	for (f = 0; f < cpp->nfiles && strcmp(cpp->files[f].path, real); f++)
		;
	if ((f < cpp->nfiles && cpp->files[f].once) || !(text = slurp(cpp, path)))
		return;
	fe_cpp_read_text(cpp, real, text, sys, dir);
}

/* The header's name from #include's tokens: "a.h", <a/b.h>, or a macro
 * that expands to one of them. */
void fe_cpp_include(struct fe_cpp *cpp, const struct pp_tok *t, int n, bool next)
{
	struct pp_vec x = {0};
	char name[512];
	size_t k = 0;
	int i;

	if (n && t[0].kind == PP_STR && t[0].len >= 2 && t[0].s[0] == '"') {
		include_name(cpp, t[0].s + 1, t[0].len - 2, false, next);
		return;
	}
	if (n && fe_pp_is(&t[0], "<")) {
		for (i = 1; i < n && !fe_pp_is(&t[i], ">"); i++)
			k += (size_t)snprintf(name + k, sizeof(name) - k, "%s%.*s",
					      t[i].space && k ? " " : "", t[i].len, t[i].s);
		if (i < n && k < sizeof(name))
			include_name(cpp, name, (int)k, true, next);
		else
			fe_cpp_errorf(cpp, "missing terminating > character");
		return;
	}
	if (n && t[0].kind == PP_IDENT && !fe_pp_expand(cpp, t, n, &x) && x.n &&
	    x.v[0].kind != PP_IDENT)
		fe_cpp_include(cpp, x.v, x.n, next);
	else if (!cpp->nerr || !cpp->failed)
		fe_cpp_errorf(cpp, "#include expects \"FILENAME\" or <FILENAME>");
	fe_pp_free(&x);
}

void fe_cpp_include_cli(struct fe_cpp *cpp, const char *name)
{
	cpp->node = -1, cpp->file = -1, cpp->failed = false;
	include_name(cpp, name, (int)strlen(name), true, false);
}

/* ---- the script's declarations -------------------------------------------- */

static int verbatim(struct fe_cpp *cpp, int node, const char *text)
{
	int line = 1;

	if (new_line(cpp, -1, node, line))
		return -1;
	for (const char *c = text; *c; c++)
		if (*c == '\n' ? new_line(cpp, -1, node, ++line) : out_put(cpp, c, 1))
			return -1;
	cpp->last_file = -2; /* what follows starts a line of its own */
	return 0;
}

void fe_cpp_decl(struct fe_cpp *cpp, int node, const char *text)
{
	struct pp_vec v = {0}, x = {0};
	bool macro = false;
	int rc;

	cpp->node = node, cpp->file = -1, cpp->failed = false;
	rc = fe_pp_lex(cpp, text, &v);
	for (int i = 0; !rc && i < v.n; i++)
		macro |= v.v[i].kind == PP_IDENT && fe_pp_find(cpp, v.v[i].s, v.v[i].len);
	/* without a macro, as written: errors keep their columns */
	if (!rc && !macro)
		rc = verbatim(cpp, node, text);
	else if (!rc && !(rc = fe_pp_expand(cpp, v.v, v.n, &x)))
		cpp->last_file = -2, rc = emit_tokens(cpp, x.v, x.n, -1, node);
	if (rc && !cpp->nerr)
		fe_cpp_errorf(cpp, "out of memory");
	fe_pp_free(&v);
	fe_pp_free(&x);
}
