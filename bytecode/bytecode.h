/* bytecode: the tracevm ISA, program images and their validator.
 *
 * The first half of this header is shared with the kernel-side BPF object
 * (built with clang -target bpf, where vmlinux.h provides the __u types);
 * everything that needs libc sits behind `#ifndef __bpf__`.
 */
#ifndef TV_BYTECODE_H
#define TV_BYTECODE_H

#ifndef __bpf__
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#endif

#define TV_MAGIC 0x31565654u /* "TVV1" */
#define TV_ABI_VERSION                                                                             \
	9 /* 2: probe flags, 3: MFOR/FOREND, 4: BUFK..SIGNAL, 5: reads go on past a fault, 6:      \
	     func_ip, 7: MEMK/MEMU, 8: ctx, numaid, 9: STOPPROC */

#define TV_NREGS 16
#define TV_SCRATCH 1024 /* bytes of scratch per invocation (power of 2) */
#define TV_STR_MAX 64	/* default string size, as bpftrace's strlen */
#define TV_MEM_MAX 256	/* bytes one MEMK/MEMU reads: a struct or array value */
#define TV_COMM_LEN 16
/* Key payload bytes (map key = 8-byte id + payload).  Three kernel map
 * families hold them: small, large and extra-large keys.  Each family
 * hashes and stores its whole key size, so a map uses the smallest that
 * holds its key span; the extra-large maps are few-entried (their keys are
 * rare and cost 512 bytes an entry).  TV_KEY_MAX is what bpftrace's 512-byte
 * stack allows a key. */
#define TV_KEY_SMALL 24	 /* payloads up to this use the small-key maps */
#define TV_KEY_LARGE 120 /* then the large-key maps */
#define TV_KEY_MAX 504	 /* then the extra-large ones, up to this */
#define TV_VAL_MAX 256	  /* byte-valued maps (strings, tuples, records) */
#define TV_MAX_INSNS 4096 /* instruction slots per session */
#define TV_MAX_MAPS 64
#define TV_MAP_NAME_MAX 65535 /* bytes: the binary form stores 16-bit lengths */
#define TV_MAX_BLOCKS 4096
#define TV_MAX_CONSTS 128
#define TV_CONST_MAX 128 /* bytes of one constant the kernel can copy */
#define TV_MAX_SESSIONS 16
#define TV_MAX_STEPS 8192 /* interpreter steps per invocation */
#define TV_HIST_BUCKETS 66

enum tv_op {
#define OP(name, operands, doc) TV_OP_##name,
#include "opcodes.def"
#undef OP
	TV_OP__COUNT
};

enum tv_builtin {
#define BUILTIN(name, doc) TV_BI_##name,
#include "builtins.def"
#undef BUILTIN
	TV_BI__COUNT
};

enum tv_record {
#define RECORD(name, doc) TV_REC_##name,
#include "records.def"
#undef RECORD
	TV_REC__COUNT
};

/* Map value kinds: plain storage, then every aggregation.  ORDER MAPKIND */
#define TV_MAP_KINDS(X)                                                                            \
	X(int) X(bytes) X(count) X(sum) X(min) X(max) X(avg) X(stats) X(hist) X(lhist)
enum tv_mapkind {
#define X(name) TV_MAP_##name,
	TV_MAP_KINDS(X)
#undef X
	    TV_MAP__COUNT
};

struct tv_insn {
	__u8 op;
	__u8 a, b, c;
	__s32 imm;
};

/* Access-size operand: low nibble = bytes (1, 2, 4, 8), top bit = signed. */
#define TV_Z_SIGNED 0x80
#define TV_Z_SIZE(z) ((z)&0x0f)

/* What the kernel side needs of a map; the host keeps names and types too. */
struct tv_mapdesc {
	__u16 key_size; /* payload bytes, without the hist bucket */
	__u16 val_size; /* bytes maps: value bytes; others 8 */
	__u8 kind;	/* enum tv_mapkind */
	__u8 pad[3];
	__s64 lmin, lmax, lstep; /* lhist parameters */
};

/* The value of every aggregation and integer map slot.  Per-CPU copies
 * merge with tv_agg_merge(). */
struct tv_agg {
	__s64 v; /* count, sum, min, max, or the total for avg/stats */
	__u64 n; /* values aggregated (min/max: 1 once set); 0 = no entry */
};

/* A record on the ring buffer: header, then `len` payload bytes. */
struct tv_rec {
	__u8 kind; /* enum tv_record */
	__u8 pad;
	__u16 id;
	__u16 len;
	__u16 block;
};

static inline __u64 tv_hist_bucket(__s64 x)
{
	/* bpftrace's log2 buckets: 0 holds negatives, 1 holds 0, then
	 * 2 + floor(log2(x)) for x >= 1. */
	__u64 v = (__u64)x, r = 0;

	if (x < 0)
		return 0;
	if (x == 0)
		return 1;
	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	if (v >> 1) {
		r += 1;
	}
	return r + 2;
}

static inline __u64 tv_lhist_bucket(__s64 x, const struct tv_mapdesc *d)
{
	/* 0 below min, 1..n inside, n+1 at or above max.  Unsigned division
	 * only: BPF before cpu v4 has no signed divide. */
	__u64 n = d->lstep > 0 ? (__u64)(d->lmax - d->lmin) / (__u64)d->lstep : 0;

	if (x < d->lmin)
		return 0;
	if (x >= d->lmax || d->lstep <= 0)
		return n + 1;
	return (__u64)(x - d->lmin) / (__u64)d->lstep + 1;
}

static inline void tv_agg_apply(__u8 kind, struct tv_agg *a, __s64 x)
{
	switch (kind) {
	case TV_MAP_count:
	case TV_MAP_hist:
	case TV_MAP_lhist:
		a->v += 1;
		a->n += 1;
		break;
	case TV_MAP_sum:
		a->v = (__s64)((__u64)a->v + (__u64)x); /* wraps, as in the kernel */
		a->n += 1;
		break;
	case TV_MAP_min:
		if (!a->n || x < a->v)
			a->v = x;
		a->n = 1;
		break;
	case TV_MAP_max:
		if (!a->n || x > a->v)
			a->v = x;
		a->n = 1;
		break;
	default: /* avg, stats */
		a->v = (__s64)((__u64)a->v + (__u64)x);
		a->n += 1;
		break;
	}
}

static inline void tv_agg_merge(__u8 kind, struct tv_agg *dst, const struct tv_agg *src)
{
	if (kind == TV_MAP_min || kind == TV_MAP_max) {
		if (!src->n)
			return;
		if (!dst->n || (kind == TV_MAP_min ? src->v < dst->v : src->v > dst->v))
			dst->v = src->v;
		dst->n = 1;
		return;
	}
	dst->v = (__s64)((__u64)dst->v + (__u64)src->v);
	dst->n += src->n;
}

static inline __u64 tv_extend(__u64 raw, __u8 z)
{
	switch (z) {
	case 1: return (__u8)raw;
	case 2: return (__u16)raw;
	case 4: return (__u32)raw;
	case 1 | TV_Z_SIGNED: return (__u64)(__s64)(__s8)raw;
	case 2 | TV_Z_SIGNED: return (__u64)(__s64)(__s16)raw;
	case 4 | TV_Z_SIGNED: return (__u64)(__s64)(__s32)raw;
	default: return raw;
	}
}

/* ---- opcode bodies both interpreters share -------------------------------
 * The ALU rows of opcodes.def call these; vm/ and kernel-side/ each expand
 * the rows under their own handler macro.  Everything stays in unsigned
 * arithmetic: no input is undefined, and the BPF target (which may lack
 * signed division) compiles the same code. */
#define TV_SHARED static inline __attribute__((always_inline))

/* R[b] / R[c] truncating towards zero, 0 when R[c] == 0: the magnitudes'
 * quotient, negated when the signs differ (INT64_MIN / -1 = INT64_MIN). */
TV_SHARED __u64 tv_sdiv(__u64 b, __u64 c)
{
	int nb = (__s64)b < 0, nc = (__s64)c < 0;
	__u64 ub = nb ? -b : b, uc = nc ? -c : c;

	if (!c)
		return 0;
	return nb != nc ? -(ub / uc) : ub / uc;
}

/* The remainder of tv_sdiv, with the dividend's sign; 0 when R[c] == 0. */
TV_SHARED __u64 tv_smod(__u64 b, __u64 c)
{
	int nb = (__s64)b < 0;
	__u64 ub = nb ? -b : b, uc = (__s64)c < 0 ? -c : c;

	if (!c)
		return 0;
	return nb ? -(ub % uc) : ub % uc;
}

/* gcc and clang define >> of a negative value as sign extension, and BPF
 * has the instruction (one arsh). */
TV_SHARED __u64 tv_sar(__u64 b, __u64 c)
{
	return (__u64)((__s64)b >> (c & 63));
}

/* The low n bytes of x (2, 4, else 8) in the other byte order. */
TV_SHARED __u64 tv_bswap(__u64 x, __u64 n)
{
	return n == 2	? __builtin_bswap16((__u16)x)
	       : n == 4 ? __builtin_bswap32((__u32)x)
			: __builtin_bswap64(x);
}

/* Indexes into a scratch string stay inside the area (the kernel's
 * scratch has slack after it for a + i, i < TV_SCRATCH). */
#define TV_SIDX(i) ((i) & (TV_SCRATCH - 1))

/* Byte i of strncmp over unsigned bytes: sets *r to -1/1 and ends at the
 * first difference, ends with *r == 0 at a NUL; 1 when done.  One step per
 * call, so the kernel runs it as a bpf_loop callback. */
TV_SHARED int tv_strcmp_step(const __u8 *a, const __u8 *b, __u64 i, __s64 *r)
{
	__u8 x = a[TV_SIDX(i)], y = b[TV_SIDX(i)];

	if (x != y) {
		*r = x < y ? -1 : 1;
		return 1;
	}
	return !x;
}

/* strcontains()'s naive search: needle byte j against haystack byte
 * i + j, each string at most max bytes.  One flat loop over (i, j) keeps
 * the verifier's work to one step; each step moves i or j on, so
 * max * max + max + 1 steps always finish. */
struct tv_strstr {
	__u32 max, i, j, found;
};
TV_SHARED int tv_strstr_step(struct tv_strstr *c, const __u8 *h, const __u8 *n)
{
	__u32 i = TV_SIDX(c->i), j = TV_SIDX(c->j);

	if (j >= c->max || !n[j]) {
		c->found = 1;
		return 1;
	}
	if (i + j >= c->max)
		return 1;
	if (h[TV_SIDX(i + j)] == n[j]) {
		c->j++;
		return 0;
	}
	if (!h[i])
		return 1;
	c->i++;
	c->j = 0;
	return 0;
}

/* Wide opcodes take a second 8-byte word: those with a w operand (the
 * strings are literals, so this folds to a table). */
static inline int tv_op_is_wide(__u8 op)
{
	switch (op) {
#define OP(n, o, d)                                                                                \
	case TV_OP_##n:                                                                            \
		return __builtin_strchr(o, 'w') != 0;
#include "opcodes.def"
#undef OP
	default: return 0;
	}
}

/* Aggregations without a key live in a per-CPU array slot, not a hash. */
static inline int tv_is_scalar_agg(const struct tv_mapdesc *d)
{
	return d->key_size == 0 && d->kind >= TV_MAP_count && d->kind <= TV_MAP_stats;
}

/* for ($kv : @m): the maps a for loop walks (keyed integer, bytes, count
 * and sum maps), and $kv's layout at the MFOR offset: the key payload,
 * padded to 8 bytes, then the value (8 bytes, or val_size for bytes). */
#define TV_FOR_RUNS 16 /* for loops one run of a block may start; the next ends it */
/* rounds of steps one run may take: every entry of every loop is one */
#define TV_FOR_ROUNDS (TV_FOR_RUNS * 32768 * 2 + 1)
/* A kernel walk copies keys into large-key slots: no extra-large ones. */
static inline int tv_for_walks(const struct tv_mapdesc *d)
{
	return d->key_size && d->key_size <= TV_KEY_LARGE &&
	       (d->kind == TV_MAP_int || d->kind == TV_MAP_bytes || d->kind == TV_MAP_count ||
		d->kind == TV_MAP_sum);
}
static inline __u32 tv_for_val_off(const struct tv_mapdesc *d)
{
	return (d->key_size + 7) & ~7u;
}
static inline __u32 tv_for_val_size(const struct tv_mapdesc *d)
{
	return d->kind == TV_MAP_bytes ? d->val_size : 8;
}

/* Scratch bytes an aggregation's key occupies: the hist bucket follows
 * the key payload. */
static inline __u32 tv_key_span(const struct tv_mapdesc *d)
{
	return d->key_size + ((d->kind == TV_MAP_hist || d->kind == TV_MAP_lhist) ? 8 : 0);
}

/* A stack value (KSTACK, USTACK): the stack map's id as an s16 (negative:
 * none was taken), the instruction's mode byte (depth, TV_STACK_PERF), and
 * for user stacks the process, whose mappings name the frames. */
#define TV_STACK_PERF 0x80  /* perf's format: address, symbol, module */
#define TV_STACK_DEPTH 0x7f /* frames printed; 0 = all */
#define TV_STACK_NONE 0xffffu
static inline __u64 tv_stack_value(__s64 id, __u8 mode, __u32 pid)
{
	return (__u64)(id < 0 ? TV_STACK_NONE : (__u64)id & 0xffff) | (__u64)mode << 16 |
	       (__u64)pid << 32;
}
static inline int tv_stack_id(__u64 v)
{
	return (v & 0xffff) == TV_STACK_NONE ? -1 : (int)(v & 0xffff);
}
static inline __u8 tv_stack_mode(__u64 v)
{
	return (__u8)(v >> 16);
}
static inline __u32 tv_stack_pid(__u64 v)
{
	return (__u32)(v >> 32);
}

#ifndef __bpf__
/* ---- host side ---------------------------------------------------------- */

/* An error with a source location (0 when the error has none). */
struct tv_err {
	int line, col, col_end;
	char msg[256];
	const char *level; /* a static string printed instead of "ERROR", or NULL */
};
int tv_err_set(struct tv_err *e, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A symbol of the binary a uprobe or uretprobe attach point names, for
 * uaddr(): its address and size in the file, the probe's own address
 * there, and whether the binary is position-independent (its addresses
 * then move by each process's load address).  The frontend reads no ELF:
 * the one compiling gives it a lookup. */
struct tv_usym {
	__u64 addr, size, probe_addr;
	bool pie;
};
typedef int (*tv_usym_fn)(const char *attach, const char *sym, struct tv_usym *out,
			  struct tv_err *err);

/* One USDT probe location of a binary (its .note.stapsdt), for usdt:
 * probes: the frontend lowers argN from args ("-4@%eax 8@-16(%rbp)"), the
 * kernel side attaches a uprobe at pc with the semaphore.  The same
 * provider:name may sit at several locations: the index-th of them is
 * TV_PROBE_LOC of its image probe. */
struct tv_usdt {
	const char *provider, *name, *args;
	__u64 pc;
};
typedef int (*tv_usdt_each_fn)(void *arg, const struct tv_usdt *u);
/* every location of bin, in note order: the number, or an error */
typedef int (*tv_usdt_fn)(const char *bin, tv_usdt_each_fn each, void *arg, struct tv_err *err);

/* As bpftrace prints a diagnostic: "FILE:L:C-C: LEVEL: msg", the source
 * line and a '~' underline (the message alone without a location). */
void tv_err_print(FILE *f, const char *filename, const char *text, const struct tv_err *e,
		  const char *level);

enum tv_const_kind { TV_CONST_str, TV_CONST_fmt };
/* A fmt constant is the format text, a NUL, then the type string of its
 * arguments (TV_VALUE_TYPES), as map keys have: the host reads each
 * argument as a map key field is read. */

/* Value types the host prints, one letter each, with the bytes a value
 * takes (min..max; the comment says what they hold).  A type string is
 * a list of types separated by ',': "i8,s64,K8" (a map key's fields, a
 * printf's arguments), or one type (a map value, a print() argument):
 *
 *   type     := LETTER SIZE           a scalar of this table: i8, s16
 *             | '[' N '*' type ']'    N elements back to back: [4*i4], [2*[2*i4]]
 *             | '{' members '}'       a struct: {.m=i4,.n=i4}
 *             | '<' members '>'       a union: every member at its start
 *             | '(' list ')'          a tuple: (i8,s16)
 *   list     := item (',' item)*      (a list may be empty: "", "{}")
 *   item     := type | 'x' N          xN: N bytes of padding, not printed
 *   members  := member (',' member)*
 *   member   := '.' NAME '=' type     at the cursor; the cursor moves on by its size
 *             | '.' NAME '=' bitfield
 *             | 'x' N                 the cursor moves on by N bytes
 *   bitfield := ('i'|'u') SIZE ':' W '@' B
 *
 * Items lie back to back in a list, a tuple or a struct (a struct's
 * padding is explicit: {.a=i1,x3,.b=i4}); a union's size is its largest
 * member's (x8 among them makes it at least 8).  NAME is letters, digits
 * and '_'.  A bitfield is the W bits (1..64, at most 8 * SIZE) that start
 * B bits after the cursor, counted from bit 0 of the cursor's byte as
 * x86 and BTF count them, read as that integer type: unsigned, or sign-
 * extended from bit W - 1.  It takes no bytes itself: the storage unit
 * it lies in is covered by an xN (or other members) after it, e.g.
 * struct { unsigned a:4, b:12; short c; } is
 * {.a=u4:4@0,.b=u4:12@4,x2,.c=i2}.  Its bits must lie inside its struct.
 * A char array is a string, s16, not an array.  Integers are 1, 2, 4 or 8
 * bytes; a type describes at most TV_VALTYPE_SIZE_MAX bytes and nests at
 * most TV_VALTYPE_DEPTH aggregates deep. */
#define TV_VALUE_TYPES(X)                                                                          \
	X('i', int, 1, 8, "a signed integer")                                                      \
	X('u', uint, 1, 8, "an unsigned integer")                                                  \
	X('s', str, 1, TV_VALTYPE_SIZE_MAX, "a NUL-padded string")                                 \
	X('p', probe, 8, 8, "a probe index: its name")                                             \
	X('f', func, 8, 8, "a probe index: the function part of its name")                         \
	X('k', kstack, 8, 8, "a kernel stack value (tv_stack_value)")                              \
	X('U', ustack, 8, 8, "a user stack value (tv_stack_value)")                                \
	X('K', ksym, 8, 8, "a kernel address: its symbol")                                         \
	X('Y', usym, 16, 16, "a user address, then its process id")                                \
	X('n', inet, 24, 24, "an address family, then 16 address bytes")                           \
	X('t', time, 16, 16, "a format constant's id, then nanoseconds since boot")                \
	X('e', errno, 8, 8, "an error number: its strerror() text")                                \
	X('r', buf, 8, TV_VALTYPE_SIZE_MAX, "a length, then that many bytes (up to TV_STR_MAX)")   \
	X('M', mac, 6, 8, "6 bytes of a MAC address, printed 05:04:0A:02:01:02")                   \
	X('N', uname, 8, 8, "a user id: its user name")                                            \
	X('g', cgpath, 16, 16, "a filter constant's id, then a cgroup id: its paths")
#define TV_VALTYPE_SIZE_MAX 65536
#define TV_VALTYPE_DEPTH 32
enum tv_value_type {
#define X(letter, name, min, max, doc) TV_VAL_##name = letter,
	TV_VALUE_TYPES(X)
#undef X
};
/* The aggregates' kinds are their opening characters. */
enum tv_valtype_kind {
	TV_VT_ARRAY = '[',
	TV_VT_STRUCT = '{',
	TV_VT_UNION = '<',
	TV_VT_TUPLE = '(',
};

/* One type of a type string, or one item of a list as an iterator gives it. */
struct tv_valtype {
	char kind;	   /* a TV_VALUE_TYPES letter, or an enum tv_valtype_kind */
	__u32 size;	   /* bytes (a bitfield's: its integer type's) */
	__u32 count;	   /* an array's elements */
	const char *inner; /* an array's element type, an aggregate's first item */
	const char *end;   /* the text after it */
	/* an item: its offset in its list (in bytes), and as a member its name;
	 * bits: a bitfield's width (0: not one), bit: where it starts after off */
	__u32 off, bits, bit;
	const char *name;
	__u32 name_len;
};
/* The type at t: v filled, and the text after it; NULL if t does not
 * start with a well-formed type. */
const char *tv_valtype_next(const char *t, struct tv_valtype *v);
/* A whole type string (a list): 0 and its size in bytes, or -EINVAL. */
int tv_valtype_size(const char *list, __u32 *size);

/* The items of an aggregate (an array's elements, a struct's or union's
 * members, a tuple's elements) or of a list, padding left out. */
struct tv_valiter {
	const char *t;		/* the next item */
	char kind;		/* what is walked: an enum tv_valtype_kind, 0 for a list */
	__u32 off;		/* the next item's offset */
	__u32 i, count;		/* an array's next index, its elements */
	struct tv_valtype elem; /* and their type */
};
void tv_valiter_of(struct tv_valiter *it, const struct tv_valtype *agg);
void tv_valiter_list(struct tv_valiter *it, const char *list);
/* 1 and the next item in v, 0 at the end, -EINVAL if malformed */
int tv_valiter_next(struct tv_valiter *it, struct tv_valtype *v);

/* A printf conversion: "%-08.3lld" as the flags and width part ("%-08.3"),
 * the length (hh: 8 bits, h: 16, l ll z j: 64, none: 32), the conversion and what it
 * takes; %rx and %rh are %r with a style. */
enum tv_fmt_class { TV_FMT_NONE, TV_FMT_INT, TV_FMT_STR, TV_FMT_BUF };
struct tv_fmt_spec {
	char spec[48];
	unsigned bits;
	char conv, style;
	enum tv_fmt_class cls;
};
/* p at a '%' (not "%%"): the spec, and where the text goes on. */
const char *tv_fmt_next(const char *p, struct tv_fmt_spec *s);
/* Conversions that take an argument (unknown ones are text). */
int tv_fmt_count(const char *f);
#define TV_JOIN_ARGS 8 /* strings join() reads from an array */

struct tv_const {
	__u8 kind;
	__u16 len; /* bytes, including the terminating NUL for strings */
	char *data;
};

/* A probe a wildcard expanded to: when it cannot attach, the run warns
 * and goes on without it (bpftrace does the same). */
#define TV_PROBE_OPTIONAL 1u
/* A BEGIN or END block that reads kernel memory: run by the kernel
 * (BPF_PROG_TEST_RUN) instead of the user-space vm, which cannot. */
#define TV_PROBE_IN_KERNEL 2u
/* A watchpoint on a function's argument: not attached with the others;
 * the host attaches it when its setup uprobe reports the address. */
#define TV_PROBE_DEFERRED 4u

/* Where an instruction or probe came from in the script, for reports of faults
 * (line 0: unknown).  Only in memory: images read back have none. */
struct tv_srcloc {
	__u16 line, col, col_end;
	/* a read through a pointer made from a plain number: bpftrace 0.17
	 * has no address space for it and names its helper probe_read */
	bool plain_read;
};

/* TV_PROBE_* flags: bits 16-31 are a usdt probe's location index */
#define TV_PROBE_LOC_SHIFT 16
#define TV_PROBE_LOC(flags) ((flags) >> TV_PROBE_LOC_SHIFT)

/* Probe types (probes.def) and the kernel features they need (features.def). */
enum tv_feature {
#define FEATURE(id, what, instead) TV_FEAT_##id,
#include "features.def"
#undef FEATURE
	TV_FEAT__COUNT
};

enum tv_probe_type {
#define PROBE(id, name, alias, alias2, needs, flags) TV_PT_##id,
#include "probes.def"
	TV_PT__COUNT
};

enum {
	TV_PT_HOST = 1u << 0,
	TV_PT_NO_TASK = 1u << 1,
	TV_PT_USER_CODE = 1u << 2,
	TV_PT_RETVAL = 1u << 3,
	TV_PT_ADDRESS = 1u << 4,
	TV_PT_TRACEFS = 1u << 5,
	TV_PT_EVENTS = 1u << 6,
	TV_PT_USDT = 1u << 7,
};

struct tv_probe_type_info {
	const char *name, *alias, *alias2;
	enum tv_feature needs;
	__u32 flags; /* TV_PT_* */
};

struct tv_feature_info {
	const char *what, *instead;
};

/* A perf event of software: or hardware: probes; config is PERF_COUNT_*. */
struct tv_perf_event {
	enum tv_probe_type type;
	const char *name, *alias;
	__u64 config, count; /* count: bpftrace's default */
};

extern const struct tv_probe_type_info tv_probe_types[TV_PT__COUNT];
extern const struct tv_feature_info tv_features[TV_FEAT__COUNT];
extern const struct tv_perf_event tv_perf_events[];
extern const unsigned tv_nperf_events;

/* The type whose name or alias is text[0..n), or -1. */
int tv_probe_type_find(const char *text, size_t n);
/* The type of an attach point ("t:sched:x", "BEGIN"), or -1; *target (if
 * not NULL) is set to what follows the type's colon. */
int tv_probe_type_of(const char *attach, const char **target);
/* A uprobe's BIN as bpftrace finds it (bytecode/ubin.c): a path as given,
 * a bare name in $PATH, else a library in /etc/ld.so.cache ("libc" is
 * libc.so.6's path as the cache writes it).  False when nowhere. */
bool tv_uprobe_find_binary(const char *bin, char *out, size_t n);
/* Does the attach point's type have every flag in flags? */
bool tv_probe_has(const char *attach, __u32 flags);
/* The perf event of type named (or aliased) text[0..n), or NULL. */
const struct tv_perf_event *tv_perf_event_find(enum tv_probe_type type, const char *text, size_t n);

struct tv_probe {
	char *attach; /* "tracepoint:syscalls:sys_enter_read", "BEGIN", ... */
	__u32 pc;
	__u32 flags;	      /* TV_PROBE_* */
	struct tv_srcloc loc; /* its attach point in the script, for errors */
};

struct tv_map {
	char *name; /* "@calls" */
	struct tv_mapdesc d;
	char *key_type; /* host-side layout for printing, e.g. "s16,u8" */
	char *val_type;
};

struct tv_image {
	__u32 abi;
	struct tv_insn *insns;
	__u32 ninsns;
	struct tv_srcloc *locs; /* by pc, or NULL */
	__u32 nlocs_cap;
	char *source, *source_name; /* the script, for reports; may be NULL */
	struct tv_probe *probes;
	__u32 nprobes;
	struct tv_map *maps;
	__u32 nmaps;
	struct tv_const *consts;
	__u32 nconsts;
};

/* Operand letters of opcodes.def, decoded. */
#define TV_MAX_OPERANDS 4
const char *tv_op_name(unsigned op);
/* The kernel helper an opcode's memory read calls (named in fault
 * reports, as bpftrace names them); NULL for opcodes that cannot fault. */
const char *tv_op_fault_helper(unsigned op);
static inline bool tv_op_may_fault(unsigned op)
{
	return tv_op_fault_helper(op) != NULL;
}
/* The map helper a CHECKS opcode calls, and the -k level (1 or 2) that
 * reports its failure; NULL for the others. */
const char *tv_op_checked_helper(unsigned op, int *level);
/* Opcodes that send records: SENDS of opcodes.def (EMIT, the user stacks
 * and symbols that report their process) and the reads that report faults. */
bool tv_op_sends_records(unsigned op);
/* What an instruction does that only --unsafe allows ("system()"), or NULL. */
const char *tv_insn_unsafe(const struct tv_insn *in);
const char *tv_op_operands(unsigned op);
const char *tv_op_doc(unsigned op);
int tv_op_lookup(const char *name);
const char *tv_builtin_name(unsigned id);
int tv_builtin_lookup(const char *name);
const char *tv_record_name(unsigned id);
int tv_record_lookup(const char *name);
const char *tv_mapkind_name(unsigned kind);
int tv_mapkind_lookup(const char *name);

/* Read the operands of insns[0] (and insns[1] when wide) into v[]. */
int tv_insn_get(const struct tv_insn *in, __s64 v[TV_MAX_OPERANDS]);
/* Encode op with operand values; writes 1 or 2 words, returns the count
 * or -ERANGE when a value does not fit its slot. */
int tv_insn_put(struct tv_insn *out, unsigned op, const __s64 *v, int n);

struct tv_image *tv_image_new(void);
void tv_image_free(struct tv_image *img);
/* Append one instruction (two words when wide); returns its pc or -errno. */
int tv_image_emit(struct tv_image *img, unsigned op, const __s64 *v, int n);
int tv_image_add_probe(struct tv_image *img, const char *attach, __u32 pc);
int tv_image_add_map(struct tv_image *img, const char *name, const struct tv_mapdesc *d,
		     const char *key_type, const char *val_type);
int tv_image_add_const(struct tv_image *img, unsigned kind, const void *data, size_t len);
int tv_image_set_source(struct tv_image *img, const char *name, const char *text);
/* The source location of instruction pc (the frontend records them). */
int tv_image_set_loc(struct tv_image *img, __u32 pc, struct tv_srcloc loc);
struct tv_srcloc tv_image_loc(const struct tv_image *img, __u32 pc);
int tv_image_find_map(const struct tv_image *img, const char *name);
/* The one rule for map names, in every reader and writer of images: '@'
 * alone or '@' and an identifier ([A-Za-z_][A-Za-z0-9_]*), at most
 * TV_MAP_NAME_MAX bytes.  0, or -EINVAL with err saying why. */
int tv_map_name_check(const char *name, size_t len, struct tv_err *err);

/* One map API over user-space maps (vm/) and kernel maps (kernel-side/), so
 * a BEGIN block run in user space writes the maps probes read later.
 * Keys are the tv_key_span() payload bytes of the map (hist bucket
 * included); values are a struct tv_agg for integer and aggregation maps
 * and val_size bytes for bytes maps.  Per-CPU values come back merged. */
struct tv_store;
typedef int (*tv_store_each_fn)(const void *key, const void *val, void *arg);
struct tv_store_ops {
	int (*lookup)(struct tv_store *s, __u32 map, const void *key, void *val);
	int (*update)(struct tv_store *s, __u32 map, const void *key, const void *val);
	int (*remove)(struct tv_store *s, __u32 map, const void *key);
	int (*each)(struct tv_store *s, __u32 map, tv_store_each_fn fn, void *arg);
	int (*clear)(struct tv_store *s, __u32 map);
	void (*free)(struct tv_store *s);
};
struct tv_store {
	const struct tv_store_ops *ops;
	const struct tv_image *img;
};
static inline size_t tv_store_val_size(const struct tv_store *s, __u32 map)
{
	const struct tv_mapdesc *d = &s->img->maps[map].d;

	return d->kind == TV_MAP_bytes ? d->val_size : sizeof(struct tv_agg);
}

/* Called for every record a block emits (printf, exit, ...), whichever
 * interpreter ran it. */
typedef int (*tv_record_fn)(const struct tv_rec *hdr, const void *payload, void *arg);

/* Reject any image the interpreters could mis-execute, and one that does
 * what only --unsafe allows (system(), signal()) without TV_VALIDATE_UNSAFE. */
enum { TV_VALIDATE_UNSAFE = 1 };
int tv_image_validate(const struct tv_image *img, unsigned flags, struct tv_err *err);

/* The binary form: header, then the tables, little endian. */
int tv_image_write(const struct tv_image *img, FILE *f);
struct tv_image *tv_image_read(FILE *f, struct tv_err *err);
#endif

#endif
