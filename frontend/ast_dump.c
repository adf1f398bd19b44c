/* The tree as an S-expression (the forms are listed in ast.def). */
#include "frontend/ast.h"

static const char *const kind_names[] = {
#define NODE(kind, doc) [TV_N_##kind] = #kind,
#include "frontend/ast.def"
#undef NODE
};

/* clang-format off */
static const char *const op_texts[] = {
#define X(name, text) [TV_AST_##name] = text,
	TV_AST_OPS(X)
#undef X
};
/* clang-format on */

const char *fe_node_kind_name(enum fe_node_kind kind)
{
	return (unsigned)kind < TV_N__COUNT ? kind_names[kind] : "?";
}

const char *fe_ast_op_text(enum fe_ast_op op)
{
	return (unsigned)op < TV_AST__COUNT ? op_texts[op] : "?";
}

/* A C-escaped, double-quoted copy of len bytes. */
static void dump_bytes(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void dump_text(FILE *f, const char *s)
{
	size_t len = 0;

	while (s && s[len])
		len++;
	dump_bytes(f, s ? s : "", len);
}

static void dump_list(FILE *f, const struct fe_list *l)
{
	for (int i = 0; i < l->n; i++) {
		fputc(' ', f);
		fe_node_dump(l->v[i], f);
	}
}

/* "(head a b c)" with children that may be NULL (left out). */
static void dump_form(FILE *f, const char *head, const struct fe_node *a, const struct fe_node *b,
		      const struct fe_node *c)
{
	const struct fe_node *kids[] = {a, b, c};

	fprintf(f, "(%s", head);
	for (int i = 0; i < 3; i++) {
		if (kids[i]) {
			fputc(' ', f);
			fe_node_dump(kids[i], f);
		}
	}
	fputc(')', f);
}

static void dump_program(FILE *f, const struct fe_node *n)
{
	fputs("(program", f);
	if (n->program.shebang) {
		fputs(" (shebang ", f);
		dump_text(f, n->program.shebang);
		fputc(')', f);
	}
	dump_list(f, &n->program.preamble);
	dump_list(f, &n->program.probes);
	fputc(')', f);
}

static void dump_probe(FILE *f, const struct fe_node *n)
{
	fputs("(probe", f);
	dump_list(f, &n->probe.attach);
	if (n->probe.pred) {
		fputc(' ', f);
		dump_form(f, "pred", n->probe.pred, NULL, NULL);
	}
	fputc(' ', f);
	fe_node_dump(n->probe.body, f);
	fputc(')', f);
}

/* (head "text") */
static void dump_tagged(FILE *f, const char *head, const char *text)
{
	fprintf(f, "(%s ", head);
	dump_text(f, text);
	fputc(')', f);
}

static void dump_named(FILE *f, const char *head, const char *name, const struct fe_list *l)
{
	fprintf(f, "(%s%s%s", head, *head && *name ? " " : "", name);
	dump_list(f, l);
	fputc(')', f);
}

static void dump_int(FILE *f, const struct fe_node *n)
{
	fprintf(f, "%s%llu", n->num.negative ? "-" : "", (unsigned long long)n->num.value);
}

static void dump_type(FILE *f, const struct fe_node *n)
{
	fprintf(f, "(type \"%s%s", n->type.name, n->type.ptr ? " " : "");
	for (int i = 0; i < n->type.ptr; i++)
		fputc('*', f);
	fputs("\")", f);
}

static void dump_map(FILE *f, const struct fe_node *n)
{
	if (!n->map.keys.n)
		fputs(n->map.name, f);
	else
		dump_named(f, "", n->map.name, &n->map.keys);
}

static void dump_assign(FILE *f, const struct fe_node *n)
{
	char head[4];

	snprintf(head, sizeof(head), "%s%s",
		 n->assign.op == TV_AST_ASSIGN ? "" : fe_ast_op_text(n->assign.op), "=");
	dump_form(f, head, n->assign.target, n->assign.value, NULL);
}

static void dump_incdec(FILE *f, const struct fe_node *n)
{
	char head[8];

	snprintf(head, sizeof(head), "%s%s", n->incdec.post ? "post" : "pre",
		 n->incdec.inc ? "++" : "--");
	dump_form(f, head, n->incdec.expr, NULL, NULL);
}

static void dump_field(FILE *f, const struct fe_node *n)
{
	fprintf(f, "(%s ", n->field.arrow ? "->" : ".");
	fe_node_dump(n->field.expr, f);
	if (n->kind == TV_N_field)
		fprintf(f, " %s)", n->field.name);
	else
		fprintf(f, " %d)", n->field.index);
}

/* Statements and the program's parts. */
static bool dump_outer(const struct fe_node *n, FILE *f)
{
	switch (n->kind) {
	case TV_N_program: dump_program(f, n); break;
	case TV_N_preproc: dump_tagged(f, "preproc", n->text); break;
	case TV_N_struct_def: dump_tagged(f, "struct_def", n->text); break;
	case TV_N_probe: dump_probe(f, n); break;
	case TV_N_attach: dump_tagged(f, "attach", n->text); break;
	case TV_N_block: dump_named(f, "block", "", &n->block); break;
	case TV_N_expr_stmt: fe_node_dump(n->expr, f); break;
	case TV_N_assign: dump_assign(f, n); break;
	case TV_N_if: dump_form(f, "if", n->ctl.cond, n->ctl.body, n->ctl.els); break;
	case TV_N_unroll: dump_form(f, "unroll", n->ctl.cond, n->ctl.body, NULL); break;
	case TV_N_while: dump_form(f, "while", n->ctl.cond, n->ctl.body, NULL); break;
	case TV_N_for: dump_form(f, "for", n->forin.var, n->forin.map, n->forin.body); break;
	case TV_N_break:
	case TV_N_continue:
	case TV_N_return: fprintf(f, "(%s)", fe_node_kind_name(n->kind)); break;
	default: return false;
	}
	return true;
}

static void dump_expr(const struct fe_node *n, FILE *f)
{
	switch (n->kind) {
	case TV_N_int: dump_int(f, n); break;
	case TV_N_str: dump_bytes(f, n->str.s, n->str.len); break;
	case TV_N_ident:
	case TV_N_var: fputs(n->name, f); break;
	case TV_N_map: dump_map(f, n); break;
	case TV_N_param: fprintf(f, "$%ld", n->param); break;
	case TV_N_param_count: fputs("$#", f); break;
	case TV_N_call: dump_named(f, "call", n->call.name, &n->call.args); break;
	case TV_N_sizeof: dump_form(f, "sizeof", n->expr, NULL, NULL); break;
	case TV_N_type: dump_type(f, n); break;
	case TV_N_cast: dump_form(f, "cast", n->cast.type, n->cast.expr, NULL); break;
	case TV_N_unop: dump_form(f, fe_ast_op_text(n->unop.op), n->unop.expr, NULL, NULL); break;
	case TV_N_incdec: dump_incdec(f, n); break;
	case TV_N_binop:
		dump_form(f, fe_ast_op_text(n->binop.op), n->binop.lhs, n->binop.rhs, NULL);
		break;
	case TV_N_ternary:
		dump_form(f, "?", n->ternary.cond, n->ternary.then, n->ternary.els);
		break;
	case TV_N_field:
	case TV_N_tuple_index: dump_field(f, n); break;
	case TV_N_index: dump_form(f, "[]", n->index.expr, n->index.index, NULL); break;
	case TV_N_tuple: dump_named(f, "tuple", "", &n->list); break;
	default: fprintf(f, "(%s)", fe_node_kind_name(n->kind)); break;
	}
}

void fe_node_dump(const struct fe_node *n, FILE *f)
{
	if (!n)
		fputs("<null>", f);
	else if (!dump_outer(n, f))
		dump_expr(n, f);
}

void tv_ast_dump(const struct tv_ast *ast, FILE *f)
{
	fe_node_dump(ast ? ast->root : NULL, f);
	fputc('\n', f);
}
