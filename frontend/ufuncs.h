/* The functions a uprobe's BIN:FUNC names, wildcards in both, for -l and
 * for attach points that expand (internal to the frontend).
 *
 * A BIN with a wildcard is every ELF executable or shared object the glob
 * matches (other files are passed over, as bpftrace passes them); a BIN
 * without one is a path, or a bare name looked up in $PATH or else in
 * the ld.so.cache (libc), and must be there. */
#ifndef TV_FRONTEND_UFUNCS_H
#define TV_FRONTEND_UFUNCS_H

#include <stdbool.h>

#include "bytecode/bytecode.h"

/* One match: "BIN:FUNC" (a C++ name may hold ':' too, hence the length). */
struct fe_ufunc {
	char *name;
	size_t bin_len;
};

/* Sorted by name as bpftrace sorts them, each once. */
struct fe_ufuncs {
	struct fe_ufunc *v;
	int n, cap;
	bool nomem;
};

/* Does s hold a glob wildcard? */
bool fe_has_wildcard(const char *s);

/* Adds the matches of bin:func to u; 0, or -1 with err set (type names
 * the probe type in the message). */
int fe_ufuncs_find(struct fe_ufuncs *u, const char *type, const char *bin, const char *func,
		   struct tv_err *err);
void fe_ufuncs_free(struct fe_ufuncs *u);

#endif
