/* Preprocessor names a script can use: its own object-like `#define`s, and
 * the constants of the kernel headers bpftrace's tools include.  bpftrace
 * runs clang's preprocessor over the headers; with no headers installed
 * (our users' machines), the header constants come from the table below,
 * defined only when the script includes that header, as C would. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/btf.h"

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

static struct fe_macro *macro_add(struct lower *L, const struct fe_node *at, const char *name,
				  size_t len)
{
	struct fe_macro *m = fe_macro_find(L, name, len);

	if (m)
		return m; /* a redefinition replaces the value, as cpp does */
	if (len >= sizeof(m->name)) {
		fe_error(L, at, "#define name too long (at most %zu bytes)", sizeof(m->name) - 1);
		return NULL;
	}
	if (L->nmacros == TV_FE_MAX_MACROS) {
		fe_error(L, at, "too many #define names (at most %d)", TV_FE_MAX_MACROS);
		return NULL;
	}
	m = &L->macros[L->nmacros++];
	*m = (struct fe_macro){.len = len};
	memcpy(m->name, name, len);
	return m;
}

static void include_header(struct lower *L, const struct fe_node *at, const char *h, size_t n)
{
	for (size_t i = 0; i < sizeof(header_consts) / sizeof(header_consts[0]); i++) {
		struct fe_macro *m;

		if (strlen(header_consts[i].header) != n || memcmp(header_consts[i].header, h, n))
			continue;
		m = macro_add(L, at, header_consts[i].name, strlen(header_consts[i].name));
		if (m)
			m->value = header_consts[i].value, m->kind = FE_MACRO_INT;
	}
	for (size_t i = 0; i < sizeof(header_includes) / sizeof(header_includes[0]); i++)
		if (strlen(header_includes[i].header) == n &&
		    !memcmp(header_includes[i].header, h, n))
			include_header(L, at, header_includes[i].also,
				       strlen(header_includes[i].also));
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static size_t ident_len(const char *s)
{
	size_t n = 0;

	while (s[n] == '_' || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	       (n && s[n] >= '0' && s[n] <= '9'))
		n++;
	return n;
}

/* The body of `#define NAME body`: an integer (in parentheses, signed,
 * with C suffixes) or a string literal without escapes; else the name is
 * known but cannot be used. */
static void define_value(struct fe_macro *m, const char *body)
{
	const char *s = skip_blanks(body), *e;
	size_t n = strlen(s);
	bool paren = n >= 2 && s[0] == '(' && s[n - 1] == ')';
	char *end;

	m->kind = FE_MACRO_OTHER;
	if (paren)
		s = skip_blanks(s + 1), n = strlen(s) - 1;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == ')'))
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"' && !memchr(s + 1, '\\', n - 2) &&
	    n - 2 < sizeof(m->str)) {
		memcpy(m->str, s + 1, n - 2);
		m->str[n - 2] = 0;
		m->kind = FE_MACRO_STR;
		return;
	}
	m->value = strtoll(s, &end, 0);
	for (e = end; e < s + n && strchr("uUlL", *e); e++)
		;
	if (end != s && e == s + n)
		m->kind = FE_MACRO_INT;
}

/* #if's condition: an integer, a macro's value, defined(NAME) / defined
 * NAME, each maybe negated with '!'; anything else is false. */
static bool if_value(struct lower *L, const char *s)
{
	bool neg = false, paren;
	struct fe_macro *m;
	size_t n;
	char *end;
	long long v;

	for (s = skip_blanks(s); *s == '!'; s = skip_blanks(s + 1))
		neg = !neg;
	if (!strncmp(s, "defined", 7)) {
		s = skip_blanks(s + 7);
		paren = *s == '(';
		s = skip_blanks(s + paren);
		n = ident_len(s);
		return neg != (n && fe_macro_find(L, s, n) != NULL);
	}
	if ((n = ident_len(s))) {
		m = fe_macro_find(L, s, n);
		return neg != (m && m->kind == FE_MACRO_INT && m->value);
	}
	v = strtoll(s, &end, 0);
	return neg != (end != s && v);
}

/* The conditionals: whether the directive p starts, flips or ends a
 * region, and whether what follows is in effect.  Returns true for a
 * conditional (handled), false for any other directive. */
static bool conditional(struct lower *L, const char *s)
{
	struct fe_cond *c = L->ncond ? &L->cond[L->ncond - 1] : NULL;
	bool outer = !c || c->on;
	size_t n;

	if (!strncmp(s, "ifdef", 5) || !strncmp(s, "ifndef", 6) || !strncmp(s, "if", 2)) {
		bool v, ndef = !strncmp(s, "ifndef", 6), def = !strncmp(s, "ifdef", 5);

		if (def || ndef) {
			s = skip_blanks(s + (ndef ? 6 : 5));
			n = ident_len(s);
			v = ndef != (n && fe_macro_find(L, s, n) != NULL);
		} else if (s[2] == ' ' || s[2] == '\t' || s[2] == '(' || s[2] == '!') {
			v = if_value(L, s + 2);
		} else {
			return false;
		}
		if (L->ncond < FE_MAX_COND)
			L->cond[L->ncond++] = (struct fe_cond){outer && v, outer, v};
		return true;
	}
	if (!c)
		return !strncmp(s, "else", 4) || !strncmp(s, "elif", 4) || !strncmp(s, "endif", 5);
	if (!strncmp(s, "elif", 4)) {
		bool v = !c->taken && if_value(L, s + 4);

		c->on = c->outer && v;
		c->taken |= v;
		return true;
	}
	if (!strncmp(s, "else", 4)) {
		c->on = c->outer && !c->taken;
		c->taken = true;
		return true;
	}
	if (!strncmp(s, "endif", 5)) {
		L->ncond--;
		return true;
	}
	return false;
}

bool fe_preamble_on(const struct lower *L)
{
	return !L->ncond || L->cond[L->ncond - 1].on;
}

static void preproc_line(struct lower *L, const struct fe_node *p)
{
	const char *s = skip_blanks(p->text + 1), *name, *end;
	size_t n;

	if (conditional(L, s) || !fe_preamble_on(L))
		return;

	if (!strncmp(s, "include", 7)) {
		s = skip_blanks(s + 7);
		end = *s == '<' ? strchr(s + 1, '>') : *s == '"' ? strchr(s + 1, '"') : NULL;
		if (end)
			include_header(L, p, s + 1, (size_t)(end - s - 1));
		return;
	}
	if (strncmp(s, "define", 6) || (s[6] != ' ' && s[6] != '\t'))
		return; /* conditionals and the rest: as bpftrace's tools use them, inert */
	name = skip_blanks(s + 6);
	n = ident_len(name);
	if (n && name[n] != '(') {
		struct fe_macro *m = macro_add(L, p, name, n);

		if (m)
			define_value(m, name + n);
	} else if (n) {
		struct fe_macro *m = macro_add(L, p, name, n);

		if (m)
			m->kind = FE_MACRO_OTHER; /* a function-like macro */
	}
}

void fe_macros_collect(struct lower *L, const struct fe_list *preamble)
{
	static const struct fe_node cli = {0}; /* --include has no place in the script */

	struct fe_macro *btf;

	L->nmacros = 0, L->ncond = 0;
	/* as bpftrace defines it where the kernel has BTF (tools test it);
	 * looked for only by a script with directives (start-up is a syscall less) */
	if (preamble->n && !access(TV_BTF_VMLINUX, R_OK) &&
	    (btf = macro_add(L, &cli, "BPFTRACE_HAVE_BTF", 17)))
		btf->kind = FE_MACRO_INT, btf->value = 1;
	for (int i = 0; L->opts && i < L->opts->nincludes; i++)
		include_header(L, &cli, L->opts->includes[i], strlen(L->opts->includes[i]));
	free(L->preamble_on);
	L->preamble_on = preamble->n ? calloc((size_t)preamble->n, sizeof(bool)) : NULL;
	for (int i = 0; i < preamble->n; i++) {
		if (preamble->v[i]->kind == TV_N_preproc)
			preproc_line(L, preamble->v[i]);
		if (L->preamble_on)
			L->preamble_on[i] = fe_preamble_on(L);
	}
}

struct fe_macro *fe_macro_find(struct lower *L, const char *name, size_t len)
{
	for (int i = 0; i < L->nmacros; i++)
		if (L->macros[i].len == len && !strncmp(L->macros[i].name, name, len))
			return &L->macros[i];
	return NULL;
}
