/* host-helpers internals. */
#ifndef TV_HOST_INTERNAL_H
#define TV_HOST_INTERNAL_H

#include "host-helpers/host-helpers.h"

struct tv_out {
	const struct tv_image *img;
	struct tv_store *store;
	FILE *f;
	bool exit_requested;
	__u64 counts[TV_REC__COUNT];
};

/* One map entry as read from a store. */
struct entry {
	unsigned char key[TV_KEY_MAX];
	union {
		struct tv_agg agg;
		unsigned char bytes[TV_VAL_MAX];
	} val;
};

void tvh_print_key(FILE *f, const char *type, const unsigned char *key);
int tvh_print_hists(struct tv_out *o, const struct tv_map *m, struct entry *e, size_t n,
		    __u32 top, __u64 div);

#endif
