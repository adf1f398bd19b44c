/* The frontend's C declaration parser: the struct, union, enum and typedef
 * declarations a bpftrace script writes before its probes, turned into
 * BTF types laid out as gcc lays them out on x86-64 (System V ABI).  No
 * clang and no preprocessor: the script's own types, with their sizes and
 * member offsets, are all it needs. */
#ifndef TV_FE_CDECL_H
#define TV_FE_CDECL_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/btf.h>

/* Where parsing stopped: 1-based line and columns relative to the text,
 * col..col_end the first and last columns of the offending token (as in
 * tv_diag: col_end = col - 1 for the end of the input). */
struct fe_cdecl_error {
	int line, col, col_end;
	char msg[256];
};

/* Where the types declarations use by value but do not define come from
 * (the kernel's, for `struct foo { struct task_struct t; }`): outside()
 * gives the size and alignment of `struct name` (`union name` when
 * is_union) defined elsewhere, or false.  Such a type stays a BTF fwd in
 * the output, for the caller to resolve by name as any other. */
struct fe_cdecl_env {
	bool (*outside)(void *ctx, bool is_union, const char *name, uint64_t *size,
			uint32_t *align);
	void *ctx;
};

/* Parse C declarations ("struct A { int x[4]; }", "typedef unsigned long
 * ul;", "enum E { A = 1, B };", with or without their last ';') and append
 * their types to btf (made by the caller with btf__new_empty()).  A struct
 * only declared, or only used through a pointer, becomes a BTF fwd, for
 * the caller to resolve by name.  env (may be NULL) completes the types
 * used by value that the text does not define, except inside a struct
 * that redefines one of env's own (bpftrace's clang sees no BTF
 * definitions there).  Variable and function declarations are
 * checked and ignored.  0, or -1 with err set and btf left untouched. */
int fe_cdecl_parse(struct btf *btf, const char *text, const struct fe_cdecl_env *env,
		   struct fe_cdecl_error *err);

#endif
