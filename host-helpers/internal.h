/* host-helpers internals. */
#ifndef TV_HOST_INTERNAL_H
#define TV_HOST_INTERNAL_H

#include "host-helpers/host-helpers.h"

struct tvh_ksyms;
struct tvh_ksyms *tvh_ksyms_new(void);
void tvh_ksyms_free(struct tvh_ksyms *k);
void tvh_ksym_format(const struct tvh_ksyms *k, __u64 addr, char *buf, size_t n, bool offset);

/* usyms.c: user symbols of the processes the kernel reported */
#define TVH_SYM_OFFSET 1 /* func+off, not func */
#define TVH_SYM_MODULE 2 /* ... (/path/of/file) */
struct tvh_usyms;
struct tvh_usyms *tvh_usyms_new(void);
void tvh_usyms_free(struct tvh_usyms *u);
void tvh_usyms_note(struct tvh_usyms *u, __u32 pid);
void tvh_usym_format(struct tvh_usyms *u, __u32 pid, __u64 addr, char *buf, size_t n,
		     unsigned flags);

struct tv_out {
	const struct tv_image *img;
	struct tv_store *store;
	FILE *f;
	bool exit_requested;
	bool interrupted; /* SIGINT: what is left is printed, no command started */
	bool json;		/* -f json */
	int helper_checks;	/* -k level: 1 map helpers, 2 also lookups and reads */
	__u64 cat_max;		/* bytes of a file cat() prints */
	tv_stack_fn read_stack; /* stack ids to addresses (the kernel side) */
	void *stack_arg;
	struct tvh_ksyms *ksyms; /* loaded when a kernel stack is printed */
	struct tvh_usyms *usyms; /* made at the first process reported */
	__u64 counts[TV_REC__COUNT];
	struct tvh_cfmt *cfmt[TV_MAX_CONSTS]; /* format constants made ready for libffi */
};

/* names.c: a uid's user name; a cgroup id's paths in the hierarchies
 * whose names match filter (fnmatch) and hold it, "name:path" joined by ',' */
void tvh_print_username(FILE *f, __u64 uid);
void tvh_print_cgroup_path(FILE *f, const char *filter, __u64 cgroup_id);

/* format.c */
struct tvh_cfmt;
void tvh_cfmt_free(struct tvh_cfmt *c);

/* One map entry as read from a store. */
struct entry {
	unsigned char key[TV_KEY_MAX];
	union {
		struct tv_agg agg;
		unsigned char bytes[TV_VAL_MAX];
	} val;
};

/* values.c: one field of a type string; stacks indented by `indent`,
 * buf in a printf style (0, 'x' or 'h': %r, %rx, %rh) */
struct tvh_field {
	char type; /* TV_VALUE_TYPES */
	size_t size;
	const unsigned char *p;
};
/* printf as bpftrace: fmt with its arguments packed in 8-byte slots
 * (strings take TV_STR_MAX bytes unless the constant says otherwise). */
int tvh_format(struct tv_out *o, FILE *f, const struct tv_const *fmt, const void *args,
	       size_t len);
void tvh_print_value(struct tv_out *o, FILE *f, const struct tvh_field *v, int indent, char style);
struct timespec;
void tvh_print_time(FILE *f, const char *fmt, struct timespec ts);
/* The same into out (size bytes): its length, 0 when it did not fit. */
size_t tvh_format_time(char *out, size_t size, const char *fmt, struct timespec ts);
/* typed.c: bytes printed by their type string (TV_VALUE_TYPES) */
enum tvh_style {
	TVH_VALUE, /* a map value, print(): { .m = 2 }, (1, [1,2]) */
	TVH_KEY,   /* a map key: {.m=2}; inside it every integer signed, as bpftrace */
	TVH_JSON,  /* -f json: numbers, strings, [1,2], { "m": 2 } */
};
void tvh_print_typed(struct tv_out *o, FILE *f, const struct tv_valtype *v, const unsigned char *p,
		     int indent, enum tvh_style s);
/* The items of a type string, joined by sep (stacks indented by 4), from
 * len bytes at p: 0, or -EINVAL (nothing printed) if it is malformed or
 * describes more than len bytes. */
int tvh_print_list(struct tv_out *o, FILE *f, const char *type, const unsigned char *p, size_t len,
		   const char *sep, enum tvh_style s);
/* A type string of one item as that JSON value; of several, as a string. */
int tvh_json_list(struct tv_out *o, FILE *f, const char *type, const unsigned char *p, size_t len);
/* json.c */
void tvh_json_string(FILE *f, const char *s, size_t n);
void tvh_json_text_record(FILE *f, const char *type, const char *text, size_t n);
void tvh_json_flat(struct tv_out *o, const struct tv_map *m, const struct entry *e, size_t from,
		   size_t n, __u64 div);
void tvh_json_bucket(FILE *f, const struct tv_map *m, __u64 b, __u64 count, bool first);
void tvh_json_key(struct tv_out *o, FILE *f, const struct tv_map *m, const struct entry *e);
/* A probe by index: its attach point, or only its function (`func`). */
void tvh_print_probe(struct tv_out *o, FILE *f, __u64 idx, bool func_only);
/* A stack value (tv_stack_value): a newline, then one frame a line */
void tvh_print_stack(struct tv_out *o, FILE *f, __u64 v, bool kernel, int indent);
/* stackkeys.c: entries whose kstack(N)/ustack(N) keys print alike made one;
 * the new count */
size_t tvh_merge_stack_keys(struct tv_out *o, const struct tv_map *m, struct entry *e, size_t n);
int tvh_print_hists(struct tv_out *o, const struct tv_map *m, struct entry *e, size_t n, __u32 top,
		    __u64 div);

#endif
