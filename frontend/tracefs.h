/* Tracepoints as tracefs describes them: their format files (the `args`
 * of a tracepoint probe) and glob matching over categories and events.
 * Internal to the frontend. */
#ifndef TV_FRONTEND_TRACEFS_H
#define TV_FRONTEND_TRACEFS_H

#include <stdbool.h>

#include "bytecode/bytecode.h"

#define TV_TP_MAX_FIELDS 64

struct fe_tp_field {
	char name[64];
	char type[96]; /* as the format file writes it: "const char *" */
	char dims[16]; /* "[16]" for char comm[16], else empty */
	unsigned offset, size;
	bool is_signed;
	bool data_loc; /* __data_loc: u32 = length << 16 | offset in the record */
	bool is_ptr;
	bool is_array; /* char comm[16] and the like */
};

struct fe_tp_format {
	int nfields;
	struct fe_tp_field f[TV_TP_MAX_FIELDS]; /* common_* fields left out */
};

/* The mounted tracefs (or debugfs tracing) root, NULL when none is. */
const char *fe_tracefs_root(void);
int fe_tracefs_read_format(const char *cat, const char *event, struct fe_tp_format *out,
			   struct tv_err *err);
const struct fe_tp_field *fe_tp_field_find(const struct fe_tp_format *fmt, const char *name);
/* Calls fn for each category:event matching the globs (* ? [..]), sorted;
 * without glob characters only that one event is looked at.  fn returns 0
 * to go on or a negative error, which ends the walk and is returned;
 * otherwise the number of matches is. */
int fe_tracefs_match(const char *cat_glob, const char *event_glob,
		     int (*fn)(const char *cat, const char *event, void *arg), void *arg);

#endif
