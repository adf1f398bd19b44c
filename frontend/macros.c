/* Preprocessor names a script can use: its own object-like `#define`s, and
 * the constants of the kernel headers bpftrace's tools include.  bpftrace
 * runs clang's preprocessor over the headers; with no headers installed
 * (our users' machines), the header constants come from the table below,
 * defined only when the script includes that header, as C would. */
#include <stdlib.h>
#include <string.h>

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
	X("net/tcp_states.h", TCP_NEW_SYN_RECV, 12)

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
    {"net/inet_sock.h", "linux/socket.h"},
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

static void preproc_line(struct lower *L, const struct fe_node *p)
{
	const char *s = skip_blanks(p->text + 1), *name, *end;
	size_t n;

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
	L->nmacros = 0;
	for (int i = 0; i < preamble->n; i++)
		if (preamble->v[i]->kind == TV_N_preproc)
			preproc_line(L, preamble->v[i]);
}

struct fe_macro *fe_macro_find(struct lower *L, const char *name, size_t len)
{
	for (int i = 0; i < L->nmacros; i++)
		if (L->macros[i].len == len && !strncmp(L->macros[i].name, name, len))
			return &L->macros[i];
	return NULL;
}
