/* Functions whose values are bytes the host prints (usym, ntop, strftime,
 * buf) and those that act on the traced process (strcontains, signal).
 * Layouts are TV_VALUE_TYPES'. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "frontend/lower.h"

static void store_int(struct lower *L, const struct fe_node *e, unsigned off)
{
	int r = fe_gen_int(L, e);

	EMIT(L, ST, r, 8, off);
	fe_reg_free(L, r);
}

static void store_imm(struct lower *L, const struct fe_node *at, __s64 v, unsigned off)
{
	int r = fe_reg(L, at);

	EMIT(L, MOVI, r, v);
	EMIT(L, ST, r, 8, off);
	fe_reg_free(L, r);
}

int fe_gen_usym(struct lower *L, const struct fe_node *c, unsigned off, unsigned size)
{
	int r = fe_gen_int(L, c->call.args.v[0]);

	(void)size;
	EMIT(L, USYM, r, off);
	fe_reg_free(L, r);
	return 0;
}

/* A tracepoint's array field (u8 saddr[4]) as it lies in the context. */
static const struct fe_tp_field *ctx_array(struct lower *L, const struct fe_node *e)
{
	const struct fe_tp_field *f;

	if (e->kind != TV_N_field || fe_is_struct_access(e))
		return NULL;
	f = fe_args_field(L, e);
	return f && f->is_array ? f : NULL;
}

/* n bytes (a multiple of 4) of the context from byte `from`, to S[off]. */
static void copy_ctx(struct lower *L, const struct fe_node *at, unsigned from, unsigned n,
		     unsigned off)
{
	int r = fe_reg(L, at);

	for (unsigned i = 0; i + 4 <= n; i += i + 8 <= n ? 8 : 4) {
		unsigned z = i + 8 <= n ? 8 : 4;

		EMIT(L, CTX, r, z, from + i);
		EMIT(L, ST, r, z, off + i);
	}
	fe_reg_free(L, r);
}

/* n bytes from where an array or record lies in memory (more than it
 * holds when buf() is told so, as bpftrace reads them): BUFK/BUFU put
 * the length word first. */
static bool copy_member(struct lower *L, const struct fe_node *e, unsigned n, unsigned off)
{
	bool user;
	unsigned size;
	int p = fe_is_struct_access(e) ? fe_gen_struct_addr(L, e, &user, &size) : -1, len;

	if (p < 0)
		return false;
	len = fe_reg(L, e);
	EMIT(L, MOVI, len, n);
	fe_emit(L, user ? TV_OP_BUFU : TV_OP_BUFK, (const __s64[]){p, len, off, 8 + n}, 4);
	fe_reg_free(L, len);
	fe_reg_free(L, p);
	return true;
}

/* ntop([af,] addr): an integer or 4 bytes are IPv4, 16 bytes IPv6. */
int fe_gen_ntop(struct lower *L, const struct fe_node *c, unsigned off, unsigned size)
{
	const struct fe_list *a = &c->call.args;
	const struct fe_node *addr = a->v[a->n - 1];
	const struct fe_tp_field *f = ctx_array(L, addr);
	struct ty t = fe_type_of(L, addr);
	unsigned n = f ? f->size : t.k == TY_RECORD || t.k == TY_STR ? t.size : 4;

	if (n != 4 && n != 16) {
		fe_error(L, addr, "ntop() expects an integer or array of 4 or 16 bytes (%u given)",
			 n);
		return -1;
	}
	EMIT(L, SZERO, off, size);
	if (f)
		copy_ctx(L, addr, f->offset, n, off + 8);
	else if (t.k == TY_RECORD && !fe_is_struct_access(addr)) /* pton()'s, a variable's */
		fe_gen_str(L, addr, off + 8, n);
	else if (t.k == TY_RECORD || t.k == TY_STR) {
		if (!copy_member(L, addr, n, off)) {
			fe_error(L, addr, "ntop(): this array is not in memory");
			return -1;
		}
	} else {
		int r = fe_gen_int(L, addr);

		EMIT(L, ST, r, 4, off + 8);
		fe_reg_free(L, r);
	}
	if (a->n == 2)
		store_int(L, a->v[0], off);
	else
		store_imm(L, c, n == 4 ? AF_INET : AF_INET6, off);
	return 0;
}

/* strftime(fmt, nsecs): the host formats; the format travels as a
 * constant, by id. */
int fe_gen_strftime(struct lower *L, const struct fe_node *c, unsigned off, unsigned size)
{
	const struct fe_node *fmt = c->call.args.v[0];
	int k;

	(void)size;
	if (fmt->kind != TV_N_str) {
		fe_error(L, c, "strftime() expects a string literal (%s provided)",
			 fmt->kind == TV_N_int ? "integer" : "none");
		return -1;
	}
	if (!fe_format_fits(L, c, fmt))
		return -1;
	k = tv_image_add_const(L->img, TV_CONST_fmt, fmt->str.s, fmt->str.len + 1);
	store_imm(L, c, k, off);
	store_int(L, c->call.args.v[1], off + 8);
	return 0;
}

/* cgroup_path(id[, filter]): the host walks the cgroup mounts whose
 * names match the filter (all: "*") for the id when it prints. */
int fe_gen_cgroup_path(struct lower *L, const struct fe_node *c, unsigned off, unsigned size)
{
	const struct fe_list *a = &c->call.args;
	const char *filter = "*";
	size_t len = 1;
	int k;

	(void)size;
	if (fe_type_of(L, a->v[0]).k == TY_STR) {
		fe_error(L, c, "cgroup_path() only supports integer arguments (string provided)");
		return -1;
	}
	if (a->n == 2 && a->v[1]->kind != TV_N_str) {
		if (fe_type_of(L, a->v[1]).k != TY_STR)
			fe_error(L, c, "cgroup_path() only supports string arguments (%s provided)",
				 "integer");
		else
			fe_error(L, a->v[1], "cgroup_path(): the filter must be a string literal");
		return -1;
	}
	if (a->n == 2) {
		filter = a->v[1]->str.s;
		len = a->v[1]->str.len;
	}
	k = tv_image_add_const(L->img, TV_CONST_fmt, filter, len + 1);
	store_imm(L, c, k, off);
	store_int(L, a->v[0], off + 8);
	return 0;
}

/* buf(data[, length]): at most TV_STR_MAX bytes (bpftrace shortens a
 * longer literal length the same way). */
int fe_gen_buf(struct lower *L, const struct fe_node *c, unsigned off, unsigned size)
{
	const struct fe_list *a = &c->call.args;
	const struct fe_node *data = a->v[0];
	const struct fe_tp_field *f = ctx_array(L, data);
	struct ty t = fe_type_of(L, data);
	bool sized = f || t.k == TY_STR || t.k == TY_RECORD;
	unsigned n = f ? f->size : t.size, max = size - 8;
	bool fixed = a->n == 1; /* the length is known here */
	__s64 want;
	int p, len;

	if (a->n == 2 && fe_literal_int(L, a->v[1], &want))
		n = want < 1 ? 0 : want > max ? max : (unsigned)want, fixed = true;
	else if (a->n == 1 && !sized) {
		fe_error(L, c, "buf() expects a length argument for a non-array (a pointer)");
		return -1;
	}
	n = n > max ? max : n;
	n = f && n > f->size ? f->size : n;
	if (sized && (f || t.k == TY_STR) && !fe_is_struct_access(data)) {
		EMIT(L, SZERO, off, size);
		if (f)
			copy_ctx(L, data, f->offset, (n + 3) & ~3u, off + 8);
		else
			fe_gen_str(L, data, off + 8, max);
		if (n < max) /* bytes past the length are zero: buffers compare whole */
			EMIT(L, SZERO, off + 8 + n, max - n);
		store_imm(L, c, n, off);
		return 0;
	}
	/* an array member (char b[4] too, a string elsewhere) with or
	 * without a literal length is copied from where it lies */
	if (sized && (a->n == 1 || a->v[1]->kind == TV_N_int))
		return copy_member(L, data, n, off) ? 0 : -1;
	p = fe_gen_int(L, data);
	len = fixed ? fe_reg(L, c) : fe_gen_int(L, a->v[1]);
	if (fixed)
		EMIT(L, MOVI, len, n);
	fe_emit(L, fe_reads_user(L, data, t) ? TV_OP_BUFU : TV_OP_BUFK,
		(const __s64[]){p, len, off, size}, 4);
	fe_reg_free(L, len);
	fe_reg_free(L, p);
	return 0;
}

static unsigned str_size(struct lower *L, const struct fe_node *e)
{
	struct ty t = fe_type_of(L, e);

	return t.k == TY_STR && t.size > TV_STR_MAX ? (t.size > 255 ? 255 : t.size) : TV_STR_MAX;
}

int fe_f_strcontains(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_list *a = &c->call.args;
	unsigned size = str_size(L, a->v[0]), nsize = str_size(L, a->v[1]), oh, on;
	int r;

	(void)want;
	size = nsize > size ? nsize : size;
	oh = fe_scratch(L, c, size);
	on = fe_scratch(L, c, size);
	fe_gen_str(L, a->v[0], oh, size);
	fe_gen_str(L, a->v[1], on, size);
	r = fe_reg(L, c);
	EMIT(L, STRSTR, r, size, oh, on);
	return r;
}

/* Signal names as kill -l gives them, with or without SIG. */
static int signal_number(const char *name)
{
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	if (!strcmp(name, "IO"))
		return SIGIO; /* glibc calls it POLL */
	for (int sig = 1; sig < NSIG; sig++)
		if (sigabbrev_np(sig) && !strcmp(sigabbrev_np(sig), name))
			return sig;
	return -1;
}

/* The block's probe type, by name. */
static const char *probe_type_name(const struct lower *L)
{
	return L->probe_kind && L->probe_type >= 0 ? tv_probe_types[L->probe_type].name : "";
}

int fe_f_signal(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_node *s = c->call.args.v[0];
	const char *bad = fe_probe_has(L, TV_PT_NO_TASK) ? probe_type_name(L) : NULL;
	int r = fe_reg(L, c), n = 0;

	(void)want;
	if (!L->opts || !L->opts->unsafe)
		fe_error(L, c, "signal() is an unsafe function being used in safe mode");
	else if (bad)
		fe_error(L, c, "signal can not be used with \"%s\" probes", bad);
	else if (s->kind == TV_N_str && (n = signal_number(s->str.s)) < 0)
		fe_error(L, c, "%s is not a valid signal", s->str.s);
	else if (s->kind == TV_N_str)
		EMIT(L, MOVI, r, n);
	else if (s->kind == TV_N_int && (fe_int_value(s) < 1 || fe_int_value(s) > 64))
		fe_error(L, c, "%lld is not a valid signal, allowed range: [1,64]",
			 (long long)fe_int_value(s));
	else {
		fe_reg_free(L, r);
		r = fe_gen_int(L, s);
	}
	EMIT(L, SIGNAL, r);
	return r;
}

/* reg("ip"): a register of the probed user task, from its pt_regs (in
 * x86_64's order: the only architecture tracevm builds for). */
/* A register's offset in struct pt_regs (x86_64), by its pt_regs name. */
int fe_reg_offset(const char *name)
{
	static const char *const regs[] = {
	    "r15", "r14", "r13", "r12", "bp",	   "bx", "r11", "r10",	 "r9", "r8", "ax",
	    "cx",  "dx",  "si",	 "di",	"orig_ax", "ip", "cs",	"flags", "sp", "ss",
	};

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (!strcmp(regs[i], name))
			return (int)(i * 8);
	return -1;
}

int fe_f_reg(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_node *n = c->call.args.v[0];
	int r = fe_reg(L, c);

	(void)want;
	if (!fe_in_user_code(L)) {
		fe_error(L, c, "reg can not be used with \"%s\" probes", probe_type_name(L));
		return r;
	}
	if (n->kind != TV_N_str) {
		fe_error(L, c, "reg() expects a string literal (%s provided)",
			 n->kind == TV_N_int ? "integer" : "none");
		return r;
	}
	if (fe_reg_offset(n->str.s) >= 0) {
		EMIT(L, CTX, r, 8, fe_reg_offset(n->str.s));
		return r;
	}
	fe_error(L, c, "'%s' is not a valid register on this architecture (x86_64)", n->str.s);
	return r;
}

/* bpftrace has no context in BEGIN and END, and gives tracepoints' as
 * args. */
int fe_gen_ctx(struct lower *L, const struct fe_node *e)
{
	int r = fe_reg(L, e);

	if (L->probe_type == TV_PT_tracepoint)
		fe_error(L, e, "Use args instead of ctx in tracepoint");
	else if (fe_probe_has(L, TV_PT_HOST))
		fe_error(L, e, "invalid program type");
	EMIT(L, BUILTIN, r, TV_BI_ctx);
	return r;
}

/* sargN: the word N + 1 above the stack pointer (the return address is
 * at sp), from user memory in a uprobe, kernel memory in a kprobe. */
int fe_gen_sarg(struct lower *L, const struct fe_node *e, int n)
{
	int r = fe_reg(L, e);

	if (L->probe_type != TV_PT_kprobe && L->probe_type != TV_PT_uprobe) {
		fe_error(L, e,
			 "The %s builtin can only be used with 'kprobes' and 'uprobes' probes",
			 e->name);
		return r;
	}
	EMIT(L, CTX, r, 8, fe_reg_offset("sp"));
	EMIT(L, ADDI, r, r, 8 * (n + 1));
	fe_emit(L, L->probe_type == TV_PT_uprobe ? TV_OP_LDU : TV_OP_LDK, (const __s64[]){r, r, 8},
		3);
	return r;
}

/* uaddr("sym") in the binary of this block's attach point (each uaddr
 * block is made once per attach point); 0 with s filled, or an error.  A
 * usdt location is asked about as the uprobe at its address. */
static int lookup_usym(struct lower *L, const struct fe_node *c, const struct tv_usym **s)
{
	const struct fe_node *n = c->call.args.v[0];
	const char *attach = L->probe_kind, *bin = L->probe_target, *end;
	char at[600];

	if (!fe_in_user_code(L) || n->kind != TV_N_str || !L->opts || !L->opts->usym)
		return -1;
	if (L->probe_type == TV_PT_usdt && (end = strrchr(bin, ':')) &&
	    (end = memrchr(bin, ':', (size_t)(end - bin))) && end > bin) {
		snprintf(at, sizeof(at), "%s:%.*s:0x%llx", tv_probe_types[TV_PT_uprobe].name,
			 (int)(end - bin), bin, (unsigned long long)L->usdt_pc);
		attach = at;
	}
	if (L->usym.attach != L->probe_kind || !L->usym.sym || strcmp(L->usym.sym, n->str.s) ||
	    L->usym.pc != L->usdt_pc) {
		L->usym.attach = L->probe_kind;
		L->usym.sym = n->str.s;
		L->usym.pc = L->usdt_pc;
		L->usym.rc = L->opts->usym(attach, n->str.s, &L->usym.s, &L->usym.err);
	}
	*s = &L->usym.s;
	return L->usym.rc;
}

/* A pointer into the traced process to a signed integer of the symbol's
 * size (1, 2, 4 or 8 bytes; other sizes read as 8), as bpftrace types it. */
struct ty fe_uaddr_type(struct lower *L, const struct fe_node *c)
{
	const struct tv_usym *s;
	struct ty t = {.k = TY_PTR, .size = 8, .user = true, .elem = 8, .elem_sign = true};

	if (!lookup_usym(L, c, &s) &&
	    (s->size == 1 || s->size == 2 || s->size == 4 || s->size == 8))
		t.elem = (unsigned)s->size;
	return t;
}

/* The symbol's address in the binary; in a position-independent one moved
 * by where the process loaded it, which the probe's own address tells:
 * where it fired (func_ip) less where it is in the file. */
int fe_f_uaddr(struct lower *L, const struct fe_node *c, bool want)
{
	const struct fe_node *n = c->call.args.v[0];
	const struct tv_usym *s;
	int r = fe_reg(L, c), d;

	(void)want;
	if (!fe_in_user_code(L)) {
		fe_error(L, c, "uaddr can only be used with u(ret)probes and usdt probes");
		return r;
	}
	if (n->kind != TV_N_str) {
		fe_error(L, n, "uaddr() expects a string literal");
		return r;
	}
	if (lookup_usym(L, c, &s)) {
		fe_error(L, c, "%s",
			 L->opts && L->opts->usym ? L->usym.err.msg : "uaddr: no symbols");
		return r;
	}
	if (!s->pie) {
		EMIT(L, LDW, r, (__s64)s->addr);
		return r;
	}
	d = fe_reg(L, c);
	EMIT(L, BUILTIN, r, TV_BI_func_ip);
	EMIT(L, LDW, d, (__s64)(s->addr - s->probe_addr));
	EMIT(L, ADD, r, r, d);
	fe_reg_free(L, d);
	return r;
}

/* bswap(x): in the other byte order, at the width of x's type. */
int fe_f_bswap(struct lower *L, const struct fe_node *c, bool want)
{
	struct ty t = fe_type_of(L, c->call.args.v[0]);
	int r = fe_gen_int(L, c->call.args.v[0]);

	(void)want;
	if (t.k != TY_INT && t.k != TY_PTR)
		fe_error(L, c, "bswap() expects an integer");
	if (t.size != 1) /* one byte reads the same both ways */
		EMIT(L, BSWAP, r, r, t.size == 2 ? 2 : t.size == 4 ? 4 : 8);
	return r;
}

/* uptr(p), kptr(p): p, its reads from now on in that memory. */
struct ty fe_addr_space_type(struct lower *L, const struct fe_node *c)
{
	struct ty t = c->call.args.n ? fe_type_of(L, c->call.args.v[0])
				     : (struct ty){.k = TY_INT, .size = 8, .sign = true};

	if (t.k == TY_PTR)
		t.user = fe_addr_space_of(c);
	else if (t.k != TY_INT) /* f_addr_space tells */
		t = (struct ty){.k = TY_INT, .size = 8, .sign = true};
	return t;
}

int fe_f_addr_space(struct lower *L, const struct fe_node *c, bool want)
{
	struct ty t = fe_type_of(L, c->call.args.v[0]);

	(void)want;
	if (t.k != TY_INT && t.k != TY_PTR) {
		fe_error(L, c, "%s() expects an integer or a pointer type", c->call.name);
		return fe_reg(L, c);
	}
	return fe_gen_int(L, c->call.args.v[0]);
}

/* pton("addr"): the literal's address bytes, converted now: an address
 * with a ':' is IPv6 (uint8[16]), else IPv4 (uint8[4]). */
static bool pton_is_v6(const struct fe_node *c)
{
	/* a call is typed before its arity is checked */
	const struct fe_node *a = c->call.args.n ? c->call.args.v[0] : NULL;

	return a && a->kind == TV_N_str && strchr(a->str.s, ':');
}

struct ty fe_pton_type(struct lower *L, const struct fe_node *c)
{
	bool v6 = pton_is_v6(c);

	return (struct ty){.k = TY_RECORD, .size = v6 ? 16 : 4, .btf = L->pton_type[v6]};
}

int fe_gen_pton(struct lower *L, const struct fe_node *c, unsigned off, unsigned size)
{
	const struct fe_node *a = c->call.args.v[0];
	unsigned char addr[16];
	int k;

	if (a->kind != TV_N_str) {
		fe_error(L, c, "pton() expects an string argument of an IPv4/IPv6 address, got ");
		return -1;
	}
	if (inet_pton(pton_is_v6(c) ? AF_INET6 : AF_INET, a->str.s, addr) != 1) {
		fe_error(L, c, "pton() expects a valid IPv4/IPv6 address, got %s", a->str.s);
		return -1;
	}
	k = tv_image_add_const(L->img, TV_CONST_str, addr, size);
	EMIT(L, SCONST, k, off);
	return 0;
}

/* Whether the program calls pton() (its arrays are then typed). */
static bool is_pton(const struct fe_node *n, void *arg)
{
	(void)arg;
	return n->kind == TV_N_call && !strcmp(n->call.name, "pton");
}

bool fe_uses_pton(const struct fe_node *program)
{
	return fe_node_find(program, is_pton, NULL);
}

/* A tracepoint's 6-byte array from the context: 4 bytes, then 2. */
static void copy_ctx_mac(struct lower *L, const struct fe_node *at, unsigned from, unsigned off)
{
	int r = fe_reg(L, at);

	EMIT(L, CTX, r, 4, from);
	EMIT(L, ST, r, 4, off);
	EMIT(L, CTX, r, 2, from + 4);
	EMIT(L, ST, r, 2, off + 4);
	fe_reg_free(L, r);
}

/* macaddr(x): an array of 6 bytes (a member, a tracepoint field, a
 * variable), else the 6 bytes at the address x, as bpftrace reads them. */
int fe_gen_macaddr(struct lower *L, const struct fe_node *c, unsigned off, unsigned size)
{
	const struct fe_node *a = c->call.args.v[0];
	const struct fe_tp_field *f = ctx_array(L, a);
	struct ty t = fe_type_of(L, a);
	unsigned n = f ? f->size : a->kind == TV_N_str ? (unsigned)a->str.len + 1 : t.size;
	int r;

	(void)size;
	if ((f || fe_is_bytes(t)) && n != 6) /* a literal's bytes count its NUL */
		fe_error(L, c, "macaddr() argument must be 6 bytes in size");
	if (a->kind == TV_N_str)
		fe_error(L, c, "macaddr() does not support literal string arguments");
	if (a->kind == TV_N_str || ((f || fe_is_bytes(t)) && n != 6))
		return -1;
	if (f) {
		copy_ctx_mac(L, a, f->offset, off);
		return 0;
	}
	if (fe_is_bytes(t))
		return fe_gen_str(L, a, off, 6);
	r = fe_gen_int(L, a);
	fe_emit(L, fe_reads_user(L, a, t) ? TV_OP_MEMU : TV_OP_MEMK, (const __s64[]){r, off, 6}, 3);
	fe_reg_free(L, r);
	return 0;
}
