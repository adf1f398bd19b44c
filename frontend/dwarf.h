/* A user binary's DWARF (libdw): its functions' parameters, and its types
 * converted to BTF on demand, so that uprobe args->NAME and struct access
 * in user memory go through the same BTF walk as kernel types do.
 * Internal to the frontend.
 *
 *   struct fe_dwarf *d = fe_dwarf_open("./prog", err, sizeof(err));
 *   struct fe_dwarf_param p[FE_DWARF_MAX_PARAMS];
 *   int n = fe_dwarf_func_params(d, "function1", p, FE_DWARF_MAX_PARAMS, err, sizeof(err));
 *   // p[i].btf_id is a type of fe_dwarf_btf(d)
 *   fe_dwarf_close(d);
 *
 * Strings and BTF ids handed out stay valid until fe_dwarf_close. */
#ifndef TV_FRONTEND_DWARF_H
#define TV_FRONTEND_DWARF_H

#include <stdbool.h>
#include <stddef.h>

struct btf;
struct fe_dwarf;

/* bpftrace 0.17 reads arguments from registers only: SysV's six */
#define FE_DWARF_MAX_PARAMS 6

struct fe_dwarf_param {
	const char *name;      /* "" for an unnamed parameter */
	const char *type_name; /* as bpftrace -lv spells it: "char", "int*", "struct Foo*" */
	int btf_id;	       /* the type, in fe_dwarf_btf(d) (0: void) */
	int index;	       /* position: arg0 .. arg5 (SysV registers) */
};

/* The binary's debug info, or NULL with "cannot open PATH: ..." or "No
 * DWARF found for \"PATH\"" in err.  Types are converted when first asked. */
struct fe_dwarf *fe_dwarf_open(const char *path, char *err, size_t n);
void fe_dwarf_close(struct fe_dwarf *d);

/* The parameters of func (the first definition of that name, as bpftrace
 * takes it), at most max of them: returns how many the function has, or
 * -1 with err set (no such function, a type that cannot be converted). */
int fe_dwarf_func_params(struct fe_dwarf *d, const char *func, struct fe_dwarf_param *out, int max,
			 char *err, size_t n);

/* A struct (or union) defined in the binary, by name: its BTF id, with
 * every type it references; -1 when there is none. */
int fe_dwarf_find_struct(struct fe_dwarf *d, const char *name, bool is_union);

/* Every type converted so far (libbpf's builder), NULL if out of memory. */
struct btf *fe_dwarf_btf(struct fe_dwarf *d);

/* The functions an ELF file defines (.symtab and .dynsym, as uprobes
 * resolve them), each passed to fn once, in no order; fn returning
 * non-zero stops.  Works without debug info.  0, or -1 with err set. */
int fe_elf_each_func(const char *path, int (*fn)(const char *name, void *arg), void *arg, char *err,
		     size_t n);

#endif
