/* Kernel BTF: a small reader of /sys/kernel/btf/vmlinux for struct access
 * in scripts (curtask->pid, (struct sock *)arg0, sizeof(struct x)).
 * Internal to the frontend.
 *
 * The file is mapped, not read (sysfs reads of ~5 MB take ~20 ms, the map
 * takes 0.1 ms) and its types are indexed in one pass.  Everything the
 * reader hands out is bounds-checked: a truncated or corrupt blob gives
 * errors, never a read out of bounds. */
#ifndef TV_FRONTEND_BTF_H
#define TV_FRONTEND_BTF_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

struct fe_btf;

#define TV_BTF_VMLINUX "/sys/kernel/btf/vmlinux"

/* Maps and indexes a BTF file; NULL with a message in err. */
struct fe_btf *fe_btf_open(const char *path, char *err, size_t errlen);
/* The same over a buffer the caller keeps alive until fe_btf_close. */
struct fe_btf *fe_btf_from_mem(const void *data, size_t len, char *err, size_t errlen);
void fe_btf_close(struct fe_btf *b);

/* What a type is, after typedefs and qualifiers (const, volatile, ...). */
enum fe_btf_kind {
	TV_BTF_VOID,
	TV_BTF_INT, /* also enums */
	TV_BTF_PTR,
	TV_BTF_ARRAY,
	TV_BTF_STRUCT,
	TV_BTF_UNION,
	TV_BTF_FWD,   /* a forward declaration: `struct x;` (fwd_union: `union x;`) */
	TV_BTF_OTHER, /* functions, floats */
};

struct fe_btf_type {
	enum fe_btf_kind kind;
	__u32 id;	  /* the resolved type */
	__u32 size;	  /* bytes (pointers 8) */
	bool sign;	  /* INT */
	__u32 ref;	  /* PTR: the pointee; ARRAY: the element (unresolved ids) */
	__u32 nelems;	  /* ARRAY */
	const char *name; /* "" when anonymous */
	bool fwd_union;	  /* FWD */
};

/* Type id's description; -1 for an id out of range or a typedef loop. */
int fe_btf_type(struct fe_btf *b, __u32 id, struct fe_btf_type *t);

/* The id of `struct name` (or `union name`), or -1. */
int fe_btf_find(struct fe_btf *b, const char *name, bool is_union);

/* The alignment of type id as a compiler gives it (libbpf's rule: a
 * struct whose members sit off their natural alignment is packed, 1);
 * 0 for an id out of range. */
__u32 fe_btf_align(struct fe_btf *b, __u32 id);

struct fe_btf_member {
	__u32 type;	/* unresolved id */
	__u32 bit_off;	/* from the start of the outer struct */
	__u32 bit_size; /* 0: not a bitfield */
};

/* The member `name` of struct/union id, looked for through anonymous
 * struct and union members too; -1 when there is none. */
int fe_btf_member(struct fe_btf *b, __u32 id, const char *name, struct fe_btf_member *m);

/* Member i (in declaration order, anonymous ones as themselves) of
 * struct/union id: 0 with m and *name ("" when anonymous) set, or -1 past
 * the last. */
int fe_btf_member_at(struct fe_btf *b, __u32 id, __u32 i, struct fe_btf_member *m,
		     const char **name);

/* The value of enumerator `name` (SKB_DROP_REASON_NOT_SPECIFIED), or -1
 * when no enum of the kernel has it. */
int fe_btf_enum_value(struct fe_btf *b, const char *name, __s64 *value);

#endif
