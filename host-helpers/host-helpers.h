/* host-helpers: turn records and maps into the text bpftrace prints. */
#ifndef TV_HOST_HELPERS_H
#define TV_HOST_HELPERS_H

#include <stdbool.h>
#include <stdio.h>

#include "bytecode/bytecode.h"

struct tv_out;

/* Reads stack `id` (kernel or user) into ips; returns the frame count. */
typedef int (*tv_stack_fn)(void *arg, __u64 id, bool kernel, __u64 *ips, int max);

struct tv_out *tv_out_new(const struct tv_image *img, struct tv_store *store, FILE *f);
void tv_out_free(struct tv_out *o);
void tv_out_set_stack_reader(struct tv_out *o, tv_stack_fn fn, void *arg);
/* -f json: one JSON object a line, bpftrace's types and shapes. */
void tv_out_set_json(struct tv_out *o, bool json);
/* -k's level, as bpftrace: a failed map helper is warned of at its CHECKS
 * row's level (1: a delete, 2: a lookup's miss); failed memory reads at 2
 * (-kk), below they are only counted. */
void tv_out_set_helper_checks(struct tv_out *o, int level);
/* The run was interrupted: records still to come are printed, but the
 * commands system() asked for are no longer started (as bpftrace, which
 * reads nothing after an interrupt; a backlog of them would run on). */
void tv_out_set_interrupted(struct tv_out *o);
/* cat() prints at most max bytes of a file (BPFTRACE_CAT_BYTES_MAX). */
void tv_out_set_cat_max(struct tv_out *o, __u64 max);
/* "Lost N events" (or its JSON record). */
void tv_out_lost(struct tv_out *o, __u64 lost);
/* "Attaching N probes..." (or its JSON record). */
void tv_out_attached(struct tv_out *o, unsigned nprobes);
/* A tv_record_fn: prints printf/time records, applies clear/zero/print. */
int tv_out_record(const struct tv_rec *hdr, const void *payload, void *out);
bool tv_out_exit_requested(const struct tv_out *o);
/* END runs after exit(): its records are shown again. */
void tv_out_begin_end(struct tv_out *o);
/* Print every map, as bpftrace does when a script ends. */
int tv_out_print_all(struct tv_out *o);
/* Every map, by name, with nothing before them (SIGUSR1's print). */
int tv_out_print_maps(struct tv_out *o);
/* Print one map: the `top` largest entries (0: all), values divided by div. */
int tv_out_print_map(struct tv_out *o, __u32 map, __u32 top, __u64 div);
/* Records counted by kind, e.g. faults reported so far. */
__u64 tv_out_count(const struct tv_out *o, unsigned kind);

#endif
