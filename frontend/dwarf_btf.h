/* DWARF type DIEs to BTF (libbpf's builder), for frontend/dwarf.c.
 * Internal to the frontend. */
#ifndef TV_FRONTEND_DWARF_BTF_H
#define TV_FRONTEND_DWARF_BTF_H

#include <elfutils/libdw.h>

struct btf;
struct fe_dwconv;

struct fe_dwconv *fe_dwconv_new(void);
void fe_dwconv_free(struct fe_dwconv *c);
struct btf *fe_dwconv_btf(struct fe_dwconv *c);

/* die's type in BTF with everything it references (converted once: the
 * same DIE gives the same id); NULL is void (0).  A negative errno when
 * the DWARF is malformed or libbpf refuses a type. */
int fe_dwconv_type(struct fe_dwconv *c, Dwarf_Die *die);

/* The definition of a struct, union or enum (tag) named name in any unit
 * of dw, for a declaration seen in one unit; false if there is none. */
bool fe_dwarf_find_def(Dwarf *dw, int tag, const char *name, Dwarf_Die *out);

/* DW_AT_name, through DW_AT_abstract_origin and DW_AT_specification (NULL
 * when there is none). */
const char *fe_dwarf_name(Dwarf_Die *die);
/* die's DW_AT_type into out; NULL for void. */
Dwarf_Die *fe_dwarf_type_of(Dwarf_Die *die, Dwarf_Die *out);

#endif
