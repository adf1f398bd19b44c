/* The preamble's preprocessor names, for the script: its #defines, those
 * of the headers it includes (cpp*.c), and the constants of the kernel
 * headers bpftrace's tools include.  bpftrace runs clang's preprocessor
 * over kernel headers; without them installed (our users' machines), their
 * constants come from the table below, defined only when the script
 * includes that header, as C would, and their types from BTF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/btf.h"
#include "frontend/cpp.h"
#include "frontend/frontend.h"
#include "frontend/lower.h"

/* HEADER_CONST(header, name, value): values as in Linux 6.x. */
#define TV_HEADER_CONSTS(X)                                                                        \
	X("linux/sched.h", TASK_RUNNING, 0x0000)                                                   \
	X("linux/sched.h", TASK_INTERRUPTIBLE, 0x0001)                                             \
	X("linux/sched.h", TASK_UNINTERRUPTIBLE, 0x0002)                                           \
	X("linux/sched.h", __TASK_STOPPED, 0x0004)                                                 \
	X("linux/sched.h", __TASK_TRACED, 0x0008)                                                  \
	X("linux/sched.h", EXIT_DEAD, 0x0010)                                                      \
	X("linux/sched.h", EXIT_ZOMBIE, 0x0020)                                                    \
	X("linux/sched.h", TASK_PARKED, 0x0040)                                                    \
	X("linux/sched.h", TASK_DEAD, 0x0080)                                                      \
	X("linux/sched.h", TASK_WAKEKILL, 0x0100)                                                  \
	X("linux/sched.h", TASK_WAKING, 0x0200)                                                    \
	X("linux/sched.h", TASK_NOLOAD, 0x0400)                                                    \
	X("linux/sched.h", TASK_NEW, 0x0800)                                                       \
	X("linux/sched.h", TASK_KILLABLE, 0x0102)                                                  \
	X("linux/sched.h", TASK_STOPPED, 0x0104)                                                   \
	X("linux/sched.h", TASK_TRACED, 0x0008)                                                    \
	X("linux/sched.h", TASK_IDLE, 0x0402)                                                      \
	X("linux/sched.h", TASK_COMM_LEN, 16)                                                      \
	X("linux/socket.h", AF_UNSPEC, 0)                                                          \
	X("linux/socket.h", AF_UNIX, 1)                                                            \
	X("linux/socket.h", AF_LOCAL, 1)                                                           \
	X("linux/socket.h", AF_INET, 2)                                                            \
	X("linux/socket.h", AF_INET6, 10)                                                          \
	X("linux/socket.h", AF_NETLINK, 16)                                                        \
	X("linux/socket.h", AF_PACKET, 17)                                                         \
	X("net/tcp_states.h", TCP_ESTABLISHED, 1)                                                  \
	X("net/tcp_states.h", TCP_SYN_SENT, 2)                                                     \
	X("net/tcp_states.h", TCP_SYN_RECV, 3)                                                     \
	X("net/tcp_states.h", TCP_FIN_WAIT1, 4)                                                    \
	X("net/tcp_states.h", TCP_FIN_WAIT2, 5)                                                    \
	X("net/tcp_states.h", TCP_TIME_WAIT, 6)                                                    \
	X("net/tcp_states.h", TCP_CLOSE, 7)                                                        \
	X("net/tcp_states.h", TCP_CLOSE_WAIT, 8)                                                   \
	X("net/tcp_states.h", TCP_LAST_ACK, 9)                                                     \
	X("net/tcp_states.h", TCP_LISTEN, 10)                                                      \
	X("net/tcp_states.h", TCP_CLOSING, 11)                                                     \
	X("net/tcp_states.h", TCP_NEW_SYN_RECV, 12)                                                \
	X("errno.h", EPERM, 1)                                                                     \
	X("errno.h", ENOENT, 2)                                                                    \
	X("errno.h", ESRCH, 3)                                                                     \
	X("errno.h", EINTR, 4)                                                                     \
	X("errno.h", EIO, 5)                                                                       \
	X("errno.h", ENXIO, 6)                                                                     \
	X("errno.h", E2BIG, 7)                                                                     \
	X("errno.h", ENOEXEC, 8)                                                                   \
	X("errno.h", EBADF, 9)                                                                     \
	X("errno.h", ECHILD, 10)                                                                   \
	X("errno.h", EAGAIN, 11)                                                                   \
	X("errno.h", ENOMEM, 12)                                                                   \
	X("errno.h", EACCES, 13)                                                                   \
	X("errno.h", EFAULT, 14)                                                                   \
	X("errno.h", ENOTBLK, 15)                                                                  \
	X("errno.h", EBUSY, 16)                                                                    \
	X("errno.h", EEXIST, 17)                                                                   \
	X("errno.h", EXDEV, 18)                                                                    \
	X("errno.h", ENODEV, 19)                                                                   \
	X("errno.h", ENOTDIR, 20)                                                                  \
	X("errno.h", EISDIR, 21)                                                                   \
	X("errno.h", EINVAL, 22)                                                                   \
	X("errno.h", ENFILE, 23)                                                                   \
	X("errno.h", EMFILE, 24)                                                                   \
	X("errno.h", ENOTTY, 25)                                                                   \
	X("errno.h", ETXTBSY, 26)                                                                  \
	X("errno.h", EFBIG, 27)                                                                    \
	X("errno.h", ENOSPC, 28)                                                                   \
	X("errno.h", ESPIPE, 29)                                                                   \
	X("errno.h", EROFS, 30)                                                                    \
	X("errno.h", EMLINK, 31)                                                                   \
	X("errno.h", EPIPE, 32)                                                                    \
	X("errno.h", EDOM, 33)                                                                     \
	X("errno.h", ERANGE, 34)                                                                   \
	X("errno.h", EDEADLOCK, 35)                                                                \
	X("errno.h", ENAMETOOLONG, 36)                                                             \
	X("errno.h", ENOLCK, 37)                                                                   \
	X("errno.h", ENOSYS, 38)                                                                   \
	X("errno.h", ENOTEMPTY, 39)                                                                \
	X("errno.h", ELOOP, 40)                                                                    \
	X("errno.h", ENOMSG, 42)                                                                   \
	X("errno.h", EIDRM, 43)                                                                    \
	X("errno.h", ECHRNG, 44)                                                                   \
	X("errno.h", EL2NSYNC, 45)                                                                 \
	X("errno.h", EL3HLT, 46)                                                                   \
	X("errno.h", EL3RST, 47)                                                                   \
	X("errno.h", ELNRNG, 48)                                                                   \
	X("errno.h", EUNATCH, 49)                                                                  \
	X("errno.h", ENOCSI, 50)                                                                   \
	X("errno.h", EL2HLT, 51)                                                                   \
	X("errno.h", EBADE, 52)                                                                    \
	X("errno.h", EBADR, 53)                                                                    \
	X("errno.h", EXFULL, 54)                                                                   \
	X("errno.h", ENOANO, 55)                                                                   \
	X("errno.h", EBADRQC, 56)                                                                  \
	X("errno.h", EBADSLT, 57)                                                                  \
	X("errno.h", EBFONT, 59)                                                                   \
	X("errno.h", ENOSTR, 60)                                                                   \
	X("errno.h", ENODATA, 61)                                                                  \
	X("errno.h", ETIME, 62)                                                                    \
	X("errno.h", ENOSR, 63)                                                                    \
	X("errno.h", ENONET, 64)                                                                   \
	X("errno.h", ENOPKG, 65)                                                                   \
	X("errno.h", EREMOTE, 66)                                                                  \
	X("errno.h", ENOLINK, 67)                                                                  \
	X("errno.h", EADV, 68)                                                                     \
	X("errno.h", ESRMNT, 69)                                                                   \
	X("errno.h", ECOMM, 70)                                                                    \
	X("errno.h", EPROTO, 71)                                                                   \
	X("errno.h", EMULTIHOP, 72)                                                                \
	X("errno.h", EDOTDOT, 73)                                                                  \
	X("errno.h", EBADMSG, 74)                                                                  \
	X("errno.h", EOVERFLOW, 75)                                                                \
	X("errno.h", ENOTUNIQ, 76)                                                                 \
	X("errno.h", EBADFD, 77)                                                                   \
	X("errno.h", EREMCHG, 78)                                                                  \
	X("errno.h", ELIBACC, 79)                                                                  \
	X("errno.h", ELIBBAD, 80)                                                                  \
	X("errno.h", ELIBSCN, 81)                                                                  \
	X("errno.h", ELIBMAX, 82)                                                                  \
	X("errno.h", ELIBEXEC, 83)                                                                 \
	X("errno.h", EILSEQ, 84)                                                                   \
	X("errno.h", ERESTART, 85)                                                                 \
	X("errno.h", ESTRPIPE, 86)                                                                 \
	X("errno.h", EUSERS, 87)                                                                   \
	X("errno.h", ENOTSOCK, 88)                                                                 \
	X("errno.h", EDESTADDRREQ, 89)                                                             \
	X("errno.h", EMSGSIZE, 90)                                                                 \
	X("errno.h", EPROTOTYPE, 91)                                                               \
	X("errno.h", ENOPROTOOPT, 92)                                                              \
	X("errno.h", EPROTONOSUPPORT, 93)                                                          \
	X("errno.h", ESOCKTNOSUPPORT, 94)                                                          \
	X("errno.h", ENOTSUP, 95)                                                                  \
	X("errno.h", EPFNOSUPPORT, 96)                                                             \
	X("errno.h", EAFNOSUPPORT, 97)                                                             \
	X("errno.h", EADDRINUSE, 98)                                                               \
	X("errno.h", EADDRNOTAVAIL, 99)                                                            \
	X("errno.h", ENETDOWN, 100)                                                                \
	X("errno.h", ENETUNREACH, 101)                                                             \
	X("errno.h", ENETRESET, 102)                                                               \
	X("errno.h", ECONNABORTED, 103)                                                            \
	X("errno.h", ECONNRESET, 104)                                                              \
	X("errno.h", ENOBUFS, 105)                                                                 \
	X("errno.h", EISCONN, 106)                                                                 \
	X("errno.h", ENOTCONN, 107)                                                                \
	X("errno.h", ESHUTDOWN, 108)                                                               \
	X("errno.h", ETOOMANYREFS, 109)                                                            \
	X("errno.h", ETIMEDOUT, 110)                                                               \
	X("errno.h", ECONNREFUSED, 111)                                                            \
	X("errno.h", EHOSTDOWN, 112)                                                               \
	X("errno.h", EHOSTUNREACH, 113)                                                            \
	X("errno.h", EALREADY, 114)                                                                \
	X("errno.h", EINPROGRESS, 115)                                                             \
	X("errno.h", ESTALE, 116)                                                                  \
	X("errno.h", EUCLEAN, 117)                                                                 \
	X("errno.h", ENOTNAM, 118)                                                                 \
	X("errno.h", ENAVAIL, 119)                                                                 \
	X("errno.h", EISNAM, 120)                                                                  \
	X("errno.h", EREMOTEIO, 121)                                                               \
	X("errno.h", EDQUOT, 122)                                                                  \
	X("errno.h", ENOMEDIUM, 123)                                                               \
	X("errno.h", EMEDIUMTYPE, 124)                                                             \
	X("errno.h", ECANCELED, 125)                                                               \
	X("errno.h", ENOKEY, 126)                                                                  \
	X("errno.h", EKEYEXPIRED, 127)                                                             \
	X("errno.h", EKEYREVOKED, 128)                                                             \
	X("errno.h", EKEYREJECTED, 129)                                                            \
	X("errno.h", EOWNERDEAD, 130)                                                              \
	X("errno.h", ENOTRECOVERABLE, 131)                                                         \
	X("errno.h", ERFKILL, 132)                                                                 \
	X("errno.h", EHWPOISON, 133)                                                               \
	X("errno.h", EWOULDBLOCK, 11)                                                              \
	X("errno.h", EDEADLOCK, 35)                                                                \
	X("errno.h", ENOTSUP, 95)

static const struct {
	const char *header, *name;
	__s64 value;
} header_consts[] = {
#define X(header, name, value) {header, #name, value},
    TV_HEADER_CONSTS(X)
#undef X
};

/* Headers that include others whose constants the tools use. */
static const struct {
	const char *header, *also;
} header_includes[] = {
    {"sys/socket.h", "linux/socket.h"},	   {"net/sock.h", "linux/socket.h"},
    {"net/sock.h", "net/tcp_states.h"},	   {"linux/tcp.h", "net/tcp_states.h"},
    {"net/inet_sock.h", "linux/socket.h"}, {"linux/errno.h", "errno.h"},
    {"asm-generic/errno.h", "errno.h"},
};

/* Kernel headers are never read: what bpftrace's tools take from them
 * is in BTF and in the table. */
static bool kernel_header(const char *h)
{
	static const char *const dirs[] = {
	    "linux/",  "net/",	  "uapi/",  "asm/",  "asm-generic/", "generated/",   "trace/",
	    "kernel/", "crypto/", "scsi/",  "rdma/", "sound/",	     "video/",	     "xen/",
	    "drm/",    "keys/",	  "media/", "misc/", "acpi/",	     "dt-bindings/", "vdso/"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strncmp(h, dirs[i], strlen(dirs[i])))
			return true;
	return false;
}

/* Defines h's constants; true if the table knows h. */
static bool table_header(struct fe_cpp *cpp, const char *h)
{
	bool known = false;

	for (size_t i = 0; i < sizeof(header_consts) / sizeof(header_consts[0]); i++)
		if (!strcmp(header_consts[i].header, h)) {
			fe_cpp_define_int(cpp, header_consts[i].name, header_consts[i].value);
			known = true;
		}
	for (size_t i = 0; i < sizeof(header_includes) / sizeof(header_includes[0]); i++)
		if (!strcmp(header_includes[i].header, h))
			known |= table_header(cpp, header_includes[i].also);
	return known;
}

/* The headers the table serves, so that a machine without libc's or the
 * kernel's headers runs the tools, as it runs them with BTF. */
static bool builtin_header(struct fe_cpp *cpp, const char *name, void *ctx)
{
	(void)ctx;
	return table_header(cpp, name) || kernel_header(name);
}

static void script_dir(const struct tv_compile_opts *o, char *buf, size_t size)
{
	const char *p = o ? o->script_path : NULL, *slash = p ? strrchr(p, '/') : NULL;

	snprintf(buf, size, "%.*s", slash ? (int)(slash - p) : 1, slash ? p : ".");
}

static struct fe_cpp *preprocess(struct lower *L, const struct fe_list *preamble)
{
	const struct tv_compile_opts *o = L->opts;
	char dir[4096];
	struct fe_cpp_opts co = {.script_dir = dir,
				 .idirs = o ? o->include_dirs : NULL,
				 .nidirs = o ? o->ninclude_dirs : 0,
				 .builtin_header = builtin_header};
	struct fe_cpp *cpp;

	script_dir(o, dir, sizeof(dir));
	if (!(cpp = fe_cpp_new(&co)))
		return NULL;
	/* as bpftrace defines it where the kernel has BTF (tools test it) */
	if (!access(TV_BTF_VMLINUX, R_OK))
		fe_cpp_define_int(cpp, "BPFTRACE_HAVE_BTF", 1);
	for (int i = 0; o && i < o->nincludes; i++)
		fe_cpp_include_cli(cpp, o->includes[i]);
	for (int i = 0; i < preamble->n; i++) {
		const struct fe_node *n = preamble->v[i];

		if (n->kind == TV_N_preproc)
			fe_cpp_directive(cpp, i, n->text);
		else if (fe_cpp_on(cpp))
			fe_cpp_decl(cpp, i, n->text);
	}
	fe_cpp_finish(cpp);
	return cpp;
}

/* Preprocessed once (headers are read once), its errors told each pass. */
void fe_macros_collect(struct lower *L, const struct fe_list *preamble)
{
	bool any = preamble->n || (L->opts && L->opts->nincludes);

	if (!L->cpp && any && !(L->cpp = preprocess(L, preamble)))
		fe_error(L, NULL, "out of memory");
	for (int i = 0; L->cpp && i < L->cpp->nerr; i++) {
		const struct fe_cpp_error *e = &L->cpp->err[i];

		fe_error(L, e->node >= 0 ? preamble->v[e->node] : NULL, "%s", e->msg);
	}
}

void fe_macros_release(struct lower *L)
{
	fe_cpp_free(L->cpp);
	L->cpp = NULL;
	for (int i = 0; i < L->nexpansions; i++) {
		tv_ast_free(L->expansions[i].ast);
		free(L->expansions[i].src);
	}
	free(L->expansions);
	L->expansions = NULL;
	L->nexpansions = L->cap_expansions = 0;
}

/* Every node of an expansion is where its name was written. */
static int place(struct fe_node **slot, void *loc)
{
	(*slot)->loc = *(const struct fe_loc *)loc;
	return fe_node_children(*slot, place, loc);
}

/* The macro's text as one operand (bpftrace splices the text itself:
 * `#define X 1 + 2` then `X * 3` is 9 here, 7 there). */
static struct fe_node *parse_expansion(struct lower *L, const char *text)
{
	struct fe_expansion *x;
	struct fe_node *body;
	struct tv_diag d;

	if (fe_grow(&L->expansions, &L->cap_expansions, L->nexpansions, sizeof(*x), 4))
		return NULL;
	x = &L->expansions[L->nexpansions];
	if (asprintf(&x->src, "BEGIN { (%s) }", text) < 0)
		return NULL;
	x->ast = tv_parse(x->src, NULL, &d);
	L->nexpansions++;
	body = x->ast ? x->ast->root->program.probes.v[0]->probe.body : NULL;
	return body && body->block.n == 1 && body->block.v[0]->kind == TV_N_expr_stmt
		   ? body->block.v[0]->expr
		   : NULL;
}

static struct fe_node *read_expansion(struct lower *L, const struct fe_node *use,
				      const struct fe_macro *m)
{
	struct fe_node *e = parse_expansion(L, m->str);

	if (!e) { /* told once: read on as 0 */
		fe_error(L, use, "%s: its #define is not an expression: %s", m->name, m->str);
		e = parse_expansion(L, "0");
	}
	if (!e)
		return NULL;
	e->loc = use->loc;
	fe_node_children(e, place, &e->loc);
	return e;
}

static int expand_in(struct fe_node **slot, void *arg)
{
	struct lower *L = arg;
	struct fe_node *n = *slot, *e;
	struct fe_macro *m;
	enum bi_how how;
	int id;

	/* a builtin's name is no macro's, as in bpftrace's lexer */
	if (n->kind == TV_N_ident && fe_builtin(n->name, &how, &id) &&
	    (m = fe_macro_find(L, n->name, strlen(n->name))) && m->kind == FE_MACRO_EXPR) {
		if ((e = read_expansion(L, n, m)))
			*slot = e;
		return 0; /* the preprocessor expanded it whole: not walked again */
	}
	return fe_node_children(n, expand_in, L);
}

void fe_macros_expand(struct lower *L, struct fe_node *root)
{
	if (L->cpp)
		fe_node_children(root, expand_in, L);
}

/* A name's value as the script reads it; the answer lasts until the next call. */
struct fe_macro *fe_macro_find(struct lower *L, const char *name, size_t len)
{
	struct fe_macro *m = &L->macro;
	int64_t v = 0;
	int k = L->cpp ? fe_cpp_value(L->cpp, name, len, &v, m->str, sizeof(m->str)) : -1;

	if (k < 0)
		return NULL;
	if (k == 3 && fe_type_enum_value(L, m->str, &m->value))
		k = 1;
	else
		m->value = v;
	snprintf(m->name, sizeof(m->name), "%.*s", (int)len, name);
	/* another name is read as that name, unless it is its own (an
	 * enumerator BTF does not know) */
	if (k == 3 && strcmp(m->str, m->name))
		k = 4;
	m->kind = k == 1   ? FE_MACRO_INT
		  : k == 2 ? FE_MACRO_STR
		  : k == 4 ? FE_MACRO_EXPR
			   : FE_MACRO_OTHER;
	m->len = len;
	return m;
}
