/* The frontend's C declaration parser: the struct, union, enum and typedef
 * declarations a bpftrace script writes before its probes, turned into
 * BTF types laid out as gcc lays them out on x86-64 (System V ABI).  No
 * clang and no preprocessor: the script's own types, with their sizes and
 * member offsets, are all it needs. */
#ifndef TV_FE_CDECL_H
#define TV_FE_CDECL_H

#include <bpf/btf.h>

/* Where parsing stopped: 1-based line and columns relative to the text,
 * col..col_end the first and last columns of the offending token (as in
 * tv_diag: col_end = col - 1 for the end of the input). */
struct fe_cdecl_error {
	int line, col, col_end;
	char msg[256];
};

/* Parse C declarations ("struct A { int x[4]; }", "typedef unsigned long
 * ul;", "enum E { A = 1, B };", with or without their last ';') and append
 * their types to btf (made by the caller with btf__new_empty()).  A struct
 * only declared, or only used through a pointer, becomes a BTF fwd, for
 * the caller to resolve by name.  Variable and function declarations are
 * checked and ignored.  0, or -1 with err set and btf left untouched. */
int fe_cdecl_parse(struct btf *btf, const char *text, struct fe_cdecl_error *err);

#endif
