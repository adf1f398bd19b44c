/* The parser's entry point, its helpers, and the program level: the
 * preamble, probes, attach point lists and predicates. */
#include <string.h>

#include "frontend/parser.h"

/* ---- helpers ------------------------------------------------------------ */

void fe_parse_next(struct fe_parser *p, enum fe_lex_mode mode)
{
	p->prev = p->tok.loc;
	if (!fe_lex_next(&p->lx, mode, &p->tok) && !p->stop) {
		fe_parse_error(p, p->tok.loc, "out of memory");
		p->stop = true;
	}
}

bool fe_parse_peek_byte(const struct fe_parser *p, char c)
{
	return fe_lex_peek_byte(&p->lx) == (unsigned char)c;
}

static int error_count(const struct fe_parser *p)
{
	return p->diag->n + p->diag->dropped;
}

bool fe_parse_stopped(const struct fe_parser *p)
{
	return p->stop || error_count(p) >= TV_PARSE_MAX_ERRORS;
}

void fe_parse_error(struct fe_parser *p, struct fe_loc loc, const char *fmt, ...)
{
	va_list ap;

	if (error_count(p) >= TV_PARSE_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	fe_diag_vadd(p->diag, loc.line, loc.col, loc.col_end, fmt, ap);
	va_end(ap);
}

void fe_parse_unexpected(struct fe_parser *p, const char *expecting)
{
	/* Recovery may stop again on the token that failed: once is enough. */
	if (p->tok.loc.off == p->last_err_off)
		return;
	p->last_err_off = p->tok.loc.off;
	if (expecting)
		fe_parse_error(p, p->tok.err, "syntax error, unexpected %s, expecting %s",
			       fe_tok_describe(&p->tok), expecting);
	else
		fe_parse_error(p, p->tok.err, "syntax error, unexpected %s",
			       fe_tok_describe(&p->tok));
}

bool fe_parse_expect(struct fe_parser *p, enum fe_tok_kind kind, const char *expecting)
{
	if (p->tok.kind != kind) {
		fe_parse_unexpected(p, expecting);
		return false;
	}
	fe_parse_next(p, TV_LEX_CODE);
	return true;
}

bool fe_parse_enter(struct fe_parser *p)
{
	if (p->depth >= TV_PARSE_MAX_DEPTH) {
		if (!p->stop)
			fe_parse_error(p, p->tok.loc, "nesting too deep (more than %d levels)",
				       TV_PARSE_MAX_DEPTH);
		p->stop = true;
		return false;
	}
	p->depth++;
	return true;
}

void fe_parse_leave(struct fe_parser *p)
{
	p->depth--;
}

static void out_of_memory(struct fe_parser *p)
{
	if (!p->stop)
		fe_parse_error(p, p->tok.loc, "out of memory");
	p->stop = true;
}

struct fe_node *fe_parse_node(struct fe_parser *p, enum fe_node_kind kind, struct fe_loc loc)
{
	struct fe_node *n = fe_arena_alloc(p->arena, sizeof(*n));

	if (!n) {
		out_of_memory(p);
		return NULL;
	}
	n->kind = kind;
	n->loc = loc;
	return n;
}

const char *fe_parse_text(struct fe_parser *p)
{
	char *s = fe_arena_strndup(p->arena, p->tok.text, p->tok.len);

	if (!s)
		out_of_memory(p);
	return s ? s : "";
}

void fe_parse_push(struct fe_parser *p, struct fe_list *l, struct fe_node *n)
{
	if (n && fe_list_push(p->arena, l, n))
		out_of_memory(p);
}

struct fe_loc fe_parse_span(const struct fe_parser *p, struct fe_loc a, struct fe_loc b)
{
	if (b.line == a.line && b.col_end >= a.col)
		a.col_end = b.col_end;
	else if (b.line != a.line)
		a.col_end = fe_line_last_col(p->lx.src, p->lx.len, (size_t)a.off);
	return a;
}

/* ---- probes ------------------------------------------------------------- */

/* Skips what is left of a broken probe header, up to its block. */
static void skip_to_block(struct fe_parser *p)
{
	int depth = 0;

	while (!fe_parse_stopped(p) && p->tok.kind != TV_T_EOF) {
		if (p->tok.kind == TV_T_LBRACE && depth == 0)
			return;
		if (p->tok.kind == TV_T_LPAREN || p->tok.kind == TV_T_LBRACKET)
			depth++;
		else if ((p->tok.kind == TV_T_RPAREN || p->tok.kind == TV_T_RBRACKET) && depth)
			depth--;
		fe_parse_next(p, TV_LEX_CODE);
	}
}

/* kprobe:a, kprobe:b, ... (a ',' before the block is allowed, as in
 * bpftrace). */
static void attach_list(struct fe_parser *p, struct fe_node *probe)
{
	while (p->tok.kind == TV_T_ATTACH) {
		struct fe_node *a = fe_parse_node(p, TV_N_attach, p->tok.loc);

		if (!a)
			return;
		a->text = fe_parse_text(p);
		fe_parse_push(p, &probe->probe.attach, a);
		probe->loc = fe_parse_span(p, probe->loc, a->loc);
		fe_parse_next(p, TV_LEX_CODE);
		if (p->tok.kind != TV_T_COMMA)
			return;
		fe_parse_next(p, TV_LEX_PROBE);
	}
}

/* "/ expr /": false when broken (reported). */
static bool predicate(struct fe_parser *p, struct fe_node *probe)
{
	fe_parse_next(p, TV_LEX_CODE);
	probe->probe.pred = fe_parse_expr(p);
	if (!probe->probe.pred)
		return false;
	return fe_parse_expect(p, TV_T_ENDPRED, "end predicate");
}

/* The attach points: false when there are none (reported). */
static bool probe_head(struct fe_parser *p, struct fe_node *probe)
{
	if (p->tok.kind == TV_T_ATTACH) {
		attach_list(p, probe);
		return true;
	}
	if (p->tok.kind == TV_T_LBRACE || p->tok.kind == TV_T_DIV) {
		struct fe_loc at = p->tok.loc;

		at.col_end = at.col - 1;
		fe_parse_error(p, at, "No attach points for probe");
		return false;
	}
	if (!p->top_skip)
		fe_parse_unexpected(p, "{");
	p->top_skip = true;
	fe_parse_next(p, TV_LEX_PROBE);
	return false;
}

static struct fe_node *probe(struct fe_parser *p)
{
	struct fe_node *probe = fe_parse_node(p, TV_N_probe, p->tok.loc);
	struct fe_loc start = p->prev;
	bool ok;

	if (!probe)
		return NULL;
	ok = probe_head(p, probe);
	if (!ok && p->tok.kind != TV_T_LBRACE && p->tok.kind != TV_T_DIV)
		return NULL;
	p->top_skip = false;
	if (ok && p->tok.kind == TV_T_EOF) {
		/* bpftrace's own message here, without "syntax error", spanning
		 * from the end of the token before the probe. */
		if (start.line == probe->loc.line && start.col_end < probe->loc.col)
			probe->loc.col = start.col_end + 1;
		fe_parse_error(p, probe->loc, "unexpected end of file, expected {");
		return NULL;
	}
	if (p->tok.kind == TV_T_DIV)
		ok &= predicate(p, probe);
	if (p->tok.kind != TV_T_LBRACE) {
		if (ok)
			fe_parse_unexpected(p, "{");
		ok = false;
		skip_to_block(p);
		if (p->tok.kind != TV_T_LBRACE)
			return NULL;
	}
	probe->probe.body = fe_parse_block(p, TV_LEX_PROBE);
	return ok && probe->probe.body ? probe : NULL;
}

/* ---- the program -------------------------------------------------------- */

static void preamble(struct fe_parser *p, struct fe_node *prog)
{
	if (p->tok.kind == TV_T_SHEBANG) {
		prog->program.shebang = fe_parse_text(p);
		fe_parse_next(p, TV_LEX_PROBE);
	}
	while (p->tok.kind == TV_T_PREPROC || p->tok.kind == TV_T_STRUCT_DEFN) {
		enum fe_node_kind kind =
		    p->tok.kind == TV_T_PREPROC ? TV_N_preproc : TV_N_struct_def;
		struct fe_node *n = fe_parse_node(p, kind, p->tok.loc);

		if (!n)
			return;
		n->text = fe_parse_text(p);
		fe_parse_push(p, &prog->program.preamble, n);
		fe_parse_next(p, TV_LEX_PROBE);
	}
}

static struct fe_node *program(struct fe_parser *p)
{
	struct fe_node *prog = fe_parse_node(p, TV_N_program, p->tok.loc);

	if (!prog)
		return NULL;
	preamble(p, prog);
	while (!fe_parse_stopped(p) && p->tok.kind != TV_T_EOF)
		fe_parse_push(p, &prog->program.probes, probe(p));
	/* as bpftrace: a program has a probe */
	if (!prog->program.probes.n && !error_count(p))
		fe_parse_error(p, p->tok.loc, "unexpected end of file, expected {");
	return prog;
}

struct tv_ast *tv_parse_n(const char *text, size_t len, const char *filename, struct tv_diag *diags)
{
	struct fe_parser p = {.diag = diags, .last_err_off = -1};
	struct tv_ast *ast;

	tv_diag_init(diags);
	p.arena = fe_arena_new();
	ast = p.arena ? fe_arena_alloc(p.arena, sizeof(*ast)) : NULL;
	if (!ast) {
		fe_arena_free(p.arena);
		tv_diag_add(diags, 0, 0, 0, "out of memory");
		return NULL;
	}
	ast->arena = p.arena;
	ast->filename = filename ? fe_arena_strndup(p.arena, filename, strlen(filename)) : NULL;
	fe_lex_init(&p.lx, text ? text : "", text ? len : 0, p.arena, diags);
	fe_parse_next(&p, TV_LEX_PROBE);
	ast->root = program(&p);
	if (diags->n || diags->dropped || !ast->root) {
		fe_arena_free(p.arena);
		return NULL;
	}
	return ast;
}

struct tv_ast *tv_parse(const char *text, const char *filename, struct tv_diag *diags)
{
	return tv_parse_n(text, text ? strlen(text) : 0, filename, diags);
}

void tv_ast_free(struct tv_ast *ast)
{
	if (ast)
		fe_arena_free(ast->arena);
}
