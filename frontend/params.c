/* Positional parameters where bpftrace takes them as literals: inside
 * attach points ("i:ms:$1", "BEG$1"), as an integer literal (strncmp's
 * length, lhist's bounds), and str($N) / str($N + k) as a string literal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/lower.h"

/* $N at s[0] == '$' of an attach point: N read as bpftrace reads it (up to
 * the next ':' or '"', C's bases), its text appended at out[*o].  Returns
 * the characters taken, 0 when the index is not a number (reported). */
static size_t attach_param(struct lower *L, const struct fe_node *at, const char *s, char *out,
			   size_t size, size_t *o)
{
	size_t len = strcspn(s + 1, ":\"");
	char idx[32], *end;
	long long n;
	struct fe_node p = {.kind = TV_N_param};

	snprintf(idx, sizeof(idx), "%.*s", (int)(len < sizeof(idx) - 1 ? len : sizeof(idx) - 1),
		 s + 1);
	errno = 0;
	n = strtoll(idx, &end, 0);
	if (end == idx) {
		fe_error(L, at, "Invalid positional parameter index '%s' in attach point", idx);
		return 0;
	}
	if (n < 1 || errno) {
		fe_error(L, at, "param $%s is out of integer range [1, %lld]", idx,
			 (long long)INT64_MAX);
		return 0;
	}
	if (*end || len >= sizeof(idx) - 1) {
		fe_error(L, at,
			 "Found trailing text '%s' in positional parameter index. Try quoting the "
			 "trailing text.",
			 end);
		return 0;
	}
	p.param = (long)n;
	*o += (size_t)snprintf(out + *o, *o < size ? size - *o : 0, "%s", fe_param_text(L, &p));
	return len + 1;
}

int fe_attach_params(struct lower *L, const struct fe_node *at, char *out, size_t size)
{
	const char *s = at->text;
	size_t o = 0, took;
	bool quoted = false;

	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		if (quoted && s[i] == '\\' && s[i + 1]) {
			if (o + 2 < size)
				out[o] = s[i], out[o + 1] = s[i + 1];
			o += 2, i++;
			continue;
		}
		if (quoted || s[i] != '$') {
			if (o + 1 < size)
				out[o] = s[i];
			o++;
			continue;
		}
		took = attach_param(L, at, s + i, out, size, &o);
		if (!took)
			return -EINVAL;
		i += took - 1;
	}
	if (o >= size) {
		fe_error(L, at, "attach point is too long after its positional parameters");
		return -ENAMETOOLONG;
	}
	out[o] = 0;
	return 0;
}

bool fe_literal_int(const struct lower *L, const struct fe_node *n, __s64 *v)
{
	if (n->kind == TV_N_int) {
		*v = fe_int_value(n);
		return true;
	}
	return n->kind == TV_N_param && !fe_param_int(L, n, v);
}

static bool is_param(const struct fe_node *n, void *arg)
{
	(void)arg;
	return n->kind == TV_N_param;
}

/* str($N + k) or str(k + $N): the parameter and the offset k into its
 * text (a number's text too, as bpftrace); NULL when the argument is not
 * that shape.  A broken k or a $N deeper in the sum is reported. */
static const struct fe_node *param_offset(struct lower *L, const struct fe_node *call,
					  const struct fe_node *e, __s64 *k, bool *bad)
{
	const struct fe_node *p, *c;
	struct fe_node at;
	__s64 len;

	*bad = false, *k = 0;
	if (e->kind == TV_N_param)
		return e;
	if (e->kind != TV_N_binop)
		return NULL;
	p = e->binop.lhs->kind == TV_N_param ? e->binop.lhs : e->binop.rhs;
	c = p == e->binop.lhs ? e->binop.rhs : e->binop.lhs;
	if (p->kind != TV_N_param) {
		p = fe_node_find(e, is_param, NULL);
		if (p)
			fe_error(L, call,
				 "str() only accepts positional parameters directly or with a "
				 "single constant offset added");
		*bad = p != NULL;
		return p;
	}
	len = (__s64)strlen(fe_param_text(L, p));
	if (e->binop.op != TV_AST_ADD || c->kind != TV_N_int || (*k = fe_int_value(c)) < 0 ||
	    *k > len) {
		/* bpftrace's place: from the operator to the end of the sum */
		at = (struct fe_node){.loc = e->binop.op_at};
		at.loc.col_end = e->binop.rhs->loc.col_end;
		fe_error(L, &at,
			 "only addition of a single constant less or equal to the length of $%ld "
			 "(which is %lld) is allowed inside str()",
			 p->param, (long long)len);
		*bad = true;
	}
	return p;
}

bool fe_param_str(struct lower *L, const struct fe_node *call, const char **s)
{
	const struct fe_node *p;
	__s64 k;
	bool bad;

	if (call->kind != TV_N_call || strcmp(call->call.name, "str") || call->call.args.n != 1)
		return false;
	p = param_offset(L, call, call->call.args.v[0], &k, &bad);
	if (!p)
		return false;
	*s = bad ? "" : fe_param_text(L, p) + k;
	return true;
}

bool fe_literal_str(struct lower *L, const struct fe_node *n, const char **s)
{
	if (n->kind == TV_N_str) {
		*s = n->str.s;
		return true;
	}
	/* bpftrace's get_string_literal: str($N) alone, no offset */
	return n->kind == TV_N_call && n->call.args.n == 1 &&
	       n->call.args.v[0]->kind == TV_N_param && fe_param_str(L, n, s);
}
