/* Internals of the C declaration parser (cdecl*.c): tokens, the type
 * graph the parser builds, and the layout and BTF emission done over it.
 * Types are kept in our own graph until the whole text has parsed, so a
 * syntax error leaves the caller's BTF untouched and a pointer can name a
 * struct defined later (type i becomes BTF id base + i - 1). */
#ifndef TV_FE_CDECL_IMPL_H
#define TV_FE_CDECL_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/cdecl.h"

/* Nesting of braces, parentheses and declarators: deep enough for any real
 * declaration, shallow enough for any stack. */
#define CD_MAX_DEPTH 200
#define CD_MAX_NAME 255

enum cd_tok_kind { CD_T_EOF, CD_T_IDENT, CD_T_NUM, CD_T_STR, CD_T_PUNCT };

/* Punctuators of more than one character; single ones are their byte. */
enum {
	CD_P_SHL = 256,
	CD_P_SHR,
	CD_P_LE,
	CD_P_GE,
	CD_P_EQ,
	CD_P_NE,
	CD_P_ANDAND,
	CD_P_OROR,
	CD_P_ELLIPSIS,
	CD_P_ARROW,
};

struct cd_tok {
	enum cd_tok_kind kind;
	int punct; /* CD_T_PUNCT: the byte or CD_P_* */
	const char *text;
	int len;
	int line, col;
	uint64_t value; /* CD_T_NUM */
	bool is_unsigned;
};

enum cd_kind {
	CD_VOID,
	CD_INT,
	CD_FLOAT,
	CD_PTR,
	CD_ARRAY,
	CD_STRUCT,
	CD_UNION,
	CD_ENUM,
	CD_TYPEDEF,
	CD_CONST,
	CD_VOLATILE,
	CD_FUNC,
};

struct cd_type {
	enum cd_kind kind;
	int name;	/* offset in the name pool, 0: none */
	int ref;	/* pointee, element, typedef target, return type */
	uint64_t size;	/* bytes, when complete */
	uint32_t align; /* bytes, when complete */
	uint32_t nelems;
	int first, count; /* members or params (cd.mems), enumerators (cd.enums) */
	int encoding;	  /* CD_INT: BTF_INT_SIGNED / CHAR / BOOL */
	bool complete;
	bool defining;	     /* its body is being parsed */
	bool vararg;	     /* CD_FUNC */
	bool builtin;	     /* a predefined typedef (u32, size_t ...) */
	bool flexible;	     /* CD_ARRAY: "[]", a flexible array member */
	bool outside;	     /* CD_STRUCT/UNION: completed by the env, emitted as a fwd */
	uint32_t align_attr; /* CD_TYPEDEF: its aligned(N), 0: none */
};

struct cd_member {
	int name;
	int type;
	uint64_t bit_off;
	int bit_size;	/* 0: not a bitfield; -1: the zero-width ":0" */
	uint32_t align; /* explicit aligned(N), 0: none */
	bool packed;	/* __attribute__((packed)) on the member */
	int tok;	/* where it is declared, for errors */
};

struct cd_enumval {
	int name;
	int64_t value;
};

/* A growable array of elements of one size. */
struct cd_vec {
	void *v;
	int n, cap;
};

/* The hash of ordinary names and tags: key (space, name) -> type index;
 * in CD_NS_ORD a typedef's type, or an enumerator as CD_ENUMERATOR(i). */
enum cd_ns { CD_NS_ORD = 1, CD_NS_TAG };
#define CD_ENUMERATOR(i) (-2 - (i))

struct cd_sym {
	int name;
	int ns;
	int val;
};

struct cdecl {
	const char *text;
	struct cd_tok *toks;
	int ntoks, pos;
	int depth;
	bool in_enum;	     /* enumerators go straight into enums: no enum nests */
	struct cd_vec types; /* struct cd_type, [0] is void */
	struct cd_vec mems;  /* struct cd_member */
	struct cd_vec enums; /* struct cd_enumval */
	struct cd_vec names; /* char: NUL-terminated names, [0] = "" */
	struct cd_sym *syms; /* open addressing, a power of two */
	int nsyms, symcap;
	int arith[32]; /* enum cd_arith -> type index, 0: not made yet */
	struct fe_cdecl_error *err;
	const struct fe_cdecl_env *env;
	int shadowing; /* laying out a struct that redefines one of env's */
};

/* What a declaration's specifiers say. */
struct cd_spec {
	int type;
	bool is_typedef;
	bool anon_body; /* an untagged struct or union defined here */
	bool packed;
	uint32_t align; /* aligned(N) or _Alignas on the declaration */
};

/* __attribute__((...)) that change a layout. */
struct cd_attrs {
	bool packed;
	uint32_t align;
};

/* cdecl.c */
struct cd_tok *fe_cd_tok(struct cdecl *cd);
bool fe_cd_accept(struct cdecl *cd, int punct);
int fe_cd_expect(struct cdecl *cd, int punct, const char *what);
int fe_cd_enter(struct cdecl *cd);
bool fe_cd_type_start(struct cdecl *cd, const struct cd_tok *t);
int fe_cd_specifiers(struct cdecl *cd, struct cd_spec *s, bool top);

/* cdecl_decl.c: declarators, attributes, constant expressions */
int fe_cd_declarator(struct cdecl *cd, int base, int *type, int *name_tok);
int fe_cd_type_name(struct cdecl *cd, int *type);
int fe_cd_attributes(struct cdecl *cd, struct cd_attrs *a);
int fe_cd_const_expr(struct cdecl *cd, int64_t *v);
int fe_cd_qualify(struct cdecl *cd, int type, const struct cd_tok *q);
bool fe_cd_qualifier(const struct cd_tok *t);

/* cdecl_lex.c */
int fe_cd_lex(struct cdecl *cd);
bool fe_cd_is(const struct cd_tok *t, const char *word);
bool fe_cd_punct(const struct cd_tok *t, int p);

/* cdecl_types.c: the graph */
void *fe_cd_push(struct cdecl *cd, struct cd_vec *v, size_t size);
int fe_cd_error(struct cdecl *cd, const struct cd_tok *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int fe_cd_name(struct cdecl *cd, const char *s, int len);
const char *fe_cd_str(const struct cdecl *cd, int name);
struct cd_type *fe_cd_type(struct cdecl *cd, int idx);
int fe_cd_new_type(struct cdecl *cd, enum cd_kind kind, int ref);
int fe_cd_sym_find(const struct cdecl *cd, int ns, const char *s, int len);
int fe_cd_sym_add(struct cdecl *cd, int ns, int name, int val);
int fe_cd_strip(struct cdecl *cd, int idx);
/* Size, alignment and completeness through typedefs and qualifiers. */
bool fe_cd_complete(struct cdecl *cd, int idx);
/* Does struct/union idx redefine one the env has? */
bool fe_cd_shadows(struct cdecl *cd, int idx);
uint64_t fe_cd_size(struct cdecl *cd, int idx);
uint32_t fe_cd_align(struct cdecl *cd, int idx);
int fe_cd_describe(struct cdecl *cd, int idx, char *buf, size_t len);
int fe_cd_emit(struct cdecl *cd, struct btf *btf);
void fe_cd_free(struct cdecl *cd);

/* cdecl_layout.c */
int fe_cd_layout(struct cdecl *cd, int idx, struct cd_member *m, int n, bool packed,
		 uint32_t aligned);

/* cdecl_builtin.c: the arithmetic types, one per canonical spelling */
enum cd_arith {
	CD_A_CHAR,
	CD_A_SCHAR,
	CD_A_UCHAR,
	CD_A_SHORT,
	CD_A_USHORT,
	CD_A_INT,
	CD_A_UINT,
	CD_A_LONG,
	CD_A_ULONG,
	CD_A_LLONG,
	CD_A_ULLONG,
	CD_A_BOOL,
	CD_A_INT128,
	CD_A_UINT128,
	CD_A_FLOAT,
	CD_A_DOUBLE,
	CD_A_LDOUBLE,
	CD_A_COUNT,
};

/* The words of a type specifier, counted ("long long" is long = 2). */
struct cd_spec_words {
	int signed_, unsigned_, short_, long_, int_, char_, bool_, int128, float_, double_, void_;
};

/* The type index of an arithmetic type, -1 on out of memory. */
int fe_cd_arith(struct cdecl *cd, enum cd_arith a);
/* The arithmetic type the words name, -1 if they name none. */
int fe_cd_arith_of(const struct cd_spec_words *w);
/* u32, size_t, uint64_t ... as a typedef made on first use; -1: not one. */
int fe_cd_builtin_typedef(struct cdecl *cd, const char *s, int len);

#endif
