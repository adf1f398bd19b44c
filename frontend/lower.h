/* Lowering a BpfScript tree to a tracevm image: types, builtins, functions
 * and the code generator's state.  Internal to the frontend. */
#ifndef TV_FRONTEND_LOWER_H
#define TV_FRONTEND_LOWER_H

#include <stdbool.h>

#include "frontend/ast.h"
#include "frontend/tracefs.h"

/* Value types.  Sizes are the bytes a value takes in scratch and in maps.
 * ORDER: kinds after TY_STR are printed the host's own way: integers up
 * to TY_TUPLE, bytes (like TY_STR) from it on.
 * TY_PTR is a pointer into kernel (or, `user`, user) memory whose pointee
 * is a BTF type or an integer; TY_RECORD a struct, union or array in memory, only
 * reached through ., -> and [] (struct.c). */
enum ty_kind {
	TY_NONE,
	TY_INT,
	TY_PTR,
	TY_RECORD,
	TY_STR,
	TY_PROBE,
	TY_KSTACK,
	TY_USTACK,
	TY_KSYM,
	TY_FUNC,
	TY_ERRNO, /* strerror(): printed as its text */
	TY_UNAME, /* username: a uid, printed as its name */
	TY_TUPLE, /* (tuple.c) */
	TY_USYM,  /* address, pid */
	TY_INET,  /* family, 16 address bytes */
	TY_TIME,  /* strftime: format constant, nanoseconds */
	TY_BUF,	  /* length, bytes */
	TY_MAC,	  /* macaddr(): 6 bytes */
	TY_CGRP	  /* cgroup_path(): filter constant, cgroup id */
};

/* ty.btf of a TY_PTR that is curtask: struct task_struct, looked up only
 * when a field is read (a script that only prints curtask reads no BTF). */
#define FE_BTF_TASK (-2)

struct ty {
	enum ty_kind k;
	unsigned size;
	bool sign;
	int btf;   /* TY_PTR: the pointee's BTF id (or FE_BTF_TASK); TY_RECORD: its id */
	bool user; /* TY_PTR: points into user memory */
	int tup;   /* TY_TUPLE: index in lower.tuples */
	/* TY_PTR to an integer named without BTF ((uint32 *)x, uaddr()): its
	 * size in bytes and sign; 0 when the pointee is btf */
	unsigned elem;
	bool elem_sign;
	/* TY_PTR: the pointers between it and that pointee (elem or btf):
	 * 0 for (int32 *), 1 for (int32 **) and (struct x **), whose *p is
	 * the same type with one less; such a pointee is 8 bytes (ptr.c) */
	unsigned ptrs;
};

#define FE_MAX_DWARF 8
#define FE_DWARF_OLD_VIEWS 32

/* Values held as bytes in scratch and maps (the others are integers). */
static inline bool fe_is_bytes(struct ty t)
{
	return t.k == TY_STR || t.k == TY_RECORD || t.k >= TY_TUPLE;
}

/* A tuple type: its elements and where each one starts, laid out as
 * bpftrace 0.17 lays them out (tuple.c), and the alignment it has as an
 * element of another tuple. */
#define TV_FE_MAX_TUPLE_ELEMS 32
#define TV_FE_MAX_TUPLES 64
struct fe_tuple {
	int n;
	unsigned size, align;
	struct ty elem[TV_FE_MAX_TUPLE_ELEMS];
	unsigned off[TV_FE_MAX_TUPLE_ELEMS];
};

/* Builtins: ORDER-free, looked up by name.  How each one is read:
 * B_BUILTIN (opcode BUILTIN with id), B_COMM, B_ARG (argN), B_RETVAL,
 * B_ARGS (the tracepoint's fields, only through ->), B_STACK. */
enum bi_how {
	B_BUILTIN,
	B_COMM,
	B_ARG,
	B_RETVAL,
	B_ARGS,
	B_KSTACK,
	B_USTACK,
	B_CPID,
	B_FUNC,
	B_CTX,	    /* the probe's context pointer */
	B_SARG,	    /* sargN: the stack word N above the return address */
	B_USERNAME, /* uid, printed as its user name */
};
#define TV_FE_BUILTINS(X)                                                                          \
	X(pid, B_BUILTIN, TV_BI_pid)                                                               \
	X(tid, B_BUILTIN, TV_BI_tid)                                                               \
	X(uid, B_BUILTIN, TV_BI_uid)                                                               \
	X(gid, B_BUILTIN, TV_BI_gid)                                                               \
	X(nsecs, B_BUILTIN, TV_BI_nsecs) X(elapsed, B_BUILTIN, TV_BI_elapsed)                      \
	    X(cpu, B_BUILTIN, TV_BI_cpu) X(curtask, B_BUILTIN, TV_BI_curtask)                      \
		X(cgroup, B_BUILTIN, TV_BI_cgroup) X(rand, B_BUILTIN, TV_BI_rand)                  \
		    X(probe, B_BUILTIN, TV_BI_probe) X(comm, B_COMM, 0) X(arg0, B_ARG, 0)          \
			X(arg1, B_ARG, 1) X(arg2, B_ARG, 2) X(arg3, B_ARG, 3) X(arg4, B_ARG, 4)    \
			    X(arg5, B_ARG, 5) X(retval, B_RETVAL, 0) X(args, B_ARGS, 0)            \
				X(kstack, B_KSTACK, 0) X(ustack, B_USTACK, 0) X(cpid, B_CPID, 0)   \
				    X(func, B_FUNC, 0) X(ctx, B_CTX, 0)                            \
					X(numaid, B_BUILTIN, TV_BI_numaid) X(sarg0, B_SARG, 0)     \
					    X(sarg1, B_SARG, 1) X(sarg2, B_SARG, 2)                \
						X(sarg3, B_SARG, 3) X(sarg4, B_SARG, 4)            \
						    X(sarg5, B_SARG, 5)                            \
							X(username, B_USERNAME, 0)

/* A map as the program uses it: its kind and key/value types are fixed
 * by its first use. */
#define TV_FE_MAX_KEYS 8
struct fe_map {
	const char *name;
	int id; /* image map id: its index in lower.maps */
	enum tv_mapkind kind;
	struct ty val;
	int nkeys; /* -1: not known yet */
	struct ty key[TV_FE_MAX_KEYS];
	__s64 lmin, lmax, lstep;
	struct fe_loc loc;
	int uses;	/* statements that used it so far (fe_map_note_use) */
	bool undefined; /* read but never assigned (an error, unless another one came first) */
	bool key_too_large; /* told in this pass */
};

/* A preprocessor name: a script's #define or a header constant. */
enum fe_macro_kind {
	FE_MACRO_INT,
	FE_MACRO_STR,
	FE_MACRO_EXPR, /* other tokens, in str: read as an expression where named */
	FE_MACRO_OTHER /* known, not usable */
};
/* bytes of a format's text (printf, system, cat, time, strftime): its
 * constant holds the text, a NUL and the arguments' types */
#define TV_FE_FMT_MAX 512
struct fe_macro {
	char name[64];
	size_t len;
	enum fe_macro_kind kind;
	__s64 value;
	char str[256];
};

struct fe_var {
	const char *name;
	struct ty ty;
	unsigned off; /* its scratch slot */
};

/* Patch list of forward jumps (break, continue, return). */
struct jumps {
	int pc[64];
	int n;
};

struct tv_compile_opts;

/* watch.c: watchpoint:FUNC+argN:LEN:MODE */
struct fe_watch {
	char func[256];	      /* may hold wildcards */
	int arg;	      /* N */
	const char *len_mode; /* "LEN:MODE", in the attach text */
};

struct lower {
	struct tv_image *img;
	struct tv_diag *diag;
	const struct tv_compile_opts *opts;
	struct fe_map maps[TV_MAX_MAPS];
	int nmaps;
	/* the preamble preprocessed (macros.c, once for both passes), and
	 * fe_macro_find's last answer */
	struct fe_cpp *cpp;
	struct fe_macro macro;
	struct fe_expansion { /* what expression macros were read as (fe_macros_expand) */
		struct tv_ast *ast;
		char *src;
	} *expansions;
	int nexpansions, cap_expansions;
	struct fe_tuple tuples[TV_FE_MAX_TUPLES]; /* kept across passes: maps name them */
	int ntuples;
	/* tuple variables that a later assignment widened (a longer string),
	 * by the name of the node that made the variable: kept across passes,
	 * so the next pass gives the variable the wide type from the start */
	struct fe_var_widened {
		const char *name;
		struct ty ty;
	} widened[16];
	int nwidened;
	/* the block being generated */
	struct fe_var vars[64];
	int nvars;
	unsigned scratch_top;	 /* first free scratch byte */
	int nregs;		 /* registers in use (r1..) */
	const char *probe_kind;	 /* the attach point: "tracepoint:sched:x", "BEGIN", ... */
	int probe_type;		 /* ... its TV_PT_*, or -1, and what follows its colon: */
	const char *probe_target;
	struct fe_tp_format *tp; /* tracepoint fields, or NULL */
	const char *usdt_args;	 /* a usdt location's argument spec, or NULL */
	char last_tp[256];	 /* the last tracepoint found (category:event) */
	bool too_large;		 /* told once: the image outgrew a session */
	__u64 usdt_pc;		 /* ... and its address in the binary */
	struct jumps *brk, *cont, ret;
	int loop_depth;
	/* inside a for body: `return` sets this register and breaks out */
	int for_ret;
	struct jumps *for_brk;
	bool final;	    /* the second pass: map kinds are known */
	int dropped;	    /* attach points that found nothing, warned of (this pass) */
	struct fe_btf *btf; /* kernel BTF, opened at its first use (types.c) */
	bool btf_failed;    /* ... and that open failed (reported once) */
	/* binaries' DWARF, opened for uprobe args (types.c) */
	struct fe_dwarf_src {
		char path[512];
		struct fe_dwarf *d;
		char err[256]; /* why d is NULL */
		struct fe_btf *view; /* what is converted so far, and its bytes */
		void *data;
		struct {
			struct fe_btf *view;
			void *data;
		} old[FE_DWARF_OLD_VIEWS];
		int nold;
	} dwarf[FE_MAX_DWARF];
	int ndwarf;
	/* the script's own declarations (NULL: none), and the bytes they are in */
	struct fe_btf *script_btf;
	void *script_btf_data;
	int pton_type[2]; /* pton()'s uint8[4] and uint8[16] in script_btf (0: none) */
	/* code was made from a map before its kind or types were final: the
	 * first pass's image cannot stand, the second pass is needed */
	bool stale;
	struct fe_loc at; /* the expression being generated, for fault reports */
	bool plain_read;  /* ... and its reads are through a plain number (struct.c) */
	/* uaddr(): the last symbol looked up (typing asks more than once) */
	struct {
		const char *attach, *sym;
		__u64 pc;
		int rc;
		struct tv_usym s;
		struct tv_err err;
	} usym;
};

/* Errors carry the node's location; lowering goes on where it can. */
void fe_warn(struct lower *L, const struct fe_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void fe_error(struct lower *L, const struct fe_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* kprobe.c: a kprobe or kretprobe attach point bpftrace 0.17 refuses
 * whatever the kernel (its argument count, a banned kretprobe): reported */
bool fe_kprobe_refused(struct lower *L, const struct fe_node *at, int type, const char *target);

/* list_types.c: -l 'struct X' (union, enum; no ':'), the kernel's BTF types
 * by name or (verbose) their definitions as bpftrace prints them; how many
 * were listed, or negative with err set */
bool fe_list_is_types(const char *pattern);
int fe_list_types(FILE *f, const char *pattern, bool verbose, struct tv_err *err);

/* sema.c: types and maps */
struct ty fe_type_of(struct lower *L, const struct fe_node *e);
struct fe_map *fe_map_get(struct lower *L, const struct fe_node *m);
int fe_map_note_use(struct lower *L, const struct fe_node *target, const struct fe_node *value);
const struct fe_tp_field *fe_args_field(struct lower *L, const struct fe_node *field);
int fe_builtin(const char *name, enum bi_how *how, int *id);
bool fe_is_agg_call(const struct fe_node *e, enum tv_mapkind *kind);
void fe_key_type_string(struct lower *L, const struct fe_map *m, char *buf, size_t n);
char fe_type_char(const struct ty *t);
bool fe_user_pointers(const struct lower *L);
/* The block runs at a place in user code (uprobe, uretprobe, usdt): its
 * context is that code's registers. */
bool fe_in_user_code(const struct lower *L);
/* Whether integer e, used as an address, is one in user memory. */
bool fe_user_address(struct lower *L, const struct fe_node *e);
int fe_addr_space_of(const struct fe_node *e);
bool fe_reads_user(const struct lower *L, const struct fe_node *e, struct ty t);
/* An integer type name (int8 ... uint64, int, char, long): its size and sign. */
bool fe_int_type(const char *name, unsigned *size, bool *sign);
/* The block's probe type has every flag in flags (TV_PT_*). */
bool fe_probe_has(const struct lower *L, __u32 flags);
/* A tracepoint of the syscalls category: its pointers are user memory. */
bool fe_in_syscall_tp(const struct lower *L);

/* tuple.c: (a, b, ...) values */
struct ty fe_tuple_of_types(struct lower *L, const struct fe_node *at, const struct ty *elems,
			    int n);
struct ty fe_tuple_type(struct lower *L, const struct fe_node *tuple);
struct ty fe_tuple_elem_type(struct lower *L, const struct fe_node *index);
int fe_gen_tuple(struct lower *L, const struct fe_node *tuple, unsigned off, unsigned size);
int fe_gen_tuple_elem_int(struct lower *L, const struct fe_node *index);
int fe_gen_tuple_elem_str(struct lower *L, const struct fe_node *index, unsigned off,
			  unsigned size);
bool fe_tuple_type_string(struct lower *L, struct ty tt, char *buf, size_t n);
/* for ($kv : @m): the tuple (key, value) as MFOR writes it */
struct ty fe_tuple_for_kv(struct lower *L, const struct fe_node *at, struct ty key, struct ty val);
/* Tuples of the same shape, element for element, strings of any size. */
bool fe_tuple_compatible(struct lower *L, struct ty a, struct ty b);
/* The compatible tuple a and b both fit in: each string the longer one. */
struct ty fe_tuple_merge(struct lower *L, const struct fe_node *at, struct ty a, struct ty b);
/* Writes bytes value e as type want at S[off]: a tuple of another
 * compatible type is converted element by element, the rest is fe_gen_str. */
int fe_gen_bytes_as(struct lower *L, const struct fe_node *e, struct ty want, unsigned off);
/* valtype.c: the host's type string of a value of type t (size: a scalar's);
 * false when it does not fit in n */
struct fe_btf_type;
bool fe_btf_is_char(const struct fe_btf_type *t);
bool fe_value_type_string(struct lower *L, struct ty t, unsigned size, char *buf, size_t n);

/* macros.c: #define and #include <header> names */
void fe_macros_collect(struct lower *L, const struct fe_list *preamble);
/* Names whose #define is an expression, replaced in the tree by it. */
void fe_macros_expand(struct lower *L, struct fe_node *root);
void fe_macros_release(struct lower *L);
struct fe_macro *fe_macro_find(struct lower *L, const char *name, size_t len);

/* Scratch: 0..15 for the fused count opcodes, variables from VAR_BASE,
 * per-statement temporaries from TEMP_BASE. */
#define VAR_BASE 16
#define TEMP_BASE 384

/* calls.c: functions, one table row each */
struct ty fe_call_type(struct lower *L, const struct fe_node *call);
int fe_gen_call_bytes(struct lower *L, const struct fe_node *call, unsigned off, unsigned size);
typedef int (*fe_bytes_fn)(struct lower *L, const struct fe_node *call, unsigned off,
			   unsigned size);
int fe_gen_str_call(struct lower *L, const struct fe_node *call, unsigned off, unsigned size);
/* values.c: functions of bytes values, and those reaching the process */
int fe_gen_usym(struct lower *L, const struct fe_node *call, unsigned off, unsigned size);
int fe_gen_ntop(struct lower *L, const struct fe_node *call, unsigned off, unsigned size);
int fe_gen_strftime(struct lower *L, const struct fe_node *call, unsigned off, unsigned size);
int fe_gen_buf(struct lower *L, const struct fe_node *call, unsigned off, unsigned size);
int fe_f_strcontains(struct lower *L, const struct fe_node *call, bool want);
int fe_f_signal(struct lower *L, const struct fe_node *call, bool want);
int fe_f_uaddr(struct lower *L, const struct fe_node *c, bool want);
struct ty fe_uaddr_type(struct lower *L, const struct fe_node *c);
int fe_f_addr_space(struct lower *L, const struct fe_node *c, bool want);
struct ty fe_addr_space_type(struct lower *L, const struct fe_node *c);
int fe_reg_offset(const char *name);
/* A positional parameter's text: "" when not given. */
const char *fe_param_text(const struct lower *L, const struct fe_node *param);
/* A positional parameter as a number (0 when not given); -EINVAL when its
 * text is not one. */
int fe_param_int(const struct lower *L, const struct fe_node *param, __s64 *v);
/* params.c: an attach point with its $N replaced by their text (quoted
 * parts kept); -errno when an index is broken (reported). */
int fe_attach_params(struct lower *L, const struct fe_node *attach, char *out, size_t size);
/* An integer literal, or $N holding a number: bpftrace takes both where a
 * literal is needed. */
bool fe_literal_int(const struct lower *L, const struct fe_node *n, __s64 *v);
/* str($N) or str($N + k): the text from offset k (a bad k is reported). */
bool fe_param_str(struct lower *L, const struct fe_node *call, const char **s);
/* A string literal, or str($N) (bpftrace's get_string_literal). */
bool fe_literal_str(struct lower *L, const struct fe_node *n, const char **s);
/* ra = ra OP rb for a compound assignment's operator (+= ... ^=). */
int fe_compound(struct lower *L, enum fe_ast_op op, int ra, int rb);
/* typenames.c: types as bpftrace's errors name them */
const char *fe_value_type_name(struct lower *L, const struct fe_node *value, char *buf, size_t n);
const char *fe_map_type_name(struct lower *L, const struct fe_map *m, char *buf, size_t n);
const char *fe_ty_name(struct lower *L, struct ty t, char *buf, size_t n);
/* "[unsigned int64, string[2]]": keys (when given) or the types */
const char *fe_keys_type_name(struct lower *L, const struct fe_list *keys, const struct ty *types,
			      int ntypes, char *buf, size_t n);
/* The image probe an attach point is, or will be as the next one added. */
int fe_probe_index(const struct lower *L, const char *attach);
/* watch.c: is the target FUNC+argN:...?  Its parts (0, or -1 with the
 * error told), and the block of its setup uprobe, for the watchpoint's
 * probe index watch. */
bool fe_watch_on_func(const char *target);
int fe_watch_parse(struct lower *L, const struct fe_node *at, const char *type, const char *target,
		   struct fe_watch *w);
int fe_gen_watch_setup(struct lower *L, __u32 watch, int arg, bool async);
/* usdt.c: argN of the usdt location being lowered (L->usdt_args) */
int fe_gen_usdt_arg(struct lower *L, const struct fe_node *e, int n);
int fe_f_reg(struct lower *L, const struct fe_node *call, bool want);
/* ctx: the probe's context pointer; sargN: the Nth stack argument */
int fe_gen_ctx(struct lower *L, const struct fe_node *e);
int fe_gen_sarg(struct lower *L, const struct fe_node *e, int n);
/* cgroup_path(id[, filter]): the filter's constant id, then the id */
int fe_gen_cgroup_path(struct lower *L, const struct fe_node *call, unsigned off, unsigned size);
int fe_f_bswap(struct lower *L, const struct fe_node *call, bool want);
/* pton("addr"): uint8[4] or uint8[16] (L->pton_type), made from the
 * literal now; fe_uses_pton: the program calls it (its types are added) */
struct ty fe_pton_type(struct lower *L, const struct fe_node *call);
int fe_gen_pton(struct lower *L, const struct fe_node *call, unsigned off, unsigned size);
bool fe_uses_pton(const struct fe_node *program);
/* macaddr(x): 6 bytes of an array of 6, or at the address x */
int fe_gen_macaddr(struct lower *L, const struct fe_node *call, unsigned off, unsigned size);
int fe_gen_struct_addr(struct lower *L, const struct fe_node *e, bool *user, unsigned *size);

/* gen.c: the code generator */
int fe_emit(struct lower *L, unsigned op, const __s64 *v, int n);
#define EMIT(L, op, ...)                                                                           \
	fe_emit(L, TV_OP_##op, (const __s64[]){__VA_ARGS__},                                       \
		sizeof((const __s64[]){__VA_ARGS__}) / sizeof(__s64))
#define EMIT0(L, op) fe_emit(L, TV_OP_##op, NULL, 0)
int fe_reg(struct lower *L, const struct fe_node *n);
/* Point the forward jump at pc to the next instruction emitted. */
void fe_patch(struct lower *L, int pc);
/* An integer literal's value, sign included. */
__s64 fe_int_value(const struct fe_node *n);
struct fe_var *fe_var_find(struct lower *L, const char *name);
void fe_reg_free(struct lower *L, int r);
unsigned fe_scratch(struct lower *L, const struct fe_node *n, unsigned size);
int fe_gen_int(struct lower *L, const struct fe_node *e);
/* ... its own reads (and map lookups) told at `at` instead of e's place */
int fe_gen_int_at(struct lower *L, const struct fe_node *e, struct fe_loc at);
int fe_gen_str(struct lower *L, const struct fe_node *e, unsigned off, unsigned size);
void fe_gen_block(struct lower *L, const struct fe_node *block);
/* Leave the block here (out of a for loop first), as `return` and exit() do. */
void fe_gen_return(struct lower *L, const struct fe_node *s);
int fe_gen_incdec(struct lower *L, const struct fe_node *e);

/* struct.c: struct access through BTF (curtask->pid, (struct x *)p, ...) */
bool fe_is_struct_access(const struct fe_node *e);
bool fe_enum_value(struct lower *L, const struct fe_node *n, __s64 *value);
struct ty fe_struct_type(struct lower *L, const struct fe_node *e);
int fe_gen_struct_int(struct lower *L, const struct fe_node *e);
int fe_gen_struct_str(struct lower *L, const struct fe_node *e, unsigned off, unsigned size);
int fe_gen_deref_record(struct lower *L, const struct fe_node *e, unsigned off, unsigned size);
/* Whether the access chain e starts at a pointer cast from a plain
 * number (a literal, or any integer in BEGIN and END), which bpftrace
 * 0.17 gives no address space ("Addrspace is not set"): its reads are
 * reported as probe_read's (L->plain_read). */
bool fe_plain_root(struct lower *L, const struct fe_node *e);
/* A BTF type (fe_type id) as a value type; user: it lies in user memory */
struct ty fe_btf_value_type(struct lower *L, int id, bool user);
/* args->NAME (or args.NAME) */
bool fe_is_args_of(const struct fe_node *f);
/* r's low size bytes, sign- or zero-extended (casts, usdt and uprobe arguments) */
void fe_narrow(struct lower *L, const struct fe_node *e, int r, unsigned size, bool sign);
int fe_gen_record_compare(struct lower *L, const struct fe_node *e);
/* A cast's type (report: errors for unknown or value struct types). */
struct ty fe_cast_type(struct lower *L, const struct fe_node *cast, bool report);
/* sizeof(struct x) (the sizeof node) from BTF; -1 with an error when
 * there is no such type. */
long fe_sizeof_struct(struct lower *L, const struct fe_node *type);

/* types.c: named types of the script, the kernel (and, later, binaries),
 * under one id space (fe_type ids; they tag their source) */
enum fe_tsrc { FE_TSRC_KERNEL, FE_TSRC_SCRIPT, FE_TSRC_DWARF /* + the binary's index */ };
/* args->NAME of a uprobe from its binary's DWARF: the argument's index
 * (its register) and its type, or -1 told at `at` */
int fe_uprobe_arg(struct lower *L, const struct fe_node *at, const char *name, int *btf_id);
struct fe_btf_type;
struct fe_btf_member;
struct fe_btf *fe_kernel_btf(struct lower *L, const struct fe_node *at);
int fe_type(struct lower *L, int id, struct fe_btf_type *t);
int fe_type_member(struct lower *L, int id, const char *name, struct fe_btf_member *m);
int fe_type_member_at(struct lower *L, int id, __u32 i, struct fe_btf_member *m, const char **name);
/* struct/union name (bare): the script's, else the kernel's; -1 */
int fe_type_find(struct lower *L, const struct fe_node *at, const char *name, bool is_union);
bool fe_type_enum_value(struct lower *L, const char *name, __s64 *value);
void fe_types_collect(struct lower *L, const struct fe_list *preamble, bool pton);
void fe_types_release(struct lower *L);

/* ptr.c: pointer arithmetic and comparisons */
/* A binop's type: p + n, n + p and p - n are pointers like p; the rest int64. */
struct ty fe_binop_type(struct lower *L, const struct fe_node *e);
/* Whether binop e on types a and b, one a pointer, is one bpftrace allows
 * (false, with its error, when not). */
bool fe_ptr_binop_ok(struct lower *L, const struct fe_node *e, struct ty a, struct ty b);
/* For p + n, n + p and p - n: n's register (ra or rb) times p's pointee size. */
void fe_ptr_scale_operand(struct lower *L, const struct fe_node *e, struct ty a, struct ty b,
			  int ra, int rb);
/* r *= the size of what pointer p points at. */
void fe_ptr_scale(struct lower *L, const struct fe_node *at, struct ty p, int r);
/* Compound assignment s to a target of type target: a pointer takes only
 * += and -= of an integer (false, with bpftrace's error, otherwise). */
bool fe_ptr_compound_ok(struct lower *L, const struct fe_node *s, struct ty target);
/* @m = value of an integer map: pointer or not, as its value was (false,
 * with bpftrace's error, when not). */
bool fe_ptr_assign_ok(struct lower *L, const struct fe_map *m, const struct fe_node *target,
		      const struct fe_node *value);
/* "int32 *", "struct task_struct * *", as bpftrace names pointer types. */
size_t fe_ptr_name(struct lower *L, struct ty p, char *buf, size_t n);
/* *p's type for an integer pointer or a pointer to a pointer: the pointer
 * one level down, the integer, a BTF record whole (int64 for others). */
struct ty fe_ptr_deref_type(struct lower *L, struct ty p);
/* r = *r, r holding pointer p: as wide as its pointee when an integer. */
void fe_load_pointee(struct lower *L, struct ty p, int r);
/* p[i] of a pointer to a pointer: *(p + i) (other pointees are struct.c's). */
bool fe_is_ptr_index(struct lower *L, const struct fe_node *e);
int fe_gen_ptr_index(struct lower *L, const struct fe_node *e);
/* What p points at, by name: "int32", "struct x *". */
const char *fe_pointee_name(struct lower *L, struct ty p, char *buf, size_t n);

/* calls.c: functions (printf, count, ...) */
int fe_gen_call(struct lower *L, const struct fe_node *call, bool want_value);
/* false, with the error, when a format literal is over TV_FE_FMT_MAX */
bool fe_format_fits(struct lower *L, const struct fe_node *call, const struct fe_node *fmt);
/* The first call of a function the table does not have, as the one error
 * in diag: -ENOENT; 0 when every call is known. */
int fe_check_calls(const struct fe_node *program, struct tv_diag *diag);
void fe_gen_map_assign(struct lower *L, const struct fe_node *target, const struct fe_node *value,
		       enum fe_ast_op op);
unsigned fe_gen_key(struct lower *L, struct fe_map *m, const struct fe_node *map);

#endif
